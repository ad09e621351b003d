"""Where a letter docgen drafted prints its "Nomor :" line and its signer's block.

A signed scan has no text to search, but docgen made the draft the Kepala Dinas signed: the
draft's PDF has the same lines in the same places. Its text positions (pypdf's visitor: exact
baselines and font sizes) tell where the number belongs (right of the colon of "Nomor :", on
its baseline, in the body's size) and where the signature space lies (between the last jabatan
line and the name), so the number is written into the letter and the cap lands over the
signature (DOMAIN.md section 5: left of the signature, overlapping at least a third of it).
Positions are mapped onto the scan's page by its size: a scan is the same page, printed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from docgen.pdf.fonts import embedded_fonts
from docgen.pdf.stampfit import MARGIN, Spot

__all__ = ["Anchors", "NumberLine", "SignerBlock", "anchor_spots", "find_anchors", "usable"]

_NOMOR = re.compile(r"^\s*(?:Nomor|NOMOR)\s*:")  # a letter's "Nomor : ...", a lampiran's "NOMOR : ..."
_HEADING = re.compile(r"^\s*NOMOR(?!\s*:)(?=\s|$)")  # a decree's centred "NOMOR ..." heading
_SAME_LINE = 1.0  # pt: chunks whose baselines differ less than this share a line
_ASPECT = 0.03  # a scan whose shape differs more than this from the draft's is not the same page
_OVERLAP = 0.4  # of the signature's width the cap covers (the rule asks at least a third)


@dataclass(frozen=True)
class Chunk:
    """One run of text on a draft page: its start, baseline, width and size (points, from bottom left)."""

    page: int
    x: float
    baseline: float
    width: float
    size: float
    text: str


@dataclass(frozen=True)
class NumberLine:
    """Where the number starts on a "Nomor :" line: page (0-based), x, baseline, font size, and
    whether the draft left it blank (a draft printed before numbering) or printed a number."""

    page: int
    x: float
    baseline: float
    size: float
    blank: bool = True


@dataclass(frozen=True)
class SignerBlock:
    """The signer's block on its page: the lines' left and right, and the signature space between
    the bottom of the last jabatan line (``top``) and the top of the name (``bottom``)."""

    page: int
    left: float
    right: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Anchors:
    """What a draft says about its own pages: size (upright, points), page count, every line its
    number goes on (a decree: its heading and its lampiran's) and every block its signer signs."""

    size: tuple[float, float]
    pages: int
    numbers: tuple[NumberLine, ...]
    signers: tuple[SignerBlock, ...]


def _chunks(data: bytes) -> tuple[tuple[float, float], int, list[Chunk]]:
    reader = PdfReader(io.BytesIO(data), strict=False)
    regular, bold = embedded_fonts()
    chunks: list[Chunk] = []
    first = reader.pages[0]
    size = (float(first.mediabox.width), float(first.mediabox.height))
    for index, page in enumerate(reader.pages):
        left, bottom = float(page.mediabox.left), float(page.mediabox.bottom)

        def visit(text, cm, tm, font, font_size, index=index, left=left, bottom=bottom) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4] - left
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5] - bottom
            pt = abs(font_size * tm[3] * cm[3]) or font_size
            name = str(font.get("/BaseFont", "")) if font else ""
            face = bold if "Bold" in name else regular
            text = text.rstrip("\n")
            chunks.append(Chunk(index, x, y, stringWidth(text, face, pt), pt, text))

        page.extract_text(visitor_text=visit)
    return size, len(reader.pages), chunks


def _lines(chunks: Iterable[Chunk]) -> list[list[Chunk]]:
    """Chunks grouped into lines, top of the first page first, each line left to right."""
    ordered = sorted(chunks, key=lambda c: (c.page, -c.baseline, c.x))
    lines: list[list[Chunk]] = []
    for chunk in ordered:
        last = lines[-1][0] if lines else None
        if last is not None and last.page == chunk.page and abs(last.baseline - chunk.baseline) < _SAME_LINE:
            lines[-1].append(chunk)
        else:
            lines.append([chunk])
    return [sorted(line, key=lambda c: c.x) for line in lines]


def _colon_end(line: list[Chunk]) -> tuple[float, int] | None:
    """Where the first colon of a line ends, and the index of the chunk after it."""
    for i, chunk in enumerate(line):
        at = chunk.text.find(":")
        if at >= 0:
            face = embedded_fonts()[0]
            end = chunk.x + stringWidth(chunk.text[: at + 1], face, chunk.size)
            rest = chunk.text[at + 1 :]
            if rest.strip():  # the value follows in the same run: it starts after the spaces
                gap = stringWidth(rest[: len(rest) - len(rest.lstrip())], face, chunk.size)
                return end + gap, -1
            return end, i + 1
    return None


def _heading(line: list[Chunk]) -> NumberLine:
    """After the word NOMOR of a decree's heading (and its space): the number the draft left out
    is written there, as a clerk writes it; a number the draft printed is written over itself."""
    face = embedded_fonts()[0]
    first = line[0]
    at = first.text.index("NOMOR") + len("NOMOR")
    rest = first.text[at:]
    if rest.strip():
        spaces = rest[: len(rest) - len(rest.lstrip())]
        x = first.x + stringWidth(first.text[:at] + spaces, face, first.size)
    elif len(line) > 1:
        x = line[1].x
    else:
        x = first.x + stringWidth(first.text[:at] + " ", face, first.size)
    return NumberLine(first.page, x, first.baseline, first.size, blank=not rest.strip() and len(line) == 1)


