"""Drawn forms a clerk would sign as printed: one kop, the profile's paper, 8 pt or more, nothing cut.

Every check reads the PDF docgen wrote (pypdf's text positions and sizes, poppler's pdffonts),
for every form kind (izin, sertifikat-standar, spp, spm, spj) and the packet cover, on A4 and F4.
The "longest value" of a field is found by asking docgen itself through the pipeline (the longest
that is not refused); the PDF must then show all of it, at 8 pt or more, and one letter more must be
refused naming the field without a number being taken.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import count_rows, render_page, require, verified
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import ConfigError, RequestError
from docgen.inbox import create_inbox
from docgen.kinds import get_kind, validate_request
from docgen.paket.front import Front, draw_front
from docgen.pdf import embedded_fonts
from docgen.pipeline import Result, generate
from docgen.profile import PrintedKop, Workspace, copy_defaults, load_workspace, printed_kop
from docgen.register import Register
from docgen.render.forms import draw_box_form, draw_kop, form_values, load_box_layout

MM = 72 / 25.4
PAGES = Path(__file__).resolve().parents[1] / "test-artifacts" / "pages"
FILLER = (
    "Pelayanan Perizinan dan Non Perizinan secara Terpadu Satu Pintu di Bidang Penanaman Modal Kelurahan "
    "Bugul Kidul Kecamatan Panggungrejo Kota Pasuruan Provinsi Jawa Timur "
) * 8
Data = dict[str, Any]


# -- reading the PDF back ---------------------------------------------------------------------


def runs(pdf: Path, page: int = 0) -> list[tuple[str, float, float, float]]:
    """Each text run on the page as drawn: (text, size in pt, x, y), static layer included."""
    out: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if text.strip():
            scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
            out.append((text.strip(), size * scale, tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(pdf).pages[page].extract_text(visitor_text=visit)
    return out


def flat(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)


def not_embedded(pdf: Path) -> list[str]:
    """Fonts pdffonts lists with emb = no."""
    require("pdffonts")
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line for line in lines[2:] if line.split()[-5] != "yes"]


def kop_runs(pdf: Path, kop: PrintedKop) -> list[str]:
    return [text for text, *_ in runs(pdf)[: len(kop.lines)]]


# -- workspaces and long data -----------------------------------------------------------------


def put(data: Data, path: tuple[Any, ...], value: Any) -> Data:
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def too_long(exc: RequestError) -> bool:
    """Refused as too long: by the form's box, or by the field's own limit (set to what the box holds)."""
    return "terlalu panjang untuk kotaknya" in str(exc) or "terlalu panjang (paling banyak" in str(exc)


def longest(ws: Workspace, kind: str, make: Callable[[int], Data], most: int) -> int:
    """The largest n in 1..most for which ``make(n)`` is issued, not refused as too long."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        try:
            generate(ws, kind, fresh(kind, make(middle)))
            low = middle
        except RequestError as exc:
            if not too_long(exc):
                raise
            high = middle - 1
    assert low > 0, f"{kind}: not even one letter fits"
    return low


_OSS = itertools.count(1)


def fresh(kind: str, data: Data) -> Data:
    """A certificate's request with an OSS number of its own: OSS gives one number to one certificate."""
    return {**data, "nomor": f"{data['nib']}{next(_OSS):04d}"} if kind == "sertifikat-standar" else data


def text_of(n: int, mark: str) -> str:
    """``n`` letters of ordinary words, the last of them ``mark`` (so a cut shows)."""
    return (FILLER[: max(0, n - len(mark) - 1)].rstrip() + " " + mark).strip()


TODAY = date.today().isoformat()
ITEM = (
    "Pemegang izin wajib menjaga kebersihan, keamanan dan ketertiban di sekitar lokasi objek izin setiap saat "
    "serta memperbarui izin paling lambat tiga puluh hari sebelum masa berlakunya berakhir"
)


