"""Nothing wrong lands silently, and what is undone stays undone: ingest's review (on a
terminal, in a file, with --yes), rejections and retractions held back when the same
source proposes them again, and retracted events left out under every clock. Through
the command line, on every backend."""

from __future__ import annotations

import json

import pytest
from milestones_cli.commands import news

from .test_cli import Milestones, milestones

RELEASE = (
    "Examplimab approved in Japan\n\nTOKYO, April 22, 2021 -- Example Bio today announced that the PMDA "
    "approved examplimab for gastric cancer. In March 2020 the PMDA accepted the NDA for examplimab.\n"
)


@pytest.fixture
def release(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE)
    return path


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(news, "_is_terminal", lambda: True)


def events(milestones, drug="examplimab"):
    return [(e["type"], e["date"]) for e in milestones.json("timeline", drug)]


def test_without_a_terminal_ingest_asks_for_a_way_to_review(milestones, release):
    result = milestones("ingest", str(release), code=2)
    assert "--review FILE" in result.stderr and "--yes" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert milestones.json("history") == []


def test_yes_appends_only_what_clears_the_bar_and_reports_the_rest(milestones, release):
    proposals = [
        json.loads(line)
        for line in milestones(
            "extract", str(release), "--format", "jsonl", "--min-confidence", "0"
        ).stdout.splitlines()
    ]
    confidences = sorted(p["confidence"] for p in proposals if p["drug"] == "examplimab")
    assert len(confidences) == 2
    bar = (confidences[0] + confidences[1]) / 2  # one above, one below
    result = milestones("ingest", str(release), "--yes", "--min-confidence", f"{bar:.4f}")
    assert "1 appended" in result.stderr and "1 proposals below confidence" in result.stderr
    assert len(events(milestones)) == 1


def test_each_proposal_is_accepted_rejected_or_edited_on_a_terminal(milestones, release, terminal):
    # The first proposal (the approval, told first) is edited to a wrong-looking date and
    # accepted; the second is rejected with a reason.
    answers = "e\n\napproved\n2021-04-21\n-\na\nr\nnot the filing we track\n"
    result = milestones("ingest", str(release), "--min-confidence", "0", input=answers)
    assert "1 appended" in result.stderr and "1 rejections remembered" in result.stderr
    assert events(milestones) == [("approved", "2021-04-21")]
    [approval] = milestones.json("timeline", "examplimab")
    assert "agency" not in approval  # dropped in the edit
    again = milestones("ingest", str(release), "--min-confidence", "0", "--dry-run")
    assert "held back (rejected" in again.stdout and "not the filing we track" in again.stdout


def test_accept_all_and_quit(milestones, release, terminal):
    result = milestones("ingest", str(release), "--min-confidence", "0", input="q\n")
    assert "0 appended" in result.stderr and "0 rejections" in result.stderr
    result = milestones("ingest", str(release), "--min-confidence", "0", input="A\n")
    assert "2 appended" in result.stderr


def test_a_review_file_is_decided_in_an_editor_and_imported(milestones, release, tmp_path):
    review = tmp_path / "proposals.jsonl"
    milestones("ingest", str(release), "--review", str(review), "--min-confidence", "0.999")
    lines = [json.loads(line) for line in review.read_text().splitlines()]
    assert {line["review"] for line in lines} == {"undecided"}
    refused = milestones("import", str(review), code=2)
    assert ":1: review must be one of: accept, reject" in refused.stderr
    assert milestones.json("history") == []  # nothing of the file was written
    lines[0]["review"] = "accept"
    lines[1].update(review="reject", reason="a reference to an old filing")
    review.write_text("".join(json.dumps(line) + "\n" for line in lines))
    imported = milestones("import", str(review))
    assert "2 stored" in imported.stderr
    [(kept_type, _)] = events(milestones)
    assert kept_type == lines[0]["type"]
    [stored] = milestones.json("timeline", "examplimab")
    assert stored["source"] == str(release) and stored["quote"] == lines[0]["quote"]
    assert "2 stored" not in milestones("import", str(review)).stderr  # a second import adds nothing
    held = milestones("ingest", str(release), "--min-confidence", "0", "--dry-run").stdout
    assert "a reference to an old filing" in held and held.count("held back") == 1
    assert [line.split()[1:3] for line in held.splitlines() if line.startswith("known ")] == [
        ["examplimab", lines[0]["type"]]
    ]  # the accepted one is in the store now


