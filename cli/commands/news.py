"""News: extract proposed events from a text; ingest them into the store."""

from __future__ import annotations

import json
import sys

import click

from eventstore.dates import PartialDate, parse_cutoff_day
from eventstore.errors import MilestonesError

from ..files import read_text
from ..options import date_callback
from ..output import progress, render
from .store import obj, refresh_projection

MAX_NEWS_BYTES = 2_000_000  # a news text larger than this is no press release: refused, not read on
published_option = click.option(
    "--published",
    metavar="D",
    callback=date_callback(parse_cutoff_day),
    help="The publication date, where the text has no dateline; it resolves 'today', 'on Friday', 'last month'.",
)


def _attributes_text(p) -> str:
    return ", ".join(f"{k}={v if isinstance(v, str) else '/'.join(v)}" for k, v in p.attributes.items())


def _rows(items) -> list[dict]:
    return [
        {
            "drug": p.drug,
            "type": p.type,
            "date": p.date.to_json() or "unknown",
            "attributes": _attributes_text(p),
            "confidence": "" if p.confidence is None else f"{p.confidence:.2f}",
            "quote": p.quote[:90] + ("…" if len(p.quote) > 90 else ""),
        }
        for p in items
    ]


min_confidence_option = click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    metavar="C",
    help="Propose only events at least this likely (0–1); 0 shows every reading the rules make. "
    "Default: the model's threshold, chosen for the best F1 on news it was not trained on.",
)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@published_option
@min_confidence_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def extract(file, published, min_confidence, fmt):
    """Propose the events a news text (up to 2 MB) states, each with its confidence (how
    likely it is stated as done, 0–1); writes nothing. Forward-looking statements are listed apart
    as expected milestones, never as events.

    \b
    Examples:
      milestones extract release.txt
      milestones extract release.txt --min-confidence 0
      pbpaste | milestones extract - --published 2021-04-22 --format jsonl
    """
    from eventstore.extract import extract as read_news  # imported when used: start-up stays light

    result = read_news(read_text(file, MAX_NEWS_BYTES), published, min_confidence)
    if fmt == "jsonl":
        for p in result.events:
            click.echo(json.dumps(p.to_json(), ensure_ascii=False))
        return
    click.echo(f"events ({len(result.events)}), published {result.published or 'unknown'}:")
    render(_rows(result.events), ["drug", "type", "date", "attributes", "confidence", "quote"], "table")
    if result.expected:
        click.echo(f"\nexpected milestones, not events ({len(result.expected)}):")
        render(_rows(result.expected), ["drug", "type", "date", "attributes", "quote"], "table")


def _is_terminal() -> bool:
    """Whether a person can answer questions: both ends of the session are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _describe(d) -> str:
    p = d.proposed
    attributes = _attributes_text(p)
    confidence = "" if p.confidence is None else f"  confidence {p.confidence:.2f}"
    refines = (
        f"\n  refines the stored {d.known.date.to_json() or 'undated'} event {d.known.id}"
        if d.action == "refines" and d.known
        else ""
    )
    return (
        f"{d.drug}  {p.type}  {p.date.to_json() or 'date unknown'}  {attributes}{confidence}{refines}\n"
        f"  \u201c{p.quote[:300]}\u201d"
    )


def _edit(d):
    """Ask for each value of a proposal, the proposal's own as the default."""
    from dataclasses import replace

    from eventstore import EVENT_TYPES

    p = d.proposed
    drug = click.prompt("  drug", default=d.drug, err=True)
    type_ = click.prompt("  type", default=p.type, type=click.Choice(list(EVENT_TYPES)), show_choices=False, err=True)
    when = click.prompt("  date (unknown for none)", default=p.date.to_json() or "unknown", err=True)
    attributes = {}
    for name, value in p.attributes.items():
        if isinstance(value, str):
            answer = click.prompt(f"  {name} (- to drop)", default=value, err=True)
            if answer != "-":
                attributes[name] = answer
        else:
            attributes[name] = value
    d.proposed = replace(p, drug=drug, type=type_, date=PartialDate.parse(when), attributes=attributes)
    d.drug = drug
    return d


def _review(pending, source_of):
    """Ask about each proposal on the terminal: returns (accepted, rejected with reasons);
    what is left when the reader quits is neither."""
    accepted, rejected = [], []
    accept_all = False
    for number, d in enumerate(pending, 1):
        if accept_all:
            accepted.append(d)
            continue
        click.echo(f"\n[{number}/{len(pending)}] {source_of[id(d)]}: {_describe(d)}", err=True)
        while True:
            answer = click.prompt(
                "  [a]ccept, [r]eject, [e]dit, accept [A]ll the rest, [q]uit",
                default="a",
                type=click.Choice(["a", "r", "e", "A", "q"]),
                show_choices=False,
                err=True,
            )
            if answer == "e":
                try:
                    d = _edit(d)
                except MilestonesError as error:
                    click.echo(f"  {error}", err=True)
                    continue
                click.echo(f"  now: {_describe(d)}", err=True)
                continue
            break
        if answer == "q":
            break
        if answer == "r":
            rejected.append(
                (d, click.prompt("  why (remembered: not proposed again from this source)", default="wrong", err=True))
            )
        else:
            accepted.append(d)
            accept_all = answer == "A"
    return accepted, rejected


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@published_option
@click.option(
    "--yes", is_flag=True, help="Append, without asking, the proposals at or above --min-confidence; report the rest."
)
@click.option(
    "--review",
    "review_file",
    type=click.File("w", encoding="utf-8"),
    metavar="FILE",
    help="Write the proposals as JSON Lines to FILE, to decide in any editor (set each line's review "
    "to accept or reject) and append with `milestones import FILE`; appends nothing now.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    metavar="C",
    help="The confidence at or above which --yes appends (and --review pre-accepts) a proposal; one "
    "below the extractor's own threshold also proposes the less likely events. Default: the model's, "
    "chosen so that precision on news it was not trained on is at least 0.95.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be proposed; write nothing.")
