"""Benchmark: how many document numbers the register hands out per second under contention.

Every numbered letter takes its number in one write transaction: on SQLite ``BEGIN IMMEDIATE``
(WAL, ``synchronous=FULL``), on PostgreSQL a transaction holding the register's advisory lock
(``synchronous_commit`` as the server has it, on by default: each number is durable when
reserve returns). At busy times several processes (CLI users on several PCs, the batch tool,
the watcher) queue on that one lock and one flush per number. This script starts N worker
processes, each with its own connection to one fresh register, releases them together from a
barrier so they really contend, and has each reserve M numbers with ``Register.reserve``. It
prints throughput and the worst and p99 latency of a single allocation (the tail is what a user
feels), then checks in the register that the sequence numbers are exactly 1..N*M: no duplicate,
no gap, the event chain intact. "span s" is each worker's time from its first to its last allocation.

With ``--url postgresql://user@host:5432`` (a server where that user may create databases) the
same runs are made on PostgreSQL too, in a database created for the run and dropped afterwards,
so both backends are printed side by side.

Run from the repository root: ``.venv/bin/python bench/numbering.py [--url postgresql://postgres@127.0.0.1:5432]``.
It works in temporary workspaces and never touches ``registers/`` or ``outbox/``.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from docgen.pipeline import create_workspace
from docgen.profile import copy_defaults, load_workspace
from docgen.register import Register
from docgen.register.events import verify_chain

SERIES = "surat-keluar"
DOC_DATE = date(2026, 11, 28)
KKA = "500.16.7.2"
GOALS = (
    "goal: >= 2,000 allocations/s with 4 processes on SQLite",
    "goal: >= 1,000 durable allocations/s with 4 processes on PostgreSQL",
)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def worker(root: str, env: dict[str, str], count: int, barrier: Any, results: Any) -> None:
    """Open the register, wait for the others, reserve ``count`` numbers and report timings."""
    try:
        reg = Register.open(load_workspace(root, env=env))
        latencies: list[float] = []
        barrier.wait(timeout=60)
        start = time.monotonic()  # CLOCK_MONOTONIC: comparable across processes on one host
        for _ in range(count):
            t0 = time.perf_counter()
            reg.reserve(SERIES, doc_date=DOC_DATE, kka=KKA)
            latencies.append(time.perf_counter() - t0)
        end = time.monotonic()
        reg.close()
        results.put({"pid": mp.current_process().pid, "start": start, "end": end, "lat": latencies})
    except BaseException as exc:  # report, never hang the parent
        results.put({"pid": mp.current_process().pid, "error": f"{type(exc).__name__}: {exc}"})


def run_workers(
    root: Path, env: Mapping[str, str], processes: int, per_process: int, method: str
) -> list[dict[str, Any]]:
    ctx = mp.get_context(method)
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    args = (str(root), dict(env), per_process, barrier, results)
    procs = [ctx.Process(target=worker, args=args) for _ in range(processes)]
    for p in procs:
        p.start()
    reports = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    return reports


def verify(root: Path, env: Mapping[str, str], expected: int) -> list[str]:
    """Problems found in the register after the run; empty means every number is accounted for."""
    with Register.open(load_workspace(root, env=env)) as reg:
        rows = reg.numbers(series=SERIES)
        problems = verify_chain(reg.conn)
    seqs = sorted(r["seq"] for r in rows)
    numbers = [r["number"] for r in rows]
    if len(rows) != expected:
        problems.append(f"{len(rows)} number rows, expected {expected}")
    if len(set(seqs)) != len(seqs) or len(set(numbers)) != len(numbers):
        problems.append(f"duplicates: {len(seqs) - len(set(seqs))} seq, {len(numbers) - len(set(numbers))} number")
    if seqs != list(range(1, expected + 1)):
        missing = sorted(set(range(1, expected + 1)) - set(seqs))
        problems.append(f"sequence is not exactly 1..{expected}; missing {missing[:10]}")
    if any(r["suffix"] for r in rows):
        problems.append("unexpected insert suffixes")
    return problems


@contextmanager
def fresh_register(tmp: Path, server: str | None) -> Iterator[tuple[Path, dict[str, str]]]:
    """A new workspace with an empty register: SQLite, or a database created on ``server`` for this run."""
    if server is None:
        yield create_workspace(tmp / f"ws-{uuid.uuid4().hex[:8]}").root, {}
        return
    import psycopg

    name = f"docgen_bench_{uuid.uuid4().hex[:12]}"
    admin = f"{server.rstrip('/')}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        root = copy_defaults(tmp / name)
        env = {"DOCGEN_REGISTER__URL": f"{server.rstrip('/')}/{name}"}
        Register.create(load_workspace(root, env=env)).close()
        yield root, env
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_case(tmp: Path, backend: str, server: str | None, processes: int, args: argparse.Namespace) -> bool:
    """One run on one backend; prints its lines and returns whether the register checked out."""
    with fresh_register(tmp, server) as (root, env):
        reports = run_workers(root, env, processes, args.per_process, args.start_method)
        errors = [r for r in reports if "error" in r]
        for r in errors:
            print(f"worker {r['pid']} failed: {r['error']}", file=sys.stderr)
        done = [r for r in reports if "error" not in r]
        allocated = sum(len(r["lat"]) for r in done)
        problems = verify(root, env, allocated)
    wall = max(r["end"] for r in done) - min(r["start"] for r in done) if done else float("nan")
    every = [lat for r in done for lat in r["lat"]] or [float("nan")]
    print(
        f"{backend:>10} {processes:>5} {allocated:>7} {wall:>7.3f} {allocated / wall:>9,.0f}"
        f" {percentile(every, 50) * 1e3:>9.2f} {percentile(every, 99) * 1e3:>8.2f} {max(every) * 1e3:>8.2f}"
        f"  {'OK' if not problems else 'FAILED: ' + '; '.join(problems)}"
    )
    if args.detail:
        for i, r in enumerate(done, 1):
            lat = r["lat"]
            print(
                f"{'':>10} {'#' + str(i):>5} {len(lat):>7} {r['end'] - r['start']:>7.3f} {'':>9}"
                f" {percentile(lat, 50) * 1e3:>9.2f} {percentile(lat, 99) * 1e3:>8.2f} {max(lat) * 1e3:>8.2f}"
            )
    return not problems and not errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="4,8", help="worker processes per run, comma-separated (default 4,8)")
    parser.add_argument("--per-process", type=int, default=500, help="numbers each worker reserves (default 500)")
    parser.add_argument("--start-method", choices=("spawn", "fork", "forkserver"), default="spawn")
    parser.add_argument("--url", help="PostgreSQL server (postgresql://user@host:5432) to run on as well")
    parser.add_argument("--detail", action="store_true", help="one line per worker process too")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.processes.split(",") if n.strip()]
    backends: list[tuple[str, str | None]] = [("sqlite", None)] + ([("postgresql", args.url)] if args.url else [])

    print(f"numbering: {args.per_process} reservations per process ({args.start_method}); one transaction each")
    print(
        f"{'backend':>10} {'procs':>5} {'allocs':>7} {'wall s':>7} {'allocs/s':>9} {'median ms':>9}"
        f" {'p99 ms':>8} {'worst ms':>8}  register check"
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        for backend, server in backends:
            for processes in counts:
                ok &= run_case(Path(tmp), backend, server, processes, args)
    print("register check: OK = seq exactly 1..N, no duplicate, no gap, event chain intact")
    for goal in GOALS:
        print(goal)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
