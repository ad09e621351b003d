"""Shared fixtures for the register tests.

Every test works in its own workspace under ``tmp_path``; the repository's own ``registers/``
and ``outbox/`` folders are watched and must come out of every test exactly as they went in.
"""

from __future__ import annotations

import copy
import os
import select
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from docgen.config import Workspace
from docgen.kinds import get_kind
from docgen.pipeline import create_workspace

REPO = Path(__file__).resolve().parents[1]
PROTECTED = (REPO / "registers", REPO / "outbox")


def _snapshot(folders: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    seen: dict[str, tuple[int, int]] = {}
    for folder in folders:
        if not folder.exists():
            seen[str(folder)] = (-1, -1)
            continue
        for path in folder.rglob("*"):
            st = path.lstat()
            seen[str(path)] = (st.st_size, st.st_mtime_ns)
    return seen


@pytest.fixture(autouse=True)
def _stay_out_of_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run each test from ``tmp_path`` with no DOCGEN_* settings, and prove the repo's books untouched."""
    for var in list(os.environ):
        if var.startswith("DOCGEN_"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(PROTECTED)
    yield
    assert _snapshot(PROTECTED) == before, "a test wrote into the repository's registers/ or outbox/"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace (shipped profile and templates, empty register) under ``tmp_path``."""
    ws = create_workspace(tmp_path / "ws")
    assert ws.root.is_relative_to(tmp_path.resolve())
    assert ws.register_path.is_relative_to(tmp_path.resolve())
    return ws


@pytest.fixture
def letter() -> dict:
    """A fresh, valid surat-keluar request (dated 2026-11-28, signed by kadis)."""
    return copy.deepcopy(get_kind("surat-keluar").example)


# -- a process that reserves a number and is then killed ------------------------------------

HOLDER_PREAMBLE = """
import sys, time
from docgen.config import load_workspace
from docgen.kinds import get_kind, validate_request
from docgen.register import Register, State
ws = load_workspace(sys.argv[1], env={})
kind = get_kind("surat-keluar")
reg = Register.open(ws)
"""


class Holder:
    """A child process that reserved a number, printed one line and now sleeps."""

    def __init__(self, proc: subprocess.Popen[str], line: str) -> None:
        self.proc = proc
        self.line = line
        self.pid = proc.pid

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


@pytest.fixture
def start_holder(workspace: Workspace) -> Iterator[Callable[[str], Holder]]:
    """Start ``python -c PREAMBLE + body`` on the workspace; return once it printed its line.

    ``body`` runs with ``ws``, ``kind`` and ``reg`` (an open Register) in scope; it must print one
    line (flushed) after reserving, then sleep until the test kills it.
    """
    started: list[subprocess.Popen[str]] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}

    def start(body: str) -> Holder:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER_PREAMBLE + body, str(workspace.root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=workspace.root,
        )
        started.append(proc)
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline().strip() if ready else ""
        if not line:
            proc.kill()
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"holder process printed nothing; stderr:\n{err}")
        return Holder(proc, line)

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)
