"""``docgen batch``: every row of a sheet validated, numbered in row order, made by worker processes.

The register's promises hold for a batch as for one letter: nothing is numbered until every row
was validated; numbers are reserved in blocks in row order, each bound to its document in the
transaction creating it and issued in the transaction recording its files and the row's key. A
row already made (same key: the named column, or the row's content) is never made again, whether
the batch is resumed or simply run twice. Whatever stops a batch (a row failing to render, a
worker killed, Ctrl-C, a full disk) leaves every reserved number issued or voided with its cause.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from docgen.basis import checked_basis, from_basis
from docgen.batch.report import BatchLine, write_batch_report
from docgen.batch.rows import BASIS_COLUMN, BadRow, SheetRow, check_rows, read_sheet, sheet_requests
from docgen.batch.worker import RowJob, RowResult, make_row, start_worker
from docgen.errors import RequestError
from docgen.kinds import Kind, get_kind, made_kinds
from docgen.profile import Workspace
from docgen.register import Intake, Register, Reservation
from docgen.register.batches import NumberWanted, finish_batch, reserve_many, start_batch
from docgen.register.check import interrupted_reservations, void_interrupted
from docgen.requests import load_request
from docgen.store.db import atomic

__all__ = ["BatchOptions", "BatchOutcome", "fill_from_bases", "run_batch"]

BLOCK = 100  # rows numbered per reservation block: few transactions, little to void after a crash
IN_FLIGHT_PER_WORKER = 4  # rows handed out ahead per worker: enough to keep it busy, bounded memory

Progress = Callable[[int, int], None]  # (rows finished, rows to make)


class BatchOptions(BaseModel):
    """What ``docgen batch`` was asked to do."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: str
    source: Path
    sheet: str | None = None
    workers: int | None = Field(None, ge=1, le=64)
    pdf: bool = False
    draft: bool = False
    resume: bool = False
    skip_bad: bool = False
    dry_run: bool = False
    gabung: Path | None = None
    common: Path | None = None
    key_column: str | None = None


@dataclass
class BatchOutcome:
    """What came of a batch: per-row lines (for the report), the bad rows, where things went."""

    kind: str
    rows: int
    bad: list[BadRow] = field(default_factory=list)
    lines: list[BatchLine] = field(default_factory=list)
    batch_id: int | None = None
    report: tuple[Path, Path] | None = None
    merged: Path | None = None
    stopped: str = ""  # why the batch stopped early (a worker killed, Ctrl-C), else empty
    reserved: list[Reservation] = field(default_factory=list)  # every number this batch reserved

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)


def run_batch(workspace: Workspace, options: BatchOptions, progress: Progress | None = None) -> BatchOutcome:
    """Validate every row, then (unless a dry run, or bad rows without ``skip_bad``) make the rest."""
    kind = get_kind(options.kind)
    if kind not in made_kinds():
        raise RequestError(
            f"Jenis {kind.name} tidak dibuat dengan 'docgen new'; pilih: {', '.join(k.name for k in made_kinds())}"
        )
    if options.gabung is not None and kind.template.endswith(".docx") and not options.pdf:
        raise RequestError("--gabung menggabungkan PDF: tambahkan --pdf untuk jenis yang dibuat dari templat Word")
    content = _read_source(options.source, workspace)
    headers, raw_rows = read_sheet(options.source, workspace.profile.limits, sheet=options.sheet)
    common = load_request(options.common, workspace.profile.limits) if options.common else None
    basis_column = BASIS_COLUMN if BASIS_COLUMN in headers else None
    sheet_rows = sheet_requests(
        kind, headers, raw_rows, common=common, key_column=options.key_column, basis_column=basis_column
    )
    if basis_column is not None:
        sheet_rows = fill_from_bases(workspace, kind, sheet_rows)
    roots = tuple(dict.fromkeys((options.source.parent.resolve(), workspace.root)))
    good, bad = check_rows(kind, sheet_rows, workspace.profile, codes=workspace.archive_codes, roots=roots)
    good, bad = _bases_usable(workspace, kind, good, bad)
    outcome = BatchOutcome(kind.name, len(sheet_rows), bad=bad)
    outcome.lines = [
        BatchLine(b.number, _key_of(sheet_rows, b.number), "tidak sah", None, [], f"{b.column}: {b.message}")
        for b in bad
    ]
    if options.dry_run or (bad and not options.skip_bad):
        return outcome
    with Register.open(workspace) as reg:
        for row in interrupted_reservations(reg):  # a batch killed before: account for its numbers
            void_interrupted(reg, row)
        outcome.batch_id = start_batch(reg, kind.name, options.source.name, hashlib.sha256(content).hexdigest())
        todo = _not_yet_made(reg, kind, good, outcome)
        try:
            _make(workspace, reg, kind, options, todo, content, outcome, progress)
        finally:
            _void_leftovers(reg, outcome, todo)
            counts = {s: outcome.count(s) for s in ("selesai", "sudah ada", "tidak sah", "gagal")}
            finish_batch(reg, outcome.batch_id, counts)
            outcome.lines.sort(key=lambda line: line.row)
            folder = workspace.outbox / str(date.today().year) / kind.name / f"batch-{outcome.batch_id}"
            outcome.report = write_batch_report(outcome.lines, folder, title=f"Batch {outcome.batch_id} {kind.name}")
    if options.gabung is not None:
        outcome.merged = _merge(workspace, outcome, options.gabung)
    return outcome


