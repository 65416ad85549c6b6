"""What analysts ask of a store: a drug's timeline and status under the three clocks,
the pipeline of every drug, and a search across drugs."""

from __future__ import annotations

from datetime import date

from . import expectations
from .aliases import unknown_drug
from .dates import end_of_day, today_utc
from .errors import InvalidEvent, UnknownDrug
from .events import EVENT_TYPES, RecordedEvent
from .expectations import Expected
from .projection import Projected
from .status import Cutoffs, DrugStatus, Visible, fold, visible
from .store.base import EventStore


def timeline(store: EventStore, drug: str, cutoffs: Cutoffs = Cutoffs(), today: date | None = None) -> list[Visible]:
    """The drug's milestones under the cut-offs, in occurred order."""
    return visible(store.read_drug(drug, cutoffs.recorded_by), cutoffs, today)


def drug_status(
    store: EventStore,
    drug: str,
    cutoffs: Cutoffs = Cutoffs(),
    today: date | None = None,
    projected: Projected | None = None,
) -> DrugStatus:
    """The drug's status; without cut-offs, served by the projection where it is current."""
    canonical = store.canonical_name(drug, cutoffs.recorded_by)
    if cutoffs == Cutoffs():
        found = (projected or Projected(store, today)).status(canonical)
        if found is not None:
            return found
    return fold(canonical, timeline(store, drug, cutoffs, today), cutoffs.as_of or today or today_utc())


# Past this many drugs the projection cannot serve, the pipeline folds them all in one read
# of the log rather than a read per drug.
IN_ONE_READ = 50


def pipeline(store: EventStore, cutoffs: Cutoffs = Cutoffs(), today: date | None = None) -> list[DrugStatus]:
    """The status of every drug the store knows, by canonical name: from the projection
    where it is current, else folded in one read of the log."""
    as_of = cutoffs.as_of or today or today_utc()

    def fold_drug(drug: str, events: list[RecordedEvent]) -> DrugStatus:
        return fold(drug, visible(events, cutoffs, today), as_of)

    if cutoffs != Cutoffs():
        statuses = store.fold_drugs(fold_drug, cutoffs.recorded_by)
        return sorted(statuses, key=lambda s: s.drug.casefold())
    projected = Projected(store, today)
    projected.load_all()
    drugs = store.canonical_names()
    served = {d: projected.status(d) for d in drugs}
    missing = {d for d, s in served.items() if s is None}
    if len(missing) > IN_ONE_READ:
        served.update((s.drug, s) for s in store.fold_drugs(fold_drug) if s.drug in missing)
    else:
        served.update((d, drug_status(store, d, cutoffs, today, projected)) for d in missing)
    return [s for s in (served[d] for d in drugs) if s is not None]


def search(
    store: EventStore,
    drug: str | None = None,
    event_type: str | None = None,
    agency: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[RecordedEvent]:
    """Unretracted milestones across drugs, filtered; in occurred order. A partial date
    matches when its interval meets [since, until]; unknown dates match no range."""
    if event_type is not None and event_type not in EVENT_TYPES:
        raise InvalidEvent(f"unknown event type {event_type!r}; known types: {', '.join(EVENT_TYPES)}")
    names = None
    if drug is not None:
        if not store.is_known(drug):
            raise unknown_drug(drug, store.known_names())  # as everywhere
        registry = store.aliases()
        names = registry.names_of(registry.resolve(" ".join(drug.split())))
    found = store.find(names, event_type, since, until)
    if agency is not None:
        found = [e for e in found if (e.attributes.get("agency") or "").upper() == agency.upper()]
    return sorted(found, key=lambda e: (e.date.sort_key(), e.position))


__all__ = ["Cutoffs", "drug_status", "pipeline", "search", "timeline"]


def calendar(
    store: EventStore,
    since: date | None = None,
    until: date | None = None,
    agency: str | None = None,
    event_type: str | None = None,
    as_of: date | None = None,
) -> list[Expected]:
    """Open (unresolved) expected milestones whose window meets [since, until], in
    window order; with `as_of`, as the store knew them at the end of that day."""
    recorded_by = end_of_day(as_of) if as_of else None
    registry = store.aliases(recorded_by)
    facts: dict[str, RecordedEvent] = {}
    for drug in {store.canonical_name(stream, recorded_by) for stream in store.expecting_drugs()}:
        try:
            facts.update((f.id, f) for f in store.read_drug(drug, recorded_by))
        except UnknownDrug:
            continue
    found = expectations.fold(sorted(facts.values(), key=lambda f: f.position), registry)
    return [
        e
        for e in found
        if e.resolution is None
        and e.window.meets(since, until)
        and (agency is None or (e.fact.attributes.get("agency") or "").upper() == agency.upper())
        and (event_type is None or e.expects == event_type)
    ]
