"""Expected milestones: a PDUFA date, a readout "in 2H 2026", a filing "by year end".

An expectation is a fact in the log like any other (type `expectation`), keyed by drug,
expected type, agency and indication. A later expectation under the same key revises the
earlier one, which stays in the history. An actual event of that drug, type and agency
recorded after the expectation resolves it: on time, early or late against its window;
a refusal where an approval was expected is a different outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .aliases import AliasRegistry, name_key
from .dates import PartialDate
from .errors import InvalidDate
from .event_types import EVENT_TYPES
from .events import NewEvent, RecordedEvent


@dataclass(frozen=True)
class Window:
    """When a milestone is expected: a partial date (`2026-H2`) or an interval
    `START..END` whose ends are partial dates; an empty START means "by END"."""

    text: str
    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> Window:
        if not isinstance(text, str) or not text.strip():
            raise InvalidDate("a window is a date (2026-H2) or an interval START..END (2026-07..2026-09)")
        text = " ".join(text.split())
        if ".." in text:
            first, _, last = text.partition("..")
            last_date = PartialDate.parse(last.strip()) if last.strip() else PartialDate.unknown()
            first_date = PartialDate.parse(first.strip()) if first.strip() else PartialDate.unknown()
            if not last_date.is_known:
                raise InvalidDate(f"the window {text!r} has no end")
            start, end = first_date.start if first_date.is_known else date.min, last_date.end
            if start > end:
                raise InvalidDate(f"the window {text!r} ends before it starts")
            return cls(text, start, end)
        when = PartialDate.parse(text)
        if not when.is_known:
            raise InvalidDate("an expected milestone needs a window")
        return cls(text, *when.interval)

    def meets(self, low: date | None, high: date | None) -> bool:
        return (low is None or self.end >= low) and (high is None or self.start <= high)


@dataclass(frozen=True)
class NewExpectation:
    drug: str
    expects: str
    window: Window
    attributes: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    quote: str | None = None
    reason: str | None = None

    def __post_init__(self):
        # The same vocabulary as the event it expects: an expectation checks like one.
        checked = NewEvent(
            self.drug, self.expects, None, self.attributes, source=self.source, quote=self.quote, note=self.reason
        )
        object.__setattr__(self, "drug", checked.drug)
        object.__setattr__(self, "attributes", checked.attributes)
        if isinstance(self.window, str):
            object.__setattr__(self, "window", Window.parse(self.window))

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"expects": self.expects, "window": self.window.text, "attributes": self.attributes}
        for name in ("source", "quote", "reason"):
            if getattr(self, name) is not None:
                data[name] = " ".join(getattr(self, name).split())
        return data


def key_of(drug: str, expects: str, attributes: dict[str, Any]) -> tuple:
    return (name_key(drug), expects, attributes.get("agency"), (attributes.get("indication") or "").casefold())


@dataclass
class Expected:
    """The latest revision of an expectation, with what became of it."""

    fact: RecordedEvent
    drug: str
    window: Window
    revisions: int
    resolution: str | None = None  # "on time", "early", "late", "different outcome: rejected"
    resolved_by: RecordedEvent | None = None

    @property
    def expects(self) -> str:
        return self.fact.data["expects"]

    def overdue(self, today: date) -> bool:
        return self.resolution is None and self.window.end < today

    def to_json(self, today: date) -> dict[str, Any]:
        out = {"drug": self.drug, "type": self.expects, "window": self.window.text, **self.fact.attributes}
        for name in ("source", "quote", "reason"):
            if self.fact.data.get(name) is not None:
                out[name] = self.fact.data[name]
        out.update(revisions=self.revisions, overdue=self.overdue(today), resolution=self.resolution, id=self.fact.id)
        return out


def fold(facts: list[RecordedEvent], registry: AliasRegistry) -> list[Expected]:
    """Expectations in window order: one per key (its latest revision), each resolved by
    the earliest-occurring matching event recorded after the key was first expected."""
    retracted = {f.retracts for f in facts if f.kind == "retraction"}
    latest: dict[tuple, Expected] = {}
    first_recorded: dict[tuple, Any] = {}
    for fact in facts:
        if fact.kind != "expectation" or fact.id in retracted:
            continue
        drug = registry.resolve(fact.stream)
        key = key_of(drug, fact.data["expects"], fact.attributes)
        revisions = latest[key].revisions + 1 if key in latest else 0
        first_recorded.setdefault(key, fact.recorded)
        latest[key] = Expected(fact, drug, Window.parse(fact.data["window"]), revisions)
    # Candidates in occurred order, so which event resolves an expectation does not depend
    # on the order the events arrived in.
    by_occurrence = sorted((f for f in facts if f.kind == "event"), key=lambda e: (e.date.sort_key(), e.position))
    for key, expected in latest.items():
        agency = expected.fact.attributes.get("agency")
        for event in by_occurrence:
            if event.kind != "event" or event.id in retracted:
                continue
            # An event stored before the expectation resolves it only if it did not happen
            # before the window: an earlier one is another milestone of the same kind.
            if event.recorded < first_recorded[key] and not (
                event.date.is_known and event.date.interval[1] >= expected.window.start
            ):
                continue
            if name_key(registry.resolve(event.stream)) != key[0] or (
                agency and event.attributes.get("agency") != agency
            ):
                continue
            if event.type == expected.expects:
                expected.resolution = _timing(event, expected.window)
            elif event.type in EVENT_TYPES[expected.expects].other_outcomes:
                expected.resolution = f"different outcome: {event.type}"
            else:
                continue
            expected.resolved_by = event
            break
    return sorted(latest.values(), key=lambda e: (e.window.start, e.window.end, e.drug.casefold()))


def _timing(event: RecordedEvent, window: Window) -> str:
    if not event.date.is_known:
        return "happened"
    start, end = event.date.interval
    if end < window.start:
        return "early"
    if start > window.end:
        return "late"
    return "on time"
