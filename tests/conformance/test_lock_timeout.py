"""A stuck writer does not block everyone without a word: a writer waits at most the lock
timeout, then exits 3 naming what holds the lock (on PostgreSQL its pid and command);
readers never wait. The lock is held by a connection of the test's own, so no sleep
decides anything."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner
from milestones_cli import cli
from sqlalchemy import create_engine, text


def invoke(url, *args):
    return CliRunner().invoke(cli, ["--db", url, "--lock-timeout", "0.5", *args])


def test_a_writer_gives_up_at_the_lock_timeout_and_says_who_holds_the_lock(store, store_url):
    store.append([__import__("eventstore").NewEvent("examplimab", "phase_started", "2019", {"phase": "1"})])
    if store.engine.dialect.name == "sqlite":
        holder = sqlite3.connect(store.engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        release = holder.rollback
    else:
        engine = create_engine(store_url, connect_args={"application_name": "milestones import"})
        conn = engine.connect()
        transaction = conn.begin()
        conn.execute(text("SELECT name FROM milestone_append_lock FOR UPDATE"))
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()

        def release():
            transaction.rollback()
            conn.close()
            engine.dispose()

    try:
        result = invoke(store_url, "append", "examplimab", "phase_started", "--date", "2020", "--phase", "2")
        assert result.exit_code == 3, result.stderr
        assert "waited 0.5 s for the store's write lock" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        if store.engine.dialect.name != "sqlite":
            assert f"pid {pid}, milestones import" in result.stderr
        reader = invoke(store_url, "timeline", "examplimab", "--format", "json")  # readers do not wait
        assert reader.exit_code == 0 and '"2019"' in reader.stdout
    finally:
        release()
    assert invoke(store_url, "append", "examplimab", "phase_started", "--date", "2020", "--phase", "2").exit_code == 0
