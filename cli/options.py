"""Options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable

import click

from eventstore.dates import parse_cutoff_day, parse_cutoff_instant
from eventstore.errors import InvalidDate
from eventstore.events import EVENT_TYPES
from eventstore.status import Cutoffs


def _compose(*decorators: Callable) -> Callable:
    def apply(function: Callable) -> Callable:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


def date_callback(parse: Callable) -> Callable:
    """A click callback that parses a date option, a bad date being a usage error."""

    def callback(ctx, param, value):
        if value is None:
            return None
        try:
            return parse(value)
        except InvalidDate as error:
            raise click.BadParameter(str(error), ctx=ctx, param=param) from None

    return callback


attribute_options = _compose(
    click.option("--phase", help="Trial phase: 1, 1b, 1/2, 2, 2a, 2b, 2/3, 3, 4."),
    click.option("--agency", help="Regulator: FDA, EMA, EC, NMPA, PMDA, MHRA, …"),
    click.option("--application", help="Application: NDA, BLA, MAA, sNDA, sBLA, IND, …"),
    click.option("--pathway", help="For approvals: full, conditional, accelerated."),
    click.option(
        "--designation", help="priority_review, breakthrough, orphan, fast_track, prime, rmat, rare_pediatric_disease."
    ),
    click.option("--indication", help="The indication, in short."),
    click.option("--partner", "partners", multiple=True, help="A partner company (repeatable)."),
    click.option("--region", "regions", multiple=True, help="A country or region of a trial (repeatable)."),
    click.option("--source", help="Where it was reported: an address or a file."),
    click.option("--quote", help="The sentence it was read from."),
    click.option("--reported", help="When it was made public (a date, partial allowed)."),
)

clock_options = _compose(
    click.option(
        "--as-of",
        "as_of",
        metavar="D",
        callback=date_callback(parse_cutoff_day),
        help="What had happened in the world by D (occurred clock; 2019-03 means its last day).",
    ),
    click.option(
        "--known-at",
        "known_at",
        metavar="D",
        callback=date_callback(parse_cutoff_day),
        help="What had been made public by D (reported clock).",
    ),
    click.option(
        "--recorded-by",
        "recorded_by",
        metavar="T",
        callback=date_callback(parse_cutoff_instant),
        help="Exactly what this store said at T (recorded clock; a date means the end of that day, UTC).",
    ),
)

event_type_argument = click.argument("event_type", metavar="TYPE", type=click.Choice(list(EVENT_TYPES)))


def cutoffs(as_of, known_at, recorded_by) -> Cutoffs:
    return Cutoffs(as_of=as_of, known_at=known_at, recorded_by=recorded_by)


def attributes(phase, agency, application, pathway, designation, indication, partners, regions) -> dict:
    return {
        "phase": phase,
        "agency": agency,
        "application": application,
        "pathway": pathway,
        "designation": designation,
        "indication": indication,
        "partners": list(partners),
        "region": list(regions),
    }
