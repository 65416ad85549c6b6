"""Commands that answer questions: timeline, status, events."""

from __future__ import annotations

import click

from eventstore import queries
from eventstore.dates import parse_cutoff_day, parse_start_day
from eventstore.status import Cutoffs, describe

from ..options import clock_options, cutoffs, date_callback
from ..output import emit_json, output_option, render
from .store import obj


@click.command()
@click.argument("drug")
@clock_options
@output_option("table", "json", "csv")
@click.pass_context
def timeline(ctx, drug, as_of, known_at, recorded_by, fmt):
    """A drug's milestones in occurred order, dates as precise as known.

    \b
    Examples:
      milestones timeline toripalimab
      milestones timeline toripalimab --as-of 2018-06-30 --format json
    """
    shown = queries.timeline(obj(ctx).store(), drug, cutoffs(as_of, known_at, recorded_by))
    rows = [
        {
            "date": v.event.date.to_json() or "unknown",
            "milestone": describe(v.event.type, v.event.attributes),
            "certain": v.certain,
            "source": "; ".join(v.sources),
            "id": v.event.id,
        }
        for v in shown
    ]
    render(
        rows,
        ["date", "milestone", "certain", "source", "id"],
        fmt,
        [v.to_json() for v in shown],
    )


@click.command()
@click.argument("drug", required=False)
@clock_options
@output_option("table", "json", "csv")
@click.pass_context
def status(ctx, drug, as_of, known_at, recorded_by, fmt):
    """One drug's status (phase, regulatory state per agency, designations, partners);
    without DRUG, the pipeline table of every drug.

    \b
    Examples:
      milestones status toripalimab --as-of 2019-01-01
      milestones status --known-at 2019-01-01 --format csv
    """
    store, when = obj(ctx).store(), cutoffs(as_of, known_at, recorded_by)
    if drug is None:
        statuses = queries.pipeline(store, when)
        rows = [
            {
                "drug": s.drug,
                "highest phase": s.highest_phase,
                "approvals": ", ".join(s.approvals()),
                "last milestone": (
                    f"{s.last_event['date'] or 'unknown'} {s.last_event['summary']}" if s.last_event else None
                ),
            }
            for s in statuses
        ]
        render(rows, ["drug", "highest phase", "approvals", "last milestone"], fmt, [s.to_json() for s in statuses])
        return
    s = queries.drug_status(store, drug, when)
    if fmt == "json":
        emit_json(s.to_json())
        return
    rows = [{"field": "highest phase", "value": s.highest_phase}]
    rows += [{"field": f"phase: {ind}", "value": phase} for ind, phase in s.highest_phase_by_indication.items()]
    for e in s.regulatory:
        where = e["agency"] or "?" if not e["indication"] else f"{e['agency'] or '?'}: {e['indication']}"
        state = " ".join(x for x in (e["state"], e.get("pathway"), e["date"] or "date unknown") if x)
        rows.append({"field": f"regulatory {where}", "value": state + ("" if e["certain"] else " (possible)")})
    rows += [
        {"field": "designation", "value": " ".join(x for x in (d["designation"], d["agency"], d["date"]) if x)}
        for d in s.designations
    ]
    rows += [
        {
            "field": "no development reported",
            "value": f"{q['indication'] or 'programme'} (last clinical news {q['last_clinical_event']})",
        }
        for q in s.no_development_reported
    ]
    rows += [
        {"field": "partners", "value": s.partners},
        {"field": "halted", "value": s.halted},
        {"field": "discontinued", "value": s.discontinued},
        {"field": "last event", "value": s.last_event and f"{s.last_event['date']} {s.last_event['summary']}"},
    ]
    render(rows, ["field", "value"], fmt)


@click.command()
@click.option("--drug", help="Only this drug (any of its names).")
@click.option("--type", "event_type", help="Only this event type.")
@click.option("--agency", help="Only this agency.")
@click.option(
    "--since",
    metavar="D",
    callback=date_callback(parse_start_day),
    help="Only events whose date may fall on or after D.",
)
@click.option(
    "--until",
    metavar="D",
    callback=date_callback(parse_cutoff_day),
    help="Only events whose date may fall on or before D.",
)
@output_option("table", "json", "csv")
@click.pass_context
def events(ctx, drug, event_type, agency, since, until, fmt):
    """Search events across drugs (retracted events left out).

    \b
    Examples:
      milestones events --type approved --agency NMPA
      milestones events --since 2018 --until 2019-06 --format csv
    """
    found = queries.search(obj(ctx).store(), drug, event_type, agency, since, until)
    rows = [
        {
            "date": e.date.to_json() or "unknown",
            "drug": e.stream,
            "milestone": describe(e.type, e.attributes),
            "source": e.source,
            "id": e.id,
        }
        for e in found
    ]
    render(rows, ["date", "drug", "milestone", "source", "id"], fmt, [e.to_json() for e in found])


@click.command()
@click.argument("drugs", nargs=-1, required=True, metavar="DRUG...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="FILE.svg or FILE.png.")
@click.option(
    "--as-of",
    "as_of",
    metavar="D",
    callback=date_callback(parse_cutoff_day),
    help="Only what had happened by D, with a line at D.",
)
@click.option("--since", metavar="D", callback=date_callback(parse_start_day), help="Start the chart at D.")
@click.option("--until", metavar="D", callback=date_callback(parse_cutoff_day), help="End the chart at D.")
@click.option(
    "--by",
    type=click.Choice(["indication", "agency"]),
    help="A lane per indication or agency of each drug, where its events name one.",
)
@click.pass_context
def plot(ctx, drugs, output, as_of, since, until, by):
    """Draw a timeline chart: one lane per drug, phases as spans, regulatory and deal
    milestones as labelled markers, partial dates as the interval they stand for.
    Needs matplotlib: pip install 'milestones[plot]'.

    \b
    Examples:
      milestones plot toripalimab APG-1387 -o pipeline.svg
      milestones plot toripalimab -o toripalimab.png --as-of 2019-01-01 --by agency
    """
    from eventstore.chart import draw, split_lanes

    store = obj(ctx).store()
    timelines = [
        lane
        for d in drugs
        for lane in split_lanes(store.canonical_name(d), queries.timeline(store, d, Cutoffs(as_of=as_of)), by)
    ]
    chart = draw(timelines, output, as_of, since, until)
    click.echo(
        f"{chart.path}: {len(chart.lanes)} lanes, {len(chart.labels)} labels"
        + (f" ({chart.dropped_labels} left off for lack of room)" if chart.dropped_labels else ""),
        err=True,
    )


def register(group: click.Group) -> None:
    for command in (timeline, status, events, plot):
        group.add_command(command)
