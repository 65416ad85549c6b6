"""The event store on SQLAlchemy Core, shared by SQLite and PostgreSQL. The dialect
modules supply only what differs: how a writer takes the append lock, the clock, and
which errors are worth retrying."""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache, partial
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy import exc as sa_exc

from ..aliases import AliasRegistry, name_key, unknown_drug
from ..dates import PartialDate, format_instant, parse_instant, today_utc
from ..errors import (
    DEFAULT_LOCK_TIMEOUT,
    AccessDenied,
    ConcurrencyError,
    InvalidEvent,
    MilestonesError,
    StoreUnavailable,
    UnknownEvent,
)
from ..events import (
    ALIAS,
    EVENT_TYPES,
    EXPECTATION,
    REJECTION,
    RETRACTION,
    WATCH,
    WATCHLIST_STREAM,
    NewEvent,
    RecordedEvent,
    clean_drug_name,
)
from . import fanout, schema
from .base import AppendResult, EventStore, Fold, ImportCount, PendingFact, StatusProjection, VerifyReport
from .chain import GENESIS, encode_data, row_hash
from .fanout import StatusRow

T = TypeVar("T")
E = schema.events
COLUMNS = (
    E.c.position,
    E.c.id,
    E.c.stream,
    E.c.version,
    E.c.type,
    E.c.occurred,
    E.c.reported,
    E.c.recorded,
    E.c.data,
    E.c.retracts,
    E.c.idempotency_key,
    E.c.hash,
)
PAGE = 5000  # rows a reader of the whole log fetches at a time
IMPORT_CHUNK = 5000  # facts an import checks and inserts together: its memory holds one chunk
IN_LIST = 500  # values in one SQL IN (…) list
VERIFY_PAGE = 20_000  # rows verify checks per read: large, since it reads the whole log
PROJECTION_CHUNK = 1000  # status rows written per statement
INSERT_COLUMNS = (
    "position",
    "id",
    "stream",
    "stream_key",
    "version",
    "type",
    "occurred",
    "occurred_start",
    "occurred_end",
    "reported",
    "recorded",
    "data",
    "retracts",
    "idempotency_key",
    "hash",
)


def day_bounds(when: PartialDate) -> tuple[int | None, int | None]:
    if not when.is_known:
        return None, None
    start, end = when.interval
    return start.toordinal(), end.toordinal()


def row_to_event(row: Sequence[Any]) -> RecordedEvent:
    position, id_, stream, version, type_, occurred, reported, recorded, data, retracts, key, hash_ = row
    return RecordedEvent.from_row(
        id_,
        position,
        stream,
        version,
        type_,
        PartialDate.parse(occurred),
        PartialDate.parse(reported),
        _stored_instant(recorded),
        json.loads(data),
        retracts,
        key,
        hash_,
    )


# The rows of one transaction share their recorded instant; a datetime is immutable.
_stored_instant = lru_cache(maxsize=4096)(parse_instant)


# Ids must differ, not be secret: a generator seeded from the system's entropy, without
# a system call per id. Seeded again in a forked child, which would repeat its parent's.
_ID_RANDOM = random.Random(os.urandom(32))
if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=lambda: _ID_RANDOM.seed(os.urandom(32)))


