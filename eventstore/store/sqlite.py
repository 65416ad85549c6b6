"""SQLite: WAL mode, a busy timeout, and writers that take the write lock at BEGIN."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event

from ..errors import StoreUnavailable
from .sql import SQLStore

BUSY_TIMEOUT_SECONDS = 30


class SQLiteStore(SQLStore):
    def __init__(self, url: str):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "isolation_level": None})
        database = engine.url.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise StoreUnavailable(f"cannot use the store at {database}: folder {folder} does not exist")

        @event.listens_for(engine, "connect")
        def configure(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        # pysqlite's own transaction handling is off (isolation_level=None); a writer
        # begins IMMEDIATE so it holds the write lock from its first read of the head.
        @event.listens_for(engine, "begin")
        def begin(conn):
            write = conn.get_execution_options().get("milestones_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        super().__init__(url, engine)

    def _lock_for_append(self, conn) -> None:
        """BEGIN IMMEDIATE already holds SQLite's single write lock."""

    def _is_retryable(self, error: Exception) -> bool:
        text = str(error).lower()
        return "database is locked" in text or "database is busy" in text
