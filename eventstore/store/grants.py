"""The GRANTs of least-privilege roles on PostgreSQL."""

from __future__ import annotations


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(writer: str = "milestones_writer", reader: str = "milestones_reader",
                     schema: str = "public") -> list[str]:
    """The GRANTs for a least-privilege writer (INSERT and SELECT on the log: no UPDATE,
    DELETE or TRUNCATE) and a reader (SELECT). The status projection is derived data
    that the writer replaces as the log grows, so it may change those rows. Only the
    writer may take the append lock."""
    w, r, s = _identifier(writer), _identifier(reader), _identifier(schema)
    log = "milestone_events, milestone_meta"
    projection = "milestone_drug_status, milestone_checkpoints"
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {w}, {r};",
        f"GRANT SELECT, INSERT ON {log} TO {w};",
        # Locking the append-lock row needs UPDATE: the writer's alone (the row itself never changes).
        f"GRANT SELECT, UPDATE ON milestone_append_lock TO {w};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {projection} TO {w};",
        f"GRANT SELECT ON {log}, {projection} TO {r};",
    ]
