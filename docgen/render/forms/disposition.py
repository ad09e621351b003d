"""The lembar disposisi (disposition sheet), drawn directly with reportlab from a layout file.

A fixed form printed for every incoming letter, so no DOCX or LibreOffice: paper, sizes and wording
are TOML an office adjusts without code. The first page carries the office's one kop, the Indeks
and Kode box, the letter's fields and the first round (its ticks, Catatan, date, batas waktu and
paraf); each later round is a block of its own with its own ticks. Text never shrinks below its
size or is cut: values wrap, the boxes grow, and rounds flow onto further pages, each with the
agenda number and its page number. What cannot fit on a page is refused, naming the field.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import RenderError, RequestError
from docgen.pdf import embedded_fonts
from docgen.profile import PageSettings, PrintedKop
from docgen.render.forms.disposition_blocks import (
    GAP,
    LEAD,
    Block,
    Field,
    NoteBox,
    Pen,
    checked,
    fields_block,
    key,
    later_round_block,
    round_one_parts,
)
from docgen.render.forms.disposition_layout import PAPERS, FormLayout, load_form_layout
from docgen.render.forms.kop import draw_kop

__all__ = ["DispositionRound", "DispositionSheet", "FormLayout", "load_form_layout", "render_disposition_sheet"]


@dataclass(frozen=True)
class DispositionRound:
    """One disposition: who sent the letter on, to which units, with which instructions, by when."""

    by: str  # "Kepala Dinas" or an official's name
    to_units: list[str]  # ticked when on the sheet's unit list; others are written in, ticked
    instructions: list[str]  # likewise against the sheet's instruction list
    note: str  # free text; newlines are kept
    date_text: str  # "28 November 2026"
    deadline_text: str = ""  # the round's batas waktu, "5 Desember 2026"; "" leaves a line to write on


@dataclass(frozen=True)
class DispositionSheet:
    """Everything one sheet prints; dates arrive formatted, so this module knows no calendar."""

    kop: PrintedKop  # printed_kop(profile.office): the same lines as every other output
    emblem: Path | None
    sender: str
    letter_number: str
    letter_date: str
    received_date: str
    agenda_number: str
    sifat: str  # ticked among the layout's sifat_options; any other value is added, ticked
    subject: str  # Hal, as the letter says it (the archive code has its own box)
    kka: str  # archive code printed in the Kode box; "" leaves it to be written in
    index: str  # the code's name in the classification, printed as Indeks; "" leaves it blank
    lampiran: str  # counted in words, "1 (satu) berkas", or "-"
    units: list[str]
    instructions: list[str]
    rounds: list[DispositionRound]  # round 1 ticks the checklists and signs; later ones get blocks
    qr_url: str  # "" draws no code
    page: PageSettings = field(default_factory=PageSettings)  # the page-number style of later pages


def _emblem_bytes(emblem: Path | None) -> bytes | None:
    """The emblem's bytes, checked to be an image: a broken file is named before anything is drawn."""
    if emblem is None:
        return None
    try:
        data = Path(emblem).read_bytes()
        ImageReader(io.BytesIO(data)).getSize()  # bytes: a name could be read as a URL
    except Exception as exc:  # reportlab and PIL raise several types for a broken image
        why = getattr(exc, "strerror", None) or "bukan gambar yang sah"  # reportlab's own text spans lines
        raise RenderError(f"Lambang {emblem} tidak bisa dibaca ({why}); ganti dengan berkas PNG") from exc
    return data


