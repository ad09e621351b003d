"""Where documents go and come from: ``[outbox]``, ``[watch]`` and ``[archive]``."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from docgen.profile.section import Section

__all__ = ["ArchiveSettings", "OutboxSettings", "WatchSettings"]


class OutboxSettings(Section):
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


class WatchSettings(Section):
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


class ArchiveSettings(Section):
    """The office's own additions to the archive classification tables."""

    extra_codes: str = Field(
        "klasifikasi-arsip.csv", description="Workspace CSV adding or overriding codes; ignored if absent."
    )
