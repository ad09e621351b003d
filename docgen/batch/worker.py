"""One batch worker process: its own register connection, compiled templates and LibreOffice.

Each worker makes the documents it is handed through :func:`docgen.pipeline.generate`, the same
path as ``docgen new``, with the number the batch reserved for the row. Ctrl-C is the batch's to
handle: workers ignore SIGINT and finish the row in hand, so no row is left half written by it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import DiskFull, DocgenError
from docgen.files import disk_full
from docgen.pipeline import generate
from docgen.profile import Workspace, load_workspace
from docgen.register import Intake, Register, Reservation

__all__ = ["RowJob", "RowResult", "make_row", "start_worker"]

_state: dict[str, Any] = {}


@dataclass(frozen=True)
class RowJob:
    """One row to make: its validated request data and, unless a draft, its reserved number."""

    number: int  # the row number in the sheet
    data: dict[str, Any]
    intake: Intake
    reserved: Reservation | None


@dataclass(frozen=True)
class RowResult:
    number: int
    status: str  # "done" or "failed"
    doc_number: str | None = None
    files: list[str] = field(default_factory=list)
    error: str = ""
    pid: int = 0
    fatal: bool = False  # the disk is full: every next row would fail the same way


def start_worker(root: str, kind: str, source_name: str, request_dir: str, pdf: bool, draft: bool) -> None:
    """Process initializer: open the workspace and register once, and a warm LibreOffice if needed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    workspace = load_workspace(Path(root))
    reg = Register.open(workspace)
    atexit.register(reg.close)
    converter = None
    if pdf:
        from docgen.pdf import ConverterPool

        converter = ConverterPool(1)
        converter.start()
        atexit.register(converter.stop)
    _state.update(
        workspace=workspace, reg=reg, converter=converter, kind=kind, source=source_name,
        request_dir=Path(request_dir), pdf=pdf, draft=draft,
    )  # fmt: skip


def make_row(job: RowJob) -> RowResult:
    """Make one row's document; a failure voids its reserved number with the cause and is reported."""
    workspace: Workspace = _state["workspace"]
    reg: Register = _state["reg"]
    try:
        result = generate(
            workspace, _state["kind"], job.data, draft=_state["draft"], pdf=_state["pdf"],
            converter=_state["converter"], source=f"{_state['source']} baris {job.number}", register=reg,
            intake=job.intake, request_dir=_state["request_dir"], reserved=job.reserved,
        )  # fmt: skip
    except DocgenError as exc:
        if job.reserved is not None:  # refused before the document took the number: void it here
            with contextlib.suppress(DocgenError):  # else the batch voids what is left reserved when it ends
                reg.abandon(job.reserved, reason=f"baris {job.number} gagal: {exc}"[:300])
        fatal = isinstance(exc, DiskFull) or disk_full(exc)
        return RowResult(job.number, "failed", error=str(exc), pid=os.getpid(), fatal=fatal)
    return RowResult(job.number, "done", result.number, [f["path"] for f in result.files], pid=os.getpid())
