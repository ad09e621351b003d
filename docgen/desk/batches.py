"""Batches from an uploaded spreadsheet, with live progress (``docgen batch`` on the desk).

The sheet is copied to a folder of the job's own, and :func:`docgen.batch.runner.run_batch` runs
in a background thread under the clerk's name: the same validation of every row first, the same
numbers reserved in row order, the same report. The progress page asks for the counts once a
second; the job belongs to the user who started it.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from docgen.batch.runner import BatchOptions, run_batch
from docgen.desk.handling import Ctx, Desk, endpoint
from docgen.desk.roles import can_make, kinds_made_by
from docgen.errors import DocgenError
from docgen.kinds import get_kind, made_kinds
from docgen.profile import Workspace
from docgen.register.actor import acting_as
from docgen.web.guard import Refused

__all__ = ["Job", "routes"]

_RUNNING_AT_ONCE = 2  # batches use every core; more at once only makes each slower
_REMEMBERED = 200  # finished batches whose progress page still answers (their reports stay in the outbox)


@dataclass
class Job:
    id: str
    owner: str
    kind: str
    source: str
    done: int = 0
    total: int = 0
    state: str = "berjalan"  # berjalan, selesai, ditolak, gagal
    message: str = ""
    bad: list[str] = field(default_factory=list)
    report: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"done": self.done, "total": self.total, "state": self.state, "message": self.message,
                "bad": self.bad[:50], "report": [p.name for p in self.report]}  # fmt: skip


def _kinds(ctx: Ctx) -> list[str]:
    made = {k.name for k in made_kinds()}
    return [k for k in kinds_made_by(ctx.user) if k in made]


def batch_page(ctx: Ctx) -> Response:
    mine = [j for j in ctx.desk.jobs.values() if j.owner == ctx.user.username]
    return ctx.render("batch.html", kinds=[get_kind(k) for k in _kinds(ctx)], jobs=mine[-10:])


def start(ctx: Ctx) -> Response:
    kind = ctx.form.get("jenis", "")
    if kind not in _kinds(ctx) or not can_make(ctx.user, kind):
        raise Refused(403, "Anda tidak berwenang membuat jenis dokumen ini")
    sheet = ctx.files.get("lembar")
    if sheet is None or sheet.path.suffix not in (".xlsx", ".csv"):
        return ctx.back("/batch", "Pilih lembar kerja XLSX atau CSV", error=True)
    if sum(1 for j in ctx.desk.jobs.values() if j.state == "berjalan") >= _RUNNING_AT_ONCE:
        return ctx.back("/batch", "Sudah ada dua batch berjalan; tunggu salah satu selesai", error=True)
    folder = Path(tempfile.mkdtemp(prefix="docgen-meja-batch-"))
    source = folder / f"lembar{sheet.path.suffix}"  # the clerk's file name stays only a label
    shutil.copyfile(sheet.path, source)
    options = BatchOptions(
        kind=kind, source=source, pdf=ctx.form.get("pdf") == "ya", skip_bad=ctx.form.get("lewati") == "ya",
        draft=get_kind(kind).numbered == "signature",
    )  # fmt: skip
    job = Job(secrets.token_urlsafe(12), ctx.user.username, kind, sheet.filename)
    finished = [key for key, old in ctx.desk.jobs.items() if old.state != "berjalan"]
    for key in finished[: max(0, len(ctx.desk.jobs) - _REMEMBERED)]:  # the oldest finished ones go first
        del ctx.desk.jobs[key]
    ctx.desk.jobs[job.id] = job
    worker = threading.Thread(target=_run, args=(ctx.workspace, options, job, folder), daemon=True)
    worker.start()
    return ctx.back(f"/batch/{job.id}")


def _run(workspace: Workspace, options: BatchOptions, job: Job, folder: Path) -> None:
    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total

    try:
        with acting_as(job.owner):
            outcome = run_batch(workspace, options, progress)
        job.total = job.total or outcome.rows
        job.bad = [str(b) for b in outcome.bad]
        job.report = list(outcome.report or ())
        if outcome.bad and not options.skip_bad:
            job.state, job.message = "ditolak", f"{len(outcome.bad)} baris tidak sah; tidak ada yang dibuat"
        else:
            made = outcome.count("selesai")
            job.state = "selesai" if not outcome.stopped else "gagal"
            job.message = outcome.stopped or f"{made} dokumen dibuat, {outcome.count('sudah ada')} sudah ada"
            job.done = job.total
    except DocgenError as exc:
        job.state, job.message = "gagal", str(exc)
    except Exception as exc:  # noqa: BLE001 - a thread's failure must reach the page, not vanish
        job.state, job.message = "gagal", f"Batch gagal ({type(exc).__name__}); lihat log meja kerja"
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _job(ctx: Ctx) -> Job:
    job = ctx.desk.jobs.get(ctx.request.path_params["job"])
    if job is None or (job.owner != ctx.user.username and "admin" not in ctx.user.roles):
        raise Refused(404, "Batch ini tidak ada")
    return job


def progress_page(ctx: Ctx) -> Response:
    return ctx.render("batch_jalan.html", job=_job(ctx))


def status(ctx: Ctx) -> Response:
    return JSONResponse(_job(ctx).as_dict())


def report(ctx: Ctx) -> Response:
    job = _job(ctx)
    wanted = ctx.request.path_params["name"]
    path = next((p for p in job.report if p.name == wanted), None)
    if path is None or not path.is_file():
        raise Refused(404, "Laporan batch ini tidak ada")
    return FileResponse(path, filename=path.name)


def routes(desk: Desk) -> list[Route]:
    def maker(user: Any) -> bool:
        return bool(kinds_made_by(user))

    return [
        Route("/batch", endpoint(desk, batch_page, maker), methods=["GET"]),
        Route("/batch", endpoint(desk, start, maker), methods=["POST"]),
        Route("/batch/{job}", endpoint(desk, progress_page, maker), methods=["GET"]),
        Route("/batch/{job}/status", endpoint(desk, status, maker), methods=["GET"]),
        Route("/batch/{job}/laporan/{name}", endpoint(desk, report, maker), methods=["GET"]),
    ]
