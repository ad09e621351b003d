"""Check the electronic signatures (PAdES) inside a PDF, for ``docgen verify``.

A reader of a signed letter needs four answers per signature: are the signed bytes unchanged,
is the signature the last change to the file (an update appended later can alter what is shown),
does the certificate chain end at a root the office trusts, and is the timestamp sound. pyHanko
answers them; this module turns its status into plain facts and one Indonesian line each.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from docgen.errors import RequestError

__all__ = ["SignatureCheck", "check_signatures", "load_trust_roots", "revision_hashes"]

#: The office is in Pasuruan: people read signing times in Western Indonesia Time.
WIB = timezone(timedelta(hours=7), "WIB")

# pyHanko logs every failed check with a traceback; the verdict already says it in one line.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass(frozen=True)
class SignatureCheck:
    """What one signature says about the file; ``summary`` is the line shown to people."""

    signer: str
    signed_at: datetime | None
    intact: bool
    covers_whole_file: bool
    trusted: bool
    timestamp_valid: bool | None
    summary: str


def load_trust_roots(paths: list[Path]) -> list[object]:
    """The root certificates in PEM/DER files; a missing or unreadable file is refused by name,
    since validating against fewer roots than configured would call genuine signatures untrusted."""
    from pyhanko.keys import load_certs_from_pemder_data

    roots: list[object] = []
    for path in paths:
        try:
            roots.extend(load_certs_from_pemder_data(path.read_bytes()))
        except OSError as exc:
            raise RequestError(
                f"Akar sertifikat {path} tidak bisa dibaca ({exc.strerror}); periksa [signing] trust_roots"
            ) from exc
        except ValueError as exc:
            raise RequestError(
                f"Akar sertifikat {path} bukan sertifikat PEM/DER; periksa [signing] trust_roots"
            ) from exc
    return roots


def revision_hashes(data: bytes) -> list[str]:
    """SHA-256 of every earlier revision of the file (each prefix ending at a ``%%EOF``).

    Signing appends to the PDF, so the document the register recorded before signing is an
    earlier revision of the signed file; its hash ties the signed copy to the register.
    """
    hashes: list[str] = []
    start = data.find(b"%%EOF")
    while start != -1:
        end = start + 5
        for tail in (b"", b"\n", b"\r", b"\r\n"):
            if data[end : end + len(tail)] == tail and end + len(tail) < len(data):
                hashes.append(hashlib.sha256(data[: end + len(tail)]).hexdigest())
        start = data.find(b"%%EOF", end)
    return list(dict.fromkeys(hashes))


def _when(moment: datetime | None) -> str:
    return moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB") if moment else "waktu tidak tercatat"


def _summary(signer: str, signed_at: datetime | None, intact: bool, covers: bool, trusted: bool,
             timestamp_valid: bool | None) -> str:  # fmt: skip
    who = f"Tanda tangan {signer or 'tanpa nama'} ({_when(signed_at)})"
    if not intact:
        return f"{who} RUSAK: isi berkas tidak sama dengan yang ditandatangani; minta salinan asli ke kantor"
    if not covers:
        return f"{who} utuh, tetapi berkas DIUBAH setelah ditandatangani; minta salinan asli ke kantor"
    stamp = {None: "tanpa cap waktu", True: "cap waktu sah", False: "cap waktu TIDAK sah"}[timestamp_valid]
    if not trusted:
        return (
            f"{who} utuh, tetapi sertifikatnya TIDAK TEPERCAYA ({stamp}); "
            "tambahkan akar sertifikat penerbitnya ke [signing] trust_roots bila memang sah"
        )
    return f"{who} sah: utuh, mencakup seluruh berkas, sertifikat tepercaya, {stamp}"


def _broken(note: str) -> SignatureCheck:
    return SignatureCheck("", None, False, False, False, None, f"Tanda tangan tidak bisa diperiksa ({note}); "
                          "minta salinan asli ke kantor")  # fmt: skip


def _info_unchanged(embedded: object) -> bool:
    """Whether the document information (title, author...) is the one that was signed.

    pyHanko's diff policy lets updates to /Info pass as harmless, but a reader sees them in
    the viewer's properties; an office document changed after signing is changed. /ModDate and
    /Producer are left out: every later signature or validation update rewrites them.
    """
    from pyhanko.pdf_utils.generic import IndirectObject

    reader = embedded.reader  # type: ignore[attr-defined]
    then = reader.get_historical_resolver(embedded.signed_revision)  # type: ignore[attr-defined]

    def facts(trailer: dict, resolve: object) -> dict[str, str]:
        info = trailer.raw_get("/Info") if "/Info" in trailer else {}  # type: ignore[attr-defined]
        if isinstance(info, IndirectObject):
            info = resolve(info.reference)  # type: ignore[operator]
        return {str(k): str(v) for k, v in dict(info).items() if k not in ("/ModDate", "/Producer")}

    return facts(then.trailer_view, then) == facts(reader.trailer_view, reader.get_object)


def _covers(embedded: object, status: object) -> bool:
    """The whole file, or a revision followed only by further signatures and validation data
    (a second signer, a DSS for B-LT, a document timestamp) that change nothing shown."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    coverage = status.coverage  # type: ignore[attr-defined]
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    level = status.modification_level  # type: ignore[attr-defined]
    return (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.docmdp_ok is not False  # type: ignore[attr-defined]
        and level is not None
        and level <= ModificationLevel.FORM_FILLING
        and _info_unchanged(embedded)
    )


def check_signatures(pdf_bytes: bytes, trust_roots: list[Path]) -> list[SignatureCheck]:
    """One check per signature in the PDF, oldest first; an unsigned file gives an empty list.

    Trust is judged only against ``trust_roots`` (no system store, no network), so the answer is
    the same on every PC of the office. pyHanko validates through ``asyncio.run``: call this from
    synchronous code (the CLI), not from inside a running event loop.
    """
    if b"/ByteRange" not in pdf_bytes:
        return []
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    roots = load_trust_roots(trust_roots)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    try:
        embedded = PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        return [_broken(f"struktur PDF rusak: {str(exc)[:80]}")]
    checks: list[SignatureCheck] = []
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, context, key_usage_settings=usage)
        except (PdfError, ValueError, KeyError, TypeError) as exc:  # pyHanko's CMS/validation errors are ValueErrors
            checks.append(_broken(f"{type(exc).__name__}: {str(exc)[:80]}"))
            continue
        signer = status.signing_cert.subject.native.get("common_name", "") or status.signing_cert.subject.human_friendly
        stamp = status.timestamp_validity
        timestamp_valid = None if stamp is None else bool(stamp.intact and stamp.valid and stamp.trusted)
        signed_at = stamp.timestamp if stamp is not None and timestamp_valid else status.signer_reported_dt
        intact = bool(status.intact and status.valid)
        covers = intact and _covers(sig, status)
        trusted = bool(status.trusted)
        summary = _summary(signer, signed_at, intact, covers, trusted, timestamp_valid)
        checks.append(SignatureCheck(signer, signed_at, intact, covers, trusted, timestamp_valid, summary))
    return checks