@dataclass
class _Sheet:
    """The page being drawn: its frame and what every page carries."""

    pen: Pen
    sheet: DispositionSheet
    left: float
    right: float
    top: float
    bottom: float
    height: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2

    @property
    def small(self) -> float:
        return self.pen.lay.small_size_pt

    def footer_height(self) -> float:
        lines = self.pen.wrap(self.pen.lay.labels.footer, self.right - self.left, self.small)
        return LEAD * self.small * (len(lines) + (self.sheet.page.number_position == "bottom")) + 1.5 * mm

    def finish_page(self, number: int) -> None:
        """The footer (and the page number when it goes at the bottom), and RAHASIA top and bottom."""
        pen, lines = self.pen, self.pen.wrap(self.pen.lay.labels.footer, self.right - self.left, self.small)
        pen.text(lines, self.centre, self.bottom + LEAD * self.small * len(lines), self.small, align="c")
        if number > 1 and self.sheet.page.number_position == "bottom":
            label_top = self.bottom + LEAD * self.small * (len(lines) + 1)
            pen.text([self.sheet.page.page_label(number)], self.centre, label_top, self.small, align="c")
        if key(self.sheet.sifat) == "rahasia":  # DOMAIN.md §7: marked at the top and bottom of every page
            size, margin = self.small, self.bottom  # in the blank border, clear of the kop and the footer
            pen.text(["RAHASIA"], self.centre, self.height - (margin - LEAD * size) / 2, size, True, "c")
            pen.text(["RAHASIA"], self.centre, (margin + LEAD * size) / 2, size, True, "c")

    def continuation(self, number: int, *, draw: bool = True) -> float:
        """The heading of a page after the first (page number, 'lanjutan' title, agenda number, a
        rule); returns the y below it. ``draw=False`` only measures."""
        pen, lab, width, small = self.pen, self.pen.lay.labels, self.right - self.left, self.small
        parts = (
            [([self.sheet.page.page_label(number)], small, False)] if self.sheet.page.number_position == "top" else []
        )
        parts += [(pen.wrap(lab.halaman_lanjutan, width, small + 1, True), small + 1, True)]
        parts += [(pen.wrap(f"{lab.nomor_agenda} : {self.sheet.agenda_number}", width, small), small, False)]
        y = self.top
        for lines, size, bold in parts:
            if draw:
                pen.text(lines, self.centre, y, size, bold, "c")
            y -= LEAD * size * len(lines)
        if draw:
            pen.c.setLineWidth(0.8)
            pen.c.line(self.left, y - 1 * mm, self.right, y - 1 * mm)
        return y - 1 * mm - GAP


def _fields(pen: Pen, sheet: DispositionSheet, left: float, right: float) -> tuple[Block, Block, list]:
    """The Indeks/Kode box and the letter's fields table, measured."""
    lab = pen.lay.labels
    row = [Field(lab.indeks, sheet.index, 0.68), Field(lab.kode, sheet.kka.strip("() "), 0.32)]
    index, _ = fields_block(pen, [row], [], left, right, fit=True)
    options = list(pen.lay.sifat_options)
    options += [sheet.sifat.strip()] if sheet.sifat.strip() and key(sheet.sifat) not in map(key, options) else []
    rows = [
        [Field(lab.surat_dari, sheet.sender)],
        [Field(lab.nomor_surat, sheet.letter_number), Field(lab.diterima_tanggal, sheet.received_date)],
        [Field(lab.tanggal_surat, sheet.letter_date), Field(lab.nomor_agenda, sheet.agenda_number)],
        [Field(lab.lampiran, sheet.lampiran), Field(lab.sifat, None)],
        [Field(lab.hal, sheet.subject)],
    ]
    sifat = [(o, key(o) == key(sheet.sifat)) for o in options]
    table, counts = fields_block(pen, rows, sifat, left, right)
    return index, table, counts


def _first_round_refused(pen: Pen, excess: float, counts: list[tuple[str, int]]) -> RequestError:
    """Name the longest of the letter's fields and how many lines it may have on the first page."""
    label, lines = max(counts, key=lambda item: item[1])
    allowed = lines - math.ceil(excess / (LEAD * pen.lay.body_size_pt))
    if allowed >= 1:
        return RequestError(
            f"{label} terlalu panjang untuk lembar disposisi: {lines} baris, muat {allowed} baris di halaman "
            f"pertama; persingkat {label.lower()}"
        )
    long = [f"{label} {lines} baris" for label, lines in counts if lines > 1]
    if long:
        return RequestError(
            f"Isian surat terlalu panjang untuk lembar disposisi (kurang {excess / mm:.0f} mm di halaman pertama): "
            f"{', '.join(long)}; persingkat salah satunya"
        )
    return RequestError(
        f"Lembar disposisi tidak muat di kertas {pen.lay.paper} (kurang {excess / mm:.0f} mm); kurangi daftar "
        "unit/instruksi di docgen.toml [disposition]"
    )


