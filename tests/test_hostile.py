"""Hostile input, driven by hypothesis: never a traceback, bad input exits 2 with one
line and leaves the store as it was; odd texts are stored literally and cannot break
table or CSV output."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from milestones_cli import cli

import eventstore
from eventstore import NewEvent
from eventstore.events import ATTRIBUTES

HOSTILE = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
NASTY_TEXT = [
    "'; DROP TABLE milestone_events; --",
    'say "hi"',
    "a;b;c",
    "\u202eevil\u202c",
    "\u200f\u05e9\u05dc\u05d5\u05dd",
    "\x1b[31mred\x1b[0m",
    "tab\tand\nnewline",
    "\x07bell",
    "=cmd|' /C calc'!A0",
    "\\N",
    "NULL",
    "%s %(x)s ?",
]


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'store.db'}"
    store = eventstore.open_store(url)
    store.initialize()
    store.append([NewEvent("toripalimab", "approved", "2018-12-17", {"agency": "NMPA", "pathway": "conditional"})])
    store.close()
    return url


def invoke(url, args, input=None):
    return CliRunner().invoke(cli, ["--db", url, *args], input=input)


def export(url) -> str:
    return invoke(url, ["export"]).stdout


def assert_refused_cleanly(result, url, before):
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    if result.exit_code != 0:
        assert result.exit_code == 2, (result.exit_code, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert export(url) == before


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(NASTY_TEXT)
    | st.text(min_size=3000, max_size=3000, alphabet="x"),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
line_keys = st.sampled_from(
    [
        "drug",
        "type",
        "date",
        "reported",
        "source",
        "quote",
        "id",
        "position",
        "hash",
        "retracts",
        "reason",
        "canonical",
        "colour",
        *ATTRIBUTES,
    ]
)


@st.composite
def bad_lines(draw):
    """A line that must be refused: broken JSON, a wrong type, an unknown field, a NUL
    byte, deep nesting, or an impossible value."""
    good = {"drug": "x", "type": "phase_started", "date": "2019", "phase": "1"}
    kind = draw(st.sampled_from(["json", "type", "field", "nul", "nesting", "value", "random"]))
    if kind == "json":
        return draw(st.sampled_from(['{"drug": ', "[1,", "nul", "{'a': 1}", '"just text"', "42"]))
    if kind == "type":
        return json.dumps(
            {
                **good,
                draw(st.sampled_from(["drug", "type", "date", "phase"])): draw(
                    st.one_of(
                        st.integers(),
                        st.lists(st.integers(), min_size=1),
                        st.booleans(),
                        st.dictionaries(st.text(max_size=3), st.integers(), min_size=1),
                    )
                ),
            }
        )
    if kind == "field":
        return json.dumps(
            {
                **good,
                draw(
                    st.text(min_size=1, max_size=10).filter(
                        lambda k: (
                            k not in ATTRIBUTES
                            and k not in good
                            and k
                            not in {
                                "source",
                                "quote",
                                "reported",
                                "idempotency_key",
                                "corrects",
                                "id",
                                "position",
                                "version",
                                "recorded",
                                "hash",
                            }
                        )
                    )
                ): 1,
            }
        )
    if kind == "nul":
        return json.dumps({**good, "drug": "a\x00b"})
    if kind == "nesting":
        depth = draw(st.integers(200, 50_000))
        return '{"drug": ' + "[" * depth + "]" * depth + "}"
    if kind == "value":
        return json.dumps(
            {
                **good,
                **draw(
                    st.sampled_from(
                        [
                            {"date": "2019-02-30"},
                            {"phase": "9"},
                            {"type": "approvedx"},
                            {"date": "2999"},
                            {"pathway": "full"},
                            {"drug": ""},
                        ]
                    )
                ),
            }
        )
    obj = draw(st.dictionaries(line_keys, json_values, min_size=1, max_size=6))
    obj["colour"] = "an unknown field makes any such line bad"
    return json.dumps(obj)


@HOSTILE
@given(st.lists(bad_lines(), min_size=1, max_size=3), st.integers(0, 3))
def test_a_bad_import_file_writes_nothing(seeded_url, tmp_path, bad, good_before):
    before = export(seeded_url)
    good = [
        json.dumps({"drug": "y", "type": "phase_started", "date": "2020", "phase": "2", "source": str(i)})
        for i in range(good_before)
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(good + bad) + "\n", encoding="utf-8", errors="surrogatepass")
    result = invoke(seeded_url, ["import", str(path)])
    assert result.exit_code == 2, result.stderr
    assert_refused_cleanly(result, seeded_url, before)


@HOSTILE
@given(st.binary(min_size=1, max_size=200))
def test_arbitrary_bytes_never_crash_import(seeded_url, tmp_path, raw):
    before = export(seeded_url)
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(raw)
    assert_refused_cleanly(invoke(seeded_url, ["import", str(path)]), seeded_url, before)


def test_invalid_utf8_is_refused(seeded_url, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"drug": "caf\xe9", "type": "launched", "date": "2019"}\n')
    result = invoke(seeded_url, ["import", str(path)])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


@HOSTILE
@given(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "Feb 30, 2019",
                "March 2018 2019",
                "Q0 2019",
                "H1",
                "32 December 2018",
                "2019-00",
                "0000",
                "99999",
                "second half",
                "Dec. 17, 20190",
            ]
        ),
    )
)
def test_any_date_string_appends_or_is_refused_cleanly(seeded_url, text):
    before = export(seeded_url)
    result = invoke(
        seeded_url, ["append", "--new-drug", "toripalimab", "phase_started", "--phase", "3", "--date", text]
    )
    assert_refused_cleanly(result, seeded_url, before)


COMMANDS = {
    "append": [
        "toripalimab",
        "approved",
        "--date",
        "--agency",
        "--phase",
        "--pathway",
        "--partner",
        "--expect-version",
        "--reported",
        "--indication",
    ],
    "timeline": ["toripalimab", "--as-of", "--known-at", "--recorded-by", "--format"],
    "status": ["toripalimab", "--as-of", "--known-at", "--format"],
    "events": ["--drug", "--type", "--agency", "--since", "--until", "--format"],
    "history": ["toripalimab", "--format"],
    "retract": ["--reason"],
    "correct": ["--date", "--reason", "--phase"],
    "alias": ["toripalimab"],
    "verify": ["--expect-head"],
    "drugs": ["--format"],
}
values = st.one_of(
    st.sampled_from(["2019", "2019-13", "json", "csv", "yaml", "-1", "3", "NMPA", "x" * 300, "", "--", "-"]),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=12),
)


@HOSTILE
@given(st.sampled_from(sorted(COMMANDS)), st.data())
def test_every_command_survives_hostile_options(seeded_url, command, data):
    tokens = data.draw(st.lists(st.one_of(st.sampled_from(COMMANDS[command]), values), max_size=6))
    before = export(seeded_url)
    result = invoke(seeded_url, [command, *tokens])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    # 1 only from verify given a well-formed head that is not on the chain
    assert result.exit_code in ((0, 1, 2, 3) if command == "verify" else (0, 2, 3)), (result.exit_code, result.stderr)
    if result.exit_code != 0:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert export(seeded_url) == before


@pytest.mark.parametrize("text", NASTY_TEXT)
def test_odd_texts_are_stored_literally_and_cannot_break_output(tmp_path, text):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    invoke(url, ["init"])
    name = f"drug {text}"
    result = invoke(
        url,
        [
            "append",
            "--new-drug",
            name,
            "approved",
            "--date",
            "2019-05",
            "--agency",
            "FDA",
            "--indication",
            text,
            "--quote",
            text,
            "--source",
            text,
        ],
    )
    assert result.exit_code == 0, result.stderr
    normalised = " ".join(text.split())  # names and texts have their whitespace folded
    [event] = json.loads(invoke(url, ["timeline", name, "--format", "json"]).stdout)
    assert (event["drug"], event["indication"], event["quote"]) == (f"drug {normalised}", normalised, normalised)
    table = invoke(url, ["timeline", name]).stdout
    assert not any(ch in table for ch in "\x1b\x07\u202e\u200f\t"), table
    assert len(table.splitlines()) == 3  # header, rule, one row: nothing split a row
    rows = list(csv.reader(io.StringIO(invoke(url, ["events", "--format", "csv"]).stdout)))
    assert len(rows) == 2 and len(rows[1]) == len(rows[0])
    history = invoke(url, ["status", "--format", "csv"]).stdout
    assert len(list(csv.reader(io.StringIO(history)))) == 2


DATE_OPTIONS = [  # every option that takes a date or an instant, with the command around it
    ["timeline", "toripalimab", "--as-of"],
    ["timeline", "toripalimab", "--known-at"],
    ["timeline", "toripalimab", "--recorded-by"],
    ["status", "toripalimab", "--as-of"],
    ["status", "toripalimab", "--recorded-by"],
    ["events", "--since"],
    ["events", "--until"],
    ["changes", "--since"],
    ["calendar", "--from"],
    ["calendar", "--to"],
    ["calendar", "--as-of"],
    ["extract", "-", "--published"],
    ["expect", "toripalimab", "approved", "--agency", "FDA", "--window"],
    ["append", "toripalimab", "phase_started", "--phase", "3", "--date"],
    ["append", "toripalimab", "phase_started", "--phase", "3", "--date", "2019", "--reported"],
]
extreme_instants = st.builds(
    lambda moment, offset, form: form.format(m=moment, o=offset, d=moment.date()),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.sampled_from(["+05:00", "-05:00", "+14:00", "-12:00", "Z", ""]),
    st.sampled_from(["{m:%Y-%m-%dT%H:%M:%S}{o}", "{d}", "{d:%Y}", "{d:%Y-%m}", "{d:%Y}-Q4", "{d:%Y}-H1"]),
)


@HOSTILE
@given(
    st.sampled_from(DATE_OPTIONS),
    st.one_of(
        extreme_instants,
        st.sampled_from(
            [
                "0001-01-01T00:00:00+05:00",
                "9999-12-31T23:59:59-05:00",
                "0001-01-01",
                "9999-12-31",
                "10000-01-01",
                "0000-01-01",
                "9999-Q4",
                "0001-H1",
            ]
        ),
    ),
)
def test_every_date_and_instant_option_takes_extreme_values_or_refuses_them_in_one_line(seeded_url, option, value):
    before = export(seeded_url)
    result = invoke(seeded_url, [*option, value], input="The FDA approved toripalimab today.\n")
    assert "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (0, 2), (option, value, result.stderr)
    if result.exit_code:
        assert_refused_cleanly(result, seeded_url, before)
