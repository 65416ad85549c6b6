"""Event types, their attributes and vocabularies (../shared/corpus/SCHEMA.md), and the
two shapes of an event: one proposed for appending, and one the store has recorded."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .dates import PartialDate, format_instant, today_utc
from .errors import InvalidDate, InvalidEvent
from .event_types import EVENT_TYPES, REGULATORY, names_where

PHASES = ("1", "1b", "1/2", "2", "2a", "2b", "2/3", "3", "4")
PATHWAYS = ("full", "conditional", "accelerated")
DESIGNATIONS = ("priority_review", "breakthrough", "orphan", "fast_track", "prime", "rmat", "rare_pediatric_disease")
TEXT_ATTRIBUTES = ("phase", "agency", "application", "pathway", "designation", "indication")
LIST_ATTRIBUTES = ("partners", "region")
ATTRIBUTES = TEXT_ATTRIBUTES + LIST_ATTRIBUTES

# Regulatory filings and decisions: a person recording one names the regulator (or says it
# is unknown), since the same milestone before two agencies is two milestones.
AGENCY_REQUIRED = names_where(group=REGULATORY)
UNKNOWN_AGENCY = "unknown"

# Facts the store keeps in the same log beside milestones.
RETRACTION = "retraction"
ALIAS = "alias"
EXPECTATION = "expectation"
WATCH = "watch"
# A proposal from the news that a person rejected: not proposed again from that source.
REJECTION = "rejection"
# Watchlist entries and rejected proposals live in streams no drug can have: names never
# start with a space.
WATCHLIST_STREAM = " watchlist"
REJECTIONS_STREAM = " rejections"

_VOCABULARIES = {"phase": PHASES, "pathway": PATHWAYS, "designation": DESIGNATIONS}
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,15}")
MAX_TEXT = 2000
MAX_NAME = 200


def _clean_text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise InvalidEvent(f"{what} must be text, not {type(value).__name__}")
    text = " ".join(value.split())
    if not text:
        raise InvalidEvent(f"{what} is empty")
    if "\x00" in text:
        raise InvalidEvent(f"{what} contains a NUL character")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidEvent(f"{what} is not valid Unicode text (a lone surrogate)") from None
    if len(text) > limit:
        raise InvalidEvent(f"{what} is longer than {limit} characters")
    return text


def clean_drug_name(value: Any) -> str:
    return _clean_text(value, "the drug name", MAX_NAME)


def _clean_attribute(name: str, value: Any) -> str | list[str]:
    if name in LIST_ATTRIBUTES:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not items:
            raise InvalidEvent(f"{name} must be a non-empty list of names")
        cleaned = [_clean_text(item, f"an entry of {name}", MAX_NAME) for item in items]
        return list(dict.fromkeys(cleaned))
    text = _clean_text(value, name, MAX_TEXT)
    vocabulary = _VOCABULARIES.get(name)
    if vocabulary is not None:
        text = text.lower().removeprefix("phase ").strip()
        if text not in vocabulary:
            raise InvalidEvent(f"{name} {value!r} is not one of: {', '.join(vocabulary)}")
    elif name in ("agency", "application"):
        if not _CODE.fullmatch(text):
            raise InvalidEvent(f"{name} {value!r} is not a short code such as FDA, NMPA, NDA or sBLA")
        if name == "agency":
            text = text.upper()
    return text


@dataclass(frozen=True)
class NewEvent:
    """A milestone proposed for appending, checked against the vocabulary on creation."""

    drug: str
    type: str
    date: PartialDate = field(default_factory=PartialDate.unknown)
    attributes: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    quote: str | None = None
    reported: PartialDate = field(default_factory=PartialDate.unknown)
    idempotency_key: str | None = None
    note: str | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "drug", clean_drug_name(self.drug))
        if self.type not in EVENT_TYPES:
            raise InvalidEvent(f"unknown event type {self.type!r}; known types: {', '.join(EVENT_TYPES)}")
        set_(self, "date", PartialDate.parse(self.date))
        set_(self, "reported", PartialDate.parse(self.reported))
        if not isinstance(self.attributes, dict):
            raise InvalidEvent("attributes must be a mapping of attribute names to values")
        allowed = EVENT_TYPES[self.type].attributes
        cleaned = {}
        for name, value in self.attributes.items():
            if value is None or value == [] or value == "":
                continue
            if name not in ATTRIBUTES:
                raise InvalidEvent(f"unknown attribute {name!r}; attributes are: {', '.join(ATTRIBUTES)}")
            if name not in allowed:
                raise InvalidEvent(
                    f"{name} does not belong to a {self.type} event (it takes: {', '.join(sorted(allowed))})"
                )
            cleaned[name] = _clean_attribute(name, value)
        set_(self, "attributes", dict(sorted(cleaned.items())))
        for name in ("source", "quote", "note", "idempotency_key"):
            value = getattr(self, name)
            if value is not None:
                set_(self, name, _clean_text(value, name, MAX_TEXT if name != "idempotency_key" else MAX_NAME))

    def check_not_future(self, today: dt.date | None = None) -> None:
        """The world's dates cannot lie ahead: a future milestone is an expectation."""
        today = today or today_utc()
        if self.date.is_known and self.date.start > today:
            raise InvalidDate(
                f"{self.drug} {self.type} on {self.date} has not happened yet (today is "
                f"{today}); record what is expected with `milestones expect`"
            )
        if self.reported.is_known and self.reported.start > today:
            raise InvalidDate(f"the reported date {self.reported} lies in the future (today is {today})")
        if self.date.is_known and self.reported.is_known and self.date.start > self.reported.end:
            raise InvalidDate(f"{self.drug} {self.type} on {self.date} is dated after its report ({self.reported})")

    def data(self) -> dict[str, Any]:
        """What the store keeps of the event beyond its indexed columns."""
        data: dict[str, Any] = {"attributes": self.attributes}
        if self.source is not None:
            data["source"] = self.source
        if self.quote is not None:
            data["quote"] = self.quote
        if self.note is not None:
            data["note"] = self.note
        return data


