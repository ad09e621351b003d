"""Generate the permit officers' Word templates (BAP, rekomendasi) and the BAP's example photos.

Built from code for the same reasons as ``tools/build_templates.py`` (reviewable layout,
byte-identical reruns), whose page setup, kop, header block, signature and save helpers these
templates share, so a change to the office's letterhead reaches every template.

Usage, from the repository root: ``.venv/bin/python tools/build_permit_templates.py`` writes
templates/bap.docx, templates/rekomendasi.docx and templates/contoh-foto-{1,2}.jpg.
"""

from __future__ import annotations

from pathlib import Path

from build_templates import (
    SIGN_INDENT,
    TEMPLATES,
    TEXT_WIDTH,
    VALUE_INDENT,
    Container,
    add_addressee,
    add_closing,
    add_header_block,
    add_kop,
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
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Cm, Length, Pt
from docx.table import Table
from PIL import Image, ImageDraw, ImageFont
from word_flow import RAHASIA_IF_SIFAT, add_page_marks, keep, table_keeps

ROOT = TEMPLATES.parent
BAP = TEMPLATES / "bap.docx"
REKOMENDASI = TEMPLATES / "rekomendasi.docx"
PHOTOS = (TEMPLATES / "contoh-foto-1.jpg", TEMPLATES / "contoh-foto-2.jpg")

JUSTIFY, CENTER = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
HANG = Cm(0.6)  # numbered items: the number hangs in this much space
TABLE_PT = 11
NO_INDENT = Cm(0)
TEAM_PT = 10  # five columns on a portrait page

# (label, value, the condition that prints the row or None for always)
PEMOHON_ROWS = [
    ("Nama pemohon", "{{ pemohon.nama }}", None),
    ("Penanggung jawab", "{{ pemohon.penanggung_jawab }}", "pemohon.penanggung_jawab"),
    ("NIK", "{{ pemohon.nik }}", "pemohon.nik"),
    ("NIB", "{{ pemohon.nib }}", "pemohon.nib"),
    ("Alamat", "{{ pemohon.alamat }}", None),
    ("Telepon", "{{ pemohon.telepon }}", "pemohon.telepon"),
]
OBJEK_ROWS = [
    ("Objek", "{{ objek.uraian }}", None),
    ("Jenis reklame", "{{ objek.jenis_reklame }}", "objek.jenis_reklame"),
    ("Naskah reklame", "{{ objek.naskah_reklame }}", "objek.naskah_reklame"),
    ("Lokasi", "{{ objek.alamat }}", None),
    ("Koordinat", "{{ objek.koordinat }}", "objek.koordinat"),
    ("Ukuran", "{{ objek.ukuran }}", "objek.ukuran"),
    ("Luas", "{{ objek.luas }}", "objek.luas"),
]


# === Example photos ===
def build_photo(path: Path, caption: str, pole_x: int) -> None:
    """A drawn street scene with a billboard: small (well under 60 KB) and the same on every run."""
    w, h = 640, 480
    img = Image.new("RGB", (w, h), (150, 200, 235))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 330, w, h), fill=(90, 90, 95))  # road
    draw.rectangle((0, 318, w, 330), fill=(190, 190, 180))  # kerb
    for x in range(0, w, 80):
        draw.rectangle((x, 400, x + 40, 406), fill=(240, 240, 240))  # lane marks
    draw.rectangle((pole_x - 6, 150, pole_x + 6, 320), fill=(110, 110, 120))  # pole
    board = (pole_x - 150, 60, pole_x + 150, 170)
    draw.rectangle(board, fill=(242, 194, 48), outline=(31, 58, 122), width=6)
    big = ImageFont.load_default(size=40)
    draw.text(
        ((board[0] + board[2]) / 2, (board[1] + board[3]) / 2), "TOKO MAJU", font=big, fill=(31, 58, 122), anchor="mm"
    )
    small = ImageFont.load_default(size=18)
    draw.rectangle((0, h - 34, w, h), fill=(0, 0, 0))
    draw.text((10, h - 17), caption, font=small, fill=(255, 255, 255), anchor="lm")
    img.save(path, format="JPEG", quality=70, optimize=True)


