"""What every backend of the event store provides. The conformance suite in
tests/conformance runs against each implementation."""

from __future__ import annotations

import abc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from ..aliases import AliasRegistry
from ..dates import PartialDate
from ..events import NewEvent, RecordedEvent
from .chain import encode_data


@dataclass(frozen=True)
class AppendResult:
    """The id an append gave (or, for a repeated idempotency key, the original's id)."""

    id: str
    position: int
    stream: str
    version: int
    created: bool


@dataclass
class PendingFact:
    """A fact checked and resolved to its stream, waiting for its position."""

    stream: str
    type: str
    data: dict[str, Any]
    occurred: PartialDate = field(default_factory=PartialDate.unknown)
    reported: PartialDate = field(default_factory=PartialDate.unknown)
    retracts: str | None = None
    idempotency_key: str | None = None
    id: str | None = None
    origin: str = ""  # where it was read ("export.jsonl:12"), for errors
    _encoded: tuple[dict[str, Any], str] | None = field(default=None, init=False, repr=False, compare=False)

    def encoded_data(self) -> str:
        """The canonical text of `data`, encoded once for as long as `data` is the same dict."""
        if self._encoded is None or self._encoded[0] is not self.data:
            self._encoded = (self.data, encode_data(self.data))
        return self._encoded[1]

    def __reduce__(self) -> tuple[Any, tuple]:
        # Facts parsed by a worker cross to the writer pickled: as text they cross several
        # times faster than as objects, and the writer reads back only what it needs.
        return _pending_fact, (
            self.stream,
            self.type,
            self.encoded_data(),
            self.occurred.to_json(),
            self.reported.to_json(),
            self.retracts,
            self.idempotency_key,
            self.id,
            self.origin,
        )

    def difference(self, stored: RecordedEvent) -> str:
        """The first stored field in which the fact differs from a stored one with its id."""
        for what, mine, theirs in (
            ("drug", self.stream, stored.stream),
            ("type", self.type, stored.type),
            ("date", self.occurred.to_json(), stored.date.to_json()),
            ("reported date", self.reported.to_json(), stored.reported.to_json()),
            ("content", self.encoded_data(), encode_data(stored.data)),
            ("retracted id", self.retracts, stored.retracts),
            ("idempotency key", self.idempotency_key, stored.idempotency_key),
        ):
            if mine != theirs:
                return f"{what}: {mine!r} here, {theirs!r} stored"
        return ""

    @classmethod
    def of(cls, event: NewEvent, stream: str, event_id: str | None = None, **extra_data) -> PendingFact:
        return cls(
            stream=stream,
            type=event.type,
            data={**event.data(), **extra_data},
            occurred=event.date,
            reported=event.reported,
            idempotency_key=event.idempotency_key,
            id=event_id,
        )


def _pending_fact(
    stream: str,
    type_: str,
    data: str,
    occurred: str | None,
    reported: str | None,
    retracts: str | None,
    idempotency_key: str | None,
    id_: str | None,
    origin: str,
) -> PendingFact:
    """A fact from its pickled form (PendingFact.__reduce__): checked when it was parsed."""
    fact = PendingFact(
        stream,
        type_,
        json.loads(data),
        PartialDate.parse(occurred),
        PartialDate.parse(reported),
        retracts,
        idempotency_key,
        id_,
        origin,
    )
    fact._encoded = (fact.data, data)
    return fact


@dataclass
class ImportCount:
    """What an import did: facts stored, and facts the store held already."""

    stored: int = 0
    present: int = 0


@dataclass
class VerifyReport:
    events: int = 0
    head_position: int = 0
    head_hash: str | None = None
    faults: list[tuple[int, str]] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.faults

    @property
    def first_fault(self) -> tuple[int, str] | None:
        return min(self.faults) if self.faults else None


T = TypeVar("T")

# A drug's status from its facts: (status JSON, the first day it could change by itself as
# a day ordinal). The projection stores what the fold gives; the fold itself is domain code.
Fold = Callable[[str, list[RecordedEvent]], tuple[dict[str, Any], int]]


