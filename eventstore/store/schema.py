"""The tables, and the triggers that make the event log append-only in the database."""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)

SCHEMA_VERSION = "1"

metadata = MetaData()

# Every fact in one log: milestones, retractions and aliases. `position` is assigned by the
# store under its append lock, so it is gapless and in commit order (docs/design.md).
events = Table(
    "milestone_events",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("id", String(36), nullable=False, unique=True),
    Column("stream", String(200), nullable=False),
    Column("stream_key", String(200), nullable=False),  # the stream's identity: its name case-folded
    Column("version", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("occurred", String(10)),
    Column("occurred_start", Integer),  # first and last day (proleptic ordinals), for queries
    Column("occurred_end", Integer),
    Column("reported", String(10)),
    Column("recorded", String(27), nullable=False),  # UTC, microseconds, sortable as text
    Column("data", Text, nullable=False),
    Column("retracts", String(36)),
    Column("idempotency_key", String(200)),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("stream_key", "version", name="milestone_events_stream_version"),
    # A row outside the log's shape is refused by the database itself (a store created
    # before these were added relies on `verify`, which looks for such rows too).
    CheckConstraint("position >= 1", name="milestone_events_position_on_the_log"),
    CheckConstraint("version >= 1", name="milestone_events_version_on_the_stream"),
    CheckConstraint("length(hash) = 64 AND length(id) = 36", name="milestone_events_hash_and_id_form"),
)
# Partial indexes, in SQL both databases read (declaring them per dialect would load the
# PostgreSQL dialect at every start): most rows have no key, retract nothing and are
# neither alias nor expectation, and an index entry per row would cost every append.
for statement in (
    "CREATE UNIQUE INDEX milestone_events_idempotency_key ON milestone_events (idempotency_key) "
    "WHERE idempotency_key IS NOT NULL",
    "CREATE INDEX milestone_events_retracts ON milestone_events (retracts) WHERE retracts IS NOT NULL",
    "CREATE INDEX milestone_events_aliases ON milestone_events (type) WHERE type = 'alias'",
    "CREATE INDEX milestone_events_expectations ON milestone_events (stream_key) WHERE type = 'expectation'",
):
    event.listen(events, "after_create", DDL(statement))

meta = Table(
    "milestone_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# The persisted status projection: derived, rebuilt at will, so it may be updated.
drug_status = Table(
    "milestone_drug_status",
    metadata,
    Column("drug", String(200), primary_key=True),
    Column("status", Text, nullable=False),
    Column("certain_until", Integer, nullable=False),  # ordinal day an answer may change by itself
)
# The append lock: one row that a writer locks (SELECT … FOR UPDATE) until it commits. Taking
# it needs the UPDATE privilege, which only the writer role has: a reader cannot hold up
# the writers, as it could an advisory lock.
append_lock = Table(
    "milestone_append_lock",
    metadata,
    Column("name", String(20), primary_key=True),
)
APPEND_LOCK_ROW = "append"
checkpoints = Table(
    "milestone_checkpoints",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

APPEND_ONLY_MESSAGE = "milestone_events is append-only: retract an event instead of changing it"

for statement in (
    f"CREATE TRIGGER milestone_events_no_update BEFORE UPDATE ON milestone_events "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    f"CREATE TRIGGER milestone_events_no_delete BEFORE DELETE ON milestone_events "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
):
    event.listen(events, "after_create", DDL(statement).execute_if(dialect="sqlite"))

for statement in (
    "CREATE OR REPLACE FUNCTION milestone_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
    "CREATE TRIGGER milestone_events_no_change BEFORE UPDATE OR DELETE ON milestone_events "
    "FOR EACH ROW EXECUTE FUNCTION milestone_events_append_only()",
    "CREATE TRIGGER milestone_events_no_truncate BEFORE TRUNCATE ON milestone_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION milestone_events_append_only()",
):
    event.listen(events, "after_create", DDL(statement).execute_if(dialect="postgresql"))
