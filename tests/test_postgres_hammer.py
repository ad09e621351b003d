"""The hammer: 8 processes (as if on 4 workstations) x 250 numbers on one series on PostgreSQL.

Two workers are killed with SIGKILL mid-run and one worker's connection is ended by the server
(``pg_terminate_backend``). Afterwards ``register check --fix`` leaves 0 duplicates and every
number accounted for: issued with its file, or void with a reason; none reserved; the sequence
has no gap and the event chain is intact. Each worker issues the way the pipeline does (document
and number in one transaction, the file written, then recorded and issued in another), with a
tiny file instead of a rendered letter so that the register, not the renderer, is what is hammered.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
import traceback
from pathlib import Path

import psycopg
import pytest
from conftest import PG_SERVER

from docgen.errors import RegisterBusy
from docgen.kinds import get_kind, validate_request
from docgen.names import file_stem
from docgen.profile import load_workspace
from docgen.register import FileRecord, Register, State, check_register

KIND = "surat-keluar"
WORKERS, EACH = 8, 250
VICTIMS = (0, 1)  # killed with SIGKILL
CUT = 2  # its connection is ended by the server


def _issue_one(reg: Register, request: dict, summary, year_dir: Path) -> str:
    doc_id, reservation = reg.start_document(
        KIND, summary, request, state=State.NUMBERED, series=KIND, kka="500.16.7.2"
    )
    assert reservation is not None
    path = year_dir / f"{file_stem(reservation.number)}.txt"
    data = f"{reservation.number}\n".encode()
    path.write_bytes(data)
    record = FileRecord("txt", reg.relative(path), hashlib.sha256(data).hexdigest(), len(data))
    while True:  # like the watcher: a cut connection is retried, a number already issued is not issued twice
        try:
            reg.record_files(doc_id, [record], issue=reservation)
            return reservation.number
        except RegisterBusy:
            status = reg.conn.execute("SELECT status FROM numbers WHERE id = ?", (reservation.number_id,)).fetchone()
            if status[0] == "issued":
                return reservation.number


def _worker(root: str, index: int, barrier, out) -> None:
    try:
        ws = load_workspace(root, env={})
        kind = get_kind(KIND)
        request = validate_request(kind, kind.example, ws.profile)
        summary = kind.summary(request, ws.profile)
        data = request.model_dump(mode="json")
        year_dir = ws.outbox / "2026" / KIND
        year_dir.mkdir(parents=True, exist_ok=True)
        issued = []
        with Register.open(ws) as reg:
            out.send((index, "backend", reg.conn.execute("SELECT pg_backend_pid()").fetchone()[0]))
            barrier.wait(timeout=60)
            for _ in range(EACH):
                for attempt in range(5):
                    try:
                        issued.append(_issue_one(reg, data, summary, year_dir))
                        break
                    except RegisterBusy:  # cut while taking the number: nothing taken, take it again
                        if attempt == 4:
                            raise
                out.send((index, "progress", len(issued)))
        out.send((index, "ok", issued))
    except BaseException:
        out.send((index, "error", traceback.format_exc()))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_eight_processes_two_killed_one_cut_leave_every_number_accounted_for(workspace):
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    # One pipe per worker, not a shared Queue: a worker killed while writing to a Queue can die
    # holding the Queue's lock and silence every other worker.
    pipes = [ctx.Pipe(duplex=False) for _ in range(WORKERS)]
    procs = [ctx.Process(target=_worker, args=(str(workspace.root), i, barrier, pipes[i][1])) for i in range(WORKERS)]
    for p in procs:
        p.start()
    for _, sender in pipes:
        sender.close()  # the children hold their ends: a dead child's pipe reads as closed
    listening = {reader: i for i, (reader, _) in enumerate(pipes)}
    backends: dict[int, int] = {}
    progress = dict.fromkeys(range(WORKERS), 0)
    results: dict[int, list[str]] = {}
    errors: list[str] = []
    killed: set[int] = set()
    cut = False
    deadline = time.monotonic() + 300
    try:
        while len(results) + len(errors) + len(killed) < WORKERS and time.monotonic() < deadline:
            ready = multiprocessing.connection.wait(list(listening), timeout=120)
            assert ready, "no worker said anything for 120 s"
            messages = []
            for reader in ready:
                try:
                    messages.append(reader.recv())
                except (EOFError, OSError):
                    del listening[reader]  # a worker ended (or was killed)
            for index, what, payload in messages:
                if what == "backend":
                    backends[index] = payload
                elif what == "progress":
                    progress[index] = payload
                elif what == "ok":
                    results[index] = payload
                else:
                    errors.append(payload)
            for victim in VICTIMS:
                if victim not in killed and progress[victim] >= EACH // 3:
                    os.kill(procs[victim].pid, signal.SIGKILL)
                    killed.add(victim)
            if not cut and progress[CUT] >= EACH // 4:
                with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                    row = admin.execute(
                        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                        "WHERE pid = %s AND application_name = 'docgen'",
                        (backends[CUT],),
                    ).fetchone()
                cut = row is not None and row[0]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert not errors, "a worker failed:\n" + "\n".join(errors)
    assert killed == set(VICTIMS) and cut
    assert set(results) == set(range(WORKERS)) - set(VICTIMS)
    assert all(len(v) == EACH for v in results.values())

    with Register.open(workspace) as reg:
        fixed = check_register(reg, fix=True)
        after = check_register(reg)
        rows = reg.numbers(series=KIND)
        last = reg.conn.execute("SELECT last_seq FROM counters WHERE series = ?", (KIND,)).fetchone()[0]
    assert fixed.ok, fixed.problems
    assert after.ok and not after.in_progress and not after.fixed, (after.problems, after.in_progress)
    seqs = [r["seq"] for r in rows]
    assert sorted(seqs) == list(range(1, last + 1)), "a duplicate or a gap in the sequence"
    assert len({r["number"] for r in rows}) == len(rows)
    assert {r["status"] for r in rows} <= {"issued", "void"}
    assert all(r["reason"] for r in rows if r["status"] == "void")
    issued = {r["number"] for r in rows if r["status"] == "issued"}
    survivors = {n for v in results.values() for n in v}
    assert survivors <= issued
    # The killed workers had issued at least a third of their share before dying.
    assert len(issued - survivors) >= len(VICTIMS) * (EACH // 3)
    assert last >= (WORKERS - len(VICTIMS)) * EACH + len(VICTIMS) * (EACH // 3)
