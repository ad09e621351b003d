"""The lembar disposisi (disposition sheet), drawn directly with reportlab from a layout file.

A fixed form printed for every incoming letter, so no DOCX or LibreOffice: paper, sizes and wording
are TOML an office adjusts without code. Every value is fitted to its cell (shrunk, wrapped, then cut
with an ellipsis), so no input, however long or odd, runs off the page or over a neighbouring box.
"""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import ConfigError, RenderError
from docgen.pdf import draw_qr_path, embedded_fonts
from docgen.render.forms.textfit import fit_text
from docgen.validation import summarize

__all__ = ["DispositionRound", "DispositionSheet", "FormLayout", "load_form_layout", "render_disposition_sheet"]

_PAPERS = {"A5": (148.0, 210.0), "setengah-folio": (165.0, 215.0)}  # portrait width, height in mm
_GAP, _PAD = 2.5 * mm, 1.3 * mm  # between the sheet's blocks; inside cells
_TICKS = {"check": ((0.18, 0.55, 0.42, 0.2), (0.42, 0.2, 0.9, 0.95)), "x": ((0.2, 0.2, 0.8, 0.8), (0.2, 0.8, 0.8, 0.2))}


@dataclass(frozen=True)
class DispositionRound:
    """One disposition: who sent the letter on, to which units, with which instructions."""

    by: str  # "Kepala Dinas" or an official's name
    to_units: list[str]  # ticked when on the sheet's unit list; others are written in, ticked
    instructions: list[str]  # likewise against the sheet's instruction list
    note: str  # free text; newlines are kept
    date_text: str  # "28 November 2026"


@dataclass(frozen=True)
class DispositionSheet:
    """Everything one sheet prints; dates arrive formatted, so this module knows no calendar."""

    kop: list[str]
    address: str
    emblem: Path | None
    sender: str
    letter_number: str
    letter_date: str
    received_date: str
    agenda_number: str
    sifat: str  # ticked among the layout's sifat_options; any other value is added, ticked
    subject: str
    kka: str  # archive code printed after Hal in parentheses; "" prints none
    units: list[str]
    instructions: list[str]
    rounds: list[DispositionRound]  # round 1 ticks and signs; later ones go in Catatan
    qr_url: str  # "" draws no code


