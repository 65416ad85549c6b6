"""Rendering rows as a table, JSON or CSV: one function for every listing command."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
from tabulate import tabulate

# Control characters and bidirectional overrides would let a stored text rewrite the
# terminal or reorder a table's columns; in tables they are shown escaped.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))


def output_option(*formats: str, default: str = "table") -> Callable:
    return click.option(
        "--format", "fmt", type=click.Choice(formats), default=default, show_default=True, help="Output format."
    )


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def render(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, json_rows: Sequence[Any] | None = None
) -> None:
    """Print `rows` (dicts keyed by `columns`) as a table or CSV; JSON prints
    `json_rows` when given (the full objects), else the rows themselves."""
    if fmt == "json":
        emit_json(list(json_rows if json_rows is not None else rows))
    elif fmt == "jsonl":
        for row in json_rows if json_rows is not None else rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([safe_cell(row.get(c)) for c in columns])
        click.echo(buffer.getvalue(), nl=False)
    elif not rows:
        click.echo("(nothing)", err=True)
    else:
        click.echo(
            tabulate([[safe_cell(row.get(c)) for c in columns] for row in rows], headers=columns, disable_numparse=True)
        )


class progress:
    """click's progress bar on stderr when there are many items; silence otherwise."""

    def __init__(self, items, label: str, threshold: int = 5):
        self.items = items
        self.bar = click.progressbar(items, label=label, file=sys.stderr) if len(items) > threshold else None

    def __enter__(self):
        return self.bar.__enter__() if self.bar else self.items

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc) if self.bar else False
