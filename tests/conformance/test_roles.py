"""Least-privilege roles on PostgreSQL: the writer appends but cannot change the log;
the reader reads but cannot append."""

from __future__ import annotations

import json
import uuid
from typing import NamedTuple

import pytest
from sqlalchemy import create_engine, make_url, text

from eventstore import NewEvent, StoreUnavailable, open_store
from eventstore.store.grants import grant_statements


class Roles(NamedTuple):
    """The store's URL as each role."""

    writer: str
    reader: str
    projector: str


@pytest.fixture
def roles(postgres_url):
    admin_store = open_store(postgres_url)
    admin_store.initialize()
    admin_store.append([NewEvent("toripalimab", "approved", "2018-12-17", {"agency": "NMPA"})])
    schema = make_url(postgres_url).query["options"].split("=")[-1]
    suffix = uuid.uuid4().hex[:8]
    names = writer, reader, projector = f"w_{suffix}", f"r_{suffix}", f"p_{suffix}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for role in names:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        for statement in grant_statements(writer, reader, projector, schema):
            conn.execute(text(statement))
    as_role = {role: make_url(postgres_url).set(username=role).render_as_string(hide_password=False) for role in names}
    yield Roles(as_role[writer], as_role[reader], as_role[projector])
    admin_store.close()
    with admin.connect() as conn:
        for role in names:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE milestone_events SET type = 'rejected'", "DELETE FROM milestone_events", "TRUNCATE milestone_events"],
)
def test_the_writer_cannot_change_the_log(roles, statement):
    writer_url = roles.writer
    engine = create_engine(writer_url)
    with pytest.raises(Exception, match="permission denied"), engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def test_the_writer_appends_and_the_reader_reads(roles):
    writer_url, reader_url, _ = roles
    with open_store(writer_url) as writer:
        [result] = writer.append([NewEvent("toripalimab", "filing_accepted", "2018-03", {"agency": "NMPA"})])
        assert writer.verify().sound
    with open_store(reader_url) as reader:
        assert reader.get(result.id).type == "filing_accepted"
        with pytest.raises(StoreUnavailable, match="permission denied"):
            reader.append([NewEvent("toripalimab", "launched", "2019-01")])


def test_the_command_line_under_each_role(roles):
    from click.testing import CliRunner
    from milestones_cli import cli

    writer_url, reader_url, _ = roles
    runner = CliRunner()
    appended = runner.invoke(cli, ["--db", writer_url, "append", "toripalimab", "launched", "--date", "2019-03"])
    assert appended.exit_code == 0, appended.stderr
    status = runner.invoke(cli, ["--db", reader_url, "status", "toripalimab", "--format", "json"])
    assert status.exit_code == 0 and '"launched"' in status.stdout
    refused = runner.invoke(cli, ["--db", reader_url, "append", "toripalimab", "launched", "--date", "2019-04"])
    assert refused.exit_code == 2
    assert "permission denied" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("position, version", [(0, 999), (-1, 999), (1, 999), (5, 0)])
def test_the_writer_cannot_insert_a_row_off_the_log_with_raw_sql(roles, position, version):
    writer_url = roles.writer
    engine = create_engine(writer_url)
    with pytest.raises(Exception, match=r"violates (check|unique) constraint|duplicate key"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO milestone_events (position, id, stream, stream_key, version, type, recorded, data, hash) "
                "VALUES (:position, '00000000-0000-4000-8000-000000000000', 'toripalimab', 'toripalimab', :version, "
                "'rejected', '2026-01-01T00:00:00.000000Z', '{}', :hash)"
            ),
            {"position": position, "version": version, "hash": "x" if position != 5 else "f" * 64},
        )
    engine.dispose()
    with open_store(writer_url) as writer:
        assert writer.verify().sound


def test_the_reader_cannot_take_the_append_lock(roles):
    reader_url = roles.reader
    engine = create_engine(reader_url)
    with pytest.raises(Exception, match="permission denied"), engine.begin() as conn:
        conn.execute(text("SELECT name FROM milestone_append_lock FOR UPDATE"))
    engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE milestone_drug_status SET status = replace(status, '\"approved\"', '\"rejected\"')",
        "DELETE FROM milestone_drug_status",
        "UPDATE milestone_checkpoints SET position = position + 1",
    ],
)
def test_the_writer_cannot_change_what_status_reports_except_by_appending(roles, statement):
    engine = create_engine(roles.writer)
    with pytest.raises(Exception, match="permission denied"), engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def test_status_is_right_while_the_projection_lags_and_the_projector_catches_it_up(roles):
    from click.testing import CliRunner
    from milestones_cli import cli

    runner = CliRunner()

    def status(url: str) -> str:
        shown = runner.invoke(cli, ["--db", url, "status", "toripalimab", "--format", "json"])
        assert shown.exit_code == 0, shown.stderr
        return shown.stdout

    with open_store(roles.writer) as writer:
        behind = writer.projection().checkpoint()
    appended = runner.invoke(
        cli, ["--db", roles.writer, "append", "toripalimab", "withdrawn", "--date", "2020-05", "--agency", "NMPA"]
    )
    assert appended.exit_code == 0, appended.stderr
    with open_store(roles.reader) as reader:
        tables = reader.projection()
        assert tables.checkpoint() == behind < reader.head()[0]  # the writer could not move it
        assert '"withdrawn"' not in json.dumps(tables.load(["toripalimab"]))
    assert '"withdrawn"' in status(roles.reader)  # folded from the log, not read from the stale row
    refreshed = runner.invoke(cli, ["--db", roles.projector, "refresh"])
    assert refreshed.exit_code == 0, refreshed.stderr
    with open_store(roles.reader) as reader:
        tables = reader.projection()
        assert tables.checkpoint() == reader.head()[0]
        assert '"withdrawn"' in json.dumps(tables.load(["toripalimab"]))
    assert '"withdrawn"' in status(roles.reader)


def test_the_web_view_works_with_the_reader_role(roles):
    from milestones_cli.web import create_app
    from starlette.testclient import TestClient

    with open_store(roles.reader) as reader:
        client = TestClient(create_app(reader), raise_server_exceptions=False)
        for url in (
            "/",
            "/drugs/toripalimab",
            "/calendar",
            "/calendar.ics",
            "/changes",
            "/changes.atom",
            "/api/pipeline",
        ):
            assert client.get(url).status_code == 200, url
        assert "approved" in client.get("/drugs/toripalimab").text
