"""The event types: one record each, read by validation, the status fold, the summary
line, changes, charts, expectations, ingest and extraction. Adding a type is adding a
record here (and its trigger words in extract/patterns.py); tests/test_event_types.py
proves every type is complete everywhere.

Also the one definition of "the same milestone", which status (two sources telling one
fact), ingest (a proposal already known) and extraction (one text telling an event
twice) share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

_TRIAL_ATTRIBUTES = frozenset({"phase", "indication", "region", "partners"})  # partners: a trial's collaborators
_REGULATORY_ATTRIBUTES = frozenset({"agency", "application", "indication", "region"})

SEVERITIES = ("critical", "notable", "minor")
# What a milestone is about: a deal, a filing or decision before an agency, a trial, the
# market, or the programme as a whole.
DEAL, REGULATORY, TRIAL, MARKET, PROGRAMME = GROUPS = ("deal", "regulatory", "trial", "market", "programme")
# Where an event puts the drug on the development ladder: a fixed stage, or PHASE for the
# phase the event names.
PHASE = "phase"


@dataclass(frozen=True)
class EventType:
    """What the store knows of one type of milestone."""

    name: str
    attributes: frozenset[str]  # the attributes it may carry
    group: str  # one of GROUPS; a REGULATORY milestone names its agency
    clinical: bool  # clinical news: keeps a programme from counting as inactive
    stage: str | None  # the ladder stage it shows, PHASE for its phase, None for none
    regulatory_state: str | None  # the state it puts an agency's review in
    severity: str  # in `changes`: critical, notable or minor
    summary: str  # the one-line form; status.describe fills {phase}, {application}, {designation}, {approval}
    chart_marker: str | None  # the marker kind in charts; None: drawn as a phase span
    other_outcomes: frozenset[str] = frozenset()  # the types that also answer an expectation of it
    summary_without_phase: str | None = None  # the line when a trial's phase is not told


# In the order a drug's life runs: same-day milestones fold in this order.
REGISTRY: tuple[EventType, ...] = (
    EventType(
        "collaboration_signed",
        frozenset({"partners", "indication", "region"}),
        group=DEAL,
        clinical=False,
        stage=None,
        regulatory_state=None,
        severity="notable",
        summary="Collaboration signed",
        chart_marker="deal",
    ),
    EventType(
        "acquired",
        frozenset({"partners", "region"}),
        group=DEAL,
        clinical=False,
        stage=None,
        regulatory_state=None,
        severity="notable",
        summary="Acquired",
        chart_marker="deal",
    ),
    EventType(
        "ind_filed",
        _REGULATORY_ATTRIBUTES | {"phase"},
        group=REGULATORY,
        clinical=True,
        stage="preclinical",
        regulatory_state=None,
        severity="notable",
        summary="IND filed",
        chart_marker="ind",
    ),
    EventType(
        "ind_cleared",
        _REGULATORY_ATTRIBUTES | {"phase"},
        group=REGULATORY,
        clinical=True,
        stage="preclinical",
        regulatory_state=None,
        severity="notable",
        summary="IND cleared",
        chart_marker="ind",
    ),
    EventType(
        "phase_started",
        _TRIAL_ATTRIBUTES,
        group=TRIAL,
        clinical=True,
        stage=PHASE,
        regulatory_state=None,
        severity="notable",
        summary="Phase {phase} started",
        chart_marker=None,
        summary_without_phase="Trial started",
    ),
    EventType(
        "results_reported",
        _TRIAL_ATTRIBUTES,
        group=TRIAL,
        clinical=True,
        stage=PHASE,
        regulatory_state=None,
        severity="notable",
        summary="Phase {phase} results",
        chart_marker=None,
        summary_without_phase="Trial results",
    ),
    EventType(
        "phase_completed",
        _TRIAL_ATTRIBUTES,
        group=TRIAL,
        clinical=True,
        stage=PHASE,
        regulatory_state=None,
        severity="notable",
        summary="Phase {phase} completed",
        chart_marker=None,
        summary_without_phase="Trial completed",
    ),
    EventType(
        "trial_halted",
        _TRIAL_ATTRIBUTES | {"agency"},
        group=TRIAL,
        clinical=True,
        stage=PHASE,
        regulatory_state=None,
        severity="critical",
        summary="Trial halted",
        chart_marker="halt",
    ),
    EventType(
        "designation_granted",
        _REGULATORY_ATTRIBUTES | {"designation"},
        group=REGULATORY,
        clinical=False,
        stage=None,
        regulatory_state=None,
        severity="notable",
        summary="{designation}",
        chart_marker="designation",
    ),
    EventType(
        "filing_submitted",
        _REGULATORY_ATTRIBUTES,
        group=REGULATORY,
        clinical=False,
        stage="filed",
        regulatory_state="submitted",
        severity="notable",
        summary="{application} submitted",
        chart_marker="filing",
    ),
    EventType(
        "filing_accepted",
        _REGULATORY_ATTRIBUTES,
        group=REGULATORY,
        clinical=False,
        stage="filed",
        regulatory_state="accepted",
        severity="notable",
        summary="{application} accepted",
        chart_marker="filing",
        other_outcomes=frozenset({"rejected", "withdrawn"}),
    ),
    EventType(
        "rejected",
        _REGULATORY_ATTRIBUTES,
        group=REGULATORY,
        clinical=False,
        stage="filed",
        regulatory_state="rejected",
        severity="critical",
        summary="{application} rejected",
        chart_marker="refusal",
    ),
    EventType(
        "approved",
        _REGULATORY_ATTRIBUTES | {"pathway"},
        group=REGULATORY,
        clinical=False,
        stage="approved",
        regulatory_state="approved",
        severity="critical",
        summary="{approval}",
        chart_marker="approval",
        other_outcomes=frozenset({"rejected", "withdrawn"}),
    ),
    EventType(
        "launched",
        frozenset({"agency", "indication", "region"}),
        group=MARKET,
        clinical=False,
        stage="approved",
        regulatory_state=None,
        severity="minor",
        summary="Launched",
        chart_marker="approval",
    ),
    EventType(
        "withdrawn",
        _REGULATORY_ATTRIBUTES,
        group=REGULATORY,
        clinical=False,
        stage="filed",
        regulatory_state="withdrawn",
        severity="critical",
        summary="{application} withdrawn",
        chart_marker="refusal",
    ),
    EventType(
        "discontinued",
        frozenset({"phase", "indication", "region"}),
        group=PROGRAMME,
        clinical=False,
        stage=None,
        regulatory_state=None,
        severity="critical",
        summary="Development discontinued",
        chart_marker="halt",
    ),
)

EVENT_TYPES: Mapping[str, EventType] = {t.name: t for t in REGISTRY}
LIFECYCLE: Mapping[str, int] = {t.name: i for i, t in enumerate(REGISTRY)}


def names_where(**wanted: Any) -> frozenset[str]:
    """The names of the types whose fields have the given values: `names_where(group=REGULATORY)`."""
    return frozenset(t.name for t in REGISTRY if all(getattr(t, k) == v for k, v in wanted.items()))


# The attributes that tell two milestones of one type apart: an approval before the FDA
# is not one before the EMA; a phase 2 start is not a phase 3 start.
KEY_ATTRIBUTES = ("agency", "phase", "designation", "application", "pathway")

Interval = tuple[date | None, date]  # first and last day a date may stand for; None: open start


def same_milestone(
    type_a: str,
    attributes_a: Mapping[str, Any],
    type_b: str,
    attributes_b: Mapping[str, Any],
    interval_a: Interval | None = None,
    interval_b: Interval | None = None,
) -> bool:
    """Whether two tellings may be one milestone: the same type, no key attribute told
    differently by both (one may leave it out), and, when both intervals are given,
    days in common."""
    if type_a != type_b:
        return False
    if interval_a is not None and interval_b is not None:  # the cheaper test first
        (a_start, a_end), (b_start, b_end) = interval_a, interval_b
        if not ((a_start or date.min) <= b_end and (b_start or date.min) <= a_end):
            return False
    for key in KEY_ATTRIBUTES:
        a, b = attributes_a.get(key), attributes_b.get(key)
        if a and b and a != b:
            return False
    return True
