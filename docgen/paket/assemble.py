"""``docgen paket``: an SPP, its SPM and its attachments bound into one numbered, bookmarked PDF.

Everything is read and checked first (the SPP issued and its file unchanged, every required item
present, every attachment a usable PDF or picture), so a refusal writes nothing and changes no
register row. The packet and a JSON list of its parts with their SHA-256 are then written into the
outbox and recorded, in one transaction, as files of the SPP (roles ``paket`` and ``paket-isi``):
``docgen verify`` answers ASLI for the packet, and the parts list is covered by the event chain.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pypdf import PdfWriter

from docgen.errors import RegisterError, RequestError
from docgen.files import check_room, write_new
from docgen.names import file_stem
from docgen.paket.checklist import CHECKLIST_FILE, Checklist, Matched, load_checklists, match_folder
from docgen.paket.front import Front, Row, draw_front
from docgen.paket.parts import Part, read_attachment, read_pdf
from docgen.pdf import stamp_page_numbers
from docgen.pipeline import write_free
from docgen.profile import Workspace, shipped_dir
from docgen.register import FileRecord, Register
from docgen.register.chain import find_document, resting_on
from docgen.register.events import now_iso
from docgen.register.rows import DocumentRow
from docgen.sppverify import verification_of
from docgen.text import rupiah, tanggal
from docgen.validation import shown

__all__ = ["PacketResult", "assemble_packet", "bind", "describe"]


@dataclass(frozen=True)
class PacketResult:
    """What ``docgen paket`` made: where, how many pages, the parts in order with their hashes."""

    doc_id: int
    number: str
    path: str
    sha256: str
    pages: int
    parts_path: str
    parts: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def assemble_packet(workspace: Workspace, spp: str, folder: Path) -> PacketResult:
    """Bind SPP ``spp`` (its number or register id), its SPM and the attachments in ``folder``."""
    checklists_path = workspace.template(CHECKLIST_FILE)
    if not checklists_path.is_file():  # a workspace made before packets existed: the shipped checklists
        checklists_path = shipped_dir() / "templates" / CHECKLIST_FILE
    checklists = load_checklists(checklists_path)
    with Register.open(workspace) as reg:
        doc = find_document(reg.conn, spp, kinds=("spp",))
        jenis = _jenis(doc)
        checklist = checklists.for_type(jenis, checklists_path)
        matched = match_folder(checklist, Path(folder))
        forms = _forms(reg, doc)
        limits = workspace.profile.limits
        root = Path(folder).resolve()
        attachments = [
            read_attachment(
                path,
                item=m.item.key,
                title=f"{m.item.name}: {path.name}",
                root=root,
                max_pages=limits.packet_pages,
                max_bytes=limits.pdf_bytes,
            )  # fmt: skip
            for m in matched
            for path in m.files
        ]
        parts = [*forms, *attachments]
        _within_pages(doc, parts, limits.packet_pages)
        done = verification_of(reg, doc.id)  # made before it too: the packet is what the PPK-SKPD verifies
        front = _front(workspace, doc, checklist, matched, forms, attachments, parts, done.line if done else "")
        data, pages, listed = bind(front, parts)
        return _file(reg, doc, data, pages, listed)


def bind(front: Front, parts: list[Part]) -> tuple[bytes, int, list[dict[str, Any]]]:
    """The packet's bytes: the front pages, then every part, a bookmark each, every page numbered."""
    drawn, cover_pages = draw_front(front)
    part = read_pdf(drawn, "sampul", what="Sampul")[0]
    front_pages = len(part.pages)
    writer = PdfWriter()
    writer.append(part, import_outline=False)
    writer.add_outline_item(title="Sampul", page_number=0)
    writer.add_outline_item(title="Daftar periksa", page_number=cover_pages)
    listed = [
        {"part": "Sampul dan daftar periksa", "item": "", "file": "", "pages": f"1-{front_pages}",
         "sha256": hashlib.sha256(drawn).hexdigest()}
    ]  # fmt: skip
    for p in parts:
        start = len(writer.pages)
        writer.append(p.reader, import_outline=False, excluded_fields=["/B"])  # keep annotations: visible signatures
        writer.add_outline_item(title=p.title, page_number=start)
        listed.append(
            {"part": p.title, "item": p.item, "file": p.source, "pages": _range(start + 1, p.pages), "sha256": p.sha256}
        )
        if p.signed:  # a signature survives only in the original bytes: attach them (DOMAIN.md section 5)
            writer.add_attachment(p.source, p.original)
    writer.page_mode = "/UseOutlines"
    total = stamp_page_numbers(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total, listed


def _within_pages(doc: DocumentRow, parts: list[Part], limit: int) -> None:
    """All parts together stay within ``limits.packet_pages`` (the front pages are few and counted by binding)."""
    total = sum(p.pages for p in parts)
    if total > limit:
        raise RequestError(
            f"Paket SPP {shown(doc.number or str(doc.id))} akan berisi {total} halaman lampiran dan formulir, "
            f"melebihi batas {limit} halaman (limits.packet_pages di docgen.toml); periksa lampiran yang terlalu "
            "tebal atau pisahkan menjadi beberapa paket"
        )


def _range(first: int, count: int) -> str:
    return str(first) if count == 1 else f"{first}-{first + count - 1}"


def _jenis(doc: DocumentRow) -> str:
    value = doc.request.get("jenis")
    if not isinstance(value, str) or not value.strip():
        raise RequestError(f"SPP {doc.number} tidak mencatat jenisnya (jenis); buat ulang SPP dengan jenis UP, GU, ...")
    return "-".join(value.upper().replace("_", " ").replace("/", " ").replace("-", " ").split())


def _forms(reg: Register, doc: DocumentRow) -> list[Part]:
    """The SPP's PDF and the PDF of every SPM resting on it, as the register keeps them (hash checked)."""
    forms = [_form(reg, doc, "SPP")]
    for spm in resting_on(reg.conn, doc.id):
        if spm.kind == "spm" and spm.state != "batal" and spm.number_status == "issued":
            forms.append(_form(reg, spm, "SPM"))
    return forms


def _form(reg: Register, doc: DocumentRow, label: str) -> Part:
    record = next((f for f in reg.files(doc.id, current_only=True) if f["role"] == "pdf"), None)
    if record is None:
        raise RegisterError(f"{label} {doc.number} belum punya berkas PDF di register; buat ulang PDF-nya dulu")
    path = reg.workspace.outbox_file(record["path"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegisterError(
            f"Berkas {label} {doc.number} ({reg.workspace.shown(path)}) tidak terbaca ({exc.strerror}); "
            "jalankan 'docgen register check'"
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != record["sha256"]:
        raise RegisterError(
            f"Berkas {label} {doc.number} di outbox berubah sejak dicatat; jalankan 'docgen register check' "
            "dan pulihkan berkas aslinya"
        )
    reader, signed = read_pdf(data, path.name, what=label)
    return Part(f"{label} {doc.number}", record["path"], digest, reader, "", signed, data if signed else b"")


def _front(
    workspace: Workspace,
    doc: DocumentRow,
    checklist: Checklist,
    matched: list[Matched],
    forms: list[Part],
    attachments: list[Part],
    parts: list[Part],
    verification: str,
) -> Front:
    facts = [("Nomor SPP", doc.number or ""), ("Tanggal SPP", tanggal(date.fromisoformat(doc.doc_date)))]
    facts += [("Nomor SPM", p.title.removeprefix("SPM ")) for p in forms[1:]]
    amount = _amount(doc.request.get("jumlah"))
    if amount:
        facts.append(("Jumlah", amount))
    if doc.subject:
        facts.append(("Keperluan", doc.subject))
    signed = [p.source for p in [*forms, *attachments] if p.signed]
    if signed:
        facts.append(("Catatan", "Berkas bertanda tangan elektronik disalin ke paket; aslinya terlampir di dalam "
                      f"PDF ini (lampiran berkas): {', '.join(signed)}"))  # fmt: skip
    rows = tuple(Row(i, m.item.name, m.item.required, tuple(p.name for p in m.files)) for i, m in enumerate(matched, 1))
    emblem = workspace.emblem
    bound = tuple((p.title, p.pages) for p in parts)
    return Front(
        workspace.profile.office, emblem, checklist.title, tuple(facts), bound, rows, workspace.profile.page.size_mm,
        verification=verification,
    )  # fmt: skip


def _amount(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        return ""
    try:
        return rupiah(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return ""


def _file(reg: Register, doc: DocumentRow, data: bytes, pages: int, parts: list[dict[str, Any]]) -> PacketResult:
    """Write the packet and its parts list into the outbox, then record both in one transaction."""
    folder = reg.workspace.outbox / doc.doc_date[:4] / "spp"
    check_room(folder, also=(reg.workspace.register_path.parent,), expected=len(data))
    stem = file_stem(doc.number or str(doc.id))
    packet = write_free(folder, stem, "-paket.pdf", data)
    listing_path = packet.path.with_suffix(".json")
    written = [packet]
    try:
        listing = {
            "spp": {"id": doc.id, "number": doc.number}, "packet": packet.path.name, "sha256": packet.sha256,
            "pages": pages, "made_at": now_iso(), "parts": parts,
        }  # fmt: skip
        text = json.dumps(listing, ensure_ascii=False, indent=2) + "\n"
        written.append(write_new(listing_path, text.encode("utf-8")))
        reg.record_files(
            doc.id,
            [
                FileRecord(role, reg.relative(w.path), w.sha256, w.size)
                for role, w in zip(("paket", "paket-isi"), written, strict=False)
            ],
        )
    except BaseException:
        for w in written:
            w.path.unlink(missing_ok=True)
        raise
    ws = reg.workspace
    return PacketResult(
        doc.id, doc.number or "", ws.shown(packet.path), packet.sha256, pages, ws.shown(listing_path), parts
    )


def describe(result: PacketResult) -> str:
    """One line for the clerk: what was bound and where it is."""
    return f"Paket SPP {shown(result.number)}: {result.pages} halaman, {len(result.parts)} bagian -> {result.path}"
