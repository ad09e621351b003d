"""Benchmark: CPU time of ``docgen --help`` and of a few other commands that should start fast.

A clerk's script calls docgen many times, and the help text is what a newcomer types first;
issue 8 measured 0.6 s (0.41 s of CPU), mostly imports of the register and rendering layers
that the help never uses. This script runs each command ``--runs`` times (default 10) as a
fresh process and prints the median and worst user+system CPU seconds (from ``os.wait4``'s
resource usage, so other load on the machine does not count), plus the bare interpreter's
start-up for comparison. Goal: **``docgen --help`` ≤ 0.3 s of CPU**.

Run from the repository root: ``.venv/bin/python bench/startup.py [--runs 10]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

GOAL_S = 0.3
DOCGEN = Path(sys.executable).with_name("docgen")

COMMANDS: list[tuple[str, list[str]]] = [
    ("python -c pass (interpreter alone)", [sys.executable, "-c", "pass"]),
    ("docgen --help", [str(DOCGEN), "--help"]),
    ("docgen --version", [str(DOCGEN), "--version"]),
    ("docgen register --help", [str(DOCGEN), "register", "--help"]),
    ("docgen new --help", [str(DOCGEN), "new", "--help"]),
]


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU of one run of ``argv`` (a child process), in seconds."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"{'command':40} {'median CPU s':>12} {'worst CPU s':>12}")
    help_median = None
    for label, argv in COMMANDS:
        cpu_seconds(argv)  # warm the file cache
        samples = [cpu_seconds(argv) for _ in range(args.runs)]
        median = statistics.median(samples)
        if label == "docgen --help":
            help_median = median
        print(f"{label:40} {median:12.3f} {max(samples):12.3f}")
    assert help_median is not None
    verdict = "met" if help_median <= GOAL_S else "NOT met"
    print(f"goal: docgen --help <= {GOAL_S} s of CPU: {verdict} ({help_median:.3f} s)")


if __name__ == "__main__":
    main()
