"""Database errors are told apart by what the database says they are (PostgreSQL's
SQLSTATE), not by the words of a message the server may write in another language."""

from __future__ import annotations

import pytest

from eventstore.errors import AccessDenied, InvalidEvent, StoreUnavailable
from eventstore.store.postgres import PostgresStore


class ServerError(Exception):
    def __init__(self, message: str, sqlstate: str | None):
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("message", "sqlstate", "kind", "says"),
    [
        ("FEHLER:  Relation »milestone_events« existiert nicht", "42P01", StoreUnavailable, "milestones init"),
        ("FEHLER:  keine Berechtigung für Tabelle milestone_drug_status", "42501", AccessDenied, "refused"),
        (
            "FATAL:  Verbindung wird abgebrochen aufgrund von Anweisung des Administrators",
            "57P01",
            StoreUnavailable,
            "lost the connection",
        ),
        ("FEHLER:  doppelter Schlüsselwert verletzt Unique-Constraint", "23505", InvalidEvent, "refused the event"),
        (
            "FEHLER:  milestone_events is append-only: retract an event instead of changing it",
            "P0001",
            StoreUnavailable,
            "refused by the database",
        ),
        ("FEHLER:  Division durch Null", "22012", StoreUnavailable, "cannot use the store"),
    ],
)
def test_a_postgresql_error_in_german_is_explained_by_its_sqlstate(message, sqlstate, kind, says):
    store = PostgresStore("postgresql+psycopg://nobody@127.0.0.1:1/none")  # no connection is made
    explained = store._explain(ServerError(message, sqlstate))
    assert type(explained) is kind and says in str(explained)
