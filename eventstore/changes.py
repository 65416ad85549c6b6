"""What changed since an instant: the facts recorded after it, each with its kind, a
severity and a one-line summary, for the analyst's morning check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import expectations
from .aliases import name_key
from .event_types import EVENT_TYPES
from .events import RecordedEvent
from .status import describe
from .store.base import EventStore


@dataclass(frozen=True)
class Change:
    recorded: datetime
    drug: str
    kind: str  # event, refinement, retraction, expectation, revision, resolution
    severity: str  # critical, notable, minor
    summary: str
    id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "recorded": self.recorded.isoformat(),
            "drug": self.drug,
            "kind": self.kind,
            "severity": self.severity,
            "summary": self.summary,
            "id": self.id,
        }


def _when(fact: RecordedEvent) -> str:
    return fact.date.to_json() or "date unknown"


def changes(store: EventStore, since: datetime) -> list[Change]:
    """Every change recorded strictly after `since`, in the order recorded."""
    recent = store.recorded_after(since)
    registry = store.aliases()
    by_id: dict[str, RecordedEvent] = {}
    histories: dict[str, list[RecordedEvent]] = {}
    recent = [f for f in recent if f.kind not in ("alias", "watch", "rejection")]
    for fact in recent:
        drug = store.canonical_name(fact.stream)
        if name_key(drug) not in histories:
            histories[name_key(drug)] = store.read_drug(drug)
            by_id.update((f.id, f) for f in histories[name_key(drug)])
    out: list[Change] = []
    for fact in recent:
        drug = store.canonical_name(fact.stream)
        if fact.kind == "event":
            kind = "refinement" if fact.data.get("corrects") else "event"
            severity = EVENT_TYPES[fact.type].severity
            if kind == "refinement" and severity == "minor":
                severity = "notable"
            out.append(
                Change(
                    fact.recorded,
                    drug,
                    kind,
                    severity,
                    f"{describe(fact.type, fact.attributes)}, {_when(fact)}",
                    fact.id,
                )
            )
        elif fact.kind == "retraction":
            target = by_id.get(fact.retracts or "")
            what = describe(target.type, target.attributes) if target else fact.retracts
            out.append(
                Change(
                    fact.recorded,
                    drug,
                    "retraction",
                    "minor",
                    f"retracted: {what} ({fact.data.get('reason')})",
                    fact.id,
                )
            )
        else:
            key = expectations.key_of(drug, fact.data["expects"], fact.attributes)
            earlier = [
                f
                for f in histories[name_key(drug)]
                if f.kind == "expectation"
                and f.position < fact.position
                and expectations.key_of(drug, f.data["expects"], f.attributes) == key
            ]
            what = describe(fact.data["expects"], fact.attributes)
            if earlier:
                moved = earlier[-1].data["window"] != fact.data["window"]
                out.append(
                    Change(
                        fact.recorded,
                        drug,
                        "revision",
                        "critical" if moved else "minor",
                        f"{what} now expected {fact.data['window']} (was {earlier[-1].data['window']})",
                        fact.id,
                    )
                )
            else:
                out.append(
                    Change(
                        fact.recorded, drug, "expectation", "minor", f"{what} expected {fact.data['window']}", fact.id
                    )
                )
    for history in histories.values():
        for expected in expectations.fold(history, registry):
            event = expected.resolved_by
            if event is not None and event.recorded > since:
                severity = "critical" if (expected.resolution or "").startswith("different") else "notable"
                out.append(
                    Change(
                        event.recorded,
                        expected.drug,
                        "resolution",
                        severity,
                        f"{describe(expected.expects, expected.fact.attributes)} expected "
                        f"{expected.window.text}: {expected.resolution}",
                        event.id,
                    )
                )
    return sorted(out, key=lambda c: (c.recorded, c.kind == "resolution"))


def touches(change: Change, fact: RecordedEvent | None, watched: dict[str, list[str]], names: list[str]) -> bool:
    """Whether a change concerns a watched drug (under any of its names), company (a
    partner, or named in the source or quote) or indication."""
    if any(name_key(w) in {name_key(n) for n in names} for w in watched["drug"]):
        return True
    if fact is None:
        return False
    text = " ".join(str(fact.data.get(k) or "") for k in ("source", "quote")).casefold()
    partners = [p.casefold() for p in fact.attributes.get("partners", [])]
    if any(c.casefold() in text or any(c.casefold() in p for p in partners) for c in watched["company"]):
        return True
    indication = (fact.attributes.get("indication") or "").casefold()
    return any(i.casefold() in indication for i in watched["indication"] if indication)


def watched_changes(store: EventStore, since: datetime) -> list[Change]:
    watched = store.watchlist()
    registry = store.aliases()
    facts = {f.id: f for f in store.recorded_after(since)}
    out = []
    for change in changes(store, since):
        fact = facts.get(change.id)
        # A retraction or a correction concerns the event it undoes: a watch that matched
        # that event matches its undoing (a retraction's own words are only the reason).
        undone = (
            fact.retracts
            if fact is not None and fact.kind == "retraction"
            else fact.data.get("corrects")
            if fact is not None
            else None
        )
        matched = [] if fact is not None and fact.kind == "retraction" else [fact]
        if undone is not None:
            matched.append(facts.get(undone) or store.get(undone))
        if any(touches(change, f, watched, registry.names_of(change.drug)) for f in matched or [None]):
            out.append(change)
    return out
