"""Draw the placeholder city emblem, ``templates/lambang.png`` (a navy and gold shield with a star).

An office replaces it by pointing ``office.emblem`` at its own picture; the templates find the
emblem by its ``descr="lambang"``, so the placeholder only has to be a picture of the right shape.
Called by ``tools/build_templates.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["build_emblem"]

NAVY, GOLD = (31, 58, 122, 255), (242, 194, 48, 255)


def _shield(w: float, h: float, inset: float) -> list[tuple[float, float]]:
    """Outline of a heraldic shield: flat top, straight sides, pointed base."""
    left, right, side_end = inset, w - inset, h * 0.5
    tip_x, tip_y, ctrl_y = w / 2, h - inset, h * 0.8
    pts = [(left, inset), (right, inset)]
    for i in range(21):  # quadratic Bezier from the right side down to the tip
        t = i / 20
        pts.append(
            (
                (1 - t * t) * right + t * t * tip_x,
                (1 - t) ** 2 * side_end + 2 * (1 - t) * t * ctrl_y + t * t * tip_y,
            )
        )
    for x, y in reversed(pts[3:-1]):  # mirror back up the left side
        pts.append((w - x, y))
    return pts + [(left, side_end)]


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    """Five-pointed star, point up."""
    radii = [r if i % 2 == 0 else r * 0.4 for i in range(10)]
    angles = [-math.pi / 2 + i * math.pi / 5 for i in range(10)]
    return [(cx + rad * math.cos(a), cy + rad * math.sin(a)) for rad, a in zip(radii, angles, strict=True)]


def build_emblem(path: Path, size: tuple[int, int] = (300, 360)) -> None:
    """Draw a placeholder shield (navy outline, gold fill, star, 'LAMBANG')."""
    s = 3  # draw 3x larger, then downsample for smooth edges
    w, h = size[0] * s, size[1] * s
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.polygon(_shield(w, h, 6 * s), fill=NAVY)
    draw.polygon(_shield(w, h, 18 * s), fill=GOLD)
    draw.polygon(_star(w / 2, h * 0.36, 70 * s), fill=NAVY)
    font = ImageFont.load_default(size=30 * s)
    draw.text((w / 2, h * 0.64), "LAMBANG", font=font, fill=NAVY, anchor="mm")
    img.resize(size, Image.Resampling.LANCZOS).save(path, format="PNG", optimize=True)
