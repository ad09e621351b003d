"""How a kind's outputs are made: from a Word template, or drawn as a PDF form from a layout.

The pipeline's promises (validate, prove the template on this very request before a number is
taken, reserve, write, record) are the same for every kind; only these two steps differ. Letters
and reports are DOCX rendered by the compiled docxtpl renderer (and converted to PDF on request);
certificates and permits are drawn directly with reportlab, because officers print many a day
and LibreOffice costs a second a page.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from docgen.errors import RequestError, TemplateError
from docgen.files import check_room
from docgen.kinds import Kind, validate_request
from docgen.pdf import ColdConverter, Converter, Marks, footer_room_mm, stamp_pdf, stand_in_marks
from docgen.profile import Workspace
from docgen.register import Reservation
from docgen.render.docx import Bounds, CompiledDocx, compile_docx
from docgen.render.forms import form_values

__all__ = ["Maker", "Output", "check_outbox", "maker_for"]

Output = tuple[str, bytes, str]  # (role, content, file-name ending)

_STAND_IN = f"DOCGEN-NOMOR-{secrets.token_hex(12)}"  # per process: no request can contain it
_FORM_NUMBER = "500.16.7.4/IR-00000/423.105/XII/2026"  # a long permit number: fitted in a form's trial


class Maker(Protocol):
    """The kind-specific part of making one document."""

    sha256: str  # the template or layout the outputs are made from, recorded with them

    def trial(self, context: dict[str, Any], year: int) -> Any:
        """Make this request once with a stand-in number before any number is reserved."""

    def outputs(
        self, context: dict[str, Any], trial: Any, reservation: Reservation | None, marks: Marks | None
    ) -> list[Output]:
        """The files of the document, with its number (``context['nomor']``) when it has one."""


def check_outbox(workspace: Workspace, kind: str, year: int, *, expected: int = 0) -> None:
    """Refuse before any number is reserved a document whose files could not be written.

    The year folder is created and proven writable, and the disks of the outbox and the
    register must have room for ``expected`` bytes with a margin (see ``check_room``).
    """
    outbox = workspace.require_outbox()  # a share that is not mounted is refused, not filled on this disk
    check_room(outbox / str(year) / kind, also=[workspace.register_path.parent], expected=expected)


def maker_for(workspace: Workspace, kind: Kind, *, pdf: bool = False, converter: Converter | None = None) -> Maker:
    """The maker of ``kind``; its template or layout is loaded and proven once per process."""
    if kind.template.endswith(".docx"):
        return DocxMaker(workspace, kind, (converter or ColdConverter()) if pdf else None)
    if kind.template.endswith(".flow.toml"):
        return FlowMaker(workspace, kind)
    if kind.template.endswith(".toml"):
        return FormMaker(workspace, kind)
    raise RequestError(f"Jenis {kind.name} tidak dibuat dari templat; lihat 'docgen kinds {kind.name}'")


class DocxMaker:
    """A kind made from a Word template; with a converter, also its PDF (QR and footer stamped on)."""

    def __init__(self, workspace: Workspace, kind: Kind, converter: Converter | None) -> None:
        self.workspace, self.kind, self.converter = workspace, kind, converter
        self.compiled = _proven_template(workspace, kind)
        self.sha256 = self.compiled.sha256
        self.bounds = Bounds.of(workspace.profile.limits)
        self.page = workspace.profile.page  # the office's paper and margins, not the template's A4
        # 2 mm lines of room under the last block for the QR code and the footer stamped on the PDF
        self.room = [1] * math.ceil(footer_room_mm(workspace.profile, kind.name) / 2)

    def with_room(self, context: dict[str, Any]) -> dict[str, Any]:
        """``context`` with the room under the last block that the stamped marks need (``halaman.kaki``)."""
        return {**context, "halaman": {**context.get("halaman", {}), "kaki": self.room}}

    def trial(self, context: dict[str, Any], year: int) -> list[tuple[str, bytes]]:
        """Render this very request (stand-in number) and check the outbox has room.

        A template that fails or runs away only for some data (``{{ 1/0 }}`` in one branch, a loop
        over a long list) is refused without consuming a number. The parts rendered here become
        the document once the number is known, so the request is rendered once.
        """
        stand_in = self.with_room({**context, "nomor": _STAND_IN})
        parts = self.compiled.render_parts(stand_in, self.bounds, page=self.page)
        size = sum(len(data) for _, data in parts)
        check_outbox(self.workspace, self.kind.name, year, expected=size * 4)  # room for the DOCX and its PDF
        return parts

    def outputs(
        self, context: dict[str, Any], trial: Any, reservation: Reservation | None, marks: Marks | None
    ) -> list[Output]:
        rendered = None
        if trial is not None and reservation is not None:  # exact when the template only prints {{ nomor }}
            rendered = self.compiled.with_number(trial, _STAND_IN, reservation.number)
        docx = rendered or self.compiled.render(self.with_room(context), self.bounds, page=self.page)
        outputs: list[Output] = [("docx", docx, ".docx")]
        if self.converter is not None:
            with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
                source = Path(tmp) / "dokumen.docx"
                source.write_bytes(docx)
                pdf = self.converter.convert(source, Path(tmp)).read_bytes()
            if marks is not None:
                pdf = stamp_pdf(pdf, marks, self.workspace, self.kind.name, elements=frozenset({"qr", "footer"}))
            outputs.append(("pdf", pdf, ".pdf"))
        return outputs


def _proven_template(workspace: Workspace, kind: Kind) -> CompiledDocx:
    """The compiled template, proven once per process to render the kind's example.

    A template broken in a way Jinja only notices while rendering (a tag left open across
    paragraphs) is found here, before any number is reserved.
    """
    compiled = compile_docx(workspace.template(kind.template), emblem=workspace.emblem)
    if not compiled.proven:
        example = validate_request(
            kind, kind.dated_example(), workspace.profile, source="contoh bawaan", roots=(workspace.root,)
        )
        compiled.render(
            kind.render_context(example, workspace.profile, number="1"), Bounds.of(workspace.profile.limits)
        )
        compiled.proven = True
    return compiled


class FormMaker:
    """A kind drawn as a PDF form from a layout in ``templates/`` (certificates, permits)."""

    def __init__(self, workspace: Workspace, kind: Kind) -> None:
        from docgen.render.forms import load_box_layout

        self.workspace, self.kind = workspace, kind
        path = workspace.template(kind.template)
        self.layout = load_box_layout(path, workspace.root, profile=workspace.profile)
        self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()

    def trial(self, context: dict[str, Any], year: int) -> None:
        """Prove every placeholder has a value of the right shape that fits its box at 8 pt or more,
        and the outbox has room: a value too long is refused naming its field before a number is taken.

        The values are fitted, not drawn: the page is drawn once, after the number is known (officers
        print many a day). The stand-in number is as long as a long real one, so the real one fits too.
        """
        from docgen.render.forms import fit_box_form

        values = form_values({**context, "nomor": _FORM_NUMBER}, self.layout)
        missing = sorted(self.layout.fields - set(values))
        if missing:
            names = ", ".join(f"{{{name}}}" for name in missing)
            raise TemplateError(
                f"Formulir {self.kind.template} memakai {names}, tetapi jenis {self.kind.name} "
                "tidak mengisinya; perbaiki tata letaknya lalu jalankan 'docgen template check'"
            )
        fit_box_form(self.layout, values, stand_in_marks(self.workspace.profile, date.today()).footer)
        check_outbox(self.workspace, self.kind.name, year, expected=256_000)

    def outputs(
        self, context: dict[str, Any], trial: Any, reservation: Reservation | None, marks: Marks | None
    ) -> list[Output]:
        from docgen.render.forms import draw_box_form

        values = form_values(context, self.layout)
        url, footer = (marks.url, marks.footer) if marks else ("", ())
        return [("pdf", draw_box_form(self.layout, values, qr_url=url, footer=footer), ".pdf")]


class FlowMaker:
    """A kind set as a flowing form from a flow template in ``templates/`` (SPJ, SPP, SPM): its
    tables run over as many pages as the data needs; the QR code and footer are stamped on after."""

    def __init__(self, workspace: Workspace, kind: Kind) -> None:
        from docgen.flow import FlowPage, load_flow_layout

        self.workspace, self.kind = workspace, kind
        path = workspace.template(kind.template)
        self.layout = load_flow_layout(path)
        self.source = kind.template
        self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        self.page = FlowPage.of(workspace.profile, workspace.root, footer_room_mm(workspace.profile, kind.name))

    def render(self, context: dict[str, Any]) -> bytes:
        from docgen.flow import render_flow

        return render_flow(self.layout, context, self.page, source=self.source)

    def trial(self, context: dict[str, Any], year: int) -> None:
        """Set this very request once with a long stand-in number: a value that cannot be printed at
        8 pt or more even wrapped, or a value the template names and the kind lacks, is refused
        before a number is taken; and the outbox must have room."""
        pdf = self.render({**context, "nomor": _FORM_NUMBER})
        check_outbox(self.workspace, self.kind.name, year, expected=len(pdf) * 2)

    def outputs(
        self, context: dict[str, Any], trial: Any, reservation: Reservation | None, marks: Marks | None
    ) -> list[Output]:
        pdf = self.render(context)
        if marks is not None:
            pdf = stamp_pdf(pdf, marks, self.workspace, self.kind.name, elements=frozenset({"qr", "footer"}))
        return [("pdf", pdf, ".pdf")]
