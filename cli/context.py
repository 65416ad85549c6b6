"""Opening the store a command works on, with the checks a user needs before it."""

from __future__ import annotations

from pathlib import Path

from eventstore.errors import DEFAULT_LOCK_TIMEOUT, StoreUnavailable
from eventstore.store import EventStore, normalise_url, open_store


class StoreContext:
    def __init__(
        self, location: str | None, application_name: str = "milestones", lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    ):
        self.location = location
        self.application_name = application_name
        self.lock_timeout = lock_timeout
        self._store: EventStore | None = None

    def store(self, create: bool = False) -> EventStore:
        """The store; `create` makes a new SQLite file where none is (init does)."""
        if self._store is None:
            url = normalise_url(self.location)
            if url.startswith("sqlite:///") and not create:
                path = Path(url.removeprefix("sqlite:///"))
                if not path.exists():
                    raise StoreUnavailable(f"no milestones store at {path}: run `milestones init` first")
            self._store = open_store(url, self.application_name, self.lock_timeout)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
