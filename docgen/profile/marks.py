"""Where the marks land on a page: ``[stamp.<kind>]`` (number box, QR, footer) and ``[cap]``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from docgen.profile.section import Section

__all__ = ["CapStyle", "Place", "StampLayout"]


class Place(Section):
    """Where a stamp element goes, in millimetres, so A4 and F4 pages both work."""

    page: Literal["first", "last", "all"] = "last"
    x_mm: float = Field(ge=0, description="From the left edge (the cap: its centre).")
    y_mm: float = Field(ge=0, description="From the edge named by `edge` (the cap: its centre).")
    edge: Literal["top", "bottom"] = "bottom"
    size_mm: float = Field(20.0, gt=0, description="QR side, cap diameter, box or footer width.")


class StampLayout(Section):
    """Positions of the number box, cap dinas, QR code and footer for one kind; omit to leave out."""

    number_box: Place | None = Place(page="first", x_mm=118, y_mm=5, edge="top", size_mm=82)
    cap: Place | None = Place(page="last", x_mm=125, y_mm=200, edge="top", size_mm=37)
    # 11 mm up: a RAHASIA document's bottom mark sits under them, 5 mm from the edge
    qr: Place | None = Place(page="last", x_mm=18, y_mm=11, edge="bottom", size_mm=22)
    footer: Place | None = Place(page="last", x_mm=43, y_mm=11, edge="bottom", size_mm=150)


class CapStyle(Section):
    """The cap dinas: three rings with the agency around and the city inside, or an image."""

    ring_text: str = Field("", description="Text around the ring; default: the kop lines.")
    centre_text: str = Field("", description="Text in the centre; default: the city in capitals.")
    color: str = Field("#3b2f8f", pattern=r"^#[0-9a-fA-F]{6}$", description="Ink colour.")
    opacity: float = Field(0.85, gt=0, le=1, description="Ink opacity, so the signature shows through.")
    image: str | None = Field(None, description="An office-supplied stamp image (PNG), workspace-relative.")
