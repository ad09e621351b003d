"""Drawing the stamp's marks on a reportlab canvas: number box or number line, cap, QR, footer.

Every mark's text is set in the embedded font (:func:`docgen.pdf.fonts.embedded_fonts`) at 8 pt
or more, so an archive copy keeps its fonts and a printout stays legible (issue 23). The drawn
cap is a picture, like the office's real cap: its ring letters are part of an image, not text a
reader extracts as "D I N A S" or a layout checker measures.
"""

from __future__ import annotations

import functools
import math
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from docgen.pdf.fonts import embedded_fonts, font_file
from docgen.pdf.stampfit import BOX_HEIGHT, FOOTER_SIZE, MIN_FONT, Spot, footer_lines
from docgen.profile import CapStyle

__all__ = ["RINGS", "draw_cap", "draw_footer", "draw_number_box", "draw_number_line", "draw_qr"]

RINGS = (18.5, 17.5, 13.5)  # mm, the central-government cap rule
_BOX_FONT = 8.5  # pt, the number box's natural size; never below MIN_FONT
_CAP_DPI = 400  # the drawn cap's resolution: sharp when printed, ~40 KB compressed


def draw_number_box(c: Canvas, spot: Spot, number: str, date_text: str) -> None:
    """The box at its natural size (profile width, 11 mm) with number and date at 8-8.5 pt."""
    regular, bold = embedded_fonts()
    width = spot.width
    c.saveState()
    c.translate(spot.x, spot.y)
    c.setFillColorRGB(1, 1, 1)
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.6)
    c.rect(0, 0, width, BOX_HEIGHT, stroke=1, fill=1)
    c.setFillColorRGB(0, 0, 0)
    longest = max(c.stringWidth(text, bold, _BOX_FONT) for text in (number, date_text))
    size = _BOX_FONT if longest <= width - 19 * mm else MIN_FONT  # box_width made room at MIN_FONT
    for row, (label, value) in enumerate((("Nomor", number), ("Tanggal", date_text))):
        baseline = BOX_HEIGHT - (4.3 + row * 4.3) * mm
        c.setFont(regular, size)
        c.drawString(2 * mm, baseline, label)
        c.drawString(15 * mm, baseline, ":")
        c.setFont(bold, size)
        c.drawString(17 * mm, baseline, value)
    c.restoreState()


def draw_number_line(c: Canvas, spot: Spot, number: str) -> None:
    """The number written into the letter's own "Nomor :" line: ``spot`` is the start of the
    value on its baseline, ``spot.scale`` the body's font size there (never below 8 pt)."""
    regular, _ = embedded_fonts()
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    c.setFont(regular, max(spot.scale, MIN_FONT))
    c.drawString(spot.x, spot.y, number)
    c.restoreState()


def draw_cap(c: Canvas, spot: Spot, style: CapStyle, ring_text: str, centre: str, image: Path | None) -> None:
    """The cap dinas centred on ``spot`` (diameter ``spot.width * spot.scale``): the office's image
    when the profile names one, else the drawn rings (:func:`cap_stencil`) in the cap's ink at its
    opacity, so the signature shows through."""
    side = spot.width * spot.scale
    x, y = spot.x - side / 2, spot.y - side / 2
    if image is not None:
        c.drawImage(ImageReader(str(image)), x, y, side, side, mask="auto")
        return
    width, height, data = cap_stencil(ring_text, centre)
    c.saveState()
    c.setFillColor(HexColor(style.color))
    c.setFillAlpha(style.opacity)
    c.addLiteral(
        f"q {side:.3f} 0 0 {side:.3f} {x:.3f} {y:.3f} cm "
        f"BI /W {width} /H {height} /IM true /BPC 1 /F [/AHx /Fl] ID {data}> EI Q"
    )
    c.restoreState()