def _one_number_line(lines: list[list[Chunk]], n: int) -> NumberLine | None:
    line = lines[n]
    joined = "".join(c.text for c in line)
    if _HEADING.match(joined) and "NOMOR" in line[0].text:
        return _heading(line)
    found = _colon_end(line) if _NOMOR.match(joined) else None
    if found is None:
        return None
    end, after = found
    page, baseline, size = line[0].page, line[0].baseline, line[0].size
    if after == -1:
        return NumberLine(page, end, baseline, size, blank=False)
    if after < len(line):  # the draft printed a number: exactly where it goes
        return NumberLine(page, line[after].x, baseline, size, blank=False)
    # Left blank: the value column of the label lines below (Sifat, Lampiran, Hal; TANGGAL).
    for other in lines[n + 1 : n + 6]:
        theirs = _colon_end(other)
        if theirs is not None and theirs[1] not in (-1, len(other)) and abs(theirs[0] - end) < 1.0:
            return NumberLine(page, other[theirs[1]].x, baseline, size)
    return NumberLine(page, end + size * 0.6, baseline, size)


def _number_lines(lines: list[list[Chunk]]) -> tuple[NumberLine, ...]:
    """Every number slot the draft left blank; none blank (a numbered draft): the first line only,
    so another "Nomor : ..." the letter cites (a permohonan, a surat tugas) is never written over."""
    found = [one for n in range(len(lines)) if (one := _one_number_line(lines, n)) is not None]
    blank = tuple(one for one in found if one.blank)
    return blank or tuple(found[:1])


def _signer_blocks(lines: list[list[Chunk]], name: str) -> tuple[SignerBlock, ...]:
    """Every block whose name line reads ``name`` (a decree signs itself and its lampiran)."""
    wanted = " ".join(name.split())
    hits = [i for i, line in enumerate(lines) if wanted and " ".join("".join(c.text for c in line).split()) == wanted]
    return tuple(block for at in hits if (block := _signer_block(lines, at)) is not None)


def _signer_block(lines: list[list[Chunk]], at: int) -> SignerBlock | None:
    """The block whose name is line ``at``: its jabatan lines above it, the signature space between."""
    name_line = lines[at]
    left, right = name_line[0].x, max(c.x + c.width for c in name_line)
    size = name_line[0].size
    nearest = above = None
    for line in reversed(lines[:at]):
        if line[0].page != name_line[0].page:
            break
        l_left, l_right = line[0].x, max(c.x + c.width for c in line)
        if l_right < left or l_left > right:  # beside the block (a tembusan, the left column)
            continue
        if above is not None and line[0].baseline - above[0].baseline > 1.8 * line[0].size:
            break  # the paragraph before the block
        nearest = nearest or line  # the last jabatan line: the signature space lies below it
        above = line
        left, right = min(left, l_left), max(right, l_right)
    if nearest is None:
        return None
    top = nearest[0].baseline - 0.25 * nearest[0].size
    return SignerBlock(name_line[0].page, left, right, top, name_line[0].baseline + 0.75 * size)


def find_anchors(data: bytes, signer_name: str = "") -> Anchors:
    """The "Nomor" lines and the blocks signed by ``signer_name`` in a draft PDF (each may be none)."""
    size, pages, chunks = _chunks(data)
    lines = _lines(chunks)
    return Anchors(size, pages, _number_lines(lines), _signer_blocks(lines, signer_name))


def usable(anchors: Anchors, sizes: dict[int, tuple[float, float]]) -> Anchors:
    """``anchors`` kept only where the scan's pages (upright sizes by index) are the draft's, printed."""

    def fits(page: int) -> bool:
        if page not in sizes:
            return False
        (w, h), (dw, dh) = sizes[page], anchors.size
        return abs((w / dw) / (h / dh) - 1) < _ASPECT

    numbers = tuple(line for line in anchors.numbers if fits(line.page))
    signers = tuple(block for block in anchors.signers if fits(block.page))
    return Anchors(anchors.size, anchors.pages, numbers, signers)


def anchor_spots(
    anchors: Anchors, index: int, size: tuple[float, float], cap_diameter: float, *, floor: float = 0.0
) -> dict[str, Spot]:
    """The number lines and caps on page ``index`` of the scan (upright ``size``), from the draft.

    ``number_line<k>``: start of the number on its baseline, ``scale`` = its font size.
    ``cap_on_signer<k>``: the
    centre, centred in the signature space, its right part over the first 40 % of the block's
    width (the signature is written across the block), kept whole on the page and above ``floor``
    (the footer and QR code at the bottom edge).
    """
    width, height = size
    sx, sy = width / anchors.size[0], height / anchors.size[1]
    spots: dict[str, Spot] = {}
    for k, line in enumerate(anchors.numbers):
        if line.page == index:
            spots[f"number_line{k}"] = Spot(line.x * sx, line.baseline * sy, line.size * sy, 0.0)
    for k, block in enumerate(anchors.signers):
        if block.page != index:
            continue
        diameter = cap_diameter * min(sx, sy)
        radius = diameter / 2
        cx = (block.left + _OVERLAP * (block.right - block.left)) * sx - radius
        cy = (block.top + block.bottom) / 2 * sy
        cx = min(max(cx, radius + MARGIN), width - radius - MARGIN)
        cy = min(max(cy, radius + max(MARGIN, floor)), height - radius - MARGIN)
        spots[f"cap_on_signer{k}"] = Spot(cx, cy, 1.0, diameter)
    return spots
