"""Page flow of the Word templates: page numbers, RAHASIA marks, keep flags, the no-stretch setting.

Why Word's own properties and not a post-processing step?  A clerk may open a template in Word,
move a paragraph and save it.  Keep-with-next, keep-lines-together, rows that do not break, a
repeated header row, a first-page header and the PAGE field are all things Word shows in its
dialogs and keeps on save, and LibreOffice honours every one of them when it converts to PDF, so
the layout rules of a naskah dinas (DOMAIN.md section 7) survive an edit in Word.

Used by ``tools/build_templates.py`` (surat keluar), ``tools/build_decree_template.py`` (keputusan)
and ``tools/build_permit_templates.py`` (BAP, rekomendasi); self-contained so those builders can
import it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import _Footer, _Header
from docx.shared import Cm, Pt
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

__all__ = ["RAHASIA_IF_SIFAT", "add_page_marks", "forbid_stretched_breaks", "keep", "row_flags", "table_keeps"]

#: The Jinja test a kind with a ``sifat`` field uses to print RAHASIA on every page.
RAHASIA_IF_SIFAT = 'sifat == "Rahasia"'
MARK_DISTANCE = Cm(0.9)  # the header from the paper's edge: two 12 pt lines fit in a 2 cm margin
#: The footer's RAHASIA sits low, under the QR code and verification footer stamped from 11 mm up.
FOOTER_DISTANCE = Cm(0.5)


def _el(tag: str, **attrs: str) -> BaseOxmlElement:
    el = OxmlElement(tag)
    for key, val in attrs.items():
        el.set(qn(f"w:{key}"), val)
    return el


def forbid_stretched_breaks(doc: DocxDocument) -> None:
    """Word's ``doNotExpandShiftReturn``: a line ended by a typed line break is not justified.

    docxtpl turns a "\\n" typed in a field into ``w:br``; without this setting Word and LibreOffice
    stretch the words of the line before each break from margin to margin ("hari/tanggal : Senin"
    spread over the whole width).  LibreOffice reads it into its own "do not justify lines with
    manual breaks" option.  Widow/orphan control is switched on in Normal, so a paragraph kept with
    the next one always brings at least two of its lines along.
    """
    compat = doc.settings.element.find(qn("w:compat"))
    if compat is None:
        compat = _el("w:compat")
        doc.settings.element.append(compat)
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        compat.insert(0, _el("w:doNotExpandShiftReturn"))
    normal = doc.styles["Normal"].element.get_or_add_pPr()
    if normal.find(qn("w:widowControl")) is None:
        normal.insert(0, _el("w:widowControl"))


def keep(paragraphs: Iterable[Paragraph], *, with_next: bool = True, lines: bool = True) -> None:
    """Keep each paragraph whole (``keepLines``) and on the page of the next one (``keepNext``)."""
    for p in paragraphs:
        fmt = p.paragraph_format
        if with_next:
            fmt.keep_with_next = True
        if lines:
            fmt.keep_together = True


def row_flags(row: _Row, *flags: str) -> None:
    """Set row properties: ``cantSplit`` keeps a row on one page, ``tblHeader`` repeats it on each page."""
    tr_pr = row._tr.get_or_add_trPr()
    for flag in flags:
        if tr_pr.find(qn(f"w:{flag}")) is None:
            tr_pr.append(_el(f"w:{flag}"))


def table_keeps(table: Table, *, header: bool = False, with_next: bool = False) -> None:
    """No row of ``table`` breaks across pages; the first row repeats when ``header``.

    ``with_next`` also keeps every paragraph of every row with the next one, so the table moves
    as a block with what follows it (a BAP's signature table and the applicant's block).
    """
    for index, row in enumerate(table.rows):
        row_flags(row, "cantSplit", *(("tblHeader",) if header and index == 0 else ()))
        if with_next:
            for cell in row.cells:
                keep(cell.paragraphs, lines=False)


def _page_field(p: Paragraph) -> None:
    """Word's PAGE field (begin, instruction, separate, a shown value, end), centred."""
    parts = [
        _el("w:fldChar", fldCharType="begin"),
        _el("w:instrText"),
        _el("w:fldChar", fldCharType="separate"),
        _el("w:t"),
        _el("w:fldChar", fldCharType="end"),
    ]
    parts[1].text = " PAGE "
    parts[1].set(qn("xml:space"), "preserve")
    parts[3].text = "2"
    for part in parts:
        r = _el("w:r")
        r.append(part)
        p._p.append(r)


def _line(container: _Header | _Footer, text: str = "", *, bold: bool = False, first: bool = False) -> Paragraph:
    p = container.paragraphs[0] if first else container.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        r = p.add_run(text)
        r.bold = bold or None
        r.font.size = Pt(12)
    return p


def _number(container: _Header | _Footer, position: str, *, first: bool = False) -> None:
    """``- 2 -``: the profile's text around Word's PAGE field, printed only at its position."""
    p = _line(container, first=first)
    for text in (f'{{% if halaman.posisi == "{position}" %}}', "{{ halaman.sebelum }}"):
        p.add_run(text)
    _page_field(p)
    for text in ("{{ halaman.sesudah }}", "{% endif %}"):
        p.add_run(text)


def _rahasia(container: _Header | _Footer, condition: str | None, *, first: bool = False) -> None:
    """RAHASIA, bold and centred, only when the document's ``condition`` holds."""
    if condition is None:
        return
    _line(container, f"{{%p if {condition} %}}", first=first)
    _line(container, "RAHASIA", bold=True)
    _line(container, "{%p endif %}")


def add_page_marks(doc: DocxDocument, *, rahasia: str | None = None) -> None:
    """Page numbers after the first page, and RAHASIA at the top and bottom of every page.

    The first page gets its own (number-less) header and footer (``w:titlePg``); every other page
    prints ``halaman.sebelum`` + PAGE + ``halaman.sesudah`` at the top or the bottom as
    ``halaman.posisi`` says (the profile's ``[page]``).  ``rahasia`` is the Jinja test that marks
    a secret document, e.g. :data:`RAHASIA_IF_SIFAT`; None for kinds without a sifat.
    """
    section = doc.sections[0]
    section.header_distance, section.footer_distance = MARK_DISTANCE, FOOTER_DISTANCE
    section.different_first_page_header_footer = True
    header, footer = section.header, section.footer
    first_header, first_footer = section.first_page_header, section.first_page_footer
    # Top to bottom: RAHASIA above the number in the header, below it in the footer.
    _rahasia(header, rahasia, first=True)
    _number(header, "top", first=rahasia is None)
    _rahasia(first_header, rahasia, first=True)
    _line(first_header, first=rahasia is None)
    _number(footer, "bottom", first=True)
    _rahasia(footer, rahasia)
    _line(first_footer, first=True)
    _rahasia(first_footer, rahasia)
