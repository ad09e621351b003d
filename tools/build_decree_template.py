"""Generate the Word template of the Kepala Dinas's decree (keputusan, SK).

Built from code for the same reasons as ``tools/build_templates.py`` (reviewable layout,
byte-identical reruns), sharing its page setup, kop, signature, tembusan and save helpers and the
permit templates' bordered table and row loop, so a change to the office's letterhead reaches
every template.

The decree's body is label + colon + text rows (Menimbang, Mengingat, the dikta) in one column
grid, so the colons line up down the page as in the office's printed SKs. The lampiran starts on
a new page and its member table repeats its header row on every page it flows onto.

Usage, from the repository root: ``.venv/bin/python tools/build_decree_template.py`` writes
templates/keputusan.docx.
"""

from __future__ import annotations

from pathlib import Path

from build_permit_templates import CENTER, JUSTIFY, TEAM_PT, grid_table, loop_rows, sub_items
from build_templates import (
    SIGN_INDENT,
    TEMPLATES,
    TEXT_WIDTH,
    Container,
    _el,
    add_kop,
    add_signature,
    add_tembusan,
    borderless_table,
    closing_block,
    para,
    reserve_footer,
    run,
    save_deterministic,
    setup_document,
    tag,
)
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from word_flow import add_page_marks, keep, row_flags, table_keeps

ROOT = TEMPLATES.parent
KEPUTUSAN = TEMPLATES / "keputusan.docx"

LABEL_W, COLON_W = Cm(3.6), Cm(0.5)  # "Memperhatikan" and "KEDUA BELAS" fit on one line
VALUE_W = TEXT_WIDTH - LABEL_W - COLON_W
HANG = Cm(0.8)  # "a." and "10." hang in this much space
LAMPIRAN_INDENT = Cm(5.5)  # the lampiran heading's labels hang left of the middle, its values fill the right half
LAMPIRAN_LABEL_W = Cm(2.3)  # "TANGGAL" in 12 pt
SALINAN_W = Cm(7.5)  # the certified-copy block: the left part of the page, beside the signature's column
MEMBER_HEAD = ("No", "Nama", "NIP", "Jabatan dalam Tim", "Jabatan Dinas")
MEMBER_KEYS = ("no", "nama", "nip", "jabatan_tim", "jabatan_dinas")


def body_table(doc: DocxDocument, rows: int = 1) -> Table:
    """Label | colon | text, without borders or cell margins."""
    return borderless_table(doc, [LABEL_W, COLON_W, VALUE_W], rows=rows, pad=False)


def add_title(doc: DocxDocument) -> None:
    """KEPUTUSAN <issuer> / NOMOR / TENTANG / the title / the issuer's title line."""
    para(doc, "KEPUTUSAN {{ issuer }}", align=CENTER, bold=True)
    para(doc, "NOMOR {{ nomor }}", align=CENTER, after=12)
    para(doc, "TENTANG", align=CENTER, bold=True)
    para(doc, "{{ tentang }}", align=CENTER, bold=True, after=12)
    para(doc, "{{ issuer }},", align=CENTER, bold=True, after=12)


def considered(doc: DocxDocument, label: str, items: str) -> None:
    """``Menimbang : a. bahwa ...;`` with each item's mark hanging in the text column and its typed
    sub-lines hanging under it."""
    label_cell, colon, value = body_table(doc).rows[0].cells
    run(label_cell.paragraphs[0], label)
    run(colon.paragraphs[0], ":")
    run(value.paragraphs[0], f"{{%p for it in {items} %}}")
    p = para(value, "{{ it.tanda }}", align=JUSTIFY, left=HANG, first=-HANG)
    run(p, "\t")
    run(p, "{{ it.teks }}")
    sub_items(value, "it.rincian", HANG)
    tag(value, "{%p endfor %}")
    para(doc)


def add_considerations(doc: DocxDocument) -> None:
    considered(doc, "Menimbang", "menimbang")
    considered(doc, "Mengingat", "mengingat")
    tag(doc, "{%p if memperhatikan %}")
    considered(doc, "Memperhatikan", "memperhatikan")
    tag(doc, "{%p endif %}")


