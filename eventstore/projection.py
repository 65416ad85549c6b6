"""The persisted status projection, kept up to date from a checkpoint on the global
position. Each update refolds the drugs the new facts touch, so the projection always
equals a full replay, whatever order the facts arrived in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from .aliases import name_key
from .dates import today_utc
from .events import RecordedEvent
from .status import INACTIVITY_DAYS, DrugStatus, fold, last_clinical, visible
from .store.base import EventStore

NEVER = date.max.toordinal()


def fold_events(drug: str, events: list[RecordedEvent], today: date) -> tuple[dict, int]:
    """A drug's status as of today, and the first day it could change by itself (when a
    partial date's interval ends and a possible event becomes certain, or a programme
    falls quiet for longer than the inactivity threshold)."""
    seen = visible(events, today=today)
    changes = [v.last_day.toordinal() + 1 for v in seen if not v.certain]
    # …or when a quiet programme passes the inactivity threshold
    changes += [
        day.toordinal() + INACTIVITY_DAYS + 1
        for day in last_clinical(seen).values()
        if day.toordinal() + INACTIVITY_DAYS >= today.toordinal()
    ]
    return fold(drug, seen, today).to_json(), min(changes, default=NEVER)


def catch_up(store: EventStore, today: date | None = None) -> int:
    """Bring the projection up to the head of the log; returns how many facts it read."""
    today = today or today_utc()
    return store.projection().catch_up(lambda drug, events: fold_events(drug, events, today))


def rebuild(
    store: EventStore,
    today: date | None = None,
    processes: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replay every drug from the start; returns how many drugs it folded. `processes`:
    how many fold at once (None: one per core for a large store); `progress` hears how
    many more drugs are done, as they are."""
    today = today or today_utc()
    return store.projection().rebuild(lambda drug, events: fold_events(drug, events, today), processes, progress)


class Projected:
    """The projection as far as a reader may trust it today: the rows of drugs that no
    fact after its checkpoint touches and whose status cannot have changed by itself
    since. A role that may not write the projection (the PostgreSQL writer) leaves it
    behind the log; the drugs it appended to are then folded from the log instead."""

    def __init__(self, store: EventStore, today: date | None = None):
        self.store, self.today = store, today or today_utc()
        self._tables = store.projection()
        touched, _ = store.touched_after(self._tables.checkpoint())
        registry = store.aliases()
        self._stale = {name_key(registry.resolve(name)) for name in touched}
        self._rows: dict[str, tuple[dict, int]] | None = None

    def status(self, drug: str) -> DrugStatus | None:
        """The projected status of a canonical drug name; None when the caller must fold
        its events itself."""
        if name_key(drug) in self._stale:
            return None
        row = self._rows.get(drug) if self._rows is not None else self._tables.load([drug]).get(drug)
        if row is None or row[1] <= self.today.toordinal():
            return None
        return DrugStatus.from_json(row[0])

    def load_all(self) -> None:
        """Read every row at once, for a caller about to ask for most drugs."""
        self._rows = self._tables.load()
