"""The lembar disposisi as the office uses it (issue 23): its kop, Indeks/Kode box, lampiran, batas
waktu, each later round as a block with its own ticks, and the sheet flowing onto further pages.

Every test draws a real PDF and reads it back: text runs with their positions and sizes (pypdf),
pages rendered by pdftoppm to see the ticks, and pdffonts for the embedded fonts.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import cli as run
from conftest import render_page, require
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from test_disposition_sheet import MM, REPO, SHIPPED
from test_disposition_sheet import make_sheet as sheet_of_the_sheet_tests

from docgen.errors import ConfigError, RequestError
from docgen.incoming import dispose, enter_incoming, print_sheet
from docgen.kinds import get_kind
from docgen.pdf import embedded_fonts
from docgen.profile import PageSettings, load_workspace, printed_kop
from docgen.register import Register
from docgen.register.agenda import rounds
from docgen.render.forms.disposition import (
    DispositionRound,
    DispositionSheet,
    FormLayout,
    load_form_layout,
    render_disposition_sheet,
)

ARTIFACTS = REPO / "test-artifacts" / "pages"
PROFILE = load_workspace(REPO, env={}).profile
UNITS = list(PROFILE.disposition.units)
INSTRUCTIONS = list(PROFILE.disposition.instructions)
KADIS = PROFILE.officials["kadis"].position
TODAY = date(2026, 11, 28)


def a_round(n: int, **changes: object) -> DispositionRound:
    """Round ``n`` (1-based): one unit and two instructions, chosen so neighbouring rounds differ."""
    base = DispositionRound(
        by=KADIS if n == 1 else "Kepala Bidang Pelayanan Terpadu Satu Pintu",
        to_units=[UNITS[(n + 1) % len(UNITS)]],
        instructions=[INSTRUCTIONS[n % len(INSTRUCTIONS)], INSTRUCTIONS[(n + 3) % len(INSTRUCTIONS)]],
        note=f"Catatan ronde {n}: mohon ditindaklanjuti.",
        date_text=f"{27 + n} November 2026",
        deadline_text=f"{n} Desember 2026",
    )
    return dataclasses.replace(base, **changes)


def make_sheet(rounds_: int = 1, **changes: object) -> DispositionSheet:
    """test_disposition_sheet's sheet with this office's lists, a letter from the DLH and ``rounds_`` rounds."""
    letter = {
        "sender": "Dinas Lingkungan Hidup Kota Pasuruan",
        "letter_number": "600.4/215/423.109/2026",
        "subject": "Permohonan Data Perizinan Usaha Tahun 2026",
        "units": list(UNITS),
        "instructions": list(INSTRUCTIONS),
        "rounds": [a_round(n) for n in range(1, rounds_ + 1)],
    }
    return sheet_of_the_sheet_tests(**{**letter, **changes})


def write(tmp_path: Path, sheet: DispositionSheet, name: str = "ld", layout: FormLayout | None = None) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render_disposition_sheet(sheet, layout or load_form_layout(SHIPPED)))
    return path


@dataclasses.dataclass(frozen=True)
class Run:
    """One run of text as the PDF draws it: page (0-based), text, left x and baseline y (pt), size (pt)."""

    page: int
    text: str
    x: float
    y: float
    size: float
    bold: bool = False


def runs(pdf: Path) -> list[Run]:
    """Every text run of every page with its position and its size on the page (matrix applied)."""
    found: list[Run] = []
    for number, page in enumerate(PdfReader(pdf).pages):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                text = text.strip()
                a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                              tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])  # fmt: skip
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                bold = "Bold" in str((font or {}).get("/BaseFont", ""))
                found.append(Run(number, text, x, y, size * math.hypot(c, d) or size * math.hypot(a, b), bold))

        page.extract_text(visitor_text=visit)
    return found


def one(found: list[Run], text: str, page: int | None = None) -> Run:
    hits = [r for r in found if r.text == text and (page is None or r.page == page)]
    assert len(hits) == 1, f"{text!r}: {len(hits)} runs"
    return hits[0]


def ink_left_of(png: Path, run: Run, page_height: float, dpi: int = 150) -> int:
    """Dark pixels in the 5 mm strip left of a run's first letter, across the middle of its line: the
    sides of its checkbox, and the tick when there is one (the boxes' top and bottom edges, which
    a neighbouring line's tick may touch, are left out)."""
    px = dpi / 72
    box = (
        round((run.x - 5.2 * MM) * px),
        round((page_height - run.y - 0.45 * run.size) * px),
        round((run.x - 0.4 * MM) * px),
        round((page_height - run.y + 0.3 * run.size) * px),
    )
    gray = Image.open(png).convert("L").crop(box)
    return sum(1 for v in gray.tobytes() if v < 128)


def save_pngs(pdf: Path, name: str) -> None:
    """Keep every page as a PNG under test-artifacts/pages/ (gitignored) for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for page in range(1, len(PdfReader(pdf).pages) + 1):
        shutil.copyfile(render_page(pdf, page, 100), ARTIFACTS / f"disposisi-{name}-{page}.png")


# -- the first page: kop, Indeks/Kode, lampiran ------------------------------------------------


def test_the_sheet_prints_the_profiles_kop_lines_exactly(tmp_path):
    found = runs(write(tmp_path, make_sheet()))
    for line in printed_kop(PROFILE.office).lines:
        run_ = one(found, line.text, 0)
        assert run_.size >= 8 - 1e-6
    texts = [r.text for r in found]
    kop = [line.text for line in printed_kop(PROFILE.office).lines]
    start = texts.index(kop[0])
    assert texts[start : start + len(kop)] == kop  # in order, one printed line each, never re-wrapped


def test_the_archive_code_sits_in_the_kode_box_and_not_in_hal(tmp_path):
    found = runs(write(tmp_path, make_sheet()))
    kode, code = one(found, "Kode"), one(found, "500.16.7.2")
    assert code.page == 0 and abs(code.y - kode.y) < 1 and code.x > kode.x  # "Kode : 500.16.7.2" on one line
    indeks, name = one(found, "Indeks"), one(found, "Pelayanan Perizinan")
    assert abs(name.y - indeks.y) < 1 and name.x > indeks.x
    assert indeks.y > one(found, "Surat dari").y  # its own box above the letter's fields
    hal, subject = one(found, "Hal"), one(found, "Permohonan Data Perizinan Usaha Tahun 2026")
    assert abs(subject.y - hal.y) < 1
    assert not any("500.16.7.2" in r.text for r in found if abs(r.y - hal.y) < 1)


def test_lampiran_and_each_rounds_batas_waktu_are_printed(tmp_path):
    found = runs(write(tmp_path, make_sheet(3)))
    lampiran, value = one(found, "Lampiran"), one(found, "1 (satu) berkas")
    assert abs(value.y - lampiran.y) < 1 and value.x > lampiran.x
    batas = [r for r in found if r.text == "Batas waktu"]
    assert len(batas) == 3  # the first round's paraf block and each later round's block
    for n, label in enumerate(sorted(batas, key=lambda r: (r.page, -r.y)), start=1):
        deadline = one(found, f"{n} Desember 2026")
        assert deadline.page == label.page and abs(deadline.y - label.y) < 1 and deadline.x > label.x


def test_a_round_without_a_deadline_leaves_the_batas_waktu_to_write_in(tmp_path):
    sheet = make_sheet(2, rounds=[a_round(1, deadline_text=""), a_round(2, deadline_text="")])
    found = runs(write(tmp_path, sheet))
    assert len([r for r in found if r.text == "Batas waktu"]) == 2
    assert not any("Desember" in r.text for r in found)


# -- later rounds: their own blocks, their own ticks -----------------------------------------


def test_three_rounds_give_three_blocks_each_ticking_its_own_units_and_instructions(tmp_path, pdf_tools):
    pdf = write(tmp_path, make_sheet(3))
    found = runs(pdf)
    height = float(PdfReader(pdf).pages[0].mediabox.height)
    headings = {n: one(found, f"Disposisi lanjutan {n} dari Kepala Bidang Pelayanan Terpadu Satu Pintu")
                for n in (2, 3)}  # fmt: skip
    first_top = one(found, "Diteruskan kepada")
    blocks = {1: (first_top.page, first_top.y, one(found, "Catatan:").y)}
    for n, head in headings.items():
        after = [h.y for m, h in headings.items() if m > n and h.page == head.page]
        blocks[n] = (head.page, head.y, max(after, default=0.0))
    pngs: dict[int, Path] = {}
    for n, (page, top, bottom) in blocks.items():
        png = pngs.setdefault(page, render_page(pdf, page + 1, 150))
        inside = [r for r in found if r.page == page and bottom < r.y < top]
        expected = set(a_round(n).to_units) | set(a_round(n).instructions)
        ink = {}
        for option in UNITS + INSTRUCTIONS:
            label = [r for r in inside if r.text == option or (len(option) > 40 and option.startswith(r.text))]
            assert len(label) == 1, f"round {n}: {option!r} printed {len(label)} times"
            ink[option] = ink_left_of(png, label[0], height)
        middle = (min(ink.values()) + max(ink.values())) / 2  # an empty box's four sides, or those and a tick
        assert max(ink.values()) > 1.4 * min(ink.values())
        ticked = {option for option, count in ink.items() if count > middle}
        assert ticked == expected, f"round {n}: {ink}"


def test_a_six_round_disposition_flows_to_a_second_page_with_its_page_number(tmp_path, pdf_tools):
    pdf = write(tmp_path, make_sheet(6, sifat="Rahasia"), "enam")
    save_pngs(pdf, "panjang")
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    found = runs(pdf)
    for page in range(1, len(reader.pages)):
        number = one(found, PageSettings().page_label(page + 1), page)
        assert abs(number.x - width / 2) < width * 0.1 and number.y > height * 0.85  # top centre
        assert one(found, "LEMBAR DISPOSISI (lanjutan)", page).y < number.y
        assert one(found, "Nomor agenda : 000.5.3.1/0123/423.105/2026", page)
        assert [r.y for r in found if r.page == page and r.text == "RAHASIA"]  # top and bottom of every page
    assert not any(r.text == "- 1 -" for r in found)  # the first page carries no number
    for n in range(2, 7):  # every round once, whole: its heading and its date on one page
        head = one(found, f"Disposisi lanjutan {n} dari Kepala Bidang Pelayanan Terpadu Satu Pintu")
        date_run = one(found, f"{27 + n} November 2026")
        assert date_run.page == head.page and date_run.y < head.y
    for page in range(len(reader.pages)):
        marks = sorted(r.y for r in found if r.page == page and r.text == "RAHASIA")
        assert len(marks) == 2 and marks[0] < height * 0.05 and marks[1] > height * 0.95


def test_the_page_number_goes_to_the_bottom_when_the_profile_says_so(tmp_path):
    page = PageSettings(number_position="bottom", number_format="Halaman {n}")
    found = runs(write(tmp_path, make_sheet(6, page=page)))
    label = one(found, "Halaman 2")
    assert label.page == 1 and label.y < one(found, "LEMBAR DISPOSISI (lanjutan)", 1).y
    assert label.y > one(found, "Lembar disposisi ini tidak boleh dipisahkan dari surat aslinya.", 1).y


def test_a_long_first_note_continues_on_the_next_page_whole(tmp_path):
    words = [f"kata{i:03d}" for i in range(400)]
    pdf = write(tmp_path, make_sheet(2, rounds=[a_round(1, note=" ".join(words)), a_round(2)]), "catatan")
    found = runs(pdf)
    printed = " ".join(r.text for r in found).split()
    assert [w for w in printed if w.startswith("kata")] == words  # every word, in order, none cut
    assert one(found, "(bersambung ke halaman berikutnya)").page == 0
    more = one(found, "Catatan (lanjutan):")
    assert more.page == 1 and more.y > one(found, "Disposisi lanjutan 2 dari Kepala Bidang Pelayanan Terpadu Satu "
                                               "Pintu").y  # fmt: skip


# -- nothing below 8 pt, nothing cut, every font embedded ----------------------------------------


def test_long_values_wrap_at_8_pt_or_more_and_nothing_is_cut(tmp_path, pdf_tools):
    sheet = make_sheet(
        4,
        sender="Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Pasuruan Bidang Cipta Karya",
        letter_number="600.1.15.2/4155/424.103/2026",
        subject="Permohonan Rekomendasi Teknis Izin Penyelenggaraan Reklame Billboard Jalan Panglima Sudirman",
        lampiran="12 (dua belas) berkas",
        sifat="Sangat Segera",
        units=[*UNITS, "Tim Teknis Pemeriksaan Lapangan Reklame dan Bangunan Gedung Kota Pasuruan"],
        rounds=[
            a_round(n, note="Mohon ditelaah bersama tim teknis dan dilaporkan hasilnya. " * 6) for n in range(1, 5)
        ],
    )
    pdf = write(tmp_path, sheet, "panjang")
    found = runs(pdf)
    assert min(r.size for r in found) >= 8 - 1e-6
    text = " ".join(r.text for r in found)
    assert "…" not in text and "..." not in text.replace("." * 40, "")
    assert "Tim Teknis Pemeriksaan Lapangan Reklame" in text  # written in, wrapped, not cut
    width = float(PdfReader(pdf).pages[0].mediabox.width)
    margin = FormLayout().margins_mm * MM
    regular, bold = embedded_fonts()
    for r in found:  # every run inside the margins
        assert (
            margin - 0.5 <= r.x
            and r.x + stringWidth(r.text, bold if r.bold else regular, r.size) <= width - margin + 0.5
        ), r


def test_every_font_in_the_sheet_is_embedded(tmp_path):
    require("pdffonts")
    pdf = write(tmp_path, make_sheet(6, sifat="Rahasia"))
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    for row in rows:
        fields = row.split()
        assert fields[-5] == "yes", f"not embedded: {row}"  # name type encoding emb sub uni object ID


def test_short_sheet_pages_are_saved_for_people_to_look_at(tmp_path, pdf_tools):
    pdf = write(tmp_path, make_sheet(1), "pendek")
    save_pngs(pdf, "pendek")
    assert (ARTIFACTS / "disposisi-pendek-1.png").is_file()
    assert len(PdfReader(pdf).pages) == 1


# -- refusals: named, one line, before anything is recorded ---------------------------------


def test_letter_fields_the_first_page_cannot_hold_are_refused_naming_the_field(tmp_path):
    sheet = make_sheet(subject="Permohonan data perizinan yang sangat panjang sekali " * 40)
    with pytest.raises(RequestError, match=r"^Hal terlalu panjang untuk lembar disposisi: \d+ baris, muat \d+ baris"):
        write(tmp_path, sheet)


def test_a_kop_that_would_print_below_8_pt_on_a5_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="8 pt") as caught:
        write(tmp_path, make_sheet(), layout=FormLayout(paper="A5"))
    assert "\n" not in str(caught.value)
    pdf = write(tmp_path, make_sheet(), layout=FormLayout(paper="A5", margins_mm=7))
    assert min(r.size for r in runs(pdf)) >= 8 - 1e-6


def test_an_older_layout_file_still_loads_and_prints_nothing_below_8_pt(tmp_path):
    path = tmp_path / "lama.toml"
    path.write_text(
        "kop_sizes_pt = [10.5, 11.5]\naddress_size_pt = 7.5\nsmall_size_pt = 6.5\nmin_size_pt = 5.5\n"
        "emblem_height_mm = 17.0\n",
        encoding="utf-8",
    )
    layout = load_form_layout(path)
    assert layout.small_size_pt == 8
    path.write_text("small_size_pt = 6.5\nsmall_sise_pt = 9\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="small_sise_pt"):
        load_form_layout(path)


# -- through the register: dispose() with a batas waktu -------------------------------------

#: The deadline lives in the register's event log; both registers must give it back.
both_registers = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@both_registers
def test_a_deadline_is_recorded_with_its_round_and_printed_on_the_sheet(workspace):
    enter_incoming(workspace, get_kind("surat-masuk").example)
    dispose(workspace, "1/2026", units=["3"], instructions=["2"], by="kadis", deadline=date(2026, 12, 4), today=TODAY)
    dispose(workspace, "1/2026", units=["5"], instructions=["6"], by="kabid-ptsp", today=TODAY)
    sheet = print_sheet(workspace, "1/2026", today=TODAY)
    found = runs(workspace.root / sheet.path)
    assert one(found, "4 Desember 2026").page == 0
    with Register.open(workspace) as reg:
        recorded = rounds(reg, reg.document(sheet.id).id)
    assert [r["deadline"] for r in recorded] == ["2026-12-04", None]


@both_registers
def test_a_deadline_before_the_letter_was_received_is_refused_and_nothing_recorded(workspace):
    entered = enter_incoming(workspace, get_kind("surat-masuk").example)  # received 23 November 2026
    with pytest.raises(RequestError, match="Batas waktu 22 November 2026 sebelum surat diterima") as caught:
        dispose(workspace, "1/2026", units=["3"], instructions=["2"], by="kadis", deadline=date(2026, 11, 22))
    assert "\n" not in str(caught.value)
    with Register.open(workspace) as reg:
        assert rounds(reg, entered.id) == []


def test_the_cli_takes_a_batas_waktu_and_refuses_one_that_is_not_a_date(workspace):
    enter_incoming(workspace, get_kind("surat-masuk").example)
    bad = run(workspace, "disposisi", "catat", "1/2026", "--kepada", "3", "--harap", "2", "--oleh", "kadis",
              "--batas-waktu", "besok")  # fmt: skip
    assert bad.exit_code == 1 and "--batas-waktu 'besok' bukan tanggal" in bad.output
    good = run(workspace, "disposisi", "catat", "1/2026", "--kepada", "3", "--harap", "2", "--oleh", "kadis",
               "--batas-waktu", "2026-12-05", "--cetak")  # fmt: skip
    assert good.exit_code == 0, good.output
    with Register.open(workspace) as reg:
        doc_id = reg.conn.execute("SELECT doc_id FROM incoming").fetchone()[0]
        assert rounds(reg, doc_id)[0]["deadline"] == "2026-12-05"


@both_registers
def test_a_letter_the_sheet_cannot_hold_is_refused_before_a_number_is_taken(workspace):
    letter = {**get_kind("surat-masuk").example, "hal": "Permohonan data perizinan yang sangat panjang " * 30}
    with pytest.raises(RequestError, match="^Hal terlalu panjang untuk lembar disposisi"):
        enter_incoming(workspace, letter)
    with Register.open(workspace) as reg:
        assert reg.numbers() == []
