"""The home page: each role's work queues, oldest first, the way the paper trays stood on the desk.

Umum sees letters waiting for a disposition or for the addressee to take them, and signed drafts
waiting for their number; pimpinan sees letters to dispose and drafts to verify and sign; a
bidang sees what was disposed to its unit and not yet received or followed up; permit and finance
officers see their own drafts and what was issued last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from docgen.desk.handling import Ctx, Desk, endpoint
from docgen.desk.roles import APPROVER, KIND_MAKERS, has_role, kinds_made_by
from docgen.register import Register
from docgen.register.agenda import queue
from docgen.register.search import SearchQuery, books_version, search_documents

__all__ = ["routes"]

_KEPT = 64  # sets of trays remembered: every role and unit of an office, for the current books


@dataclass
class Tray:
    """One queue on the home page: incoming letters (``agenda``) or documents (``docs``)."""

    title: str
    style: str  # "agenda" or "docs"
    items: list[Any] = field(default_factory=list)
    total: int = 0


def _agenda(reg: Register, title: str, name: str, today: date, limit: int, unit: str | None = None) -> Tray:
    items = queue(reg, name, today=today)
    if unit is not None:
        items = [i for i in items if unit in i["to_units"]]
    return Tray(title, "agenda", items[:limit], len(items))


def _docs(reg: Register, title: str, kinds: list[str], states: list[str], limit: int) -> Tray:
    found, total = search_documents(reg, SearchQuery(jenis=kinds, status=states, per_halaman=limit))
    return Tray(title, "docs", found, total)


def trays(ctx: Ctx, reg: Register, today: date) -> list[Tray]:
    user, limit = ctx.user, ctx.workspace.profile.desk.page_rows
    out: list[Tray] = []
    if has_role(user, "umum") or has_role(user, APPROVER):
        out.append(_agenda(reg, "Surat masuk belum didisposisi", "belum-disposisi", today, limit))
    if has_role(user, APPROVER):
        out.append(_docs(reg, "Konsep menunggu verifikasi", [], ["draft"], limit))
        out.append(_docs(reg, "Konsep menunggu tanda tangan", [], ["verified"], limit))
    if has_role(user, "umum"):
        out.append(_agenda(reg, "Disposisi belum diterima tujuannya", "belum-diterima", today, limit))
        out.append(_docs(reg, "Sudah ditandatangani, menunggu nomor", [], ["signed"], limit))
    if "bidang" in user.roles and user.unit:
        out.append(_agenda(reg, f"Disposisi untuk {user.unit} belum diterima", "belum-diterima", today, limit,
                           user.unit))  # fmt: skip
        out.append(_agenda(reg, f"Disposisi {user.unit} belum ditindaklanjuti", "belum-selesai", today, limit,
                           user.unit))  # fmt: skip
    own = [k for k in kinds_made_by(user) if KIND_MAKERS[k] in ("perizinan", "keuangan")]
    if own:
        out.append(_docs(reg, "Konsep Anda yang belum bernomor", own, ["draft", "verified", "signed"], limit))
        out.append(_docs(reg, "Terbit terakhir", own, ["numbered", "sent"], limit))
    return out


def home_page(ctx: Ctx) -> Response:
    today = date.today()
    with ctx.desk.books() as reg:
        # Trays depend only on the roles, the unit, the day and the books: while no event was
        # appended, the same trays are shown again without asking the register (bench/desk.py).
        key = (ctx.user.roles, ctx.user.unit, today, books_version(reg))
        shown = ctx.desk.trays.get(key)
        if shown is None:
            shown = trays(ctx, reg, today)
            if len(ctx.desk.trays) > _KEPT:
                ctx.desk.trays.clear()
            ctx.desk.trays[key] = shown
    return ctx.render("beranda.html", trays=shown, kinds=kinds_made_by(ctx.user))


def routes(desk: Desk) -> list[Route]:
    return [Route("/", endpoint(desk, home_page, lambda user: True), methods=["GET"])]
