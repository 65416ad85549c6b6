"""Store benchmarks, run by hand (not part of the test suite). Prints each figure and its
ratio to the comparison it is judged against, all measured in this one run.

    pip install -e '.[bench]'
    python bench/store_bench.py                       # SQLite only
    python bench/store_bench.py --postgres postgresql+psycopg://root@127.0.0.1:5432/test
    python bench/store_bench.py --large 1000000        # the size of the 1M-event figures

1. append 100,000 events over 2,000 drugs (a) in batches of 100, (b) one per call (the
   first 5,000): milestones, the eventsourcing library's recorders, and the floor
   (sqlite3 executemany in one transaction; PostgreSQL COPY) on the same payloads.
   Then `milestones import` of the same events as a JSON Lines file (the whole command:
   start, parse, check, chain, insert, projection), against eventsourcing's batches and
   against the floor of our own schema (the rows the import wrote, precomputed, inserted
   again in one transaction into an empty store); and `milestones import` of the large
   size, with its peak RSS.
2. read one drug's stream: median latency on the large store.
3. status DRUG --as-of D through the library: median latency at 100,000 and at the
   large size.
4. full rebuild of the projection on the large store: events/s and peak RSS.
5. `milestones timeline` and `status --as-of` wall time against the import floor of our
   dependencies.
6. `verify` over the large store: events per second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import eventstore
from eventstore import NewEvent, queries
from eventstore.status import Cutoffs

TYPES = [
    ("phase_started", {"phase": "1"}),
    ("phase_started", {"phase": "2"}),
    ("results_reported", {"phase": "2"}),
    ("designation_granted", {"agency": "FDA", "designation": "orphan"}),
    ("filing_accepted", {"agency": "NMPA", "application": "NDA"}),
    ("approved", {"agency": "NMPA", "pathway": "conditional"}),
]


def workload(events: int, drugs: int, seed: int = 7) -> list[dict]:
    """Milestone-like events, about 300 bytes each as JSON, spread evenly over drugs."""
    rng = random.Random(seed)
    out = []
    for i in range(events):
        type_, attributes = TYPES[(i // drugs) % len(TYPES)]
        day = date(2010 + rng.randrange(14), rng.randrange(1, 13), rng.randrange(1, 29))
        out.append(
            {
                "drug": f"drug-{i % drugs:05d}",
                "type": type_,
                "date": day.isoformat(),
                "attributes": {**attributes, "indication": f"advanced solid tumours, cohort {rng.randrange(99)}"},
                "source": f"https://news.example.org/releases/{rng.randrange(10**9)}",
                "quote": "The company announced the milestone today in a press release that restated its "
                "earlier guidance.",
                "reported": day.isoformat(),
            }
        )
    return out


def new_event(row: dict) -> NewEvent:
    return NewEvent(
        row["drug"],
        row["type"],
        row["date"],
        row["attributes"],
        source=row["source"],
        quote=row["quote"],
        reported=row["reported"],
    )


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} events/s"


# -- 1. append ---------------------------------------------------------------------------


def milestones_append(url: str, rows: list[dict], batch: int) -> float:
    store = eventstore.open_store(url)
    store.initialize()

    def run():
        for i in range(0, len(rows), batch):
            store.append([new_event(r) for r in rows[i : i + batch]])

    seconds = timed(run)
    store.close()
    return seconds


def eventsourcing_recorder(kind: str, target: str):
    if kind == "sqlite":
        from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

        recorder = SQLiteApplicationRecorder(SQLiteDatastore(target, originator_id_type="text"))
    else:
        from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
        from sqlalchemy import make_url

        url = make_url(target)
        recorder = PostgresApplicationRecorder(
            PostgresDatastore(
                url.database,
                url.host,
                url.port or 5432,
                url.username,
                url.password or "",
                schema=url.query.get("options", "").split("search_path=")[-1] or "",
                originator_id_type="text",
            ),
            events_table_name=f"bench_es_{uuid.uuid4().hex[:8]}",
        )
    recorder.create_table()
    return recorder


def eventsourcing_append(kind: str, target: str, rows: list[dict], batch: int) -> float:
    from eventsourcing.persistence import StoredEvent

    recorder = eventsourcing_recorder(kind, target)
    versions: dict[str, int] = {}

    def stored(row):
        versions[row["drug"]] = version = versions.get(row["drug"], 0) + 1
        return StoredEvent(
            originator_id=row["drug"], originator_version=version, topic=row["type"], state=json.dumps(row).encode()
        )

    def run():
        for i in range(0, len(rows), batch):
            recorder.insert_events([stored(r) for r in rows[i : i + batch]])

    return timed(run)


def sqlite_floor(path: str, rows: list[dict]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE floor (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL,"
        " type TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (stream, version))"
    )

    def run():
        versions: dict[str, int] = {}
        records = []
        for row in rows:
            versions[row["drug"]] = versions.get(row["drug"], 0) + 1
            records.append((row["drug"], versions[row["drug"]], row["type"], json.dumps(row)))
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO floor (stream, version, type, data) VALUES (?, ?, ?, ?)", records)
        conn.execute("COMMIT")

    seconds = timed(run)
    conn.close()
    return seconds


def postgres_floor(url: str, rows: list[dict]) -> float:
    import psycopg
    from sqlalchemy import make_url

    u = make_url(url)
    options = u.query.get("options")
    conn = psycopg.connect(
        host=u.host,
        port=u.port or 5432,
        user=u.username,
        dbname=u.database,
        **({"options": options} if options else {}),
    )
    table = f"bench_floor_{uuid.uuid4().hex[:8]}"
    conn.execute(
        f"CREATE TABLE {table} (position BIGSERIAL PRIMARY KEY, stream TEXT NOT NULL, version INT NOT NULL,"
        f" type TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (stream, version))"
    )
    conn.commit()

    def run():
        versions: dict[str, int] = {}
        with conn.cursor() as cursor, cursor.copy(f"COPY {table} (stream, version, type, data) FROM STDIN") as copy:
            for row in rows:
                versions[row["drug"]] = versions.get(row["drug"], 0) + 1
                copy.write_row((row["drug"], versions[row["drug"]], row["type"], json.dumps(row)))
        conn.commit()

    seconds = timed(run)
    conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    return seconds


def postgres_schema(url: str):
    """A fresh schema for one measurement, so each starts from an empty store."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return schema, f"{url}{sep}options=-csearch_path%3D{schema}"


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(
                json.dumps(
                    {
                        "drug": row["drug"],
                        "type": row["type"],
                        "date": row["date"],
                        **row["attributes"],
                        "source": row["source"],
                        "quote": row["quote"],
                        "reported": row["reported"],
                    }
                )
                + "\n"
            )