class Labels(BaseModel):
    """Every word the form prints of its own, so an office can follow its paper form."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title: str = "LEMBAR DISPOSISI"
    surat_dari: str = "Surat dari"
    nomor_surat: str = "Nomor surat"
    tanggal_surat: str = "Tanggal surat"
    diterima_tanggal: str = "Diterima tanggal"
    nomor_agenda: str = "Nomor agenda"
    sifat: str = "Sifat"
    hal: str = "Hal"
    diteruskan_kepada: str = "Diteruskan kepada"
    dengan_hormat_harap: str = "Dengan hormat harap"
    catatan: str = "Catatan"
    tanggal: str = Field("Tanggal", description="Before the disposition date, above the paraf.")
    paraf: str = "Paraf"
    lanjutan: str = Field("Disposisi lanjutan", description="Heads each later round in the Catatan box.")
    kepada: str = Field("Kepada", description="Before a later round's units.")
    harap: str = Field("Harap", description="Before a later round's instructions.")
    qr_caption: str = "Pindai untuk memeriksa di register"
    footer: str = "Lembar disposisi ini tidak boleh dipisahkan dari surat aslinya."


class FormLayout(BaseModel):
    """The sheet's paper, geometry (mm), type sizes (pt) and wording; an empty file means defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid")  # a mistyped key fails at load time
    paper: Literal["A5", "setengah-folio"] = Field("setengah-folio", description="148x210 or 165x215 mm.")
    margins_mm: float = Field(9.0, ge=3, le=30, description="Blank border on every side.")
    kop_sizes_pt: tuple[float, ...] = Field((10.5, 11.5), min_length=1, description="Per kop line; last repeats.")
    address_size_pt: float = Field(7.5, gt=0, le=20)
    title_size_pt: float = Field(12.0, gt=0, le=30)
    body_size_pt: float = Field(8.5, gt=0, le=20, description="Field labels and values, date and paraf.")
    checklist_size_pt: float = Field(8.0, gt=0, le=20, description="Largest size of the two checklists.")
    note_size_pt: float = Field(8.5, gt=0, le=20, description="Largest size of the Catatan text.")
    small_size_pt: float = Field(6.5, gt=0, le=20, description="QR caption and footer.")
    min_size_pt: float = Field(5.5, gt=0, le=20, description="Text shrinks to this before it wraps or is cut.")
    emblem_height_mm: float = Field(17.0, ge=5, le=40)
    label_width_mm: float = Field(26.0, ge=10, le=60, description="Label column of the letter's fields.")
    checkbox_mm: float = Field(3.0, ge=1.5, le=8)
    tick: Literal["check", "x"] = Field("check", description="The mark in a ticked box.")
    write_in_lines: int = Field(1, ge=0, le=5, description="Blank checkbox lines under each list.")
    sifat_options: tuple[str, ...] = ("Biasa", "Segera", "Sangat Segera", "Rahasia")
    qr_size_mm: float = Field(20.0, ge=12, le=40, description="Side of the QR code, quiet zone included.")
    catatan_height_mm: float = Field(35.0, ge=10, le=150, description="Least height; the box takes spare room.")
    paraf_width_mm: float = Field(58.0, ge=30, le=100, description="Width of the date-and-paraf block.")
    paraf_space_mm: float = Field(9.0, ge=0, le=40, description="Room for the initials.")
    labels: Labels = Labels()


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


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class _Pen:
    """The canvas with the sheet's fonts and layout, so the section functions stay short."""

    c: Canvas
    regular: str
    bold: str
    lay: FormLayout

    def text(self, lines: list[str], x: float, top: float, size: float, bold: bool = False, align: str = "l") -> float:
        """Draw ``lines`` from ``top`` down (first baseline about one ascent lower); return their bottom."""
        self.c.setFont(self.bold if bold else self.regular, size)
        draw = {"l": self.c.drawString, "c": self.c.drawCentredString, "r": self.c.drawRightString}[align]
        for i, line in enumerate(lines):
            draw(x, top - size * (0.95 + 1.2 * i), line)
        return top - 1.2 * size * len(lines)

    def box(self, x: float, y: float, ticked: bool) -> None:
        """A checkbox with its lower-left corner at ``(x, y)``, ticked with a check mark or an X."""
        s = self.lay.checkbox_mm * mm
        self.c.setLineWidth(0.6)
        self.c.rect(x, y, s, s)
        if ticked:
            self.c.saveState()
            self.c.setLineWidth(s * 0.17)
            self.c.setLineCap(1)
            self.c.lines([(x + s * a, y + s * b, x + s * c, y + s * d) for a, b, c, d in _TICKS[self.lay.tick]])
            self.c.restoreState()


def _kop(pen: _Pen, sheet: DispositionSheet, left: float, right: float, top: float) -> float:
    """Emblem left, kop lines centred and bold, the address smaller, a double rule, the title."""
    lay, inset, emblem_h = pen.lay, 0.0, pen.lay.emblem_height_mm * mm if sheet.emblem else 0.0
    if sheet.emblem:
        try:
            image = ImageReader(io.BytesIO(Path(sheet.emblem).read_bytes()))  # bytes: a name could be a URL
            inset = emblem_h * image.getSize()[0] / image.getSize()[1]
        except Exception as exc:  # reportlab and PIL raise several types for a broken image
            why = getattr(exc, "strerror", None) or "bukan gambar yang sah"  # reportlab's own text spans lines
            raise RenderError(f"Lambang {sheet.emblem} tidak bisa dibaca ({why}); ganti dengan berkas PNG") from exc
        pen.c.drawImage(image, left, top - emblem_h, inset, emblem_h, mask="auto")
        inset += 3 * mm  # kept free on both sides, so the kop stays centred on the page
    width, centre = right - left - 2 * inset, (left + right) / 2
    sizes = [lay.kop_sizes_pt[min(i, len(lay.kop_sizes_pt) - 1)] for i in range(len(sheet.kop))]
    blocks = [(fit_text(line, pen.bold, s, s * 0.75, width, 2), True) for line, s in zip(sheet.kop, sizes, strict=True)]
    blocks.append((fit_text(sheet.address, pen.regular, lay.address_size_pt, lay.min_size_pt, width, 2), False))
    y = top - max(0.0, (emblem_h - sum(1.2 * s * len(ls) for (s, ls), _ in blocks)) / 2)
    for (size, lines), bold in blocks:
        y = pen.text(lines, centre, y, size, bold, "c")
    y = min(y, top - emblem_h) - 1.5 * mm
    for line_width, drop in ((1.4, 0.0), (0.5, 1.6)):  # the kop's double rule: thick, then thin
        pen.c.setLineWidth(line_width)
        pen.c.line(left, y - drop, right, y - drop)
    size, title = fit_text(lay.labels.title, pen.bold, lay.title_size_pt, lay.min_size_pt, right - left, 2)
    return pen.text(title, centre, y - 3 * mm, size, True, "c") - 1.5 * mm