# === Shared blocks ===
def grid_table(doc: Container, widths: list[Length], rows: int) -> Table:
    """A bordered table of fixed column widths (Word's own 'Table Grid' style), in the body or a cell."""
    table = doc.add_table(rows, len(widths))
    table.style = "Table Grid"
    table.autofit = False
    for col, width in zip(table.columns, widths, strict=True):
        col.width = width
        for cell in col.cells:
            cell.width = width
    return table


def loop_rows(table: Table, opening: str, closing: str, at: int) -> None:
    """Put a ``{%tr ...%}`` pair in rows ``at`` and ``at + 2``: docxtpl repeats or drops row ``at + 1``."""
    run(table.rows[at].cells[0].paragraphs[0], opening)
    run(table.rows[at + 2].cells[0].paragraphs[0], closing)


def fields_table(doc: DocxDocument, rows: list[tuple[str, str, str | None]], indent: Length = NO_INDENT) -> None:
    """Label : value rows; a row with a condition prints only when that value is not empty."""
    label_w, colon_w = Cm(4), Cm(0.5)
    widths = ([indent] if indent else []) + [label_w, colon_w, TEXT_WIDTH - indent - label_w - colon_w]
    count = sum(3 if cond else 1 for _, _, cond in rows)
    table = borderless_table(doc, widths, rows=count, pad=False)
    first = 1 if indent else 0
    at = 0
    for label, value, cond in rows:
        if cond:
            loop_rows(table, f"{{%tr if {cond} %}}", "{%tr endif %}", at)
            at += 1
        cells = table.rows[at].cells[first:]
        run(cells[0].paragraphs[0], label)
        run(cells[1].paragraphs[0], ":")
        run(cells[2].paragraphs[0], value)
        at += 2 if cond else 1
    table_keeps(table)


def numbered(container: Container, items: str, left: Length = NO_INDENT) -> None:
    """``1.<tab>text`` for each item of the list ``items``, the number hanging."""
    tag(container, f"{{%p for t in {items} %}}")
    p = para(container, "{{ loop.index }}.", align=JUSTIFY, left=left + HANG, first=-HANG)
    run(p, "\t")
    run(p, "{{ t }}")
    tag(container, "{%p endfor %}")


def hanging_items(container: Container, loop: str, mark: str, left: Length = NO_INDENT, hang: Length = HANG) -> None:
    """One item per paragraph, its mark hanging and its text aligned after it on every line.

    ``loop`` is the Jinja loop over items shaped by ``docgen.text.rincian`` (``it.teks`` and
    ``it.rincian``); ``mark`` the expression printed in the hanging column.
    """
    tag(container, f"{{%p {loop} %}}")
    p = para(container, mark, align=JUSTIFY, left=left + hang, first=-hang)
    run(p, "\t")
    run(p, "{{ it.teks }}")
    sub_items(container, "it.rincian", left + hang)
    tag(container, "{%p endfor %}")


def sub_items(container: Container, items: str, left: Length) -> None:
    """An item's typed sub-lines as their own paragraphs under its text, which starts at ``left``:
    ``a.`` hanging one step further in, an unmarked line flush with the text; so no line break
    ever sits in a justified paragraph, where Word would stretch the broken line edge to edge."""
    tag(container, f"{{%p for r in {items} %}}")
    tag(container, "{%p if r.tanda %}")
    p = para(container, "{{ r.tanda }}", align=JUSTIFY, left=left + HANG, first=-HANG)
    run(p, "\t")
    run(p, "{{ r.teks }}")
    tag(container, "{%p else %}")
    para(container, "{{ r.teks }}", align=JUSTIFY, left=left)
    tag(container, "{%p endif %}")
    tag(container, "{%p endfor %}")


def titled(doc: DocxDocument, title: str) -> None:
    para(doc, title, bold=True, after=0).paragraph_format.space_before = Cm(0.2)


def keep_together(doc: DocxDocument, since: int) -> None:
    """Keep every paragraph added after index ``since`` with the next one (a signature block)."""
    for p in doc.paragraphs[since:]:
        p.paragraph_format.keep_with_next = True


