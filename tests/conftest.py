"""Fixtures: a fresh store on each backend. PostgreSQL tests use the server named by
MILESTONES_TEST_POSTGRES_URL, each in a schema of its own; without it they skip."""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

import eventstore

POSTGRES_ENV = "MILESTONES_TEST_POSTGRES_URL"
HOW_TO_ENABLE = (
    f"PostgreSQL tests skipped: set {POSTGRES_ENV}=postgresql+psycopg://USER@HOST:5432/DB to run them (CI sets it)"
)


def postgres_base_url() -> str:
    """The server's URL, or a skip (a failure where MILESTONES_TEST_POSTGRES_REQUIRED=1,
    as in CI, so a missing server cannot pass unnoticed)."""
    url = os.environ.get(POSTGRES_ENV)
    required = os.environ.get("MILESTONES_TEST_POSTGRES_REQUIRED") == "1"
    if not url:
        if required:
            pytest.fail(f"{POSTGRES_ENV} is not set but PostgreSQL tests are required")
        pytest.skip(HOW_TO_ENABLE)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # any failure to connect means: not reachable here
        if required:
            pytest.fail(f"PostgreSQL at {url} is not reachable: {error}")
        pytest.skip(f"{HOW_TO_ENABLE}; {url} is not reachable")
    return url


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def postgres_url():
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield with_search_path(base, schema)
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request):
    """One URL per backend: the conformance suite runs once on each."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def store(store_url):
    opened = eventstore.open_store(store_url)
    opened.initialize()
    yield opened
    opened.close()
