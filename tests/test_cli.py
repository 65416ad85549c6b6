"""The command line through CliRunner: the founding scenario on every backend, the
output formats, and bad input for every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from milestones_cli import cli

SEEDS = Path(__file__).parent.parent / "seeds" / "founding-events.jsonl"


class Milestones:
    def __init__(self, url: str):
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0, input: str | None = None):
        result = self.runner.invoke(cli, ["--db", self.url, *args], input=input)
        assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
        assert "Traceback" not in result.stderr
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def milestones(store_url):
    run = Milestones(store_url)
    run("init")
    return run


@pytest.fixture
def seeded(milestones):
    milestones("import", str(SEEDS))
    return milestones


def test_the_founding_scenario(seeded):
    june = seeded.json("status", "toripalimab", "--as-of", "2018-06-30")
    [nmpa] = june["regulatory"]
    assert (nmpa["agency"], nmpa["state"], nmpa["certain"]) == ("NMPA", "accepted", True)
    assert june["highest_phase"] == "filed"

    march = seeded.json("status", "toripalimab", "--as-of", "2018-03-15")
    assert [(e["state"], e["certain"]) for e in march["regulatory"]] == [("accepted", False)]

    new_year = seeded.json("status", "toripalimab", "--as-of", "2019-01-01")
    [approval] = new_year["regulatory"]
    assert (approval["state"], approval["pathway"], approval["agency"], approval["date"]) == (
        "approved",
        "conditional",
        "NMPA",
        "2018-12-17",
    )

    assert seeded.json("status", "APG-1387", "--as-of", "2019-04-08")["partners"] == []
    assert "Shanghai Junshi Biosciences" in seeded.json("status", "APG-1387", "--as-of", "2019-04-09")["partners"]

    known = seeded.json("status", "--known-at", "2019-01-01")
    assert {s["drug"] for s in known} == {"toripalimab", "APG-1387"}
    assert all(s["last_event"] is None and s["regulatory"] == [] for s in known)
    assert seeded.json("timeline", "toripalimab", "--known-at", "2019-01-01") == []


def test_append_prints_the_id_alone_and_history_export_verify_follow(milestones):
    result = milestones(
        "append",
        "--new-drug",
        "toripalimab",
        "approved",
        "--date",
        "2018-12-17",
        "--agency",
        "NMPA",
        "--pathway",
        "conditional",
        "--indication",
        "unresectable or metastatic melanoma",
        "--reported",
        "2019-04-09",
        "--source",
        "https://example.org/release",
    )
    event_id = result.stdout.strip()
    assert len(event_id) == 36 and "\n" not in event_id
    [row] = milestones.json("history")
    assert (row["id"], row["position"], row["version"]) == (event_id, 1, 1) and row["recorded"]
    [exported] = [json.loads(line) for line in milestones("export").stdout.splitlines()]
    assert exported["pathway"] == "conditional" and exported["hash"] == row["hash"]
    verified = milestones("verify").stdout
    assert "sound" in verified and row["hash"] in verified


def test_timeline_in_words_and_precision(seeded):
    rows = seeded.json("timeline", "JS001")
    assert [r["date"] for r in rows] == [None, "2018-03", "2018-12-17", "2019-04-09"]
    table = seeded("timeline", "toripalimab").stdout
    assert "NDA accepted (NMPA)" in table and "Conditional approval (NMPA)" in table and "2018-03 " in table
    csv_lines = seeded("timeline", "toripalimab", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "date,milestone,certain,source,id" and len(csv_lines) == 5


def test_pipeline_and_events(seeded):
    table = seeded("status").stdout
    assert "toripalimab" in table and "NMPA conditional" in table
    approvals = seeded.json("events", "--type", "approved", "--agency", "nmpa")
    assert [e["drug"] for e in approvals] == ["toripalimab"]
    in_2018 = seeded.json("events", "--since", "2018", "--until", "2018-06")
    assert [e["type"] for e in in_2018] == ["filing_accepted"]


def test_retract_and_correct(seeded):
    accepted = seeded.json("events", "--type", "filing_accepted")[0]["id"]
    new_id = seeded("correct", accepted, "--date", "2018-03-12", "--reason", "day from the filing").stdout.strip()
    timeline = seeded.json("timeline", "toripalimab")
    assert "2018-03-12" in [r["date"] for r in timeline] and "2018-03" not in [r["date"] for r in timeline]
    history = seeded.json("history", "toripalimab")
    assert [h["type"] for h in history].count("retraction") == 1
    assert any(h["id"] == accepted for h in history)
    seeded("retract", new_id, "--reason", "not accepted after all")
    assert all(r["type"] != "filing_accepted" for r in seeded.json("timeline", "toripalimab"))
    assert seeded("verify").exit_code == 0


def test_importing_twice_changes_nothing_and_export_round_trips(seeded, tmp_path):
    before = seeded("export").stdout
    seeded("import", str(SEEDS))
    assert seeded("export").stdout == before
    dump = tmp_path / "dump.jsonl"
    dump.write_text(before)
    other = Milestones(f"sqlite:///{tmp_path / 'other.db'}")
    other("init")
    other("import", str(dump))
    other("import", str(dump))
    strip = ("recorded", "hash", "position", "version")
    lines = [
        {k: v for k, v in json.loads(line).items() if k not in strip} for line in other("export").stdout.splitlines()
    ]
    assert lines == [{k: v for k, v in json.loads(line).items() if k not in strip} for line in before.splitlines()]


def test_stale_expect_version_exits_3(milestones):
    milestones("append", "--new-drug", "x", "phase_started", "--date", "2019", "--phase", "1", "--expect-version", "0")
    result = milestones(
        "append", "--new-drug", "x", "phase_started", "--date", "2020", "--phase", "2", "--expect-version", "0", code=3
    )
    assert "version 1, not 0" in result.stderr


BAD_INPUT = [
    (["append", "x", "approved", "--date", "2019-02-30"], "no day 30"),
    (["append", "x", "approved", "--date", "2999-01-01", "--agency", "FDA", "--new-drug"], "has not happened"),
    (["append", "toripalmab", "phase_started", "--date", "2020", "--phase", "3"], "did you mean toripalimab?"),
    (["append", "toripalimab", "approved", "--date", "2020"], "needs --agency"),
    (["append", "x", "approvedx", "--date", "2019"], "approvedx"),
    (["append", "x", "approved", "--date", "2019", "--phase", "3"], "phase does not belong"),
    (["append", "x", "approved", "--date", "2019", "--pathway", "sideways"], "pathway"),
    (["append", "x", "approved"], "--date"),
    (["history", "nothing"], "unknown drug"),
    (["timeline", "nothing"], "unknown drug"),
    (["timeline", "torypalimab"], "did you mean toripalimab?"),
    (["status", "nothing"], "unknown drug"),
    (["status", "toripalimab", "--as-of", "2019-13"], "no month 13"),
    (["timeline", "toripalimab", "--recorded-by", "yesterday"], "not a date"),
    (["events", "--type", "nonsense"], "unknown event type"),
    (["events", "--since", "soon"], "not a date"),
    (["retract", "00000000-0000-4000-8000-000000000000", "--reason", "x"], "no event"),
    (["correct", "00000000-0000-4000-8000-000000000000", "--date", "2019"], "no event"),
    (["alias", "toripalimab", "toripalimab"], "itself"),
    (["verify", "--frobnicate"], "no such option"),
    (["import", "/nonexistent/file.jsonl"], "cannot read"),
]


@pytest.mark.parametrize("args, message", BAD_INPUT, ids=[" ".join(a[:2]) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(seeded, args, message):
    before = seeded("export").stdout
    result = seeded(*args, code=2)
    assert len(result.stderr.strip().splitlines()) == 1
    assert message.lower() in result.stderr.lower()
    assert seeded("export").stdout == before


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json\n", "not JSON"),
        ('{"drug": "x", "type": "approved", "date": "2019", "colour": "red"}\n', "unknown field"),
        ('{"drug": "x", "type": "approved", "date": 2019}\n', "must be text"),
        ("[1, 2]\n", "JSON object"),
        ('{"drug": "x", "type": "phase_started", "date": "2019", "phase": "1"}\n{"drug": "y"}\n', ":2:"),
    ],
)
def test_a_malformed_import_writes_nothing(seeded, tmp_path, content, message):
    before = seeded("export").stdout
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    result = seeded("import", str(path), code=2)
    assert message.lower() in result.stderr.lower()
    assert seeded("export").stdout == before


def test_an_edited_export_is_refused(seeded, tmp_path):
    lines = seeded("export").stdout.splitlines()
    edited = json.loads(lines[2])
    edited["date"] = "2018-11-30"
    lines[2] = json.dumps(edited)
    path = tmp_path / "edited.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert "edited" in seeded("import", str(path), code=2).stderr


def test_no_store_and_unreachable_store(tmp_path):
    missing = Milestones(str(tmp_path / "missing.db"))
    assert "milestones init" in missing("history", code=2).stderr
    assert not (tmp_path / "missing.db").exists()
    unwritable = Milestones(str(tmp_path / "no" / "such" / "folder" / "x.db"))
    assert "does not exist" in unwritable("init", code=2).stderr
    unreachable = Milestones("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert "cannot use the store" in unreachable("history", code=2).stderr


def test_verify_exits_1_on_a_fault(milestones):
    from sqlalchemy import text

    from eventstore import open_store

    milestones("append", "--new-drug", "x", "phase_started", "--date", "2019", "--phase", "1")
    store = open_store(milestones.url)
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER milestone_events_no_update"))
        else:
            conn.execute(text("DROP TRIGGER milestone_events_no_change ON milestone_events"))
        conn.execute(text("UPDATE milestone_events SET occurred = '2018'"))
    store.close()
    result = milestones("verify", code=1)
    assert "first bad position 1" in result.stderr


def test_a_failure_to_refresh_the_projection_is_reported_unless_the_role_may_not(seeded, monkeypatch):
    from eventstore import projection
    from eventstore.errors import AccessDenied, StoreUnavailable

    def lost(store):
        raise StoreUnavailable("lost the connection to the store")

    monkeypatch.setattr(projection, "catch_up", lost)
    result = seeded("append", "toripalimab", "phase_started", "--date", "2019", "--phase", "3", code=2)
    assert "lost the connection" in result.stderr

    def denied(store):
        raise AccessDenied("the database refused: permission denied for table milestone_drug_status")

    monkeypatch.setattr(projection, "catch_up", denied)
    seeded("append", "toripalimab", "phase_started", "--date", "2020", "--phase", "3")


def test_no_output_shows_none_or_a_python_repr(seeded, tmp_path):
    release = tmp_path / "release.txt"
    release.write_text(
        "Toripalimab approved\n\nSHANGHAI, April 22, 2021 -- The NMPA approved toripalimab today. The "
        "company plans to submit a BLA to the FDA in the second half of 2021.\n"
    )
    seeded("ingest", str(release), "--yes", "--min-confidence", "0")
    seeded("expect", "toripalimab", "approved", "--window", "2027-H1", "--agency", "FDA")
    seeded("watch", "add", "toripalimab")
    outputs = []
    for args in (
        ["history"],
        ["timeline", "toripalimab"],
        ["status", "toripalimab"],
        ["status"],
        ["events"],
        ["drugs"],
        ["calendar"],
        ["changes", "--since", "2020-01-01"],
        ["watch", "list"],
        ["verify"],
        ["extract", str(release)],
        ["ingest", str(release), "--dry-run"],
    ):
        for fmt in ([], ["--format", "csv"]) if args[0] in ("history", "status", "events", "calendar") else ([],):
            result = seeded(*args, *fmt)
            outputs.append(result.stdout + result.stderr)
    text = "\n".join(outputs)
    assert "toripalimab" in text
    for leak in ("None", "{'", "['", "<eventstore", "object at 0x"):
        assert leak not in text, leak


def test_without_db_the_store_is_a_file_in_the_users_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("MILESTONES_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "data" / "milestones" / "milestones.db").is_file()
