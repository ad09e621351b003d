"""Check the electronic signatures (PAdES) inside a PDF, for ``docgen verify``.

A reader of a signed letter needs four answers per signature: are the signed bytes unchanged,
what follows the signed bytes (nothing; only further signatures and validation data, which a
second signer or PAdES B-LT append; or anything else, which is a change after signing, even
bytes after ``%%EOF`` or an update that changes nothing), does the certificate chain end at a
root the office trusts, and is the timestamp sound. pyHanko answers most of them; this module
adds what it lets pass (bytes after the last ``%%EOF``, empty updates, changes to /Info, a file
cut short) and turns the result into plain facts and one Indonesian line each. "Covers the whole
file" means what poppler's ``pdfsig`` means by "Total document signed": not one byte follows.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path

from docgen.sign.certfiles import load_trust_roots, pyhanko_quietly

__all__ = ["After", "SignatureCheck", "check_signatures", "revision_hashes"]

#: The office is in Pasuruan: people read signing times in Western Indonesia Time.
WIB = timezone(timedelta(hours=7), "WIB")

# pyHanko logs every failed check with a traceback; the verdict already says it in one line.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

#: A signature dictionary's byte range, as written in the file (found even when the file is cut short).
#: A signature value dictionary: present in a signed file even when it is cut short before its byte range.
_SIGNATURE_DICT = re.compile(rb"/Type\s*/(?:Sig|DocTimeStamp)\b")
#: A signature's value; pyHanko writes it first in the dictionary, the byte range after it.
_SIGNATURE_VALUE = re.compile(rb"/Contents\s*<[0-9A-Fa-f]*")
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]")


class After(StrEnum):
    """What follows a signature's signed bytes in the file."""

    NOTHING = "nothing"  # the signature covers the whole file
    SIGNATURES = "signatures"  # only further signatures and validation data (DSS): no change to the document
    CHANGED = "changed"  # anything else: the file was changed after signing


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
    after: After = After.CHANGED
    bytes_after: int = 0

    @property
    def holds(self) -> bool:
        """Intact, and the document was not changed after it: what ``docgen verify`` requires."""
        return self.intact and self.after != After.CHANGED


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


def _summary(signer: str, signed_at: datetime | None, intact: bool, after: After, bytes_after: int, trusted: bool,
             timestamp_valid: bool | None, what: str = "Tanda tangan") -> str:  # fmt: skip
    who = f"{what} {signer or 'tanpa nama'} ({_when(signed_at)})"
    if not intact:
        return f"{who} RUSAK: isi berkas tidak sama dengan yang ditandatangani; minta salinan asli ke kantor"
    if after == After.CHANGED:
        what = f"{_bytes(bytes_after)} bait ditambahkan sesudahnya" if bytes_after else "ruang tanda tangan diisi"
        return (
            f"{who} utuh, tetapi berkas DIUBAH setelah ditandatangani: tidak mencakup seluruh berkas "
            f"({what}); minta salinan asli ke kantor"
        )
    if after == After.NOTHING:
        cover = "mencakup seluruh berkas"
    else:
        cover = (
            f"tidak mencakup seluruh berkas: sesudahnya hanya ditambah tanda tangan lain atau data validasi "
            f"({_bytes(bytes_after)} bait), isi dokumen tidak berubah"
        )
    stamp = {None: "tanpa cap waktu", True: "cap waktu sah", False: "cap waktu TIDAK sah"}[timestamp_valid]
    if not trusted:
        return (
            f"{who} utuh, {cover}, tetapi sertifikatnya TIDAK TEPERCAYA ({stamp}); "
            "tambahkan akar sertifikat penerbitnya ke [signing] trust_roots bila memang sah"
        )
    return f"{who} sah: utuh, {cover}, sertifikat tepercaya, {stamp}"


def _bytes(count: int) -> str:
    return f"{count:,}".replace(",", ".")


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