@functools.lru_cache(maxsize=8)
def cap_stencil(ring_text: str, centre: str) -> tuple[int, int, str]:
    """Three rings, the agency around the band between the inner two, the city inside: a 1-bit
    stencil at 400 dpi (width, height, Flate-compressed hex), made once per process. Painted as
    an image mask in the current fill colour, it costs a few bytes of content per stamp instead
    of an RGBA picture compressed again each time (49 ms and 85 KB a stamp, measured)."""
    px_per_mm = _CAP_DPI / 25.4
    side = round(2 * RINGS[0] * px_per_mm) + 8
    centre_px = side / 2
    cover = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(cover)
    for radius, width_pt in zip(RINGS, (1.2, 0.5, 0.7), strict=True):
        r = radius * px_per_mm
        w = max(1, round(width_pt / 72 * _CAP_DPI))
        draw.ellipse((centre_px - r, centre_px - r, centre_px + r, centre_px + r), outline=255, width=w)
    letter_px = round(5.6 / 72 * _CAP_DPI)
    font = _font(letter_px)
    band = ((RINGS[1] + RINGS[2]) / 2) * px_per_mm
    text = ring_text.upper()
    step = 360.0 / max(len(text), 1)
    for i, ch in enumerate(text):
        if not ch.strip():
            continue
        angle = 90 - i * step  # clockwise from the top, as the eye reads around a seal
        glyph = Image.new("L", (letter_px * 2, letter_px * 2), 0)
        ImageDraw.Draw(glyph).text((letter_px, letter_px), ch, fill=255, font=font, anchor="mm")
        turned = glyph.rotate(angle - 90, resample=Image.Resampling.BICUBIC, expand=True)
        gx = centre_px + band * math.cos(math.radians(angle)) - turned.width / 2
        gy = centre_px - band * math.sin(math.radians(angle)) - turned.height / 2
        cover.paste(255, (round(gx), round(gy)), turned)
    inner = 2 * RINGS[2] * px_per_mm - 4 * px_per_mm
    size = round(8.5 / 72 * _CAP_DPI)
    while size > letter_px // 2 and draw.textlength(centre, font=_font(size)) > inner:
        size -= 4
    draw.text((centre_px, centre_px), centre, fill=255, font=_font(size), anchor="mm")
    stencil = cover.point(lambda v: 0 if v >= 128 else 255).convert("1")  # 0 = painted
    return side, side, zlib.compress(stencil.tobytes(), 9).hex()


@functools.lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_file(bold=True)
    return ImageFont.truetype(str(path), size) if path is not None else ImageFont.load_default(size)


def draw_qr(c: Canvas, image: Image.Image, x: float, y: float, side: float) -> None:
    """Paint the code on an opaque white square, as a 1-bit inline image mask.

    The white square covers the code and its quiet zone (4 modules, part of the image), so
    print or a scan's grey beneath never touches the code. Renderers scale masks by repeating
    pixels: an ordinary image upscaled less than 4x is smoothed by poppler (pdftoppm, many
    viewers), which blurs a 22 mm code at 150 dpi until zbar cannot read it.
    """
    width, height = image.size
    data = image.tobytes().hex()  # 1 bit per pixel, rows padded to bytes; 0 = dark = painted
    c.addLiteral(
        f"q 1 g {x:.3f} {y:.3f} {side:.3f} {side:.3f} re f 0 g {side:.3f} 0 0 {side:.3f} {x:.3f} {y:.3f} cm "
        f"BI /W {width} /H {height} /IM true /BPC 1 /F /AHx ID {data}> EI Q"
    )


def draw_footer(c: Canvas, spot: Spot, lines: list[str]) -> None:
    """The footer at 8 pt, wrapped to its width; ``spot.y`` is the bottom of its last line's row."""
    regular, _ = embedded_fonts()
    wrapped = footer_lines(lines, spot.width)
    c.saveState()
    c.setFont(regular, FOOTER_SIZE)
    c.setFillColorRGB(0, 0, 0)
    top = spot.y + len(wrapped) * FOOTER_SIZE * 1.2
    for row, line in enumerate(wrapped):
        c.drawString(spot.x, top - (row + 1) * FOOTER_SIZE * 1.2 + 1.5, line)
    c.restoreState()
