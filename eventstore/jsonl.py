"""JSON Lines in and out: the export form (with the store's fields) and plain event
objects with SCHEMA.md's field names (as `extract --format jsonl` prints them)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from .dates import parse_instant
from .errors import InvalidEvent, MilestonesError
from .events import (
    ALIAS,
    ATTRIBUTES,
    EXPECTATION,
    REJECTION,
    REJECTIONS_STREAM,
    RETRACTION,
    WATCH,
    WATCHLIST_STREAM,
    NewEvent,
    RecordedEvent,
    clean_drug_name,
)
from .expectations import NewExpectation, Window
from .store.base import PendingFact
from .store.chain import encode_data, row_hash
from .workers import forkable, forked_pool

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

STORE_FIELDS = {"id", "position", "version", "recorded", "hash"}
EVENT_FIELDS = {"drug", "type", "date", "source", "quote", "note", "reported", "idempotency_key", "corrects"} | set(
    ATTRIBUTES
)
RETRACTION_FIELDS = {"drug", "type", "retracts", "reason", "idempotency_key"}
ALIAS_FIELDS = {"drug", "type", "canonical", "retracts", "reason", "idempotency_key"}  # retracts: an alias undone
WATCH_FIELDS = {"drug", "type", "target", "value", "action", "idempotency_key"}
EXPECTATION_FIELDS = {"drug", "type", "expects", "window", "source", "quote", "reason", "idempotency_key"} | set(
    ATTRIBUTES
)
REJECTION_FIELDS = {
    "drug",
    "type",
    "date",
    "proposed_drug",
    "rejects",
    "source",
    "quote",
    "reason",
    "proposal_key",
    "idempotency_key",
}
# The fields a line of each type may have, the store's own included.
_FIELDS = {
    kind: fields | STORE_FIELDS
    for kind, fields in (
        (RETRACTION, RETRACTION_FIELDS),
        (ALIAS, ALIAS_FIELDS),
        (EXPECTATION, EXPECTATION_FIELDS),
        (WATCH, WATCH_FIELDS),
        (REJECTION, REJECTION_FIELDS),
    )
}
_EVENT_AND_STORE_FIELDS = EVENT_FIELDS | STORE_FIELDS
# A line of a review file (`ingest --review`): a proposed event, the reader's verdict, and
# what the extractor said of it.
REVIEW_FIELDS = {"review", "confidence", "reason"}
REVIEW_VERDICTS = ("accept", "reject")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HASH = re.compile(r"[0-9a-f]{64}")
MAX_LINE = 1_000_000


def export_lines(facts: Iterable[RecordedEvent]) -> Iterator[str]:
    for fact in facts:
        yield json.dumps(fact.to_json(), ensure_ascii=False)


def _raw(obj: dict[str, Any], name: str) -> Any:
    """A value as the line gives it, unchecked: the constructor it goes to checks it."""
    return obj.get(name)


def _text(obj: dict, name: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str):
        raise InvalidEvent(f"{name} must be text")
    return value


def decode_line(line: str) -> dict[str, Any]:
    if len(line) > MAX_LINE:
        raise InvalidEvent(f"line longer than {MAX_LINE} characters")
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError) as error:
        raise InvalidEvent(f"not JSON: {error}") from None
    if not isinstance(obj, dict):
        raise InvalidEvent("each line must be a JSON object")
    return obj


def parse_object(obj: dict[str, Any]) -> PendingFact:
    """One JSON object → a checked fact. Raises MilestonesError with the reason."""
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise InvalidEvent("type must be text")
    allowed = _FIELDS.get(kind, _EVENT_AND_STORE_FIELDS)
    if not allowed.issuperset(obj):
        unknown = sorted(set(obj) - allowed)
        raise InvalidEvent(f"unknown field(s) for a {kind!r} line: {', '.join(map(str, unknown))[:200]}")
    event_id = _store_fields(obj)
    key = obj.get("idempotency_key")
    if key is not None and not isinstance(key, str):
        raise InvalidEvent("idempotency_key must be text")
    if kind == RETRACTION:
        retracts = _text(obj, "retracts")
        if not _UUID.fullmatch(retracts):
            raise InvalidEvent("retracts must be an event id")
        reason = " ".join(_text(obj, "reason").split())
        if not reason:
            raise InvalidEvent("a retraction needs a reason")
        return PendingFact(
            stream=clean_drug_name(_raw(obj, "drug")),
            type=RETRACTION,
            data={"reason": reason},
            retracts=retracts,
            idempotency_key=key,
            id=event_id,
        )
    if kind == WATCH:
        target, action = obj.get("target"), obj.get("action")
        if target not in ("drug", "company", "indication") or action not in ("add", "remove"):
            raise InvalidEvent("a watch line needs target drug, company or indication, and action add or remove")
        return PendingFact(
            stream=WATCHLIST_STREAM,
            type=WATCH,
            idempotency_key=key,
            id=event_id,
            data={"target": target, "value": clean_drug_name(_raw(obj, "value")), "action": action},
        )
    if kind == REJECTION:
        return rejection_fact(
            _raw(obj, "proposed_drug"),
            _text(obj, "rejects"),
            _raw(obj, "date"),
            _raw(obj, "source"),
            _raw(obj, "quote"),
            _raw(obj, "reason"),
            obj.get("proposal_key"),
            key,
            event_id,
        )
    if kind == EXPECTATION:
        expectation = NewExpectation(
            _raw(obj, "drug"),
            _text(obj, "expects"),
            Window.parse(_text(obj, "window")),
            {name: obj[name] for name in ATTRIBUTES if name in obj},
            source=_raw(obj, "source"),
            quote=_raw(obj, "quote"),
            reason=_raw(obj, "reason"),
        )
        return PendingFact(
            stream=expectation.drug, type=EXPECTATION, data=expectation.data(), idempotency_key=key, id=event_id
        )
    if kind == ALIAS:
        data = {"canonical": clean_drug_name(_raw(obj, "canonical"))}
        retracts = _raw(obj, "retracts")
        if retracts is not None:
            if not isinstance(retracts, str) or not _UUID.fullmatch(retracts):
                raise InvalidEvent("retracts must be an event id")
            data["reason"] = " ".join(_text(obj, "reason").split())
        return PendingFact(
            stream=clean_drug_name(_raw(obj, "drug")),
            type=ALIAS,
            data=data,
            retracts=retracts,
            idempotency_key=key,
            id=event_id,
        )
    event = NewEvent(
        drug=_raw(obj, "drug"),
        type=kind,
        date=_raw(obj, "date"),
        attributes={name: obj[name] for name in ATTRIBUTES if name in obj},
        source=_raw(obj, "source"),
        quote=_raw(obj, "quote"),
        note=_raw(obj, "note"),
        reported=_raw(obj, "reported"),
        idempotency_key=key,
    )
    event.check_not_future()
    extra = {}
    if obj.get("corrects") is not None:
        extra["corrects"] = _text(obj, "corrects")
    fact = PendingFact.of(event, event.drug, event_id, **extra)
    if event_id is None and key is None:
        # A plain object carries no id: its content is its identity, so a second
        # import of the same file stores nothing new.
        fact.idempotency_key = (
            "import:" + hashlib.sha256(content_text(fact).encode("utf-8", "surrogatepass")).hexdigest()
        )
    return fact


def content_text(fact: PendingFact) -> str:
    """encode_data({"drug": …, "type": …, "date": …, "data": …}) of a fact, written out
    around the data's text the row encodes anyway (keys in sorted order)."""
    return (
        f'{{"data":{fact.encoded_data()},"date":{encode_data(fact.occurred.to_json())},'
        f'"drug":{encode_data(fact.stream)},"type":{encode_data(fact.type)}}}'
    )


