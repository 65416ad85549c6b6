"""Expected milestones: windows, revisions, resolution, the calendar and its iCalendar."""

from __future__ import annotations

import json
from datetime import date

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventstore.errors import InvalidDate
from eventstore.expectations import Window

from .test_cli import Milestones


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2025-08-01", date(2025, 8, 1), date(2025, 8, 1)),
        ("2026-07..2026-09", date(2026, 7, 1), date(2026, 9, 30)),
        ("..2026", date.min, date(2026, 12, 31)),
    ],
)
def test_windows(text, start, end):
    window = Window.parse(text)
    assert (window.start, window.end, window.text) == (start, end, text)


@pytest.mark.parametrize("text", ["", "soon", "2026-09..2026-07", "2026..", "unknown"])
def test_bad_windows_are_refused(text):
    with pytest.raises(InvalidDate):
        Window.parse(text)


@pytest.fixture
def milestones(store_url):
    run = Milestones(store_url)
    run("init")
    return run


def calendar(milestones, *args):
    return milestones.json("calendar", *args)


def test_a_revision_keeps_the_first_and_moves_the_calendar(milestones):
    milestones("expect", "examplimab", "approved", "--window", "2025-08-01", "--agency", "FDA", "--reason", "PDUFA")
    milestones(
        "expect",
        "EXAMPLIMAB",
        "approved",
        "--window",
        "2025-11-01",
        "--agency",
        "FDA",
        "--reason",
        "extended by three months",
    )
    [entry] = calendar(milestones)
    assert (entry["window"], entry["revisions"], entry["reason"], entry["overdue"]) == (
        "2025-11-01",
        1,
        "extended by three months",
        True,
    )
    assert [h["type"] for h in milestones.json("history")] == ["expectation", "expectation"]
    assert calendar(milestones, "--from", "2026") == []
    assert len(calendar(milestones, "--agency", "fda", "--type", "approved")) == 1


@pytest.mark.parametrize(
    "event, resolution",
    [
        (["approved", "--date", "2025-10-20", "--agency", "FDA"], None),
        (["rejected", "--date", "2025-10-31", "--agency", "FDA"], None),
        (["approved", "--date", "2025-10-20", "--agency", "EMA"], "open"),
    ],
)
def test_an_event_recorded_later_resolves_it(milestones, event, resolution):
    milestones("expect", "examplimab", "approved", "--window", "2025-H2", "--agency", "FDA")
    milestones("append", "--new-drug", "examplimab", *event)
    assert len(calendar(milestones)) == (1 if resolution == "open" else 0)


def test_windows_in_order_and_the_calendar_as_icalendar(milestones):
    milestones("expect", "b-drug", "results_reported", "--window", "2027-H2", "--phase", "3", "--source", "a; b, c")
    milestones("expect", "a-drug", "filing_submitted", "--window", "..2026-12-31", "--agency", "FDA")
    assert [e["drug"] for e in calendar(milestones)] == ["a-drug", "b-drug"]
    text = milestones("calendar", "--format", "ical").stdout_bytes.decode()  # bytes: CRLF kept
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded, per RFC 5545
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")  # read back by the library
    assert [str(e["SUMMARY"]).split(":")[0] for e in events] == ["a-drug", "b-drug"]
    b_drug = events[1]
    assert (b_drug.decoded("DTSTART"), b_drug.decoded("DTEND")) == (date(2027, 7, 1), date(2028, 1, 1))
    assert "source a; b, c" in str(b_drug["DESCRIPTION"])  # escaped on the way out, whole on the way back
    assert all({"UID", "DTSTAMP", "SUMMARY"} <= set(e) for e in events)
    assert len({str(e["UID"]) for e in events}) == 2


def test_expectations_round_trip_through_export(milestones, tmp_path):
    milestones("expect", "examplimab", "approved", "--window", "2025-H2", "--agency", "FDA", "--reason", "PDUFA")
    milestones("watch", "add", "examplimab")
    dump = tmp_path / "dump.jsonl"
    dump.write_text(milestones("export").stdout)
    other = Milestones(f"sqlite:///{tmp_path / 'other.db'}")
    other("init")
    other("import", str(dump))
    other("import", str(dump))
    lines = [json.loads(line) for line in other("export").stdout.splitlines()]
    assert [(line["type"], line.get("window") or line.get("value")) for line in lines] == [
        ("expectation", "2025-H2"),
        ("watch", "examplimab"),
    ]
    assert other.json("watch", "list") == [{"watching": "drug", "name": "examplimab"}]