def finish(doc: DocxDocument, title: str, path: Path) -> None:
    doc.core_properties.title = title
    doc.core_properties.comments = "Template docxtpl; dibuat oleh tools/build_permit_templates.py"
    save_deterministic(doc, path)


# === BAP ===
DASAR_LABEL_W = Cm(2.0)
FINDING_HANG = Cm(0.8)  # "15." in 12 pt with room before the text


def add_bap_opening(doc: DocxDocument) -> None:
    para(doc, "BERITA ACARA PEMERIKSAAN LAPANGAN", align=CENTER, bold=True, underline=True)
    p = para(doc, "Nomor: ", align=CENTER, after=12)
    run(p, "{{ nomor }}")
    add_dasar(doc)
    p = para(doc, "Pada hari ini ", align=JUSTIFY, after=6)
    p.paragraph_format.space_before = Cm(0.2)
    p.paragraph_format.keep_with_next = True  # "... di bawah ini:" stays with the team table
    for text in ("{{ hari_tanggal }}", ", bertempat di ", "{{ tempat }}", ", kami yang bertanda tangan di bawah ini:"):
        run(p, text)


def add_dasar(doc: DocxDocument) -> None:
    """``Dasar : 1. Surat Tugas ... Nomor ... tanggal ...; 2. Surat permohonan ...``, numbers hanging."""
    widths = [DASAR_LABEL_W, Cm(0.5), TEXT_WIDTH - DASAR_LABEL_W - Cm(0.5)]
    label, colon, value = borderless_table(doc, widths, pad=False).rows[0].cells
    run(label.paragraphs[0], "Dasar")
    run(colon.paragraphs[0], ":")
    run(value.paragraphs[0], "{%p for d in dasar %}")
    p = para(value, "{{ loop.index }}.", left=HANG, first=-HANG)  # not justified: a number cannot break
    run(p, "\t")
    run(p, "{{ d }}")
    tag(value, "{%p endfor %}")


def add_team(doc: DocxDocument) -> None:
    """No / Nama / NIP / Jabatan / Instansi, one row per member; rows whole, the header on each page."""
    widths = [Cm(0.9), Cm(4), Cm(4.6), Cm(3.3)]  # NIP wide enough for 19900114 201503 2 002 on one line
    widths.append(TEXT_WIDTH - sum(widths, Cm(0)))
    table = grid_table(doc, widths, rows=4)
    for cell, head in zip(table.rows[0].cells, ("No", "Nama", "NIP", "Jabatan", "Instansi"), strict=True):
        cell.paragraphs[0].alignment = CENTER
        run(cell.paragraphs[0], head, bold=True, size=TEAM_PT)
    loop_rows(table, "{%tr for a in tim %}", "{%tr endfor %}", 1)
    for cell, value in zip(table.rows[2].cells, ("no", "nama", "nip", "jabatan", "instansi"), strict=True):
        run(cell.paragraphs[0], f"{{{{ a.{value} }}}}", size=TEAM_PT)
    table.rows[2].cells[0].paragraphs[0].alignment = CENTER
    table_keeps(table, header=True)


def add_application(doc: DocxDocument) -> None:
    """The applicant and the object, each introduced by a line kept with its first row."""
    p = para(doc, "telah melakukan pemeriksaan lapangan atas permohonan ", align=JUSTIFY, after=6)
    p.paragraph_format.space_before = Cm(0.2)
    p.paragraph_format.keep_with_next = True
    run(p, "{{ jenis_izin }}")
    run(p, " yang diajukan oleh:")
    fields_table(doc, PEMOHON_ROWS)
    p = para(doc, "dengan objek yang diperiksa:", after=6)
    p.paragraph_format.space_before = Cm(0.2)
    p.paragraph_format.keep_with_next = True
    fields_table(doc, OBJEK_ROWS)