def rejection_fact(
    drug: Any,
    rejects: str,
    when: Any,
    source: Any,
    quote: Any,
    reason: Any,
    proposal_key: Any = None,
    key: str | None = None,
    event_id: str | None = None,
) -> PendingFact:
    """A proposal a person rejected, checked: the drug as proposed, its type and date,
    where it came from, and why."""
    proposal = NewEvent(drug=drug, type=rejects, date=when, source=source, quote=quote, idempotency_key=proposal_key)
    if proposal.source is None:
        raise InvalidEvent("a rejection needs the source the proposal came from")
    reason = " ".join(reason.split()) if isinstance(reason, str) else ""
    data = {
        "proposed_drug": proposal.drug,
        "rejects": proposal.type,
        "source": proposal.source,
        "reason": reason or "rejected in review",
    }
    if proposal.quote is not None:
        data["quote"] = proposal.quote
    if proposal.idempotency_key is not None:
        data["proposal_key"] = proposal.idempotency_key
    return PendingFact(
        stream=REJECTIONS_STREAM,
        type=REJECTION,
        data=data,
        occurred=proposal.date,
        idempotency_key=key
        or (
            f"rejected:{proposal.idempotency_key}"
            if proposal.idempotency_key
            else f"rejected:{proposal.source}:{proposal.type}:{proposal.drug.casefold()}:{proposal.date}"
        ),
        id=event_id,
    )


