"""Importers of primary sources: ClinicalTrials.gov study records and openFDA
applications."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from eventstore.errors import MilestonesError

from ..files import read_text
from ..output import progress
from .store import obj, refresh_projection

MAX_RECORD_BYTES = 200_000_000  # a records file larger than this is refused, not read on


def _load(name: str) -> object:
    try:
        return json.loads(read_text(name, MAX_RECORD_BYTES))
    except (ValueError, RecursionError) as error:
        raise MilestonesError(f"{name}: not JSON ({error})") from None


def _run_import(ctx, files: tuple[str, ...], prefix: str, split: Callable, read: Callable) -> None:
    """Read and check every file first; then each file lands in one transaction."""
    from eventstore.importers.common import land

    parsed = []
    for name in files:
        loaded = _load(name)  # its errors name the file already
        try:
            parsed.append((name, [read(item) for item in split(loaded)]))
        except MilestonesError as error:
            raise MilestonesError(f"{name}: {error}") from None
    store = obj(ctx).store()
    with progress(parsed, "importing") as items:
        for _, records in items:
            for outcome in land(store, records, prefix):
                line = f"{outcome.source}: {outcome.stored} stored, {outcome.present} already present"
                if outcome.superseded:
                    line += f", {outcome.superseded} superseded"
                if outcome.expected:
                    line += f"; {outcome.expected} expected milestones recorded (ESTIMATED dates)"
                click.echo(line, err=True)
    refresh_projection(store)


@click.command("import-ctgov")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
def import_ctgov(ctx, files):
    """Import ClinicalTrials.gov API v2 study records (the JSON of a study, or of a
    search): ACTUAL start → phase started, ACTUAL primary completion → phase completed,
    suspended / terminated / withdrawn → trial halted. ESTIMATED dates are expectations,
    not events. The intervention's other names become aliases of one drug; importing a
    record again stores only what changed. A file may hold up to 200 MB.

    \b
    Example:
      milestones import-ctgov NCT02210780.json
    """
    from eventstore.importers import ctgov

    _run_import(ctx, files, "ctgov", ctgov.studies, ctgov.read_study)


@click.command("import-openfda")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
def import_openfda(ctx, files):
    """Import openFDA drugsfda applications (one `results[]` element, or a whole
    response): original approval and efficacy supplements → approved by FDA; priority
    review → designation. Labeling and manufacturing supplements, tentative approvals and
    generics (ANDA) give nothing. Brand and generic names become aliases. A file may hold
    up to 200 MB.

    \b
    Example:
      milestones import-openfda NDA209637.json
    """
    from eventstore.importers import openfda

    _run_import(ctx, files, "openfda", openfda.applications, openfda.read_application)


def register(group: click.Group) -> None:
    group.add_command(import_ctgov)
    group.add_command(import_openfda)
