"""The SK and the BAP print their content the way a clerk signs it, proven on real LibreOffice PDFs.

Each document is generated once through the pipeline (short and long data, A4 as shipped) and read
back with poppler's ``pdftotext -bbox-layout``: words with their page and position. The checks
are about what a reader sees: an 18-digit NIP on one printed line, the member table's header on
every page it runs over, coordinates in the profile's style, the area reckoned with its unit on
the number's line, the Dasar with numbers and dates, the certified-copy block only on a copy, and
marks hanging so the text after them starts in one column. Every page is saved as a PNG under
``test-artifacts/pages/`` for a reviewer.
"""

from __future__ import annotations

import copy
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import require
from test_bap import lines, output, refused

from docgen.kinds import get_kind
from docgen.kinds.permits import Koordinat, Ukuran
from docgen.pipeline import generate
from docgen.profile import Workspace, load_workspace
from docgen.register import Register
from docgen.text import koordinat, luas, rincian

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "pages"
XHTML = "{http://www.w3.org/1999/xhtml}"
POINT = (-7.645123, 112.912345)  # the brief's point: 7°38'42,4" LS 112°54'44,4" BT


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    line: int  # words of one printed line share this


@dataclass(frozen=True)
class Printed:
    """A generated PDF as poppler reads it."""

    words: list[Word]  # in reading order: printed line by printed line, left to right
    pages: int

    def lines(self) -> dict[int, list[Word]]:
        found: dict[int, list[Word]] = {}
        for word in self.words:
            found.setdefault(word.line, []).append(word)
        return found

    def line_texts(self) -> list[tuple[int, str]]:
        return [(ws[0].page, " ".join(w.text for w in ws)) for ws in self.lines().values()]

    def text(self, page: int | None = None) -> str:
        """All words in reading order, single-spaced (a non-breaking space reads as a space)."""
        return " ".join(w.text for w in self.words if page is None or w.page == page)

    def line_start(self, line: int) -> Word:
        """The leftmost word of printed line ``line``."""
        return next(w for w in self.words if w.line == line)

    def first(self, text: str, after: Word | None = None) -> Word:
        """The first word ``text`` in reading order, after the word ``after`` when given."""
        start = 0 if after is None else self.words.index(after) + 1
        return next(w for w in self.words[start:] if w.text == text)


def _later(word: Word, than: Word) -> bool:
    return (word.page, word.y0) > (than.page, than.y0 + 1)


def read_pdf(path: Path) -> Printed:
    """Words in visual reading order: poppler's own lines split a row at every tab or cell, so
    words whose tops lie within 2.5 pt on one page are taken as one printed line, left to right."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True)
    root = ET.fromstring(out.stdout)
    raw: list[tuple[int, float, float, float, str]] = []
    count = 0
    for number, page in enumerate(root.iter(f"{XHTML}page"), 1):
        count = number
        for word in page.iter(f"{XHTML}word"):
            x0, y0, x1 = (float(word.get(k) or 0) for k in ("xMin", "yMin", "xMax"))
            for part in (word.text or "").replace("\u00a0", " ").split():
                raw.append((number, y0, x0, x1, part))
    raw.sort()
    words: list[Word] = []
    line, top, page_of = 0, -100.0, 0
    for number, y0, x0, x1, part in raw:
        if number != page_of or y0 - top > 2.5:
            line, top, page_of = line + 1, y0, number
        words.append(Word(number, part, x0, y0, x1, line))
    words.sort(key=lambda w: (w.line, w.x0))
    return Printed(words, count)


def save_pages(pdf: Path, name: str) -> None:
    """Every page as a PNG at 60 dpi, for the reviewer and the README."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / name)], check=True)
    assert list(ARTIFACTS.glob(f"{name}-*.png"))


def nip(n: int) -> str:
    return f"19900114 201503 1 {n:03d}"


