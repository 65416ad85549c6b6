"""What only the SQLite store does."""

from __future__ import annotations

from eventstore import open_store
from eventstore.jsonl import iter_lines
from eventstore.store.sqlite import DEFAULT_CACHE_KIB, IMPORT_CACHE_KIB


def test_an_import_grows_the_page_cache_for_itself_only(sqlite_url):
    store = open_store(sqlite_url)
    store.initialize()
    during = []
    import_chunk = store._import_chunk

    def chunk(conn, state, facts):
        during.append((conn.exec_driver_sql("PRAGMA cache_size").scalar(), conn.connection.dbapi_connection))
        return import_chunk(conn, state, facts)

    store._import_chunk = chunk
    lines = [f'{{"drug": "d{i}", "type": "phase_started", "date": "2020", "phase": "1"}}' for i in range(3)]
    assert store.import_stream(iter_lines(lines)).stored == 3
    with store.engine.connect() as conn, conn.begin():
        after = conn.exec_driver_sql("PRAGMA cache_size").scalar(), conn.connection.dbapi_connection
    [(cache, connection)] = during
    assert cache == -IMPORT_CACHE_KIB
    assert after == (-DEFAULT_CACHE_KIB, connection)  # the same pooled connection, put back
