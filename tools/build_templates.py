"""Generate the Word templates used by docgen.

Why a script instead of a hand-made .docx?  A .docx is a zip of XML that
nobody can review in a diff.  Building it from code keeps every layout
decision (margins, fonts, the kop rule, the Jinja tags) readable and
reviewable, and the output is reproducible: running this script twice gives
byte-identical files (fixed zip timestamps and core properties).

Office staff may instead edit ``templates/surat-keluar.docx`` in Word directly,
keeping the Jinja tags (``{{ ... }}``, ``{% ... %}``, ``{%p ... %}``) intact;
re-running this script would then overwrite their edits.

Usage, from the repository root: ``.venv/bin/python tools/build_templates.py``
writes templates/lambang.png (placeholder emblem) and templates/surat-keluar.docx.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import partial
from pathlib import Path

from build_emblem import build_emblem
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from word_flow import RAHASIA_IF_SIFAT, add_page_marks, forbid_stretched_breaks, keep, row_flags

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
EMBLEM = TEMPLATES / "lambang.png"
SURAT_KELUAR = TEMPLATES / "surat-keluar.docx"

FONT = "Arial"
TEXT_WIDTH = Cm(21 - 2.5 - 2)  # A4 width minus left and right margins
LABEL_W, COLON_W = Cm(2.5), Cm(0.5)  # Nomor/Sifat/Lampiran/Hal block
VALUE_INDENT = Cm(3.0)  # body text starts under the Hal value
SIGN_INDENT = Cm(8.5)  # signature block occupies the right half
KOP_EMBLEM = Cm(2.5)  # docgen.profile's EMBLEM_COLUMN_MM
HANG = Cm(0.6)  # numbered items (addressees, tembusan): the number hangs in this much space
ITEM_PT = 11  # tembusan
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

Container = DocxDocument | _Cell  # anything with add_paragraph()


# === Low-level python-docx helpers ===
def _el(tag_name: str, **attrs: str) -> BaseOxmlElement:
    """Build a w: element; keyword arguments become w: attributes."""
    el = OxmlElement(tag_name)
    for key, val in attrs.items():
        el.set(qn(f"w:{key}"), val)
    return el


def _set_fonts(rpr_parent: BaseOxmlElement, name: str) -> None:
    """Set ascii/hAnsi/cs/eastAsia font names (and drop theme font overrides)."""
    rfonts = rpr_parent.find(qn("w:rFonts"))  # present in both callers
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        rfonts.set(qn(f"w:{attr}"), name)


def setup_document(doc: DocxDocument) -> None:
    """A4 page, margins, and Arial 12 pt single-spaced Normal style."""
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2), Cm(2)
    sec.left_margin, sec.right_margin = Cm(2.5), Cm(2)

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    _set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), FONT)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr, FONT)
    # complex-script size (24 half-points) and Indonesian proofing language
    rpr.insert_element_before(_el("w:szCs", val="24"), "w:highlight", "w:u", "w:lang")
    rpr.append(_el("w:lang", val="id-ID"))
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    forbid_stretched_breaks(doc)

    props = doc.core_properties
    props.title, props.author = "Surat Keluar", "DPMPTSP Kota Pasuruan"
    props.comments = "Template docxtpl; dibuat oleh tools/build_templates.py"
    props.last_modified_by, props.revision = "", 1
    props.created = props.modified = dt.datetime(2026, 1, 1)


def para(
    container: Container,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    left: Length | None = None,
    first: Length | None = None,
    after: float = 0,
    size: float | None = None,
    **flags: bool,
) -> Paragraph:
    """Add a paragraph whose text (a whole Jinja tag or plain text) is one run.

    ``flags`` are run toggles passed on to :func:`run` (``bold``, ``underline``).
    """
    p = container.add_paragraph()
    p.alignment = align  # None everywhere means "inherit from Normal"
    fmt = p.paragraph_format
    fmt.left_indent, fmt.first_line_indent = left, first
    fmt.space_after = Pt(after) if after else None
    if text:
        run(p, text, size=size, **flags)
    return p


def run(p: Paragraph, text: str, *, size: float | None = None, **flags: bool) -> None:
    """Append one run (a Jinja tag must never be split over several runs)."""
    r = p.add_run(text)
    for name, on in flags.items():  # bold=True / underline=True
        setattr(r, name, on or None)
    if size is not None:
        r.font.size = Pt(size)


def tag(container: Container, text: str) -> None:
    """A docxtpl paragraph tag ({%p ... %}); docxtpl removes the whole paragraph."""
    para(container, text)


def borderless_table(doc: DocxDocument, widths: list[Length], rows: int = 1, pad: bool = True) -> Table:
    """Fixed-width table without borders; pad=False removes cell margins."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_pr.remove(tbl_pr.find(qn("w:tblW")))
    tbl_pr.insert(0, _el("w:tblW", w=str(Length(sum(widths)).twips), type="dxa"))
    borders = _el("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{edge}", val="nil"))
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblLook")
    if not pad:
        mar = _el("w:tblCellMar")
        for edge in ("left", "right"):
            mar.append(_el(f"w:{edge}", w="0", type="dxa"))
        tbl_pr.insert_element_before(mar, "w:tblLook")
    for col, width in zip(table.columns, widths, strict=True):
        col.width = width
        for cell in col.cells:
            cell.width = width
    return table


