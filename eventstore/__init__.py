"""milestones' library: an append-only event store of drug-development milestones."""

from .aliases import AliasRegistry
from .dates import PartialDate
from .errors import (
    ConcurrencyError,
    InvalidDate,
    InvalidEvent,
    LockTimeout,
    MilestonesError,
    StoreUnavailable,
    UnknownDrug,
    UnknownEvent,
)
from .events import EVENT_TYPES, NewEvent, RecordedEvent
from .store import AppendResult, EventStore, VerifyReport, open_store

__all__ = [
    "EVENT_TYPES",
    "AliasRegistry",
    "AppendResult",
    "ConcurrencyError",
    "EventStore",
    "InvalidDate",
    "InvalidEvent",
    "LockTimeout",
    "MilestonesError",
    "NewEvent",
    "PartialDate",
    "RecordedEvent",
    "StoreUnavailable",
    "UnknownDrug",
    "UnknownEvent",
    "VerifyReport",
    "open_store",
]