def review_facts(obj: dict[str, Any]) -> list[PendingFact]:
    """A line of a review file → the facts it stands for: the event accepted (after a
    retraction of the event it refines, where it names one), or a rejection."""
    verdict = obj.get("review")
    if verdict not in REVIEW_VERDICTS:
        raise InvalidEvent(
            f"review must be one of: {', '.join(REVIEW_VERDICTS)} (not {verdict!r}); decide each "
            f"proposal before importing the file"
        )
    confidence = obj.get("confidence")
    if confidence is not None and (isinstance(confidence, bool) or not isinstance(confidence, (int, float))):
        raise InvalidEvent("confidence must be a number")
    event = {k: v for k, v in obj.items() if k not in REVIEW_FIELDS}
    if verdict == "reject":
        unknown = sorted(set(event) - EVENT_FIELDS)
        if unknown:
            raise InvalidEvent(f"unknown field(s) for a review line: {', '.join(map(str, unknown))[:200]}")
        return [
            rejection_fact(
                event.get("drug"),
                _text(event, "type"),
                event.get("date"),
                event.get("source"),
                event.get("quote"),
                _raw(obj, "reason"),
                event.get("idempotency_key"),
            )
        ]
    if _raw(obj, "reason") is not None:
        raise InvalidEvent("a reason goes with a rejected proposal only")
    fact = parse_object(event)
    corrects = fact.data.get("corrects")
    if corrects is None:
        return [fact]
    if not _UUID.fullmatch(corrects):
        raise InvalidEvent("corrects must be an event id")
    retraction = PendingFact(
        stream=fact.stream,
        type=RETRACTION,
        retracts=corrects,
        data={"reason": f"refined by {fact.data.get('source') or 'a review'}"},
        idempotency_key=f"{fact.idempotency_key}:retracts" if fact.idempotency_key else None,
    )
    return [retraction, fact]


def _store_fields(obj: dict[str, Any]) -> str | None:
    """Checks the store's own fields where they are given; returns the id."""
    event_id = obj.get("id")
    if event_id is not None and (not isinstance(event_id, str) or not _UUID.fullmatch(event_id)):
        raise InvalidEvent("id must be an event id (a UUID)")
    for name in ("position", "version"):
        value = obj.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise InvalidEvent(f"{name} must be a positive whole number")
    if obj.get("hash") is not None and not (isinstance(obj["hash"], str) and _HASH.fullmatch(obj["hash"])):
        raise InvalidEvent("hash must be 64 hexadecimal digits")
    if obj.get("recorded") is not None:
        try:
            parse_instant(_text(obj, "recorded"))
        except ValueError:
            raise InvalidEvent("recorded must be an ISO 8601 instant") from None
    return event_id