# === Surat keluar layout ===
def add_kop(doc: DocxDocument) -> None:
    """Letterhead: emblem | the printed kop lines, then the thick-thin double rule.

    Prints ``kantor.kop_cetak`` (``docgen.profile.kop``): the lines already broken once for every
    output, one paragraph each, at the size and weight the profile gives (the ``baris_kop`` filter
    writes the run), in a 14 cm text column without cell margins, wider than the 138 mm the lines
    were broken to, so Word never wraps them again.
    """
    table = borderless_table(doc, [KOP_EMBLEM, TEXT_WIDTH - KOP_EMBLEM], pad=False)
    logo, text = table.rows[0].cells
    for cell in (logo, text):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    pic_par = logo.paragraphs[0]
    pic_par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic_par.add_run().add_picture(str(EMBLEM), width=Cm(2.1))
    doc_pr = pic_par._p.xpath(".//wp:docPr")[0]
    doc_pr.set("name", "lambang")  # the engine finds the emblem by these
    doc_pr.set("descr", "lambang")

    first = text.paragraphs[0]  # reuse the cell's mandatory first paragraph
    run(first, "{%p for baris in kantor.kop_cetak %}")
    # 8 pt: the empty runs around the filter's own run never make a 10 pt line taller
    para(text, "{{ baris|baris_kop }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=8)
    tag(text, "{%p endfor %}")

    rule = para(doc, after=12)  # empty, 3 pt high: only its bottom border shows
    rule.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    rule.paragraph_format.line_spacing = Pt(3)
    p_bdr = _el("w:pBdr")
    p_bdr.append(_el("w:bottom", val="thickThinSmallGap", sz="24", space="1", color="auto"))
    rule._p.get_or_add_pPr().insert_element_before(
        p_bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


def add_header_block(doc: DocxDocument) -> None:
    """Date line on the right, then Nomor / Sifat / Lampiran / Hal."""
    para(doc, "{{ tempat_tanggal }}", align=WD_ALIGN_PARAGRAPH.RIGHT, after=12)
    fields = [
        ("Nomor", "{{ nomor }}"),
        ("Sifat", "{{ sifat }}"),
        ("Lampiran", "{{ lampiran }}"),
        ("Hal", "{{ hal }}"),
    ]
    table = borderless_table(doc, [LABEL_W, COLON_W, TEXT_WIDTH - LABEL_W - COLON_W], rows=len(fields), pad=False)
    for row, (label, value) in zip(table.rows, fields, strict=True):
        cells = row.cells
        run(cells[0].paragraphs[0], label)
        run(cells[1].paragraphs[0], ":")
        run(cells[2].paragraphs[0], value, bold=(label == "Hal"))


def add_addressee(doc: DocxDocument) -> None:
    """Yth. (one addressee inline, several as a numbered list), di, place."""
    para(doc)  # one blank line under the Hal block
    tag(doc, "{%p if kepada|length == 1 %}")
    p = para(doc, "Yth. ")
    run(p, "{{ kepada[0] }}")
    tag(doc, "{%p else %}")
    para(doc, "Yth.")
    tag(doc, "{%p for k in kepada %}")
    p = para(doc, "{{ loop.index }}.", left=HANG, first=-HANG)  # hanging
    run(p, "\t")
    run(p, "{{ k }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    para(doc, "di")
    para(doc, "{{ di }}", left=Cm(1.0), after=12)


def add_body(doc: DocxDocument) -> None:
    """Body items under the Hal value: justified paragraphs, or aligned ``label : value`` rows.

    The kind splits the typed paragraphs (``isi``) into ``isi_butir``: ``{teks}`` or
    ``{baris: [[label, value]]}`` items (kinds/surat_keluar.py), so "hari/tanggal : ...",
    "pukul : ..." lines become a borderless table whose colons and values line up, left aligned
    with the value hanging, never justified. The last item keeps with the signature block.
    """
    tag(doc, "{%p for butir in isi_butir %}")
    tag(doc, "{%p if butir.baris %}")
    widths = [VALUE_INDENT + Cm(1.25), Cm(3.5), COLON_W]
    table = borderless_table(doc, [*widths, TEXT_WIDTH - sum(widths, Cm(0))], rows=3, pad=False)
    run(table.rows[0].cells[0].paragraphs[0], "{%tr for label, nilai in butir.baris %}")
    cells = table.rows[1].cells
    for cell, text in zip(cells[1:], ("{{ label }}", ":", "{{ nilai }}"), strict=True):
        run(cell.paragraphs[0], text)
    run(table.rows[2].cells[0].paragraphs[0], "{%tr endfor %}")
    row_flags(table.rows[1], "cantSplit")
    keep(cell.paragraphs[0] for cell in cells)  # the rows stay with what follows them
    para(doc, after=6)
    tag(doc, "{%p elif loop.last %}")
    body = partial(para, doc, "{{ butir.teks }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, left=VALUE_INDENT, after=6)
    keep([body(first=Cm(1.25))], lines=False)  # widow control brings its last two lines along
    tag(doc, "{%p else %}")
    body(first=Cm(1.25))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def closing_block(doc: DocxDocument) -> _Cell:
    """One borderless, full-width cell whose row never breaks across pages (``cantSplit``).

    The signature block and the tembusan go into it. Measured with LibreOffice 7.4: a chain of
    keep-with-next paragraphs is honoured only two at a time (paragraph 1 of a 3-chain stays
    behind when 2 and 3 move on), so a block of a dozen lines split wherever the page ended. A
    row that cannot split moves whole, in Word and LibreOffice alike, and the paragraph before it
    (kept with the next) comes along. Its first paragraph is the blank line above the block.
    """
    table = borderless_table(doc, [TEXT_WIDTH], pad=False)
    row_flags(table.rows[0], "cantSplit")
    return table.rows[0].cells[0]


def add_signature(container: Container) -> None:
    """Centred signature block in the right half of the page, never split.

    Every line keeps with the next and stays whole (Word's own flags, so the block also holds
    outside a :func:`closing_block`). The name is bold and underlined at the body size.
    """
    sig = partial(para, container, align=WD_ALIGN_PARAGRAPH.CENTER, left=SIGN_INDENT)
    block: list[Paragraph] = []
    tag(container, "{%p for j in penandatangan.jabatan %}")
    block.append(sig("{{ j }}"))
    tag(container, "{%p endfor %}")
    block += [sig() for _ in range(4)]  # room for the wet signature and stamp
    block.append(sig("{{ penandatangan.nama }}", bold=True, underline=True))
    block.append(sig("{{ penandatangan.pangkat }}"))
    nip = sig("NIP ")
    run(nip, "{{ penandatangan.nip }}")
    keep([*block, nip])


def add_tembusan(container: Container) -> None:
    """Optional carbon-copy list, 11 pt: one item as a plain line, several numbered 1., 2., ...

    The heading keeps with its items and every item but the last with the next one, so a
    tembusan (up to the dozen an office sends) is never split or left alone on a page.
    """
    item = partial(para, container, size=ITEM_PT, left=HANG, first=-HANG)
    tag(container, "{%p if tembusan %}")
    keep([para(container), para(container, "Tembusan:", size=ITEM_PT, underline=True)])
    tag(container, "{%p if tembusan|length == 1 %}")
    para(container, "{{ tembusan[0] }}", size=ITEM_PT)
    tag(container, "{%p else %}")
    tag(container, "{%p for t in tembusan %}")
    for last in (False, True):
        tag(container, "{%p if loop.last %}" if last else "{%p if not loop.last %}")
        p = item("{{ loop.index }}.")
        run(p, "\t", size=ITEM_PT)
        run(p, "{{ t }}", size=ITEM_PT)
        keep([p], with_next=not last)
        tag(container, "{%p endif %}")
    tag(container, "{%p endfor %}")
    tag(container, "{%p endif %}")
    tag(container, "{%p endif %}")


def add_closing(doc: DocxDocument) -> None:
    """The signature block and the tembusan, moving to the next page together (a letter's end)."""
    cell = closing_block(doc)
    add_signature(cell)
    add_tembusan(cell)
    reserve_footer(cell)


def reserve_footer(cell: _Cell) -> None:
    """Blank 2 mm lines at the end of the document's last block, as many as ``halaman.kaki`` lists.

    The QR code and the verification footer are stamped on the last page from the bottom edge up,
    higher than the bottom margin; without this room a full last page had its tembusan under the
    code. The count comes from the profile's stamp layout and footer wording (docgen.makers), so
    the template holds no measure of its own; in a row that cannot split, the room moves with
    the block and never starts a blank page.
    """
    tag(cell, "{%p for _ in halaman.kaki %}")
    room = para(cell)
    room.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    room.paragraph_format.line_spacing = Pt(5.67)
    tag(cell, "{%p endfor %}")


def save_deterministic(doc: DocxDocument, path: Path) -> None:
    """Save with fixed zip entry timestamps so reruns are byte-identical."""
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))


def build_surat_keluar(path: Path) -> None:
    """The surat dinas, top to bottom."""
    doc = Document()
    setup_document(doc)
    for add in (add_kop, add_header_block, add_addressee, add_body, add_closing):
        add(doc)
    add_page_marks(doc, rahasia=RAHASIA_IF_SIFAT)
    save_deterministic(doc, path)


def main() -> None:
    TEMPLATES.mkdir(exist_ok=True)
    build_emblem(EMBLEM)
    build_surat_keluar(SURAT_KELUAR)
    for out in (EMBLEM, SURAT_KELUAR):
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
