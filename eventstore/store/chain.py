"""The hash chain: each row's hash covers its canonical content and the previous row's
hash, so a row edited, deleted, reordered or forged behind the store's back breaks it."""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

GENESIS = "0" * 64


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def encode_data(data: Any) -> str:
    """The canonical text of an event's data column (or any JSON value): sorted keys, no
    spaces, UTF-8."""
    if type(data) is str:  # what the encoder returns for text, without its own dispatch
        return encode_basestring(data)
    return _CANONICAL.encode(data)


def _field(value: str | None) -> str:
    # Length-prefixed, so no two different rows encode alike; None differs from "".
    return "~" if value is None else f"{len(value)}:{value}"


def row_hash(
    previous: str,
    position: int,
    event_id: str,
    stream: str,
    version: int,
    type_: str,
    occurred: str | None,
    reported: str | None,
    recorded: str,
    data: str,
    retracts: str | None,
    idempotency_key: str | None,
) -> str:
    """sha256 over the previous hash and the row's stored columns, in a fixed order
    (numbers and the fixed-width time need no length prefix). Written out, not looped:
    verify hashes every row of the log."""
    content = (
        f"{position}|{version}|{recorded}|{len(event_id)}:{event_id}|{len(stream)}:{stream}|"
        f"{len(type_)}:{type_}|{_field(occurred)}|{_field(reported)}|{len(data)}:{data}|{_field(retracts)}|"
        f"{_field(idempotency_key)}"
    )
    return hashlib.sha256((previous + content).encode("utf-8", "surrogatepass")).hexdigest()
