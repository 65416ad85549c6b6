"""The persisted status projection, kept up to date from a checkpoint on the global
position. Each update refolds the drugs the new facts touch, so the projection always
equals a full replay, whatever order the facts arrived in."""

from __future__ import annotations

from datetime import date

from .aliases import name_key
from .dates import today_utc
from .events import ALIAS, RecordedEvent
from .status import INACTIVITY_DAYS, DrugStatus, fold, last_clinical, visible
from .store.sql import ProjectionTables, SQLStore

NEVER = date.max.toordinal()


def fold_events(drug: str, events: list[RecordedEvent], today: date) -> tuple[dict, int]:
    """A drug's status as of today, and the first day it could change by itself (when a
    partial date's interval ends and a possible event becomes certain, or a programme
    falls quiet for longer than the inactivity threshold)."""
    seen = visible(events, today=today)
    changes = [v.last_day.toordinal() + 1 for v in seen if not v.certain]
    # …or when a quiet programme passes the inactivity threshold
    changes += [day.toordinal() + INACTIVITY_DAYS + 1 for day in last_clinical(seen).values()
                if day.toordinal() + INACTIVITY_DAYS >= today.toordinal()]
    return fold(drug, seen, today).to_json(), min(changes, default=NEVER)


def fold_drug(store: SQLStore, drug: str, today: date) -> tuple[dict, int]:
    return fold_events(drug, store.read_drug(drug), today)


def _touched_since(store: SQLStore, checkpoint: int) -> tuple[set[str], int]:
    """The stream names the facts after `checkpoint` touch (an alias touches its canonical
    drug too), and the last position read."""
    touched: set[str] = set()
    last = checkpoint
    for fact in store.read_from(checkpoint + 1):
        last = fact.position
        if fact.kind in ("watch", "rejection"):
            continue
        touched.add(fact.stream)
        if fact.type == ALIAS:
            touched.add(fact.data["canonical"])
    return touched, last


def catch_up(store: SQLStore, today: date | None = None) -> int:
    """Bring the projection up to the head of the log; returns how many facts it read."""
    today = today or today_utc()
    tables = ProjectionTables(store)
    checkpoint = tables.checkpoint()
    touched, last = _touched_since(store, checkpoint)
    if last == checkpoint:
        return 0
    drugs = {store.canonical_name(name) for name in touched}
    statuses = {drug: fold_drug(store, drug, today) for drug in sorted(drugs)}
    # A name merged into another drug by an alias no longer has a row of its own.
    tables.save(statuses, [n for n in touched if n not in drugs], last)
    return last - checkpoint


def rebuild(store: SQLStore, today: date | None = None) -> int:
    """Replay every drug from the start, streaming the log one stream at a time and
    writing statuses as they come; returns how many drugs it folded. Drugs known under
    several names are read whole."""
    today = today or today_utc()
    registry = store.aliases()
    head, _ = store.head()
    merged = {name_key(name) for names in registry.groups().values() for name in names}
    merged |= {name_key(canonical) for canonical in registry.groups()}

    several_names = [(c, fold_drug(store, c, today)) for c in {store.canonical_name(c) for c in registry.groups()}]

    def statuses(conn):
        for stream, events in store.scan_streams(conn, head):
            if name_key(stream) not in merged:
                yield stream, fold_events(stream, events, today)
        yield from several_names
    return ProjectionTables(store).replace(statuses, head)


class Projected:
    """The projection as far as a reader may trust it today: the rows of drugs that no
    fact after its checkpoint touches and whose status cannot have changed by itself
    since. A role that may not write the projection (the PostgreSQL writer) leaves it
    behind the log; the drugs it appended to are then folded from the log instead."""

    def __init__(self, store: SQLStore, today: date | None = None):
        self.store, self.today = store, today or today_utc()
        self._tables = ProjectionTables(store)
        touched, _ = _touched_since(store, self._tables.checkpoint())
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
