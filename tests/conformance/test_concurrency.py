"""Several OS processes appending at once, to the same drug and to their own."""

from __future__ import annotations

import multiprocessing
from collections import Counter

from eventstore import NewEvent, open_store

PROCESSES, APPENDS = 4, 30


def append_many(url: str, worker: int) -> None:
    store = open_store(url)
    for i in range(APPENDS):
        drug = "shared" if i % 2 else f"own-{worker}"
        store.append([NewEvent(drug, "results_reported", "2020-Q1", {"phase": "2"}, idempotency_key=f"{worker}-{i}")])
    store.close()


def test_concurrent_processes_lose_and_duplicate_nothing(store):
    url = store.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=append_many, args=(url, w)) for w in range(PROCESSES)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    events = list(store.read_from(1))
    assert len(events) == PROCESSES * APPENDS
    assert len({e.idempotency_key for e in events}) == len(events)
    assert [e.position for e in events] == list(range(1, len(events) + 1))
    per_stream = Counter(e.stream for e in events)
    for stream, n in per_stream.items():
        assert [e.version for e in events if e.stream == stream] == list(range(1, n + 1))
    assert per_stream["shared"] == PROCESSES * APPENDS // 2
    assert store.verify().sound