class StatusProjection(abc.ABC):
    """The persisted status of every drug: rows derived from the log up to a checkpoint
    (a global position), replaced at will."""

    @abc.abstractmethod
    def checkpoint(self) -> int:
        """The last position the rows take in."""

    @abc.abstractmethod
    def load(self, drugs: Sequence[str] | None = None) -> dict[str, tuple[dict[str, Any], int]]:
        """drug → (status JSON, certain-until day ordinal), for the given drugs or all."""

    @abc.abstractmethod
    def catch_up(self, fold: Fold) -> int:
        """Refold the drugs the facts past the checkpoint touch and move it to the head,
        in one transaction; returns how many facts that was."""

    @abc.abstractmethod
    def rebuild(self, fold: Fold, processes: int | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Replace every row by a fold of the whole log; returns how many drugs. The fold
        may run in `processes` processes (None: as many as pay for the store's size);
        `progress` hears how many more rows are written, as they are."""


class EventStore(abc.ABC):
    """An append-only log of drug-milestone facts, one stream per drug name. Everything
    outside the store package uses a store through this interface; the conformance
    suite runs it against each implementation."""

    @property
    @abc.abstractmethod
    def display_url(self) -> str:
        """Where the store is, without its password."""

    @abc.abstractmethod
    def initialize(self) -> None:
        """Create the store; calling it again changes nothing."""

    @abc.abstractmethod
    def append(
        self,
        events: Sequence[NewEvent],
        expected_versions: Mapping[str, int] | None = None,
    ) -> list[AppendResult]:
        """Append a batch atomically. `expected_versions` maps drug names to the stream
        version the caller last saw (0: a new stream); a stale one raises
        ConcurrencyError and writes nothing. An idempotency key seen before yields the
        original event's id and stores nothing new."""

    @abc.abstractmethod
    def retract(self, event_id: str, reason: str) -> AppendResult:
        """Append a retraction of an event, with the reason."""

    @abc.abstractmethod
    def add_alias(self, name: str, canonical: str, merge: bool = False, move: bool = False) -> AppendResult:
        """Record that `name` is another name of `canonical`; merging two drugs that both
        have milestones needs `merge`, and moving a name from another drug `move`."""

    @abc.abstractmethod
    def aliases(self, recorded_by: datetime | None = None) -> AliasRegistry:
        """The alias registry as it stood at `recorded_by` (default: now)."""

    @abc.abstractmethod
    def read_drug(self, drug: str, recorded_by: datetime | None = None) -> list[RecordedEvent]:
        """Every milestone and retraction of the drug under any of its names, in position
        order. Raises UnknownDrug for a name the store has never seen."""

    @abc.abstractmethod
    def read_from(self, position: int = 1, limit: int | None = None) -> Iterator[RecordedEvent]:
        """Every fact from a global position onward, in position order."""

    @abc.abstractmethod
    def get(self, event_id: str) -> RecordedEvent:
        """One fact by id; UnknownEvent when there is none."""

    @abc.abstractmethod
    def stream_version(self, drug: str) -> int:
        """The version of the drug's own stream (0 when it has none)."""

    @abc.abstractmethod
    def verify(self, expect_head: str | None = None) -> VerifyReport:
        """Check the hash chain and the log's invariants, row by row."""

    @abc.abstractmethod
    def correct(self, event_id: str, reason: str, replacement: NewEvent) -> list[AppendResult]:
        """Retract an event and append its replacement, linked, in one transaction."""

    @abc.abstractmethod
    def expect(self, drug: str, data: dict[str, Any]) -> AppendResult:
        """Record an expected milestone (a checked NewExpectation's data)."""

    @abc.abstractmethod
    def watch(self, target: str, value: str, action: str = "add") -> AppendResult:
        """Add or remove a watchlist entry: a drug, a company or an indication."""

    @abc.abstractmethod
    def import_facts(self, facts: Sequence[PendingFact]) -> list[bool]:
        """Append checked facts in one transaction; per fact, whether it was stored
        (False: the store held it already). A fact with an id keeps it."""

    @abc.abstractmethod
    def import_stream(
        self, facts: Iterable[PendingFact], progress: Callable[[ImportCount], None] | None = None
    ) -> ImportCount:
        """Append facts as an iterable yields them, in bounded memory and one transaction:
        an error anywhere stores nothing."""

    @abc.abstractmethod
    def canonical_name(self, name: str, recorded_by: datetime | None = None) -> str:
        """The drug a name stands for, spelled as the store spells it."""

    @abc.abstractmethod
    def canonical_names(self, recorded_by: datetime | None = None) -> list[str]:
        """Every drug the store knows, once each, by its canonical name."""

    @abc.abstractmethod
    def known_names(self) -> list[str]:
        """Every name the store knows a drug by: canonical names and aliases."""

    @abc.abstractmethod
    def is_known(self, drug: str) -> bool:
        """Whether the store holds any fact of this name, or an alias of it."""

    @abc.abstractmethod
    def streams(self) -> list[str]:
        """Every stream name, as the store spells it."""

    @abc.abstractmethod
    def head(self) -> tuple[int, str]:
        """The last position and its hash."""

    @abc.abstractmethod
    def find(
        self, streams: Sequence[str] | None, event_type: str | None, since: date | None, until: date | None
    ) -> list[RecordedEvent]:
        """Milestones by stream names, type and occurred range, in position order."""

    @abc.abstractmethod
    def expand_id(self, prefix: str) -> str:
        """The one event id a prefix stands for."""

    @abc.abstractmethod
    def keyed_events(self, key_prefix: str) -> dict[str, str]:
        """Idempotency key → id of the unretracted events whose keys start with a prefix."""

    @abc.abstractmethod
    def recorded_after(self, moment: datetime) -> list[RecordedEvent]:
        """Every fact recorded strictly after an instant, in position order."""

    @abc.abstractmethod
    def touched_after(self, position: int) -> tuple[set[str], int]:
        """The names the facts past a position touch, and the last position."""

    @abc.abstractmethod
    def expecting_drugs(self) -> list[str]:
        """The streams that hold an expected milestone."""

    @abc.abstractmethod
    def watchlist(self) -> dict[str, list[str]]:
        """What is watched now: target → values, in the order added."""

    @abc.abstractmethod
    def rejections(self) -> list[RecordedEvent]:
        """Every proposal from the news that a person rejected, in the order recorded."""

    @abc.abstractmethod
    def fold_drugs(self, fold: Callable[[str, list[RecordedEvent]], T], recorded_by: datetime | None = None) -> list[T]:
        """`fold` applied to every drug's milestones and retractions (by canonical name),
        reading the log once with one drug in memory at a time."""

    @abc.abstractmethod
    def projection(self) -> StatusProjection:
        """The persisted status rows."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
