"""JSON Lines parsing: the content key of a plain object, and the cached encoding of a
fact's data."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from eventstore.jsonl import content_text, parse_object
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
