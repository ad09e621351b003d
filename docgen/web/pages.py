"""What the verification page says: the public answer for a token, as HTML and as JSON.

Only the fields the profile marks public leave the register (``verification.public``), the
subject never for a Rahasia letter, the void reason only when ``public_void_reason`` says so.
The HTML is plain (no JavaScript), autoescaped, and readable on a phone: the QR is scanned
with one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment

from docgen.kinds import KINDS
from docgen.profile import Profile
from docgen.register.events import local_date
from docgen.register.lookup import PublicDoc
from docgen.text import tanggal

__all__ = ["CSS", "answer", "file_verdict", "render_page"]

_HERE = Path(__file__).parent  # the page and its stylesheet ship beside this module

ASLI, BATAL, UNKNOWN, REPLACED = "ASLI", "BATAL", "TIDAK DIKENAL", "DIGANTIKAN"
_EXPLAIN = {
    REPLACED: "Dokumen ini pernah diterbitkan, tetapi telah digantikan oleh terbitan baru dengan nomor yang sama "
    "tanggal {day}; yang berlaku adalah terbitan baru itu.",
    ASLI: "Dokumen ini tercatat sebagai terbitan resmi kantor kami.",
    BATAL: "Nomor dokumen ini telah dibatalkan; dokumen ini tidak berlaku.",
    UNKNOWN: "Kode ini tidak dikenal: dokumen ini tidak tercatat sebagai terbitan kantor kami.",
}
_FILE = {
    "SAMA": "Berkas yang Anda unggah sama persis dengan berkas yang diterbitkan untuk dokumen ini.",
    "LAIN": "Berkas yang Anda unggah adalah terbitan resmi, tetapi untuk dokumen lain (nomor {other}).",
    "DIUBAH": "Berkas yang Anda unggah TIDAK sama dengan berkas yang diterbitkan: isinya berbeda atau telah diubah.",
}
_LABELS = {"number": "Nomor", "kind": "Jenis", "date": "Tanggal", "signer": "Penandatangan", "office": "Kantor",
           "subject": "Hal"}  # fmt: skip


def answer(doc: PublicDoc | None, profile: Profile) -> dict[str, Any]:
    """The public answer for one token: its status and the fields the profile allows."""
    if doc is None or doc.number is None or (doc.number_status != "issued" and doc.state != "batal"):
        return {"status": UNKNOWN, "keterangan": _EXPLAIN[UNKNOWN]}
    void = doc.state == "batal" or doc.number_status == "void"
    status = BATAL if void else REPLACED if doc.state == "superseded" else ASLI
    settings = profile.verification
    values = {
        "number": doc.number,
        "kind": KINDS[doc.kind].title if doc.kind in KINDS else doc.kind,
        "date": tanggal(date.fromisoformat(doc.doc_date)),
        "signer": doc.signer,
        "office": _issuer(doc, profile),
        "subject": doc.subject if doc.sifat != "Rahasia" else None,
    }
    fields = {_LABELS[name]: values[name] for name in settings.public if values.get(name)}
    day = tanggal(date.fromisoformat(doc.replaced_on)) if doc.replaced_on else "-"
    result: dict[str, Any] = {"status": status, "keterangan": _EXPLAIN[status].format(day=day), "data": fields}
    if status == REPLACED:
        result["digantikan"] = day
    if void:
        # voided_at is UTC; the office reads the day in local time (06:30 WIB is that day, not the one before)
        result["dibatalkan"] = tanggal(local_date(doc.voided_at)) if doc.voided_at else "-"
        if settings.public_void_reason and doc.void_reason:
            result["alasan"] = doc.void_reason
    return result


def _issuer(doc: PublicDoc, profile: Profile) -> str:
    """Who issued it: an OPD teknis for a rekomendasi in its series, else this office (as the page names it)."""
    rule = profile.series.get(doc.series or "")
    return profile.agency_name(rule.instansi if rule is not None else None)


def file_verdict(token: str, issued_token: str | None, other_number: str | None) -> dict[str, str]:
    """How an uploaded file relates to the token's document."""
    if issued_token == token:
        code = "SAMA"
    elif issued_token is not None:
        code = "LAIN"
    else:
        code = "DIUBAH"
    return {"hasil": code, "keterangan": _FILE[code].format(other=other_number or "-")}


_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_PAGE = _env.from_string((_HERE / "halaman.html").read_text(encoding="utf-8"))

CSS = (_HERE / "gaya.css").read_text(encoding="utf-8")


def render_page(
    profile: Profile,
    base: str,
    result: dict[str, Any],
    *,
    token: str = "",
    upload: dict[str, str] | None = None,
    refused: str = "",
) -> str:
    office = profile.verification.office or (profile.office.kop[-1] if profile.office.kop else "")
    return _PAGE.render(
        result=result, base=base, kop=profile.office.kop, token=token, upload=upload, refused=refused,
        office=office, limit_mb=profile.verification.upload_bytes // 1_000_000,
    )  # fmt: skip
