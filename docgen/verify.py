"""Is this document genuine? Answered from the register, for a file or for a QR token.

A file is genuine when its SHA-256 is one the register recorded; a stamped PDF that was altered
still carries its token, so the register can say it was modified; a document whose number is
batal is void whatever its bytes; anything else is unknown to this office.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from docgen.config import Workspace
from docgen.errors import RequestError
from docgen.register import DocumentRow, Register, State
from docgen.render.stamp import token_in_pdf

__all__ = ["Verdict", "Verification", "verify"]

_ISSUED_STATES = {State.NUMBERED, State.SENT, State.ARCHIVED}


class Verdict(StrEnum):
    GENUINE = "genuine"
    MODIFIED = "modified"
    VOID = "void"
    UNKNOWN = "unknown"


#: Exit status per verdict (1 and 2 stay for errors and usage mistakes).
EXIT_CODES = {Verdict.GENUINE: 0, Verdict.MODIFIED: 3, Verdict.VOID: 4, Verdict.UNKNOWN: 5}

_MESSAGES = {
    Verdict.GENUINE: "ASLI: dokumen ini tercatat di register dan tidak berubah",
    Verdict.MODIFIED: "DIUBAH: dokumen ini pernah diterbitkan, tetapi berkas ini tidak sama dengan aslinya",
    Verdict.VOID: "BATAL: nomor dokumen ini dibatalkan",
    Verdict.UNKNOWN: "TIDAK DIKENAL: dokumen ini tidak tercatat sebagai terbitan kantor ini",
}


@dataclass(frozen=True)
class Verification:
    """The answer, with the register's facts about the document when it is known."""

    verdict: Verdict
    message: str
    doc_id: int | None = None
    number: str | None = None
    kind: str | None = None
    doc_date: str | None = None
    subject: str | None = None
    state: str | None = None
    void_reason: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _answer(verdict: Verdict, doc: DocumentRow | None) -> Verification:
    """Void trumps everything; a draft never issued is not an office document (unknown)."""
    if doc is not None and (doc.state == State.BATAL or doc.number_status == "void"):
        verdict = Verdict.VOID
    elif doc is not None and doc.state not in _ISSUED_STATES:
        doc, verdict = None, Verdict.UNKNOWN
    if doc is None:
        return Verification(verdict, _MESSAGES[verdict])
    return Verification(
        verdict, _MESSAGES[verdict], doc.id, doc.number, doc.kind, doc.doc_date, doc.subject, doc.state,
        doc.void_reason,
    )  # fmt: skip


def _token(text: str, base_url: str) -> str:
    """Accept the bare token or the whole URL a phone read from the QR code."""
    text = text.strip()
    prefix = base_url.rstrip("/") + "/"
    return text[len(prefix) :] if text.startswith(prefix) else text.rsplit("/", 1)[-1]


def verify(workspace: Workspace, target: str | Path) -> Verification:
    """Verify a file (by hash, then by the token it carries) or a token / verification URL."""
    path = Path(target)
    if not path.is_file() and path.suffix.lower() in (".pdf", ".docx"):
        raise RequestError(f"Berkas {path} tidak ada; periksa nama dan foldernya")
    with Register.open(workspace) as reg:
        if path.is_file():
            data = path.read_bytes()
            doc = reg.by_file_hash(hashlib.sha256(data).hexdigest())
            if doc is not None:
                return _answer(Verdict.GENUINE, doc)
            token = token_in_pdf(data)
            doc = reg.by_token(token) if token else None
            return _answer(Verdict.MODIFIED if doc else Verdict.UNKNOWN, doc)
        doc = reg.by_token(_token(str(target), workspace.profile.verification.base_url))
        return _answer(Verdict.GENUINE if doc else Verdict.UNKNOWN, doc)