def test_ingest_records_forward_looking_statements_as_expectations(milestones, tmp_path):
    release = tmp_path / "release.txt"
    release.write_text(
        "BOSTON, April 22, 2021 -- The FDA accepted the BLA for examplimab today. The company expects "
        "to submit an MAA for examplimab in the second half of 2021.\n"
    )
    result = milestones("ingest", str(release), "--yes", "--min-confidence", "0")
    assert "1 expected milestones recorded" in result.stderr
    [entry] = calendar(milestones)
    assert (entry["drug"], entry["type"], entry["window"]) == ("examplimab", "filing_submitted", "2021-H2")
    milestones("ingest", str(release), "--yes", "--min-confidence", "0")
    assert len(milestones.json("history")) == 2


@settings(max_examples=25, deadline=None)
@given(st.lists(st.dates(date(2024, 1, 1), date(2030, 12, 31)), min_size=1, max_size=6))
def test_a_revision_never_loses_the_earlier_expectation(tmp_path_factory, windows):
    milestones = Milestones(f"sqlite:///{tmp_path_factory.mktemp('revisions') / 'store.db'}")
    milestones("init")
    for when in windows:
        milestones("expect", "examplimab", "approved", "--window", when.isoformat(), "--agency", "FDA")
    assert [h["window"] for h in milestones.json("history")] == [w.isoformat() for w in windows]
    [entry] = calendar(milestones)
    assert (entry["window"], entry["revisions"]) == (windows[-1].isoformat(), len(windows) - 1)


def test_changes_since_an_instant(milestones):
    milestones("append", "--new-drug", "examplimab", "phase_started", "--date", "2019-03", "--phase", "2")
    since = milestones.json("history")[-1]["recorded"]  # strictly after: this event is not a change
    milestones("expect", "examplimab", "approved", "--window", "2025-08-01", "--agency", "FDA")
    milestones("expect", "examplimab", "approved", "--window", "2025-11-01", "--agency", "FDA")
    first = milestones(
        "append", "--new-drug", "examplimab", "results_reported", "--date", "2020-03", "--phase", "2"
    ).stdout.strip()
    milestones("correct", first, "--date", "2020-03-12", "--reason", "day given later")
    milestones("append", "--new-drug", "examplimab", "approved", "--date", "2025-10-20", "--agency", "FDA")
    found = [(c["kind"], c["severity"]) for c in milestones.json("changes", "--since", since)]
    assert found == [
        ("expectation", "minor"),
        ("revision", "critical"),
        ("event", "notable"),
        ("retraction", "minor"),
        ("refinement", "notable"),
        ("event", "critical"),
        ("resolution", "notable"),
    ]
    resolution = milestones.json("changes", "--since", since)[-1]
    assert resolution["summary"].endswith("expected 2025-11-01: early")  # before its window
    assert milestones.json("changes", "--since", "2999-01-01") == []


def test_watchlists_and_watched_changes(milestones):
    milestones("watch", "add", "toripalimab")
    milestones("watch", "add", "--company", "Ascentage Pharma")
    milestones("watch", "add", "--indication", "melanoma")
    milestones("watch", "add", "--indication", "NASH")
    milestones("watch", "remove", "--indication", "NASH")
    assert milestones.json("watch", "list") == [
        {"watching": "drug", "name": "toripalimab"},
        {"watching": "company", "name": "Ascentage Pharma"},
        {"watching": "indication", "name": "melanoma"},
    ]
    since = milestones.json("history")[-1]["recorded"]
    milestones("alias", "JS001", "toripalimab")
    milestones("append", "--new-drug", "JS001", "filing_accepted", "--date", "2018-03", "--agency", "NMPA")
    milestones(
        "append",
        "--new-drug",
        "APG-1387",
        "collaboration_signed",
        "--date",
        "2019-04-09",
        "--partner",
        "Ascentage Pharma",
    )
    milestones(
        "append",
        "--new-drug",
        "other",
        "approved",
        "--date",
        "2019",
        "--agency",
        "FDA",
        "--indication",
        "advanced melanoma",
    )
    milestones("append", "--new-drug", "unrelated", "phase_started", "--date", "2019", "--phase", "1")
    watched = milestones.json("changes", "--since", since, "--watched")
    assert [c["drug"] for c in watched] == ["toripalimab", "APG-1387", "other"]
    assert len(milestones.json("changes", "--since", since)) == 4
    assert [d["drug"] for d in milestones.json("drugs")] == ["APG-1387", "other", "toripalimab", "unrelated"]
    milestones("watch", "add", code=2)
    milestones("watch", "add", "x", "--company", "y", code=2)


