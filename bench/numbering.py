"""Benchmark: how many document numbers the register hands out per second under contention.

Every numbered letter takes its number in one ``BEGIN IMMEDIATE`` transaction on the SQLite
register (WAL, ``synchronous=FULL``), so at busy times several processes (CLI users, the batch
tool, the watcher) queue on one write lock and one fsync per number. This script starts N
worker processes, each with its own connection to one fresh register, releases them together
from a barrier so they really contend, and has each reserve M numbers with
``Register.reserve``. It prints throughput and the worst and p99 latency of a single
allocation per process (SQLite's busy handler is not fair, so the tail is what a user feels),
then checks in the register that the sequence numbers are exactly 1..N*M: no duplicate, no gap.
"span s" is each worker's time from its first to its last allocation.

Run from the repository root: ``.venv/bin/python bench/numbering.py [--processes 4 --per-process 500]``.
It works in a temporary workspace and never touches ``registers/`` or ``outbox/``.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from docgen.config import load_workspace
from docgen.pipeline import create_workspace
from docgen.register import Register
from docgen.register.events import verify_chain

SERIES = "surat-keluar"
DOC_DATE = date(2026, 11, 28)
KKA = "500.16.7.2"
GOAL = "goal: >= 2,000 allocations/s with 4 processes"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def worker(root: str, count: int, barrier: Any, results: Any) -> None:
    """Open the register, wait for the others, reserve ``count`` numbers and report timings."""
    try:
        reg = Register.open(load_workspace(root, env={}))
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


def run_workers(root: Path, processes: int, per_process: int, method: str) -> list[dict[str, Any]]:
    ctx = mp.get_context(method)
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(str(root), per_process, barrier, results)) for _ in range(processes)]
    for p in procs:
        p.start()
    reports = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    return reports


def verify(root: Path, expected: int) -> list[str]:
    """Problems found in the register after the run; empty means every number is accounted for."""
    with Register.open(load_workspace(root, env={})) as reg:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4, help="worker processes (default 4)")
    parser.add_argument("--per-process", type=int, default=500, help="numbers each worker reserves (default 500)")
    parser.add_argument("--start-method", choices=("spawn", "fork", "forkserver"), default="spawn")
    args = parser.parse_args(argv)
    total = args.processes * args.per_process

    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        reports = run_workers(ws.root, args.processes, args.per_process, args.start_method)
        errors = [r for r in reports if "error" in r]
        for r in errors:
            print(f"worker {r['pid']} failed: {r['error']}", file=sys.stderr)
        done = [r for r in reports if "error" not in r]
        problems = verify(ws.root, sum(len(r["lat"]) for r in done))

    wall = max(r["end"] for r in done) - min(r["start"] for r in done) if done else float("nan")
    allocated = sum(len(r["lat"]) for r in done)
    print(f"numbering: {args.processes} processes x {args.per_process} reservations ({args.start_method})")
    print(f"{'process':>8} {'pid':>8} {'allocs':>7} {'span s':>7} {'median ms':>10} {'p99 ms':>8} {'max ms':>8}")
    for i, r in enumerate(done, 1):
        lat = r["lat"]
        print(
            f"{i:>8} {r['pid']:>8} {len(lat):>7} {r['end'] - r['start']:>7.3f} {percentile(lat, 50) * 1e3:>10.2f}"
            f" {percentile(lat, 99) * 1e3:>8.2f} {max(lat) * 1e3:>8.2f}"
        )
    print(f"total allocations : {allocated} (expected {total})")
    print(f"wall time         : {wall:.3f} s")
    print(f"allocations/s     : {allocated / wall:,.0f}")
    check = f"OK, seq exactly 1..{allocated}, no duplicate, no gap, event chain intact"
    print(f"register check    : {check if not problems else 'FAILED: ' + '; '.join(problems)}")
    print(GOAL)
    return 0 if not problems and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