def fill_from_bases(workspace: Workspace, kind: Kind, rows: list[SheetRow]) -> list[SheetRow]:
    """Each row naming a basis in ``dasar_dokumen``, filled from it as ``docgen new --dasar`` fills a request.

    Done before any row is validated or numbered; a basis that cannot be used (unknown, void,
    unnumbered, another kind) is that row's problem, reported with the others. The filled data
    names the basis by its number, so the worker links it like a request that named it itself.
    """
    if kind.basis is None and any(row.basis for row in rows):
        raise RequestError(
            f"Kolom {BASIS_COLUMN} tidak berlaku untuk {kind.name}: jenis ini tidak berdasar dokumen lain; "
            "hapus kolomnya"
        )
    filled = []
    with Register.open(workspace) as reg:
        for row in rows:
            if not row.basis:
                filled.append(row)
                continue
            try:
                data = from_basis(reg, kind, row.data, row.basis)
            except RequestError as exc:
                problem = BadRow(row.number, BASIS_COLUMN, exc.message)
                filled.append(replace(row, problems=(*row.problems, problem)))
            else:
                filled.append(replace(row, data=data))
    return filled


def _bases_usable(
    workspace: Workspace, kind: Kind, good: list[tuple[SheetRow, Any]], bad: list[BadRow]
) -> tuple[list[tuple[SheetRow, Any]], list[BadRow]]:
    """Rows whose basis cannot carry them (void, unverified SPP, another amount) join the bad rows
    before the block of numbers is reserved, as ``docgen new`` refuses them before taking one."""
    if kind.basis is None or not good:
        return good, bad
    usable: list[tuple[SheetRow, Any]] = []
    refused: list[BadRow] = []
    with Register.open(workspace) as reg:
        for row, request in good:
            try:
                checked_basis(reg, kind, request)
            except RequestError as exc:
                column = BASIS_COLUMN if row.basis and kind.basis.field not in row.cells else kind.basis.field
                refused.append(BadRow(row.number, column, exc.message))
            else:
                usable.append((row, request))
    return usable, sorted([*bad, *refused], key=lambda b: b.number)


def _read_source(path: Path, workspace: Workspace) -> bytes:
    limit = workspace.profile.limits.table_bytes
    try:
        if path.stat().st_size > limit:
            raise RequestError(f"{path.name} lebih besar dari {limit} bait (limits.table_bytes); pecah berkasnya")
        return path.read_bytes()
    except OSError as exc:
        raise RequestError(f"{path.name} tidak bisa dibaca ({exc.strerror}); periksa nama dan izinnya") from None


def _key_of(rows: list[SheetRow], number: int) -> str:
    return next((r.key for r in rows if r.number == number), "")


def intake_key(kind: Kind, row_key: str) -> str:
    """The key a row is recorded under: its kind and key (a column's value, or its content hash)."""
    return hashlib.sha256(f"batch\0{kind.name}\0{row_key}".encode()).hexdigest()


def _not_yet_made(
    reg: Register, kind: Kind, good: list[tuple[SheetRow, Any]], outcome: BatchOutcome
) -> list[tuple[SheetRow, NumberWanted]]:
    """Rows to make, with what their numbers are made of; rows whose key the register already
    holds are reported as made, never made again. The validated request objects are not kept:
    the workers validate each row's data again, and 10,000 of them held here cost memory."""
    todo = []
    for index, (row, request) in enumerate(good):
        good[index] = None  # type: ignore[call-overload]  # each request freed once its number's parts are known
        made = reg.intake(intake_key(kind, row.key))
        if made is None:
            todo.append((row, _wanted(kind, request, reg.workspace)))
            continue
        shown = reg.workspace.shown
        files = [shown(reg.workspace.outbox / f["path"]) for f in reg.files(made["doc_id"], current_only=True)]
        outcome.lines.append(BatchLine(row.number, row.key, "sudah ada", made.get("number"), files, ""))
    return todo


def _wanted(kind: Kind, request: Any, workspace: Workspace) -> NumberWanted:
    profile = workspace.profile
    summary = kind.summary(request, profile)
    kka = summary.kka or kind.kka_for(profile)
    return NumberWanted(kind.series_for(profile, request), summary.doc_date, kka, summary.sifat)


