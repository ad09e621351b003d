"""Number and stamp a signed document: the Sub Bagian Umum's step after the Kepala Dinas signs.

The signed letter arrives as a PDF (a scan, or an export from Word or LibreOffice). It is checked
before any number is taken; the stamped copy is a new file in the outbox and the original is
never modified, its SHA-256 kept in the register as the source of the stamped copy.

A letter docgen drafted is stamped where a clerk would stamp it (issue 23): its number written
into its own "Nomor :" line and the cap over its signer's block, both found in the draft's PDF
(the one in the outbox, or the draft rendered again through LibreOffice) before the number is
taken. A letter written elsewhere, a form, or a draft whose lines cannot be found keeps the
number box and the profile's cap place, and the log says why.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError, RequestError
from docgen.kinds import Kind, get_kind, validate_request
from docgen.makers import check_outbox, maker_for
from docgen.pdf import Anchors, Converter, find_anchors, fit_anchors, make_marks, preflight, stamp_pdf, stand_in_marks
from docgen.pipeline import Result, issue_outputs
from docgen.profile import Workspace
from docgen.register import Intake, Register, State
from docgen.register.rows import DocumentRow

__all__ = ["draft_anchors", "stamp_document"]

log = logging.getLogger(__name__)


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
    converter: Converter | None = None,
) -> Result:
    """Number (if needed) and stamp ``pdf`` as document ``doc_id`` or as a new one from ``data``.

    With ``doc_id`` the document must be signed (it then gets its number) or already numbered
    (it keeps it); a letter docgen drafted gets its number on its "Nomor :" line and the cap over
    its signer (``converter`` renders the draft when the outbox has no PDF of it). With ``data``
    a letter written outside docgen enters the register, numbered, with the number box.
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
            anchors = _anchors_for(workspace, reg, doc, kind, original, pdf.name, converter)
            series = _series_of(workspace, kind, doc)
            if doc.number_status == "issued":
                reservation, state = None, None
            else:
                reservation, state = reg.reserve_for(doc_id, series), State.NUMBERED
        else:
            request = validate_request(kind, data, profile, codes=workspace.archive_codes, source=source)
            series = kind.series_for(profile, request)
            summary = kind.summary(request, profile)
            kka = summary.kka or kind.kka_for(profile)
            _ready(workspace, original, pdf.name, kind.name, summary.doc_date, "")
            anchors = None  # a foreign letter: docgen never saw its layout, the number goes in the box
            doc_id, reservation = reg.start_document(
                kind.name, summary, request.model_dump(mode="json"), state=State.NUMBERED, series=series, kka=kka,
            )  # fmt: skip
            state = None
        doc = reg.document(doc_id)
        number = reservation.number if reservation else doc.number or ""
        marks = make_marks(profile, number=number, doc_date=date.fromisoformat(doc.doc_date), token=doc.token or "",
                           issuer=profile.series[series].instansi if series in profile.series else None)  # fmt: skip

        def produce() -> list[tuple[str, bytes, str]]:
            return [("pdf", stamp_pdf(original, marks, workspace, kind.name, name=pdf.name, anchors=anchors), ".pdf")]

        return issue_outputs(
            reg, kind, doc_id, reservation, produce, year=int(doc.doc_date[:4]), state=state,
            source_sha256=source_sha, intake=intake,
        )  # fmt: skip
    finally:
        if register is None:
            reg.close()


def _series_of(workspace: Workspace, kind: Kind, doc: DocumentRow) -> str:
    """The series a registered document numbers (or numbered) from: an OPD's rekomendasi, its agency's.

    Only a kind that picks its series per request needs the stored request read again.
    """
    if kind.series_of is None:
        return kind.series_for(workspace.profile)
    stored = validate_request(
        kind, doc.request, workspace.profile, source=f"dokumen {doc.id}", roots=(workspace.root,), stored=True
    )
    return kind.series_for(workspace.profile, stored)


def _anchors_for(
    workspace: Workspace,
    reg: Register,
    doc: DocumentRow,
    kind: Kind,
    data: bytes,
    name: str,
    converter: Converter | None,
) -> Anchors | None:
    """The draft's anchors that fit this PDF's pages, or None (with the reason logged): before numbering."""
    anchors, why = draft_anchors(workspace, reg, doc, kind, converter)
    if anchors is not None:
        anchors = fit_anchors(data, anchors, name=name)
        if not anchors.numbers:
            why = f"halaman {name} tidak berbentuk sama dengan konsepnya"
    if anchors is None or not anchors.numbers:
        log.warning("Dokumen %s: nomor ditulis di kotak nomor, bukan di baris Nomor surat (%s)", doc.id, why)
    if anchors is not None and not anchors.signers:
        log.warning("Dokumen %s: cap dinas di letak [stamp] profil; blok penanda tangan tidak ditemukan", doc.id)
    return anchors


def draft_anchors(
    workspace: Workspace, reg: Register, doc: DocumentRow, kind: Kind, converter: Converter | None = None
) -> tuple[Anchors | None, str]:
    """Where the draft docgen made of ``doc`` prints its "Nomor :" line and its signer's block.

    The outbox's PDF of the document is read first (newest first; a stamped scan has no text and
    is passed over); else the draft is rendered again, as its DOCX would be, with its number (none
    before numbering: the page the signer signed), through ``converter`` (a cold LibreOffice when
    None). Returns (anchors, "") or (None, why): a form, a letter not drafted here, no
    LibreOffice, no "Nomor :" line or "NOMOR" heading.
    """
    if not kind.template.endswith(".docx"):
        return None, f"jenis {kind.name} berupa formulir"
    files = reg.files(doc.id)
    if not any(f["role"] == "docx" for f in files):
        return None, "surat tidak dikonsep di docgen"
    try:
        request = validate_request(
            kind, dict(doc.request), workspace.profile, source=f"dokumen {doc.id}", roots=(workspace.root,), stored=True
        )
        context = kind.render_context(request.model_copy(update={"kka": doc.kka}), workspace.profile, number="")
    except DocgenError as exc:
        return None, f"konsepnya tidak bisa dibaca ulang: {exc}"
    signer = str((context.get("penandatangan") or {}).get("nama", ""))
    for record in reversed([f for f in files if f["role"] == "pdf"]):
        try:
            found = find_anchors((reg.workspace.outbox / record["path"]).read_bytes(), signer)
        except Exception:  # noqa: BLE001 - an unreadable old file is passed over, the draft is rendered instead
            continue
        if found.numbers:
            return found, ""
    context["nomor"] = doc.number or ""  # as the signer saw it: the draft leaves the number out
    try:
        outputs = maker_for(workspace, kind, pdf=True, converter=converter).outputs(context, None, None, None)
        found = find_anchors(next(blob for role, blob, _ in outputs if role == "pdf"), signer)
    except DocgenError as exc:
        return None, f"konsepnya tidak bisa dicetak ulang: {exc}"
    if not found.numbers:
        return None, "konsepnya tidak punya baris 'Nomor :' atau judul 'NOMOR'"
    return found, ""