def _fields(pen: _Pen, sheet: DispositionSheet, left: float, right: float, top: float) -> float:
    """The letter's fields as a ruled table of ``label : value`` cells; returns the table's bottom."""
    lay, lab, half = pen.lay, pen.lay.labels, (right - left) / 2
    kka = sheet.kka.strip().strip("()").strip()
    rows: list[list[tuple[str, str | None, float, int]]] = [
        [(lab.surat_dari, sheet.sender, 2 * half, 2)],
        [(lab.nomor_surat, sheet.letter_number, half, 2), (lab.diterima_tanggal, sheet.received_date, half, 2)],
        [(lab.tanggal_surat, sheet.letter_date, half, 2), (lab.nomor_agenda, sheet.agenda_number, half, 2)],
        [(lab.sifat, None, 2 * half, 1)],  # checkboxes
        [(lab.hal, f"{sheet.subject} ({kka})" if kka else sheet.subject, 2 * half, 3)],
    ]
    size, floor, label_w, y = lay.body_size_pt, lay.min_size_pt, lay.label_width_mm * mm, top
    pen.c.setLineWidth(0.6)
    for row in rows:
        cells = [
            (fit_text(label, pen.regular, size, floor, label_w - _PAD - 1 * mm, 2),
             fit_text(value or "", pen.regular, size, floor, width - label_w - 2.2 * mm - _PAD, most))
            for label, value, width, most in row
        ]  # fmt: skip
        height = max(1.2 * s * len(ls) for cell in cells for s, ls in cell) + 2 * _PAD
        for i, ((label_size, label), (value_size, value)) in enumerate(cells):
            pen.text(label, left + i * half + _PAD, y - _PAD, label_size)
            pen.text([":"], left + i * half + label_w, y - _PAD, size)
            pen.text(value, left + i * half + label_w + 2.2 * mm, y - _PAD, value_size)
            if i:
                pen.c.line(left + half, y, left + half, y - height)
        if row[0][1] is None:
            _sifat(pen, sheet.sifat, left + label_w + 2.2 * mm, y - height / 2, right - _PAD)
        y -= height
        pen.c.line(left, y, right, y)
    pen.c.rect(left, y, right - left, top - y)
    return y


def _sifat(pen: _Pen, sifat: str, x: float, middle: float, end: float) -> None:
    """Sifat as a row of checkboxes, shrunk to fit; a sifat outside the options is added, ticked."""
    lay, options = pen.lay, list(pen.lay.sifat_options)
    options += [sifat.strip()] if sifat.strip() and _key(sifat) not in map(_key, options) else []
    side, size = lay.checkbox_mm * mm, lay.body_size_pt
    text = sum(pdfmetrics.stringWidth(o, pen.regular, size) for o in options)
    size = max(lay.min_size_pt, size * min(1.0, (end - x - len(options) * (side + 5.2 * mm)) / max(text, 1.0)))
    pen.c.setFont(pen.regular, size)
    for option in options:
        pen.box(x, middle - side / 2, _key(option) == _key(sifat))
        pen.c.drawString(x + side + 1.2 * mm, middle - size * 0.35, option)
        x += side + 5.2 * mm + pdfmetrics.stringWidth(option, pen.regular, size)


