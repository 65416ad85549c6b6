"""The GRANTs of least-privilege roles on PostgreSQL."""

from __future__ import annotations


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(
    writer: str = "milestones_writer",
    reader: str = "milestones_reader",
    projector: str = "milestones_projector",
    schema: str = "public",
) -> list[str]:
    """The GRANTs for a least-privilege writer (INSERT and SELECT on the log: no UPDATE,
    DELETE or TRUNCATE), a reader (SELECT) and a projector, the only role besides the
    owner that may write the status projection. The writer may only read the projection,
    so it cannot change what `status` reports except by appending: readers fold what the
    projection has not caught up with from the log. Only the writer may take the append
    lock."""
    w, r, p, s = (_identifier(name) for name in (writer, reader, projector, schema))
    log = "milestone_events, milestone_meta"
    projection = "milestone_drug_status, milestone_checkpoints"
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {w}, {r}, {p};",
        f"GRANT SELECT, INSERT ON {log} TO {w};",
        # Locking the append-lock row needs UPDATE: the writer's alone (the row itself never changes).
        f"GRANT SELECT, UPDATE ON milestone_append_lock TO {w};",
        f"GRANT SELECT ON {log}, {projection} TO {w}, {r};",
        f"GRANT SELECT ON {log} TO {p};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {projection} TO {p};",
    ]
