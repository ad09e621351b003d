"""Is this document genuine? Answered from the register, for a file or for a QR token.

A file is genuine when its SHA-256 is one the register recorded; a stamped PDF that was altered
still carries its token, so the register can say it was modified; a document whose number is
batal is void whatever its bytes; anything else is unknown to this office. A signed PDF is also
judged by its electronic signatures: broken or followed by later changes, or not from a trusted root.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docgen.errors import RequestError
from docgen.pdf import token_in_pdf
from docgen.profile import Workspace, safe_join
from docgen.register import DocumentRow, Register, State
from docgen.register.given import replacement_of
from docgen.sign import SignatureCheck, check_signatures, revision_hashes
from docgen.text import tanggal

__all__ = ["Verdict", "Verification", "verify"]

_ISSUED_STATES = {State.NUMBERED, State.SENT, State.ARCHIVED}


class Verdict(StrEnum):
    GENUINE = "genuine"
    MODIFIED = "modified"
    VOID = "void"
    UNKNOWN = "unknown"
    SIGNATURE_INVALID = "signature_invalid"
    UNTRUSTED = "untrusted"
    SUPERSEDED = "superseded"


#: Exit status per verdict (1 and 2 stay for errors and usage mistakes).
EXIT_CODES = {
    Verdict.GENUINE: 0, Verdict.MODIFIED: 3, Verdict.VOID: 4, Verdict.UNKNOWN: 5,
    Verdict.SIGNATURE_INVALID: 6, Verdict.UNTRUSTED: 7, Verdict.SUPERSEDED: 8,
}  # fmt: skip

_MESSAGES = {
    Verdict.GENUINE: "ASLI: dokumen ini tercatat di register dan tidak berubah",
    Verdict.MODIFIED: "DIUBAH: dokumen ini pernah diterbitkan, tetapi berkas ini tidak sama dengan aslinya",
    Verdict.VOID: "BATAL: nomor dokumen ini dibatalkan",
    Verdict.UNKNOWN: "TIDAK DIKENAL: dokumen ini tidak tercatat sebagai terbitan kantor ini",
    Verdict.SUPERSEDED: (
        "DIGANTIKAN: dokumen ini pernah diterbitkan, tetapi telah digantikan oleh terbitan baru {replaced_by}; "
        "yang berlaku adalah terbitan baru itu"
    ),
    Verdict.SIGNATURE_INVALID: (
        "TANDA TANGAN TIDAK SAH: tanda tangan elektronik rusak atau berkas diubah setelah ditandatangani; "
        "minta salinan asli ke kantor"
    ),
    Verdict.UNTRUSTED: (
        "TANDA TANGAN TIDAK TEPERCAYA: dokumen utuh, tetapi sertifikat penanda tangan tidak berasal dari akar "
        "di [signing] trust_roots; periksa sertifikatnya"
    ),
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
    signatures: list[SignatureCheck] = field(default_factory=list)
    replaced_by: str | None = None
    """For a superseded print: the number and date of the document that replaced it."""

    @property
    def exit_code(self) -> int:
        """The verdict's status; never 0 while a signature is broken or the file changed after it."""
        code = EXIT_CODES[self.verdict]
        if code == 0 and not all(c.holds for c in self.signatures):
            return EXIT_CODES[Verdict.SIGNATURE_INVALID]
        return code

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _answer(verdict: Verdict, doc: DocumentRow | None, reg: Register) -> Verification:
    """Void trumps everything; a draft never issued is not an office document (unknown); an
    unchanged print that a re-issue replaced (an MT certificate once verified) names its successor."""
    replaced = None
    if doc is not None and (doc.state == State.BATAL or doc.number_status == "void"):
        verdict = Verdict.VOID
    elif doc is not None and doc.state == State.SUPERSEDED:
        new = replacement_of(reg.conn, doc.id)
        replaced = f"Nomor {new.number} tanggal {tanggal(date.fromisoformat(new.doc_date))}" if new else "-"
        verdict = Verdict.SUPERSEDED if verdict == Verdict.GENUINE else verdict
    elif doc is not None and doc.state not in _ISSUED_STATES:
        doc, verdict = None, Verdict.UNKNOWN
    if doc is None:
        return Verification(verdict, _MESSAGES[verdict])
    return Verification(
        verdict, _MESSAGES[verdict].format(replaced_by=replaced), doc.id, doc.number, doc.kind, doc.doc_date,
        doc.subject, doc.state, doc.void_reason, replaced_by=replaced,
    )  # fmt: skip


#: The shape of ``docgen.register.books.new_token`` (24 characters of lowercase base32), and of
#: the URL-safe tokens issued before it (22 characters), so older printouts still verify.
_TOKEN = re.compile(r"[a-z2-7]{24}|[A-Za-z0-9_-]{22}")