def _checklists(pen: _Pen, sheet: DispositionSheet, left: float, right: float, top: float, floor: float) -> float:
    """The two checklist boxes side by side, in one type size shrunk until both fit above ``floor``."""
    lay, lab, first = pen.lay, pen.lay.labels, sheet.rounds[0] if sheet.rounds else None
    columns: list[tuple[str, list[tuple[str | None, bool]]]] = []  # chosen units not listed: written in, ticked
    for heading, listed, chosen in [
        (lab.diteruskan_kepada, sheet.units, first.to_units if first else []),
        (lab.dengan_hormat_harap, sheet.instructions, first.instructions if first else []),
    ]:
        extra = list(dict.fromkeys(x.strip() for x in chosen if x.strip() and _key(x) not in map(_key, listed)))
        items = [(x, _key(x) in map(_key, chosen)) for x in listed] + [(x, True) for x in extra]
        columns.append((heading, items + [(None, False)] * max(0, lay.write_in_lines - len(extra))))
    col_w, side = (right - left - _GAP) / 2, lay.checkbox_mm * mm
    text_w, size = col_w - 2 * _PAD - side - 1.5 * mm, lay.checklist_size_pt
    while True:
        head = 1.2 * (size + 0.5) + 2 * _PAD
        laid = [[(fit_text(t or "", pen.regular, size, size, text_w, 3)[1], t, ok) for t, ok in c] for _, c in columns]
        height = head + max(sum(1.2 * size * len(ls) + 0.9 * mm for ls, _, _ in col) for col in laid) + _PAD
        if height <= top - floor or size <= lay.min_size_pt:
            break
        size = max(lay.min_size_pt, size - 0.5)
    height = min(height, max(top - floor, head + 1.2 * size + 0.9 * mm + _PAD))
    for i, (heading, _) in enumerate(columns):
        x = left + i * (col_w + _GAP)
        pen.c.rect(x, top - height, col_w, height)
        pen.c.line(x, top - head, x + col_w, top - head)
        heading_lines = fit_text(heading, pen.bold, size + 0.5, size + 0.5, col_w - 2 * _PAD, 1)[1]
        pen.text(heading_lines, x + col_w / 2, top - _PAD, size + 0.5, True, "c")
        y = top - head - 0.6 * mm
        for lines, text, ok in laid[i]:
            if y - 1.2 * size * len(lines) < top - height + _PAD / 2:  # cut a list the page cannot hold
                break
            pen.box(x + _PAD, y - size * 0.6 - side / 2, ok)
            if text is None:
                pen.c.setDash(0.6, 1.4)  # a write-in line, for a unit the list lacks
                pen.c.line(x + _PAD + side + 1.5 * mm, y - size * 0.95, x + col_w - _PAD, y - size * 0.95)
                pen.c.setDash()
            y = pen.text(lines, x + _PAD + side + 1.5 * mm, y, size) - 0.9 * mm
    return top - height