def add_decision(doc: DocxDocument) -> None:
    """MEMUTUSKAN:, Menetapkan, then one ``KESATU : text`` row per diktum."""
    held = [para(doc, "MEMUTUSKAN:", align=CENTER, bold=True, after=12)]
    label, colon, value = body_table(doc).rows[0].cells
    run(label.paragraphs[0], "Menetapkan")
    run(colon.paragraphs[0], ":")
    value.paragraphs[0].alignment = JUSTIFY
    run(value.paragraphs[0], "{{ menetapkan }}")
    held += [label.paragraphs[0], colon.paragraphs[0], value.paragraphs[0], para(doc)]
    keep(held)  # MEMUTUSKAN and Menetapkan never end a page without the first diktum
    tag(doc, "{%p if diktum|length > 2 %}")  # a table without rows is damage to Word
    table = body_table(doc, rows=3)
    loop_rows(table, "{%tr for d in diktum[:-2] %}", "{%tr endfor %}", 0)  # the last two open the block
    diktum_row(table.rows[1].cells)
    table_keeps(table)
    tag(doc, "{%p endif %}")


def diktum_row(cells: list[_Cell]) -> None:
    """``KESATU : text``, the diktum's typed a.-d. hanging under its text."""
    label, colon, value = cells
    run(label.paragraphs[0], "{{ d.ke }}")
    run(colon.paragraphs[0], ":")
    value.paragraphs[0].alignment = JUSTIFY
    for cell in (label, colon, value):  # the gap between two dikta, the same in all three columns
        cell.paragraphs[0].paragraph_format.space_before = Cm(0.2)
    run(value.paragraphs[0], "{{ d.teks }}")
    sub_items(value, "d.rincian", Cm(0))


def add_enacted(doc: DocxDocument) -> None:
    """The last two dikta, Ditetapkan di / pada tanggal, the signature block, a copy's certification
    and the tembusan, as one.

    They share one row that cannot split (``closing_block``), so the signature never starts a
    page without at least two lines of the decree above it (the closing diktum is often one line);
    those dikta are laid out with tab stops on the diktum table's columns (label, colon, hanging
    text), so they read as the table's last rows, their typed a.-d. hanging under their text.
    """
    gap = para(doc)  # two tables must not touch (Word would merge them): a 1 pt paragraph between
    gap.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    gap.paragraph_format.line_spacing = Pt(1)
    block = closing_block(doc)
    run(block.paragraphs[0], "{%p for d in diktum[-2:] %}")  # the cell's own first paragraph
    last = para(block, "{{ d.ke }}", align=JUSTIFY)
    fmt = last.paragraph_format
    fmt.left_indent, fmt.first_line_indent, fmt.space_before = LABEL_W + COLON_W, -(LABEL_W + COLON_W), Cm(0.2)
    for stop in (LABEL_W, LABEL_W + COLON_W):
        fmt.tab_stops.add_tab_stop(stop)
    for text in ("\t:\t", "{{ d.teks }}"):
        run(last, text)
    sub_items(block, "d.rincian", LABEL_W + COLON_W)
    tag(block, "{%p endfor %}")
    para(block)
    enacted = [
        para(block, text, left=SIGN_INDENT)
        for text in ("Ditetapkan di {{ kantor.kota }}", "pada tanggal {{ tanggal }}")
    ]
    keep([last, *enacted, para(block)])
    add_signature(block)
    add_salinan(block)
    add_tembusan(block)
    tag(block, "{%p if not lampiran %}")  # else the lampiran's signature ends the document
    reserve_footer(block)
    tag(block, "{%p endif %}")


def add_lampiran_heading(doc: DocxDocument) -> None:
    """LAMPIRAN KEPUTUSAN <issuer> and its NOMOR / TANGGAL / TENTANG, on a new page."""
    heading = para(doc, "LAMPIRAN KEPUTUSAN {{ issuer }}", left=LAMPIRAN_INDENT)
    heading.paragraph_format.page_break_before = True
    fields = [("NOMOR", "{{ nomor }}"), ("TANGGAL", "{{ tanggal }}"), ("TENTANG", "{{ tentang }}")]
    widths = [LAMPIRAN_INDENT, LAMPIRAN_LABEL_W, Cm(0.4)]
    table = borderless_table(doc, [*widths, TEXT_WIDTH - sum(widths, Cm(0))], rows=len(fields), pad=False)
    for row, (label, value) in zip(table.rows, fields, strict=True):
        run(row.cells[1].paragraphs[0], label)
        run(row.cells[2].paragraphs[0], ":")
        run(row.cells[3].paragraphs[0], value)
    para(doc)
    para(doc, "{{ lampiran.judul }}", align=CENTER, bold=True, after=12)


