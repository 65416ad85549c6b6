"""The status of a drug: its facts, cut by the three clocks, folded in occurred order.

Pure functions over RecordedEvents; no database here. docs/status.md states the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from .dates import end_of_day, today_utc
from .event_types import EVENT_TYPES, LIFECYCLE, PHASE, names_where, same_milestone
from .events import NOT_MILESTONES, RETRACTION, RecordedEvent

PHASE_LADDER = ("preclinical", "1", "1b", "1/2", "2", "2a", "2b", "2/3", "3", "filed", "approved")
RANK = {stage: i for i, stage in enumerate(PHASE_LADDER)}
NOT_MARKETING = {"IND", "CTA"}


@dataclass(frozen=True)
class Cutoffs:
    """The three clocks. `as_of` (occurred) and `known_at` (reported) are last days;
    `recorded_by` is an instant. None: no cut-off (as_of then means today)."""

    as_of: date | None = None
    known_at: date | None = None
    recorded_by: datetime | None = None


class Visible(NamedTuple):
    """A milestone that counts under the cut-offs, and whether it surely happened by as_of.
    A named tuple: the fold makes one per fact, and a tuple is made several times faster
    than a frozen dataclass."""

    event: RecordedEvent
    certain: bool
    last_day: date  # the last day its interval may stand for
    sources: tuple[str, ...] = ()  # every source that told this fact

    def to_json(self) -> dict[str, Any]:
        """The timeline's JSON form: the event, every source that told it, and whether it
        surely happened by the as-of day."""
        return {**self.event.to_json(), "sources": list(self.sources), "certain": self.certain}


def occurred_bounds(event: RecordedEvent) -> tuple[date | None, date]:
    """The event's interval of days. An unknown date is only known to precede the report
    (or, with no report date, the day the store learned it)."""
    if event.date.is_known:
        return event.date.interval
    return None, event.reported.end if event.reported.is_known else event.recorded.date()


def visible(
    facts: Iterable[RecordedEvent],
    cutoffs: Cutoffs = Cutoffs(),
    today: date | None = None,
) -> list[Visible]:
    """The milestones that count under the cut-offs, in occurred order (ties by position):
    retracted ones left out, each marked certain or only possible."""
    as_of = cutoffs.as_of or today or today_utc()
    known_by = end_of_day(cutoffs.known_at) if cutoffs.known_at else None
    recorded_by = cutoffs.recorded_by
    facts = list(facts) if recorded_by is None else [f for f in facts if f.recorded <= recorded_by]
    # A retraction says the event was never so: it counts under every clock but --recorded-by
    # (what the log held then), whenever it was recorded.
    retracted = {f.retracts for f in facts if f.type == RETRACTION}
    out = []
    for event in facts:
        if event.type in NOT_MILESTONES or event.id in retracted:
            continue
        if known_by is not None:
            if event.reported.is_known:
                if event.reported.end > known_by.date():
                    continue
            elif event.recorded > known_by:
                continue
        start, end = occurred_bounds(event)
        if start is not None and start > as_of:
            continue
        source = event.source
        out.append(Visible(event, end <= as_of, end, (source,) if source else ()))
    return merge_sources(in_occurred_order(out))


def same_fact(a: Visible, b: Visible) -> bool:
    """One milestone told by two sources: the same milestone, and a source the other
    does not already have."""
    ea, eb = a.event, b.event
    if not b.sources or not a.sources or any(source in a.sources for source in b.sources):
        return False
    return same_milestone(ea.type, ea.attributes, eb.type, eb.attributes, occurred_bounds(ea), occurred_bounds(eb))


def _width(item: Visible) -> int:
    start, end = occurred_bounds(item.event)
    return (end - start).days if start else 1 << 30


def merge_sources(items: list[Visible]) -> list[Visible]:
    """A fact told by a primary source and by the news (or by two stories) is one fact
    with both sources, dated as precisely as any of them dates it. `items` come in
    occurred order; so does the result."""
    out: list[Visible] = []
    # A twin is of the same type and shares a day with the item: only kept facts of its
    # type are searched, and those that end before it starts are passed over unasked.
    kept_of_type: dict[str, list[int]] = {}
    last_days: list[date] = []
    merged = False
    for item in items:
        candidates = kept_of_type.setdefault(item.event.type, [])
        twin = None
        if item.sources and candidates:
            first = occurred_bounds(item.event)[0] or date.min
            twin = next((i for i in candidates if last_days[i] >= first and same_fact(out[i], item)), None)
        if twin is None:
            candidates.append(len(out))
            out.append(item)
            last_days.append(item.last_day)
            continue
        precise = min((out[twin], item), key=lambda v: (_width(v), v.event.position))
        out[twin] = Visible(
            precise.event, precise.certain, precise.last_day, tuple(dict.fromkeys(out[twin].sources + item.sources))
        )
        last_days[twin] = precise.last_day
        merged = True
    return in_occurred_order(out) if merged else out


# By interval (an unknown date's ending at its report); same-day milestones fold in
# the order a drug's life runs (the registry's order), then by content, and only
# last by position: so the status never depends on the order facts were appended in.


def occurred_order(item: Visible) -> tuple:
    start, last, rank = _days_and_rank(item)
    return (start, last, rank, _content(item.event), item.event.position)


def _days_and_rank(item: Visible) -> tuple[int, int, int]:
    event = item.event
    start = event.date.start.toordinal() if event.date.is_known else 0
    return (start, item.last_day.toordinal(), LIFECYCLE.get(event.type, 99))


def _content(event: RecordedEvent) -> tuple:
    return tuple(sorted([(k, v if isinstance(v, str) else repr(v)) for k, v in event.attributes.items()]))


def in_occurred_order(items: Iterable[Visible]) -> list[Visible]:
    """`sorted(items, key=occurred_order)`, with the content compared only among items
    whose days and rank tie (the fold sorts every drug's facts; ties are rare)."""
    items = list(items)
    keys = [_days_and_rank(v) for v in items]
    order = sorted(range(len(items)), key=lambda i: (keys[i], items[i].event.position))
    out = [items[i] for i in order]
    i = 0
    while i < len(order):
        j = i + 1
        while j < len(order) and keys[order[j]] == keys[order[i]]:
            j += 1
        if j - i > 1:
            out[i:j] = sorted(out[i:j], key=occurred_order)
        i = j
    return out


def stage_of(event: RecordedEvent) -> str | None:
    """How far along the ladder an event shows the drug got."""
    a = event.attributes
    stage = EVENT_TYPES[event.type].stage
    if stage == PHASE:
        phase = a.get("phase")
        return "approved" if phase == "4" else phase
    if stage == "filed" and a.get("application", "").upper() in NOT_MARKETING:
        return None
    return stage


@dataclass
class DrugStatus:
    drug: str
    highest_phase: str | None = None
    highest_phase_by_indication: dict[str, str] = field(default_factory=dict)
    regulatory: list[dict[str, Any]] = field(default_factory=list)
    designations: list[dict[str, Any]] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    halted: bool = False
    discontinued: bool = False
    last_event: dict[str, Any] | None = None
    no_development_reported: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "highest_phase": self.highest_phase,
            "highest_phase_by_indication": self.highest_phase_by_indication,
            "regulatory": self.regulatory,
            "designations": self.designations,
            "partners": self.partners,
            "halted": self.halted,
            "discontinued": self.discontinued,
            "last_event": self.last_event,
            "no_development_reported": self.no_development_reported,
        }

    def approvals(self) -> list[str]:
        """Each approval in force, as "AGENCY pathway"."""
        return sorted(
            {f"{e['agency'] or '?'} {e['pathway'] or ''}".strip() for e in self.regulatory if e["state"] == "approved"}
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DrugStatus:
        return cls(**data)


def _higher(current: str | None, stage: str | None) -> str | None:
    if stage is None:
        return current
    return stage if current is None or RANK[stage] > RANK[current] else current


def _regulatory_state(current: str | None, new: str) -> str:
    """A later fact for the same agency and indication moves the state, except that an
    approval stands until withdrawn (a later filing, or a refusal of a conversion, does
    not undo it) and an acceptance is not undone by a later submission."""
    if current == "approved" and new not in ("approved", "withdrawn"):
        return current
    if current == "accepted" and new == "submitted":
        return current
    return new


# A clinical programme with no clinical news for this long is shown as "no development
# reported": computed for the query date, never stored as a fact, and kept apart from a
# confirmed discontinuation.
INACTIVITY_DAYS = 730
CLINICAL = names_where(clinical=True)


def last_clinical(events: Iterable[Visible]) -> dict[str | None, date]:
    """Per indication (None: the programme as a whole), the last day of its latest
    clinical event."""
    last: dict[str | None, date] = {}
    for item in events:
        if item.event.type in CLINICAL:
            day = item.last_day
            if last.get(None, date.min) < day:
                last[None] = day
            indication = item.event.attributes.get("indication")
            if indication is not None and last.get(indication, date.min) < day:
                last[indication] = day
    return last


def inactivity(status: DrugStatus, events: list[Visible], as_of: date) -> list[dict[str, Any]]:
    if status.discontinued:
        return []
    out = []
    for indication, day in sorted(last_clinical(events).items(), key=lambda kv: kv[0] or ""):
        stage = status.highest_phase if indication is None else status.highest_phase_by_indication.get(indication)
        if (as_of - day).days > INACTIVITY_DAYS and (stage is None or RANK[stage] < RANK["filed"]):
            out.append({"indication": indication, "last_clinical_event": day.isoformat()})
    return out


def fold(drug: str, events: Iterable[Visible], as_of: date | None = None) -> DrugStatus:
    """The status of a drug from its visible events in occurred order; with `as_of`,
    programmes quiet for longer than INACTIVITY_DAYS are flagged."""
    events = list(events)
    status = DrugStatus(drug)
    regulatory: dict[tuple[str | None, str | None], dict[str, Any]] = {}
    designations: dict[tuple, dict[str, Any]] = {}
    partners: dict[str, None] = {}
    for item in events:
        event, a = item.event, item.event.attributes
        stage = stage_of(event)
        status.highest_phase = _higher(status.highest_phase, stage)
        if stage and a.get("indication"):
            ind = a["indication"]
            status.highest_phase_by_indication[ind] = (
                _higher(status.highest_phase_by_indication.get(ind), stage) or stage
            )
        new_state = EVENT_TYPES[event.type].regulatory_state
        if new_state is not None and a.get("application", "").upper() not in NOT_MARKETING:
            agency, indication = a.get("agency"), a.get("indication")
            key = (agency, indication)
            if indication is not None and key not in regulatory:
                # A filing recorded without its indication is the one this indication's
                # decision answers: the entry moves under the indication.
                general = regulatory.get((agency, None))
                if general is not None and general["state"] in ("submitted", "accepted"):
                    regulatory[key] = {**regulatory.pop((agency, None)), "indication": indication}
            entry = regulatory.setdefault(key, {"agency": agency, "indication": indication, "state": None})
            state = _regulatory_state(entry["state"], new_state)
            if state != entry["state"] or (state == "approved" and event.type == "approved"):
                entry.update(
                    state=state,
                    pathway=a.get("pathway") if state == "approved" else None,
                    application=a.get("application", entry.get("application")),
                    date=event.date.to_json(),
                    certain=item.certain,
                    event_id=event.id,
                )
        if event.type == "designation_granted":
            granted = (a.get("designation"), a.get("agency"), a.get("indication"))
            designations.setdefault(
                granted,
                {
                    "designation": granted[0],
                    "agency": granted[1],
                    "indication": granted[2],
                    "date": event.date.to_json(),
                    "certain": item.certain,
                },
            )
        if event.type in ("collaboration_signed", "acquired"):
            partners.update(dict.fromkeys(a.get("partners", [])))
        if event.type == "trial_halted":
            status.halted = True
        elif event.type in ("ind_cleared", "phase_started"):
            status.halted = False
        if event.type == "discontinued":
            status.discontinued = True
        elif event.type in ("phase_started", "filing_submitted", "filing_accepted", "approved"):
            status.discontinued = False
    if events:
        last = events[-1]
        status.last_event = {
            "id": last.event.id,
            "type": last.event.type,
            "date": last.event.date.to_json(),
            "summary": describe(last.event.type, last.event.attributes),
            "certain": last.certain,
        }
    if as_of is not None:
        status.no_development_reported = inactivity(status, events, as_of)
    status.regulatory = sorted(regulatory.values(), key=lambda e: (e["agency"] or "", e["indication"] or ""))
    status.designations = list(designations.values())
    status.partners = list(partners)
    return status


def describe(event_type: str, attributes: dict[str, Any]) -> str:
    """The milestone in words: "NDA accepted (NMPA)", "Conditional approval (NMPA): melanoma"."""
    a = attributes
    kind = EVENT_TYPES.get(event_type)
    if kind is None:
        return event_type
    template = kind.summary_without_phase if kind.summary_without_phase and "phase" not in a else kind.summary
    pathway = a.get("pathway")
    text = template.format(
        phase=a.get("phase", "?"),
        application=a.get("application", "Application"),
        designation=a.get("designation", "designation").replace("_", " ").capitalize(),
        approval=f"{pathway.capitalize()} approval" if pathway else "Approval",
    )
    if a.get("agency"):
        text += f" ({a['agency']})"
    if a.get("partners"):
        text += " with " + ", ".join(a["partners"])
    if a.get("indication"):
        text += f": {a['indication']}"
    return text
