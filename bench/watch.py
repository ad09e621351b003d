"""Benchmark: how soon a dropped request becomes a numbered DOCX, and how many files/s the watcher takes.

``docgen watch`` runs as a real process on a fresh workspace (inotify; PDFs off, as shipped).
(1) Latency: N ``surat-keluar`` requests (default 100, ``--count``) are dropped one at a time,
one every ``--interval`` ms (default 50), each written under a hidden temp name and renamed into
``inbox/surat-keluar/`` (the way careful programs save). A thread polls the outbox every
millisecond; the latency of a request is the time from its rename to the first sight of its
DOCX (matched through the register: hal -> document -> file). (2) Burst: M requests (default
200, ``--burst``) are written as temp files first, then all renamed in one tight loop; files/s is
M over the time from the first rename to the last DOCX, and the time until every input was moved
to ``done/`` is printed too. (3) The latency of (1) again under ``--polling`` (default 20
requests, ``--poll-count``; settle time from docgen.toml unless ``--poll-settle``). One warm-up
request is processed, untimed, before each watcher is measured. Sanity: every input ends in
``done/``, every request has exactly one issued number, and ``register check`` passes.

Run from the repository root: ``.venv/bin/python bench/watch.py [--count 100 --burst 200]``.
It works in a temporary workspace and never touches ``registers/``, ``outbox/`` or ``inbox/``.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from docgen.kinds import get_kind
from docgen.pipeline import create_workspace
from docgen.profile import Workspace
from docgen.register import Register, check_register

KIND = "surat-keluar"
GOAL = "goal: 95th percentile under 1 s"
DOCGEN = Path(sys.executable).parent / "docgen"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class OutboxWatch(threading.Thread):
    """Polls the outbox folder and notes when each file name was first seen (monotonic clock)."""

    def __init__(self, folder: Path, every_s: float = 0.001) -> None:
        super().__init__(daemon=True)
        self.folder, self.every_s = folder, every_s
        self.seen: dict[str, float] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            now = time.monotonic()
            try:
                names = [e.name for e in os.scandir(self.folder)]
            except FileNotFoundError:
                names = []
            for name in names:
                self.seen.setdefault(name, now)
            time.sleep(self.every_s)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def count(self, ending: str = ".docx") -> int:
        return sum(1 for name in list(self.seen) if name.endswith(ending))


class Bench:
    """One workspace, its outbox watch, and the requests dropped so far (hal -> rename time)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.inbox = ws.root / "inbox" / KIND
        self.outbox = OutboxWatch(ws.outbox / "2026" / KIND)
        self.dropped: dict[str, float] = {}
        self.example = get_kind(KIND).example
        self.serial = 0

    def prepare(self, hal: str) -> tuple[Path, Path]:
        """Write one request under a hidden temp name; return (temp, final) paths."""
        self.serial += 1
        data = copy.deepcopy(self.example)
        data["hal"] = hal
        name = f"permintaan-{self.serial:04d}.yaml"
        temp = self.inbox / f".{name}.tmp"
        temp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return temp, self.inbox / name

    def drop(self, hal: str) -> None:
        temp, final = self.prepare(hal)
        os.replace(temp, final)
        self.dropped[hal] = time.monotonic()

    def docx_of(self) -> dict[str, str]:
        """hal -> file name of its current DOCX, from the register."""
        with Register.open(self.ws) as reg:
            out = {}
            for doc in reg.documents(kind=KIND):
                for f in reg.files(doc.id, current_only=True):
                    if f["role"] == "docx":
                        out[doc.subject] = Path(f["path"]).name
            return out

    def wait_docx(self, total: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.outbox.count() < total:
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out: {self.outbox.count()} of {total} DOCX after {timeout} s")
            time.sleep(0.005)

    def latencies(self, hals: list[str]) -> list[float]:
        names = self.docx_of()
        return [self.outbox.seen[names[h]] - self.dropped[h] for h in hals]


def start_watcher(ws: Workspace, log: Path, options: list[str]) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(DOCGEN), "--workspace", str(ws.root), "watch", *options],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ws.root,
        )  # fmt: skip


def stop_watcher(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=60)


def warm_up(bench: Bench, label: str) -> None:
    before = bench.outbox.count()
    bench.drop(f"Pemanasan {label}")
    bench.wait_docx(before + 1, timeout=60)


def steady(bench: Bench, label: str, count: int, interval_s: float, timeout: float) -> list[float]:
    """Drop ``count`` requests at a steady rate; the rename-to-DOCX latency of each."""
    before = bench.outbox.count()
    hals = [f"Uji latensi {label} {i:04d}" for i in range(count)]
    start = time.monotonic()
    for i, hal in enumerate(hals):
        time.sleep(max(0.0, start + i * interval_s - time.monotonic()))
        bench.drop(hal)
    bench.wait_docx(before + count, timeout)
    return bench.latencies(hals)


