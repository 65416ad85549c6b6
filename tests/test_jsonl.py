"""JSON Lines parsing: the content key of a plain object, the cached encoding of a
fact's data, and parsing in forked workers."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventstore import InvalidEvent, NewEvent, open_store
from eventstore.errors import MilestonesError
from eventstore.jsonl import PARSE_BATCH, content_text, export_lines, iter_lines, parse_object
from eventstore.store.chain import encode_data

names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(str.strip)


@given(
    names,
    names,
    st.sampled_from(["2019", "2019-03", "2019-03-04", "unknown", "2020-Q3"]),
    st.sampled_from(["phase_started", "approved", "discontinued"]),
)
def test_the_content_key_text_is_the_canonical_encoding_of_the_fact(drug, indication, when, kind):
    obj = {"drug": drug, "type": kind, "date": when, "indication": indication, "source": "https://example.org/a"}
    if kind == "approved":
        obj["agency"] = "FDA"
    fact = parse_object(obj)
    assert content_text(fact) == encode_data(
        {"drug": fact.stream, "type": fact.type, "date": fact.occurred.to_json(), "data": fact.data}
    )


def test_the_encoded_data_follows_a_replaced_data_dict():
    fact = parse_object({"drug": "a", "type": "phase_started", "date": "2019", "phase": "1"})
    assert fact.encoded_data() == encode_data(fact.data)
    fact.data = {"canonical": "b"}
    assert fact.encoded_data() == '{"canonical":"b"}'


@given(
    names,
    names,
    st.sampled_from(["2019", "2019-03", "2019-03-04", "unknown", "2020-Q3", "2021-H2"]),
    st.sampled_from(["event", "retraction", "alias", "watch", "expectation", "rejection"]),
    st.booleans(),
)
def test_a_fact_crosses_between_processes_unchanged(drug, indication, when, kind, with_id):
    obj = {
        "event": {"type": "approved", "date": when, "agency": "FDA", "indication": indication, "reported": "2022"},
        "retraction": {"type": "retraction", "retracts": "0" * 8 + "-0000-7000-8000-" + "0" * 12, "reason": indication},
        "alias": {"type": "alias", "canonical": indication},
        "watch": {"type": "watch", "target": "indication", "value": indication, "action": "add"},
        "expectation": {"type": "expectation", "expects": "approved", "window": "2030-H1", "agency": "EMA"},
        "rejection": {"type": "rejection", "proposed_drug": drug, "rejects": "approved", "source": "https://e.org/"},
    }[kind]
    obj["drug"] = drug
    if with_id:
        obj["id"] = "0190c0de-0000-7000-8000-00000000000a"
    fact = parse_object(obj)
    fact.origin = "file.jsonl:3"
    back = pickle.loads(pickle.dumps(fact))
    assert back == fact and back.origin == fact.origin
    assert back.encoded_data() == fact.encoded_data() == encode_data(back.data)


def _export_lines(tmp_path, count: int) -> list[str]:
    store = open_store(tmp_path / "export.db")
    store.initialize()
    store.append([NewEvent(f"drug-{i % 13}", "phase_started", "2019-05", {"phase": "2"}) for i in range(count)])
    return list(export_lines(store.read_from(1)))


def test_workers_parse_a_long_file_as_one_process_does(tmp_path):
    lines = _export_lines(tmp_path, 2 * PARSE_BATCH + 17)
    lines[5:5] = ["", '{"drug": "x", "type": "phase_started", "date": "2020", "phase": "1"}']
    alone = list(iter_lines(lines, "f"))
    forked = list(iter_lines(lines, "f", workers=2))
    assert len(forked) == 2 * PARSE_BATCH + 18
    assert forked == alone
    assert [f.origin for f in forked] == [f.origin for f in alone]


def test_workers_check_the_chain_across_their_batches_and_report_lines_in_order(tmp_path):
    lines = _export_lines(tmp_path, 2 * PARSE_BATCH + 5)
    # The first line of the second batch edited: only the line before it, parsed by
    # another process, shows that its hash no longer matches.
    edited = lines.copy()
    edited[PARSE_BATCH] = edited[PARSE_BATCH].replace('"phase": "2"', '"phase": "3"')
    with pytest.raises(MilestonesError, match=f"f:{PARSE_BATCH + 1}: hash does not match"):
        list(iter_lines(edited, "f", workers=2))
    broken = lines.copy()
    broken[PARSE_BATCH + 3] = "{not json"
    broken[2 * PARSE_BATCH + 2] = "[]"
    with pytest.raises(InvalidEvent, match=f"f:{PARSE_BATCH + 4}: not JSON"):
        list(iter_lines(broken, "f", workers=2))