def add_member_table(doc: DocxDocument) -> None:
    """No / Nama / NIP / Jabatan dalam Tim / Jabatan Dinas; the header row repeats on each page and
    no row is split, so 60 members flow over pages as whole rows.

    Sized to the content: No for "60", Nama wide, NIP 4.3 cm because "19780512 200501 1 002" in
    10 pt Arial is 3.83 cm plus 0.38 cm of cell margins (one line, never broken), the team post
    ("Sekretaris") narrow, and the rest for the post in the office, the longest text.

    The signature is the table's own last row, and the last member sits in that row (a table of
    one row inside it), so the signature never starts a page without a member above it and under
    the repeated header. LibreOffice does not keep a table that runs over pages with what follows
    it, so keep-with-next alone left the signature alone on the last page.
    """
    widths = [Cm(0.9), Cm(4.4), Cm(4.3), Cm(2.6)]
    widths.append(TEXT_WIDTH - sum(widths, Cm(0)))
    table = grid_table(doc, widths, rows=5)
    for cell, head in zip(table.rows[0].cells, MEMBER_HEAD, strict=True):
        cell.paragraphs[0].alignment = CENTER
        run(cell.paragraphs[0], head, bold=True, size=TEAM_PT)
    row_flags(table.rows[0], "tblHeader")
    loop_rows(table, "{%tr for m in lampiran.anggota[:-1] %}", "{%tr endfor %}", 1)
    member_cells(table.rows[2])
    row_flags(table.rows[2], "cantSplit")
    last = table.rows[4].cells[0].merge(table.rows[4].cells[-1])
    row_flags(table.rows[4], "cantSplit")
    borders = _el("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        borders.append(_el(f"w:{edge}", val="nil"))
    margins = _el("w:tcMar")
    for edge in ("left", "right"):
        margins.append(_el(f"w:{edge}", w="0", type="dxa"))
    tc_pr = last._tc.get_or_add_tcPr()
    tc_pr.append(borders)
    tc_pr.append(margins)
    run(last.paragraphs[0], "{%p for m in lampiran.anggota[-1:] %}")
    member_cells(grid_table(last, widths, rows=1).rows[0])
    tag(last, "{%p endfor %}")
    para(last)
    add_signature(last)
    add_salinan(last)
    reserve_footer(last)


def member_cells(row: _Row) -> None:
    """One member's five cells, as the loop and the signature row print them."""
    for cell, key in zip(row.cells, MEMBER_KEYS, strict=True):
        run(cell.paragraphs[0], f"{{{{ m.{key} }}}}", size=TEAM_PT)
    row.cells[0].paragraphs[0].alignment = CENTER


def add_salinan(doc: Container) -> None:
    """ "Salinan sesuai dengan aslinya" and the certifying official's block, under the signature at the
    left, only on a copy (``salinan`` in the request); kept on one page as a signature is."""
    tag(doc, "{%p if salinan %}")
    right = TEXT_WIDTH - SALINAN_W
    block = [para(doc)]
    for text in ("Salinan sesuai dengan aslinya", "{{ salinan.jabatan }}"):
        block.append(para(doc, text, align=CENTER))
    block += [para(doc, align=CENTER) for _ in range(3)]
    block.append(para(doc, "{{ salinan.nama }}", align=CENTER, bold=True, underline=True))
    block.append(para(doc, "{{ salinan.pangkat }}", align=CENTER))
    nip = para(doc, "NIP ", align=CENTER)
    run(nip, "{{ salinan.nip }}")
    block.append(nip)
    for p in block:
        p.paragraph_format.right_indent = right
        p.paragraph_format.keep_with_next = p is not nip
    tag(doc, "{%p endif %}")


def add_lampiran(doc: DocxDocument) -> None:
    """The optional lampiran pages, signed (and certified on a copy) like the decree itself."""
    tag(doc, "{%p if lampiran %}")
    add_lampiran_heading(doc)
    add_member_table(doc)
    tag(doc, "{%p endif %}")


def build_keputusan(path: Path) -> None:
    doc = Document()
    setup_document(doc)
    for add in (add_kop, add_title, add_considerations, add_decision, add_enacted, add_lampiran):
        add(doc)
    add_page_marks(doc)
    doc.core_properties.title = "Keputusan Kepala Dinas"
    doc.core_properties.comments = "Template docxtpl; dibuat oleh tools/build_decree_template.py"
    save_deterministic(doc, path)


def main() -> None:
    TEMPLATES.mkdir(exist_ok=True)
    build_keputusan(KEPUTUSAN)
    print(f"wrote {KEPUTUSAN.relative_to(ROOT)} ({KEPUTUSAN.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
