"""What a client of the two web servers may take: ``[verification]`` (the public page).

The limits live in one base shared with the desk, so both servers are guarded alike.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from docgen.profile.section import Section

__all__ = ["ELECTRONIC_FOOTER", "ServerLimits", "Verification"]

#: What a document signed with a BSrE certificate adds: who certified the key, and why its
#: printout is evidence. UU 11/2008 was amended by UU 19/2016 and, last, by UU 1/2024 (Perubahan
#: Kedua); Pasal 5 ayat (1) is the clause on electronic documents and their printouts.
ELECTRONIC_FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
    "yang diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), BSSN.",
    "Sesuai Pasal 5 ayat (1) Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik "
    "sebagaimana telah diubah beberapa kali, terakhir dengan Undang-Undang Nomor 1 Tahun 2024, dokumen "
    "elektronik dan/atau hasil cetaknya merupakan alat bukti hukum yang sah.",
)


class ServerLimits(Section):
    """What a client of ``docgen serve`` or ``docgen meja`` may take: time for its headers and body,
    idle time, open connections (issue 21: uvicorn alone arms no timer until a first answer)."""

    header_timeout_s: float = Field(
        10, ge=1, le=300, description="Seconds to send a request's line and headers, from connecting or its first byte."
    )
    body_timeout_s: float = Field(
        20, ge=1, le=600, description="Seconds a request body may take at first; body_min_rate bytes add one more."
    )
    body_min_rate: int = Field(500, ge=1, description="Bytes per second an upload must keep up past body_timeout_s.")
    keep_alive_s: float = Field(5, ge=1, le=300, description="Seconds an idle kept-alive connection stays open.")
    max_connections: int = Field(256, ge=8, le=100_000, description="Connections open at once; one more gets 503.")


class Verification(ServerLimits):
    """Public address that QR codes lead to, and the footer printed beside the code.

    The footer must tell the truth (issue 23): the clause on electronic evidence belongs only on a
    document signed electronically, so it lives in ``footer_electronic``; a paper-signed document
    carries ``footer`` alone, which says where its authenticity can be checked. A profile written
    before the split keeps its ``footer`` lines as written (the office chose them); only the
    shipped default changed.
    """

    base_url: str = "https://dpmptsp.pasuruankota.go.id/verifikasi"
    office: str = Field("", description="Office name for {office} in the footer; empty: the last kop line, as written.")
    footer: list[str] = Field(
        default_factory=lambda: [
            "Dokumen ini diterbitkan oleh {office} dengan nomor {number}.",
            "Keaslian dokumen dapat diperiksa dengan memindai kode QR atau membuka {url}",
        ],
        description="Lines every stamped document carries beside the QR; {office}, {number} and {url} are filled in.",
    )
    footer_electronic: list[str] = Field(
        default_factory=lambda: list(ELECTRONIC_FOOTER),
        description="Lines added after `footer` only on a document signed electronically (TTE).",
    )
    public: list[Literal["number", "kind", "date", "signer", "office", "subject"]] = Field(
        default_factory=lambda: ["number", "kind", "date", "signer", "office", "subject"],
        description="Fields the verification page shows (the subject never for sifat Rahasia).",
    )
    public_void_reason: bool = Field(False, description="Show why a document was voided (else only the date).")
    register_url: str | None = Field(
        None,
        description="PostgreSQL URL with a read-only role for 'docgen serve'; none: the register, read-only.",
    )
    requests_per_minute: int = Field(60, ge=1, description="Page and API answers per client address per minute.")
    unknown_per_hour: int = Field(30, ge=1, description="Unknown tokens per client address per hour, then 429.")
    upload_bytes: int = Field(20_000_000, gt=0, le=200_000_000, description="Largest PDF a visitor may upload.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Reverse proxies whose X-Forwarded-For names the client (e.g. ['127.0.0.1']).",
    )
