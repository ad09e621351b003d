"""How documents are numbered and kept: ``[series.<name>]``, ``[kinds.<kind>]``, ``[register]``, ``[limits]``.

The number patterns and where the register lives differ per office, so they are data; the
limits bound what one request, batch or packet may cost the office's PC.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from docgen.archive import well_formed
from docgen.pattern import validate_pattern
from docgen.profile.section import Section
from docgen.validation import register_url_problem

__all__ = ["KindSettings", "Limits", "RegisterSettings", "Series"]


class Series(Section):
    """A numbering counter: its pattern, when it restarts, and how insert numbers look."""

    pattern: str = Field(description="e.g. '{kka}/{seq}/{unit}/{year}'; see docgen.pattern.")
    restart: Literal["yearly", "never"] = "yearly"
    insert_style: Literal["letter", "dot"] = Field(
        "letter", description="Insert numbers for backdated letters: 57a (letter) or 57.1 (dot)."
    )
    prefixes: dict[str, str] = Field(default_factory=dict, description="{prefix} by sifat, e.g. {Rahasia = 'R.'}.")
    instansi: str | None = Field(
        None,
        description="The agency ([instansi.<key>]) whose unit code {unit} prints and whose numbers these are; "
        "none: this office. Counters stay per series, so an agency's never mix with this office's.",
    )

    @field_validator("pattern")
    @classmethod
    def _pattern_is_valid(cls, v: str) -> str:
        return validate_pattern(v)


class KindSettings(Section):
    """Per-kind overrides: which series a kind numbers from and its default archive code."""

    series: str | None = None
    kka: str | None = None

    @field_validator("kka")
    @classmethod
    def _kka_shape(cls, v: str | None) -> str | None:
        if v is not None and not well_formed(v):
            raise ValueError("kode klasifikasi ditulis seperti 500.16.7.2")
        return v


class RegisterSettings(Section):
    """Where the register lives, how long a writer waits for SQLite's lock, and its backups."""

    path: str = "registers/docgen.sqlite"
    url: str | None = Field(
        None,
        description="postgresql://user@host:5432/docgen for one register shared by several PCs; "
        "none: SQLite at `path`. Keep the password in ~/.pgpass or PGPASSWORD, not here.",
    )
    busy_timeout_s: float = Field(30.0, gt=0, description="Seconds a writer waits for the register's lock.")
    backup_dir: str = Field("registers/cadangan", description="Folder of 'docgen register backup', in the workspace.")
    backup_keep: int = Field(0, ge=0, description="Backups kept; older ones are deleted. 0 keeps every backup.")

    @field_validator("url")
    @classmethod
    def _postgres_url(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        if not v.startswith(("postgresql://", "postgres://")):
            raise ValueError(
                "harus alamat PostgreSQL seperti postgresql://docgen@server:5432/docgen (kosongkan untuk SQLite)"
            )
        problem = register_url_problem(v.strip())
        if problem:
            raise ValueError(problem)
        return v.strip()


class Limits(Section):
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