def _catatan(pen: _Pen, sheet: DispositionSheet, left: float, right: float, top: float, bottom: float) -> None:
    """The Catatan box: round 1's note, then each later round as a 'Disposisi lanjutan' paragraph."""
    lay, lab = pen.lay, pen.lay.labels
    pen.c.rect(left, bottom, right - left, top - bottom)
    y = pen.text([lab.catatan + ":"], left + _PAD, top - _PAD, lay.body_size_pt, True) - 0.5 * mm
    width, room = right - left - 2 * _PAD, y - bottom - _PAD
    if not sheet.rounds:  # a blank sheet gets lines to write on
        pen.c.setDash(0.6, 1.4)
        rules = [y - n * 6.5 * mm for n in range(1, int(room // (6.5 * mm)) + 1)]
        pen.c.lines([(left + _PAD, ry, right - _PAD, ry) for ry in rules])
        pen.c.setDash()
        return
    paragraphs = [sheet.rounds[0].note.strip()]
    for number, later in enumerate(sheet.rounds[1:], start=2):
        parts = [f"{lab.lanjutan} {number} ({later.by}, {later.date_text}):"]
        parts += [f"{lab.kepada}: {', '.join(later.to_units)}." if later.to_units else ""]
        parts += [f"{lab.harap}: {', '.join(later.instructions)}." if later.instructions else "", later.note.strip()]
        paragraphs.append(" ".join(p for p in parts if p))
    text = "\n".join(p for p in paragraphs if p)
    size, lines = fit_text(text, pen.regular, lay.note_size_pt, lay.min_size_pt, width, height=room)
    pen.text(lines, left + _PAD, y, size)


def _bottom(pen: _Pen, sheet: DispositionSheet, left: float, right: float, base: float) -> float:
    """QR code and its caption bottom left, date and paraf bottom right; returns the block's top."""
    lay, lab, first = pen.lay, pen.lay.labels, sheet.rounds[0] if sheet.rounds else None
    size, qr, pw = lay.body_size_pt, lay.qr_size_mm * mm if sheet.qr_url else 0.0, lay.paraf_width_mm * mm
    by = f"( {first.by} )" if first else f"( {'.' * 40} )"
    by_size, by_lines = fit_text(by, pen.regular, size, lay.min_size_pt, pw, 2)
    top, px = base + max(qr, 2.4 * size + lay.paraf_space_mm * mm + 1.2 * by_size * len(by_lines)), right - pw
    colon = px + max(pdfmetrics.stringWidth(t, pen.regular, size) for t in (lab.tanggal, lab.paraf)) + 1.5 * mm
    date = first.date_text if first else "." * 30
    date_size, date_lines = fit_text(date, pen.regular, size, lay.min_size_pt, right - colon - 1.5 * mm, 1)
    pen.text([lab.tanggal, lab.paraf], px, top, size)
    pen.text([":", ":"], colon, top, size)
    pen.text(date_lines, colon + 1.5 * mm, top, date_size)
    pen.text(by_lines, px + pw / 2, base + 1.2 * by_size * len(by_lines), by_size, align="c")
    if qr:
        draw_qr_path(pen.c, sheet.qr_url, left, base, qr)
        x, width = left + qr + 1 * mm, max(10 * mm, px - left - qr - 4 * mm)
        cap_size, caption = fit_text(lab.qr_caption, pen.regular, lay.small_size_pt, lay.min_size_pt, width, 2)
        url = fit_text(sheet.qr_url, pen.regular, lay.min_size_pt, lay.min_size_pt, width, 3)[1]
        y = base + qr / 2 + (1.2 * cap_size * len(caption) + 1.2 * lay.min_size_pt * len(url)) / 2
        pen.text(url, x, pen.text(caption, x, y, cap_size), lay.min_size_pt)
    return top


def render_disposition_sheet(sheet: DispositionSheet, layout: FormLayout) -> bytes:
    """Draw one lembar disposisi and return the PDF (one page); RenderError if the emblem is unreadable."""
    width, height = (v * mm for v in _PAPERS[layout.paper])
    margin = layout.margins_mm * mm
    left, right, top, bottom = margin, width - margin, height - margin, margin
    buffer = io.BytesIO()
    # The initial font is ours: reportlab's default (Helvetica) would otherwise be listed, unembedded.
    c = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName=embedded_fonts()[0])
    c.setTitle(f"Lembar disposisi {sheet.agenda_number}".strip())
    c.setSubject(sheet.subject)
    pen = _Pen(c, *embedded_fonts(), layout)
    y = _fields(pen, sheet, left, right, _kop(pen, sheet, left, right, top)) - _GAP
    size, footer = fit_text(
        layout.labels.footer, pen.regular, layout.small_size_pt, layout.min_size_pt, right - left, 2
    )
    pen.text(footer, width / 2, bottom + 1.2 * size * len(footer), size, align="c")
    block_top = _bottom(pen, sheet, left, right, bottom + 1.2 * size * len(footer) + 1.5 * mm)
    y = _checklists(pen, sheet, left, right, y, block_top + 2 * _GAP + layout.catatan_height_mm * mm) - _GAP
    _catatan(pen, sheet, left, right, y, block_top + _GAP)
    c.showPage()
    c.save()
    return buffer.getvalue()
