"""The store's contract, run against every backend (the `store` fixture is parametrised
over SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from eventstore import ConcurrencyError, InvalidDate, InvalidEvent, NewEvent, UnknownDrug, open_store, projection
from eventstore.store.base import PendingFact


def approval(drug="toripalimab", date="2018-12-17", **extra):
    return NewEvent(drug, "approved", date, {"agency": "NMPA", "pathway": "conditional"}, **extra)


def phase(drug, **extra):
    return NewEvent(drug, "phase_started", "2017-05", {"phase": "1"}, reported="2017-06-01", **extra)


def raw(store, sql, **params):
    with store.engine.connect() as conn, conn.begin():
        return conn.execute(text(sql), params)


def count(store) -> int:
    return len(list(store.read_from(1)))


def test_append_gives_positions_versions_and_store_time(store):
    results = store.append([phase("a"), phase("b"), phase("a")])
    assert [(r.stream, r.version, r.position) for r in results] == [("a", 1, 1), ("b", 1, 2), ("a", 2, 3)]
    events = list(store.read_from(1))
    assert [e.position for e in events] == [1, 2, 3]
    assert events[0].recorded <= events[1].recorded <= events[2].recorded
    assert [e.version for e in store.read_drug("a")] == [1, 2]
    assert [e.position for e in store.read_from(2)] == [2, 3]
    assert [e.position for e in store.read_from(1, limit=2)] == [1, 2]


def test_an_event_reads_back_as_it_was_written(store):
    event = NewEvent(
        "toripalimab",
        "approved",
        "2018-12-17",
        {"agency": "NMPA", "pathway": "conditional", "indication": "melanoma"},
        source="https://example.org/release",
        quote="… was conditionally approved …",
        reported="2019-04-09",
    )
    [result] = store.append([event])
    stored = store.get(result.id)
    assert (
        stored.stream,
        stored.type,
        str(stored.date),
        stored.attributes,
        stored.source,
        stored.quote,
        str(stored.reported),
    ) == ("toripalimab", "approved", "2018-12-17", event.attributes, event.source, event.quote, "2019-04-09")


def test_stale_expected_version_raises_and_writes_nothing(store):
    store.append([phase("a")], expected_versions={"a": 0})
    with pytest.raises(ConcurrencyError):
        store.append([phase("b"), phase("a")], expected_versions={"a": 0})
    assert count(store) == 1
    store.append([phase("a")], expected_versions={"a": 1})
    assert store.stream_version("a") == 2


def test_idempotency_key_returns_the_original(store):
    [first] = store.append([phase("a", idempotency_key="k1")])
    [again] = store.append([phase("a", idempotency_key="k1")])
    assert again.id == first.id and not again.created
    twice = store.append([phase("b", idempotency_key="k2"), phase("b", idempotency_key="k2")])
    assert twice[0].id == twice[1].id
    assert count(store) == 2


def test_a_batch_is_atomic(store):
    store.append([phase("a", idempotency_key="k")])
    # The second event's key is fresh but the batch fails on the version check:
    with pytest.raises(ConcurrencyError):
        store.append([phase("c"), phase("d")], expected_versions={"d": 5})
    assert {e.stream for e in store.read_from(1)} == {"a"}


def test_a_future_event_is_refused(store):
    with pytest.raises(InvalidDate, match="has not happened"):
        store.append([approval(date="2999-01-01")])
    assert count(store) == 0


@pytest.mark.parametrize("statement", ["UPDATE milestone_events SET type = 'rejected'", "DELETE FROM milestone_events"])
def test_the_database_refuses_update_and_delete(store, statement):
    store.append([approval()])
    with pytest.raises(Exception, match="append-only"):
        raw(store, statement)
    assert count(store) == 1


def test_aliases_resolve_and_merge_without_rewriting(store):
    store.append([approval("JS001")])  # recorded under the code name first
    store.append([phase("toripalimab")])
    store.add_alias("JS001", "toripalimab", merge=True)  # both have milestones: a merge
    store.append([NewEvent("JS001", "filing_accepted", "2018-03", {"agency": "NMPA"})])
    drug = store.read_drug("toripalimab")
    assert [e.type for e in drug] == ["approved", "phase_started", "filing_accepted"]
    assert [e.stream for e in drug] == ["JS001", "toripalimab", "toripalimab"]
    assert [e.type for e in store.read_drug("JS001")] == [e.type for e in drug]
    with pytest.raises(InvalidEvent, match="cycle"):
        store.add_alias("toripalimab", "JS001")
    assert store.add_alias("JS001", "toripalimab").created is False


def test_an_unknown_drug_is_an_error(store):
    with pytest.raises(UnknownDrug):
        store.read_drug("nothing")


def test_retraction_is_appended_and_checked(store):
    [event] = store.append([approval()])
    retraction = store.retract(event.id, "wrong date")
    assert store.get(retraction.id).retracts == event.id
    with pytest.raises(InvalidEvent, match="already retracted"):
        store.retract(event.id, "again")
    with pytest.raises(InvalidEvent, match="only milestones"):
        store.retract(retraction.id, "a retraction")
    assert count(store) == 2


def test_verify_reports_a_sound_store_and_its_head(store):
    store.append([approval(), phase("a")])
    report = store.verify()
    assert report.sound and report.events == 2
    assert (report.head_position, report.head_hash) == store.head()
    assert store.verify(expect_head=report.head_hash).sound


# -- tampering behind the store's back ---------------------------------------------------


def drop_triggers(store):
    if store.engine.dialect.name == "sqlite":
        raw(store, "DROP TRIGGER milestone_events_no_update")
        raw(store, "DROP TRIGGER milestone_events_no_delete")
    else:
        raw(store, "DROP TRIGGER milestone_events_no_change ON milestone_events")


@pytest.fixture
def five(store):
    store.append([phase(f"drug{i}") for i in range(5)])
    drop_triggers(store)
    return store


def first_bad(store, **kw):
    report = store.verify(**kw)
    assert not report.sound
    return report.first_fault[0]


def test_verify_finds_an_edited_row(five):
    raw(five, "UPDATE milestone_events SET occurred = '2017-06' WHERE position = 3")
    assert first_bad(five) == 3


def test_verify_finds_an_edited_payload(five):
    raw(five, "UPDATE milestone_events SET data = replace(data, '\"1\"', '\"3\"') WHERE position = 2")
    assert first_bad(five) == 2


def test_verify_finds_a_deleted_row(five):
    raw(five, "DELETE FROM milestone_events WHERE position = 2")
    assert first_bad(five) == 2


def test_verify_finds_two_swapped_rows(five):
    raw(five, "UPDATE milestone_events SET position = position + 100 WHERE position IN (2, 4)")
    raw(five, "UPDATE milestone_events SET position = 6 WHERE position = 102")
    raw(five, "UPDATE milestone_events SET position = 2 WHERE position = 104")
    raw(five, "UPDATE milestone_events SET position = 4 WHERE position = 6")
    assert first_bad(five) == 2


def test_verify_finds_a_forged_row(five):
    row = raw(five, "SELECT * FROM milestone_events WHERE position = 5").mappings().one()
    forged = {**row, "position": 6, "id": "00000000-0000-4000-8000-000000000000", "version": 2, "hash": "f" * 64}
    columns = ", ".join(forged)
    raw(five, f"INSERT INTO milestone_events ({columns}) VALUES ({', '.join(':' + c for c in forged)})", **forged)
    assert first_bad(five) == 6


def forge_at(store, position, **changes):
    row = raw(store, "SELECT * FROM milestone_events WHERE position = 5").mappings().one()
    forged = {
        **row,
        "position": position,
        "id": f"00000000-0000-4000-8000-{abs(position):012d}",
        "version": 999,
        "type": "rejected",
        **changes,
    }
    columns = ", ".join(forged)
    raw(store, f"INSERT INTO milestone_events ({columns}) VALUES ({', '.join(':' + c for c in forged)})", **forged)


@pytest.mark.parametrize(
    "changes",
    [
        {"position": 0},
        {"position": -3},
        {"position": 7, "version": 0},
        {"position": 7, "hash": "x"},
        {"position": 7, "id": "short"},
    ],
)
def test_the_database_refuses_a_row_outside_the_log(five, changes):
    with pytest.raises(IntegrityError):
        forge_at(five, **changes)
    assert five.verify().sound


@pytest.mark.parametrize("position", [0, -3])
def test_verify_finds_a_row_forged_off_the_log_where_the_database_let_it_in(five, position):
    # A store created before the log's CHECK constraints has none.
    if five.engine.dialect.name == "sqlite":
        with five.engine.connect() as conn, conn.begin():
            conn.execute(text("PRAGMA ignore_check_constraints = ON"))
            forge = conn.execute(text("SELECT * FROM milestone_events WHERE position = 5")).mappings().one()
            forged = {
                **forge,
                "position": position,
                "id": "00000000-0000-4000-8000-000000000000",
                "hash": "x",
                "version": 999,
            }
            conn.execute(
                text(
                    f"INSERT INTO milestone_events ({', '.join(forged)}) VALUES ({', '.join(':' + c for c in forged)})"
                ),
                forged,
            )
    else:
        for name in ("position_on_the_log", "version_on_the_stream", "hash_and_id_form"):
            raw(five, f"ALTER TABLE milestone_events DROP CONSTRAINT milestone_events_{name}")
        forge_at(five, position, hash="x")
    assert five.verify().first_fault == (position, f"a row at position {position}, off the log (forged)")


def test_only_the_anchor_catches_the_newest_rows_cut_off(five):
    anchor = five.verify().head_hash
    raw(five, "DELETE FROM milestone_events WHERE position = 5")
    assert five.verify().sound  # nothing inside the store can prove the loss…
    assert first_bad(five, expect_head=anchor) == 5  # …the anchor kept elsewhere does


# -- commit order -----------------------------------------------------------------------


def set_on_connect(engine) -> threading.Event:
    """An event set when a connection is next asked of the engine: a writer setting out,
    before any wait for the lock."""
    connecting = threading.Event()

    def connected(_conn) -> None:
        connecting.set()

    event.listen(engine, "engine_connect", connected)
    return connecting


def waits_for_a_lock(store, timeout: float = 10) -> bool:
    """Whether another session is seen waiting for a lock (PostgreSQL's pg_locks) within
    the timeout: the wait observed, not guessed from time passing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar_one():
                return True
    return False


def test_followers_never_pass_an_uncommitted_position(store_url):
    """A writer holds its transaction open after taking a position: a follower reading
    from the global position sees nothing past it, a second writer waits, and once the
    first commits or rolls back, the follower continues without a hole."""
    for outcome in ("commit", "rollback"):
        store = open_store(store_url)
        store.initialize()
        start = store.head()[0]
        conn = store.engine.connect()
        conn.execution_options(milestones_write=True)
        transaction = conn.begin()
        head = store._lock_and_read_head(conn)
        [held] = store._insert(
            conn, [PendingFact(stream="held", type="phase_started", data={"attributes": {}})], {}, head
        )
        assert held.position == start + 1
        connecting = set_on_connect(store.engine)
        second = threading.Thread(target=store.append, args=([phase("later")],))
        second.start()
        assert connecting.wait(10), "the second writer never set out to write"
        if store.engine.dialect.name == "postgresql":
            assert waits_for_a_lock(store), "a second writer must wait for the first to commit"
        assert second.is_alive()
        assert [e.position for e in store.read_from(start + 1)] == []
        getattr(transaction, outcome)()
        conn.close()
        second.join(10)
        seen = [e for e in store.read_from(start + 1)]
        assert [e.position for e in seen] == list(range(start + 1, start + 1 + len(seen)))
        assert [e.stream for e in seen] == (["held", "later"] if outcome == "commit" else ["later"])
        store.close()


def test_drug_names_are_one_drug_whatever_their_case(store):
    store.append([phase("Dupilumab")])
    [second] = store.append([phase("dupilumab")])
    assert (second.stream, second.version) == ("Dupilumab", 2)
    assert len(store.read_drug("DUPILUMAB")) == 2
    store.add_alias("dupixent", "DUPILUMAB")
    store.append([phase("Dupixent")])
    assert [e.stream for e in store.read_drug("DUPIXENT")] == ["Dupilumab"] * 3
    assert store.canonical_name("DUPIXENT") == "Dupilumab"
    assert store.canonical_names() == ["Dupilumab"]
    with pytest.raises(InvalidEvent, match="itself"):
        store.add_alias("DUPILUMAB", "dupilumab")
    assert store.verify().sound


def test_merging_two_drugs_with_milestones_or_moving_a_name_needs_asking(store):
    store.append([phase("toripalimab"), phase("APG-1387"), phase("pembrolizumab")])
    store.add_alias("Keytruda", "pembrolizumab")
    with pytest.raises(InvalidEvent, match=r"APG-1387 and toripalimab both have milestones \(1 and 1\); pass --merge"):
        store.add_alias("APG-1387", "toripalimab")
    with pytest.raises(InvalidEvent, match="Keytruda already names pembrolizumab; pass --move"):
        store.add_alias("Keytruda", "toripalimab")
    assert store.canonical_names() == ["APG-1387", "pembrolizumab", "toripalimab"]
    store.add_alias("TUOYI", "toripalimab")  # a new name, or one without milestones, needs nothing
    store.add_alias("APG-1387", "toripalimab", merge=True)
    store.add_alias("Keytruda", "toripalimab", move=True)
    assert store.canonical_name("Keytruda") == "toripalimab" and len(store.read_drug("toripalimab")) == 2


def _plain_lines(count: int, bad_at: int | None = None):
    for i in range(count):
        yield (
            "{not json"
            if i == bad_at
            else f'{{"drug": "drug-{i % 7}", "type": "phase_started", "date": "2019-{1 + i % 12:02d}", "phase": "1", '
            f'"source": "https://example.org/{i}"}}'
        )


def test_an_import_streams_in_chunks_and_a_bad_line_late_stores_nothing(store):
    from eventstore.jsonl import iter_lines
    from eventstore.store.sql import IMPORT_CHUNK

    total = 2 * IMPORT_CHUNK + 3
    consumed = []

    def lines():
        for number, line in enumerate(_plain_lines(total), 1):
            consumed.append(number)
            yield line

    progress = []
    count = store.import_stream(iter_lines(lines()), lambda c: progress.append((c.stored, len(consumed))))
    assert (count.stored, count.present) == (total, 0)
    # Each chunk was written before the next was read: memory holds one chunk.
    assert progress[0] == (IMPORT_CHUNK, IMPORT_CHUNK)
    assert [stored for stored, _ in progress] == [IMPORT_CHUNK, 2 * IMPORT_CHUNK, total]
    assert store.head()[0] == total
    # The projection caught up after an import of several chunks equals a full rebuild.
    assert projection.catch_up(store) == total
    caught_up = store.projection().load()
    assert len(caught_up) == 7
    projection.rebuild(store)
    assert store.projection().load() == caught_up

    again = store.import_stream(iter_lines(_plain_lines(total)))
    assert (again.stored, again.present) == (0, total)
    with pytest.raises(InvalidEvent, match=f"-:{total + 1}: not JSON"):
        store.import_stream(iter_lines(_plain_lines(total + 5, bad_at=total)))
    assert store.head()[0] == total  # chunks of the failed file written before the bad line were rolled back
    assert store.verify().sound


def _recording_fold(folded_by):
    """The projection's fold, writing the id of the process that ran it to a file."""
    from datetime import date

    from eventstore.projection import fold_events

    def fold(drug, events):
        with folded_by.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return fold_events(drug, events, date(2026, 1, 1))

    return fold


def _folded_by_workers(folded_by) -> set[str]:
    return set(folded_by.read_text().split()) - {str(os.getpid())}


def _forty_drugs(store) -> None:
    store.append([NewEvent(f"drug-{i}", "phase_started", f"2019-{1 + i % 12:02d}", {"phase": "1"}) for i in range(40)])
    store.append([phase(f"drug-{i}", source=f"https://example.org/{i}") for i in range(0, 40, 3)])
    store.append([approval(f"drug-{i}") for i in range(0, 40, 5)])
    store.add_alias("drug-7", "drug-1", merge=True)  # a drug under two names is folded by the caller
    store.retract(store.read_drug("drug-2")[0].id, "misread")


def test_a_rebuild_across_processes_equals_one_in_a_single_process(store, tmp_path):
    from eventstore.store import fanout

    assert fanout.can_fan_out(store)
    folded_by = tmp_path / "pids"
    fold = _recording_fold(folded_by)
    tables = store.projection()
    assert tables.rebuild(fold, processes=3) == 0  # an empty log
    _forty_drugs(store)
    tables.rebuild(fold, processes=1)
    alone = tables.load()
    assert len(alone) == 39 and not _folded_by_workers(folded_by)
    written: list[int] = []
    assert tables.rebuild(fold, processes=3, progress=written.append) == 39
    assert tables.load() == alone
    assert len(_folded_by_workers(folded_by)) >= 2
    assert sum(written) == 39


def test_a_catch_up_over_mostly_new_facts_folds_across_processes(store, tmp_path, monkeypatch):
    from eventstore.store import fanout

    _forty_drugs(store)
    folded_by = tmp_path / "pids"
    fold = _recording_fold(folded_by)
    tables = store.projection()
    monkeypatch.setattr(fanout, "default_processes", lambda events, store: 3)
    assert tables.catch_up(fold) == store.head()[0]
    assert len(_folded_by_workers(folded_by)) >= 2
    caught_up = tables.load()
    tables.rebuild(fold, processes=1)
    assert tables.load() == caught_up
    # A few drugs touched past the checkpoint are refolded one by one, in this process…
    folded_by.unlink()
    store.append([approval("drug-3", "2020-01-02")])
    assert tables.catch_up(fold) == 1
    assert folded_by.read_text().split() == [str(os.getpid())]
    # …and most of them, across processes again.
    folded_by.unlink()
    store.append([approval(f"drug-{i}", "2021-01-02") for i in range(25)])
    assert tables.catch_up(fold) == 25
    assert len(_folded_by_workers(folded_by)) >= 2
    caught_up = tables.load()
    tables.rebuild(fold, processes=1)
    assert tables.load() == caught_up