MEMBERS = [
    {
        "nama": f"Dr. Ir. RADEN AJENG SRI WAHYUNINGSIH KUSUMAWARDHANI ANGGOTA{n:02d}, S.T., M.T.",
        "nip": nip(n).replace(" ", ""),
        "jabatan": "Penata Perizinan Ahli Muda pada Bidang Pelayanan Perizinan dan Nonperizinan",
        "jabatan_tim": "Anggota",
    }
    for n in range(1, 61)
]
SUB_DIKTUM = (
    "Tim bertugas:\n"
    "a. memeriksa lokasi, ukuran, konstruksi dan titik koordinat reklame yang dimohonkan di lapangan;\n"
    "b. menyusun berita acara pemeriksaan lapangan; dan\n"
    "c. melaporkan hasilnya kepada Kepala Dinas."
)


def sk_long() -> dict[str, Any]:
    data = copy.deepcopy(get_kind("keputusan").dated_example())
    data["menimbang"] = data["menimbang"] * 3
    data["mengingat"] = data["mengingat"] * 3
    data["diktum"] = [
        data["diktum"][0],
        SUB_DIKTUM,
        "Dalam melaksanakan tugasnya Tim bertanggung jawab kepada Kepala Dinas dan menyampaikan laporan:",
        "a. setiap selesai pemeriksaan lapangan;",
        "b. secara berkala setiap tiga bulan.",
        *data["diktum"][2:],
    ]
    data["tembusan"] = [f"Kepala Perangkat Daerah Nomor {n} Kota Pasuruan" for n in range(1, 13)]
    data["lampiran"] = {"judul": data["lampiran"]["judul"], "anggota": MEMBERS}
    data["salinan"] = True
    return data


def bap_data(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind("bap").dated_example())
    data["objek"]["koordinat"] = {"lintang": POINT[0], "bujur": POINT[1]}
    data.update(changes)
    return data


