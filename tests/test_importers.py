"""The ClinicalTrials.gov and openFDA importers: one record per rule, built in
tests/data, and the real samples of ../shared/formats where that folder exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_cli import Milestones

DATA = Path(__file__).parent / "data"
FORMATS = Path(__file__).parent.parent.parent / "shared" / "formats"


@pytest.fixture
def milestones(sqlite_url):
    run = Milestones(sqlite_url)
    run("init")
    return run


def events(milestones, drug):
    return {(e["type"], e["date"]): e for e in milestones.json("timeline", drug)}


def test_ctgov_actual_dates_become_events_at_their_precision(milestones):
    result = milestones("import-ctgov", str(DATA / "ctgov_completed.json"))
    assert "2 stored" in result.stderr
    found = events(milestones, "exampumab")
    started, completed = found["phase_started", "2019-03-14"], found["phase_completed", "2020-11"]
    assert started["phase"] == completed["phase"] == "2/3"
    assert started["indication"] == "Plaque Psoriasis" and started["region"] == ["Germany", "Poland"]
    assert started["partners"] == ["Partner Pharma"] and started["source"] == "NCT09000001"


def test_ctgov_names_become_aliases_and_comparators_are_not_drugs(milestones):
    milestones("import-ctgov", str(DATA / "ctgov_completed.json"))
    [drug] = milestones.json("drugs")
    assert drug["drug"] == "exampumab" and set(drug["names"]) == {"EXB-101", "Exampia"}
    assert len(milestones.json("timeline", "EXAMPIA")) == 2
    milestones("timeline", "Ustekinumab", code=2)
    milestones("timeline", "Placebo", code=2)


def test_ctgov_withdrawn_study_is_halted_and_never_started(milestones):
    milestones("import-ctgov", str(DATA / "ctgov_withdrawn.json"))
    [halted] = milestones.json("timeline", "exampumab")
    assert (halted["type"], halted["date"]) == ("trial_halted", None)
    assert halted["note"] == "withdrawn: Sponsor decision before enrolment."


def test_ctgov_estimated_dates_are_expected_milestones_not_events(milestones, tmp_path):
    path = DATA / "ctgov_estimated.json"
    result = milestones("import-ctgov", str(path))
    assert "0 stored" in result.stderr and "2 expected milestones recorded" in result.stderr
    assert [h["type"] for h in milestones.json("history") if h["type"] not in ("alias", "expectation")] == []
    assert [(e["type"], e["window"], e["revisions"]) for e in milestones.json("calendar")] == [
        ("phase_started", "2027-01", 0),
        ("phase_completed", "2029", 0),
    ]
    before = milestones("export").stdout
    milestones("import-ctgov", str(path))
    assert milestones("export").stdout == before
    newer = json.loads(path.read_text())
    newer["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "2027-04"
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    milestones("import-ctgov", str(tmp_path / "newer.json"))
    assert [(e["type"], e["window"], e["revisions"]) for e in milestones.json("calendar")] == [
        ("phase_started", "2027-04", 1),
        ("phase_completed", "2029", 0),
    ]


def test_ctgov_import_is_idempotent_and_a_newer_record_supersedes(milestones, tmp_path):
    path = DATA / "ctgov_completed.json"
    milestones("import-ctgov", str(path))
    before = milestones("export").stdout
    assert "0 stored, 2 already present" in milestones("import-ctgov", str(path)).stderr
    assert milestones("export").stdout == before
    newer = json.loads(path.read_text())
    newer["protocolSection"]["statusModule"]["primaryCompletionDateStruct"]["date"] = "2020-11-20"
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    result = milestones("import-ctgov", str(tmp_path / "newer.json"))
    assert "1 stored, 1 already present, 1 superseded" in result.stderr
    dates = sorted(e["date"] for e in milestones.json("timeline", "exampumab"))
    assert dates == ["2019-03-14", "2020-11-20"]


@pytest.mark.parametrize(
    "content, message",
    [
        ((DATA / "ctgov_classic.json").read_text(), "classic"),
        ('{"protocolSection": {}}', "not a ClinicalTrials.gov"),
        ("[1, 2", "not JSON"),
        ((DATA / "openfda_nda.json").read_text(), "not a ClinicalTrials.gov"),
    ],
)
def test_ctgov_refuses_foreign_files_and_writes_nothing(milestones, tmp_path, content, message):
    good, bad = DATA / "ctgov_completed.json", tmp_path / "bad.json"
    bad.write_text(content)
    result = milestones("import-ctgov", str(good), str(bad), code=2)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert milestones.json("history") == []


def test_openfda_approvals_supplements_and_priority_review(milestones):
    milestones("import-openfda", str(DATA / "openfda_nda.json"))
    found = milestones.json("timeline", "exampumab")
    approvals = [(e["date"], e["application"]) for e in found if e["type"] == "approved"]
    assert approvals == [("2021-06-10", "NDA"), ("2023-03-05", "sNDA")]  # ORIG 2, labeling, CMC, TA: nothing
    assert "efficacy supplement S-12" in found[-1]["note"]
    priority = [e for e in found if e["type"] == "designation_granted"]
    assert len(priority) == 2 and {p["designation"] for p in priority} == {"priority_review"}
    assert all(p["date"] is None for p in priority) and {p["reported"] for p in priority} == {
        "2021-06-10",
        "2023-03-05",
    }
    [drug] = milestones.json("drugs")
    assert drug == {"drug": "exampumab", "names": ["EXAMPIA"]}
    assert milestones.json("status", "Exampia")["highest_phase"] == "approved"


def test_openfda_generics_are_skipped_and_imports_are_idempotent(milestones):
    milestones("import-openfda", str(DATA / "openfda_anda_response.json"))
    assert milestones.json("history") == []
    milestones("import-openfda", str(DATA / "openfda_nda.json"))
    before = milestones("export").stdout
    milestones("import-openfda", str(DATA / "openfda_nda.json"))
    assert milestones("export").stdout == before


def test_openfda_refuses_a_foreign_file(milestones):
    result = milestones("import-openfda", str(DATA / "ctgov_completed.json"), code=2)
    assert "not an openFDA" in result.stderr


def test_a_primary_source_joins_names_already_known(milestones):
    milestones("append", "--new-drug", "EXB-101", "ind_cleared", "--date", "2018-05", "--agency", "FDA")
    milestones("import-ctgov", str(DATA / "ctgov_completed.json"))
    assert [d["drug"] for d in milestones.json("drugs")] == ["EXB-101"]
    assert len(milestones.json("timeline", "exampumab")) == 3


needs_samples = pytest.mark.skipif(not FORMATS.is_dir(), reason=f"the real samples are not at {FORMATS}")


@needs_samples
def test_real_ctgov_samples(milestones):
    files = sorted(str(p) for p in (FORMATS / "ctgov").glob("*.json"))
    milestones("import-ctgov", *files)
    dupilumab = events(milestones, "Dupixent")
    assert {("phase_started", "2014-08-05"), ("phase_completed", "2015-09-15")} <= set(dupilumab)
    assert dupilumab["phase_started", "2014-08-05"]["partners"] == ["Sanofi"]
    tlc = events(milestones, "TLC599")
    assert set(tlc) == {("phase_started", "2015-06"), ("phase_completed", "2016-11")}
    assert [e["type"] for e in milestones.json("timeline", "MEDI-538")] == ["trial_halted"]
    intismeran = events(milestones, "V940")
    assert set(intismeran) == {("phase_started", "2023-12-06")}  # completion 2030 is only expected
    assert events(milestones, "GS-5734")["phase_completed", "2023-02-10"]["phase"] == "2/3"
    assert milestones("verify").exit_code == 0


@needs_samples
def test_real_openfda_samples(milestones):
    milestones("import-openfda", *sorted(str(p) for p in (FORMATS / "openfda").glob("*.json")))
    semaglutide = milestones.json("timeline", "ozempic")
    assert ("2017-12-05", "NDA") in [(e["date"], e["application"]) for e in semaglutide if e["type"] == "approved"]
    assert ("2021-06-04", "NDA") in [(e["date"], e["application"]) for e in semaglutide if e["type"] == "approved"]
    assert len(milestones.json("timeline", "WEGOVY")) == len(semaglutide)
    cobicistat = [e for e in milestones.json("timeline", "TYBOST") if e["type"] == "approved"]
    assert [e["date"] for e in cobicistat].count("2014-09-24") == 1  # ORIG 2 is part of ORIG 1
    assert [e["date"] for e in cobicistat].count("2025-06-20") == 2  # S-17 and S-18, same day


def test_a_primary_source_and_the_news_tell_one_fact(milestones, tmp_path):
    milestones("import-ctgov", str(DATA / "ctgov_completed.json"))
    release = tmp_path / "release.txt"
    release.write_text(
        "BOSTON, April 22, 2021 -- In March 2019 Example Bio started a Phase 2/3 trial of exampumab "
        "in plaque psoriasis.\n"
    )
    milestones(
        "append",
        "--new-drug",
        "exampumab",
        "phase_started",
        "--date",
        "2019-03",
        "--phase",
        "2/3",
        "--source",
        str(release),
    )
    starts = [e for e in milestones.json("timeline", "exampumab") if e["type"] == "phase_started"]
    assert len(starts) == 1 and starts[0]["date"] == "2019-03-14"
    assert set(starts[0]["sources"]) == {"NCT09000001", str(release)}
