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
from docgen.kinds.base import Lampiran
from docgen.kinds.surat_masuk import SuratMasuk
from docgen.makers import Output, check_outbox
from docgen.pattern import NumberParts, format_number
from docgen.pdf import check_page, clean_pdf, clean_writer, read_pdf
from docgen.pipeline import Result, issue_outputs
from docgen.profile import Workspace, printed_kop
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


@dataclass(frozen=True)
class _Letter:
    """What the sheet prints of the letter itself, from the request or from the register."""

    sender: str
    number: str
    written: date
    received: date
    subject: str
    sifat: str
    lampiran: str  # counted in words

    @classmethod
    def of_request(cls, req: SuratMasuk) -> _Letter:
        return cls(req.dari, req.nomor, req.tanggal, req.diterima, req.hal, req.sifat, req.lampiran.text())

    @classmethod
    def of_entry(cls, reg: Register, doc: DocumentRow) -> _Letter:
        """From the register's rows; the lampiran from the stored request (entries before it existed: "-")."""
        details = incoming_details(reg, doc.id)
        return cls(
            details["sender"], details["letter_number"], date.fromisoformat(details["letter_date"]),
            date.fromisoformat(details["received_date"]), doc.subject, doc.sifat,
            Lampiran.model_validate(doc.request.get("lampiran", 0)).text(),
        )  # fmt: skip


def _build_sheet(
    workspace: Workspace, *, letter: _Letter, agenda: str, kka: str, recorded: list[DispositionRound], token: str
) -> DispositionSheet:
    """The sheet's contents from the letter and its rounds: one place for the trial (before a
    number or a round is recorded) and the real sheet."""
    profile = workspace.profile
    return DispositionSheet(
        kop=printed_kop(profile.office),
        emblem=workspace.emblem if workspace.emblem.is_file() else None,
        sender=letter.sender,
        letter_number=letter.number,
        letter_date=tanggal(letter.written),
        received_date=tanggal(letter.received),
        agenda_number=agenda,
        sifat=letter.sifat,
        subject=letter.subject,
        kka=kka,
        index=_index(workspace, kka),
        lampiran=letter.lampiran,
        units=list(profile.disposition.units),
        instructions=list(profile.disposition.instructions),
        rounds=recorded,
        qr_url=f"{profile.verification.base_url.rstrip('/')}/{token}",
        page=profile.page,
    )


def _index(workspace: Workspace, kka: str) -> str:
    """The Indeks: the code's name as a catchword, without the parenthesised scope some names carry
    ("Penciptaan (buku registrasi naskah masuk ...)" files under "Penciptaan")."""
    name = workspace.archive_codes.name(kka) if kka else ""
    return name.split(" (")[0].strip()


def _render(workspace: Workspace, sheet: DispositionSheet) -> bytes:
    return render_disposition_sheet(sheet, load_form_layout(workspace.template(workspace.profile.disposition.layout)))


def _recorded(workspace: Workspace, reg: Register, doc_id: int) -> list[DispositionRound]:
    """Every round recorded so far, as the sheet prints it."""
    officials = workspace.profile.officials
    return [
        DispositionRound(
            by=officials[r["by_official"]].position if r["by_official"] in officials else r["by_official"],
            to_units=r["to_units"],
            instructions=r["instructions"],
            note=r["note"],
            date_text=tanggal(local_date(r["created_at"])),
            deadline_text=tanggal(date.fromisoformat(r["deadline"])) if r.get("deadline") else "",
        )
        for r in rounds(reg, doc_id)
    ]


def _sheet(workspace: Workspace, reg: Register, doc: DocumentRow, agenda: str) -> bytes:
    """Render the lembar disposisi of ``doc`` with every round recorded so far."""
    sheet = _build_sheet(
        workspace, letter=_Letter.of_entry(reg, doc), agenda=agenda, kka=doc.kka or "",
        recorded=_recorded(workspace, reg, doc.id), token=doc.token or "",
    )  # fmt: skip
    return _render(workspace, sheet)


def _stand_in_agenda(workspace: Workspace, letter: _Letter, kka: str) -> str:
    """The widest agenda number the series can give this year: the trial sheet is never narrower."""
    profile, kind = workspace.profile, get_kind(KIND)
    pattern = profile.series[kind.series_for(profile)].pattern
    parts = NumberParts(seq=99999, year=letter.received.year, month=12, kka=kka, unit=profile.office.unit_code)
    return format_number(pattern, parts)


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
    check_outbox(workspace, kind.name, request.diterima.year, expected=2 * len(scan_bytes or b""))
    summary = kind.summary(request, profile)
    kka = summary.kka or kind.kka_for(profile)
    assert isinstance(request, SuratMasuk)
    letter = _Letter.of_request(request)
    stand_in = _stand_in_agenda(workspace, letter, kka)
    trial = _build_sheet(workspace, letter=letter, agenda=stand_in, kka=kka, recorded=[], token="x" * 22)
    _render(workspace, trial)  # a broken layout or a field the sheet cannot hold costs no number
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
    deadline: date | None = None,
    print_it: bool = False,
    today: date | None = None,
) -> Disposed:
    """Record a disposition round (Kepala Dinas to a Bidang, a Bidang to its staff).

    ``deadline`` is the round's batas waktu, printed on the sheet; it may not lie before the day
    the letter was received. The sheet is drawn with the new round first, so a note it cannot
    hold is refused before anything is recorded.
    """
    profile = workspace.profile
    today = today or date.today()
    chosen_units = pick(list(profile.disposition.units), units, "Tujuan disposisi")
    chosen_instructions = pick(list(profile.disposition.instructions), instructions, "Instruksi")
    if by not in profile.officials:
        raise RequestError(f"Pejabat '{by}' tidak ada di profil; pilih: {', '.join(profile.officials)}")
    with Register.open(workspace) as reg:
        doc = _entry(reg, agenda, today)
        letter = _Letter.of_entry(reg, doc)
        if deadline is not None and deadline < letter.received:
            raise RequestError(
                f"Batas waktu {tanggal(deadline)} sebelum surat diterima ({tanggal(letter.received)}); "
                "pilih tanggal pada atau sesudah tanggal terima"
            )
        new = DispositionRound(
            by=profile.officials[by].position, to_units=chosen_units, instructions=chosen_instructions,
            note=note.strip(), date_text=tanggal(today), deadline_text=tanggal(deadline) if deadline else "",
        )  # fmt: skip
        trial = _build_sheet(
            workspace, letter=letter, agenda=doc.number or agenda, kka=doc.kka or "",
            recorded=[*_recorded(workspace, reg, doc.id), new], token=doc.token or "",
        )  # fmt: skip
        _render(workspace, trial)
        number = add_disposition(
            reg, doc.id, by=by, units=chosen_units, instructions=chosen_instructions, note=note.strip(),
            deadline=deadline,
        )  # fmt: skip
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
