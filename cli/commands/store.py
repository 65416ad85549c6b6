"""Commands that write to the log or check it: init, append, retract, correct, alias,
import, export, verify, rebuild; and the raw views of it: history, drugs."""

from __future__ import annotations

import contextlib
import re
import sys

import click

from eventstore import EVENT_TYPES, NewEvent, projection
from eventstore.aliases import did_you_mean, name_key
from eventstore.errors import AccessDenied, UnknownDrug
from eventstore.events import AGENCY_REQUIRED, UNKNOWN_AGENCY
from eventstore.jsonl import MAX_LINE, export_lines, iter_lines
from eventstore.status import describe
from eventstore.store.grants import grant_statements
from eventstore.workers import usable_cores

from ..files import read_lines as read_file_lines
from ..options import attribute_options, attributes, event_type_argument
from ..output import output_option, render


def obj(ctx: click.Context):
    return ctx.find_root().obj


def refresh_projection(store) -> None:
    """Keep the status projection current after a write. A role that may not write the
    projection still gets correct answers (`status` then folds the events itself); any
    other failure, a lost connection say, is reported."""
    with contextlib.suppress(AccessDenied):
        projection.catch_up(store)


@click.command()
@click.pass_context
def init(ctx):
    """Create the store (running it again changes nothing).

    \b
    Examples:
      milestones init
      milestones --db postgresql+psycopg://root@127.0.0.1:5432/test init
    """
    store = obj(ctx).store(create=True)
    store.initialize()
    click.echo(f"store ready: {store.display_url}", err=True)


@click.command()
@click.argument("drug")
@event_type_argument
@click.option(
    "--date",
    "when",
    required=True,
    help="When it happened: 2018-12-17, 2018-03, 2020-Q3, 2020-H1, 2019, 'March 2018', or unknown.",
)
@attribute_options
@click.option("--expect-version", type=int, help="Fail with exit 3 unless the drug's stream is at this version.")
@click.option("--idempotency-key", help="Appending the same key again stores nothing and prints the first id.")
@click.option(
    "--new-drug",
    is_flag=True,
    help="DRUG is a drug the store does not know yet (without it, an unknown name is refused as a likely typo).",
)
@click.pass_context
def append(
    ctx,
    drug,
    event_type,
    when,
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
    expect_version,
    idempotency_key,
    new_drug,
):
    """Append one milestone; prints the new event's id alone on stdout. A regulatory
    milestone names its agency (--agency unknown where the source does not say).

    \b
    Examples:
      milestones append toripalimab approved --date 2018-12-17 --agency NMPA \\
          --pathway conditional --indication "unresectable or metastatic melanoma" \\
          --reported 2019-04-09 --source https://example.org/release
      id=$(milestones append JS001 filing_accepted --date 2018-03 --agency NMPA --application NDA)
      milestones append examplimab phase_started --date 2024-05 --phase 1 --new-drug
    """
    unknown_agency = agency is not None and agency.casefold() == UNKNOWN_AGENCY
    event = NewEvent(
        drug=drug,
        type=event_type,
        date=when,
        source=source,
        quote=quote,
        reported=reported,
        idempotency_key=idempotency_key,
        attributes=attributes(
            phase, None if unknown_agency else agency, application, pathway, designation, indication, partners, regions
        ),
    )
    if event_type in AGENCY_REQUIRED and agency is None:
        raise click.UsageError(
            f"a {event_type} milestone needs --agency (the regulator, or --agency "
            f"{UNKNOWN_AGENCY} where the source does not say)"
        )
    store = obj(ctx).store()
    if not new_drug and not store.is_known(event.drug):
        raise UnknownDrug(
            f"unknown drug {event.drug!r}{did_you_mean(event.drug, store.known_names())}: append to "
            f"a drug the store knows, or pass --new-drug to start a new one"
        )
    expected = None if expect_version is None else {drug: expect_version}
    result = store.append([event], expected)[0]
    refresh_projection(store)
    click.echo(result.id)


@click.command()
@click.argument("event_id")
@click.option("--reason", required=True, help="Why the event is wrong.")
@click.pass_context
def retract(ctx, event_id, reason):
    """Retract an event, or an alias (which undoes a merge), by appending a retraction;
    prints the retraction's id. EVENT_ID may be the start of an id (8 characters or
    more) that no other id starts with.

    \b
    Example:
      milestones retract 0b6f3e21-7c4a --reason "the release named the wrong month"
    """
    store = obj(ctx).store()
    result = store.retract(store.expand_id(event_id), reason)
    refresh_projection(store)
    click.echo(result.id)


