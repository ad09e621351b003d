"""The paper every document is printed on and how its pages are numbered: ``[page]``.

Many regional offices print on F4 (folio, 215 x 330 mm) rather than A4, and a naskah dinas
numbers every page after the first in the office's own style ("- 2 -" at the top centre). One
setting decides it for the Word kinds, the drawn forms, the disposition sheet and the packets.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from docgen.profile.section import Section

__all__ = ["PAPERS", "PageSettings"]

#: Paper sizes in millimetres (width, height), portrait.
PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "F4": (215.0, 330.0)}

#: The kop's text column (after the emblem's column) is this wide on every paper, so the kop's
#: lines break in the same places in every output; margins must leave room for it.
KOP_WIDTH_MM = 165.0


class PageSettings(Section):
    """Paper, margins and the page-number style of every document docgen makes."""

    paper: Literal["A4", "F4"] = Field("A4", description="A4 (210 x 297 mm) or F4/folio (215 x 330 mm).")
    margin_top_mm: float = Field(20.0, ge=5, le=60)
    margin_bottom_mm: float = Field(20.0, ge=5, le=60)
    margin_left_mm: float = Field(25.0, ge=5, le=60)
    margin_right_mm: float = Field(20.0, ge=5, le=60)
    number_format: str = Field(
        "- {n} -", description="Page number on every page after the first; {n} is the page's number."
    )
    number_position: Literal["top", "bottom"] = Field("top", description="Centred at the top or the bottom.")

    @model_validator(mode="after")
    def _fits(self) -> PageSettings:
        if "{n}" not in self.number_format:
            raise ValueError("page.number_format harus memuat {n} (nomor halaman), mis. '- {n} -'")
        if self.text_width_mm < KOP_WIDTH_MM:
            raise ValueError(
                f"margin kiri dan kanan menyisakan {self.text_width_mm:g} mm; kop dan isi perlu "
                f"{KOP_WIDTH_MM:g} mm: perkecil page.margin_left_mm atau page.margin_right_mm"
            )
        return self

    @property
    def size_mm(self) -> tuple[float, float]:
        """(width, height) of the paper in millimetres."""
        return PAPERS[self.paper]

    @property
    def text_width_mm(self) -> float:
        return self.size_mm[0] - self.margin_left_mm - self.margin_right_mm

    def page_label(self, number: int) -> str:
        """What a page after the first carries: '- 2 -' in the default style."""
        return self.number_format.replace("{n}", str(number))
