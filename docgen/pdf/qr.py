"""QR codes from a matrix (segno), drawn sharp at any print size.

The mask is fixed: choosing it automatically costs about five times as much per code and a
fixed mask still decodes reliably. For overlays that pypdf merges the code is a 1-bit image
with one pixel per module (pypdf parses every vector operator: ~160 ms per merge against
~20 ms); for forms drawn directly it is one vector path.
"""

from __future__ import annotations

from typing import Any

import segno
from PIL import Image

__all__ = ["QUIET_ZONE", "draw_qr_path", "qr_image"]

QUIET_ZONE = 4  # modules of white border the standard asks for
_MASK = 2


def _code(data: str) -> segno.QRCode:
    return segno.make(data, error="m", micro=False, mask=_MASK)


def qr_image(data: str) -> Image.Image:
    """A 1-bit image, one pixel per module, quiet zone included (scale it without smoothing)."""
    code = _code(data)
    rows = list(code.matrix_iter(scale=1, border=QUIET_ZONE))
    image = Image.new("1", (len(rows[0]), len(rows)), 1)
    image.putdata([0 if dark else 1 for row in rows for dark in row])
    return image


def draw_qr_path(canvas: Any, data: str, x: float, y: float, size: float) -> None:
    """Draw the code as one filled path on a reportlab canvas, lower-left corner at ``(x, y)``."""
    code = _code(data)
    rows = list(code.matrix_iter(scale=1, border=QUIET_ZONE))
    module = size / len(rows)
    ops = []  # written as PDF operators: reportlab's path objects format numbers in Python, ~3 ms a code
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                ops.append(f"{x + start * module:.3f} {top:.3f} {(c - start) * module:.3f} {module:.3f} re")
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral("\n".join([*ops, "f"]))
    canvas.restoreState()