def cli_import(url: str, path: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS of `milestones import` into a new store."""
    milestones = str(Path(sys.executable).parent / "milestones")
    eventstore.open_store(url).initialize()
    return run_measured([milestones, "--db", url, "import", str(path)])


def schema_floor(source_url: str, target_url: str) -> float:
    """Insert the rows an import wrote, read back beforehand, into an empty store of our
    schema (its indexes, constraints and triggers) in one transaction set up as an
    import's is, through the same driver path the store writes with."""
    from eventstore.store.sql import INSERT_COLUMNS

    source = eventstore.open_store(source_url)
    with source.engine.connect() as conn:
        rows = [
            tuple(r)
            for r in conn.exec_driver_sql(f"SELECT {', '.join(INSERT_COLUMNS)} FROM milestone_events ORDER BY position")
        ]
    source.close()
    target = eventstore.open_store(target_url)
    target.initialize()

    def run():
        with target.engine.connect() as conn:
            conn.execution_options(milestones_write=True)
            with conn.begin():
                target._prepare_import(conn)  # what an import's transaction gets
                target._write_rows(conn, rows)

    seconds = timed(run)
    target.close()
    return seconds


def bench_import(work: Path, rows: list[dict], figures: dict, postgres: str | None, large: int) -> None:
    source = work / "import-100k.jsonl"
    write_jsonl(source, rows)
    for name in ("import.db", "import-floor.db"):
        for suffix in ("", "-wal", "-shm"):
            (work / (name + suffix)).unlink(missing_ok=True)
    imported = f"sqlite:///{work / 'import.db'}"
    figures["sqlite", "import"] = len(rows) / cli_import(imported, source)[0]
    figures["sqlite", "schema floor"] = len(rows) / schema_floor(imported, f"sqlite:///{work / 'import-floor.db'}")
    if postgres:
        (schema, url), (floor_schema, floor_url) = postgres_schema(postgres), postgres_schema(postgres)
        figures["postgres", "import"] = len(rows) / cli_import(url, source)[0]
        figures["postgres", "schema floor"] = len(rows) / schema_floor(url, floor_url)
        drop_schema(postgres, schema)
        drop_schema(postgres, floor_schema)
    print(f"\n1c. milestones import of {len(rows):,} events (JSON Lines, the whole command)")
    for backend, target in (("sqlite", 1.5), ("postgres", 2)) if postgres else (("sqlite", 1.5),):
        f = {k[1]: v for k, v in figures.items() if k[0] == backend}
        print(
            f"  {backend:<9} {f['import']:>9,.0f}/s   eventsourcing (a) {f['eventsourcing a']:>9,.0f}/s   "
            f"ratio {f['import'] / f['eventsourcing a']:.2f}x (target >= {target})   schema floor "
            f"{f['schema floor']:>9,.0f}/s   ratio {f['import'] / f['schema floor']:.2f}x (target >= 0.5)"
        )
    big = work / f"import-{large}.jsonl"
    write_jsonl(big, workload(large, large // 50, seed=13))
    (work / "import-large.db").unlink(missing_ok=True)
    seconds, rss = cli_import(f"sqlite:///{work / 'import-large.db'}", big)
    print(
        f"  sqlite, {large:,} events: {seconds:.1f}s = {rate(large, seconds).strip()}, peak RSS "
        f"{rss / 2**20:.0f} MB (target <= 300)"
    )
    for path in (big, *(work / f"import-large.db{suffix}" for suffix in ("", "-wal", "-shm"))):
        path.unlink(missing_ok=True)


def bench_append(work: Path, rows: list[dict], singles: int, postgres: str | None) -> tuple[Path, dict]:
    print(
        f"\n1. append {len(rows):,} events over {len({r['drug'] for r in rows}):,} drugs "
        f"(~{sum(len(json.dumps(r)) for r in rows) // len(rows)} bytes each)"
    )
    figures: dict[tuple[str, str], float] = {}
    for name in ("milestones-100k.db", "m1.db", "es.db", "es1.db", "floor.db"):
        for suffix in ("", "-wal", "-shm"):
            (work / (name + suffix)).unlink(missing_ok=True)
    store_100k = work / "milestones-100k.db"
    figures["sqlite", "milestones a"] = len(rows) / milestones_append(f"sqlite:///{store_100k}", rows, 100)
    figures["sqlite", "milestones b"] = singles / milestones_append(f"sqlite:///{work / 'm1.db'}", rows[:singles], 1)
    figures["sqlite", "eventsourcing a"] = len(rows) / eventsourcing_append("sqlite", str(work / "es.db"), rows, 100)
    figures["sqlite", "eventsourcing b"] = singles / eventsourcing_append(
        "sqlite", str(work / "es1.db"), rows[:singles], 1
    )
    figures["sqlite", "floor a"] = len(rows) / sqlite_floor(str(work / "floor.db"), rows)
    if postgres:
        for name, measure in (
            ("milestones a", lambda u: milestones_append(u, rows, 100)),
            ("milestones b", lambda u: milestones_append(u, rows[:singles], 1)),
            ("eventsourcing a", lambda u: eventsourcing_append("postgres", u, rows, 100)),
            ("eventsourcing b", lambda u: eventsourcing_append("postgres", u, rows[:singles], 1)),
            ("floor a", lambda u: postgres_floor(u, rows)),
        ):
            schema, url = postgres_schema(postgres)
            count = singles if name.endswith("b") else len(rows)
            figures["postgres", name] = count / measure(url)
            drop_schema(postgres, schema)
    for backend in ("sqlite", "postgres") if postgres else ("sqlite",):
        f = {k[1]: v for k, v in figures.items() if k[0] == backend}
        print(f"  {backend}:")
        print(
            f"    (a) batches of 100   milestones {f['milestones a']:>9,.0f}/s   eventsourcing "
            f"{f['eventsourcing a']:>9,.0f}/s   floor {f['floor a']:>9,.0f}/s"
        )
        print(
            f"        ratios: milestones/eventsourcing {f['milestones a'] / f['eventsourcing a']:.2f}x "
            f"(target >= 2)   milestones/floor {f['milestones a'] / f['floor a']:.2f}x"
            + ("  (target >= 0.5)" if backend == "sqlite" else "")
        )
        print(
            f"    (b) one per call     milestones {f['milestones b']:>9,.0f}/s   eventsourcing "
            f"{f['eventsourcing b']:>9,.0f}/s   ratio {f['milestones b'] / f['eventsourcing b']:.2f}x "
            f"(target >= 2)"
        )
    return store_100k, figures


# -- 2-5. the large store -----------------------------------------------------------------


def build_large(path: Path, events: int, drugs: int) -> None:
    rows = workload(events, drugs, seed=11)
    store = eventstore.open_store(f"sqlite:///{path}")
    store.initialize()
    seconds = timed(
        lambda: [store.append([new_event(r) for r in rows[i : i + 1000]]) for i in range(0, len(rows), 1000)]
    )
    store.close()
    print(f"  built {events:,} events over {drugs:,} drugs in {seconds:.1f}s ({rate(events, seconds).strip()})")


def median_ms(function, samples: list) -> float:
    times = []
    for sample in samples:
        start = time.perf_counter()
        function(sample)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_reads(store_100k: Path, large: Path, large_size: int, drugs: int) -> None:
    rng = random.Random(3)
    small, big = (eventstore.open_store(f"sqlite:///{p}") for p in (store_100k, large))
    big_drugs = [f"drug-{rng.randrange(drugs):05d}" for _ in range(300)]
    small_drugs = [f"drug-{rng.randrange(2000):05d}" for _ in range(300)]
    read = median_ms(big.read_drug, big_drugs)
    print(f"\n2. read one drug's stream ({large_size // drugs} events) on {large_size:,} events: median {read:.2f} ms")
    cut = Cutoffs(as_of=date(2018, 6, 30))
    at_small = median_ms(lambda d: queries.drug_status(small, d, cut), small_drugs)
    at_big = median_ms(lambda d: queries.drug_status(big, d, cut), big_drugs)
    print(
        f"\n3. status DRUG --as-of 2018-06-30 (library): median {at_small:.2f} ms at 100,000 events, "
        f"{at_big:.2f} ms at {large_size:,} (target <= 5 ms); growth {at_big / at_small:.2f}x"
    )
    small.close()
    big.close()


def run_measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of a command. Linux keeps a process's peak RSS
    across exec, so a child forked from this (large) process would report this one's;
    GNU time, small itself, forks the command and reads its real peak."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    start = time.perf_counter()
    if gnu_time:
        done = subprocess.run(
            [gnu_time, "-f", "%M", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()[-300:]}")
        return seconds, int(done.stderr.strip().splitlines()[-1]) * 1024
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    return seconds, usage.ru_maxrss * 1024  # an upper bound: may include this process's own peak


def bench_rebuild(large: Path, large_size: int) -> None:
    milestones = str(Path(sys.executable).parent / "milestones")
    seconds, rss = run_measured([milestones, "--db", str(large), "rebuild"])
    print(
        f"\n4. rebuild the projection from {large_size:,} events: {seconds:.1f}s = {rate(large_size, seconds).strip()}"
        f" (target >= 200,000), peak RSS {rss / 2**20:.0f} MB (target <= 300)"
    )


def bench_cli(large: Path, runs: int = 15) -> None:
    milestones = str(Path(sys.executable).parent / "milestones")
    floor = [sys.executable, "-c", "import sqlalchemy, click, tabulate, dateutil.parser"]
    commands = {
        "floor": floor,
        "timeline": [milestones, "--db", str(large), "timeline", "drug-00042"],
        "status --as-of": [milestones, "--db", str(large), "status", "drug-00042", "--as-of", "2018-06-30"],
    }
    # As on a user's machine, our modules start from their cached bytecode: a shell that
    # sets PYTHONDONTWRITEBYTECODE would have them compiled from source at every start
    # (the floor's libraries were compiled when pip installed them). One run writes it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    medians = {}
    for name, args in commands.items():
        run_measured(args, env)
        medians[name] = statistics.median(run_measured(args, env)[0] for _ in range(runs))
    print(f"\n5. command line, median of {runs} runs: import floor {medians['floor'] * 1000:.0f} ms")
    for name in ("timeline", "status --as-of"):
        print(
            f"   milestones {name:<15} {medians[name] * 1000:>5.0f} ms = {medians[name] / medians['floor']:.2f}x "
            f"the floor (target <= 1.3)"
        )


def bench_verify(large: Path, large_size: int) -> None:
    store = eventstore.open_store(f"sqlite:///{large}")
    seconds = timed(lambda: store.verify())
    store.close()
    print(
        f"\n6. verify the hash chain of {large_size:,} events: {seconds:.1f}s = {rate(large_size, seconds).strip()} "
        f"(aim >= 100,000)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="PostgreSQL URL for the PostgreSQL half of benchmark 1")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=5_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--large-drugs", type=int, default=20_000)
    parser.add_argument("--keep", help="a folder to keep the stores in (the large one is reused if present)")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="milestones-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"python {sys.version.split()[0]}, SQLAlchemy {__import__('sqlalchemy').__version__}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores; stores in {work}"
    )
    rows = workload(args.events, 2_000)
    store_100k, figures = bench_append(work, rows, args.singles, args.postgres)
    bench_import(work, rows, figures, args.postgres, args.large)
    large = work / f"milestones-{args.large}.db"
    if not large.exists():
        build_large(large, args.large, args.large_drugs)
    bench_reads(store_100k, large, args.large, args.large_drugs)
    bench_rebuild(large, args.large)
    bench_cli(large)
    bench_verify(large, args.large)


if __name__ == "__main__":
    main()