def bap_long() -> dict[str, Any]:
    objek = {**bap_data()["objek"], "ukuran": {"panjang_m": 4.5, "lebar_m": 3.25, "tinggi_m": 7.5, "sisi": 2}}
    findings = [
        f"Temuan ke-{n}: bidang reklame, tiang dan pondasinya diperiksa dan diukur oleh tim bersama pemohon "
        "di lokasi, hasilnya dicatat dalam lembar ukur."
        for n in range(1, 15)
    ]
    findings.insert(2, "Konstruksi tiang:\na. tiang baja diameter 30 cm;\nb. pondasi beton 1,5 m × 1,5 m × 2 m.")
    return bap_data(
        objek=objek,
        tim=["penata-perizinan", "teknik-pupr", "satpol-pp"] * 2,
        temuan=findings,
        kesimpulan="tidak sesuai",
        perbaikan=[f"Perbaikan ke-{n}: sesuaikan konstruksi dengan gambar permohonan." for n in range(1, 7)],
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    """Every document of this module, made once: the conversions are what takes the time."""
    require("soffice", "pdftotext", "pdftoppm")
    from docgen.pipeline import create_workspace

    root = tmp_path_factory.mktemp("decree")
    base = create_workspace(root / "ws")
    styles = {"desimal-arah": base}
    for style in ("desimal", "dms"):  # one register per style: a register holds one profile
        ws = create_workspace(root / style)
        styles[style] = load_workspace(ws.root, env={"DOCGEN_PERIZINAN__KOORDINAT": style})
    jobs: dict[str, tuple[Workspace, str, dict[str, Any]]] = {
        "sk-pendek": (base, "keputusan", get_kind("keputusan").dated_example()),
        "sk-panjang": (base, "keputusan", sk_long()),
        "bap-pendek": (base, "bap", bap_data()),
        "bap-desimal": (styles["desimal"], "bap", bap_data()),
        "bap-panjang": (styles["dms"], "bap", bap_long()),
    }
    found = {}
    for name, (ws, kind, data) in jobs.items():
        pdf = output(ws, generate(ws, kind, data, pdf=True), "pdf")
        save_pages(pdf, name)
        found[name] = read_pdf(pdf)
    return found


# -- SK lampiran -------------------------------------------------------------------------------


def test_a_sixty_member_lampiran_prints_every_spaced_nip_on_one_line_and_keeps_rows_whole(
    made: dict[str, Printed],
) -> None:
    sk = made["sk-panjang"]
    texts = sk.line_texts()
    for n in range(1, 61):
        on_lines = [page for page, text in texts if nip(n) in text]
        assert len(on_lines) == 1, (n, [t for _, t in texts if nip(n)[:8] in t][:3])
        name_page = sk.first(f"ANGGOTA{n:02d},").page
        assert name_page == on_lines[0], f"row {n} split over pages {name_page} and {on_lines[0]}"


def test_the_member_tables_header_row_heads_every_page_it_runs_over(made: dict[str, Printed]) -> None:
    sk = made["sk-panjang"]
    pages = sorted({w.page for w in sk.words if w.text == "19900114"})
    assert len(pages) >= 3, pages  # 60 long rows flow over several pages
    for page in pages:
        first_row = min(w.y0 for w in sk.words if w.page == page and w.text == "19900114")
        header = {w.text for w in sk.words if w.page == page and w.y0 < first_row}
        assert {"No", "Nama", "NIP", "Jabatan", "dalam", "Tim", "Dinas"} <= header, (page, sorted(header)[:20])


def test_the_lampiran_heading_tentang_runs_at_a_readable_width(made: dict[str, Printed]) -> None:
    sk = made["sk-pendek"]
    tentang = sk.first("TENTANG", after=sk.first("LAMPIRAN"))
    value = [w for w in sk.words if w.line == sk.first("PEMBENTUKAN", after=tentang).line]
    assert value[-1].x1 - value[0].x0 > 200, " ".join(w.text for w in value)  # 7 cm and more, not 3 words


# -- SK hanging marks and sub-items --------------------------------------------------------------


def test_diktum_sub_items_hang_after_their_mark_and_the_line_before_them_is_not_stretched(
    made: dict[str, Printed],
) -> None:
    sk = made["sk-panjang"]
    intro = sk.first("bertugas:")
    a = sk.first("a.", after=intro)
    text = sk.first("memeriksa", after=intro)
    wrapped = sk.line_start(text.line + 1)
    assert a.line == text.line and a.x0 < text.x0 - 10  # the mark in its column, the text after it
    assert wrapped.line != text.line and abs(wrapped.x0 - text.x0) < 1  # every line of it in that column
    start = sk.first("Tim", after=sk.first("KEDUA"))
    assert abs(a.x0 - start.x0) < 1  # the sub-items sit under the diktum's own text
    right = max(w.x1 for w in sk.words if w.page == intro.page)
    assert intro.x1 < right - 60, "the typed line break was stretched edge to edge"
    ordinals = ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH")
    labels = [w.text for w in sk.words if w.text in ordinals and w.x0 < 100]
    assert labels == list(ordinals[:5])  # "a. ..." typed as items of their own stayed in KETIGA
    setiap = sk.first("setiap", after=sk.first("laporan:"))
    assert abs(sk.first("a.", after=sk.first("laporan:")).x0 - start.x0) < 1 and setiap.x0 > start.x0 + 10


def test_menimbang_items_wrap_under_their_text_not_under_their_letter(made: dict[str, Printed]) -> None:
    sk = made["sk-pendek"]
    b = sk.first("b.", after=sk.first("Menimbang"))
    text = sk.first("bahwa", after=b)
    assert text.line == b.line
    next_line = sk.line_start(b.line + 1)
    assert abs(next_line.x0 - text.x0) < 1, next_line


# -- SK salinan ----------------------------------------------------------------------------------


def test_the_certified_copy_block_prints_only_on_a_copy_left_of_the_signature(made: dict[str, Printed]) -> None:
    assert "Salinan sesuai dengan aslinya" not in made["sk-pendek"].text()
    copy_ = made["sk-panjang"]
    text = copy_.text()
    assert text.count("Salinan sesuai dengan aslinya Sekretaris, SITI RAHAYU, S.H., M.H. Pembina") == 2, text[-600:]
    assert text.count("NIP 19820315 200604 2 003") == 2  # on the decree and on its lampiran
    salinan = copy_.first("Salinan")
    head = copy_.first("SANTOSO,")
    assert salinan.x1 < head.x0 and _later(salinan, head)  # under the signature, at the left


def test_a_copy_names_another_certifier_or_is_refused_with_the_officials_to_choose(workspace: Workspace) -> None:
    data = get_kind("keputusan").dated_example() | {"salinan": "kabid-ptsp", "lampiran": None}
    text = lines(output(workspace, generate(workspace, "keputusan", data)))
    at = text.index("Salinan sesuai dengan aslinya")
    assert [line for line in text[at:] if line][:5] == [
        "Salinan sesuai dengan aslinya",
        "Kepala Bidang Pelayanan Terpadu Satu Pintu,",
        "AHMAD FAUZI, S.T.",
        "Penata Tingkat I",
        "NIP 19850720 201001 1 004",
    ]
    bad = get_kind("keputusan").dated_example() | {"salinan": "juru-salin"}
    refused(workspace, "keputusan", bad, "salinan", "pejabat 'juru-salin' (salinan) tidak ada di [officials]")


# -- BAP -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "point"),
    [
        ("bap-pendek", "7,645123° LS; 112,912345° BT"),
        ("bap-desimal", "-7,645123; 112,912345"),
        ("bap-panjang", "7°38'42,4\" LS 112°54'44,4\" BT"),
    ],
)
def test_coordinates_print_in_the_profiles_style_with_a_decimal_comma(
    made: dict[str, Printed], name: str, point: str
) -> None:
    assert f"Koordinat : {point} " in made[name].text()


