"""The sections of ``docgen.toml`` beyond who the office is: stamping, verification, the
disposition sheet, the archive tables and the folder watcher.

Kept apart from ``docgen.config`` so the profile's core (office, officials, series) stays
readable as more document kinds bring their own settings; ``docgen.config`` re-exports them.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "ArchiveSettings",
    "CapStyle",
    "DeskSettings",
    "DispositionSettings",
    "Limits",
    "OutboxSettings",
    "Place",
    "ServerLimits",
    "StampLayout",
    "Verification",
    "WatchSettings",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServerLimits(_Frozen):
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
    """Public address that QR codes lead to, and the footer printed beside the code."""

    base_url: str = "https://dpmptsp.pasuruankota.go.id/verifikasi"
    office: str = Field("", description="Office name for {office} in the footer; empty: the last kop line, as written.")
    footer: list[str] = Field(
        default_factory=lambda: [
            "Dokumen ini diterbitkan oleh {office} dengan nomor {number}.",
            "Keaslian dokumen dapat diperiksa dengan memindai kode QR atau membuka {url}",
            "Dokumen elektronik dan/atau hasil cetaknya merupakan alat bukti hukum yang sah "
            "(UU Nomor 11 Tahun 2008 tentang ITE, Pasal 5 ayat 1).",
        ],
        description="Lines beside the QR; {office}, {number} and {url} are filled in.",
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


class DeskSettings(ServerLimits):
    """The office-network desk (``docgen meja``): kept apart from the public verification page."""

    host: str = Field("127.0.0.1", description="Address the desk listens on: the office network's, never a public one.")
    port: int = Field(8090, ge=1, le=65535, description="TCP port of the desk.")
    cookie_secure: bool = Field(
        True, description="Session cookie only over https; false only for a plain-http office network."
    )
    idle_minutes: int = Field(60, ge=5, le=24 * 60, description="A session unused this long must log in again.")
    upload_bytes: int = Field(20_000_000, gt=0, le=200_000_000, description="Largest scan, PDF or sheet uploaded.")
    page_rows: int = Field(50, ge=10, le=500, description="Rows per page in queues and search results.")
    logins_per_minute: int = Field(10, ge=1, description="Login attempts per client address per minute, then 429.")
    failed_logins_per_hour: int = Field(
        30, ge=1, description="Wrong passwords per client address per hour (over all accounts), then 429."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Reverse proxies (the https front) whose X-Forwarded-For names the client."
    )


class Place(_Frozen):
    """Where a stamp element goes, in millimetres, so A4 and F4 pages both work."""

    page: Literal["first", "last", "all"] = "last"
    x_mm: float = Field(ge=0, description="From the left edge (the cap: its centre).")
    y_mm: float = Field(ge=0, description="From the edge named by `edge` (the cap: its centre).")
    edge: Literal["top", "bottom"] = "bottom"
    size_mm: float = Field(20.0, gt=0, description="QR side, cap diameter, box or footer width.")


class StampLayout(_Frozen):
    """Positions of the number box, cap dinas, QR code and footer for one kind; omit to leave out."""

    number_box: Place | None = Place(page="first", x_mm=118, y_mm=5, edge="top", size_mm=82)
    cap: Place | None = Place(page="last", x_mm=125, y_mm=200, edge="top", size_mm=37)
    qr: Place | None = Place(page="last", x_mm=18, y_mm=8, edge="bottom", size_mm=22)
    footer: Place | None = Place(page="last", x_mm=43, y_mm=8, edge="bottom", size_mm=150)


class CapStyle(_Frozen):
    """The cap dinas: three rings with the agency around and the city inside, or an image."""

    ring_text: str = Field("", description="Text around the ring; default: the kop lines.")
    centre_text: str = Field("", description="Text in the centre; default: the city in capitals.")
    color: str = Field("#3b2f8f", pattern=r"^#[0-9a-fA-F]{6}$", description="Ink colour.")
    opacity: float = Field(0.85, gt=0, le=1, description="Ink opacity, so the signature shows through.")
    image: str | None = Field(None, description="An office-supplied stamp image (PNG), workspace-relative.")


class DispositionSettings(_Frozen):
    """The office's lists for the lembar disposisi, and the sheet's layout file."""

    units: list[str] = Field(
        default_factory=lambda: [
            "Sekretaris",
            "Kepala Bidang Penanaman Modal",
            "Kepala Bidang Pelayanan Terpadu Satu Pintu",
            "Kepala Bidang Informasi, Pengembangan dan Pengaduan",
            "Kepala Sub Bagian Umum dan Kepegawaian",
            "Kepala Sub Bagian Keuangan",
        ],
        min_length=1,
        description="'Diteruskan kepada' checkboxes, in print order.",
    )
    instructions: list[str] = Field(
        default_factory=lambda: [
            "Tanggapan dan saran",
            "Proses lebih lanjut",
            "Koordinasikan/konfirmasikan",
            "Untuk diketahui",
            "Hadiri/wakili",
            "Siapkan bahan",
            "Arsip",
        ],
        min_length=1,
        description="'Dengan hormat harap' checkboxes, in print order.",
    )
    layout: str = Field("lembar-disposisi.toml", description="Form layout file in templates/.")


class ArchiveSettings(_Frozen):
    """The office's own additions to the archive classification tables."""

    extra_codes: str = Field(
        "klasifikasi-arsip.csv", description="Workspace CSV adding or overriding codes; ignored if absent."
    )


