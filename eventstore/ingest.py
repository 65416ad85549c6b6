"""News into the store: proposed events compared with what the store knows and with what
people undid. A proposed event the store already holds (same drug and type, compatible
dates, the same key attributes) is not appended again; one that states a known event's
date more precisely (2018-03 → 2018-03-12) refines it: the old event is corrected to the
new date. A proposal that a person rejected, or whose event was retracted, is held back
when the same source (the same file name, or the same text) proposes it again, whatever
the drug has been renamed to since."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .aliases import AliasRegistry, name_key
from .dates import PartialDate
from .errors import UnknownDrug
from .event_types import same_milestone
from .events import EXPECTATION, RETRACTION, NewEvent, RecordedEvent
from .expectations import NewExpectation, Window
from .extract import Proposed
from .jsonl import rejection_fact
from .status import occurred_bounds, visible
from .store.base import EventStore, PendingFact

NEW, REFINES, KNOWN, HELD_BACK = "new", "refines", "known", "held back"


@dataclass
class Decision:
    proposed: Proposed
    drug: str  # the store's name for the drug
    action: str  # NEW, REFINES, KNOWN or HELD_BACK
    known: RecordedEvent | None = None  # the stored event it matches or refines
    why: str = ""  # for one held back: what undid it before
    key: str = ""  # its idempotency key: the same text proposing the same event gives the same key

    @property
    def to_append(self) -> bool:
        return self.action in (NEW, REFINES)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def proposal_key(digest: str, p: Proposed) -> str:
    """The key of a proposed event: from the text and the event as the text names it, so
    that renaming the drug in the store later does not make the same proposal new."""
    return f"news:{digest}:{p.type}:{name_key(p.drug)}:{p.date.to_json()}"


def expectation_key(digest: str, p: Proposed) -> str:
    return f"news:{digest}:expect:{p.type}:{name_key(p.drug)}:{p.date}"


def expectation_line(p: Proposed, source: str, text: str) -> dict[str, Any] | None:
    """A dated expected milestone as a line `import` reads (None for one with no date:
    an expectation needs a window)."""
    if not p.date.is_known:
        return None
    return {
        "drug": p.drug,
        "type": EXPECTATION,
        "expects": p.type,
        "window": str(p.date),
        **p.attributes,
        "source": source,
        "quote": p.quote[:2000],
        "idempotency_key": expectation_key(text_digest(text), p),
    }


def _bounds(when: PartialDate, reported: date) -> tuple[date, date]:
    """A date's interval; an unknown one only precedes its report."""
    return when.interval if when.is_known else (date.min, reported)


def _same(p: Proposed, known: RecordedEvent, published: date) -> bool:
    """Whether the proposal tells the known event (its date read against the day of the news)."""
    return same_milestone(
        p.type, p.attributes, known.type, known.attributes, _bounds(p.date, published), occurred_bounds(known)
    )


def _undone(
    registry: AliasRegistry,
    facts: list[RecordedEvent],
    rejections: list[RecordedEvent],
    p: Proposed,
    drug: str,
    source: str,
    key: str,
    published: date,
) -> str:
    """Why a proposal was undone before (rejected in review, or its event retracted),
    where the same source or the same text proposed it; else ''."""
    retractions = {f.retracts: f for f in facts if f.kind == "retraction"}
    for event in facts:
        retraction = retractions.get(event.id)
        if (
            retraction is not None
            and event.kind == "event"
            and (event.idempotency_key == key or event.source == source)
            and _same(p, event, published)
        ):
            return f"retracted {retraction.recorded.date()}: {retraction.data.get('reason')}"
    for rejection in rejections:
        data = rejection.data
        if (
            data["rejects"] == p.type
            and rejection.date == p.date
            and (data.get("proposal_key") == key or data["source"] == source)
            and name_key(registry.resolve(data["proposed_drug"])) == name_key(registry.resolve(drug))
        ):
            return f"rejected {rejection.recorded.date()}: {data['reason']}"
    return ""