def example(kind: str) -> Data:
    return copy.deepcopy(get_kind(kind).dated_example())


def twelve_rows(kind: str, data: Data) -> Data:
    """Twelve line items, each 1.000.000,00 (for the SPJ: spent this month against its pagu), the total
    to match."""
    rows = [
        {"kode_rekening": f"5.1.02.01.01.{n:04d}", "uraian": f"Belanja {n}", "jumlah": "1000000.00"} for n in range(12)
    ]
    if kind == "spj":
        rows = [
            {**{k: v for k, v in row.items() if k != "jumlah"}, "pagu": "5000000.00", "sd_bulan_lalu": "2500000.00",
             "bulan_ini": row["jumlah"]}
            for row in rows
        ]  # fmt: skip
    data = {**data, "rincian": rows, "jumlah": "12000000.00"}
    if kind == "spj":
        data["uang_persediaan"] = "15000000.00"
    return data


#: Kinds set as flowing forms (templates/*.flow.toml): they wrap and run over pages rather than
#: sit in boxes, so neither the one-page rule nor the boxes' fixed positions apply to them
#: (tests/test_spj_flow.py covers how the SPJ runs over pages).
FLOWING = {"spp", "spm", "spj"}

#: Kinds set across the profile's paper (templates/spj.flow.toml: eight columns of amounts need the width).
LANDSCAPE = {"spj"}

#: Per kind with line items: the longest a line's uraian may be (its field's limit); probed up to it.
URAIAN_MOST = {"spp": 200, "spj": 300}

#: Per kind: the text fields printed in boxes, as paths into the request.
FIELDS: dict[str, list[tuple[Any, ...]]] = {
    "izin": [("pemohon", "nama"), ("pemohon", "alamat"), ("objek", "uraian"), ("objek", "alamat")],
    "sertifikat-standar": [("nama_usaha",), ("alamat_usaha",), ("judul_kbli",), ("lokasi_usaha",)],
    "spp": [
        ("keperluan",),
        ("kegiatan", "program"),
        ("kegiatan", "kegiatan"),
        ("kegiatan", "sub_kegiatan"),
        ("penerima", "nama"),
        ("penerima", "bank"),
    ],
    "spm": [("keperluan",)],
    "spj": [],
}


def longest_data(
    ws: Workspace, kind: str, spp: Data | None = None
) -> tuple[Data, list[str], dict[tuple[Any, ...], int]]:
    """The kind's example with every boxed field at the longest length docgen issues, one after another;
    the marks that end each value; and the lengths found."""
    data = example(kind)
    if kind in ("spp", "spj"):
        data = twelve_rows(kind, data)
    if spp is not None:  # the SPM repeats its SPP's number, amount, payee and charging per kode rekening
        data = {**data, "spp": spp["nomor"], "jumlah": spp["jumlah"], "penerima": spp["penerima"]}
        data["rincian"] = spp["rincian"]
    marks, found = [], {}
    for i, path in enumerate(FIELDS[kind]):
        mark = f"UJUNG{i}"
        n = longest(ws, kind, lambda n, data=data, path=path, mark=mark: put(data, path, text_of(n, mark)), 400)
        data, found[path] = put(data, path, text_of(n, mark)), n
        marks.append(mark)
    if kind in ("spp", "spj"):  # every row's uraian as long as row 1 takes
        most = URAIAN_MOST[kind]
        n = longest(ws, kind, lambda n: put(data, ("rincian", 0, "uraian"), text_of(n, "BARIS00")), most)
        for row in range(12):  # digits are all as wide: every row as long as the one probed
            data = put(data, ("rincian", row, "uraian"), text_of(n, f"BARIS{row:02d}"))
        marks += [f"BARIS{row:02d}" for row in range(12)]
        found[("rincian", "uraian")] = n
    if kind == "izin":  # as many two-line conditions as the list takes
        item = ITEM
        count = longest(ws, kind, lambda n: {**data, "syarat": [f"{item} ({k + 1})" for k in range(n)]}, 30)
        data = {**data, "syarat": [f"{item} ({k + 1})" for k in range(count)]}
        marks += [f"({k + 1})" for k in range(count)]
        found[("syarat",)] = count
    return data, marks, found


