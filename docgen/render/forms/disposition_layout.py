"""The lembar disposisi's layout file (``templates/lembar-disposisi.toml``): paper, sizes, wording.

An office adjusts its sheet without code, so every key is checked when the file is read and a
mistyped one is refused naming the key and the file. Nothing on the sheet is set below 8 pt
(issue 23): sizes have a floor of 8, and text that does not fit wraps and flows to another page.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from docgen.errors import ConfigError
from docgen.validation import summarize

__all__ = ["MIN_PT", "PAPERS", "FormLayout", "Labels", "load_form_layout"]

#: Portrait width and height in mm of the papers the sheet is printed on.
PAPERS = {"A5": (148.0, 210.0), "setengah-folio": (165.0, 215.0)}
#: No text on the sheet is smaller (DOMAIN.md §7: nothing smaller than 8 pt on any form).
MIN_PT = 8.0
#: Keys of older layout files that no longer mean anything: the kop (its lines, sizes and
#: emblem) comes from docgen.toml's [office], the same for every output, and text no longer
#: shrinks. They are ignored, so an office's copy of the old file keeps working.
_RETIRED = ("kop_sizes_pt", "address_size_pt", "emblem_height_mm", "min_size_pt")
_SIZES = ("title_size_pt", "body_size_pt", "checklist_size_pt", "note_size_pt", "small_size_pt")


class Labels(BaseModel):
    """Every word the form prints of its own, so an office can follow its paper form."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title: str = "LEMBAR DISPOSISI"
    indeks: str = Field("Indeks", description="Archive index (the classification's name), top of the sheet.")
    kode: str = Field("Kode", description="Archive classification code (KKA), beside the index.")
    surat_dari: str = "Surat dari"
    nomor_surat: str = "Nomor surat"
    tanggal_surat: str = "Tanggal surat"
    diterima_tanggal: str = "Diterima tanggal"
    nomor_agenda: str = "Nomor agenda"
    lampiran: str = "Lampiran"
    sifat: str = "Sifat"
    hal: str = "Hal"
    diteruskan_kepada: str = "Diteruskan kepada"
    dengan_hormat_harap: str = "Dengan hormat harap"
    catatan: str = "Catatan"
    catatan_lanjutan: str = Field("Catatan (lanjutan)", description="Heads the rest of a long first note.")
    bersambung: str = Field("(bersambung ke halaman berikutnya)", description="Ends a note cut by the page.")
    tanggal: str = Field("Tanggal", description="Before a round's date, above the paraf.")
    batas_waktu: str = Field("Batas waktu", description="Before the date a round must be done by.")
    paraf: str = "Paraf"
    lanjutan: str = Field("Disposisi lanjutan", description="Heads each later round's block.")
    dari: str = Field("dari", description="... before the official who sent a later round on.")
    kepada: str = Field("Kepada", description="Before a later round's unit checkboxes.")
    harap: str = Field("Harap", description="Before a later round's instruction checkboxes.")
    halaman_lanjutan: str = Field("LEMBAR DISPOSISI (lanjutan)", description="Heads every page after the first.")
    qr_caption: str = "Pindai untuk memeriksa di register"
    footer: str = "Lembar disposisi ini tidak boleh dipisahkan dari surat aslinya."


class FormLayout(BaseModel):
    """The sheet's paper, geometry (mm), type sizes (pt) and wording; an empty file means defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid")  # a mistyped key fails at load time
    paper: Literal["A5", "setengah-folio"] = Field("setengah-folio", description="148x210 or 165x215 mm.")
    margins_mm: float = Field(9.0, ge=3, le=30, description="Blank border on every side.")
    title_size_pt: float = Field(12.0, ge=MIN_PT, le=30)
    body_size_pt: float = Field(8.5, ge=MIN_PT, le=20, description="Field labels and values, date and paraf.")
    checklist_size_pt: float = Field(8.0, ge=MIN_PT, le=20, description="The checklists' items.")
    note_size_pt: float = Field(8.5, ge=MIN_PT, le=20, description="The Catatan text.")
    small_size_pt: float = Field(8.0, ge=MIN_PT, le=20, description="QR caption, page headings and footer.")
    label_width_mm: float = Field(26.0, ge=10, le=60, description="Label column of the letter's fields.")
    checkbox_mm: float = Field(3.0, ge=1.5, le=8)
    tick: Literal["check", "x"] = Field("check", description="The mark in a ticked box.")
    write_in_lines: int = Field(1, ge=0, le=5, description="Blank checkbox lines under each list.")
    sifat_options: tuple[str, ...] = ("Biasa", "Segera", "Sangat Segera", "Rahasia")
    qr_size_mm: float = Field(20.0, ge=12, le=40, description="Side of the QR code, quiet zone included.")
    catatan_height_mm: float = Field(20.0, ge=10, le=150, description="Least height; the box takes spare room.")
    paraf_width_mm: float = Field(70.0, ge=30, le=100, description="Width of the date-and-paraf block.")
    paraf_space_mm: float = Field(9.0, ge=0, le=40, description="Room for the initials.")
    labels: Labels = Labels()

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        """An older file's retired keys are dropped, and its sizes under 8 pt are read as 8 pt:
        the office's sheet keeps printing after an upgrade, and prints nothing smaller."""
        if not isinstance(data, dict):
            return data
        data = {k: v for k, v in data.items() if k not in _RETIRED}
        for key in _SIZES:
            if isinstance(data.get(key), int | float) and 0 < data[key] < MIN_PT:
                data[key] = MIN_PT
        return data


def load_form_layout(path: Path) -> FormLayout:
    """Read a layout TOML file; raises ConfigError (one line naming the file and key) when it is wrong."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:  # missing, unreadable or not TOML
        raise ConfigError(f"Tata letak {path} tidak terbaca ({exc}); salin templates/lembar-disposisi.toml") from exc
    try:
        return FormLayout.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"Tata letak {path} salah: {summarize(exc)[0]}") from exc