def _split_url(text: str, base_url: str) -> tuple[str | None, str | None]:
    """``(token, None)`` for the office's own verification URL, ``(None, problem)`` for another.

    Only the address in ``verification.base_url`` counts: a look-alike page elsewhere
    (``https://evil.example/palsu/<token>``) carrying a real token once answered ASLI.
    """
    given, base = urlsplit(text), urlsplit(base_url.rstrip("/"))
    same_site = (given.scheme.lower(), given.netloc.lower()) == (base.scheme.lower(), base.netloc.lower())
    prefix = base.path.rstrip("/") + "/"
    if not same_site or not given.path.startswith(prefix):
        where = given.netloc or text
        return None, (
            f"alamat {where[:80]} bukan alamat verifikasi kantor ini ({base_url}); "
            "dokumen asli hanya diperiksa di alamat kantor"
        )
    return given.path[len(prefix) :], None


def _trust_roots(workspace: Workspace) -> list[Path]:
    """The profile's ``[signing] trust_roots``, read defensively: a profile without the section has none."""
    signing = getattr(workspace.profile, "signing", None)
    return [safe_join(workspace.root, path) for path in getattr(signing, "trust_roots", None) or []]


def _with_signatures(answer: Verification, checks: list[SignatureCheck]) -> Verification:
    """A broken signature (or a change after signing) outranks everything but void; an intact one
    from an untrusted root keeps a registered file from being called genuine."""
    if not checks:
        return answer
    verdict = answer.verdict
    if verdict != Verdict.VOID and not all(c.holds for c in checks):
        verdict = Verdict.SIGNATURE_INVALID
    elif verdict == Verdict.GENUINE and not all(c.trusted and c.timestamp_valid is not False for c in checks):
        verdict = Verdict.UNTRUSTED
    message = answer.message if verdict == answer.verdict else _MESSAGES[verdict]
    return replace(answer, verdict=verdict, message=message, signatures=checks)


def _unknown(note: str = "") -> Verification:
    message = _MESSAGES[Verdict.UNKNOWN] + (f" ({note})" if note else "")
    return Verification(Verdict.UNKNOWN, message)


def _is_file(path: Path) -> bool:
    """Whether ``path`` names a file; a name too long for the system is simply not one."""
    try:
        return path.is_file()
    except (OSError, ValueError):  # ENAMETOOLONG, a NUL byte
        return False


def _read_within(path: Path, limit: int) -> bytes:
    """The file to verify; one larger than ``limits.pdf_bytes`` is refused before it is read
    (a 4 GB file named .pdf was read whole into memory, and then handed to the PDF parser)."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > limit else handle.read(limit + 1)
    except OSError as exc:
        raise RequestError(f"Berkas {path} tidak bisa dibaca ({exc.strerror}); periksa izinnya") from exc
    size = max(size, len(data))
    if size > limit:
        shown = [f"{n:,}".replace(",", ".") for n in (size, limit)]
        raise RequestError(
            f"Berkas {str(path)[:200]} berukuran {shown[0]} bait, lebih dari {shown[1]} bait (limits.pdf_bytes "
            "di docgen.toml); dokumen kantor tidak sebesar itu, periksa berkasnya"
        )
    return data


def verify(workspace: Workspace, target: str | Path) -> Verification:
    """Verify a file (by hash, then by the token it carries) or a token / verification URL.

    A token of the wrong shape or a URL that is not the office's own is unknown at once,
    without asking the register.
    """
    path = Path(target)
    is_file = _is_file(path)
    if not is_file and path.suffix.lower() in (".pdf", ".docx") and "://" not in str(target):
        raise RequestError(f"Berkas {str(path)[:200]} tidak ada; periksa nama dan foldernya")
    token = None
    if not is_file:
        text = str(target).strip()
        if "://" in text:
            token, problem = _split_url(text, workspace.profile.verification.base_url)
            if problem:
                return _unknown(problem)
        else:
            token = text
        token = (token or "").rstrip("/")
        if len(token) == 24:  # typed from a printout in capitals: base32 tokens are lowercase
            token = token.lower()
        if not _TOKEN.fullmatch(token):
            return _unknown("bentuk token tidak sah; salin ulang dari kode QR")
    with Register.open(workspace) as reg:
        if is_file:
            data = _read_within(path, workspace.profile.limits.pdf_bytes)
            doc = reg.by_file_hash(hashlib.sha256(data).hexdigest())
            checks = check_signatures(data, _trust_roots(workspace))
            if doc is None and checks:  # signing appends to the file: the registered one is an earlier revision
                doc = next((d for h in revision_hashes(data) if (d := reg.by_file_hash(h)) is not None), None)
            if doc is not None:
                return _with_signatures(_answer(Verdict.GENUINE, doc, reg), checks)
            token = token_in_pdf(data)
            doc = reg.by_token(token) if token else None
            return _with_signatures(_answer(Verdict.MODIFIED if doc else Verdict.UNKNOWN, doc, reg), checks)
        doc = reg.by_token(token)
        return _answer(Verdict.GENUINE if doc else Verdict.UNKNOWN, doc, reg)
