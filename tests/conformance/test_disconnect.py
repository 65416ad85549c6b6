"""On PostgreSQL, the writer's backend terminated in the middle of its transaction: a
clear error, nothing half-written, and a retry with the same idempotency keys stores the
batch exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from eventstore import NewEvent, StoreUnavailable, open_store


def test_a_terminated_writer_gets_a_clear_error_and_retries_safely(postgres_url, monkeypatch):
    store = open_store(postgres_url)
    store.initialize()
    store.append([NewEvent("before", "phase_started", "2019", {"phase": "1"})])
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    batch = [NewEvent(f"drug-{i}", "phase_started", "2020", {"phase": "2"}, idempotency_key=f"k{i}") for i in range(50)]
    versions = store._versions

    def terminate_then_continue(conn, streams):
        # Mid-transaction: the append lock is held and the head has been read.
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return versions(conn, streams)

    monkeypatch.setattr(store, "_versions", terminate_then_continue)
    with pytest.raises(StoreUnavailable) as refused:
        store.append(batch)
    assert "lost the connection" in str(refused.value) and "\n" not in str(refused.value)
    monkeypatch.undo()

    assert [e.stream for e in store.read_from(1)] == ["before"]
    first = store.append(batch)
    again = store.append(batch)
    assert [r.id for r in first] == [r.id for r in again] and not any(r.created for r in again)
    assert len(list(store.read_from(1))) == 51
    assert store.verify().sound
    store.close()
    admin.dispose()