@click.pass_context
def ingest(ctx, files, published, yes, review_file, min_confidence, dry_run):
    """Extract events from news texts (each up to 2 MB) and append them with their
    provenance (the file, the quote, the publication date), after review. On a terminal each proposal is shown
    with its confidence and quote, to accept, reject, edit, or accept with all the rest.
    Events the store already holds are not proposed again (a more precise date refines
    the known event); nor is a proposal rejected before, or an event retracted, from
    the same source: the output says what was held back and why. Ingesting the same
    file twice adds nothing.

    \b
    Examples:
      milestones ingest release.txt                      # review each proposal
      milestones ingest release.txt --dry-run
      milestones ingest news/*.txt --review proposals.jsonl && $EDITOR proposals.jsonl \\
          && milestones import proposals.jsonl
      milestones ingest news/*.txt --yes                 # only what clears the confidence bar
    """
    from eventstore import ingest as news
    from eventstore.extract import extract as read_news
    from eventstore.extract.model import shipped

    if sum(map(bool, (yes, review_file, dry_run))) > 1:
        raise click.UsageError("choose one of --yes, --review and --dry-run")
    if not (yes or review_file or dry_run or _is_terminal()):
        raise click.UsageError(
            "no terminal to review the proposals on: use --review FILE (decide in an editor, "
            "then `milestones import FILE`), --yes (append only what clears the confidence bar) "
            "or --dry-run"
        )
    model = shipped()
    bar = model.ingest_threshold if min_confidence is None else min_confidence
    store = obj(ctx).store()
    texts = [(name, read_text(name, MAX_NEWS_BYTES)) for name in files]
    with progress(texts, "reading") as items:
        plans = []
        for name, text in items:
            result = read_news(text, published, min(bar, model.emit_threshold))  # a lower bar proposes more
            plans.append((name, text, result, news.decide(store, result.events, result.published, name, text)))
    pending, source_of = [], {}
    for name, _, result, decisions in plans:
        rows = [
            {**row, "action": d.action + (f" ({d.why})" if d.why else "")}
            for row, d in zip(_rows([d.proposed for d in decisions]), decisions)
        ]
        counts = {
            action: sum(d.action == action for d in decisions)
            for action in (news.NEW, news.REFINES, news.KNOWN, news.HELD_BACK)
        }
        click.echo(
            f"{name}: {counts[news.NEW]} new, {counts[news.REFINES]} refinements, {counts[news.KNOWN]} "
            f"already known, {counts[news.HELD_BACK]} held back (undone before); "
            f"{len(result.expected)} expected milestones",
            err=True,
        )
        render(rows, ["action", "drug", "type", "date", "attributes", "confidence", "quote"], "table")
        for d in decisions:
            if d.to_append:
                pending.append(d)
                source_of[id(d)] = name
    if dry_run:
        return
    if review_file is not None:
        _write_review(review_file, plans, bar)
        return
    if yes:
        accepted = [d for d in pending if (d.proposed.confidence or 0.0) >= bar]
        rejected = []
        if len(accepted) < len(pending):
            click.echo(
                f"{len(pending) - len(accepted)} proposals below confidence {bar:.2f} were not appended: "
                f"review them with --review FILE, or on a terminal",
                err=True,
            )
    else:
        accepted, rejected = _review(pending, source_of)
    for name, text, result, decisions in plans:
        reported = PartialDate.of_day(result.published) if result.published else PartialDate.unknown()
        mine = {id(d) for d in decisions}
        chosen = [d for d in accepted if id(d) in mine]
        turned_down = [(d, why) for d, why in rejected if id(d) in mine]
        appended, refined, expected, rejections = news.apply(
            store, chosen, name, text, reported, result.expected, turned_down
        )
        click.echo(
            f"{name}: {appended} appended, {refined} refined, {expected} expected milestones recorded, "
            f"{rejections} rejections remembered",
            err=True,
        )
    refresh_projection(store)


def _write_review(out, plans, bar: float) -> None:
    """The proposals as lines `milestones import` reads: pre-accepted at or above the bar,
    'undecided' below it (import refuses the file until each is decided); then the dated
    expected milestones, as `ingest` would record them."""
    from eventstore import ingest as news

    written = 0
    for name, text, result, decisions in plans:
        reported = PartialDate.of_day(result.published) if result.published else PartialDate.unknown()
        for d in decisions:
            if d.to_append:
                verdict = "accept" if (d.proposed.confidence or 0.0) >= bar else "undecided"
                out.write(json.dumps(news.review_line(d, name, reported, verdict), ensure_ascii=False) + "\n")
                written += 1
        for p in result.expected:
            line = news.expectation_line(p, name, text)
            if line is not None:  # delete the line to leave it out
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    click.echo(
        f"{written} proposals written to {out.name}: set each line's review to accept or reject, then "
        f"`milestones import {out.name}`",
        err=True,
    )


def register(group: click.Group) -> None:
    group.add_command(extract)
    group.add_command(ingest)