@pytest.mark.parametrize(
    ("name", "area"),
    [("bap-pendek", "4 m × 6 m × 2 sisi = 48 m²"), ("bap-panjang", "4,5 m × 3,25 m × 2 sisi = 29,25 m²")],
)
def test_the_area_is_reckoned_and_its_unit_stays_on_the_numbers_line(
    made: dict[str, Printed], name: str, area: str
) -> None:
    bap = made[name]
    lines_with_unit = [text for _, text in bap.line_texts() if "m²" in text]
    assert any(text.endswith(area) for text in lines_with_unit), lines_with_unit
    for text in lines_with_unit:
        assert not text.startswith("m²"), text


def test_the_area_binds_number_and_unit_with_a_non_breaking_space(workspace: Workspace) -> None:
    text = lines(output(workspace, generate(workspace, "bap", bap_data())))
    assert "Luas | : | 4\u00a0m × 6\u00a0m × 2\u00a0sisi = 48\u00a0m²" in text


def test_the_dasar_lists_the_assignment_and_the_application_with_numbers_and_dates(made: dict[str, Printed]) -> None:
    text = made["bap-pendek"].text()
    assert (
        "Dasar : 1. Surat Tugas Kepala Dinas Nomor 800.1.11.1/412/423.105/2026 tanggal 24 November 2026; "
        "2. Surat permohonan Izin Reklame dari CV. Maju Jaya Reklame Nomor 017/MJR/XI/2026 tanggal "
        "20 November 2026. Pada hari ini"
    ) in text, text[:900]


def test_an_sk_tim_as_the_assignment_is_cited_with_its_title(workspace: Workspace) -> None:
    tugas = {"jenis": "SK Tim", "nomor": "100.3.3/5/423.105/2026", "tanggal": date.today().isoformat(),
             "tentang": "Pembentukan Tim Teknis Reklame"}  # fmt: skip
    data = bap_data(dasar={"tugas": tugas, "permohonan": {"nomor": "12/2026", "tanggal": date.today().isoformat()}})
    text = lines(output(workspace, generate(workspace, "bap", data)))
    day = f"{date.today().day} "
    dasar = next(line for line in text if line.startswith("Dasar | : | "))
    assert (
        dasar.startswith(f"Dasar | : | 1.\tKeputusan Kepala Dinas Nomor 100.3.3/5/423.105/2026 tanggal {day}")
        and "tentang Pembentukan Tim Teknis Reklame;\n2.\tSurat permohonan Izin Reklame" in dasar
    )