def issue_all(ws: Workspace) -> dict[str, tuple[Result, list[str], Data, dict[tuple[Any, ...], int]]]:
    """Every form kind issued with its longest values."""
    out = {}
    for kind in ("izin", "sertifikat-standar", "spp", "spm", "spj"):
        spp = {**out["spp"][2], "nomor": verified(ws, out["spp"][0].number)} if kind == "spm" else None
        data, marks, found = longest_data(ws, kind, spp)
        out[kind] = (generate(ws, kind, fresh(kind, data)), marks, data, found)
    return out


# -- the tests --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both papers, every kind at its longest: made once, read by several tests."""
    out: dict[str, Any] = {}
    for paper in ("A4", "F4"):
        root = copy_defaults(tmp_path_factory.mktemp(f"fit-{paper}") / "ws")
        profile = root / "docgen.toml"  # the paper is set before the register records the profile
        text = profile.read_text(encoding="utf-8")
        assert 'paper = "A4"' in text
        profile.write_text(text.replace('paper = "A4"', f'paper = "{paper}"', 1), encoding="utf-8")
        ws = load_workspace(root, env={})
        Register.create(ws).close()
        create_inbox(ws)
        out[paper] = (ws, issue_all(ws))
    return out


@pytest.mark.parametrize("paper", ["A4", "F4"])
def test_every_form_prints_its_longest_values_whole_at_8_pt_or_more(issued, paper):
    ws, results = issued[paper]
    for kind, (result, marks, _data, _found) in results.items():
        pdf = ws.root / result.path
        sizes = [(text, size) for text, size, *_ in runs(pdf)]
        small = [(text[:30], round(size, 2)) for text, size in sizes if size < 8 - 1e-6]
        assert not small, f"{kind} on {paper}: text below 8 pt {small}"
        text = flat(pdf)
        assert "…" not in text and "..." not in text, f"{kind}: an ellipsis on the page"
        missing = [mark for mark in marks if mark not in text]
        assert not missing, f"{kind} on {paper}: values cut, their last words missing: {missing}"
        assert kind in FLOWING or len(PdfReader(pdf).pages) == 1


@pytest.mark.parametrize("paper", ["A4", "F4"])
def test_every_form_short_and_long_is_saved_as_a_page_picture(issued, paper):
    """For a reviewer (test-artifacts/pages/, not committed): each form with its example and its longest data."""
    require("pdftoppm")
    ws, results = issued[paper]
    PAGES.mkdir(parents=True, exist_ok=True)
    for kind, (result, *_rest) in results.items():
        data = example(kind)
        if kind == "spm":
            spp = generate(ws, "spp", example("spp"))
            data = {**data, "spp": verified(ws, spp.number)}
        short = generate(ws, kind, data)
        for length, made in (("pendek", short), ("panjang", result)):
            png = render_page(ws.root / made.path, dpi=60, out=PAGES / f"{kind}-{paper}-{length}.png")
            assert png.stat().st_size > 5_000


def test_conditions_hang_under_their_text_left_aligned_never_stretched(issued):
    ws, results = issued["A4"]
    placed = runs(ws.root / results["izin"][0].path)
    items = [f"{ITEM} ({k})" for k in range(1, 31)]
    lines = [(text, x) for text, _s, x, _y in placed if len(text) > 3 and any(text in item for item in items)]
    rows = {round(y, 1) for text, _s, _x, y in placed if text.startswith("Pemegang izin")}
    # the numbers on the conditions' first lines (the legal basis above is a numbered list too)
    numbers = [x for text, _s, x, y in placed if re.fullmatch(r"\d+\.", text) and round(y, 1) in rows]
    firsts = [x for text, x in lines if text.startswith("Pemegang izin")]
    further = [x for text, x in lines if not text.startswith("Pemegang izin")]
    assert len(numbers) == len(firsts) >= 2 and further, "every condition is numbered and wraps"
    assert len({round(x, 1) for x in numbers}) == 1  # the numbers in one column
    assert len({round(x, 1) for x in firsts + further}) == 1  # further lines hang under the text, not the number
    assert min(firsts) > numbers[0]
    # left aligned: each line is one run of text (a stretched line is set word by word)
    assert all(" " in text for text, _x in lines if len(text) > 20)


