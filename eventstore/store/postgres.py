"""PostgreSQL: appenders serialise on a row lock that only the writer role may take,
waiting at most the lock timeout; the recorded time is the server's clock. Every
connection names its command (application_name), so a writer that times out can say who
holds the lock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import any_, create_engine, literal, make_url, text
from sqlalchemy.dialects.postgresql import ARRAY

from ..errors import DEFAULT_LOCK_TIMEOUT, LockTimeout, MilestonesError
from .schema import APPEND_LOCK_ROW
from .sql import APPEND_ONLY, CONNECTION_LOST, DENIED, INSERT_COLUMNS, NO_STORE, REFUSED, SQLStore

COPY_SQL = f"COPY milestone_events ({', '.join(INSERT_COLUMNS)}) FROM STDIN"

# Any fixed 64-bit number: concurrent first `init`s wait for each other on it (the tables,
# and so the append lock's row, may not exist yet).
INITIALIZE_LOCK = 7_203_114_955_302
# SQLSTATEs (PostgreSQL's appendix A), the same whatever the server's language.
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout ran out
UNDEFINED_TABLE, INVALID_SCHEMA_NAME = "42P01", "3F000"
RAISE_EXCEPTION = "P0001"
CONNECTION_EXCEPTION, SERVER_SHUT_DOWN = "08", ("57P01", "57P02", "57P03")  # a class; terminated or shut down
INSUFFICIENT_PRIVILEGE = "42501"
INTEGRITY_CONSTRAINT_VIOLATION = "23"  # a class
# Who holds a lock on the tables writers wait for (the append lock, the projection's checkpoint).
_HOLDERS_SQL = (
    "SELECT DISTINCT a.pid, a.application_name, a.usename, a.xact_start FROM pg_locks l "
    "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.granted AND l.pid <> pg_backend_pid() "
    "AND l.mode IN ('RowShareLock', 'RowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock') "
    "AND l.relation IN (to_regclass('milestone_append_lock'), to_regclass('milestone_checkpoints'))"
)


class PostgresStore(SQLStore):
    clock_sql = "clock_timestamp()"

    def __init__(self, url: str, application_name: str = "milestones", lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.lock_timeout = lock_timeout
        # Added to the URL's own options (a search_path, say), which connect_args would replace.
        given = make_url(url).query.get("options")
        options = " ".join(
            [
                *([given] if isinstance(given, str) else given or ()),
                f"-c lock_timeout={max(1, round(lock_timeout * 1000))}",
            ]
        )
        super().__init__(
            url,
            create_engine(
                url, connect_args={"connect_timeout": 5, "application_name": application_name[:63], "options": options}
            ),
        )

    def _lock_for_append(self, conn) -> None:
        conn.execute(
            text("SELECT name FROM milestone_append_lock WHERE name = :row FOR UPDATE"), {"row": APPEND_LOCK_ROW}
        )

    def _error_kind(self, error: Exception) -> str | None:
        # By SQLSTATE: the message is in the server's language.
        code = getattr(error, "sqlstate", None) or ""
        if code in (UNDEFINED_TABLE, INVALID_SCHEMA_NAME):
            return NO_STORE
        if code == RAISE_EXCEPTION:  # only the append-only trigger raises
            return APPEND_ONLY
        if code.startswith(CONNECTION_EXCEPTION) or code in SERVER_SHUT_DOWN:
            return CONNECTION_LOST
        if not code and isinstance(error, psycopg.OperationalError):  # the socket closed: no code to read
            return CONNECTION_LOST
        if code == INSUFFICIENT_PRIVILEGE:
            return DENIED
        if code.startswith(INTEGRITY_CONSTRAINT_VIOLATION):
            return REFUSED
        return None

    def _is_in(self, column: Any, values: Sequence[Any]) -> Any:
        """`column = ANY(array)`: one parameter, where an IN list of hundreds makes a new
        statement text that psycopg parses and the server plans each time."""
        return column == any_(literal(list(values), ARRAY(column.type)))

    def _versions_query(self, keys: Sequence[str]) -> tuple[str, tuple]:
        return self._versions_sql.format("(SELECT unnest(%s::text[]) AS column1)"), (list(keys),)

    def _prepare_import(self, conn) -> None:
        """For the rest of the transaction, look keys up through the indexes: an import's
        own rows, not yet counted in the planner's statistics, must not turn each chunk's
        lookups into scans of the whole table (413 s for 100k events before, 16 s after)."""
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")

    def _explain(self, error: Exception) -> MilestonesError:
        if getattr(error, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            return super()._explain(error)
        try:
            with self.engine.connect() as conn:
                holders = conn.execute(text(_HOLDERS_SQL)).all()
        except Exception:  # naming the holder is a courtesy: the timeout is the news
            holders = []
        who = (
            "; ".join(
                f"pid {pid}, {name or 'no application name'} (role {user}, in a transaction since "
                f"{since:%Y-%m-%d %H:%M:%S})"
                for pid, name, user, since in holders
            )
            or "a writer that has since let go"
        )
        return LockTimeout(
            f"waited {self.lock_timeout:g} s for the store's write lock, held by {who}; try again, or "
            f"stop that session (pg_terminate_backend) if it is stuck"
        )

    def _write_rows(self, conn, rows: list[tuple]) -> None:
        # COPY needs only the INSERT privilege and moves a batch in one stream.
        if len(rows) == 1:
            return super()._write_rows(conn, rows)
        with conn.connection.cursor() as cursor, cursor.copy(COPY_SQL) as copy:
            for row in rows:
                copy.write_row(row)

    def _lock_for_initialize(self, conn) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INITIALIZE_LOCK})  # the owner's, once

    def _is_retryable(self, error: Exception) -> bool:
        # Two first `init`s may still collide on the catalogue; a deadlock is retried.
        code = getattr(error, "sqlstate", None)
        return code in ("40P01", "40001")