@pytest.mark.parametrize(
    ("dasar", "field", "words"),
    [
        (None, "dasar", "wajib diisi"),
        (
            lambda d: d | {"permohonan": {"nomor": "12/2026", "tanggal": (date.today() + timedelta(1)).isoformat()}},
            "dasar",
            "sesudah tanggal pemeriksaan",
        ),
        (lambda d: d | {"permohonan": {"nomor": "12/2026", "tanggal": "2026-02-30"}}, "dasar.permohonan.tanggal",
         "tidak ada di kalender"),
        (lambda d: d | {"tugas": {"nomor": " ", "tanggal": date.today().isoformat()}}, "dasar.tugas.nomor",
         "tidak boleh kosong"),
    ],
    ids=["missing", "after-inspection", "no-such-day", "empty-number"],
)  # fmt: skip
def test_a_wrong_dasar_is_refused_naming_the_field_and_takes_no_number(
    workspace: Workspace, dasar: Callable[[dict[str, Any]], dict[str, Any]] | None, field: str, words: str
) -> None:
    data = bap_data()
    if dasar is None:
        del data["dasar"]
    else:
        data["dasar"] = dasar(data["dasar"])
    refused(workspace, "bap", data, field, words)
    with Register.open(workspace) as reg:
        assert reg.numbers() == []


def test_the_applicants_post_prints_under_the_name_that_signs(made: dict[str, Printed]) -> None:
    bap = made["bap-pendek"]
    name = bap.first("Budi", after=bap.first("Pemohon,"))
    post = bap.first("Direktur", after=name)
    assert post.page == name.page and 0 < post.y0 - name.y0 < 30


def test_findings_hang_after_their_numbers_and_typed_sub_lines_hang_under_them(made: dict[str, Printed]) -> None:
    bap = made["bap-panjang"]
    heading = bap.first("Hasil")
    one = bap.first("1.", after=heading)
    text = bap.first("Temuan", after=heading)
    assert one.line == text.line and one.x0 < text.x0 - 5
    wrapped = bap.line_start(text.line + 1)
    assert abs(wrapped.x0 - text.x0) < 1, wrapped  # the finding's second line starts under its text
    intro = bap.first("tiang:")
    a = bap.first("a.", after=intro)
    assert abs(a.x0 - text.x0) < 1 and bap.first("tiang", after=a).x0 > a.x0 + 10
    right = max(w.x1 for w in bap.words if w.page == intro.page)
    assert intro.x1 < right - 200, "the line before a typed break was stretched edge to edge"


def test_the_closing_formula_shares_its_page_with_the_signatures(made: dict[str, Printed]) -> None:
    for name in ("bap-pendek", "bap-panjang"):
        bap = made[name]
        closing = bap.first("Demikian")
        assert bap.first("Tim", after=closing).page == closing.page
        assert bap.first("Pemohon,").page == closing.page  # the short team and the applicant: one block


def test_the_closing_diktum_moves_with_the_signature_rather_than_leave_it_alone(made: dict[str, Printed]) -> None:
    for name in ("sk-pendek", "sk-panjang"):
        sk = made[name]
        enacted = sk.first("Ditetapkan")
        last = sk.first("berlaku", after=sk.first("MEMUTUSKAN:"))
        head = sk.first("SANTOSO,", after=enacted)
        assert last.page == enacted.page == head.page, (name, last.page, enacted.page, head.page)
        decided = sk.first("MEMUTUSKAN:")
        assert sk.first("KESATU", after=decided).page == decided.page  # the heading is never left alone


# -- the pure formatters, against values worked out by hand ------------------------------------


