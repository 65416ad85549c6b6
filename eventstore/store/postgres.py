"""PostgreSQL: appenders serialise on a transaction-scoped advisory lock, and the
recorded time is the server's clock."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from .sql import INSERT_COLUMNS, SQLStore

COPY_SQL = f"COPY milestone_events ({', '.join(INSERT_COLUMNS)}) FROM STDIN"

# Any fixed 64-bit number; every milestones writer on the database takes the same one.
APPEND_LOCK = 7_203_114_955_301
INITIALIZE_LOCK = APPEND_LOCK + 1


class PostgresStore(SQLStore):
    clock_sql = "clock_timestamp()"

    def __init__(self, url: str):
        super().__init__(url, create_engine(url, connect_args={"connect_timeout": 5}))

    def _lock_for_append(self, conn) -> None:
        # An advisory lock needs no privilege beyond CONNECT, so a least-privilege
        # writer (INSERT, SELECT) can take it; LOCK TABLE ... EXCLUSIVE would need UPDATE.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK})

    def _write_rows(self, conn, rows: list[tuple]) -> None:
        # COPY needs only the INSERT privilege and moves a batch in one stream.
        if len(rows) == 1:
            return super()._write_rows(conn, rows)
        with conn.connection.cursor() as cursor, cursor.copy(COPY_SQL) as copy:
            for row in rows:
                copy.write_row(row)

    def _lock_for_initialize(self, conn) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INITIALIZE_LOCK})

    def _is_retryable(self, error: Exception) -> bool:
        # Two first `init`s may still collide on the catalogue; a deadlock is retried.
        code = getattr(error, "sqlstate", None)
        return code in ("40P01", "40001")

