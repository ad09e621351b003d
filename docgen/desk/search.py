"""Searching the register and exporting the agenda book from the desk.

A result list shows only what the user may open (a bidang sees the incoming letters disposed to
its unit); the agenda export is the same file ``docgen register export`` writes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from docgen.agendabook import export_agenda
from docgen.desk.documents import disposed_units
from docgen.desk.handling import Ctx, Desk, endpoint
from docgen.desk.roles import can, can_read, readable_kinds, reads_everything
from docgen.kinds import KINDS
from docgen.register import Register, State
from docgen.register.search import SearchQuery, search_documents
from docgen.validation import summarize

__all__ = ["routes"]

_FIELDS = ("nomor", "dari", "sampai", "hal", "pengirim", "halaman")


def search_page(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    asked = {k: params[k] for k in _FIELDS if params.get(k)}
    readable = readable_kinds(ctx.user)
    wanted = [k for k in params.getlist("jenis") if k in readable]
    states = [s for s in params.getlist("status") if s in {x.value for x in State}]
    found: list[Any] = []
    total, galat = 0, ""
    try:
        everything = set(readable) == set(KINDS)  # no kind filter to send: the register reads faster without
        query = SearchQuery(**asked, jenis=wanted or ([] if everything else readable), status=states,
                            per_halaman=ctx.workspace.profile.desk.page_rows)  # fmt: skip
    except ValidationError as exc:
        galat, query = summarize(exc)[0], None
    if query is not None and (asked or wanted or states):
        with ctx.desk.books() as reg:
            found, total = search_documents(reg, query)
            if not reads_everything(ctx.user):  # others see what they may open (units read only for them)
                found = [f for f in found if can_read(ctx.user, f.kind, _units(reg, f), f.sifat)]
    pages = -(-total // query.per_halaman) if query else 0
    page = query.halaman if query else 1
    kept = [(k, v) for k, v in params.multi_items() if k != "halaman"]
    links = {name: "/cari?" + urlencode([*kept, ("halaman", str(to))])
             for name, to in (("sebelumnya", page - 1), ("berikutnya", page + 1)) if 1 <= to <= pages}  # fmt: skip
    return ctx.render("cari.html", found=found, total=total, galat=galat, asked=asked, wanted=wanted, states=states,
                      kinds=[KINDS[k] for k in readable], all_states=list(State), page=page, links=links,
                      pages=pages, agenda=can(ctx.user, "export-agenda"))  # fmt: skip


def _units(reg: Register, found: Any) -> list[str] | None:
    return disposed_units(reg, found.id) if found.kind == "surat-masuk" else None


def agenda_book(ctx: Ctx) -> Response:
    fmt = "csv" if ctx.request.query_params.get("format") == "csv" else "xlsx"
    folder = Path(tempfile.mkdtemp(prefix="docgen-agenda-"))
    target = folder / f"buku-agenda.{fmt}"
    with ctx.desk.books() as reg:
        export_agenda(reg, target, fmt)
    task = BackgroundTask(_remove, folder)
    return FileResponse(target, filename=target.name, background=task)


def _remove(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink(missing_ok=True)
    folder.rmdir()


def routes(desk: Desk) -> list[Route]:
    return [
        Route("/cari", endpoint(desk, search_page, lambda user: can(user, "search")), methods=["GET"]),
        Route("/agenda", endpoint(desk, agenda_book, lambda user: can(user, "export-agenda")), methods=["GET"]),
    ]