def test_the_calendar_as_of_a_day_shows_what_was_expected_then(milestones):
    milestones("expect", "examplimab", "approved", "--window", "2030-H1", "--agency", "FDA")
    recorded = milestones.json("history")[-1]["recorded"][:10]
    milestones("expect", "examplimab", "approved", "--window", "2030-H2", "--agency", "FDA")
    assert [e["window"] for e in calendar(milestones, "--as-of", recorded)] == ["2030-H2"]  # same day: both known
    assert calendar(milestones, "--as-of", "2020-01-01") == []
    assert [e["window"] for e in calendar(milestones)] == ["2030-H2"]


@settings(max_examples=20, deadline=None)
@given(
    st.permutations(
        [
            ("approved", "2025-06-10", "EMA"),
            ("rejected", "2025-07-01", "FDA"),
            ("approved", "2025-12-01", "FDA"),
            ("launched", "2025-02", None),
        ]
    )
)
def test_resolution_does_not_depend_on_the_order_events_arrive_in(tmp_path_factory, events):
    milestones = Milestones(f"sqlite:///{tmp_path_factory.mktemp('resolution') / 'store.db'}")
    milestones("init")
    milestones("expect", "examplimab", "approved", "--window", "2025-H2", "--agency", "FDA")
    for type_, when, agency in events:
        milestones(
            "append", "--new-drug", "examplimab", type_, "--date", when, *(["--agency", agency] if agency else [])
        )
    since = milestones.json("history")[0]["recorded"]
    [resolution] = [
        c for c in milestones.json("changes", "--since", since[:10] + "T00:00:00Z") if c["kind"] == "resolution"
    ]
    assert resolution["summary"].endswith("different outcome: rejected")  # the FDA refused first, in July


def test_a_watch_matches_the_retraction_and_correction_of_an_event_it_matched(milestones):
    milestones("watch", "add", "--company", "Ascentage Pharma")
    milestones("watch", "add", "--indication", "melanoma")
    deal = milestones(
        "append",
        "--new-drug",
        "APG-1387",
        "collaboration_signed",
        "--date",
        "2019-04-09",
        "--partner",
        "Ascentage Pharma",
    ).stdout.strip()
    approval = milestones(
        "append",
        "--new-drug",
        "other",
        "approved",
        "--date",
        "2019",
        "--agency",
        "FDA",
        "--indication",
        "advanced melanoma",
    ).stdout.strip()
    since = milestones.json("history")[-1]["recorded"]
    milestones("retract", deal, "--reason", "no deal was signed")
    milestones("correct", approval, "--indication", "uveal cancer", "--reason", "another indication")
    watched = milestones.json("changes", "--since", since, "--watched")
    assert [(c["drug"], c["kind"]) for c in watched] == [
        ("APG-1387", "retraction"),
        ("other", "retraction"),
        ("other", "refinement"),
    ]


def test_an_expectation_resolves_at_once_against_an_event_already_stored(milestones):
    milestones("append", "--new-drug", "examplimab", "approved", "--date", "2018-05", "--agency", "FDA")
    milestones("append", "examplimab", "filing_accepted", "--date", "2025-03-10", "--agency", "FDA")
    milestones("expect", "examplimab", "filing_accepted", "--window", "2025-H1", "--agency", "FDA")
    milestones("expect", "examplimab", "approved", "--window", "2025-H2", "--agency", "FDA")
    # The acceptance is in the store: no longer open. The 2018 approval was another
    # milestone: the 2025 one is still awaited, and overdue.
    [entry] = calendar(milestones)
    assert (entry["type"], entry["overdue"]) == ("approved", True)
