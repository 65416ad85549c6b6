"""Web view benchmark, run by hand (not part of the test suite): `milestones serve` over a
store of a given size, measured through HTTP in one run.

    pip install -e '.[web,bench]'
    python bench/store_bench.py --keep /tmp/bench       # builds the stores first
    python bench/web_bench.py /tmp/bench/milestones-100k.db /tmp/bench/milestones-1000000.db

For each store: the drug page and the pipeline page (its first 100 rows), p50 and p95
over 200 requests one at a time (the pipeline is computed once per head of the log and
kept: its first request is shown apart); then 8 concurrent clients asking for both pages for 30 s,
counting errors. Targets at 1M events: drug page p50 <= 50 ms, pipeline p50 <= 200 ms,
zero errors.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import eventstore
from eventstore import projection

REQUESTS = 200
CLIENTS = 8
SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return (time.perf_counter() - start) * 1000


def percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    return f"p50 {statistics.median(ordered):7.1f} ms   p95 {ordered[int(len(ordered) * 0.95) - 1]:7.1f} ms"


def bench(store_path: Path) -> None:
    store = eventstore.open_store(str(store_path))
    projection.catch_up(store)  # as `milestones refresh` leaves it: the pages read the projection
    events, _ = store.head()
    drugs = store.streams()
    store.close()
    port = free_port()
    milestones = str(Path(sys.executable).parent / "milestones")
    server = subprocess.Popen([milestones, "--db", str(store_path), "serve", "--port", str(port)],
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(base + "/api")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    reason = server.stderr.read() if server.stderr else ""
                    raise SystemExit(f"the server did not start: {reason}") from None
                time.sleep(0.1)
        rng = random.Random(5)
        drug_urls = [f"{base}/drugs/{rng.choice(drugs)}" for _ in range(REQUESTS)]
        print(f"\n{store_path.name}: {events:,} events, {len(drugs):,} drugs")
        fetch(drug_urls[0])  # warm: first reads of the file
        cold = fetch(base + "/")
        print(f"  drug page      {percentiles([fetch(u) for u in drug_urls])}   (target p50 <= 50 ms at 1M)")
        print(f"  pipeline page, first request (computes every drug's status): {cold:.0f} ms")
        print(f"  pipeline page  {percentiles([fetch(base + '/') for _ in range(REQUESTS)])}   "
              f"(first {100} rows; target p50 <= 200 ms at 1M)")  # fmt: skip
        done, errors, stop = [], [], time.monotonic() + SECONDS

        def client(seed: int) -> None:
            r = random.Random(seed)
            while time.monotonic() < stop:
                url = base + "/" if r.random() < 0.2 else f"{base}/drugs/{r.choice(drugs)}"
                try:
                    done.append(fetch(url))
                except Exception as error:  # every failure counts
                    errors.append(repr(error))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"  {CLIENTS} clients for {SECONDS} s: {len(done):,} pages ({len(done) / SECONDS:.1f}/s), "
              f"{percentiles(done)}, {len(errors)} errors (target 0)")  # fmt: skip
        for error in errors[:3]:
            print(f"    {error}")
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stores", nargs="+", type=Path, help="SQLite store files, smallest first")
    for path in parser.parse_args().stores:
        bench(path)


if __name__ == "__main__":
    main()
