"""News: extract proposed events from a text; ingest them into the store."""

from __future__ import annotations

import json

import click

from eventstore.dates import PartialDate, parse_cutoff_day

from ..options import date_callback
from ..output import progress, render
from .store import _read_text, obj, refresh_projection

published_option = click.option("--published", metavar="D", callback=date_callback(parse_cutoff_day),
                                help="The publication date, where the text has no dateline; it resolves "
                                     "'today', 'on Friday', 'last month'.")


def _rows(items) -> list[dict]:
    return [{"drug": p.drug, "type": p.type, "date": p.date.to_json() or "unknown",
             "attributes": ", ".join(f"{k}={v if isinstance(v, str) else '/'.join(v)}" for k, v in p.attributes.items()),
             "quote": p.quote[:90] + ("…" if len(p.quote) > 90 else "")} for p in items]


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@published_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def extract(file, published, fmt):
    """Propose the events a news text states; writes nothing. Forward-looking
    statements are listed apart as expected milestones, never as events.

    \b
    Examples:
      milestones extract release.txt
      pbpaste | milestones extract - --published 2021-04-22 --format jsonl
    """
    from eventstore.extract import extract as read_news  # imported when used: start-up stays light
    result = read_news(_read_text(file), published)
    if fmt == "jsonl":
        for p in result.events:
            click.echo(json.dumps(p.to_json(), ensure_ascii=False))
        return
    columns = ["drug", "type", "date", "attributes", "quote"]
    click.echo(f"events ({len(result.events)}), published {result.published or 'unknown'}:")
    render(_rows(result.events), columns, "table")
    if result.expected:
        click.echo(f"\nexpected milestones, not events ({len(result.expected)}):")
        render(_rows(result.expected), columns, "table")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@published_option
@click.option("--yes", is_flag=True, help="Append without asking.")
@click.option("--dry-run", is_flag=True, help="Show what would be appended; write nothing.")
@click.pass_context
def ingest(ctx, files, published, yes, dry_run):
    """Extract events from news texts and append them with their provenance (the file,
    the quote, the publication date). Events the store already holds are not appended
    again; a more precise date refines the known event. Ingesting the same file twice
    adds nothing.

    \b
    Examples:
      milestones ingest release.txt --dry-run
      milestones ingest news/*.txt --yes
    """
    from eventstore import ingest as news
    from eventstore.extract import extract as read_news
    store = obj(ctx).store()
    texts = [(name, _read_text(name)) for name in files]
    with progress(texts, "reading") as items:
        plans = []
        for name, text in items:
            result = read_news(text, published)
            plans.append((name, text, result, news.decide(store, result.events, result.published)))
    total_new = 0
    for name, _, result, decisions in plans:
        rows = [{**row, "action": d.action} for row, d in zip(_rows([d.proposed for d in decisions]), decisions)]
        click.echo(f"{name}: {sum(d.action == 'new' for d in decisions)} new, "
                   f"{sum(d.action == 'refines' for d in decisions)} refinements, "
                   f"{sum(d.action == 'known' for d in decisions)} already known; "
                   f"{len(result.expected)} expected milestones", err=True)
        render(rows, ["action", "drug", "type", "date", "attributes", "quote"], "table")
        total_new += sum(d.action != "known" for d in decisions)
    total_new += sum(len(result.expected) for _, _, result, _ in plans)
    if dry_run or total_new == 0:
        return
    if not yes and not click.confirm(f"Append {total_new} events?", err=True):
        raise click.Abort()
    for name, text, result, decisions in plans:
        reported = PartialDate.of_day(result.published) if result.published else PartialDate.unknown()
        appended, refined, expected = news.apply(store, decisions, name, text, reported, result.expected)
        click.echo(f"{name}: {appended} appended, {refined} refined, {expected} expected milestones recorded",
                   err=True)
    refresh_projection(store)


def register(group: click.Group) -> None:
    group.add_command(extract)
    group.add_command(ingest)