def burst(bench: Bench, count: int, timeout: float) -> tuple[float, float]:
    """Drop ``count`` requests at once; seconds until the last DOCX and until every input is filed."""
    before = bench.outbox.count()
    hals = [f"Uji serbuan {i:04d}" for i in range(count)]
    staged = [(hal, *bench.prepare(hal)) for hal in hals]
    start = time.monotonic()
    for hal, temp, final in staged:
        os.replace(temp, final)
        bench.dropped[hal] = time.monotonic()
    bench.wait_docx(before + count, timeout)
    names = bench.docx_of()
    last_docx = max(bench.outbox.seen[names[h]] for h in hals) - start
    deadline = time.monotonic() + timeout
    while any(p.suffix == ".yaml" for p in bench.inbox.iterdir()):
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the burst's inputs to be filed")
        time.sleep(0.005)
    return last_docx, time.monotonic() - start


def sanity(bench: Bench) -> list[str]:
    problems = []
    with Register.open(bench.ws) as reg:
        docs = reg.documents(kind=KIND)
        report = check_register(reg)
    problems += report.problems
    issued = [d for d in docs if d.number_status == "issued"]
    if len(issued) != len(bench.dropped) or len({d.subject for d in issued}) != len(issued):
        problems.append(f"{len(issued)} issued documents for {len(bench.dropped)} requests")
    left = [p.name for p in bench.inbox.iterdir() if p.is_file() and p.name != "BACA-SAYA.txt"]
    done = {p.name for p in (bench.inbox / "done").iterdir()}
    other = [p.name for sub in ("failed", "duplicate") for p in (bench.inbox / sub).iterdir()]
    if left or other or len(done) != len(bench.dropped):
        problems.append(f"inputs: {len(done)} done, {len(other)} failed/duplicate, {len(left)} left in the inbox")
    return problems


def row(label: str, values: list[float] | None, files: int, rate: float | None = None) -> str:
    if values:
        cells = f"{percentile(values, 50) * 1e3:>10.0f} {percentile(values, 95) * 1e3:>8.0f} {max(values) * 1e3:>8.0f}"
    else:
        cells = f"{'-':>10} {'-':>8} {'-':>8}"
    return f"{label:<28} {files:>6} {cells} {f'{rate:,.1f}' if rate else '-':>9}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="requests dropped one at a time (default 100)")
    parser.add_argument("--interval", type=float, default=50, help="ms between those drops (default 50)")
    parser.add_argument("--burst", type=int, default=200, help="requests dropped at once (default 200)")
    parser.add_argument("--poll-count", type=int, default=20, help="requests for the polling line (default 20)")
    parser.add_argument("--poll-settle", type=float, default=None, help="--settle for polling (default: toml)")
    args = parser.parse_args(argv)
    interval_s = args.interval / 1000

    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        log = Path(tmp) / "watch.log"
        bench = Bench(ws)
        bench.outbox.start()
        codes = []

        proc = start_watcher(ws, log, [])
        try:
            warm_up(bench, "inotify")
            steady_lat = steady(bench, "inotify", args.count, interval_s, timeout=60 + args.count)
            burst_docx, burst_filed = burst(bench, args.burst, timeout=60 + args.burst)
        finally:
            codes.append(stop_watcher(proc))

        poll_options = ["--polling"] + (["--settle", str(args.poll_settle)] if args.poll_settle is not None else [])
        settle = args.poll_settle if args.poll_settle is not None else ws.profile.watch.poll_settle_s
        proc = start_watcher(ws, log, poll_options)
        try:
            warm_up(bench, "polling")
            poll_lat = steady(bench, "polling", args.poll_count, interval_s, timeout=60 + 5 * args.poll_count)
        finally:
            codes.append(stop_watcher(proc))
        bench.outbox.stop()
        problems = sanity(bench)
        if any(codes):
            problems.append(f"watcher exit codes {codes}; log:\n{log.read_text(errors='replace')[-2000:]}")

    print(f"watch: {args.count} requests one every {args.interval:.0f} ms, then a burst of {args.burst}"
          f" (inotify); {args.poll_count} requests under --polling (settle {settle:g} s)")  # fmt: skip
    print(f"{'phase':<28} {'files':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'files/s':>9}")
    print(row("latency, inotify", steady_lat, args.count))
    print(row("burst, inotify (last DOCX)", None, args.burst, args.burst / burst_docx))
    print(row("burst, inotify (all filed)", None, args.burst, args.burst / burst_filed))
    print(row(f"latency, polling {settle:g} s", poll_lat, args.poll_count))
    print(f"burst time        : {burst_docx:.2f} s to the last DOCX, {burst_filed:.2f} s until every input was filed")
    check = "OK, every input in done/, one issued number per request, register check passes"
    print(f"register check    : {check if not problems else 'FAILED: ' + '; '.join(problems)}")
    print(GOAL)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