CHAIN_FIELDS = ("position", "hash", "recorded", "version", "id")


class ExportChain:
    """Where consecutive lines carry their positions and hashes, recompute the chain, so
    an export edited by hand is refused rather than imported. Fed one line at a time."""

    def __init__(self) -> None:
        self.previous: tuple[int, str] | None = None

    def follow(self, line: str) -> None:
        """Take the chain up after a line checked elsewhere (by another worker)."""
        try:
            obj = json.loads(line)
        except ValueError:
            obj = None  # that line's own check reports it
        if isinstance(obj, dict) and all(obj.get(k) is not None for k in CHAIN_FIELDS):
            self.previous = (obj["position"], obj["hash"])

    def check(self, obj: dict[str, Any], fact: PendingFact) -> None:
        if not all(obj.get(k) is not None for k in CHAIN_FIELDS):
            self.previous = None
            return
        if self.previous is not None and self.previous[0] == obj["position"] - 1:
            expected = row_hash(
                self.previous[1],
                obj["position"],
                obj["id"],
                obj["drug"],
                obj["version"],
                fact.type,
                fact.occurred.to_json(),
                fact.reported.to_json(),
                obj["recorded"],
                fact.encoded_data(),
                fact.retracts,
                fact.idempotency_key,
            )
            if expected != obj["hash"]:
                raise MilestonesError("hash does not match its content and the line before (the export was edited)")
        self.previous = (obj["position"], obj["hash"])


PARSE_BATCH = 2_000  # lines a worker parses at a time
PARSE_AHEAD = 4  # batches per worker parsed ahead of the caller at most: what bounds memory


def iter_lines(lines: Iterable[str], name: str = "-", workers: int = 0) -> Iterator[PendingFact]:
    """Parse lines as they come, each fact checked before it is yielded; a bad line
    raises with its number. An import that stores what this yields in one transaction
    stores nothing of a file with a bad line anywhere.
    With `workers`, a file longer than PARSE_BATCH lines is parsed by that many forked
    processes, a batch each at a time, while the caller stores what came before: facts
    and errors still come in the file's order, and memory holds a few batches."""
    numbered = enumerate(lines, 1)
    first = list(islice(numbered, PARSE_BATCH))
    yield from _parse_numbered(first, name)
    if len(first) < PARSE_BATCH:
        return
    if workers < 1 or not forkable():
        yield from _parse_numbered(numbered, name, _last_line(first))
        return
    with forked_pool(workers) as pool:
        ahead: deque[AsyncResult] = deque()
        previous = _last_line(first)
        while batch := list(islice(numbered, PARSE_BATCH)):
            ahead.append(pool.apply_async(_parse_batch, (batch, name, previous)))
            previous = _last_line(batch) or previous
            if len(ahead) >= workers * PARSE_AHEAD:
                yield from ahead.popleft().get()
        while ahead:
            yield from ahead.popleft().get()


def _last_line(numbered: list[tuple[int, str]]) -> str | None:
    return next((line for _, line in reversed(numbered) if line.strip()), None)


def _parse_batch(numbered: list[tuple[int, str]], name: str, previous: str | None) -> list[PendingFact]:
    return list(_parse_numbered(numbered, name, previous))


def _parse_numbered(
    numbered: Iterable[tuple[int, str]], name: str, previous: str | None = None
) -> Iterator[PendingFact]:
    """Parse numbered lines; `previous` is the line before the first, for the chain."""
    chain = ExportChain()
    if previous is not None:
        chain.follow(previous)
    for number, line in numbered:
        if not line.strip():
            continue
        try:
            obj = decode_line(line)
            facts = review_facts(obj) if "review" in obj else [parse_object(obj)]
            for fact in facts:
                chain.check(obj, fact)
        except MilestonesError as error:
            raise type(error)(f"{name}:{number}: {error}") from None
        for fact in facts:
            fact.origin = f"{name}:{number}"
            yield fact