@pytest.mark.parametrize("paper", ["A4", "F4"])
def test_the_longest_values_are_long_enough_for_real_documents(issued, paper):
    """The boxes hold what offices really write: a DPA sub kegiatan name, a business name, an address."""
    _ws, results = issued[paper]
    assert results["spp"][3][("kegiatan", "sub_kegiatan")] >= 120
    assert results["sertifikat-standar"][3][("nama_usaha",)] >= 120
    assert results["izin"][3][("pemohon", "alamat")] >= 120
    assert results["izin"][3][("syarat",)] >= 3  # two-line conditions
    assert results["spp"][3][("rincian", "uraian")] >= 50
    assert results["spj"][3][("rincian", "uraian")] >= 50


@pytest.mark.parametrize("paper", ["A4", "F4"])
def test_every_font_in_every_form_and_the_packet_cover_is_embedded(issued, paper, tmp_path):
    ws, results = issued[paper]
    for kind, (result, *_rest) in results.items():
        assert not_embedded(ws.root / result.path) == [], kind
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(draw_front(front(ws))[0])
    assert not_embedded(cover) == []


def front(ws: Workspace) -> Front:
    facts = (("Nomor SPP", "1/SPP/2026"),)
    return Front(ws.profile.office, ws.emblem, "LS Barang dan Jasa", facts, (("SPP", 1),), (), ws.profile.page.size_mm)


@pytest.mark.parametrize("paper", ["A4", "F4"])
def test_the_kop_is_the_profiles_printed_kop_in_every_form_and_the_packet_cover(issued, paper, tmp_path):
    ws, results = issued[paper]
    kop = printed_kop(ws.profile.office)
    expected = [line.text for line in kop.lines]
    assert len(expected) >= 4  # names and details, broken once
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(draw_front(front(ws))[0])
    pdfs = {kind: ws.root / result.path for kind, (result, *_rest) in results.items()} | {"sampul paket": cover}
    for name, pdf in pdfs.items():
        placed = runs(pdf)[: len(expected)]
        assert [text for text, *_ in placed] == expected, name
        assert [round(size, 2) for _, size, *_ in placed] == [line.size_pt for line in kop.lines], name


@pytest.mark.parametrize(("paper", "size"), [("A4", (210, 297)), ("F4", (215, 330))])
def test_the_profiles_paper_sets_every_forms_page_and_keeps_boxes_from_the_top(issued, paper, size, tmp_path):
    ws, results = issued[paper]
    cover = tmp_path / "cover.pdf"
    cover.write_bytes(draw_front(front(ws))[0])
    for page in PdfReader(cover).pages:
        assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == size
    a4 = issued["A4"][1]
    for kind, (result, *_rest) in results.items():
        box = PdfReader(ws.root / result.path).pages[0].mediabox
        across = size[::-1] if kind in LANDSCAPE else size  # the profile's paper still, turned
        assert (round(float(box.width) / MM), round(float(box.height) / MM)) == across, kind
        if kind in FLOWING:
            continue
        # the same text stands as far from the top edge; on F4 2.5 mm further right (the width split evenly)
        here = {t: (x, float(box.height) - y) for t, _s, x, y in runs(ws.root / result.path)}
        a4_pdf = issued["A4"][0].root / a4[kind][0].path
        there = {t: (x, 297 * MM - y) for t, _s, x, y in runs(a4_pdf)}
        label = {"izin": "Dengan ini diberikan izin kepada:", "sertifikat-standar": "Nama Pelaku Usaha"}.get(
            kind, "Tahun Anggaran"
        )
        shift = (size[0] - 210) / 2 * MM
        assert here[label][0] == pytest.approx(there[label][0] + shift, abs=0.05), kind
        assert here[label][1] == pytest.approx(there[label][1], abs=0.05), kind