def add_findings(doc: DocxDocument) -> None:
    """Numbered findings (typed sub-lines hanging under them), the conclusion, and the corrections
    when it is 'tidak sesuai'; each heading kept with its first item."""
    since = len(doc.paragraphs)
    titled(doc, "Hasil pemeriksaan:")
    keep_together(doc, since)
    hanging_items(doc, "for it in temuan", "{{ loop.index }}.", hang=FINDING_HANG)
    since = len(doc.paragraphs)
    titled(doc, "Kesimpulan:")
    keep_together(doc, since)
    p = para(doc, "Berdasarkan hasil pemeriksaan tersebut, objek permohonan dinyatakan ", align=JUSTIFY)
    run(p, "{{ kesimpulan|upper }}", bold=True)
    run(p, " dengan permohonan dan ketentuan yang berlaku.")
    tag(doc, "{%p if perbaikan %}")
    p = para(doc, "Pemohon wajib memperbaiki hal berikut sebelum permohonannya diproses lebih lanjut:", align=JUSTIFY)
    p.paragraph_format.keep_with_next = True
    hanging_items(doc, "for it in perbaikan", "{{ loop.index }}.", hang=FINDING_HANG)
    tag(doc, "{%p endif %}")


def add_photos(doc: DocxDocument) -> None:
    """One row per photo, 80 mm wide, its caption under it."""
    tag(doc, "{%p if foto %}")
    since = len(doc.paragraphs)
    titled(doc, "Dokumentasi pemeriksaan:")
    keep_together(doc, since)  # the heading never ends a page without its first photo
    table = grid_table(doc, [TEXT_WIDTH], rows=3)
    loop_rows(table, "{%tr for f in foto %}", "{%tr endfor %}", 0)
    cell = table.rows[1].cells[0]
    picture = cell.paragraphs[0]
    picture.alignment = CENTER
    run(picture, "{{ f.berkas|gambar(80) }}")
    caption = para(cell, "Foto ", align=CENTER, size=10, after=4)
    run(caption, "{{ f.no }}", size=10)
    run(caption, ". ", size=10)
    run(caption, "{{ f.keterangan }}", size=10)
    tag(doc, "{%p endif %}")


def add_bap_signatures(doc: DocxDocument) -> None:
    """The closing formula, a signature row per team member, then the applicant's block."""
    since = len(doc.paragraphs)
    closing = "Demikian berita acara ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya."
    para(doc, closing, align=JUSTIFY, after=6).paragraph_format.space_before = Cm(0.3)
    para(doc, "Tim pemeriksa:", bold=True)
    keep_together(doc, since)
    widths = [Cm(1), Cm(6.5), Cm(4.5)]
    widths.append(TEXT_WIDTH - sum(widths, Cm(0)))
    table = grid_table(doc, widths, rows=4)
    for cell, head in zip(table.rows[0].cells, ("No", "Nama / NIP", "Jabatan", "Tanda tangan"), strict=True):
        cell.paragraphs[0].alignment = CENTER
        run(cell.paragraphs[0], head, bold=True, size=TABLE_PT)
    loop_rows(table, "{%tr for a in tim %}", "{%tr endfor %}", 1)
    row = table.rows[2]
    row.height, row.height_rule = Cm(1.6), WD_ROW_HEIGHT_RULE.AT_LEAST
    no, name, position, sign = row.cells
    no.paragraphs[0].alignment = CENTER
    run(no.paragraphs[0], "{{ a.no }}", size=TABLE_PT)
    run(name.paragraphs[0], "{{ a.nama }}", bold=True)  # a signer's name at the body size
    nip = para(name, "NIP ", size=TABLE_PT)
    run(nip, "{{ a.nip }}", size=TABLE_PT)
    run(position.paragraphs[0], "{{ a.jabatan }}", size=TABLE_PT)
    run(sign.paragraphs[0], "{{ a.no }}", size=TABLE_PT)
    run(sign.paragraphs[0], ". ..........................", size=TABLE_PT)
    table_keeps(table, header=True, with_next=True)  # the team's rows move as one block with the applicant's

    gap = para(doc)  # two tables must not touch (Word would merge them): a 1 pt paragraph between
    gap.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    gap.paragraph_format.line_spacing = Pt(1)
    gap.paragraph_format.keep_with_next = True
    block = closing_block(doc)  # the applicant's block ends the report: one row, with the footer's room
    sig = {"align": CENTER, "left": SIGN_INDENT}
    block.paragraphs[0].paragraph_format.space_before = Cm(0.3)
    para(block, "Pemohon,", **sig)
    tag(block, "{%p if pemohon.penanggung_jawab %}")
    para(block, "{{ pemohon.nama }}", **sig)
    tag(block, "{%p endif %}")
    for _ in range(4):
        para(block, **sig)
    para(block, "{{ pemohon.penanda_tangan }}", bold=True, underline=True, **sig)
    tag(block, "{%p if pemohon.jabatan %}")
    para(block, "{{ pemohon.jabatan }}", **sig)
    tag(block, "{%p endif %}")
    reserve_footer(block)


