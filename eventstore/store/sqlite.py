"""SQLite: WAL mode, a busy timeout, and writers that take the write lock at BEGIN."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, event

from ..errors import DEFAULT_LOCK_TIMEOUT, LockTimeout, MilestonesError, StoreUnavailable
from .schema import APPEND_ONLY_MESSAGE
from .sql import APPEND_ONLY, DENIED, NO_STORE, REFUSED, SQLStore

IMPORT_CACHE_KIB = 65_536  # an import's page cache: SQLite takes it only as it fills
DEFAULT_CACHE_KIB = 2_000  # SQLite's own default, for every other transaction
IMPORT_CACHE = "milestones import cache"  # marks a pooled connection whose cache an import grew


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
            if conn.connection.info.pop(IMPORT_CACHE, False):  # the pooled connection imported last
                conn.exec_driver_sql(f"PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")
            write = conn.get_execution_options().get("milestones_write")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        super().__init__(url, engine)

    def _lock_for_append(self, conn) -> None:
        """BEGIN IMMEDIATE already holds SQLite's single write lock."""

    def _prepare_import(self, conn) -> None:
        """Keys are hashes, so an import inserts all over the key index: with SQLite's
        default 2 MB of page cache, each insert read its page back (insert floor -25%
        with the larger cache). The next transaction on the connection puts it back."""
        conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        conn.connection.info[IMPORT_CACHE] = True

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
