"""Incoming letters: enter into the agenda, dispose, hand over, follow up, print the sheet.

These are the Sub Bagian Umum's steps of process P1.2.1.2 as library calls; the CLI and the
folder watcher call them. Everything a request names (units, instructions, officials, archive
codes) is checked before the register changes, so a typo never leaves half an entry.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from docgen.errors import RequestError
from docgen.kinds import get_kind, validate_request
from docgen.makers import Output, check_outbox
from docgen.pdf import check_page, clean_pdf, clean_writer, read_pdf
from docgen.pipeline import Result, issue_outputs
from docgen.profile import Workspace
from docgen.register import DocumentRow, Intake, Register, State
from docgen.register.agenda import (
    add_disposition,
    close_disposition,
    find_incoming,
    incoming_details,
    insert_incoming_row,
    receive_disposition,
    rounds,
)
from docgen.register.events import local_date
from docgen.render.forms import DispositionRound, DispositionSheet, load_form_layout, render_disposition_sheet
from docgen.text import tanggal

__all__ = ["Disposed", "dispose", "enter_incoming", "finish", "pick", "print_sheet", "receive"]

KIND = "surat-masuk"


@dataclass(frozen=True)
class Disposed:
    """A recorded disposition round, and the re-printed sheet when one was asked for."""

    agenda: str
    round: int
    sheet: Result | None


def pick(options: list[str], wanted: list[str], what: str) -> list[str]:
    """Resolve what a clerk typed to the office's own wording: exact, number, or unique part.

    ``--kepada 2`` or ``--kepada "bidang ptsp"``-style shorthands save typing long unit names;
    anything ambiguous or unknown is refused with the list to choose from.
    """
    chosen: list[str] = []
    listing = "; ".join(f"{i}. {o}" for i, o in enumerate(options, 1))
    for raw in wanted:
        text = raw.strip()
        exact = [o for o in options if o.casefold() == text.casefold()]
        partial = [o for o in options if text.casefold() in o.casefold()]
        match = [options[int(text) - 1]] if text.isdigit() and 1 <= int(text) <= len(options) else exact or partial
        if len(match) != 1:
            problem = "tidak dikenal" if not match else "cocok dengan lebih dari satu"
            raise RequestError(f"{what} '{raw}' {problem}; pilih nomor atau nama dari: {listing}")
        if match[0] not in chosen:
            chosen.append(match[0])
    return chosen


def _read_scan(scan: Path, *, limit: int, merge: bool) -> tuple[str, bytes]:
    """The scan's SHA-256 and the bytes of its copy; refused now if it could not be copied or merged later.

    Copied scans lose any active content (JavaScript, actions, embedded files): a copy in the
    outbox verifies as genuine. A clean scan is copied byte for byte.
    """
    try:
        size = scan.stat().st_size
        if size > limit:
            raise RequestError(
                f"Berkas pindaian {scan.name} berukuran {size} bita, melebihi batas {limit} (limits.pdf_bytes); "
                "pindai ulang dengan resolusi lebih rendah"
            )
        data = scan.read_bytes()
    except OSError as exc:
        raise RequestError(f"Berkas pindaian {scan} tidak bisa dibaca ({exc})") from exc
    reader = read_pdf(data, scan.name)
    if merge:  # every page goes behind the sheet
        for number, page in enumerate(reader.pages, 1):
            check_page(page, number, scan.name)
    try:
        return hashlib.sha256(data).hexdigest(), clean_pdf(data)
    except Exception as exc:  # pypdf could not rewrite it: the file is broken somewhere
        raise RequestError(
            f"Berkas pindaian {scan.name} tidak bisa disalin ({type(exc).__name__}: {exc}); pindai ulang ke PDF"
        ) from exc


def _sheet(workspace: Workspace, reg: Register, doc: DocumentRow, agenda: str) -> bytes:
    """Render the lembar disposisi of ``doc`` with every round recorded so far."""
    profile = workspace.profile
    details = incoming_details(reg, doc.id)
    officials = profile.officials
    recorded = [
        DispositionRound(
            by=officials[r["by_official"]].position if r["by_official"] in officials else r["by_official"],
            to_units=r["to_units"],
            instructions=r["instructions"],
            note=r["note"],
            date_text=tanggal(local_date(r["created_at"])),
        )
        for r in rounds(reg, doc.id)
    ]
    sheet = DispositionSheet(
        kop=list(profile.office.kop),
        address=profile.office.address,
        emblem=workspace.emblem if workspace.emblem.is_file() else None,
        sender=details["sender"],
        letter_number=details["letter_number"],
        letter_date=tanggal(date.fromisoformat(details["letter_date"])),
        received_date=tanggal(date.fromisoformat(details["received_date"])),
        agenda_number=agenda,
        sifat=doc.sifat,
        subject=doc.subject,
        kka=doc.kka or "",
        units=list(profile.disposition.units),
        instructions=list(profile.disposition.instructions),
        rounds=recorded,
        qr_url=f"{profile.verification.base_url.rstrip('/')}/{doc.token}",
    )
    layout = load_form_layout(workspace.template(profile.disposition.layout))
    return render_disposition_sheet(sheet, layout)


def _merged(sheet: bytes, scan: bytes) -> bytes:
    """The sheet in front of the scan, as the paper is clipped together."""
    writer = PdfWriter()
    for part in (sheet, scan):
        writer.append(PdfReader(io.BytesIO(part)))
    clean_writer(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def enter_incoming(
    workspace: Workspace,
    data: dict[str, Any],
    *,
    scan: Path | None = None,
    merge: bool = False,
    source: str = "",
    register: Register | None = None,
    intake: Intake | None = None,
) -> Result:
    """Enter a received letter: agenda number, the scan's copy, and its blank disposition sheet."""
    kind = get_kind(KIND)
    profile = workspace.profile
    request = validate_request(kind, data, profile, codes=workspace.archive_codes, source=source)
    if merge and scan is None:
        raise RequestError("--gabung menggabungkan lembar disposisi dengan pindaian; sertakan --scan")
    scan_sha, scan_bytes = _read_scan(scan, limit=profile.limits.pdf_bytes, merge=merge) if scan else (None, None)
    load_form_layout(workspace.template(profile.disposition.layout))  # a broken layout costs no number
    check_outbox(workspace, kind.name, request.diterima.year, expected=2 * len(scan_bytes or b""))
    summary = kind.summary(request, profile)
    kka = summary.kka or kind.kka_for(profile)
    reg = register or Register.open(workspace)
    try:
        doc_id, reservation = reg.start_document(
            kind.name, summary, request.model_dump(mode="json"), state=State.NUMBERED,
            series=kind.series_for(profile), kka=kka,
            with_row=lambda conn, new_id: insert_incoming_row(
                conn, new_id, sender=request.dari, number=request.nomor, letter_date=request.tanggal,
                received_date=request.diterima, scan_sha256=scan_sha,
            ),
        )  # fmt: skip
        assert reservation is not None

        def produce() -> list[Output]:
            sheet = _sheet(workspace, reg, reg.document(doc_id), reservation.number)
            outputs: list[Output] = [("disposisi", sheet, "-disposisi.pdf")]
            if scan_bytes is not None:
                outputs.append(("scan", scan_bytes, "-pindaian.pdf"))
                if merge:
                    outputs.append(("gabung", _merged(sheet, scan_bytes), "-gabung.pdf"))
            return outputs

        return issue_outputs(reg, kind, doc_id, reservation, produce, year=request.diterima.year, intake=intake)
    finally:
        if register is None:
            reg.close()