def build_bap(path: Path) -> None:
    doc = Document()
    setup_document(doc)
    for add in (add_kop, add_bap_opening, add_team, add_application, add_findings, add_photos, add_bap_signatures):
        add(doc)
    add_page_marks(doc)
    finish(doc, "Berita Acara Pemeriksaan Lapangan", path)


# === Rekomendasi ===
def add_rekomendasi_body(doc: DocxDocument) -> None:
    """Legal basis ending with the BAP, the applicant and object, conditions, validity, closing."""
    body = {"align": JUSTIFY, "left": VALUE_INDENT}
    para(doc, "Dasar:", **body)
    numbered(doc, "dasar", VALUE_INDENT)
    p = para(doc, "{{ dasar|length + 1 }}.", align=JUSTIFY, left=VALUE_INDENT + HANG, first=-HANG, after=6)
    for text in ("\tBerita Acara Pemeriksaan Lapangan Nomor ", "{{ bap }}", " tanggal ", "{{ tanggal_bap }}", "."):
        run(p, text)
    p = para(doc, "Berdasarkan hasil pemeriksaan lapangan tersebut, dengan ini kami memberikan rekomendasi kepada:")
    p.paragraph_format.left_indent, p.alignment = VALUE_INDENT, JUSTIFY
    fields_table(doc, PEMOHON_ROWS, VALUE_INDENT)
    p = para(doc, "untuk memperoleh ", after=0, **body)
    p.paragraph_format.space_before = Cm(0.2)
    run(p, "{{ jenis_izin }}")
    run(p, " atas:")
    fields_table(doc, OBJEK_ROWS, VALUE_INDENT)
    tag(doc, "{%p if syarat %}")
    para(doc, "dengan ketentuan sebagai berikut:", **body).paragraph_format.space_before = Cm(0.2)
    numbered(doc, "syarat", VALUE_INDENT)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if masa_berlaku %}")
    p = para(doc, "Rekomendasi ini berlaku ", **body)
    p.paragraph_format.space_before = Cm(0.2)
    run(p, "{{ masa_berlaku }}")
    run(p, ".")
    tag(doc, "{%p endif %}")
    closing = "Demikian rekomendasi ini dibuat untuk dapat dipergunakan sebagaimana mestinya."
    closing_par = para(doc, closing, **body)
    closing_par.paragraph_format.space_before = Cm(0.2)
    keep([closing_par])  # with the signature block: never a signature alone on a page


def build_rekomendasi(path: Path) -> None:
    doc = Document()
    setup_document(doc)
    for add in (add_kop, add_header_block, add_addressee, add_rekomendasi_body, add_closing):
        add(doc)
    add_page_marks(doc, rahasia=RAHASIA_IF_SIFAT)
    finish(doc, "Surat Rekomendasi", path)


def main() -> None:
    TEMPLATES.mkdir(exist_ok=True)
    build_photo(PHOTOS[0], "Tampak depan - Jl. Soekarno Hatta No. 12", 320)
    build_photo(PHOTOS[1], "Pengukuran tiang - Jl. Soekarno Hatta No. 12", 420)
    build_bap(BAP)
    build_rekomendasi(REKOMENDASI)
    for out in (*PHOTOS, BAP, REKOMENDASI):
        print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