@pytest.mark.parametrize(
    ("point", "style", "printed"),
    [
        ((-7.645123, 112.912345), "desimal", "-7,645123; 112,912345"),
        ((-7.645123, 112.912345), "desimal-arah", "7,645123° LS; 112,912345° BT"),
        ((-7.645123, 112.912345), "dms", "7°38'42,4\" LS 112°54'44,4\" BT"),
        ((1.5, 124.8), "dms", "1°30'00,0\" LU 124°48'00,0\" BT"),  # north of the equator: LU
        ((-7.99999, 112.0), "dms", "8°00'00,0\" LS 112°00'00,0\" BT"),  # 59,96" rounds up into a degree
        ((-0.0001, 100.0), "desimal", "-0,000100; 100,000000"),
    ],
    ids=["desimal", "arah", "dms", "north", "carry", "equator"],
)
def test_koordinat_writes_a_point_the_indonesian_way(point: tuple[float, float], style: str, printed: str) -> None:
    assert koordinat(*point, style) == printed


def test_koordinat_refuses_a_style_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="desimal, desimal-arah, dms"):
        koordinat(-7.6, 112.9, "utm")


@pytest.mark.parametrize(
    ("value", "printed"),
    [(48, "48"), (24.6, "24,6"), (7.875, "7,88"), (1250000, "1.250.000"), (0.5, "0,5"), (29.25, "29,25")],
)
def test_luas_prints_a_decimal_comma_and_binds_the_unit(value: float, printed: str) -> None:
    assert luas(value) == f"{printed}\u00a0m²"


@pytest.mark.parametrize(
    ("size", "area", "shown"),
    [
        ({"panjang_m": 4, "lebar_m": 6, "sisi": 2}, "48", "4\u00a0m × 6\u00a0m × 2\u00a0sisi = 48\u00a0m²"),
        ({"panjang_m": 4.1, "lebar_m": 6}, "24.6", "4,1\u00a0m × 6\u00a0m = 24,6\u00a0m²"),  # not 24,599999
        ({"panjang_m": 4, "tinggi_m": 8}, None, ""),  # one side only: no area to reckon
    ],
)
def test_the_area_is_width_by_height_by_faces(size: dict[str, float], area: str | None, shown: str) -> None:
    ukuran = Ukuran(**size)
    assert (str(ukuran.luas_m2().normalize()) if ukuran.luas_m2() is not None else None) == area
    assert ukuran.luas_text() == shown


def test_a_point_typed_with_decimal_commas_is_kept_as_numbers() -> None:
    assert Koordinat.model_validate("-7,645123; 112,912345").model_dump() == {"lintang": -7.645123, "bujur": 112.912345}
    assert Koordinat.model_validate("-7.645123, 112.912345").model_dump() == {"lintang": -7.645123, "bujur": 112.912345}


def test_rincian_splits_typed_sub_lines_and_keeps_unmarked_lines_as_paragraphs() -> None:
    assert rincian("Tim bertugas:\n a. memeriksa;\n\nb) melapor.\nselesai") == {
        "teks": "Tim bertugas:",
        "rincian": [
            {"tanda": "a.", "teks": "memeriksa;"},
            {"tanda": "b)", "teks": "melapor."},
            {"tanda": "", "teks": "selesai"},
        ],
    }
    assert rincian("Satu baris saja.") == {"teks": "Satu baris saja.", "rincian": []}


def test_a_salinan_typed_as_ya_in_a_form_means_the_profiles_certifier(workspace: Workspace) -> None:
    data = get_kind("keputusan").dated_example() | {"salinan": "ya", "lampiran": None}
    text = lines(output(workspace, generate(workspace, "keputusan", data)))
    assert text[text.index("Salinan sesuai dengan aslinya") + 1] == "Sekretaris,"
    plain = lines(output(workspace, generate(workspace, "keputusan", data | {"salinan": "tidak"})))
    assert "Salinan sesuai dengan aslinya" not in plain


def test_every_bap_heading_shares_its_page_with_what_it_introduces(made: dict[str, Printed]) -> None:
    for name in ("bap-pendek", "bap-panjang"):
        bap = made[name]
        pairs = [("ini:", "No"), ("oleh:", "pemohon"), ("diperiksa:", "Objek"), ("pemeriksaan:", "1.")]
        pairs.append(("Kesimpulan:", "Berdasarkan"))
        pairs.append(("Dokumentasi", "Foto"))
        for heading, first in pairs:
            word = bap.first(heading)
            assert bap.first(first, after=word).page == word.page, (name, heading)
