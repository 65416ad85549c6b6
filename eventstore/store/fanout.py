"""A large store's streams folded by several processes. A rebuild's time goes to reading
rows into events and folding them, not to writing the rows it makes
(docs/performance.md), so each worker reads a share of the streams — a range of stream
keys — over its own connection, folds them and encodes their rows; the caller writes.

Workers are forked: they inherit the fold (a closure, which could not be pickled) and
read the log up to a head the caller fixed, so what they see is what the caller would."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, cast

from sqlalchemy import Connection, select

from ..aliases import name_key
from ..workers import forkable, forked_pool, usable_cores
from .chain import encode_data
from .schema import events as E

if TYPE_CHECKING:
    from .base import Fold
    from .sql import SQLStore

FANOUT_MIN_EVENTS = 50_000  # below this many events, starting processes costs about what it saves
SHARES_PER_WORKER = 16  # small shares: a worker dealt dense streams does not hold up the rest, and
# the rows a share sends back stay a few MB
SAMPLES_PER_SHARE = 64  # positions read to place the shares' bounds
REFOLD_ALL_SHARE = 0.5  # a catch-up touching this share of the drugs or more refolds every stream

StatusRow = tuple[str, str, int]  # drug, its status as canonical JSON, certain-until day ordinal

# What a forked worker folds with: its own store, the fold, the name keys it leaves to the caller.
_worker: tuple[SQLStore, Fold, frozenset[str]] | None = None


def default_processes(events: int, store: SQLStore) -> int:
    """How many processes a rebuild of this many events uses: one per usable core for a
    large store that other processes can open; else one (no fan-out)."""
    if events < FANOUT_MIN_EVENTS or not can_fan_out(store):
        return 1
    return usable_cores()


def can_fan_out(store: SQLStore) -> bool:
    """Whether workers can be forked and reach the same database (an in-memory SQLite
    database lives in one process only)."""
    database = store.engine.url.database
    in_memory = store.engine.dialect.name == "sqlite" and database in (None, "", ":memory:")
    return forkable() and not in_memory


def shares(conn: Connection, head: int, count: int) -> list[tuple[str, str | None]]:
    """Ranges [low, high) of stream keys, about equal in events; None: no upper end.
    Positions are gapless, so the streams of evenly spaced positions sample the log by
    its events: their quantiles split it without reading it all."""
    from .sql import IN_LIST, _chunks  # sql.py imports this module

    step = max(1, head // (count * SAMPLES_PER_SHARE))
    sampled: list[str] = []
    for positions in _chunks(range(1, head + 1, step), IN_LIST):
        sampled += conn.execute(select(E.c.stream_key).where(E.c.position.in_(positions))).scalars()
    if not sampled:
        return [("", None)]
    sampled.sort()
    bounds = sorted({sampled[len(sampled) * i // count] for i in range(1, count)} - {""})
    return list(zip(["", *bounds], [*bounds, None]))


def fold_shares(
    store: SQLStore,
    head: int,
    fold: Fold,
    left_out: frozenset[str],
    ranges: Sequence[tuple[str, str | None]],
    processes: int,
) -> Iterator[StatusRow]:
    """The status row of every stream in the ranges whose name key is not left out,
    folded by `processes` forked workers, in key order."""
    with forked_pool(processes, _start_worker, (store.url, fold, left_out)) as pool:
        for rows in pool.imap(_fold_share, [(low, high, head) for low, high in ranges]):
            yield from rows


def _start_worker(url: str, fold: Fold, left_out: frozenset[str]) -> None:
    from . import open_store  # the package imports the store, which imports this module

    global _worker
    _worker = (cast("SQLStore", open_store(url, application_name="milestones fold worker")), fold, left_out)


def _fold_share(share: tuple[str, str | None, int]) -> list[StatusRow]:
    assert _worker is not None, "a share is folded in a worker the pool started"
    store, fold, left_out = _worker
    low, high, head = share
    rows: list[StatusRow] = []
    with store.engine.connect() as conn:
        for drug, events in store._scan_streams(conn, head, key_range=(low, high)):
            if name_key(drug) in left_out:
                continue
            status, until = fold(drug, events)
            rows.append((drug, encode_data(status), until))
    return rows