@click.command()
@click.argument("event_id")
@click.option("--reason", default="corrected", show_default=True, help="Why the event was wrong.")
@click.option("--drug", help="The right drug.")
@click.option("--type", "event_type", type=click.Choice(list(EVENT_TYPES)), help="The right event type.")
@click.option("--date", "when", help="The right date.")
@attribute_options
@click.pass_context
def correct(
    ctx,
    event_id,
    reason,
    drug,
    event_type,
    when,
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
):
    """Correct an event: retract it and append the corrected one, linked. Values not
    given are kept from the original; a correction that changes nothing is refused.
    EVENT_ID may be the start of an id (8 characters or more). Prints the corrected
    event's id.

    \b
    Example:
      milestones correct 0b6f3e21-7c4a --date 2018-03-12 --reason "day given in the filing"
    """
    store = obj(ctx).store()
    event_id = store.expand_id(event_id)
    original = store.get(event_id)
    merged = dict(original.attributes)
    if all(
        value in (None, (), [])
        for value in (
            drug,
            event_type,
            when,
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
        )
    ):
        raise click.UsageError(
            "nothing to correct: give the right value of at least one field (--date, --drug, "
            "--type, an attribute option, --source, --quote or --reported)"
        )
    for name, value in attributes(
        phase, agency, application, pathway, designation, indication, partners, regions
    ).items():
        if value not in (None, []):
            merged[name] = value
    event = NewEvent(
        drug=drug or original.stream,
        type=event_type or original.type,
        date=when if when is not None else original.date,
        attributes=merged,
        source=source or original.source,
        quote=quote or original.quote,
        reported=reported if reported is not None else original.reported,
    )
    same_drug = name_key(store.canonical_name(event.drug)) == name_key(store.canonical_name(original.stream))
    if same_drug and (event.type, event.date, event.attributes, event.source, event.quote, event.reported) == (
        original.type,
        original.date,
        original.attributes,
        original.source,
        original.quote,
        original.reported,
    ):
        raise click.UsageError("nothing to correct: the values given are the event's own")
    results = store.correct(event_id, reason, event)
    refresh_projection(store)
    click.echo(results[1].id)


@click.command()
@click.argument("name")
@click.argument("canonical")
@click.option("--merge", is_flag=True, help="NAME and CANONICAL both have milestones: make them one drug.")
@click.option("--move", is_flag=True, help="NAME already names another drug: make it a name of CANONICAL instead.")
@click.pass_context
def alias(ctx, name, canonical, merge, move):
    """Record NAME (a code name, INN or brand name) as another name of CANONICAL.
    Merging two drugs that both have milestones, or moving a name from one drug to
    another, is refused unless asked for.

    \b
    Examples:
      milestones alias JS001 toripalimab
      milestones alias APG-1387 toripalimab --merge
    """
    store = obj(ctx).store()
    store.add_alias(name, canonical, merge=merge, move=move)
    refresh_projection(store)
    click.echo(f"{name} → {store.aliases().resolve(name)}", err=True)


@click.command()
@output_option("table", "json", "csv")
@click.pass_context
def drugs(ctx, fmt):
    """List the drugs the store knows, each with its other names.

    \b
    Example:
      milestones drugs --format csv
    """
    store = obj(ctx).store()
    registry = store.aliases()
    rows = [{"drug": drug, "names": registry.names_of(drug)[1:]} for drug in store.canonical_names()]
    render(rows, ["drug", "names"], fmt)


def history_row(fact) -> dict:
    if fact.kind == "retraction":
        what = f"retracts {fact.retracts}: {fact.data.get('reason')}"
    elif fact.kind == "alias" and fact.retracts:
        what = f"retracts the alias {fact.retracts} (of {fact.data['canonical']}): {fact.data.get('reason')}"
    elif fact.kind == "alias":
        what = f"alias of {fact.data['canonical']}"
    elif fact.kind == "watch":
        what = f"watch {fact.data['action']} {fact.data['target']} {fact.data['value']}"
    elif fact.kind == "rejection":
        what = (
            f"rejected proposal: {fact.data['proposed_drug']} {fact.data['rejects']} from {fact.data['source']}: "
            f"{fact.data['reason']}"
        )
    elif fact.kind == "expectation":
        what = f"expected in {fact.data['window']}: {describe(fact.data['expects'], fact.attributes)}"
    else:
        what = describe(fact.type, fact.attributes)
    return {
        "position": fact.position,
        "recorded": fact.recorded.isoformat(timespec="seconds"),
        "drug": fact.stream,
        "version": fact.version,
        "type": fact.type,
        "date": fact.date.to_json(),
        "what": what,
        "id": fact.id,
    }


@click.command()
@click.argument("drug", required=False)
@output_option("table", "json", "csv")
@click.pass_context
def history(ctx, drug, fmt):
    """The raw log: every fact with its position, recorded time and stream version,
    retractions included. With DRUG, that drug's facts under any of its names.

    \b
    Examples:
      milestones history
      milestones history toripalimab --format json
    """
    store = obj(ctx).store()
    facts = store.read_drug(drug) if drug else list(store.read_from(1))
    render(
        [history_row(f) for f in facts],
        ["position", "recorded", "drug", "version", "type", "date", "what", "id"],
        fmt,
        [f.to_json() for f in facts],
    )


