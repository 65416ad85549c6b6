"""Expected milestones: expect records one; calendar lists the open ones."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import click

from eventstore import queries
from eventstore.dates import parse_cutoff_day, parse_cutoff_instant, parse_start_day, today_utc
from eventstore.expectations import NewExpectation, Window
from eventstore.status import describe

from ..options import attribute_options, attributes, date_callback, event_type_argument
from ..output import emit_json, render
from .store import obj


@click.command()
@click.argument("drug")
@event_type_argument
@click.option(
    "--window",
    required=True,
    help="When it is expected: 2026-H2, 2025-08-01, or START..END (..2026-12-31 means by the end of 2026).",
)
@attribute_options
@click.option("--reason", help="Why it is expected then (or why it moved).")
@click.pass_context
def expect(
    ctx,
    drug,
    event_type,
    window,
    phase,
    agency,
    application,
    pathway,
    designation,
    indication,
    partners,
    regions,
    source,
    quote,
    reported,
    reason,
):
    """Record an expected milestone; prints its id. A second `expect` for the same drug,
    type and agency (and indication) revises the first; both stay in the history. An
    actual event of that drug, type and agency recorded later resolves it.

    \b
    Examples:
      milestones expect examplimab approved --window 2025-08-01 --agency FDA --reason "PDUFA date"
      milestones expect examplimab results_reported --window 2026-H2 --phase 3
    """
    expectation = NewExpectation(
        drug,
        event_type,
        Window.parse(window),
        attributes(phase, agency, application, pathway, designation, indication, partners, regions),
        source=source,
        quote=quote,
        reason=reason,
    )
    click.echo(obj(ctx).store().expect(expectation.drug, expectation.data()).id)


@click.command()
@click.option(
    "--from", "since", metavar="D", callback=date_callback(parse_start_day), help="Windows ending on or after D."
)
@click.option("--to", "until", metavar="D", callback=date_callback(parse_cutoff_day), help="Windows starting by D.")
@click.option("--agency", help="Only this agency.")
@click.option("--type", "event_type", help="Only this expected event type.")
@click.option(
    "--as-of",
    "as_of",
    metavar="D",
    callback=date_callback(parse_cutoff_day),
    help="The calendar as the store knew it at the end of D.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "ical"]), default="table", show_default=True
)
@click.pass_context
def calendar(ctx, since, until, agency, event_type, as_of, fmt):
    """The open expected milestones in window order, overdue ones flagged.

    \b
    Examples:
      milestones calendar --from 2025-07 --to 2025-12 --agency FDA
      milestones calendar --format ical > milestones.ics
    """
    today = as_of or today_utc()
    found = queries.calendar(obj(ctx).store(), since, until, agency, event_type, as_of)
    if fmt == "ical":
        click.echo(to_ical(found), nl=False)
        return
    rows = [
        {
            "window": e.window.text,
            "drug": e.drug,
            "expected": describe(e.expects, e.fact.attributes),
            "revisions": e.revisions,
            "overdue": e.overdue(today),
            "source": e.fact.data.get("source"),
        }
        for e in found
    ]
    if fmt == "json":
        emit_json([e.to_json(today) for e in found])
    else:
        render(rows, ["window", "drug", "expected", "revisions", "overdue", "source"], fmt)


@click.command()
@click.option(
    "--since",
    "since",
    metavar="T",
    required=True,
    callback=date_callback(parse_cutoff_instant),
    help="Changes recorded strictly after T (a date means the end of that day; UTC).",
)
@click.option("--watched", is_flag=True, help="Only what touches a watched drug, company or indication.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def changes(ctx, since, watched, fmt):
    """What was recorded after T: new events, refinements, retractions, new and revised
    expectations, resolutions — each with a severity (critical: approval, refusal,
    clinical hold, termination, discontinuation, a target date moved; notable: phase,
    results, filing, designation, deal; minor: the rest).

    \b
    Examples:
      milestones changes --since 2026-11-26
      milestones changes --since 2026-11-27T06:00:00Z --watched --format json
    """
    from eventstore.changes import changes as changes_since
    from eventstore.changes import watched_changes

    found = (watched_changes if watched else changes_since)(obj(ctx).store(), since)
    if fmt == "json":
        emit_json([c.to_json() for c in found])
        return
    render(
        [{**c.to_json(), "recorded": c.recorded.isoformat(timespec="seconds")} for c in found],
        ["recorded", "severity", "kind", "drug", "summary"],
        "table",
    )


@click.group()
def watch():
    """The watchlist: drugs, companies and indications whose changes
    `milestones changes --watched` shows. Watching a drug the store has not seen yet is
    allowed.

    \b
    Examples:
      milestones watch add --indication melanoma
      milestones watch list
    """


def _watch_target(drug, company, indication) -> tuple[str, str]:
    given = [(t, v) for t, v in (("drug", drug), ("company", company), ("indication", indication)) if v]
    if len(given) != 1:
        raise click.UsageError("name one thing: a DRUG, or --company NAME, or --indication TEXT")
    return given[0]


def _watch_options(function):
    function = click.option("--indication", help="An indication (matched as words within an event's).")(function)
    function = click.option("--company", help="A company (a partner, or named in a source or quote).")(function)
    return click.argument("drug", required=False)(function)


@watch.command("add")
@_watch_options
@click.pass_context
def watch_add(ctx, drug, company, indication):
    """Watch a drug, a company or an indication.

    \b
    Examples:
      milestones watch add toripalimab
      milestones watch add --company "Junshi Biosciences"
    """
    target, value = _watch_target(drug, company, indication)
    obj(ctx).store().watch(target, value, "add")


@watch.command("remove")
@_watch_options
@click.pass_context
def watch_remove(ctx, drug, company, indication):
    """Stop watching something (the removal is appended too).

    \b
    Example:
      milestones watch remove --company "Junshi Biosciences"
    """
    target, value = _watch_target(drug, company, indication)
    obj(ctx).store().watch(target, value, "remove")


@watch.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def watch_list(ctx, fmt):
    """What is watched.

    \b
    Example:
      milestones watch list --format json
    """
    watched = obj(ctx).store().watchlist()
    render(
        [{"watching": target, "name": value} for target, values in watched.items() for value in values],
        ["watching", "name"],
        fmt,
    )


def to_ical(found) -> str:
    """One all-day event per expectation, spanning its window (RFC 5545, written by the
    icalendar library: escaping, line folding and CRLFs are its business)."""
    import icalendar  # only this command needs it: not loaded at every start

    feed = icalendar.Calendar()
    feed.add("prodid", "-//milestones//expected milestones//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    stamp = datetime.now(timezone.utc)
    for e in found:
        entry = icalendar.Event()
        entry.add("uid", f"{e.fact.id}@milestones")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", max(e.window.start, e.window.end - timedelta(days=366 * 5)))  # "by END": what is left
        entry.add("dtend", e.window.end + timedelta(days=1))
        entry.add("summary", f"{e.drug}: {describe(e.expects, e.fact.attributes)} (expected)")
        source = f"; source {e.fact.data['source']}" if e.fact.data.get("source") else ""
        entry.add("description", f"window {e.window.text}; revisions {e.revisions}{source}")
        feed.add_component(entry)
    return feed.to_ical().decode("utf-8")


def register(group: click.Group) -> None:
    group.add_command(expect)
    group.add_command(calendar)
    group.add_command(changes)
    group.add_command(watch)
