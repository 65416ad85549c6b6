"""A writer killed with SIGKILL at random moments, in the middle of batch appends and of
an import, on every backend: the chain stays sound, each batch is wholly there or wholly
absent, rerunning the import completes it with nothing twice, and the incremental
projection equals a full rebuild."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter

from eventstore import projection
from eventstore.store.sql import ProjectionTables

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


def kill_at_random(args: list[str], rng: random.Random) -> None:
    child = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.3, 2.0))  # the first moments are start-up: imports, connecting
    child.send_signal(signal.SIGKILL)
    child.wait()


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
    tables = ProjectionTables(store)
    incremental = tables.load()
    projection.rebuild(store)
    assert tables.load() == incremental
    return per_batch


def test_killed_batch_appends_leave_whole_batches(store):
    url = store.engine.url.render_as_string(hide_password=False)
    rng = random.Random(20261127)
    batches = 0
    for kill in range(KILLS):
        kill_at_random([APPEND_WORKER, url, str(kill * 1000)], rng)
        batches = len(check_whole(store))
    assert batches > 0, "no batch committed before the kills: the kills came too early to test anything"


def test_a_killed_import_is_all_or_nothing_and_a_rerun_completes_it(store, tmp_path):
    url = store.engine.url.render_as_string(hide_password=False)
    lines = [
        json.dumps(
            {
                "drug": f"drug-{i % 50}",
                "type": "phase_started",
                "date": f"20{10 + i % 10}-0{1 + i % 9}",
                "phase": "1",
                "source": f"file-{i}",
            }
        )
        for i in range(3000)
    ]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n")
    rng = random.Random(7)
    for _ in range(KILLS):
        kill_at_random([IMPORT_WORKER, "--db", url, "import", str(path)], rng)
        count = sum(1 for e in store.read_from(1) if e.kind == "event")
        assert count in (0, 3000)
        check_whole(store)
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_WORKER, "--db", url, "import", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    events = [e for e in store.read_from(1) if e.kind == "event"]
    assert len(events) == 3000 and len({e.source for e in events}) == 3000
    check_whole(store)


def test_a_killed_ingest_is_all_or_nothing_and_a_rerun_completes_it(store, tmp_path):
    url = store.engine.url.render_as_string(hide_password=False)
    names = [f"vo{chr(97 + i // 26)}{chr(97 + i % 26)}tumab" for i in range(150)]  # INN-like, one per drug
    paragraphs = [
        f"In March 2019 the FDA accepted the BLA for {name}. The FDA approved {name} in June 2020. "
        f"{name.capitalize()} is being evaluated in a Phase 3 trial."
        for name in names
    ]
    path = tmp_path / "news.txt"
    path.write_text("Roundup\n\nBOSTON, May 3, 2021 -- " + "\n\n".join(paragraphs) + "\n")
    rng = random.Random(11)
    for _ in range(KILLS):
        kill_at_random([IMPORT_WORKER, "--db", url, "ingest", str(path), "--yes", "--min-confidence", "0"], rng)
        assert len({e.stream for e in store.read_from(1) if e.kind == "event"}) in (0, 150)
        check_whole(store)
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_WORKER, "--db", url, "ingest", str(path), "--yes", "--min-confidence", "0"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    events = [e for e in store.read_from(1) if e.kind == "event"]
    assert len(events) == 450 and len({(e.stream, e.type) for e in events}) == 450
    check_whole(store)