def decide(
    store: EventStore, proposed: list[Proposed], published: date | None, source: str = "", text: str = ""
) -> list[Decision]:
    """What to do with each proposed event of one text from `source`."""
    decisions = []
    history: dict[str, list[RecordedEvent]] = {}
    rejections = store.rejections()
    registry = store.aliases()  # read once: a rejection's drug is compared under today's names
    digest = text_digest(text)
    for p in proposed:
        drug = next((store.canonical_name(n) for n in [p.drug, *p.names] if store.is_known(n)), p.drug)
        if name_key(drug) not in history:
            try:
                history[name_key(drug)] = store.read_drug(drug)
            except UnknownDrug:
                history[name_key(drug)] = []
        facts = history[name_key(drug)]
        key = proposal_key(digest, p)
        why = _undone(registry, facts, rejections, p, drug, source, key, published or date.max)
        if why:
            decisions.append(Decision(p, drug, HELD_BACK, why=why, key=key))
            continue
        match = next((v.event for v in visible(facts) if _same(p, v.event, published or date.max)), None)
        if match is None:
            decisions.append(Decision(p, drug, NEW, key=key))
        elif p.date.is_known and (
            not match.date.is_known
            or (match.date.start <= p.date.start and p.date.end <= match.date.end and p.date != match.date)
        ):
            decisions.append(Decision(p, drug, REFINES, match, key=key))
        else:
            decisions.append(Decision(p, drug, KNOWN, match, key=key))
    return decisions


def _event(d: Decision, source: str, reported: PartialDate) -> NewEvent:
    p = d.proposed
    attributes = {**d.known.attributes, **p.attributes} if d.action == REFINES and d.known else p.attributes
    event = NewEvent(
        d.known.stream if d.action == REFINES and d.known else d.drug,
        p.type,
        p.date,
        attributes,
        source=source,
        quote=p.quote[:2000],
        reported=reported,
        idempotency_key=d.key,
    )
    event.check_not_future()
    return event


def review_line(d: Decision, source: str, reported: PartialDate, verdict: str) -> dict[str, Any]:
    """A decision as a line of a review file: the event as `import` reads it, the verdict
    proposed (to edit), and the extractor's confidence."""
    event = _event(d, source, reported)
    confidence = d.proposed.confidence
    line: dict[str, Any] = {"review": verdict, "confidence": None if confidence is None else round(confidence, 3)}
    line.update(
        drug=event.drug,
        type=event.type,
        date=event.date.to_json(),
        **event.attributes,
        source=event.source,
        quote=event.quote,
        reported=event.reported.to_json(),
        idempotency_key=event.idempotency_key,
    )
    if d.action == REFINES and d.known is not None:
        line["corrects"] = d.known.id
    return {k: v for k, v in line.items() if v is not None}


def apply(
    store: EventStore,
    decisions: list[Decision],
    source: str,
    text: str,
    reported: PartialDate,
    expected: Sequence[Proposed] = (),
    rejected: Sequence[tuple[Decision, str]] = (),
) -> tuple[int, int, int, int]:
    """Append a text's accepted events and refinements, its dated expected milestones and
    the rejections of what a person turned down, in one transaction; returns (appended,
    refined, expected, rejected). Keys from the text's content make a second run a no-op."""
    digest = text_digest(text)
    facts: list[PendingFact] = []
    for p in expected:
        if not p.date.is_known:
            continue  # an expectation needs a window
        expectation = NewExpectation(
            p.drug, p.type, Window.parse(str(p.date)), p.attributes, source=source, quote=p.quote[:2000]
        )
        facts.append(
            PendingFact(
                stream=expectation.drug,
                type=EXPECTATION,
                data=expectation.data(),
                idempotency_key=expectation_key(digest, p),
            )
        )
    expectations = len(facts)
    refining: set[str] = set()
    for d in decisions:
        if not d.to_append or (d.action == REFINES and d.known and d.known.id in refining):
            continue
        event = _event(d, source, reported)
        if d.action == REFINES and d.known is not None:
            refining.add(d.known.id)
            facts.append(
                PendingFact(
                    stream="",
                    type=RETRACTION,
                    retracts=d.known.id,
                    data={"reason": f"refined by {source}"},
                    idempotency_key=f"{d.key}:retracts",
                )
            )
            facts.append(PendingFact.of(event, event.drug, corrects=d.known.id))
        else:
            facts.append(PendingFact.of(event, event.drug))
    events_end = len(facts)
    for d, reason in rejected:
        p = d.proposed
        facts.append(rejection_fact(p.drug, p.type, p.date.to_json(), source, p.quote[:2000], reason, d.key))
    created = store.import_facts(facts) if facts else []
    stored = [
        c for f, c in zip(facts[expectations:events_end], created[expectations:events_end]) if f.type != RETRACTION
    ]
    return (sum(stored) - len(refining), len(refining), sum(created[:expectations]), sum(created[events_end:]))
