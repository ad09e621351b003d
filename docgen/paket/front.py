"""The front of a packet: the cover (kop, "PAKET SPP <jenis>", the SPP's facts, the list of parts)
and the filled checklist, drawn with reportlab.

The verifier at the PPK-SKPD's desk reads these two first: what the packet is, where each part
starts, and which required attachment is there. Tables flow onto further pages with their header
repeated, so a long list of photos never runs off the page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from docgen.pdf import binary_streams, embedded_fonts
from docgen.profile import Office, printed_kop
from docgen.render.forms import draw_kop, wrap_text

__all__ = ["Front", "Row", "draw_front"]

_LEFT, _BOTTOM = 20 * mm, 20 * mm
_SIZE = 9.5
_LINE = _SIZE * 1.25


@dataclass(frozen=True)
class Row:
    """A checklist line: number, item, required or not, present or not, the files that answer it."""

    number: int
    name: str
    required: bool
    files: tuple[str, ...]


@dataclass(frozen=True)
class Front:
    """What the cover and the checklist print."""

    office: Office
    emblem: Path | None
    jenis: str  # the type as printed, 'LS Barang dan Jasa'
    facts: tuple[tuple[str, str], ...]  # (label, value): Nomor SPP, Tanggal, Jumlah, ...
    parts: tuple[tuple[str, int], ...]  # (part, its page count), in binding order
    checklist: tuple[Row, ...]
    paper: tuple[float, float] = (210.0, 297.0)  # mm, the profile's [page] paper: the cover is bound with the parts
    verification: str = ""  # the PPK-SKPD's verification as recorded, or empty while the SPP waits for it


def draw_front(front: Front) -> tuple[bytes, int]:
    """The cover then the checklist, as one PDF (each starts on its own page); the cover's page count.

    Where each part starts depends on how many pages the front itself takes, known only at the
    end: the page cells are reportlab forms, used on the cover and defined last, so the front is
    drawn once.
    """
    with binary_streams():  # the emblem as ASCII85 cost 20 ms a draw in pure Python
        return _draw(front)


def _draw(front: Front) -> tuple[bytes, int]:
    regular, bold = embedded_fonts()
    out = io.BytesIO()
    width, height = front.paper[0] * mm, front.paper[1] * mm
    canvas = Canvas(out, pagesize=(width, height), pageCompression=1, initialFontName=regular)
    canvas.setTitle(f"Paket SPP {front.jenis}")
    page = _Page(canvas, regular, bold, width - 20 * mm, height)
    y = _kop(page, front)
    y = page.centred(f"PAKET SPP {front.jenis.upper()}", y - 10 * mm, 14)
    y -= 6 * mm
    for label, value in front.facts:
        y = page.fact(label, value, y)
    y -= 4 * mm
    canvas.setFont(bold, 11)
    canvas.drawString(_LEFT, y, "Isi paket")
    parts = [
        (str(i), name, "") for i, name in enumerate(["Sampul dan daftar periksa", *(n for n, _ in front.parts)], 1)
    ]
    page.table(("No", "Bagian", "Halaman"), (10 * mm, 130 * mm, 30 * mm), parts, y - 3 * mm, slots=2)
    cover_pages = canvas.getPageNumber()
    canvas.showPage()
    y = page.centred(f"DAFTAR PERIKSA KELENGKAPAN SPP {front.jenis.upper()}", page.height - 25 * mm, 12)
    rows = [
        (str(r.number), r.name, "Wajib" if r.required else "Pilihan", "Ada" if r.files else "Tidak ada",
         ", ".join(r.files) or "-")
        for r in front.checklist
    ]  # fmt: skip
    y = page.table(
        ("No", "Kelengkapan", "Sifat", "Ada", "Berkas"), (10 * mm, 55 * mm, 18 * mm, 24 * mm, 63 * mm), rows,
        y - 6 * mm, marks=3,
    )  # fmt: skip
    page.verification(front.verification or "BELUM DIVERIFIKASI", y - 6 * mm)
    page.fill_slots(_ranges(canvas.getPageNumber(), front.parts))
    canvas.showPage()
    canvas.save()
    return out.getvalue(), cover_pages


def _ranges(front_pages: int, parts: Sequence[tuple[str, int]]) -> list[str]:
    """Page ranges ('1-3', '4', '5-11') of the front and then of every part."""
    ranges, start = [], 1
    for count in (front_pages, *(n for _, n in parts)):
        ranges.append(str(start) if count == 1 else f"{start}-{start + count - 1}")
        start += count
    return ranges


def _kop(page: _Page, front: Front) -> float:
    """The office's kop, the same lines and breaks as every other output (``draw_kop``); the y below it."""
    emblem = front.emblem if front.emblem is not None and front.emblem.is_file() else None
    kop = printed_kop(front.office)
    return (
        draw_kop(
            page.canvas,
            kop,
            emblem,
            left=_LEFT,
            right=page.right,
            top=page.height - 15 * mm,
            regular=page.regular,
            bold=page.bold,
        )
        - 2 * mm
    )