class OutboxSettings(_Frozen):
    """Where finished documents land: in the workspace, or a folder shared by several PCs.

    The register keeps every file's path relative to this folder, so each PC may mount the
    same share at a different place (``/mnt/arsip/outbox`` on one, ``/media/arsip/outbox`` on
    another) and still find, verify and check the documents the others wrote.
    """

    path: str = Field(
        "outbox",
        description="Workspace-relative folder, or an absolute path such as a mounted share /mnt/arsip-dpmptsp/outbox.",
    )

    @field_validator("path")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("jalur outbox kosong; tulis 'outbox' atau jalur folder bersama")
        return v.strip()


class WatchSettings(_Frozen):
    """How ``docgen watch`` takes files from the inbox."""

    settle_s: float = Field(1.0, gt=0, description="Seconds a file found without events must stay unchanged.")
    poll_settle_s: float = Field(2.0, gt=0, description="Settle time under --polling (network shares).")
    rescan_s: float = Field(5.0, gt=0, description="Seconds between full rescans (events are only hints).")
    sidecar_wait_s: float = Field(3.0, ge=0, description="Extra wait for a PDF's sidecar to arrive.")
    retries: int = Field(3, ge=1, le=10, description="Attempts for transient failures (register busy, LibreOffice).")
    pdf: bool = Field(False, description="Also write PDFs for requests (starts a LibreOffice pool).")
    masuk_name_pattern: str = Field(
        "", description="Regex with named groups (dari, nomor, tanggal, hal, kka) for scans without a sidecar."
    )
    name_slash: str = Field("_", max_length=1, description="Stands for '/' of a letter number in file names.")
    backup_daily: bool = Field(True, description="Back up the register once a day while watching.")

    @field_validator("masuk_name_pattern")
    @classmethod
    def _pattern_compiles(cls, v: str) -> str:
        if v:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"pola nama berkas tidak sah ({exc})") from exc
        return v


class Limits(_Frozen):
    """Bounds on what one input may hold, checked before anything expands or a number is taken.

    A hostile or careless file (a YAML alias bomb, a spreadsheet declaring a million rows, a 6 MB
    subject line) must be refused with the limit named, not exhaust memory or time. Defaults fit
    an office's real letters with a wide margin; raise one here if a real document needs it.
    """

    request_bytes: int = Field(1_000_000, gt=0, description="Largest request file (YAML/JSON), bytes.")
    table_bytes: int = Field(20_000_000, gt=0, description="Largest CSV/XLSX file, bytes.")
    pdf_bytes: int = Field(100_000_000, gt=0, description="Largest PDF (scan) to stamp or enter, bytes.")
    packet_pages: int = Field(1_000, gt=0, description="Pages in one payment packet (docgen paket), all parts.")
    aliases: int = Field(50, ge=0, description="YAML anchors/aliases (&a, *a) in one request.")
    depth: int = Field(12, ge=2, description="Nesting of lists and sections in one request.")
    field_chars: int = Field(20_000, gt=0, description="Characters in one text field.")
    total_chars: int = Field(200_000, gt=0, description="Characters in all text fields of one request.")
    items: int = Field(1_000, gt=0, description="Items in one list field (kepada, isi, tembusan, ...).")
    rows: int = Field(5_000, gt=0, description="Data rows in one CSV/XLSX sheet.")
    columns: int = Field(200, gt=0, description="Columns in one CSV/XLSX sheet.")
    note_bytes: int = Field(20_000, ge=1_000, description="Largest .error.txt note the watcher writes, bytes.")
    render_s: float = Field(20.0, gt=0, description="Seconds one template render may take before it is stopped.")
    output_bytes: int = Field(50_000_000, gt=0, description="Largest rendered document, bytes.")
    picture_bytes: int = Field(20_000_000, gt=0, description="Largest picture file a request may name, bytes.")
    picture_pixels: int = Field(40_000_000, gt=0, description="Largest picture a request may name, pixels.")
    picture_dpi: int = Field(200, ge=72, le=1200, description="Pictures are scaled down to this at their size.")
    years_back: int = Field(10, ge=0, description="A document date may lie this many years before today.")
    years_ahead: int = Field(1, ge=0, description="... and this many years after today.")