def test_a_retracted_event_is_not_proposed_again_even_after_an_alias(milestones, release):
    milestones("ingest", str(release), "--yes", "--min-confidence", "0")
    [approval] = [e for e in milestones.json("timeline", "examplimab") if e["type"] == "approved"]
    milestones("retract", approval["id"], "--reason", "the approval was someone else's")
    milestones("alias", "Examplia", "examplimab")
    milestones("alias", "examplimab", "EXB-101")  # renamed: the drug's canonical name is now the code
    again = milestones("ingest", str(release), "--yes", "--min-confidence", "0")
    assert "0 appended" in again.stderr and "1 held back" in again.stderr
    assert [t for t, _ in events(milestones, "EXB-101")] == ["filing_accepted"]


def test_a_corrected_event_is_not_proposed_again_at_its_old_date(milestones, release):
    milestones("ingest", str(release), "--yes", "--min-confidence", "0")
    [approval] = [e for e in milestones.json("timeline", "examplimab") if e["type"] == "approved"]
    milestones("correct", approval["id"], "--date", "2021-04-20", "--reason", "approved two days before")
    again = milestones("ingest", str(release), "--yes", "--min-confidence", "0")
    assert "0 appended" in again.stderr
    assert sorted(events(milestones)) == [("approved", "2021-04-20"), ("filing_accepted", "2020-03")]


def test_every_clock_leaves_retracted_events_out(milestones):
    first = milestones(
        "append",
        "--new-drug",
        "examplimab",
        "approved",
        "--date",
        "2020-06-01",
        "--agency",
        "FDA",
        "--reported",
        "2020-06-02",
    ).stdout.strip()
    wrong = milestones(
        "append",
        "--new-drug",
        "examplimab",
        "rejected",
        "--date",
        "2020-07-01",
        "--agency",
        "EMA",
        "--reported",
        "2020-07-02",
    ).stdout.strip()
    milestones("retract", wrong, "--reason", "it was a withdrawal")
    milestones("correct", first, "--date", "2020-06-03", "--reported", "2020-06-04", "--reason", "the day")
    known = milestones.json("timeline", "examplimab", "--known-at", "2021")
    assert [(e["type"], e["date"]) for e in known] == [("approved", "2020-06-03")]
    status = milestones.json("status", "examplimab", "--known-at", "2021")
    assert [r["state"] for r in status["regulatory"]] == ["approved"]
    assert [(e["type"], e["date"]) for e in milestones.json("timeline", "examplimab", "--as-of", "2021")] == [
        ("approved", "2020-06-03")
    ]


def test_a_review_line_names_what_import_refuses(tmp_path, sqlite_url):
    run = Milestones(sqlite_url)
    run("init")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"review": "reject", "drug": "examplimab", "type": "approved", "date": "2020"}) + "\n")
    assert "a rejection needs the source" in run("import", str(bad), code=2).stderr
    bad.write_text(json.dumps({"review": "accept", "reason": "x", "drug": "examplimab", "type": "approved"}) + "\n")
    assert "a reason goes with a rejected proposal only" in run("import", str(bad), code=2).stderr


