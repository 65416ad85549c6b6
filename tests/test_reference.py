"""The command reference and the help stay in step with the code."""

from __future__ import annotations

from pathlib import Path

import click
from milestones_cli import cli
from milestones_cli.reference import reference

DOCS = Path(__file__).parent.parent / "docs" / "cli.md"


def test_docs_cli_md_is_the_commands_own_help():
    assert DOCS.read_text() == reference(), "run: python -m milestones_cli.reference > docs/cli.md"


def test_every_command_shows_an_example():
    def commands(group: click.Group, prefix: str):
        for name, command in group.commands.items():
            yield f"{prefix} {name}", command
            if isinstance(command, click.Group):
                yield from commands(command, f"{prefix} {name}")

    missing = [path for path, command in commands(cli, "milestones") if "Example" not in (command.help or "")]
    assert missing == []