def new_event_id() -> str:
    """A UUID of version 7: milliseconds since the epoch, then random bits. Ids that grow
    with time keep the id index append-mostly, where random ones would scatter writes."""
    value = (time.time_ns() // 1_000_000) << 80 | _ID_RANDOM.getrandbits(80)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 4122 variant
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# What a database error means to a user; each dialect recognises them its own way.
NO_STORE, APPEND_ONLY, CONNECTION_LOST = "no store", "append-only", "connection lost"
DENIED, REFUSED = "denied", "refused"
MIN_ID_PREFIX = 8  # an id prefix shorter than this matches too much to be meant
AMBIGUOUS_SHOWN = 5  # the matches an ambiguous prefix lists
_ID_PREFIX = re.compile(r"[0-9a-f-]+")


def _read_events(conn: Connection, query: Any) -> list[RecordedEvent]:
    return [row_to_event(r) for r in conn.execute(query)]


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Head:
    """The last row of the log as an appender sees it under the lock; `_insert` moves it
    past the rows it writes."""

    position: int
    hash: str
    recorded: str  # the time the next rows get: the store's clock, never before the head's
    alias_count: int


@dataclass
class _ImportState:
    """What an import carries from one chunk to the next."""

    head: Head
    registry: AliasRegistry


class SQLStore(EventStore):
    """The store over one SQLAlchemy engine."""

    # The store's clock, where the database has one: read with the head, in one trip.
    clock_sql = "NULL"

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self.lock_timeout = getattr(self, "lock_timeout", DEFAULT_LOCK_TIMEOUT)
        self._alias_cache: tuple[int, AliasRegistry] | None = None
        dbapi = engine.dialect.dbapi
        assert dbapi is not None  # every engine here has its driver loaded
        self._driver_error = dbapi.Error
        self._placeholder = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._insert_sql = (
            f"INSERT INTO milestone_events ({', '.join(INSERT_COLUMNS)}) "
            f"VALUES ({', '.join([self._placeholder] * len(INSERT_COLUMNS))})"
        )
        # One index probe per stream (max over the (stream, version) index); a GROUP BY
        # over an IN list leaves the plan to statistics that a young table lacks.
        self._versions_sql = (
            "SELECT v.column1, (SELECT max(version) FROM milestone_events e "
            "WHERE e.stream_key = v.column1), (SELECT stream FROM milestone_events e "
            "WHERE e.stream_key = v.column1 ORDER BY version DESC LIMIT 1) FROM {} AS v"
        )
        self._head_sql = (
            f"SELECT h.position, h.hash, h.recorded, "
            f"(SELECT count(*) FROM milestone_events WHERE type = '{ALIAS}'), {self.clock_sql} "
            f"FROM (SELECT 1 AS one) AS o LEFT JOIN (SELECT position, hash, recorded "
            f"FROM milestone_events ORDER BY position DESC LIMIT 1) AS h ON 1 = 1"
        )

    # -- what the dialects supply --------------------------------------------------
    def _is_in(self, column: Any, values: Sequence[Any]) -> Any:
        """`column IN (values)`, as the dialect reads a long list fastest."""
        return column.in_(values)

    def _versions_query(self, keys: Sequence[str]) -> tuple[str, tuple]:
        """The versions statement for these stream keys, and its parameters."""
        values = ", ".join([f"({self._placeholder})"] * len(keys))
        return self._versions_sql.format(f"(VALUES {values})"), tuple(keys)

    def _lock_for_append(self, conn: Connection) -> None:
        """Serialise appenders until commit, so positions follow commit order."""
        raise NotImplementedError

    def _now(self, conn: Connection) -> datetime:
        return datetime.now(timezone.utc)

    def _is_retryable(self, error: Exception) -> bool:
        """Whether a driver error is worth trying the whole transaction again."""
        return False

    def _write_rows(self, conn: Connection, rows: list[tuple]) -> None:
        """Insert rows in the column order of INSERT_COLUMNS, through the driver."""
        cursor = conn.connection.cursor()
        cursor.executemany(self._insert_sql, rows)
        cursor.close()

    def _lock_for_initialize(self, conn: Connection) -> None:
        """Keep concurrent `init`s from racing to create the same tables."""

    def _prepare_import(self, conn: Connection) -> None:
        """Set the transaction up for a large import, as the dialect needs."""

    # -- transactions and errors -----------------------------------------------------
    def _run(self, work: Callable[[Connection], T], write: bool = False) -> T:
        """Run `work` in one transaction, trying it again on the errors the dialect
        says are worth it (a busy database, a deadlock) until the lock timeout runs out."""
        delay = 0.01
        deadline = time.monotonic() + self.lock_timeout
        while True:
            connected = False
            try:
                with self.engine.connect() as conn:
                    connected = True
                    conn.execution_options(milestones_write=write)
                    with conn.begin():
                        return work(conn)
            except MilestonesError:
                raise
            except (sa_exc.DBAPIError, self._driver_error) as error:
                # The hot paths use the driver's cursor directly: its errors come unwrapped.
                driver_error = getattr(error, "orig", None) or error
                if not connected:
                    reason = _first_line(driver_error)
                    raise StoreUnavailable(f"cannot use the store at {self.display_url}: {reason}") from None
                if not self._is_retryable(driver_error):
                    raise self._explain(driver_error) from None
                if time.monotonic() + delay > deadline:
                    raise self._gave_up(driver_error) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _gave_up(self, error: Exception) -> MilestonesError:
        """The error for one still worth retrying when the lock timeout ran out."""
        return self._explain(error)

    def _error_kind(self, error: Exception) -> str | None:
        """What a driver error means, as far as the store tells users apart: one of
        NO_STORE, APPEND_ONLY, CONNECTION_LOST, DENIED, REFUSED; None for anything else."""
        raise NotImplementedError

    def _explain(self, error: Exception) -> MilestonesError:
        text = _first_line(error)
        kind = self._error_kind(error)
        if kind == NO_STORE:
            return StoreUnavailable(f"no milestones store at {self.display_url}: run `milestones init` first")
        if kind == APPEND_ONLY:
            return StoreUnavailable(f"refused by the database: {text}")
        if kind == CONNECTION_LOST:
            return StoreUnavailable(
                f"lost the connection to {self.display_url} ({text}); the server rolls back an "
                f"unfinished transaction: retry, with idempotency keys in case it had committed"
            )
        if kind == DENIED:
            return AccessDenied(f"the database refused: {text}")
        if kind == REFUSED:
            return InvalidEvent(f"the database refused the event: {text}")
        return StoreUnavailable(f"cannot use the store at {self.display_url}: {text}")

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # -- lifecycle ---------------------------------------------------------------------
    def initialize(self) -> None:
        def create(conn: Connection) -> None:
            self._lock_for_initialize(conn)
            schema.metadata.create_all(conn, checkfirst=True)
            if conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first() is None:
                conn.execute(insert(schema.meta).values(key="schema_version", value=schema.SCHEMA_VERSION))
            lock = schema.append_lock
            if conn.execute(select(lock.c.name).where(lock.c.name == schema.APPEND_LOCK_ROW)).first() is None:
                conn.execute(insert(lock).values(name=schema.APPEND_LOCK_ROW))

        self._run(create, write=True)

    def close(self) -> None:
        self.engine.dispose()

    def projection(self) -> ProjectionTables:
        return ProjectionTables(self)

    # -- appending ---------------------------------------------------------------------
    def append(
        self,
        events: Sequence[NewEvent],
        expected_versions: Mapping[str, int] | None = None,
    ) -> list[AppendResult]:
        events = list(events)
        today = today_utc()
        for event in events:
            event.check_not_future(today)
        expected = {clean_drug_name(k): v for k, v in (expected_versions or {}).items()}

        def write(conn: Connection) -> list[AppendResult]:
            head = self._lock_and_read_head(conn)
            registry = self._aliases(conn, alias_count=head.alias_count)
            pending = [PendingFact.of(e, registry.resolve(e.drug)) for e in events]
            return self._insert(conn, pending, {registry.resolve(k): v for k, v in expected.items()}, head)

        return self._run(write, write=True) if events else []

    def retract(self, event_id: str, reason: str) -> AppendResult:
        reason = _reason(reason)

        def write(conn: Connection) -> AppendResult:
            head = self._lock_and_read_head(conn)
            target = self._retractable(conn, event_id, aliases_too=True)
            if target.type == ALIAS:
                # An alias is undone by an alias fact that names it: the registry, rebuilt
                # from alias facts alone (and cached by their count), leaves both out.
                fact = PendingFact(
                    stream=target.stream,
                    type=ALIAS,
                    retracts=target.id,
                    data={"canonical": target.data["canonical"], "reason": reason},
                )
            else:
                fact = PendingFact(stream=target.stream, type=RETRACTION, data={"reason": reason}, retracts=target.id)
            return self._insert(conn, [fact], {}, head)[0]

        return self._run(write, write=True)

    def correct(self, event_id: str, reason: str, replacement: NewEvent) -> list[AppendResult]:
        """Retract an event and append its replacement, linked, in one transaction."""
        reason = _reason(reason)
        replacement.check_not_future()

        def write(conn: Connection) -> list[AppendResult]:
            head = self._lock_and_read_head(conn)
            target = self._retractable(conn, event_id)
            stream = self._aliases(conn, alias_count=head.alias_count).resolve(replacement.drug)
            retraction = PendingFact(stream=target.stream, type=RETRACTION, data={"reason": reason}, retracts=target.id)
            return self._insert(conn, [retraction, PendingFact.of(replacement, stream, corrects=target.id)], {}, head)

        return self._run(write, write=True)

    def add_alias(self, name: str, canonical: str, merge: bool = False, move: bool = False) -> AppendResult:
        """Record `name` as another name of `canonical`. A name that already names another
        drug moves only with `move`; two drugs that both have milestones become one only
        with `merge`: both are refused otherwise, with what they would do."""
        name, canonical = clean_drug_name(name), clean_drug_name(canonical)
        if name_key(name) == name_key(canonical):
            raise InvalidEvent("a name cannot be an alias of itself")

        def write(conn: Connection) -> AppendResult:
            head = self._lock_and_read_head(conn)
            registry = self._aliases(conn, alias_count=head.alias_count)
            root = self._spelling(conn, registry.check_new(name, canonical))
            current = registry.resolve(name)
            if name_key(current) == name_key(root) and name_key(name) != name_key(root):
                return self._latest_alias(conn, name)
            if name_key(current) != name_key(name) and not move:
                raise InvalidEvent(
                    f"{name} already names {self._spelling(conn, current)}; pass --move to make it a "
                    f"name of {root} instead"
                )
            if name_key(current) == name_key(name) and not merge:
                mine, theirs = (self._milestone_count(conn, registry, n) for n in (name, root))
                if mine and theirs:
                    raise InvalidEvent(
                        f"{name} and {root} both have milestones ({mine} and {theirs}); pass --merge "
                        f"to make them one drug, {root}"
                    )
            fact = PendingFact(stream=name, type=ALIAS, data={"canonical": root})
            return self._insert(conn, [fact], {}, head)[0]

        return self._run(write, write=True)

    def _milestone_count(self, conn: Connection, registry: AliasRegistry, drug: str) -> int:
        keys = [name_key(n) for n in registry.names_of(registry.resolve(drug))]
        return (
            conn.execute(select(func.count()).where(E.c.stream_key.in_(keys), E.c.type.in_(list(EVENT_TYPES)))).scalar()
            or 0
        )

    def expect(self, drug: str, data: dict[str, Any]) -> AppendResult:
        """Record an expected milestone (a checked NewExpectation's data)."""
        drug = clean_drug_name(drug)

        def write(conn: Connection) -> AppendResult:
            head = self._lock_and_read_head(conn)
            stream = self._aliases(conn, alias_count=head.alias_count).resolve(drug)
            return self._insert(conn, [PendingFact(stream=stream, type=EXPECTATION, data=data)], {}, head)[0]

        return self._run(write, write=True)

    def recorded_after(self, moment: datetime) -> list[RecordedEvent]:
        """Every fact recorded strictly after an instant, in position order."""
        query = select(*COLUMNS).where(E.c.recorded > format_instant(moment)).order_by(E.c.position)
        return self._run(lambda conn: [row_to_event(r) for r in conn.execute(query)])

    def watch(self, target: str, value: str, action: str = "add") -> AppendResult:
        """Add or remove a watchlist entry: a drug, a company or an indication."""
        if target not in ("drug", "company", "indication") or action not in ("add", "remove"):
            raise InvalidEvent("a watch is a drug, a company or an indication, added or removed")
        value = clean_drug_name(value)

        def write(conn: Connection) -> AppendResult:
            head = self._lock_and_read_head(conn)
            fact = PendingFact(
                stream=WATCHLIST_STREAM, type=WATCH, data={"target": target, "value": value, "action": action}
            )
            return self._insert(conn, [fact], {}, head)[0]

        return self._run(write, write=True)

    def watchlist(self) -> dict[str, list[str]]:
        """What is watched now: target → values, in the order added."""
        query = select(E.c.data).where(E.c.type == WATCH).order_by(E.c.position)
        watched: dict[str, dict[str, str]] = {"drug": {}, "company": {}, "indication": {}}
        for data in self._run(lambda conn: [json.loads(d) for d in conn.execute(query).scalars()]):
            entries = watched[data["target"]]
            if data["action"] == "add":
                entries[name_key(data["value"])] = data["value"]
            else:
                entries.pop(name_key(data["value"]), None)
        return {target: list(values.values()) for target, values in watched.items()}

    def rejections(self) -> list[RecordedEvent]:
        """Every proposal from the news that a person rejected, in the order recorded."""
        query = select(*COLUMNS).where(E.c.type == REJECTION).order_by(E.c.position)
        return self._run(lambda conn: [row_to_event(r) for r in conn.execute(query)])

    def expecting_drugs(self) -> list[str]:
        """The streams that hold an expected milestone."""
        query = select(E.c.stream).where(E.c.type == EXPECTATION).distinct()
        return self._run(lambda conn: list(conn.execute(query).scalars()))

    def import_facts(self, facts: Sequence[PendingFact]) -> list[bool]:
        """Append parsed facts in one transaction; returns, per fact, whether it was
        stored (False: it was there already).
        A fact keeps its id when it has one (an import of an export): an id already
        stored is skipped when its content is the same and refused when not."""
        facts = list(facts)

        def write(conn: Connection) -> list[bool]:
            state = self._start_import(conn)
            created: list[bool] = []
            for i in range(0, len(facts), IMPORT_CHUNK):
                created += self._import_chunk(conn, state, facts[i : i + IMPORT_CHUNK])
            return created

        return self._run(write, write=True) if facts else []

    def import_stream(
        self,
        facts: Iterable[PendingFact],
        progress: Callable[[ImportCount], None] | None = None,
    ) -> ImportCount:
        """Append facts as the iterable yields them, IMPORT_CHUNK at a time, in one
        transaction: memory holds one chunk whatever the input's size, and an error
        anywhere (one the iterable raises for a bad line included) leaves nothing stored.
        The append lock is held from the first fact to the commit."""
        begun = False

        def write(conn: Connection) -> ImportCount:
            nonlocal begun
            if begun:  # the iterable cannot be read twice
                raise StoreUnavailable(
                    "the database failed the import after it had begun; nothing was stored: run it again"
                )
            begun = True
            state = self._start_import(conn)
            count = ImportCount()
            for chunk in _chunks(facts, IMPORT_CHUNK):
                created = self._import_chunk(conn, state, chunk)
                count.stored += sum(created)
                count.present += len(created) - sum(created)
                if progress is not None:
                    progress(count)
            return count

        return self._run(write, write=True)

    def _start_import(self, conn: Connection) -> _ImportState:
        head = self._lock_and_read_head(conn)
        self._prepare_import(conn)
        return _ImportState(head, self._aliases(conn, alias_count=head.alias_count))

    def _import_chunk(self, conn: Connection, state: _ImportState, facts: Sequence[PendingFact]) -> list[bool]:
        """Check and insert one chunk of an import. Earlier chunks are in the table
        already (uncommitted, in this transaction), so the database answers for them."""
        stored = {e.id: e for e in self._select_in(conn, E.c.id, [f.id for f in facts if f.id])}
        # A fact whose idempotency key is stored was imported before: nothing to check again
        # (a retraction imported twice would otherwise be refused as retracting twice).
        asked = [f.idempotency_key for f in facts if f.idempotency_key and not f.id]
        keyed = self._stored_keys(conn, asked)
        fresh: list[PendingFact] = []
        pending_ids: dict[str, PendingFact] = {}
        retracted_here: set[str] = set()
        created: list[bool | None] = []
        for fact in facts:
            old = stored.get(fact.id) if fact.id else None
            created.append(False)
            if old is not None:
                difference = fact.difference(old)
                if difference:
                    where = f"{fact.origin}: " if fact.origin else ""
                    raise InvalidEvent(f"{where}event {fact.id} is already stored with another {difference}")
                continue
            if fact.idempotency_key in keyed and not fact.id:
                continue
            if fact.type == ALIAS and fact.retracts is not None:
                target = pending_ids.get(fact.retracts) or self._retractable(conn, fact.retracts, aliases_too=True)
                if target.type != ALIAS or fact.retracts in retracted_here:
                    raise InvalidEvent(f"{fact.retracts} cannot be retracted here")
                retracted_here.add(fact.retracts)
                state.registry = state.registry.with_alias(fact.stream, fact.stream)  # the name stands alone again
            elif fact.type == ALIAS:
                root = self._spelling(conn, state.registry.check_new(fact.stream, fact.data["canonical"]))
                if name_key(state.registry.resolve(fact.stream)) == name_key(root):
                    continue  # the registry says so already
                fact.data = {"canonical": root}
                state.registry = state.registry.with_alias(fact.stream, root)
            elif fact.type == RETRACTION:
                assert fact.retracts is not None  # a retraction names its target: checked when parsed
                target = pending_ids.get(fact.retracts) or self._retractable(conn, fact.retracts)
                if target.type in (RETRACTION, ALIAS) or fact.retracts in retracted_here:
                    raise InvalidEvent(f"{fact.retracts} cannot be retracted here")
                retracted_here.add(fact.retracts)
                fact.stream = target.stream
            else:
                fact.stream = state.registry.resolve(fact.stream)
            fresh.append(fact)
            created[-1] = None  # decided by the insert: an idempotency key may be known
            if fact.id:
                pending_ids[fact.id] = fact
        results = iter(self._insert(conn, fresh, {}, state.head, absent_keys=set(asked) - keyed) if fresh else [])
        return [next(results).created if c is None else c for c in created]

    def _retractable(self, conn: Connection, event_id: str, aliases_too: bool = False) -> RecordedEvent:
        rows = self._select_in(conn, E.c.id, [event_id])
        if not rows:
            raise UnknownEvent(f"no event with id {event_id!r}")
        retractable = {ALIAS} if aliases_too else set()
        if rows[0].kind not in ("event", *retractable) or rows[0].retracts is not None:
            what = "milestones and aliases" if aliases_too else "milestones"
            raise InvalidEvent(
                f"{event_id} is a {rows[0].type}{' retraction' if rows[0].retracts else ''}; only "
                f"{what} can be retracted"
            )
        earlier = conn.execute(select(E.c.id).where(E.c.retracts == event_id)).first()
        if earlier is not None:
            raise InvalidEvent(f"event {event_id} was already retracted (by {earlier.id})")
        return rows[0]

    def _spelling(self, conn: Connection, name: str) -> str:
        """How the store spells a drug name it holds a stream for; else the name."""
        row = conn.execute(select(E.c.stream).where(E.c.stream_key == name_key(name)).limit(1)).first()
        return row.stream if row else name

    def canonical_name(self, name: str, recorded_by: datetime | None = None) -> str:
        """The drug a name stands for, spelled as the store spells it."""
        name = clean_drug_name(name)
        return self._run(lambda conn: self._spelling(conn, self._aliases(conn, recorded_by).resolve(name)))

    def canonical_names(self, recorded_by: datetime | None = None) -> list[str]:
        """Every drug the store knows, once each, by its canonical name."""
        registry = self.aliases(recorded_by)
        spelled = {name_key(s): s for s in self.streams()}
        drugs: dict[str, str] = {}
        for name in list(spelled.values()) + [c for c in registry.groups()]:
            canonical = registry.resolve(name)
            drugs.setdefault(name_key(canonical), spelled.get(name_key(canonical), canonical))
        return sorted(drugs.values(), key=str.casefold)

    def _latest_alias(self, conn: Connection, name: str) -> AppendResult:
        row = conn.execute(
            select(E.c.id, E.c.position, E.c.stream, E.c.version)
            .where(E.c.stream_key == name_key(name), E.c.type == ALIAS)
            .order_by(E.c.position.desc())
            .limit(1)
        ).one()
        return AppendResult(row.id, row.position, row.stream, row.version, False)

    def _lock_and_read_head(self, conn: Connection) -> Head:
        """Take the append lock, then read the head of the log, how many aliases it holds
        (to know when the cached registry is stale) and the store's clock."""
        self._lock_for_append(conn)
        position, previous, recorded, aliases, now = conn.exec_driver_sql(self._head_sql).one()
        recorded_now = format_instant(now if isinstance(now, datetime) else self._now(conn))
        return Head(position or 0, previous or GENESIS, max(recorded_now, recorded or ""), aliases)

    def _insert(
        self,
        conn: Connection,
        facts: Sequence[PendingFact],
        expected: Mapping[str, int],
        head: Head,
        absent_keys: set[str] | frozenset[str] = frozenset(),
    ) -> list[AppendResult]:
        """Give each new fact its position, version, time and hash, and insert them;
        the caller holds the append lock and has read the head (and may know keys to be
        absent from the store: they are not looked up again)."""
        keys = [f.idempotency_key for f in facts if f.idempotency_key and f.idempotency_key not in absent_keys]
        known = {e.idempotency_key: e for e in self._select_in(conn, E.c.idempotency_key, keys)} if keys else {}
        results: list[AppendResult | None] = [None] * len(facts)
        fresh: list[tuple[int, PendingFact]] = []
        first_with_key: dict[str, int] = {}
        for i, fact in enumerate(facts):
            key = fact.idempotency_key
            if key in known:
                old = known[key]
                results[i] = AppendResult(old.id, old.position, old.stream, old.version, False)
            elif key is not None and key in first_with_key:
                continue  # the same key twice in one batch: filled in below
            else:
                if key is not None:
                    first_with_key[key] = i
                fresh.append((i, fact))
        if fresh:
            versions, spellings = self._versions(conn, {f.stream for _, f in fresh} | set(expected))
            for stream, version in expected.items():
                if versions.get(name_key(stream), 0) != version:
                    raise ConcurrencyError(
                        f"{stream} is at version {versions.get(name_key(stream), 0)}, not "
                        f"{version}: someone appended first; read it again and retry"
                    )
            position, previous, recorded = head.position, head.hash, head.recorded
            rows = []
            for i, fact in fresh:
                position += 1
                key = name_key(fact.stream)
                fact.stream = spellings.setdefault(key, fact.stream)  # one spelling per stream
                version = versions.get(key, 0) + 1
                versions[key] = version
                event_id = fact.id or new_event_id()
                occurred, reported, data = fact.occurred.to_json(), fact.reported.to_json(), fact.encoded_data()
                previous = row_hash(
                    previous,
                    position,
                    event_id,
                    fact.stream,
                    version,
                    fact.type,
                    occurred,
                    reported,
                    recorded,
                    data,
                    fact.retracts,
                    fact.idempotency_key,
                )
                start, end = day_bounds(fact.occurred)
                rows.append(
                    (
                        position,
                        event_id,
                        fact.stream,
                        key,
                        version,
                        fact.type,
                        occurred,
                        start,
                        end,
                        reported,
                        recorded,
                        data,
                        fact.retracts,
                        fact.idempotency_key,
                        previous,
                    )
                )
                results[i] = AppendResult(event_id, position, fact.stream, version, True)
            self._write_rows(conn, rows)
            head.position, head.hash = position, previous
        out: list[AppendResult] = []
        for fact, result in zip(facts, results):
            if result is None:  # a key repeated in the batch: the first with it tells
                assert fact.idempotency_key is not None
                original = results[first_with_key[fact.idempotency_key]]
                assert original is not None
                result = AppendResult(original.id, original.position, original.stream, original.version, False)
            out.append(result)
        return out

    def _versions(self, conn: Connection, streams: set[str]) -> tuple[dict[str, int], dict[str, str]]:
        """The current version and spelling of each stream, by stream key."""
        versions: dict[str, int] = {}
        spellings: dict[str, str] = {}
        keys = list({name_key(s) for s in streams})
        for i in range(0, len(keys), IN_LIST):
            chunk = keys[i : i + IN_LIST]
            sql, parameters = self._versions_query(chunk)
            cursor = conn.connection.cursor()
            cursor.execute(sql, parameters)
            for key, version, spelling in cursor.fetchall():
                if version is not None:
                    versions[key], spellings[key] = version, spelling
            cursor.close()
        return versions, spellings

    # -- reading -------------------------------------------------------------------------
    def _stored_keys(self, conn: Connection, keys: Sequence[str]) -> set[str]:
        """Which of the idempotency keys the store holds."""
        found: set[str] = set()
        for chunk in _chunks(dict.fromkeys(keys), IN_LIST):
            found.update(
                conn.execute(select(E.c.idempotency_key).where(self._is_in(E.c.idempotency_key, chunk))).scalars()
            )
        return found

    def _select_in(self, conn: Connection, column, values: Sequence[Any]) -> list[RecordedEvent]:
        out: list[RecordedEvent] = []
        for chunk in _chunks(dict.fromkeys(values), IN_LIST):
            out += [row_to_event(r) for r in conn.execute(select(*COLUMNS).where(self._is_in(column, chunk)))]
        return out

    def _aliases(
        self,
        conn: Connection,
        recorded_by: datetime | None = None,
        alias_count: int | None = None,
    ) -> AliasRegistry:
        """The registry from the alias facts. Aliases are never removed, so the current
        registry is cached until the number of alias facts changes."""
        if recorded_by is None:
            if alias_count is None:
                alias_count = conn.execute(select(func.count()).where(E.c.type == ALIAS)).scalar()
            if self._alias_cache is not None and self._alias_cache[0] == alias_count:
                return self._alias_cache[1]
        query = select(E.c.id, E.c.stream, E.c.data, E.c.retracts).where(E.c.type == ALIAS).order_by(E.c.position)
        if recorded_by is not None:
            query = query.where(E.c.recorded <= format_instant(recorded_by))
        rows = conn.execute(query).all()
        undone = {retracts for _, _, _, retracts in rows if retracts is not None}
        registry = AliasRegistry(
            (name, json.loads(data)["canonical"])
            for id_, name, data, retracts in rows
            if retracts is None and id_ not in undone
        )
        if recorded_by is None:
            self._alias_cache = (len(rows), registry)
        return registry

    def aliases(self, recorded_by: datetime | None = None) -> AliasRegistry:
        return self._run(lambda conn: self._aliases(conn, recorded_by))

    def read_drug(self, drug: str, recorded_by: datetime | None = None) -> list[RecordedEvent]:
        drug = clean_drug_name(drug)

        def read(conn: Connection) -> list[RecordedEvent] | None:
            registry = self._aliases(conn, recorded_by)
            keys = [name_key(n) for n in registry.names_of(registry.resolve(drug))]
            query = select(*COLUMNS).where(E.c.stream_key.in_(keys), E.c.type != ALIAS).order_by(E.c.position)
            if recorded_by is not None:
                query = query.where(E.c.recorded <= format_instant(recorded_by))
            events = [row_to_event(r) for r in conn.execute(query)]
            return None if not events and not self._is_known(conn, drug) else events

        events = self._run(read)
        if events is None:
            raise unknown_drug(drug, self.known_names())
        return events

    def known_names(self) -> list[str]:
        """Every name the store knows a drug by: canonical names and aliases."""
        registry = self.aliases()
        return self.canonical_names() + [n for names in registry.groups().values() for n in names]

    def is_known(self, drug: str) -> bool:
        """Whether the store holds any fact of this name, or an alias of it."""
        drug = clean_drug_name(drug)
        return self._run(lambda conn: self._is_known(conn, drug))

    def _is_known(self, conn: Connection, name: str) -> bool:
        if conn.execute(select(E.c.position).where(E.c.stream_key == name_key(name)).limit(1)).first():
            return True
        return name in self._aliases(conn)

    def read_from(self, position: int = 1, limit: int | None = None) -> Iterator[RecordedEvent]:
        remaining = limit
        while remaining is None or remaining > 0:
            size = PAGE if remaining is None else min(PAGE, remaining)
            query = select(*COLUMNS).where(E.c.position >= position).order_by(E.c.position).limit(size)
            page = self._run(partial(_read_events, query=query))
            yield from page
            if len(page) < size:
                return
            position = page[-1].position + 1
            if remaining is not None:
                remaining -= len(page)

    def fold_drugs(self, fold: Callable[[str, list[RecordedEvent]], T], recorded_by: datetime | None = None) -> list[T]:
        """`fold` of every drug's milestones and retractions (under all its names, by its
        canonical name), in one read of the log that holds one stream in memory at a time."""

        drugs = {name_key(d) for d in self.canonical_names(recorded_by)}

        def read(conn: Connection) -> list[T]:
            head = conn.execute(select(func.max(E.c.position))).scalar() or 0
            return [fold(d, events) for d, events in self._every_drug(conn, head, recorded_by) if name_key(d) in drugs]

        return self._run(read)

    def _every_drug(
        self, conn: Connection, head: int, recorded_by: datetime | None = None
    ) -> Iterator[tuple[str, list[RecordedEvent]]]:
        """Each drug's milestones and retractions up to a position (and an instant), by
        canonical name, one drug at a time: drugs of one name streamed through the
        (stream_key, version) index, drugs of several names read whole."""
        registry = self._aliases(conn, recorded_by)
        several = self._names_of_several(registry)
        for stream, events in self._scan_streams(conn, head, recorded_by):
            if name_key(stream) not in several:
                yield stream, events
        yield from self._drugs_of_several_names(conn, registry, head, recorded_by)

    @staticmethod
    def _names_of_several(registry: AliasRegistry) -> frozenset[str]:
        """The name keys of every drug known under several names."""
        return frozenset(name_key(n) for c, names in registry.groups().items() for n in [c, *names])

    def _drugs_of_several_names(
        self, conn: Connection, registry: AliasRegistry, head: int, recorded_by: datetime | None = None
    ) -> Iterator[tuple[str, list[RecordedEvent]]]:
        spelled = sorted({self._spelling(conn, registry.resolve(c)) for c in registry.groups()})
        for drug, events in self._read_drugs(conn, registry, spelled):
            yield drug, [e for e in events if e.position <= head and (recorded_by is None or e.recorded <= recorded_by)]

    def _scan_streams(
        self,
        conn: Connection,
        up_to: int,
        recorded_by: datetime | None = None,
        key_range: tuple[str, str | None] | None = None,
    ) -> Iterator[tuple[str, list[RecordedEvent]]]:
        """Every stream's milestones and retractions up to a position (of the streams whose
        key lies in [low, high), high None: no end), one stream at a time, read through the
        (stream_key, version) index so memory holds one stream."""
        query = (
            select(*COLUMNS)
            .where(E.c.position <= up_to, E.c.type.not_in([ALIAS, WATCH]))
            .order_by(E.c.stream_key, E.c.version)
        )
        if recorded_by is not None:
            query = query.where(E.c.recorded <= format_instant(recorded_by))
        if key_range is not None:
            low, high = key_range
            query = query.where(E.c.stream_key >= low)
            if high is not None:
                query = query.where(E.c.stream_key < high)
        rows = conn.execute(query.execution_options(stream_results=True, yield_per=PAGE))
        current, events = "", list[RecordedEvent]()
        for row in rows:
            if row[2] != current:
                if events:
                    yield current, events
                current, events = row[2], []
            events.append(row_to_event(row))
        if events:
            yield current, events

    def touched_after(self, position: int) -> tuple[set[str], int]:
        """The stream names the facts after a position touch (an alias touches its
        canonical drug too; watches and rejections touch no drug), and the last position."""
        return self._run(lambda conn: self._touched_after(conn, position))

    def _touched_after(self, conn: Connection, position: int) -> tuple[set[str], int]:
        last = conn.execute(select(func.max(E.c.position))).scalar() or 0
        if last <= position:
            return set(), position
        later = E.c.position > position
        touched = set(
            conn.execute(select(E.c.stream).where(later, E.c.type.not_in([WATCH, REJECTION])).distinct()).scalars()
        )
        touched |= {
            json.loads(data)["canonical"]
            for data in conn.execute(select(E.c.data).where(later, E.c.type == ALIAS)).scalars()
        }
        return touched, last

    def _read_drugs(
        self,
        conn: Connection,
        registry: AliasRegistry,
        drugs: Sequence[str],
    ) -> Iterator[tuple[str, list[RecordedEvent]]]:
        """Each drug's milestones and retractions under every name it has, in position
        order, with one query for IN_LIST drugs."""
        other_names = {name_key(c): names for c, names in registry.groups().items()}
        for start in range(0, len(drugs), IN_LIST):
            chunk = drugs[start : start + IN_LIST]
            owner = {name_key(name): drug for drug in chunk for name in [drug, *other_names.get(name_key(drug), [])]}
            found: dict[str, list[RecordedEvent]] = {drug: [] for drug in chunk}
            query = (
                select(*COLUMNS)
                .where(self._is_in(E.c.stream_key, list(owner)), E.c.type != ALIAS)
                .order_by(E.c.position)
            )
            for row in conn.execute(query):
                found[owner[name_key(row[2])]].append(row_to_event(row))
            yield from found.items()

    def keyed_events(self, key_prefix: str) -> dict[str, str]:
        """Idempotency key → id of the unretracted events whose keys start with a prefix
        (an importer's keys for one source record)."""
        retracted = select(E.c.retracts).where(E.c.retracts.is_not(None))
        query = select(E.c.idempotency_key, E.c.id).where(
            E.c.idempotency_key.startswith(key_prefix, autoescape=True), E.c.id.not_in(retracted)
        )
        return self._run(lambda conn: dict(conn.execute(query).all()))

    def expand_id(self, prefix: str) -> str:
        """The id of the one fact whose id starts with `prefix` (as git takes commits): at
        least MIN_ID_PREFIX characters; an ambiguous prefix is refused with its matches."""
        prefix = prefix.strip().lower()
        if len(prefix) < MIN_ID_PREFIX or not _ID_PREFIX.fullmatch(prefix):
            raise InvalidEvent(
                f"{prefix!r} is not an event id, nor a prefix of one of {MIN_ID_PREFIX} or more characters"
            )
        query = select(E.c.id).where(E.c.id.like(f"{prefix}%")).order_by(E.c.position).limit(AMBIGUOUS_SHOWN + 1)
        found = self._run(lambda conn: list(conn.execute(query).scalars()))
        if not found:
            raise UnknownEvent(f"no event with id {prefix!r}")
        if len(found) > 1:
            more = ", …" if len(found) > AMBIGUOUS_SHOWN else ""
            raise InvalidEvent(
                f"{prefix!r} is ambiguous: it starts {', '.join(found[:AMBIGUOUS_SHOWN])}{more}; give more of the id"
            )
        return found[0]

    def get(self, event_id: str) -> RecordedEvent:
        rows = self._run(lambda conn: self._select_in(conn, E.c.id, [event_id]))
        if not rows:
            raise UnknownEvent(f"no event with id {event_id!r}")
        return rows[0]

    def stream_version(self, drug: str) -> int:
        drug = clean_drug_name(drug)

        def read(conn: Connection) -> int:
            key = name_key(self._aliases(conn).resolve(drug))
            return conn.execute(
                select(func.coalesce(func.max(E.c.version), 0)).where(E.c.stream_key == key)
            ).scalar_one()

        return self._run(read)

    def head(self) -> tuple[int, str]:
        """The last position and its hash: the anchor to keep elsewhere."""
        row = self._run(
            lambda conn: conn.execute(select(E.c.position, E.c.hash).order_by(E.c.position.desc()).limit(1)).first()
        )
        return (row.position, row.hash) if row else (0, GENESIS)

    def streams(self) -> list[str]:
        """Every drug stream name, aliases' own streams included."""
        query = select(E.c.stream).where(E.c.type.not_in((WATCH, REJECTION))).distinct().order_by(E.c.stream)
        return self._run(lambda conn: list(conn.execute(query).scalars()))

    def find(
        self, streams: Sequence[str] | None, event_type: str | None, since: date | None, until: date | None
    ) -> list[RecordedEvent]:
        """Unretracted milestones by stream, type and occurred interval."""
        retracted = select(E.c.retracts).where(E.c.retracts.is_not(None))
        query = select(*COLUMNS).where(E.c.type.not_in([ALIAS, RETRACTION, EXPECTATION]), E.c.id.not_in(retracted))
        if streams is not None:
            query = query.where(E.c.stream_key.in_([name_key(n) for n in streams]))
        if event_type is not None:
            query = query.where(E.c.type == event_type)
        if since is not None:
            query = query.where(E.c.occurred_end >= since.toordinal())
        if until is not None:
            query = query.where(E.c.occurred_start <= until.toordinal())
        return self._run(lambda conn: [row_to_event(r) for r in conn.execute(query.order_by(E.c.position))])

    # -- verifying -----------------------------------------------------------------------
    def verify(self, expect_head: str | None = None) -> VerifyReport:
        report = VerifyReport()
        # Rows the chain walk below (positions 1, 2, …) would never reach: forged off the log.
        outside = self._run(
            lambda conn: _fetch_all(conn, "SELECT position FROM milestone_events WHERE position < 1 ORDER BY position")
        )
        report.faults += [(position, f"a row at position {position}, off the log (forged)") for (position,) in outside]
        previous, expected_position, last_recorded = GENESIS, 1, ""
        stream_versions: dict[str, int] = {}
        anchor_found = expect_head is None or expect_head == GENESIS
        sql = (
            "SELECT position, id, stream, stream_key, version, type, occurred, occurred_start, occurred_end, reported, "
            "recorded, data, retracts, idempotency_key, hash FROM milestone_events WHERE position > {} "
            "ORDER BY position LIMIT {}"
        )
        after = 0
        while True:
            page_sql = sql.format(int(after), VERIFY_PAGE)
            rows = self._run(partial(_fetch_all, sql=page_sql))
            for (
                position,
                id_,
                stream,
                stream_key,
                version,
                type_,
                occurred,
                start,
                end,
                reported,
                recorded,
                data,
                retracts,
                key,
                stored_hash,
            ) in rows:
                report.events += 1
                if position != expected_position:
                    report.faults.append(
                        (
                            expected_position,
                            f"positions {expected_position}..{position - 1} are missing (rows deleted?)",
                        )
                    )
                if (
                    row_hash(
                        previous,
                        position,
                        id_,
                        stream,
                        version,
                        type_,
                        occurred,
                        reported,
                        recorded,
                        data,
                        retracts,
                        key,
                    )
                    != stored_hash
                ):
                    report.faults.append(
                        (position, "hash does not match the row and its predecessor (edited, reordered or forged)")
                    )
                if stream_key != name_key(stream):
                    report.faults.append((position, "stream_key disagrees with stream"))
                if version != stream_versions.get(stream_key, 0) + 1:
                    report.faults.append(
                        (
                            position,
                            f"stream {stream!r} goes from version {stream_versions.get(stream_key, 0)} to {version}",
                        )
                    )
                if recorded < last_recorded:
                    report.faults.append((position, "recorded time goes backwards"))
                if _derived_bounds(occurred) != (start, end):
                    report.faults.append((position, "occurred_start/occurred_end disagree with occurred"))
                if expect_head is not None and stored_hash == expect_head:
                    anchor_found = True
                stream_versions[stream_key] = version
                previous, expected_position, last_recorded = stored_hash, position + 1, max(recorded, last_recorded)
            if len(rows) < VERIFY_PAGE:
                break
            after = rows[-1][0]
        report.faults += self._run(self._orphan_retractions)
        report.head_position, report.head_hash = expected_position - 1, previous
        if not anchor_found:
            report.faults.append(
                (
                    report.head_position + 1,
                    f"the anchor {expect_head} is not on the chain (newest rows cut off or rewritten)",
                )
            )
        return report

    def _orphan_retractions(self, conn: Connection) -> list[tuple[int, str]]:
        sql = (
            "SELECT r.position FROM milestone_events r LEFT JOIN milestone_events t ON t.id = r.retracts "
            "WHERE r.retracts IS NOT NULL AND (t.id IS NULL OR t.position > r.position OR t.stream_key <> r.stream_key)"
        )
        return [(p, "retraction names no earlier event of its stream") for (p,) in conn.exec_driver_sql(sql)]


def _fetch_all(conn: Connection, sql: str) -> list[tuple]:
    """Plain tuples straight from the driver: verify reads every row of the log."""
    cursor = conn.connection.cursor()
    cursor.execute(sql)
    rows = [tuple(row) for row in cursor.fetchall()]
    cursor.close()
    return rows


@lru_cache(maxsize=8192)
def _derived_bounds(occurred: str | None) -> tuple[int | None, int | None]:
    try:
        return day_bounds(PartialDate.parse(occurred))
    except MilestonesError:
        return (-1, -1)


def _reason(reason: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidEvent("a retraction needs a reason")
    return " ".join(reason.split())


def _folded(drugs: Iterable[tuple[str, list[RecordedEvent]]], fold: Fold) -> Iterator[StatusRow]:
    for drug, events in drugs:
        status, until = fold(drug, events)
        yield drug, encode_data(status), until


def _insert_statuses(conn: Connection, rows: Iterable[StatusRow], progress: Callable[[int], None] | None = None) -> int:
    """Insert status rows, PROJECTION_CHUNK a statement, telling `progress` how many each
    time; returns how many."""
    count = 0
    for chunk in _chunks(rows, PROJECTION_CHUNK):
        conn.execute(insert(schema.drug_status), [dict(drug=d, status=s, certain_until=u) for d, s, u in chunk])
        count += len(chunk)
        if progress is not None:
            progress(len(chunk))
    return count


class ProjectionTables(StatusProjection):
    """The status projection in two tables: a row per drug, and the checkpoint."""

    def __init__(self, store: SQLStore, name: str = "status"):
        self.store, self.name = store, name

    def checkpoint(self) -> int:
        query = select(schema.checkpoints.c.position).where(schema.checkpoints.c.name == self.name)
        return self.store._run(lambda conn: conn.execute(query).scalar() or 0)

    def load(self, drugs: Sequence[str] | None = None) -> dict[str, tuple[dict[str, Any], int]]:
        """drug → (status JSON, certain_until ordinal), for the given drugs or all."""
        S = schema.drug_status
        query = select(S.c.drug, S.c.status, S.c.certain_until).order_by(S.c.drug)
        if drugs is not None:
            query = query.where(S.c.drug.in_(list(drugs)))
        rows = self.store._run(lambda conn: conn.execute(query).all())
        return {drug: (json.loads(status), until) for drug, status, until in rows}

    def catch_up(self, fold: Fold) -> int:
        """Refold the drugs the facts after the checkpoint touch, write their rows and
        move the checkpoint, in one transaction that holds the checkpoint row (a second
        catch-up waits, then finds nothing to do); returns how many facts it covered."""
        S, C = schema.drug_status, schema.checkpoints
        store = self.store

        def write(conn: Connection) -> int:
            checkpoint = self._checkpoint_for_update(conn)
            touched, last = store._touched_after(conn, checkpoint)
            if last == checkpoint:
                return 0
            registry = store._aliases(conn)
            drugs: dict[str, str] = {}  # key → the canonical name, as the store spells it
            for name in touched:
                canonical = registry.resolve(name)
                drugs.setdefault(name_key(canonical), name if canonical == name else store._spelling(conn, canonical))
            # A name merged into another drug by an alias no longer has a row of its own.
            refolded = set(drugs.values())
            # Counting the rows is left to catch-ups that could fan out: most are small.
            workers = fanout.default_processes(last, store)
            if workers > 1 and len(refolded) >= fanout.REFOLD_ALL_SHARE * self._row_count(conn):
                # Most drugs are touched (a first import, a bulk update): refolding every
                # stream across processes beats reading the touched ones back in this one.
                self._refold_all(conn, last, fold, workers)
                return last - checkpoint
            gone = sorted(touched - refolded) + sorted(refolded)
            for i in range(0, len(gone), IN_LIST):
                conn.execute(S.delete().where(S.c.drug.in_(gone[i : i + IN_LIST])))
            _insert_statuses(conn, _folded(store._read_drugs(conn, registry, sorted(refolded)), fold))
            conn.execute(C.update().where(C.c.name == self.name).values(position=last))
            return last - checkpoint

        return store._run(write, write=True)

    def rebuild(self, fold: Fold, processes: int | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Replace every row by a fold of the log up to its head, streaming it one stream at
        a time and writing rows in chunks inside one transaction, so memory holds one stream
        and one chunk. Drugs known under several names are read whole. A large store's
        streams are folded by one process per core (`processes`: how many; 1: none)."""

        def write(conn: Connection) -> int:
            self._checkpoint_for_update(conn)
            head = conn.execute(select(func.max(E.c.position))).scalar() or 0
            workers = fanout.default_processes(head, self.store) if processes is None else processes
            return self._refold_all(conn, head, fold, workers, progress)

        return self.store._run(write, write=True)

    def _refold_all(
        self, conn: Connection, head: int, fold: Fold, workers: int, progress: Callable[[int], None] | None = None
    ) -> int:
        """Replace every row by a fold of the log up to `head` and move the checkpoint
        there; the caller holds the checkpoint row. Returns how many rows."""
        S, C = schema.drug_status, schema.checkpoints
        store = self.store
        conn.execute(S.delete())
        if workers > 1 and fanout.can_fan_out(store):
            registry = store._aliases(conn)
            several = store._names_of_several(registry)
            ranges = fanout.shares(conn, head, workers * fanout.SHARES_PER_WORKER)
            rows = fanout.fold_shares(store, head, fold, several, ranges, workers)
            count = _insert_statuses(conn, rows, progress)
            several_rows = _folded(store._drugs_of_several_names(conn, registry, head), fold)
            count += _insert_statuses(conn, several_rows, progress)
        else:
            count = _insert_statuses(conn, _folded(store._every_drug(conn, head), fold), progress)
        conn.execute(C.update().where(C.c.name == self.name).values(position=head))
        return count

    def _row_count(self, conn: Connection) -> int:
        return conn.execute(select(func.count()).select_from(schema.drug_status)).scalar() or 0

    def _checkpoint_for_update(self, conn: Connection) -> int:
        C = schema.checkpoints
        current = conn.execute(select(C.c.position).where(C.c.name == self.name).with_for_update()).scalar()
        if current is None:
            conn.execute(insert(C).values(name=self.name, position=0))
            return 0
        return current
