"""A writer killed with SIGKILL inside its write transaction (each kill proven to land
there, or tried again), in the middle of batch appends, an import and an ingest, on
every backend: the chain stays sound, each batch is wholly there or wholly
absent, rerunning the import completes it with nothing twice, and the incremental
projection equals a full rebuild."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import text

from eventstore import projection

KILLS = 5
BATCH = 200

APPEND_WORKER = """
import sys
from eventstore import NewEvent, open_store
from eventstore.projection import catch_up
store = open_store(sys.argv[1])
start = int(sys.argv[2])
for batch in range(start, start + 1000):
    store.append([NewEvent(f"drug-{i % 7}", "results_reported", "2020-Q2", {"phase": "2"},
                           idempotency_key=f"batch-{batch}-{i}") for i in range(BATCH)])
    catch_up(store)
""".replace("BATCH", str(BATCH))

IMPORT_WORKER = "import sys; from milestones_cli import main; sys.argv = ['milestones'] + sys.argv[1:]; main()"


ATTEMPTS = 8 * KILLS  # a kill that lands after a commit proves nothing: tried again, up to this


def writing(store) -> bool:
    """Whether another process holds the store's write lock, i.e. is inside a write
    transaction: on SQLite the file's write lock, on PostgreSQL the append-lock row."""
    if store.engine.dialect.name == "sqlite":
        probe = sqlite3.connect(store.engine.url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as error:
            assert "locked" in str(error), error
            return True
        finally:
            probe.close()
    with store.engine.connect() as conn:
        return (
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE granted AND pid <> pg_backend_pid() "
                    "AND relation = to_regclass('milestone_append_lock')"
                )
            ).scalar_one()
            > 0
        )


def committed(store, key_prefix: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM milestone_events WHERE idempotency_key LIKE :p"), {"p": key_prefix + "%"}
        ).scalar_one()


def kill_mid_write(args: list[str], store, key_prefix: str, rng: random.Random, after_rows: int = 0) -> bool:
    """Start a writer and SIGKILL it inside a write transaction, at a random moment of
    its work once `after_rows` rows are committed. True when the kill provably landed
    there: the writer held the write lock after the committed rows were counted, and no
    row was committed until it died."""
    child = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        caught = 0
        wanted = rng.randrange(1, 40)  # which of the moments it is seen writing: vary where the kill lands
        while caught < wanted or committed(store, key_prefix) < after_rows:
            if child.poll() is not None:  # done before it was caught: this attempt proves nothing
                assert child.returncode == 0, child.stderr.read() if child.stderr else ""
                return False
            assert time.monotonic() < deadline, "the writer was never caught writing"
            caught += writing(store)
        before = committed(store, key_prefix)
        in_transaction = writing(store)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    return in_transaction and committed(store, key_prefix) == before


def check_whole(store) -> Counter:
    report = store.verify()
    assert report.sound, report.faults
    per_batch = Counter(
        e.idempotency_key.rsplit("-", 1)[0]
        for e in store.read_from(1)
        if e.idempotency_key and e.idempotency_key.startswith("batch-")
    )
    assert set(per_batch.values()) <= {BATCH}, per_batch
    projection.catch_up(store)
    tables = store.projection()
    incremental = tables.load()
    projection.rebuild(store)
    assert tables.load() == incremental
    return per_batch


def test_killed_batch_appends_leave_whole_batches(store):
    url = store.engine.url.render_as_string(hide_password=False)
    rng = random.Random(20261127)
    proven = 0
    for attempt in range(ATTEMPTS):
        after = committed(store, "batch-") + rng.randrange(3) * BATCH  # some batches committed first
        proven += kill_mid_write([APPEND_WORKER, url, str(attempt * 1000)], store, "batch-", rng, after)
        check_whole(store)
        if proven == KILLS:
            break
    assert proven == KILLS, f"only {proven} of {ATTEMPTS} kills landed inside a write transaction"
    assert len(check_whole(store)) > 0, "no batch committed before the kills: nothing was tested"


def plain_lines(round_: int, count: int) -> str:
    return "".join(
        json.dumps(
            {
                "drug": f"drug-{i % 50}",
                "type": "phase_started",
                "date": f"20{10 + i % 10}-0{1 + i % 9}",
                "phase": "1",
                "source": f"file-{round_}-{i}",
                "idempotency_key": f"round-{round_}-{i}",
            }
        )
        + "\n"
        for i in range(count)
    )


def test_a_killed_import_is_all_or_nothing_and_a_rerun_completes_it(store, tmp_path):
    """Each round imports a file of its own, so a round whose kill came too late is
    simply tried again with the next."""
    url = store.engine.url.render_as_string(hide_password=False)
    rng = random.Random(7)
    lines = 12_000  # more than two chunks of an import
    proven = 0
    for round_ in range(ATTEMPTS):
        path = tmp_path / f"round-{round_}.jsonl"
        path.write_text(plain_lines(round_, lines))
        landed = kill_mid_write([IMPORT_WORKER, "--db", url, "import", str(path)], store, f"round-{round_}-", rng)
        assert committed(store, f"round-{round_}-") in (0, lines)
        check_whole(store)
        proven += landed
        if proven == KILLS:
            break
    assert proven == KILLS, f"only {proven} of {ATTEMPTS} kills landed inside the import's transaction"
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_WORKER, "--db", url, "import", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert committed(store, f"round-{round_}-") == lines
    check_whole(store)


def test_a_killed_ingest_is_all_or_nothing_and_a_rerun_completes_it(store, tmp_path):
    url = store.engine.url.render_as_string(hide_password=False)
    rng = random.Random(11)
    proven = 0
    for round_ in range(ATTEMPTS):
        # INN-like names, one per drug, new in each round
        names = [f"vo{chr(97 + round_)}{chr(97 + i // 26)}{chr(97 + i % 26)}tumab" for i in range(150)]
        paragraphs = [
            f"In March 2019 the FDA accepted the BLA for {name}. The FDA approved {name} in June 2020. "
            f"{name.capitalize()} is being evaluated in a Phase 3 trial."
            for name in names
        ]
        path = tmp_path / f"news-{round_}.txt"
        path.write_text("Roundup\n\nBOSTON, May 3, 2021 -- " + "\n\n".join(paragraphs) + "\n")
        args = [IMPORT_WORKER, "--db", url, "ingest", str(path), "--yes", "--min-confidence", "0"]
        landed = kill_mid_write(args, store, "", rng)
        assert len({e.stream for e in store.read_from(1) if e.kind == "event" and e.stream in names}) in (0, 150)
        check_whole(store)
        proven += landed
        if proven == KILLS:
            break
    assert proven == KILLS, f"only {proven} of {ATTEMPTS} kills landed inside the ingest's transaction"
    done = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    events = [e for e in store.read_from(1) if e.kind == "event" and e.stream in names]
    assert len(events) == 450 and len({(e.stream, e.type) for e in events}) == 450
    check_whole(store)
