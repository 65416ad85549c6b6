"""The status fold and the clock cut-offs, on events built in memory."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventstore.dates import PartialDate
from eventstore.events import RecordedEvent
from eventstore.status import Cutoffs, describe, fold, visible

_positions = itertools.count(1)
T0 = datetime(2020, 1, 1, tzinfo=timezone.utc)


def event(type_, when=None, reported=None, recorded=T0, retracts=None, source=None, **attributes):
    position = next(_positions)
    data = {"attributes": attributes} if retracts is None else {"reason": "wrong"}
    if source:
        data["source"] = source
    return RecordedEvent(
        id=f"e{position}",
        position=position,
        stream="drug",
        version=position,
        type=type_,
        date=PartialDate.parse(when),
        reported=PartialDate.parse(reported),
        recorded=recorded,
        data=data,
        retracts=retracts,
        idempotency_key=None,
        hash="",
    )


def status_of(events, **cutoffs):
    return fold("drug", visible(events, Cutoffs(**cutoffs), today=date(2026, 1, 1)))


def regulatory(status):
    return [(e["agency"], e["indication"], e["state"], e["pathway"], e["date"]) for e in status.regulatory]


def test_a_refusal_after_acceptance():
    s = status_of(
        [
            event("filing_accepted", "2019-01", agency="FDA", application="NDA"),
            event("rejected", "2019-11-02", agency="FDA", application="NDA"),
        ]
    )
    assert regulatory(s) == [("FDA", None, "rejected", None, "2019-11-02")]
    assert s.highest_phase == "filed"


def test_a_resubmission_after_refusal_moves_on():
    s = status_of([event("rejected", "2019-11-02", agency="FDA"), event("filing_accepted", "2020-03", agency="FDA")])
    assert regulatory(s)[0][2] == "accepted"


def test_a_second_indication_approved_later_is_its_own_entry():
    s = status_of(
        [
            event("approved", "2018-12-17", agency="NMPA", pathway="conditional", indication="melanoma"),
            event("approved", "2021-02-22", agency="NMPA", pathway="conditional", indication="NPC"),
        ]
    )
    assert regulatory(s) == [
        ("NMPA", "NPC", "approved", "conditional", "2021-02-22"),
        ("NMPA", "melanoma", "approved", "conditional", "2018-12-17"),
    ]
    assert s.highest_phase_by_indication == {"melanoma": "approved", "NPC": "approved"}


def test_a_clinical_hold_then_lifted():
    held = [event("phase_started", "2019-01", phase="2"), event("trial_halted", "2019-06-03", phase="2")]
    assert status_of(held).halted
    assert not status_of(held + [event("ind_cleared", "2019-09-10", agency="FDA")]).halted
    assert status_of(held + [event("ind_cleared", "2019-09-10")], as_of=date(2019, 8, 1)).halted


def test_a_conditional_approval_converted_to_full():
    s = status_of(
        [
            event("approved", "2018-12-17", agency="NMPA", pathway="conditional"),
            event("approved", "2023-05", agency="NMPA", pathway="full"),
        ]
    )
    assert regulatory(s) == [("NMPA", None, "approved", "full", "2023-05")]


def test_an_approval_stands_against_a_later_filing_or_refusal_until_withdrawn():
    approved = [event("approved", "2018-12-17", agency="FDA", pathway="accelerated")]
    for later in ("filing_submitted", "filing_accepted", "rejected"):
        assert regulatory(status_of(approved + [event(later, "2020-01-05", agency="FDA")]))[0][2] == "approved"
    assert regulatory(status_of(approved + [event("withdrawn", "2021", agency="FDA")]))[0][2] == "withdrawn"


def test_a_filing_without_indication_moves_under_the_indication_decided():
    s = status_of(
        [
            event("filing_accepted", "2018-03", agency="NMPA", application="NDA"),
            event("approved", "2018-12-17", agency="NMPA", pathway="conditional", indication="melanoma"),
        ]
    )
    assert regulatory(s) == [("NMPA", "melanoma", "approved", "conditional", "2018-12-17")]
    assert s.regulatory[0]["application"] == "NDA"


def test_the_phase_ladder():
    assert (
        status_of([event("phase_started", "2019", phase="3"), event("phase_started", "2020", phase="2")]).highest_phase
        == "3"
    )
    assert status_of([event("phase_started", "2019", phase="4")]).highest_phase == "approved"
    assert status_of([event("ind_cleared", "2019", agency="FDA")]).highest_phase == "preclinical"
    assert status_of([event("filing_submitted", "2019", agency="FDA", application="IND")]).highest_phase is None
    assert status_of([event("filing_submitted", "2019", agency="FDA", application="BLA")]).highest_phase == "filed"


def test_designations_partners_discontinued_last_event():
    s = status_of(
        [
            event("designation_granted", "2019-02", agency="FDA", designation="breakthrough"),
            event("collaboration_signed", "2019-04-09", partners=["Ascentage Pharma"]),
            event("acquired", "2020-06", partners=["BigCo"]),
            event("discontinued", "2021-03"),
        ]
    )
    assert [d["designation"] for d in s.designations] == ["breakthrough"]
    assert s.partners == ["Ascentage Pharma", "BigCo"]
    assert s.discontinued
    assert s.last_event["type"] == "discontinued"


# -- the clocks ---------------------------------------------------------------------------


def test_as_of_certain_possible_absent():
    march = event("filing_accepted", "2018-03", agency="NMPA")
    assert [v.certain for v in visible([march], Cutoffs(as_of=date(2018, 6, 30)))] == [True]
    assert [v.certain for v in visible([march], Cutoffs(as_of=date(2018, 3, 15)))] == [False]
    assert visible([march], Cutoffs(as_of=date(2018, 2, 28))) == []


def test_an_unknown_date_only_precedes_its_report():
    ongoing = event("phase_started", None, reported="2019-04-09", phase="1b")
    assert [v.certain for v in visible([ongoing], Cutoffs(as_of=date(2019, 4, 9)))] == [True]
    assert [v.certain for v in visible([ongoing], Cutoffs(as_of=date(2010, 1, 1)))] == [False]


def test_known_at_uses_the_report_then_the_recorded_time():
    reported = event("approved", "2018-12-17", reported="2019-04-09", agency="NMPA")
    unreported = event("approved", "2018-12-17", recorded=datetime(2019, 1, 5, tzinfo=timezone.utc))
    assert visible([reported], Cutoffs(known_at=date(2019, 1, 1))) == []
    assert len(visible([reported], Cutoffs(known_at=date(2019, 4, 9)))) == 1
    assert visible([unreported], Cutoffs(known_at=date(2019, 1, 4))) == []
    assert len(visible([unreported], Cutoffs(known_at=date(2019, 1, 5)))) == 1


def test_recorded_by_sees_a_retraction_only_after_it_was_recorded():
    wrong = event("approved", "2018-12-17", agency="NMPA")
    retraction = event("retraction", retracts=wrong.id, recorded=T0 + timedelta(days=3))
    assert visible([wrong, retraction]) == []
    assert [v.event.id for v in visible([wrong, retraction], Cutoffs(recorded_by=T0 + timedelta(days=1)))] == [wrong.id]


@pytest.mark.parametrize(
    "type_, attributes, words",
    [
        ("filing_accepted", {"application": "NDA", "agency": "NMPA"}, "NDA accepted (NMPA)"),
        (
            "approved",
            {"pathway": "conditional", "agency": "NMPA", "indication": "melanoma"},
            "Conditional approval (NMPA): melanoma",
        ),
        ("phase_started", {"phase": "1b"}, "Phase 1b started"),
        ("designation_granted", {"designation": "priority_review", "agency": "FDA"}, "Priority review (FDA)"),
    ],
)
def test_milestones_in_words(type_, attributes, words):
    assert describe(type_, attributes) == words


def test_no_development_reported_after_two_quiet_years():
    trial = [event("phase_started", "2019-03", phase="2", indication="NASH")]
    quiet = status_of(trial, as_of=date(2021, 4, 1))
    assert quiet.no_development_reported == []  # not yet two years after March 2019
    later = fold("drug", visible(trial, Cutoffs(as_of=date(2021, 6, 1))), date(2021, 6, 1))
    assert later.no_development_reported == [
        {"indication": None, "last_clinical_event": "2019-03-31"},
        {"indication": "NASH", "last_clinical_event": "2019-03-31"},
    ]
    stopped = trial + [event("discontinued", "2019-09")]
    assert (
        fold("drug", visible(stopped, Cutoffs(as_of=date(2022, 1, 1))), date(2022, 1, 1)).no_development_reported == []
    )  # a confirmed discontinuation is shown as such
    approved = trial + [event("approved", "2019-12", agency="FDA", indication="NASH")]
    assert (
        fold("drug", visible(approved, Cutoffs(as_of=date(2022, 1, 1))), date(2022, 1, 1)).no_development_reported == []
    )


def test_one_fact_from_two_sources_is_shown_once_with_both():
    news = event("phase_started", "2019-03", source="release.txt", phase="2")
    registry = event("phase_started", "2019-03-14", source="NCT09000001", phase="2")
    other_trial = event("phase_started", "2019-03", source="other.txt", phase="3")
    shown = {v.event.attributes["phase"]: v for v in visible([news, registry, other_trial], today=date(2026, 1, 1))}
    merged, third = shown["2"], shown["3"]
    assert (merged.event.date.to_json(), merged.sources) == ("2019-03-14", ("release.txt", "NCT09000001"))
    assert third.event.attributes["phase"] == "3"  # a different phase is a different fact
    same_source = [
        event("approved", "2019", source="a.txt", agency="FDA"),
        event("approved", "2019-05", source="a.txt", agency="FDA"),
    ]
    assert len(visible(same_source, today=date(2026, 1, 1))) == 2  # one source telling two approvals
    apart = [event("approved", "2019-01", source="a.txt"), event("approved", "2019-05", source="b.txt")]
    assert len(visible(apart, today=date(2026, 1, 1))) == 2  # dates that cannot meet


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["2019", "2019-03", "2019-03-04", "2019-Q1", None]),
            st.sampled_from(["phase_started", "results_reported", "approved"]),
            st.sampled_from(["1", "2", "3"]),
            st.sampled_from(["melanoma", "NSCLC", None]),
        ),
        max_size=12,
    )
)
def test_the_occurred_order_compares_content_only_among_ties_and_still_sorts_alike(rows):
    from eventstore.status import Visible, in_occurred_order, occurred_bounds, occurred_order

    items = []
    for when, type_, phase, indication in rows:
        attributes = {"phase": phase, **({"indication": indication} if indication else {})}
        e = event(type_, when, reported="2020-01-01", **attributes)
        items.append(Visible(e, True, occurred_bounds(e)[1]))
    assert in_occurred_order(items) == sorted(items, key=occurred_order)
