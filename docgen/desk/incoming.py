"""Incoming letters on the desk: entering one with its scan, the disposition sheet, disposing,
receiving and following up, each the library call that ``docgen masuk``/``docgen disposisi`` make.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from docgen.desk.documents import open_document
from docgen.desk.forms import field_errors, form_data, form_fields
from docgen.desk.handling import Ctx, Desk, endpoint, on_document_page
from docgen.desk.roles import can
from docgen.errors import DocgenError, RequestError
from docgen.incoming import KIND, dispose, enter_incoming, finish, print_sheet, receive
from docgen.kinds import get_kind
from docgen.register import Register
from docgen.register.agenda import rounds
from docgen.web.guard import Refused

__all__ = ["routes"]


def _entry_form(ctx: Ctx, values: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    kind = get_kind(KIND)
    fields = form_fields(kind, ctx.workspace.profile, values=values, errors=errors)
    return ctx.render("masuk_baru.html", status, kind=kind, fields=fields, galat=errors.get("", ""))


def entry_page(ctx: Ctx) -> Response:
    return _entry_form(ctx, {"diterima": date.today().isoformat()}, {})


def enter(ctx: Ctx) -> Response:
    kind = get_kind(KIND)
    scan = ctx.files.get("pindaian")
    if scan is not None and scan.path.suffix != ".pdf":
        return _entry_form(ctx, ctx.form, {"": "Pindaian surat harus berkas PDF"}, 400)
    data = form_data(kind, ctx.form)
    try:
        result = enter_incoming(ctx.workspace, data, scan=scan.path if scan else None,
                                source=f"meja: {scan.filename if scan else 'formulir'}")  # fmt: skip
    except RequestError as exc:
        return _entry_form(ctx, ctx.form, field_errors(exc, [f.name for f in form_fields(kind, ctx.workspace.profile)]),
                           400)  # fmt: skip
    except DocgenError as exc:
        return _entry_form(ctx, ctx.form, {"": str(exc)}, 400)
    return ctx.back(f"/dokumen/{result.id}", f"Surat masuk dicatat dengan nomor agenda {result.number}; "
                                             "cetak lembar disposisinya di bawah")  # fmt: skip


def _agenda(ctx: Ctx, reg: Register) -> tuple[int, str, dict[str, Any] | None]:
    doc_id = ctx.int_param("doc_id")
    doc = open_document(ctx, reg, doc_id)
    if doc.kind != KIND or not doc.number:
        raise Refused(404, f"Dokumen {doc_id} bukan surat masuk yang tercatat")
    history = rounds(reg, doc_id)
    return doc_id, doc.number, history[-1] if history else None


def sheet(ctx: Ctx) -> Response:
    if not can(ctx.user, "print-sheet"):
        raise Refused(403, "Anda tidak berwenang mencetak lembar disposisi")
    with ctx.desk.books() as reg:
        doc_id, agenda, _ = _agenda(ctx, reg)
    print_sheet(ctx.workspace, agenda)
    with ctx.desk.books() as reg:
        sheets = [f for f in reg.files(doc_id, current_only=True) if f["role"] == "disposisi"]
    newest = max(sheets, key=lambda f: f["id"])
    return RedirectResponse(f"/dokumen/{doc_id}/berkas/{newest['id']}?lihat=1", 303)


def dispose_letter(ctx: Ctx) -> Response:
    if not can(ctx.user, "dispose"):
        raise Refused(403, "Hanya pimpinan yang mendisposisikan surat")
    with ctx.desk.books() as reg:
        doc_id, agenda, _ = _agenda(ctx, reg)
    done = dispose(ctx.workspace, agenda, units=ctx.lists.get("kepada", []), instructions=ctx.lists.get("harap", []),
                   by=ctx.form.get("oleh", ""), note=ctx.form.get("catatan", ""))  # fmt: skip
    return ctx.back(f"/dokumen/{doc_id}", f"Disposisi ke-{done.round} agenda {done.agenda} dicatat")


def _addressed(ctx: Ctx, latest: dict[str, Any] | None, action: str) -> None:
    if not can(ctx.user, action):
        raise Refused(403, "Hanya bidang yang dituju yang mencatat penerimaan dan tindak lanjut")
    if latest is None:
        raise RequestError("Surat ini belum didisposisikan")
    if "admin" not in ctx.user.roles and ctx.user.unit not in latest["to_units"]:
        raise Refused(403, "Disposisi ini tidak ditujukan kepada unit Anda")


def receive_letter(ctx: Ctx) -> Response:
    with ctx.desk.books() as reg:
        doc_id, agenda, latest = _agenda(ctx, reg)
    _addressed(ctx, latest, "receive")
    number = receive(ctx.workspace, agenda, by=ctx.user.name)
    return ctx.back(f"/dokumen/{doc_id}", f"Disposisi ke-{number} diterima oleh {ctx.user.name}")


def finish_letter(ctx: Ctx) -> Response:
    with ctx.desk.books() as reg:
        doc_id, agenda, latest = _agenda(ctx, reg)
    _addressed(ctx, latest, "finish")
    number = finish(ctx.workspace, agenda, follow_up=ctx.form.get("tindak_lanjut", ""))
    return ctx.back(f"/dokumen/{doc_id}", f"Tindak lanjut disposisi ke-{number} dicatat")


def routes(desk: Desk) -> list[Route]:
    def clerk(user: Any) -> bool:
        return can(user, "enter-incoming")

    def staff(user: Any) -> bool:
        return any(can(user, a) for a in ("print-sheet", "dispose", "receive", "finish"))

    return [
        Route("/surat-masuk/baru", endpoint(desk, entry_page, clerk), methods=["GET"]),
        Route("/surat-masuk/baru", endpoint(desk, enter, clerk), methods=["POST"]),
        Route("/dokumen/{doc_id}/lembar-disposisi", endpoint(desk, on_document_page(sheet), staff), methods=["POST"]),
        Route("/dokumen/{doc_id}/disposisi", endpoint(desk, on_document_page(dispose_letter), staff), methods=["POST"]),
        Route("/dokumen/{doc_id}/terima", endpoint(desk, on_document_page(receive_letter), staff), methods=["POST"]),
        Route("/dokumen/{doc_id}/selesai", endpoint(desk, on_document_page(finish_letter), staff), methods=["POST"]),
    ]