_KINDS = {RETRACTION: "retraction", ALIAS: "alias", EXPECTATION: "expectation", WATCH: "watch", REJECTION: "rejection"}
NOT_MILESTONES = frozenset(_KINDS)  # the types of the facts the log keeps beside milestones


@dataclass(frozen=True)
class RecordedEvent:
    """A fact as the store recorded it: a milestone, a retraction or an alias."""

    id: str
    position: int
    stream: str
    version: int
    type: str
    date: PartialDate
    reported: PartialDate
    recorded: datetime
    data: dict[str, Any]
    retracts: str | None
    idempotency_key: str | None
    hash: str

    @classmethod
    def from_row(
        cls,
        id: str,
        position: int,
        stream: str,
        version: int,
        type: str,
        date: PartialDate,
        reported: PartialDate,
        recorded: datetime,
        data: dict[str, Any],
        retracts: str | None,
        idempotency_key: str | None,
        hash: str,
    ) -> RecordedEvent:
        """The same event as the constructor makes, made a third faster: a frozen
        dataclass sets each field through object.__setattr__, and the log is read a
        million rows at a time."""
        event = object.__new__(cls)
        event.__dict__.update(
            id=id,
            position=position,
            stream=stream,
            version=version,
            type=type,
            date=date,
            reported=reported,
            recorded=recorded,
            data=data,
            retracts=retracts,
            idempotency_key=idempotency_key,
            hash=hash,
        )
        return event

    @property
    def kind(self) -> str:
        return _KINDS.get(self.type, "event")

    @property
    def attributes(self) -> dict[str, Any]:
        return self.data.get("attributes", {})

    @property
    def source(self) -> str | None:
        return self.data.get("source")

    @property
    def quote(self) -> str | None:
        return self.data.get("quote")

    def to_json(self, with_store_fields: bool = True) -> dict[str, Any]:
        """The JSON form of PRODUCT.md: SCHEMA.md's fields, provenance, store fields."""
        out: dict[str, Any] = {}
        if with_store_fields:
            out.update(
                id=self.id,
                position=self.position,
                version=self.version,
                recorded=format_instant(self.recorded),
                hash=self.hash,
            )
        out.update(drug=self.stream, type=self.type)
        if self.kind == "event":
            out["date"] = self.date.to_json()
            out.update(self.attributes)
            for name in ("source", "quote", "note", "corrects"):
                if self.data.get(name) is not None:
                    out[name] = self.data[name]
            out["reported"] = self.reported.to_json()
        elif self.kind == "retraction":
            out.update(retracts=self.retracts, reason=self.data.get("reason"))
        elif self.kind == "expectation":
            out.update(expects=self.data["expects"], window=self.data["window"])
            out.update(self.attributes)
            out.update({k: self.data[k] for k in ("source", "quote", "reason") if self.data.get(k) is not None})
        elif self.kind in ("watch", "rejection"):
            if self.kind == "rejection":
                out["date"] = self.date.to_json()
            out.update(self.data)
        else:
            out["canonical"] = self.data["canonical"]
            if self.retracts is not None:
                out.update(retracts=self.retracts, reason=self.data.get("reason"))
        if self.idempotency_key is not None:
            out["idempotency_key"] = self.idempotency_key
        return out
