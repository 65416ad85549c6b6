"""News into the store: proposed events compared with what the store knows. A proposed
event the store already holds (same drug and type, compatible dates, the same key
attributes) is not appended again; one that states a known event's date more precisely
(2018-03 → 2018-03-12) refines it: the old event is corrected to the new date."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from .aliases import name_key
from .dates import PartialDate
from .errors import UnknownDrug
from .events import EXPECTATION, RETRACTION, NewEvent, RecordedEvent
from .expectations import NewExpectation, Window
from .extract import Proposed
from .status import occurred_bounds, visible
from .store.sql import PendingFact, SQLStore

KEY_ATTRIBUTES = ("agency", "phase", "designation", "application")


@dataclass
class Decision:
    proposed: Proposed
    drug: str  # the store's name for the drug
    action: str  # "new", "known" or "refines"
    known: RecordedEvent | None = None


def _bounds(when: PartialDate, reported: date) -> tuple[date, date]:
    """A date's interval; an unknown one only precedes its report."""
    return when.interval if when.is_known else (date.min, reported)


def _compatible(known: RecordedEvent, proposed: PartialDate, published: date) -> bool:
    a_start, a_end = occurred_bounds(known)
    b_start, b_end = _bounds(proposed, published)
    return (a_start or date.min) <= b_end and b_start <= a_end


def _same_attributes(p: Proposed, e: RecordedEvent) -> bool:
    return all(p.attributes.get(k) is None or e.attributes.get(k) is None or p.attributes[k] == e.attributes[k]
               for k in KEY_ATTRIBUTES)


def decide(store: SQLStore, proposed: list[Proposed], published: date | None) -> list[Decision]:
    decisions = []
    history: dict[str, list[RecordedEvent]] = {}
    for p in proposed:
        drug = next((store.canonical_name(n) for n in [p.drug, *p.names] if store.is_known(n)), p.drug)
        if name_key(drug) not in history:
            try:
                history[name_key(drug)] = [v.event for v in visible(store.read_drug(drug))]
            except UnknownDrug:
                history[name_key(drug)] = []
        match = next((e for e in history[name_key(drug)] if e.type == p.type
                      and _compatible(e, p.date, published or date.max) and _same_attributes(p, e)), None)
        if match is None:
            decisions.append(Decision(p, drug, "new"))
        elif p.date.is_known and (not match.date.is_known or
                                  (match.date.start <= p.date.start and p.date.end <= match.date.end
                                   and p.date != match.date)):
            decisions.append(Decision(p, drug, "refines", match))
        else:
            decisions.append(Decision(p, drug, "known", match))
    return decisions


def apply(store: SQLStore, decisions: list[Decision], source: str, text: str, reported: PartialDate,
          expected: list[Proposed] = ()) -> tuple[int, int, int]:
    """Append a text's new events, refinements and dated expected milestones in one
    transaction; returns (appended, refined, expected). Keys from the text's content make
    a second run a no-op."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    facts: list[PendingFact] = []
    for p in expected:
        if not p.date.is_known:
            continue  # an expectation needs a window
        expectation = NewExpectation(p.drug, p.type, Window.parse(str(p.date)), p.attributes, source=source,
                                     quote=p.quote[:2000])
        facts.append(PendingFact(stream=expectation.drug, type=EXPECTATION, data=expectation.data(),
                                 idempotency_key=f"news:{digest}:expect:{p.type}:{name_key(p.drug)}:{p.date}"))
    expectations = len(facts)
    refining: set[str] = set()
    for d in decisions:
        p = d.proposed
        key = f"news:{digest}:{p.type}:{name_key(d.drug)}:{p.date.to_json()}"
        if d.action == "known" or (d.action == "refines" and d.known.id in refining):
            continue
        attributes = {**d.known.attributes, **p.attributes} if d.action == "refines" else p.attributes
        event = NewEvent(d.known.stream if d.action == "refines" else d.drug, p.type, p.date, attributes,
                         source=source, quote=p.quote[:2000], reported=reported if reported.is_known else None,
                         idempotency_key=key)
        event.check_not_future()
        if d.action == "refines":
            refining.add(d.known.id)
            facts.append(PendingFact(stream="", type=RETRACTION, retracts=d.known.id,
                                     data={"reason": f"refined by {source}"}))
            facts.append(PendingFact.of(event, event.drug, corrects=d.known.id))
        else:
            facts.append(PendingFact.of(event, event.drug))
    created = store.import_facts(facts) if facts else []
    stored = [c for f, c in zip(facts[expectations:], created[expectations:]) if f.type != RETRACTION]
    return sum(stored) - len(refining), len(refining), sum(created[:expectations])