@click.command()
@click.option(
    "-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Write to a file instead of stdout."
)
@click.pass_context
def export(ctx, output):
    """Write every fact as JSON Lines, with the store's fields (id, position, version,
    recorded, hash).

    \b
    Example:
      milestones export -o backup.jsonl
    """
    for line in export_lines(obj(ctx).store().read_from(1)):
        output.write(line + "\n")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
def import_(ctx, files):
    """Import JSON Lines: the form `export` writes, or plain event objects with the field
    names of SCHEMA.md. Each file is read as it comes, in bounded memory, and imported
    in one transaction: a bad line anywhere stores nothing of its file. Importing the
    same file twice changes nothing. A line may hold up to 1,000,000 characters.
    Other writers wait while a file is imported.

    \b
    Example:
      milestones import seeds/founding-events.jsonl
    """
    store = obj(ctx).store()
    parsers = usable_cores() - 1  # the other core stores what they parse
    on_terminal = sys.stderr.isatty()
    for name in files:
        show = _progress(name) if on_terminal else None
        count = store.import_stream(iter_lines(read_file_lines(name, MAX_LINE), name, parsers), show)
        start = "\r" if show else ""  # over the progress line
        click.echo(f"{start}{name}: {count.stored} stored, {count.present} already present", err=True)
    if on_terminal:  # a large import's drugs take a while to refold
        click.echo("updating the status of the drugs it touched…", err=True, nl=False)
    refresh_projection(store)
    if on_terminal:
        click.echo("\r\x1b[K", err=True, nl=False)


def _progress(name: str):
    def show(count) -> None:
        click.echo(f"\r{name}: {count.stored + count.present:,} facts read…", err=True, nl=False)

    return show


@click.command()
@click.option(
    "--expect-head", metavar="HASH", help="Fail unless this hash (a head kept elsewhere) is still on the chain."
)
@click.pass_context
def verify(ctx, expect_head):
    """Check the hash chain and the log's invariants. Prints the head (last position and
    hash) to keep elsewhere; exits 1 on any fault.

    \b
    Examples:
      milestones verify
      milestones verify --expect-head 5f2c…
    """
    if expect_head is not None and not re.fullmatch(r"[0-9a-f]{64}", expect_head):
        raise click.BadParameter(
            "a head hash is 64 hexadecimal digits, as `verify` prints it", param_hint="--expect-head"
        )
    report = obj(ctx).store().verify(expect_head)
    click.echo(f"head: position {report.head_position} hash {report.head_hash}")
    if report.sound:
        click.echo(f"sound: {report.events} events, chain intact")
        return
    for position, message in sorted(report.faults)[:20]:
        click.echo(f"fault at position {position}: {message}")
    click.echo(
        f"milestones: verify: {len(report.faults)} fault(s); first bad position {report.first_fault[0]}", err=True
    )
    ctx.exit(1)


@click.command()
@click.pass_context
def rebuild(ctx):
    """Replay every event from the start into the status projection (`status` without
    time flags reads it; it is kept up to date after every write, so this is for repair).

    \b
    Example:
      milestones rebuild
    """
    done = 0

    def show(more: int) -> None:
        nonlocal done
        done += more
        click.echo(f"\rrebuilding: {done:,} drugs folded…", err=True, nl=False)

    on_terminal = sys.stderr.isatty()
    count = projection.rebuild(obj(ctx).store(), progress=show if on_terminal else None)
    start = "\r" if on_terminal else ""  # over the progress line
    click.echo(f"{start}rebuilt the status of {count} drugs", err=True)


@click.command()
@click.pass_context
def refresh(ctx):
    """Bring the status projection up to the head of the log. Every write does this when
    its role may write the projection; on PostgreSQL the writer role from `milestones
    grants` may not, so run this as the projector role (from cron, say) to keep `status`
    fast. Answers are right either way: what the projection lacks is folded from the log.

    \b
    Example:
      milestones --db postgresql+psycopg://milestones_projector@db/team refresh
    """
    count = projection.catch_up(obj(ctx).store())
    click.echo(f"the projection took in {count} new facts", err=True)


@click.command()
@click.option("--writer", default="milestones_writer", show_default=True, help="The writer role.")
@click.option("--reader", default="milestones_reader", show_default=True, help="The reader role.")
@click.option(
    "--projector",
    default="milestones_projector",
    show_default=True,
    help="The role that keeps the status projection (`milestones refresh`).",
)
@click.option("--schema", default="public", show_default=True, help="The schema that holds the store.")
def grants(writer, reader, projector, schema):
    """Print the PostgreSQL GRANTs for a least-privilege writer (INSERT, SELECT on the
    log), reader (SELECT) and projector (writes the status projection, which the writer
    may only read). Create the roles first; run the output as an owner.

    \b
    Example:
      milestones grants | psql -h db.example.org team_milestones
    """
    for statement in grant_statements(writer, reader, projector, schema):
        click.echo(statement)


def register(group: click.Group) -> None:
    for command in (
        init,
        append,
        retract,
        correct,
        alias,
        drugs,
        history,
        export,
        import_,
        verify,
        rebuild,
        refresh,
        grants,
    ):
        group.add_command(command)