def _jobs(
    reg: Register,
    kind: Kind,
    options: BatchOptions,
    todo: list[tuple[SheetRow, NumberWanted]],
    sha: str,
    outcome: BatchOutcome,
) -> Iterator[RowJob]:
    """Row jobs in row order; numbers reserved a block at a time, just before the block is handed out."""
    for start in range(0, len(todo), BLOCK):
        block = todo[start : start + BLOCK]
        numbers: list[Reservation | None] = [None] * len(block)
        if not options.draft and kind.given_number is None:  # OSS's numbers come with the rows
            numbers = list(reserve_many(reg, [wanted for _, wanted in block]))
            outcome.reserved.extend(n for n in numbers if n is not None)
        for (row, _), reserved in zip(block, numbers, strict=True):
            item = Intake(intake_key(kind, row.key), sha, f"batch:{outcome.batch_id}", f"baris {row.number}")
            yield RowJob(row.number, row.data, item, reserved)


def _make(
    workspace: Workspace,
    reg: Register,
    kind: Kind,
    options: BatchOptions,
    todo: list[tuple[SheetRow, NumberWanted]],
    content: bytes,
    outcome: BatchOutcome,
    progress: Progress | None,
) -> None:
    keys = {row.number: row.key for row, _ in todo}
    total, finished = len(todo), 0
    workers = options.workers or os.cpu_count() or 1
    jobs = _jobs(reg, kind, options, todo, hashlib.sha256(content).hexdigest(), outcome)
    init = (
        str(workspace.root),
        kind.name,
        options.source.name,
        str(options.source.parent.resolve()),
        options.pdf,
        options.draft,
    )
    running: dict[Future[RowResult], RowJob] = {}

    def record(job: RowJob, result: RowResult) -> None:
        nonlocal finished
        if result.fatal and not outcome.stopped:
            outcome.stopped = f"{result.error}; lanjutkan dengan --resume setelah ruang disk cukup"
        status = "selesai" if result.status == "done" else "gagal"
        outcome.lines.append(
            BatchLine(job.number, keys[job.number], status, result.doc_number, result.files, result.error)
        )
        finished += 1
        if progress is not None:
            progress(finished, total)

    if progress is not None:
        progress(0, total)
    stop = threading.Event()
    with (
        _ctrl_c_sets(stop),
        ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=start_worker, initargs=init) as pool,
    ):
        try:
            for job in jobs:
                if outcome.stopped or stop.is_set():  # a full disk or Ctrl-C: the rest is left for --resume
                    break
                running[pool.submit(make_row, job)] = job
                if len(running) >= workers * IN_FLIGHT_PER_WORKER:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        record(running.pop(future), future.result())
            for future in list(running):
                if not (stop.is_set() and future.cancel()):  # Ctrl-C: rows in hand finish, the others wait
                    record(running[future], future.result())
                del running[future]
        except BrokenProcessPool:
            outcome.stopped = "proses pekerja berhenti mendadak; jalankan lagi dengan --resume untuk baris yang tersisa"
            for job in running.values():
                record(job, RowResult(job.number, "failed", error=outcome.stopped))
            running.clear()
    if stop.is_set():
        outcome.stopped = "dihentikan (Ctrl-C); jalankan lagi dengan --resume untuk baris yang tersisa"
        raise KeyboardInterrupt


@contextmanager
def _ctrl_c_sets(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C sets ``stop``, read between rows, instead of raising wherever the batch happens to be.

    Raised inside ``ProcessPoolExecutor.submit`` (which holds the pool's shutdown lock) or while a
    block of numbers is reserved, a KeyboardInterrupt left the pool's shutdown waiting for ever:
    the batch hung after Ctrl-C under load (issue 21). A batch run by the desk runs in a thread,
    where no signal arrives and none can be handled.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _void_leftovers(reg: Register, outcome: BatchOutcome, todo: list[tuple[SheetRow, NumberWanted]]) -> None:
    """Every number this batch reserved and did not issue is voided with the reason; every row
    not reached is reported, so the report holds each row exactly once."""
    reason = f"batch {outcome.batch_id}: {outcome.stopped or 'baris tidak selesai dibuat'}"[:300]
    ids = [r.number_id for r in outcome.reserved]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = reg.conn.execute(f"SELECT * FROM numbers WHERE status = 'reserved' AND id IN ({marks})", chunk)
        for row in rows.fetchall():
            with atomic(reg.conn):
                reg.void_in_tx(row, reason)
    reported = {line.row for line in outcome.lines}
    for row, _ in todo:
        if row.number not in reported:
            why = outcome.stopped or "tidak selesai"
            outcome.lines.append(BatchLine(row.number, row.key, "gagal", None, [], f"belum dibuat: {why}"))


def _merge(workspace: Workspace, outcome: BatchOutcome, target: Path) -> Path | None:
    from docgen.pdf import merge_pdfs

    parts = []
    for line in sorted(outcome.lines, key=lambda line: line.row):
        pdf = next((f for f in line.files if f.endswith(".pdf")), None)
        if line.status in ("selesai", "sudah ada") and pdf:
            parts.append((f"Baris {line.row} - {line.number or 'konsep'}", workspace.root / pdf))
    if not parts:  # nothing made as PDF (every row already made as drafts, or all failed): nothing to print
        return None
    merge_pdfs(parts, target)
    return target
