"""Sign documents from the register with the office's certificate (TTE, PAdES).

The signature is the last change to a PDF: a numbered document's PDF already carries its number,
QR code and footer, so nothing is stamped after signing. The signed PDF is a new file of the
document (the unsigned one stays, no longer current); the signature is recorded right after the
file (``record_signature``, a second short transaction: ``record_files`` owns its own). A
``verified`` document becomes ``signed``; a kind numbered at signature (letters, decrees) is then
numbered, its PDF made with number, QR and footer, and that PDF is signed. A refusal of the
certificate changes nothing (the key is checked before any of this).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import RegisterError
from docgen.kinds import get_kind
from docgen.pipeline import number_document, write_free
from docgen.profile import Workspace, safe_join
from docgen.register import Register, State
from docgen.register.rows import DocumentRow, FileRecord
from docgen.register.signatures import SignatureRow, record_signature, signatures_of
from docgen.sign.signer import Credential, SignedPdf, SigningError, require_trusted, sign_pdf

__all__ = ["Signed", "sign_document", "sign_documents", "waiting_for_signature"]

#: States a document may be signed in: verified (becomes signed) or numbered (docgen made it whole).
SIGNABLE = (State.VERIFIED, State.NUMBERED)


@dataclass(frozen=True)
class Signed:
    doc_id: int
    path: str
    sha256: str
    level: str
    state: str


def _current_pdf(reg: Register, doc_id: int) -> dict:
    pdfs = [f for f in reg.files(doc_id, current_only=True) if f["role"] == "pdf"]
    if not pdfs:
        raise SigningError(f"Dokumen {doc_id} belum punya PDF; buat PDF-nya dulu (docgen new ... --pdf) lalu ulangi")
    return pdfs[-1]


def _trust_roots(workspace: Workspace) -> list[Path]:
    return [safe_join(workspace.root, p) for p in workspace.profile.signing.trust_roots]


def sign_document(workspace: Workspace, reg: Register, doc_id: int, credential: Credential) -> Signed:
    """Sign document ``doc_id``'s current PDF; refuse an untrusted certificate, an unsignable state,
    a changed file or a second signature, each before the register or the outbox changes."""
    require_trusted(credential, _trust_roots(workspace))
    doc = reg.document(doc_id)
    if doc.state not in SIGNABLE:
        raise RegisterError(
            f"Dokumen {doc_id} berstatus {doc.state}; yang ditandatangani hanya dokumen berstatus verified "
            "atau numbered (docgen status ID verified)"
        )
    if doc.state == State.VERIFIED and get_kind(doc.kind).numbered == "signature":
        _rehearse(workspace, reg, doc, credential)
        doc = _number_first(workspace, reg, doc_id)
    record = _current_pdf(reg, doc_id)
    if any(s.file_sha256 == record["sha256"] for s in signatures_of(reg.conn, doc_id)):
        raise RegisterError(f"Dokumen {doc_id} sudah ditandatangani secara elektronik; tidak ditandatangani dua kali")
    source = reg.workspace.outbox / record["path"]
    signed = _sign(workspace, doc, _recorded_bytes(reg, doc_id, record), credential)
    written = write_free(source.parent, Path(record["path"]).stem, "-ttd.pdf", signed.data)
    state = State.SIGNED if doc.state == State.VERIFIED else None
    reg.record_files(doc_id, [FileRecord("pdf", reg.relative(written.path), written.sha256, written.size)], state=state)
    row = SignatureRow(
        doc_id, written.sha256, credential.subject, credential.fingerprint, signed.level,
        signed.signed_at.isoformat(timespec="seconds"),
    )  # fmt: skip
    record_signature(reg, row)
    return Signed(doc_id, reg.relative(written.path), written.sha256, signed.level, str(state or doc.state))


def _recorded_bytes(reg: Register, doc_id: int, record: dict) -> bytes:
    """The file's bytes, refused when unreadable or no longer what the register recorded."""
    try:
        data = (reg.workspace.outbox / record["path"]).read_bytes()
    except OSError as exc:
        raise SigningError(
            f"PDF dokumen {doc_id} ({record['path']}) tidak bisa dibaca ({exc.strerror}); periksa outbox"
        ) from None
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise SigningError(
            f"PDF dokumen {doc_id} ({record['path']}) berubah sejak dicatat; buat ulang sebelum ditandatangani"
        )
    return data


def _sign(workspace: Workspace, doc: DocumentRow, data: bytes, credential: Credential) -> SignedPdf:
    settings = workspace.profile.signing
    return sign_pdf(
        data, credential, box=settings.box_for(doc.kind), footer=settings.footer,
        timestamp_url=settings.timestamp_url, trust_roots=_trust_roots(workspace),
        reason=f"Dokumen {doc.number or doc.id}",
        qr_url=f"{workspace.profile.verification.base_url.rstrip('/')}/{doc.token}" if doc.token else "",
    )  # fmt: skip


def _rehearse(workspace: Workspace, reg: Register, doc: DocumentRow, credential: Credential) -> None:
    """Sign the verified draft's PDF in memory and throw it away, before the number is taken.

    Numbering comes first for such a letter (the number must be in what is signed), so a refusal
    that only signing finds (the timestamp authority unreachable, the box on a page the letter
    lacks, a PDF pyHanko cannot read) would otherwise leave a numbered letter without its TTE.
    A draft without a PDF yet is not rehearsed: its PDF is made with the number.
    """
    try:
        record = _current_pdf(reg, doc.id)
    except SigningError:
        return
    _sign(workspace, doc, _recorded_bytes(reg, doc.id, record), credential)


def _number_first(workspace: Workspace, reg: Register, doc_id: int) -> DocumentRow:
    """A letter numbered at signature gets its number, QR and footer before the TTE goes on.

    The electronic signature is the signature that lets it be numbered (verified -> signed ->
    numbered), and it must be the last change to the PDF: so the numbered PDF is made first (with
    LibreOffice for a Word-template kind) and that file is what gets signed.
    """
    reg.set_state(doc_id, State.SIGNED)
    number_document(workspace, doc_id, pdf=True, register=reg, electronic=True)  # its footer cites UU ITE
    return reg.document(doc_id)


def waiting_for_signature(reg: Register, *, kind: str | None = None) -> list[int]:
    """The queue ``--semua`` signs: every verified document (of ``kind``)."""
    return [d.id for d in reg.documents(kind=kind, state=State.VERIFIED)]


def sign_documents(
    workspace: Workspace, doc_ids: list[int] | None, credential: Credential, *, kind: str | None = None
) -> list[Signed]:
    """Sign the given documents, or (``doc_ids`` None) the whole queue, with one parsed key.

    Stops at the first refusal; documents signed before it stay signed and are returned. A
    certificate that does not chain to ``[signing] trust_roots`` is refused before the register opens.
    """
    require_trusted(credential, _trust_roots(workspace))
    with Register.open(workspace) as reg:
        ids = waiting_for_signature(reg, kind=kind) if doc_ids is None else doc_ids
        return [sign_document(workspace, reg, doc_id, credential) for doc_id in ids]
