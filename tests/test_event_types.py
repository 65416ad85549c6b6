"""Every event type is complete everywhere: the registry's record is all the store needs
to validate, fold, describe, chart, report and extract it. Adding a record without the
rest fails here."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from milestones_cli import cli

from eventstore.chart import MARKERS
from eventstore.dates import PartialDate
from eventstore.event_types import (
    EVENT_TYPES,
    GROUPS,
    KEY_ATTRIBUTES,
    LIFECYCLE,
    PHASE,
    REGISTRY,
    SEVERITIES,
    same_milestone,
)
from eventstore.events import ATTRIBUTES, PHASES, NewEvent, RecordedEvent
from eventstore.extract.patterns import TRIGGER_WORDS, TRIGGERS
from eventstore.status import RANK, Visible, describe, fold

ALL_VALUES = {
    "phase": "2",
    "agency": "FDA",
    "application": "NDA",
    "pathway": "accelerated",
    "designation": "breakthrough",
    "indication": "melanoma",
    "partners": ["Example Pharma"],
    "region": ["US"],
}


def recorded(type_: str, attributes: dict, position: int = 1, when: str = "2024-05-01") -> RecordedEvent:
    event = NewEvent("examplimab", type_, when, attributes)
    return RecordedEvent(
        id=f"00000000-0000-4000-8000-{position:012d}",
        position=position,
        stream="examplimab",
        version=position,
        type=type_,
        date=event.date,
        reported=PartialDate.unknown(),
        recorded=datetime(2024, 6, 1, tzinfo=timezone.utc),
        data={"attributes": event.attributes},
        retracts=None,
        idempotency_key=None,
        hash="0" * 64,
    )


@pytest.mark.parametrize("kind", REGISTRY, ids=lambda k: k.name)
def test_every_type_is_complete(kind):
    assert kind.attributes <= set(ATTRIBUTES)
    assert kind.group in GROUPS and kind.severity in SEVERITIES
    assert kind.stage is None or kind.stage == PHASE or kind.stage in RANK
    assert kind.stage != PHASE or "phase" in kind.attributes
    assert kind.chart_marker is None or kind.chart_marker in MARKERS
    assert kind.other_outcomes <= set(EVENT_TYPES) - {kind.name}
    assert kind.name in LIFECYCLE
    # extraction can find it: a pattern and the words that gate it
    assert kind.name in dict(TRIGGERS) and TRIGGER_WORDS.get(kind.name)


@pytest.mark.parametrize("kind", REGISTRY, ids=lambda k: k.name)
def test_every_type_is_described_with_and_without_its_attributes(kind):
    full = {a: ALL_VALUES[a] for a in kind.attributes}
    for attributes in ({}, full):
        text = describe(kind.name, NewEvent("examplimab", kind.name, "2024", attributes).attributes)
        assert (text and "{" not in text and text[0].isupper()) or text.startswith(("sNDA", "sBLA"))
    described = describe(kind.name, NewEvent("examplimab", kind.name, "2024", full).attributes)
    if "agency" in full:
        assert "(FDA)" in described
    if "indication" in full:
        assert described.endswith(": melanoma")


@pytest.mark.parametrize("kind", REGISTRY, ids=lambda k: k.name)
def test_every_type_folds_into_a_status(kind):
    full = {a: ALL_VALUES[a] for a in kind.attributes}
    event = recorded(kind.name, full)
    status = fold("examplimab", [Visible(event, True, date(2024, 5, 1))], date(2025, 1, 1))
    assert status.last_event["type"] == kind.name
    assert status.last_event["summary"] == describe(kind.name, event.attributes)
    if kind.stage == PHASE:
        assert status.highest_phase == "2"
    elif kind.stage is not None:
        assert status.highest_phase == kind.stage
    if kind.regulatory_state is not None:
        assert [entry["state"] for entry in status.regulatory] == [kind.regulatory_state]


@pytest.mark.parametrize("kind", REGISTRY, ids=lambda k: k.name)
def test_every_type_can_be_appended_from_the_command_line(kind, tmp_path):
    db = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "init"]).exit_code == 0
    options = ["--agency", "FDA"] if kind.group == "regulatory" else []
    result = runner.invoke(
        cli, ["--db", db, "append", "examplimab", kind.name, "--date", "2024-05", "--new-drug", *options]
    )
    assert result.exit_code == 0, result.stderr
    changes = runner.invoke(cli, ["--db", db, "changes", "--since", "2000-01-01", "--format", "json"])
    assert f'"severity": "{kind.severity}"' in changes.stdout


@given(st.sampled_from(REGISTRY), st.sampled_from(KEY_ATTRIBUTES), st.sampled_from(PHASES))
def test_one_key_attribute_told_differently_makes_two_milestones(kind, key, phase):
    one = {key: phase if key == "phase" else "one"}
    other = {key: "3b" if key == "phase" else "other"}
    assert same_milestone(kind.name, one, kind.name, {})
    assert same_milestone(kind.name, one, kind.name, dict(one))
    assert not same_milestone(kind.name, one, kind.name, other)
    assert not same_milestone(kind.name, one, "launched" if kind.name != "launched" else "approved", one)


def test_intervals_decide_when_both_are_given():
    may, june, year = (
        (date(2024, 5, 1), date(2024, 5, 31)),
        (date(2024, 6, 1), date(2024, 6, 30)),
        (date(2024, 1, 1), date(2024, 12, 31)),
    )
    assert not same_milestone("approved", {}, "approved", {}, may, june)
    assert same_milestone("approved", {}, "approved", {}, may, year)
    assert same_milestone("approved", {}, "approved", {}, (None, date(2024, 5, 2)), may)


def test_an_event_made_from_a_row_is_the_one_the_constructor_makes():
    import dataclasses
    import inspect

    fields = dict(
        id="0190c0de-0000-7000-8000-00000000000a",
        position=3,
        stream="examplimab",
        version=2,
        type="approved",
        date=PartialDate.parse("2024-Q2"),
        reported=PartialDate.parse("2024-07-01"),
        recorded=datetime(2024, 7, 2, tzinfo=timezone.utc),
        data={"attributes": {"agency": "FDA"}},
        retracts=None,
        idempotency_key="k",
        hash="0" * 64,
    )
    assert list(inspect.signature(RecordedEvent.from_row).parameters) == [
        f.name for f in dataclasses.fields(RecordedEvent)
    ]
    made = RecordedEvent.from_row(**fields)
    assert made == RecordedEvent(**fields)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.stream = "other"  # type: ignore[misc]
