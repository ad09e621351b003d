"""The staff desk's sections: ``[desk]`` (sessions, logins) and ``[disposition]`` (the sheet's choices)."""

from __future__ import annotations

from pydantic import Field

from docgen.profile.section import Section
from docgen.profile.serve import ServerLimits

__all__ = ["DeskSettings", "DispositionSettings"]


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


class DispositionSettings(Section):
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
