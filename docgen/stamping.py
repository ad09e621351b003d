"""Number and stamp a signed document: the Sub Bagian Umum's step after the Kepala Dinas signs.

The signed letter arrives as a PDF (a scan, or an export from Word or LibreOffice). It is checked
before any number is taken; the stamped copy is a new file in the outbox and the original is
never modified, its SHA-256 kept in the register as the source of the stamped copy.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from docgen.errors import RequestError
from docgen.kinds import get_kind, validate_request
from docgen.makers import check_outbox
from docgen.pdf import make_marks, preflight, stamp_pdf, stand_in_marks
from docgen.pipeline import Result, issue_outputs
from docgen.profile import Workspace
from docgen.register import Intake, Register, State

__all__ = ["stamp_document"]


def _ready(workspace: Workspace, data: bytes, name: str, kind: str, doc_date: date, number: str) -> None:
    """Before a number is reserved: the PDF opens, every page the stamp touches is sound and
    large enough, and the outbox can take the copy (a broken page or a full disk once voided a
    number with an unexpected error)."""
    preflight(data, stand_in_marks(workspace.profile, doc_date, number), workspace, kind, name=name)
    check_outbox(workspace, kind, doc_date.year, expected=len(data))


def stamp_document(
    workspace: Workspace,
    pdf: Path,
    kind_name: str,
    *,
    doc_id: int | None = None,
    data: dict[str, Any] | None = None,
    source: str = "",
    register: Register | None = None,
    intake: Intake | None = None,
) -> Result:
    """Number (if needed) and stamp ``pdf`` as document ``doc_id`` or as a new one from ``data``.

    With ``doc_id`` the document must be signed (it then gets its number) or already numbered
    (it keeps it). With ``data`` a letter written outside docgen enters the register, numbered.
    """
    kind = get_kind(kind_name)
    if (doc_id is None) == (data is None):
        raise RequestError("Sebutkan salah satu: --id (dokumen yang sudah ada) atau --data (permintaan baru)")
    limit = workspace.profile.limits.pdf_bytes
    try:
        if not pdf.is_file():
            raise RequestError(f"Berkas {pdf} tidak ada atau bukan berkas biasa; periksa nama dan foldernya")
        size = pdf.stat().st_size
        if size > limit:
            raise RequestError(
                f"Berkas {pdf.name} berukuran {size} bita, melebihi batas {limit} (limits.pdf_bytes); "
                "pindai ulang dengan resolusi lebih rendah"
            )
        original = pdf.read_bytes()
    except OSError as exc:
        raise RequestError(f"Berkas {pdf} tidak bisa dibaca ({exc}); periksa nama dan izinnya") from exc
    source_sha = hashlib.sha256(original).hexdigest()
    profile = workspace.profile
    reg = register or Register.open(workspace)
    try:
        if doc_id is not None:
            doc = reg.document(doc_id)
            if doc.kind != kind.name:
                raise RequestError(f"Dokumen {doc_id} berjenis {doc.kind}, bukan {kind.name}; periksa --kind")
            _ready(workspace, original, pdf.name, kind.name, date.fromisoformat(doc.doc_date), doc.number or "")
            if doc.number_status == "issued":
                reservation, state = None, None
            else:
                reservation, state = reg.reserve_for(doc_id, kind.series_for(profile)), State.NUMBERED
        else:
            request = validate_request(kind, data, profile, codes=workspace.archive_codes, source=source)
            summary = kind.summary(request, profile)
            kka = summary.kka or kind.kka_for(profile)
            _ready(workspace, original, pdf.name, kind.name, summary.doc_date, "")
            doc_id, reservation = reg.start_document(
                kind.name, summary, request.model_dump(mode="json"), state=State.NUMBERED,
                series=kind.series_for(profile), kka=kka,
            )  # fmt: skip
            state = None
        doc = reg.document(doc_id)
        number = reservation.number if reservation else doc.number or ""
        marks = make_marks(profile, number=number, doc_date=date.fromisoformat(doc.doc_date), token=doc.token or "")

        def produce() -> list[tuple[str, bytes, str]]:
            return [("pdf", stamp_pdf(original, marks, workspace, kind.name, name=pdf.name), ".pdf")]

        return issue_outputs(
            reg, kind, doc_id, reservation, produce, year=int(doc.doc_date[:4]), state=state,
            source_sha256=source_sha, intake=intake,
        )  # fmt: skip
    finally:
        if register is None:
            reg.close()
