"""SQLite: WAL mode, a busy timeout, and writers that take the write lock at BEGIN."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, event

from ..errors import DEFAULT_LOCK_TIMEOUT, LockTimeout, MilestonesError, StoreUnavailable
from .schema import APPEND_ONLY_MESSAGE
from .sql import APPEND_ONLY, DENIED, NO_STORE, REFUSED, SQLStore

WRITER_CACHE_KIB = 65_536  # page cache of a connection that writes: SQLite takes it only as it fills


class SQLiteStore(SQLStore):
    def __init__(self, url: str, application_name: str = "milestones", lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.lock_timeout = lock_timeout
        # The driver's busy timeout waits for the write lock; the store gives up at the same limit.
        engine = create_engine(url, connect_args={"timeout": lock_timeout, "isolation_level": None})
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
            if write:
                # Keys are hashes, so a large write inserts all over the key index: with
                # SQLite's default 2 MB of cache each insert reads its page back from disk.
                conn.exec_driver_sql(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        super().__init__(url, engine)

    def _lock_for_append(self, conn) -> None:
        """BEGIN IMMEDIATE already holds SQLite's single write lock."""

    def _error_kind(self, error: Exception) -> str | None:
        # SQLite's messages are fixed English text, never translated: they are its codes.
        text = str(error).lower()
        if "no such table" in text:
            return NO_STORE
        if APPEND_ONLY_MESSAGE.lower() in text:
            return APPEND_ONLY
        if "readonly database" in text or "unable to open" in text:
            return DENIED
        if isinstance(error, sqlite3.IntegrityError):
            return REFUSED
        return None

    def _is_retryable(self, error: Exception) -> bool:
        text = str(error).lower()
        return "database is locked" in text or "database is busy" in text

    def _gave_up(self, error: Exception) -> MilestonesError:
        return LockTimeout(
            f"waited {self.lock_timeout:g} s for the store's write lock, held by another writer of "
            f"{self.engine.url.database} (a SQLite file cannot say which process: `fuser` can); try "
            f"again, or stop that process if it is stuck"
        )