class _Page:
    """A canvas with the packet's fonts and a cursor-free set of drawing steps (each returns the next y)."""

    def __init__(self, canvas: Canvas, regular: str, bold: str, right: float, height: float) -> None:
        self.canvas, self.regular, self.bold = canvas, regular, bold
        self.right, self.height = right, height
        self.slots: list[tuple[float, float]] = []  # where deferred cells print, in order

    def fill_slots(self, texts: Sequence[str]) -> None:
        """Define the forms the deferred cells use (reportlab resolves them when the file is saved)."""
        for index, ((x, y), text) in enumerate(zip(self.slots, texts, strict=True)):
            self.canvas.beginForm(f"slot{index}")
            self.canvas.setFont(self.regular, _SIZE)
            self.canvas.drawString(x, y, text)
            self.canvas.endForm()

    def centred(self, text: str, y: float, size: float, *, left: float = _LEFT, bold: bool = True) -> float:
        font = self.bold if bold else self.regular
        width = self.right - left
        for line in wrap_text(text, font, size, width):
            self.canvas.setFont(font, size)
            self.canvas.drawCentredString(left + width / 2, y - size, line)
            y -= size * 1.25
        return y

    def verification(self, text: str, y: float) -> float:
        """The PPK-SKPD's verification under the checklist, on a new page when the table filled this one."""
        lines = wrap_text(f"Verifikasi PPK-SKPD: {text}", self.bold, 10.5, self.right - _LEFT)
        if y - len(lines) * 10.5 * 1.35 < _BOTTOM:
            self.canvas.showPage()
            y = self.height - 20 * mm
        self.canvas.setFont(self.bold, 10.5)
        for line in lines:
            self.canvas.drawString(_LEFT, y - 10.5, line)
            y -= 10.5 * 1.35
        return y

    def fact(self, label: str, value: str, y: float) -> float:
        """``Label    : value``, the value wrapping under itself."""
        self.canvas.setFont(self.regular, 10.5)
        self.canvas.drawString(_LEFT, y - 10.5, label)
        self.canvas.drawString(_LEFT + 38 * mm, y - 10.5, ":")
        for line in wrap_text(value, self.regular, 10.5, self.right - _LEFT - 41 * mm):
            self.canvas.drawString(_LEFT + 41 * mm, y - 10.5, line)
            y -= 10.5 * 1.35
        return y

    def table(
        self,
        header: Sequence[str],
        widths: Sequence[float],
        rows: Sequence[Sequence[str]],
        y: float,
        *,
        marks: int | None = None,
        slots: int | None = None,
    ) -> float:
        """A ruled table from ``y`` down, rows wrapped in their cells, the header repeated on each new page.

        ``marks`` is the column that says Ada / Tidak ada: a tick or a cross is drawn before the word;
        ``slots`` the column whose text is filled in at the end (``fill_slots``).
        """
        y = self._row(header, widths, y, bold=True)
        for cells in rows:
            lines = [wrap_text(text, self.regular, _SIZE, w - 3 * mm) for text, w in zip(cells, widths, strict=True)]
            height = max(len(c) for c in lines) * _LINE + 2 * mm
            if y - height < _BOTTOM:
                self.canvas.showPage()
                y = self._row(header, widths, self.height - 20 * mm, bold=True)
            present = marks is not None and cells[marks] == "Ada"
            self._cells(lines, widths, y, height, mark=marks, present=present, slot=slots)
            y -= height
        return y

    def _row(self, cells: Sequence[str], widths: Sequence[float], y: float, *, bold: bool) -> float:
        lines = [wrap_text(text, self.bold, _SIZE, w - 3 * mm) for text, w in zip(cells, widths, strict=True)]
        height = max(len(c) for c in lines) * _LINE + 2 * mm
        self._cells(lines, widths, y, height, bold=bold)
        return y - height

    def _cells(
        self,
        lines: Sequence[Sequence[str]],
        widths: Sequence[float],
        y: float,
        height: float,
        *,
        bold: bool = False,
        mark: int | None = None,
        present: bool = False,
        slot: int | None = None,
    ) -> None:
        canvas, x = self.canvas, _LEFT
        canvas.setLineWidth(0.5)
        for column, (cell, width) in enumerate(zip(lines, widths, strict=True)):
            canvas.rect(x, y - height, width, height)
            indent = 0.0
            if column == mark:
                _tick(canvas, x + 1.5 * mm, y - 1 * mm - _SIZE, present)
                indent = 4.5 * mm
            if column == slot:
                self.slots.append((x + 1.5 * mm, y - 1 * mm - _SIZE))
                canvas.doForm(f"slot{len(self.slots) - 1}")
            canvas.setFont(self.bold if bold else self.regular, _SIZE)
            for i, line in enumerate(cell):
                canvas.drawString(x + 1.5 * mm + indent, y - 1 * mm - _SIZE - i * _LINE, line)
            x += width


def _tick(canvas: Canvas, x: float, y: float, present: bool) -> None:
    """A drawn tick (present) or cross (absent): no font has to carry the glyph."""
    canvas.saveState()
    canvas.setLineWidth(1.2)
    s = _SIZE * 0.8
    if present:
        canvas.setStrokeColorRGB(0, 0.45, 0)
        canvas.lines([(x, y + s * 0.5, x + s * 0.35, y), (x + s * 0.35, y, x + s, y + s)])
    else:
        canvas.setStrokeColorRGB(0.75, 0, 0)
        canvas.lines([(x, y, x + s * 0.8, y + s * 0.8), (x, y + s * 0.8, x + s * 0.8, y)])
    canvas.restoreState()