def test_one_letter_more_than_the_longest_is_refused_naming_the_field_before_a_number(workspace):
    found = longest(
        workspace,
        "sertifikat-standar",
        lambda n: put(example("sertifikat-standar"), ("nama_usaha",), text_of(n, "X")),
        400,
    )
    before = count_rows(workspace, "numbers")
    with pytest.raises(RequestError) as caught:
        generate(
            workspace, "sertifikat-standar", put(example("sertifikat-standar"), ("nama_usaha",), FILLER[: found + 40])
        )
    assert count_rows(workspace, "numbers") == before
    message = str(caught.value)
    assert message.startswith("Kolom 'nama_usaha' (Nama Pelaku Usaha) terlalu panjang untuk kotaknya: muat ±")
    assert "baris" in message and "singkat isinya" in message and "\n" not in message


def test_too_many_conditions_are_refused_naming_the_list_before_a_number(workspace):
    before = count_rows(workspace, "numbers")
    with pytest.raises(RequestError, match=r"Kolom 'syarat' terlalu panjang untuk kotaknya: muat \d+ baris"):
        generate(workspace, "izin", {**example("izin"), "syarat": [FILLER[:150]] * 20})
    assert count_rows(workspace, "numbers") == before


def test_a_long_row_in_the_spp_is_refused_naming_it_before_a_number(workspace):
    data = twelve_rows("spp", example("spp"))
    before = count_rows(workspace, "numbers")
    # the flowing form wraps a long row; the field's limit keeps a pasted paragraph out, naming the row
    with pytest.raises(RequestError, match=r"'rincian\[5\]\.uraian' terlalu panjang \(paling banyak 200 karakter\)"):
        generate(workspace, "spp", put(data, ("rincian", 4, "uraian"), FILLER[:300]))
    assert count_rows(workspace, "numbers") == before


# -- layouts an office edits --------------------------------------------------------------------


