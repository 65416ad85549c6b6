"""Opening a store by URL or path."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from ..errors import DEFAULT_LOCK_TIMEOUT, StoreUnavailable
from .base import AppendResult, EventStore, VerifyReport
from .sql import SQLStore

__all__ = ["AppendResult", "EventStore", "SQLStore", "VerifyReport", "default_location", "normalise_url", "open_store"]


def default_location() -> Path:
    """The per-user SQLite file, in the platform's place for user data: the XDG data
    directory on Linux, Application Support on macOS, AppData on Windows."""
    return Path(platformdirs.user_data_dir("milestones", appauthor=False)) / "milestones.db"


def normalise_url(location: str | os.PathLike | None) -> str:
    """A value with `://` is an SQLAlchemy URL; anything else is a SQLite file path."""
    if location is None:
        path = default_location()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    location = str(location)
    if "://" not in location:
        return f"sqlite:///{Path(location).expanduser().resolve()}"
    if location.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + location.split("://", 1)[1]
    return location


def open_store(
    location: str | os.PathLike | None = None,
    application_name: str = "milestones",
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> EventStore:
    """The store at a path or URL. `application_name` names the connections (PostgreSQL
    shows it to whoever looks for a lock's holder); a writer waits at most `lock_timeout`
    seconds for another to let go of the store, then raises LockTimeout."""
    url = normalise_url(location)
    if lock_timeout <= 0:
        raise StoreUnavailable("the lock timeout must be a positive number of seconds")
    if url.startswith("sqlite"):
        from .sqlite import SQLiteStore

        return SQLiteStore(url, application_name, lock_timeout)
    if url.startswith("postgresql"):
        try:
            from .postgres import PostgresStore

            return PostgresStore(url, application_name, lock_timeout)
        except ImportError as exc:
            raise StoreUnavailable(f"PostgreSQL needs psycopg: pip install 'milestones[postgres]' ({exc})") from None
    raise StoreUnavailable(f"unsupported store URL {url.split('://')[0]}://…: use a SQLite path or postgresql://")