def _ends_with_last_revision(reader: object, data: bytes) -> bool:
    """Whether the file ends where its last revision does (its ``%%EOF`` and one end of line):
    bytes after it belong to no revision, so no analysis of revisions would ever see them."""
    xrefs = reader.xrefs  # type: ignore[attr-defined]
    last = xrefs.get_xref_container_info(xrefs.total_revisions - 1).end_location
    eof = data.find(b"%%EOF", last)
    if eof < 0:
        return False
    end = eof + 5
    for eol in (b"\r\n", b"\n", b"\r"):
        if data.startswith(eol, end):
            end += len(eol)
            break
    return end == len(data)


def _only_validation_data_after(embedded: object) -> bool:
    """Whether every revision after the signed one writes the document security store (DSS):
    what PAdES B-LT appends. pyHanko ranks an empty update as harmless as a DSS; it is not
    validation data, so it counts as a change here."""
    from pyhanko.pdf_utils.generic import IndirectObject

    reader = embedded.reader  # type: ignore[attr-defined]
    for revision in range(embedded.signed_revision + 1, reader.xrefs.total_revisions):  # type: ignore[attr-defined]
        root = reader.get_historical_resolver(revision).root
        dss = root.raw_get("/DSS") if "/DSS" in root else None
        if not isinstance(dss, IndirectObject) or dss.reference not in reader.xrefs.explicit_refs_in_revision(revision):
            return False
    return True


def _after(embedded: object, status: object, data: bytes, *, last: bool) -> After:
    """What follows this signature. After the last one only validation data may follow; after an
    earlier one also further signatures (and the form filling they sign), as pyHanko's diff policy
    allows; /Info must not change; and the file must end where its last revision ends."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    coverage = status.coverage  # type: ignore[attr-defined]
    if _padding_filled(embedded):
        return After.CHANGED
    if coverage == SignatureCoverageLevel.ENTIRE_FILE and _end(embedded) == len(data):
        return After.NOTHING
    level = status.modification_level  # type: ignore[attr-defined]
    allowed = ModificationLevel.LTA_UPDATES if last else ModificationLevel.FORM_FILLING
    harmless = (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.docmdp_ok is not False  # type: ignore[attr-defined]
        and level is not None
        and level <= allowed
        and _ends_with_last_revision(embedded.reader, data)  # type: ignore[attr-defined]
        and _info_unchanged(embedded)
        and (not last or _only_validation_data_after(embedded))
    )
    return After.SIGNATURES if harmless else After.CHANGED


def _padding_filled(embedded: object) -> bool:
    """Whether the room reserved for the signature holds anything after it: signing leaves it zeros.

    The room is outside the signed bytes by design, so validators accept what is written there;
    pdfsig calls such a file "Not total document signed", and so does docgen.
    """
    raw = bytes(embedded.pkcs7_content)  # type: ignore[attr-defined]
    if len(raw) < 2:
        return False
    size, header = raw[1], 2
    if size & 0x80:  # DER long form: the next (size & 0x7F) bytes hold the length
        header += size & 0x7F
        size = int.from_bytes(raw[2:header], "big")
    return any(raw[header + size :])


def _end(embedded: object) -> int:
    """Where the signed bytes end: the end of the byte range's second part."""
    byte_range = embedded.byte_range  # type: ignore[attr-defined]
    return int(byte_range[-2]) + int(byte_range[-1])


def _cut_short(data: bytes) -> SignatureCheck | None:
    """A signature whose byte range reaches past the end of the file: the file was cut short."""
    values = list(_SIGNATURE_VALUE.finditer(data, max(len(data) - 200_000, 0)))
    if values and b"endobj" not in data[values[-1].end() :]:  # the last signature's dictionary never ends
        return _broken("berkas terpotong di tengah tanda tangan")
    longest = max((int(m[3]) + int(m[4]) for m in _BYTE_RANGE.finditer(data)), default=0)
    if longest <= len(data):
        return None
    return _broken(f"berkas terpotong: tanda tangan mencakup {_bytes(longest)} bait, berkas hanya {_bytes(len(data))}")