def _entry(reg: Register, agenda: str, today: date) -> DocumentRow:
    return find_incoming(reg, agenda, year=today.year)


def print_sheet(workspace: Workspace, agenda: str, *, merge: bool = False, today: date | None = None) -> Result:
    """Print the sheet again with every round so far (and in front of the scan with ``merge``)."""
    today = today or date.today()
    with Register.open(workspace) as reg:
        doc = _entry(reg, agenda, today)
        scan = next((f for f in reg.files(doc.id, current_only=True) if f["role"] == "scan"), None)
        if merge and scan is None:
            raise RequestError(f"Surat agenda {agenda} tidak punya pindaian untuk digabung")

        def produce() -> list[Output]:
            sheet = _sheet(workspace, reg, doc, doc.number or agenda)
            outputs: list[Output] = [("disposisi", sheet, "-disposisi.pdf")]
            if merge and scan is not None:
                scanned = workspace.outbox_file(scan["path"]).read_bytes()  # register paths are outbox-relative
                outputs.append(("gabung", _merged(sheet, scanned), "-gabung.pdf"))
            return outputs

        return issue_outputs(reg, get_kind(KIND), doc.id, None, produce, year=int(doc.doc_date[:4]))


def dispose(
    workspace: Workspace,
    agenda: str,
    *,
    units: list[str],
    instructions: list[str],
    by: str,
    note: str = "",
    print_it: bool = False,
    today: date | None = None,
) -> Disposed:
    """Record a disposition round (Kepala Dinas to a Bidang, a Bidang to its staff)."""
    profile = workspace.profile
    today = today or date.today()
    chosen_units = pick(list(profile.disposition.units), units, "Tujuan disposisi")
    chosen_instructions = pick(list(profile.disposition.instructions), instructions, "Instruksi")
    if by not in profile.officials:
        raise RequestError(f"Pejabat '{by}' tidak ada di profil; pilih: {', '.join(profile.officials)}")
    with Register.open(workspace) as reg:
        doc = _entry(reg, agenda, today)
        number = add_disposition(
            reg, doc.id, by=by, units=chosen_units, instructions=chosen_instructions, note=note.strip()
        )
    sheet = print_sheet(workspace, agenda, today=today) if print_it else None
    return Disposed(doc.number or agenda, number, sheet)


def receive(workspace: Workspace, agenda: str, *, by: str, today: date | None = None) -> int:
    """The caraka handed the letter to the disposition's addressee."""
    if not by.strip():
        raise RequestError("Nama penerima wajib diisi (--oleh)")
    with Register.open(workspace) as reg:
        return receive_disposition(reg, _entry(reg, agenda, today or date.today()).id, by=by.strip())


def finish(workspace: Workspace, agenda: str, *, follow_up: str, today: date | None = None) -> int:
    """Record what was done with the letter (tindak lanjut)."""
    with Register.open(workspace) as reg:
        return close_disposition(reg, _entry(reg, agenda, today or date.today()).id, follow_up=follow_up)
