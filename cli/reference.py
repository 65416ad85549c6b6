"""docs/cli.md, written from the commands' own help, so the reference cannot drift from
the code (a test compares them). Regenerate with `python -m milestones_cli.reference > docs/cli.md`."""

from __future__ import annotations

import click

from . import cli

WIDTH = 100


def _help(command: click.Command, path: str, parent: click.Context | None) -> tuple[str, click.Context]:
    ctx = click.Context(
        command,
        info_name=path.split()[-1],
        parent=parent,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        **command.context_settings,
    )
    return command.get_help(ctx), ctx


def reference() -> str:
    parts = [
        "# Command reference",
        "",
        "Every command's help, as `milestones COMMAND --help` prints it. Shell completion is click's own:",
        '`eval "$(_MILESTONES_COMPLETE=bash_source milestones)"` in `~/.bashrc` (or `zsh_source`,',
        "`fish_source`).",
        "",
    ]
    text, root = _help(cli, "milestones", None)
    parts += ["## milestones", "", "```", text, "```", ""]

    def walk(group: click.Group, prefix: str, parent: click.Context) -> None:
        for name in sorted(group.commands):
            command = group.commands[name]
            text, ctx = _help(command, f"{prefix} {name}", parent)
            parts.extend([f"## {prefix} {name}", "", "```", text, "```", ""])
            if isinstance(command, click.Group):
                walk(command, f"{prefix} {name}", ctx)

    walk(cli, "milestones", root)
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
