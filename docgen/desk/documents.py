"""A document's page and what can be done to it: states, numbering, the signed scan, downloads.

Every action is the library call the command line makes (``Register.set_state``,
``number_document``, ``stamp_document``), so a number, a state or a file behaves on the desk
exactly as with ``docgen register state``, ``docgen number`` and ``docgen stamp``.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import FileResponse, Response
from starlette.routing import Route

from docgen.desk.handling import Ctx, Desk, endpoint, on_document_page
from docgen.desk.roles import APPROVER, can, can_number, can_read, has_role, reads_everything
from docgen.errors import DocgenError
from docgen.kinds import get_kind
from docgen.pipeline import number_document
from docgen.register import DocumentRow, Register, State
from docgen.register.agenda import incoming_details, rounds
from docgen.register.chain import basis_of, resting_on
from docgen.sppverify import Verification, verification_of, verify_spp
from docgen.stamping import stamp_document
from docgen.web.guard import Refused

__all__ = ["open_document", "routes"]

#: Moves a clerk may make by hand, and the permission each needs (numbering has its own button).
_MOVES = {
    "verified": "approve",
    "signed": "approve",
    "draft": "approve",
    "sent": "send",
    "archived": "send",
}  # shown in this order
_DOWNLOAD_TYPES = {".pdf": "application/pdf", ".xlsx": "application/octet-stream", ".csv": "text/csv",
                   ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}  # fmt: skip


def disposed_units(reg: Register, doc_id: int) -> list[str]:
    return [unit for r in rounds(reg, doc_id) for unit in r["to_units"]]


def open_document(ctx: Ctx, reg: Register, doc_id: int) -> DocumentRow:
    """The document, if this user may read it; 404 for an unknown id, 403 for another's document."""
    try:
        doc = reg.document(doc_id)
    except DocgenError:
        raise Refused(404, f"Dokumen {doc_id} tidak ada di register") from None
    units = disposed_units(reg, doc_id) if doc.kind == "surat-masuk" and not reads_everything(ctx.user) else None
    if not can_read(ctx.user, doc.kind, units, doc.sifat):
        raise Refused(403, "Anda tidak berwenang membuka dokumen ini")
    return doc


def _actions(
    ctx: Ctx, doc: DocumentRow, latest: dict[str, Any] | None, verified: Verification | None
) -> dict[str, Any]:
    """What the page offers; each action checks the same rule again on the server when posted."""
    user, state = ctx.user, State(doc.state)
    kind = get_kind(doc.kind)
    possible = {(State.DRAFT, "verified"), (State.VERIFIED, "signed"), (State.VERIFIED, "draft")}
    if doc.kind != "surat-masuk":  # an incoming letter is archived, never sent
        possible.add((State.NUMBERED, "sent"))
    possible |= {(State.NUMBERED, "archived"), (State.SENT, "archived")}
    moves = [m for m in _MOVES if (state, m) in possible and can(user, _MOVES[m])]
    numbering = state == State.SIGNED and kind.numbered == "signature" and can_number(user, doc.kind)
    unit_ok = bool(latest) and (user.unit in latest["to_units"] or "admin" in user.roles)
    return {
        "moves": moves,
        "number": numbering,
        "stamp": numbering or (state == State.NUMBERED and doc.kind != "surat-masuk" and can_number(user, doc.kind)),
        "void": can(user, "void") and state not in (State.BATAL, State.ARCHIVED) and bool(doc.number),
        "dispose": doc.kind == "surat-masuk" and can(user, "dispose") and state != State.BATAL,
        "sheet": doc.kind == "surat-masuk" and can(user, "print-sheet"),
        "receive": bool(latest) and can(user, "receive") and unit_ok and not latest["received_at"],
        "finish": bool(latest) and can(user, "finish") and unit_ok and latest["received_at"] and not latest["done_at"],
        "verify_spp": doc.kind == "spp" and verified is None and _verifiable(doc) and can(user, "verify-spp"),
    }


def _verifiable(doc: DocumentRow) -> bool:
    return doc.number_status == "issued" and doc.state not in (State.BATAL, State.SUPERSEDED)


def document_page(ctx: Ctx) -> Response:
    doc_id = ctx.int_param("doc_id")
    with ctx.desk.books() as reg:
        doc = open_document(ctx, reg, doc_id)
        incoming = incoming_details(reg, doc_id) if doc.kind == "surat-masuk" else None
        history = rounds(reg, doc_id) if incoming else []
        verified = verification_of(reg, doc_id) if doc.kind == "spp" else None
        values = {
            "doc": doc,
            "files": reg.files(doc_id),
            "events": reg.events(doc_id),
            "basis": basis_of(reg.conn, doc_id),
            "dependents": resting_on(reg.conn, doc_id),
            "incoming": incoming,
            "rounds": history,
            "actions": _actions(ctx, doc, history[-1] if history else None, verified),
            "spp_verification": (verified.line if verified else "Belum diverifikasi") if doc.kind == "spp" else None,
        }
    profile = ctx.workspace.profile
    return ctx.render("dokumen.html", units=profile.disposition.units, instructions=profile.disposition.instructions,
                      officials={k: o.name for k, o in profile.officials.items()}, **values)  # fmt: skip