@pytest.mark.parametrize(
    "field, value, difference",
    [
        ("drug", "JS001", "another drug: 'JS001' here, 'toripalimab' stored"),
        ("reported", "2019-01-01", "another reported date"),
        ("idempotency_key", "another-key", "another idempotency key"),
    ],
)
def test_an_imported_line_with_a_known_id_must_match_in_every_field(milestones, tmp_path, field, value, difference):
    milestones("append", "--new-drug", "toripalimab", "phase_started", "--date", "2016", "--phase", "1")
    first = milestones(
        "append",
        "toripalimab",
        "approved",
        "--date",
        "2018-12-17",
        "--agency",
        "NMPA",
        "--reported",
        "2018-12-18",
        "--idempotency-key",
        "k1",
    ).stdout.strip()
    [line] = [json.loads(x) for x in milestones("export").stdout.splitlines() if json.loads(x)["id"] == first]
    for store_field in ("position", "version", "recorded", "hash"):  # a line edited apart from its chain
        del line[store_field]
    changed = tmp_path / "changed.jsonl"
    other = {"drug": "toripalimab", "type": "phase_started", "date": "2017", "phase": "2"}
    changed.write_text(json.dumps(other) + "\n" + json.dumps({**line, field: value}) + "\n")
    before = milestones("export").stdout
    result = milestones("import", str(changed), code=2)
    assert f"changed.jsonl:2: event {first} is already stored with {difference}" in result.stderr
    assert milestones("export").stdout == before  # nothing of the file was written
    changed.write_text(json.dumps(line) + "\n")
    assert "0 stored, 1 already present" in milestones("import", str(changed)).stderr


def test_event_ids_are_taken_by_a_unique_prefix(milestones):
    first = milestones("append", "--new-drug", "examplimab", "phase_started", "--date", "2016", "--phase", "1")
    second = milestones("append", "examplimab", "phase_started", "--date", "2017", "--phase", "2")
    first, second = first.stdout.strip(), second.stdout.strip()
    shared = next(i for i, (a, b) in enumerate(zip(first, second)) if a != b)
    if shared >= 8:  # ids made in the same instant share their start: that prefix is ambiguous
        refused = milestones("retract", first[:shared], "--reason", "x", code=2)
        assert "is ambiguous" in refused.stderr and first in refused.stderr and second in refused.stderr
    assert "8 or more" in milestones("retract", first[:7], "--reason", "x", code=2).stderr
    unique = first[: max(8, shared + 1)]
    milestones("retract", unique, "--reason", "a unique prefix")
    assert [e["date"] for e in milestones.json("timeline", "examplimab")] == ["2017"]
    assert "nothing to correct" in milestones("correct", second, "--date", "2017", code=2).stderr
    assert "nothing to correct" in milestones("correct", second, code=2).stderr


def test_bare_milestones_prints_the_help(sqlite_url):
    result = Milestones(sqlite_url)()
    assert result.stdout.startswith("Usage: ") and "Commands:" in result.stdout and "retract" in result.stdout


def test_an_alias_and_a_merge_can_be_retracted(milestones, tmp_path):
    milestones("append", "--new-drug", "toripalimab", "approved", "--date", "2018-12-17", "--agency", "NMPA")
    milestones("append", "--new-drug", "APG-1387", "phase_started", "--date", "2019", "--phase", "1")
    milestones("alias", "APG-1387", "toripalimab", "--merge")
    assert [d["drug"] for d in milestones.json("drugs")] == ["toripalimab"]
    assert len(milestones.json("timeline", "toripalimab")) == 2
    [merge] = [f for f in milestones.json("history") if f["type"] == "alias"]
    milestones("retract", merge["id"], "--reason", "two different drugs")
    assert [d["drug"] for d in milestones.json("drugs")] == ["APG-1387", "toripalimab"]
    assert [e["type"] for e in milestones.json("timeline", "toripalimab")] == ["approved"]
    assert milestones.json("status", "APG-1387")["highest_phase"] == "1"
    assert "retracts the alias" in milestones("history").stdout
    assert "already retracted" in milestones("retract", merge["id"], "--reason", "again", code=2).stderr
    undoing = milestones.json("history")[-1]["id"]
    assert "only milestones and aliases" in milestones("retract", undoing, "--reason", "undo", code=2).stderr
    # The log says the same after a round trip through export and import.
    export = tmp_path / "export.jsonl"
    export.write_text(milestones("export").stdout)
    copy = Milestones(f"sqlite:///{tmp_path / 'copy.db'}")
    copy("init")
    copy("import", str(export))
    assert [d["drug"] for d in copy.json("drugs")] == ["APG-1387", "toripalimab"]

    def facts(run):
        return [(f["id"], f["drug"], f["type"], f.get("retracts")) for f in run.json("history")]

    assert facts(copy) == facts(milestones)