def layout_with(ws: Workspace, change: Callable[[str], str]) -> Path:
    path = ws.root / "templates" / "coba.toml"
    path.write_text(change((ws.root / "templates" / "izin.toml").read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_a_layout_asking_for_type_below_8_pt_is_refused_naming_the_box(workspace):
    path = layout_with(workspace, lambda t: t.replace("min_size_pt = 8", "min_size_pt = 6", 1))
    with pytest.raises(ConfigError, match=r"box\[\d+\] meminta huruf di bawah 8 pt"):
        load_box_layout(path, workspace.root, profile=workspace.profile)


def test_a_box_reaching_into_the_kop_is_refused_naming_it(workspace):
    path = layout_with(workspace, lambda t: t.replace("y_mm = 46\n", "y_mm = 40\n", 1))
    with pytest.raises(ConfigError, match=r"box\[1\] menimpa kop"):
        load_box_layout(path, workspace.root, profile=workspace.profile)


def test_a_kop_taller_than_the_room_the_layout_keeps_is_refused(workspace):
    path = layout_with(workspace, lambda t: t.replace("h_mm = 34\n", "h_mm = 20\n", 1))
    with pytest.raises(ConfigError, match=r"kop profil setinggi [\d.]+ mm, \[kop\].h_mm hanya 20"):
        load_box_layout(path, workspace.root, profile=workspace.profile)


@pytest.mark.parametrize("family", ["Helvetica", "Times", "Courier"])
def test_a_layout_set_in_a_builtin_family_embeds_it(workspace, family, tmp_path):
    path = layout_with(workspace, lambda t: t.replace('font = "sans"', f'font = "{family}"', 1))
    layout = load_box_layout(path, workspace.root, profile=workspace.profile)
    kind = get_kind("izin")
    request = validate_request(kind, example("izin"), workspace.profile, roots=(workspace.root,))
    values = form_values(kind.render_context(request, workspace.profile, number="1"), layout)
    values.setdefault("dasar_dokumen_teks", "-")
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(draw_box_form(layout, values, qr_url="https://x/y", footer=["Catatan"]))
    assert not_embedded(pdf) == []
    assert "YAYASAN" in flat(pdf)


# -- the kop drawer other engines call ------------------------------------------------------------


def test_draw_kop_on_a_narrow_sheet_scales_the_whole_kop_and_keeps_its_breaks(workspace, tmp_path):
    kop = printed_kop(workspace.profile.office)
    regular, bold = embedded_fonts()
    pdf = tmp_path / "kop.pdf"
    c = Canvas(str(pdf), pagesize=(165 * MM, 200 * MM), initialFontName=regular)
    width = 140 * MM  # a half-folio disposition sheet's text width: 140 / 163 of the full kop
    bottom = draw_kop(
        c, kop, workspace.emblem, left=20 * MM, right=20 * MM + width, top=190 * MM, regular=regular, bold=bold
    )
    c.showPage()
    c.save()
    placed = runs(pdf)
    assert [text for text, *_ in placed] == [line.text for line in kop.lines]
    scale = 140 / 163
    assert [round(size, 2) for _, size, *_ in placed] == [round(line.size_pt * scale, 2) for line in kop.lines]
    assert 0 < bottom < placed[-1][3]  # the rule is under the last line


def test_draw_kop_refuses_a_sheet_so_narrow_its_lines_would_fall_below_8_pt(workspace, tmp_path):
    kop = printed_kop(workspace.profile.office)
    regular, bold = embedded_fonts()
    c = Canvas(str(tmp_path / "kop.pdf"), pagesize=(120 * MM, 200 * MM))
    with pytest.raises(ConfigError, match=r"Kop tidak muat di lebar 90 mm tanpa huruf di bawah 8 pt"):
        draw_kop(c, kop, None, left=10 * MM, right=100 * MM, top=190 * MM, regular=regular, bold=bold)


def test_a_typed_line_break_in_a_justified_box_does_not_stretch_the_line(workspace, tmp_path):
    """'hari/tanggal : ...' lines an office types stay as typed; only wrapped lines are justified."""
    path = layout_with(
        workspace,
        lambda t: t.replace(
            'text = "{objek}"\nx_mm = 65\ny_mm = 125.5\nw_mm = 125\nh_mm = 9.7\n',
            ('text = "{objek}"\nx_mm = 65\ny_mm = 125.5\nw_mm = 125\nh_mm = 24\nalign = "justify"\n'),
            1,
        ),
    )
    layout = load_box_layout(path, workspace.root, profile=workspace.profile)
    kind = get_kind("izin")
    item = ITEM[:140].rsplit(" ", 1)[0]  # two lines of the box, within the object's 160 letters
    typed = "hari : Senin\n" + item
    request = validate_request(
        kind, put(example("izin"), ("objek", "uraian"), typed), workspace.profile, roots=(workspace.root,)
    )
    values = form_values(kind.render_context(request, workspace.profile, number="1"), layout)
    pdf = tmp_path / "f.pdf"
    pdf.write_bytes(draw_box_form(layout, values, qr_url="", footer=[]))
    placed = [text for text, *_ in runs(pdf)]
    assert "hari : Senin" in placed  # one run: a stretched line is set word by word
    assert "Pemegang" in placed and "wajib" in placed  # the wrapped line above the paragraph's last is justified
    last = item.split()[-1]
    assert any(text.endswith(last) and " " in text for text in placed)  # the paragraph's last line is not
