"""The hash chain: each row's hash covers its canonical content and the previous row's
hash, so a row edited, deleted, reordered or forged behind the store's back breaks it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def encode_data(data: dict[str, Any]) -> str:
    """The canonical text of an event's data column: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_hash(previous: str, position: int, event_id: str, stream: str, version: int, type_: str,
             occurred: str | None, reported: str | None, recorded: str, data: str,
             retracts: str | None, idempotency_key: str | None) -> str:
    """sha256 over the previous hash and the row's stored columns, in a fixed order."""
    content = json.dumps([position, event_id, stream, version, type_, occurred, reported, recorded, data,
                          retracts, idempotency_key], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + content).encode("utf-8", "surrogatepass")).hexdigest()
