"""The one kop drawer for every page docgen draws with reportlab (forms, disposition, packet cover).

The Word kinds, the forms, the disposition sheet and the packet cover must show one kop: the
same lines, broken in the same places. ``docgen.profile.printed_kop`` breaks the lines once; this
draws them as they are (one printed line each, never wrapped again), centred in the text column
right of the emblem's column, then the thick-thin double rule. A sheet narrower than the kop (a
half-folio disposition) gets the whole kop scaled down evenly, so the breaks stay where they are;
a scale that would set a line below 8 pt is refused rather than printed unreadably small.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import ConfigError
from docgen.pdf import binary_streams
from docgen.profile import EMBLEM_COLUMN_MM, KOP_TEXT_MM, PrintedKop

__all__ = ["KOP_MIN_PT", "draw_kop", "kop_height_mm"]

KOP_MIN_PT = 8.0  #: no kop line is printed smaller, however narrow the sheet
_EMBLEM_W_MM, _EMBLEM_H_MM = 21.0, 25.2  # as the Word templates place it (2.1 cm wide, 300 x 360 px)
_LEAD = 1.15  # line height as a multiple of the size: Word's single spacing for Arial
_GAP_MM = 1.5  # between the taller of emblem and text, and the thick rule
_THICK_PT, _THIN_PT, _RULES_MM = 1.6, 0.6, 1.0  # the double rule: widths and the distance between


def _scale(kop: PrintedKop, width: float) -> float:
    """How much the kop shrinks to fit ``width`` points (1 when it fits); ConfigError below 8 pt."""
    scale = min(1.0, width / ((EMBLEM_COLUMN_MM + KOP_TEXT_MM) * mm))
    smallest = min((line.size_pt for line in kop.lines), default=KOP_MIN_PT)
    if smallest * scale < KOP_MIN_PT - 1e-6:
        need = (EMBLEM_COLUMN_MM + KOP_TEXT_MM) * KOP_MIN_PT / smallest
        raise ConfigError(
            f"Kop tidak muat di lebar {width / mm:.0f} mm tanpa huruf di bawah {KOP_MIN_PT:g} pt (perlu "
            f"{need:.0f} mm); lebarkan kertas atau kotaknya, atau kecilkan margin"
        )
    return scale


def kop_height_mm(kop: PrintedKop, width_mm: float) -> float:
    """The kop's height from its top to under the double rule, when drawn ``width_mm`` wide.

    Layouts place their boxes below this; it is what ``draw_kop`` takes, without drawing."""
    scale = _scale(kop, width_mm * mm)
    text = sum(_LEAD * line.size_pt for line in kop.lines)
    tallest = max(text, _EMBLEM_H_MM * mm * scale)
    return (tallest + (_GAP_MM * mm + _RULES_MM * mm + _THIN_PT) * scale) / mm


@functools.lru_cache(maxsize=8)
def _emblem(data: bytes) -> ImageReader:
    reader = ImageReader(io.BytesIO(data))  # bytes: a name could be read as a URL
    reader.getSize()
    return reader


def _reader(emblem: Path | bytes | None) -> ImageReader | None:
    if emblem is None:
        return None
    try:
        data = emblem if isinstance(emblem, bytes) else Path(emblem).read_bytes()
        return _emblem(data)
    except OSError as exc:
        raise ConfigError(f"Lambang {emblem} tidak terbaca ({exc.strerror}); periksa berkas lambangnya") from exc
    except Exception as exc:  # reportlab and PIL raise several types for a broken image
        raise ConfigError("Lambang bukan gambar PNG/JPEG yang sah; ganti berkas lambangnya") from exc


def draw_kop(
    canvas: Canvas,
    kop: PrintedKop,
    emblem: Path | bytes | None,
    *,
    left: float,
    right: float,
    top: float,
    regular: str,
    bold: str,
) -> float:
    """Draw the kop between ``left`` and ``right`` from ``top`` down (points); the y under the double rule.

    Prints ``kop``'s lines exactly, one printed line each, centred in the column right of the
    emblem's; ``regular``/``bold`` are registered (embedded) font names. Narrower than the kop
    (emblem column + text column), everything scales by one factor; ConfigError below 8 pt.
    """
    scale = _scale(kop, right - left)
    column = EMBLEM_COLUMN_MM * mm * scale
    reader = _reader(emblem)
    if reader is not None:
        iw, ih = reader.getSize()
        w, h = _EMBLEM_W_MM * mm * scale, _EMBLEM_H_MM * mm * scale
        fit = min(w / iw, h / ih)
        with binary_streams():  # images are encoded as they are drawn
            canvas.drawImage(reader, left + (column - iw * fit) / 2, top - ih * fit, iw * fit, ih * fit, mask="auto")
    centre = (left + column + right) / 2
    y = top
    for line in kop.lines:
        size = line.size_pt * scale
        canvas.setFont(bold if line.bold else regular, size)
        canvas.drawCentredString(centre, y - size * 0.93, line.text)
        y -= _LEAD * size
    y = min(y, top - _EMBLEM_H_MM * mm * scale) - _GAP_MM * mm * scale
    canvas.saveState()
    canvas.setLineWidth(_THICK_PT * scale)
    canvas.line(left, y, right, y)
    y -= _RULES_MM * mm * scale
    canvas.setLineWidth(_THIN_PT * scale)
    canvas.line(left, y, right, y)
    canvas.restoreState()
    return y - _THIN_PT * scale