def download(ctx: Ctx) -> Response:
    doc_id, file_id = ctx.int_param("doc_id"), ctx.int_param("file_id")
    with ctx.desk.books() as reg:
        open_document(ctx, reg, doc_id)
        record = next((f for f in reg.files(doc_id) if f["id"] == file_id), None)
    if record is None:
        raise Refused(404, "Berkas ini bukan milik dokumen tersebut")
    path = ctx.workspace.outbox_file(record["path"])  # refuses a recorded path that leaves the outbox
    if not path.is_file():
        raise Refused(410, f"Berkas {path.name} tidak ada lagi di outbox; jalankan 'docgen register check'")
    media = _DOWNLOAD_TYPES.get(path.suffix.lower(), "application/octet-stream")
    inline = ctx.request.query_params.get("lihat") == "1" and media == "application/pdf"  # to print from the browser
    shown = "inline" if inline else "attachment"
    return FileResponse(path, media_type=media, filename=path.name, content_disposition_type=shown)


def change_state(ctx: Ctx) -> Response:
    doc_id = ctx.int_param("doc_id")
    target = ctx.form.get("status", "")
    here = f"/dokumen/{doc_id}"
    with ctx.desk.books() as reg:
        open_document(ctx, reg, doc_id)
        if target == "batal":
            if not can(ctx.user, "void"):
                raise Refused(403, "Hanya Sub Bagian Umum yang membatalkan nomor")
            reg.set_state(doc_id, State.BATAL, reason=ctx.form.get("alasan", "").strip() or None)
            return ctx.back(here, f"Dokumen {doc_id} dibatalkan; nomornya tetap tercatat sebagai batal")
        if target not in _MOVES or not can(ctx.user, _MOVES[target]):
            raise Refused(403, "Anda tidak berwenang mengubah status dokumen ini")
        doc = reg.set_state(doc_id, State(target))
    return ctx.back(here, f"Dokumen {doc_id} sekarang {doc.state}")


def verify(ctx: Ctx) -> Response:
    """The PPK-SKPD's verification of an SPP, as ``docgen spp verifikasi`` records it."""
    doc_id = ctx.int_param("doc_id")
    with ctx.desk.books() as reg:
        doc = open_document(ctx, reg, doc_id)
        if doc.kind != "spp" or not can(ctx.user, "verify-spp"):
            raise Refused(403, "Hanya bagian keuangan (PPK-SKPD) yang memverifikasi SPP")
        done = verify_spp(reg, str(doc_id), note=ctx.form.get("catatan", ""))
    return ctx.back(f"/dokumen/{doc_id}", f"SPP {doc.number}: {done.line}")


def number(ctx: Ctx) -> Response:
    doc_id = ctx.int_param("doc_id")
    with ctx.desk.books() as reg:
        doc = open_document(ctx, reg, doc_id)
    if not can_number(ctx.user, doc.kind):
        raise Refused(403, "Anda tidak berwenang memberi nomor dokumen ini")
    result = number_document(ctx.workspace, doc_id, pdf=ctx.form.get("pdf") == "ya")
    return ctx.back(f"/dokumen/{doc_id}", f"Dokumen {doc_id} diberi nomor {result.number}")


def stamp(ctx: Ctx) -> Response:
    doc_id = ctx.int_param("doc_id")
    with ctx.desk.books() as reg:
        doc = open_document(ctx, reg, doc_id)
    if not can_number(ctx.user, doc.kind):
        raise Refused(403, "Anda tidak berwenang memberi nomor dan cap dokumen ini")
    upload = ctx.files.get("berkas")
    if upload is None or upload.path.suffix != ".pdf":
        return ctx.back(f"/dokumen/{doc_id}", "Pilih berkas PDF hasil pindaian yang sudah ditandatangani", error=True)
    result = stamp_document(ctx.workspace, upload.path, doc.kind, doc_id=doc_id, source=upload.filename)
    return ctx.back(f"/dokumen/{doc_id}", f"Pindaian diberi nomor {result.number} dan cap; unduh PDF-nya di bawah")


def routes(desk: Desk) -> list[Route]:
    def anyone(user: Any) -> bool:
        return True

    def approver_or_clerk(user: Any) -> bool:
        return any(has_role(user, r) for r in ("umum", APPROVER, "perizinan", "keuangan"))

    actions = {"status": change_state, "nomor": number, "cap": stamp, "verifikasi": verify}
    return [
        Route("/dokumen/{doc_id}", endpoint(desk, document_page, anyone), methods=["GET"]),
        Route("/dokumen/{doc_id}/berkas/{file_id}", endpoint(desk, download, anyone), methods=["GET"]),
        *(
            Route(
                f"/dokumen/{{doc_id}}/{path}",
                endpoint(desk, on_document_page(run), approver_or_clerk),
                methods=["POST"],
            )
            for path, run in actions.items()
        ),
    ]