def render_disposition_sheet(sheet: DispositionSheet, layout: FormLayout) -> bytes:
    """Draw the lembar disposisi and return the PDF: one page, more when later rounds need them.

    Raises RequestError naming the field when the letter's fields or a round's note cannot fit a
    page, RenderError when the emblem is unreadable, ConfigError when the kop cannot fit at 8 pt.
    """
    width, height = (v * mm for v in PAPERS[layout.paper])
    margin = layout.margins_mm * mm
    buffer = io.BytesIO()
    # The initial font is ours: reportlab's default (Helvetica) would otherwise be listed, unembedded.
    c = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName=embedded_fonts()[0])
    c.setTitle(f"Lembar disposisi {sheet.agenda_number}".strip())
    c.setSubject(sheet.subject)
    pen = Pen(c, *embedded_fonts(), layout)
    page = _Sheet(pen, sheet, margin, width - margin, height - margin, margin, height)
    left, right, lab = page.left, page.right, layout.labels
    floor = page.bottom + page.footer_height()
    index, table, counts = _fields(pen, sheet, left, right)
    first = sheet.rounds[0] if sheet.rounds else None
    columns = [
        (lab.diteruskan_kepada, checked(sheet.units, first.to_units if first else [])),
        (lab.dengan_hormat_harap, checked(sheet.instructions, first.instructions if first else [])),
    ]
    dates = [
        (lab.tanggal, first.date_text if first else ""),
        (lab.batas_waktu, first.deadline_text if first else ""),
        (lab.paraf, ""),
    ]
    by = first.by if first else "." * 40
    checklists, catatan, paraf = round_one_parts(
        pen, columns, first.note if first else "", dates, by, (sheet.qr_url, lab.qr_caption), left, right
    )
    later = [_later(pen, number, r, sheet, left, right) for number, r in enumerate(sheet.rounds[1:], start=2)]

    y = draw_kop(c, sheet.kop, _emblem_bytes(sheet.emblem), left=left, right=right, top=page.top,
                  regular=pen.regular, bold=pen.bold)  # fmt: skip
    title = pen.wrap(lab.title, right - left, layout.title_size_pt, bold=True)
    y = pen.text(title, page.centre, y - 2.5 * mm, layout.title_size_pt, True, "c") - 1.5 * mm
    # A blank Catatan keeps room to write by hand; a typed note needs two lines here, the rest
    # continues on the next page, so long letter fields still fit with it.
    least = catatan.height(2) if catatan.lines else max(layout.catatan_height_mm * mm, catatan.height(2))
    fixed = index.height + GAP + table.height + GAP + checklists.height + GAP + GAP + paraf.height
    if fixed + least > y - floor:
        raise _first_round_refused(pen, fixed + least - (y - floor), counts)
    box, lines, overflow, on_first = y - floor - fixed, catatan.lines, [], 0
    if catatan.height(len(lines)) <= box:  # the whole note fits: later rounds may follow on this page
        spare = box - max(least, catatan.height(len(lines)))
        while on_first < len(later) and later[on_first].height + GAP <= spare:
            spare -= later[on_first].height + GAP
            box -= later[on_first].height + GAP
            on_first += 1
    else:  # the rest of the note continues on the next page, before the later rounds
        keep = catatan.capacity(box) - 1
        lines, overflow = [*lines[:keep], lab.bersambung], lines[keep:]
    for block in (index, table, checklists):
        block.draw(y)
        y -= block.height + GAP
    catatan.draw(y, y - box, lines)
    y -= box + GAP
    paraf.draw(y)
    y -= paraf.height
    for block in later[:on_first]:
        y -= GAP
        block.draw(y)
        y -= block.height
    page.finish_page(1)
    _flow(page, overflow, later[on_first:], len(sheet.rounds) - len(later) + on_first + 1, floor)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _flow(page: _Sheet, overflow: list[str], rest: list[Block], first_number: int, floor: float) -> None:
    """The pages after the first: the rest of the first round's note, then each later round whole."""
    cont = NoteBox(page.pen, page.pen.lay.labels.catatan_lanjutan + ":", [], page.left, page.right)
    number = 1
    while overflow or rest:
        page.pen.c.showPage()
        number += 1
        y = page.continuation(number)
        if overflow:
            keep = max(1, cont.capacity(y - floor))
            block = cont.block(overflow[:keep])
            block.draw(y)
            y -= block.height + GAP
            overflow = overflow[keep:]
        if not overflow and rest and rest[0].height > page.continuation(number, draw=False) - floor:
            raise RequestError(
                f"Disposisi ke-{first_number} tidak muat di satu halaman lembar disposisi "
                f"({rest[0].height / mm:.0f} mm); persingkat catatannya"
            )
        while not overflow and rest and rest[0].height <= y - floor:
            rest[0].draw(y)
            y -= rest.pop(0).height + GAP
            first_number += 1
        page.finish_page(number)


def _later(pen: Pen, number: int, later: DispositionRound, sheet: DispositionSheet, left: float, right: float) -> Block:
    """A later round's block: 'Disposisi lanjutan 2 dari ...', its own ticks, note, dates and paraf."""
    lab = pen.lay.labels
    return later_round_block(
        pen,
        f"{lab.lanjutan} {number} {lab.dari} {later.by}",
        checked(sheet.units, later.to_units),
        checked(sheet.instructions, later.instructions),
        later.note,
        [(lab.tanggal, later.date_text), (lab.batas_waktu, later.deadline_text)],
        left,
        right,
    )