def check_signatures(pdf_bytes: bytes, trust_roots: list[Path]) -> list[SignatureCheck]:
    """One check per signature in the PDF, oldest first; an unsigned file gives an empty list.

    Trust is judged only against ``trust_roots`` (no system store, no network), so the answer is
    the same on every PC of the office. pyHanko validates through ``asyncio.run``: call this from
    synchronous code (the CLI), not from inside a running event loop.
    """
    cut = _cut_short(pdf_bytes)
    if b"/ByteRange" not in pdf_bytes and not _SIGNATURE_DICT.search(pdf_bytes):
        return [cut] if cut else []
    with pyhanko_quietly():
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
        from pyhanko.sign.validation.settings import KeyUsageConstraints
        from pyhanko_certvalidator import ValidationContext

    roots = load_trust_roots(trust_roots)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    try:
        embedded = PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_signatures
        last_end = max((_end(sig) for sig in embedded), default=0)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        return [cut or _broken(f"struktur PDF rusak: {str(exc)[:80]}")]
    if not embedded:  # a signature dictionary is there, but no signature can be read: cut short or damaged
        return [cut or _broken("berkas terpotong atau rusak: tanda tangannya tidak terbaca")]
    found: list[tuple[object, object, bool, After]] = []
    checks: list[SignatureCheck] = []
    for sig in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            if _is_document_timestamp(sig):  # PAdES B-LTA: a timestamp over the whole file so far
                status = validate_pdf_timestamp(sig, context)
            else:
                status = validate_pdf_signature(sig, context, key_usage_settings=usage)
            intact = bool(status.intact and status.valid)
            after = _after(sig, status, pdf_bytes, last=_end(sig) == last_end) if intact else After.CHANGED
        except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:  # pyHanko's CMS errors are ValueErrors
            checks.append(_broken(f"{type(exc).__name__}: {str(exc)[:80]}"))
            continue
        found.append((sig, status, intact, after))
    # What follows the last signature follows every earlier one too: a change after it is theirs as well.
    tail_changed = any(after == After.CHANGED and _end(sig) == last_end for sig, _, _, after in found)
    for sig, status, intact, after in found:
        after = After.CHANGED if tail_changed and after == After.SIGNATURES else after
        checks.append(_check(sig, status, intact, after, len(pdf_bytes)))
    if cut is not None:  # said even beside a broken signature: it is why the signature broke
        checks.append(cut)
    return checks


def _is_document_timestamp(sig: object) -> bool:
    return str(sig.sig_object_type) == "/DocTimeStamp"  # type: ignore[attr-defined]


def _check(sig: object, status: object, intact: bool, after: After, size: int) -> SignatureCheck:
    cert = status.signing_cert  # type: ignore[attr-defined]
    signer = cert.subject.native.get("common_name", "") or cert.subject.human_friendly
    trusted = bool(status.trusted)  # type: ignore[attr-defined]
    if _is_document_timestamp(sig):  # the timestamp is the signature: its time, its authority
        what, timestamp_valid, signed_at = "Cap waktu dokumen", intact and trusted, status.timestamp  # type: ignore[attr-defined]
    else:
        stamp = status.timestamp_validity  # type: ignore[attr-defined]
        timestamp_valid = None if stamp is None else bool(stamp.intact and stamp.valid and stamp.trusted)
        signed_at = stamp.timestamp if stamp is not None and timestamp_valid else status.signer_reported_dt  # type: ignore[attr-defined]
        what = "Tanda tangan"
    bytes_after = max(size - _end(sig), 0)
    summary = _summary(signer, signed_at, intact, after, bytes_after, trusted, timestamp_valid, what)
    whole = intact and after == After.NOTHING
    return SignatureCheck(signer, signed_at, intact, whole, trusted, timestamp_valid, summary, after, bytes_after)
