"""Drafting a document in a form generated from its kind (``docgen new`` on the desk).

A letter or decree numbered at signature becomes a draft; a certificate, permit, BAP or payment
form is numbered at once, as with ``docgen new``. The request is validated before anything is
reserved, so a refused form leaves the register exactly as it was and shows each problem next
to its field.

A rekomendasi, izin or Sertifikat Standar form also asks for its basis (the BAP or rekomendasi,
by number or register id): "Isi dari dasar" shows the form filled from it, and making the
document fills whatever is still blank from it, as ``docgen new --dasar`` does.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from docgen.basis import from_basis
from docgen.batch.rows import BASIS_COLUMN
from docgen.desk.forms import field_errors, form_data, form_fields, form_values
from docgen.desk.handling import Ctx, Desk, endpoint
from docgen.desk.roles import can_make, kinds_made_by
from docgen.errors import DocgenError, RequestError
from docgen.kinds import KINDS, Kind, get_kind
from docgen.pipeline import generate
from docgen.web.guard import Refused

__all__ = ["routes"]


def _kind(ctx: Ctx) -> Kind:
    name = ctx.request.path_params["kind"]
    if name not in KINDS or name == "surat-masuk":
        raise Refused(404, f"Jenis dokumen '{name[:40]}' tidak ada")
    if not can_make(ctx.user, name):
        raise Refused(403, f"Anda tidak berwenang membuat {KINDS[name].title}")
    return get_kind(name)


def _form(
    ctx: Ctx, kind: Kind, values: dict[str, str], errors: dict[str, str], status: int = 200, note: str = ""
) -> Response:
    fields = form_fields(kind, ctx.workspace.profile, values=values, errors=errors)
    return ctx.render("buat.html", status, kind=kind, fields=fields, galat=errors.get("", ""),
                      pdf_choice="docx" in kind.outputs, dasar=_basis_input(kind, values, errors),
                      catatan=note)  # fmt: skip


def _basis_input(kind: Kind, values: dict[str, str], errors: dict[str, str]) -> dict[str, str] | None:
    """The form's "Dasar" input, for a kind that rests on another document."""
    if kind.basis is None:
        return None
    names = " atau ".join("BAP" if name == "bap" else name for name in kind.basis.kinds)
    return {
        "name": BASIS_COLUMN,
        "label": f"Dasar (nomor {names})",
        "help": f"nomor atau id {names} di register; pemohon, objek dan nomornya diambil dari sana",
        "value": values.get(BASIS_COLUMN, ""),
        "error": errors.get(BASIS_COLUMN, ""),
    }


def kinds_page(ctx: Ctx) -> Response:
    return ctx.render("buat_pilih.html", kinds=[get_kind(k) for k in kinds_made_by(ctx.user)])


def form_page(ctx: Ctx) -> Response:
    kind = _kind(ctx)
    return _form(ctx, kind, {}, {})


def make(ctx: Ctx) -> Response:
    kind = _kind(ctx)
    values = dict(ctx.form)
    for name, saved in ctx.files.items():  # a picture field: its saved name, found in the upload folder
        values[name] = saved.path.name
    draft = kind.numbered == "signature"
    data = form_data(kind, values)
    dasar = values.get(BASIS_COLUMN, "").strip() if kind.basis is not None else ""
    filling = ctx.form.get("isi") == "dasar"
    if filling and not dasar:
        return _form(ctx, kind, values, {BASIS_COLUMN: "isi dulu nomor dasarnya, lalu tekan 'Isi dari dasar'"}, 400)
    if dasar:
        try:
            with ctx.desk.books() as reg:
                data = from_basis(reg, kind, data, dasar)
        except RequestError as exc:
            return _form(ctx, kind, values, {BASIS_COLUMN: str(exc)}, 400)
        if filling:  # show what the basis gives; nothing is made until the clerk has looked at it
            names = [f.name for f in form_fields(kind, ctx.workspace.profile, values=values)]
            note = f"Isian diambil dari dasar {dasar}; periksa, lengkapi yang masih kosong, lalu buat dokumennya."
            return _form(ctx, kind, values | form_values(data, names), {}, note=note)
    try:
        result = generate(ctx.workspace, kind.name, data, draft=draft,
                          pdf=ctx.form.get("pdf") == "ya", source=f"meja: {ctx.user.username}",
                          request_dir=ctx.folder)  # fmt: skip
    except RequestError as exc:
        names = [f.name for f in form_fields(kind, ctx.workspace.profile, values=values)]
        return _form(ctx, kind, values, field_errors(exc, names), 400)
    except DocgenError as exc:
        return _form(ctx, kind, values, {"": str(exc)}, 400)
    told = "konsep dibuat; ajukan verifikasi ke pimpinan" if draft else f"terbit dengan nomor {result.number}"
    return ctx.back(f"/dokumen/{result.id}", f"{kind.title}: {told}")


def routes(desk: Desk) -> list[Route]:
    def maker(user: Any) -> bool:
        return bool(kinds_made_by(user))

    return [
        Route("/buat", endpoint(desk, kinds_page, maker), methods=["GET"]),
        Route("/buat/{kind}", endpoint(desk, form_page, maker), methods=["GET"]),
        Route("/buat/{kind}", endpoint(desk, make, maker), methods=["POST"]),
    ]
