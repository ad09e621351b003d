"""An izin reklame as the DPMPTSP prints it, read back from the PDF; what a permit type lacks is refused.

Each permit is made through the whole pipeline in a real workspace: a BAP, the rekomendasi resting
on it, then the izin resting on the rekomendasi. Its text is read back with pypdf, its layout with
pypdf's text positions; refusals are checked against the counters of the real SQLite register.
A picture of the page is kept in test-artifacts/pages/ for a person to look at.
"""

from __future__ import annotations

import copy
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import render_page, require
from pydantic import ValidationError
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.kinds.permits import Koordinat
from docgen.pdf import embedded_fonts
from docgen.pipeline import generate
from docgen.profile import PermitType, Workspace
from docgen.render.forms import wrap_text
from docgen.text import NBSP, tanggal

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "pages"
NASKAH = "TOKO MAJU ELEKTRONIK - Pusat Elektronik Terlengkap di Kota Pasuruan"
MM = 72 / 25.4


@pytest.fixture
def rekomendasi(workspace: Workspace) -> str:
    """The number of a rekomendasi izin reklame for the BAP example's applicant and billboard."""
    bap = generate(workspace, "bap", get_kind("bap").dated_example()).number
    data = copy.deepcopy(get_kind("rekomendasi").dated_example())
    data["bap"] = bap
    return generate(workspace, "rekomendasi", data).number


def reklame(rekomendasi: str, **objek: Any) -> dict[str, Any]:
    """An izin reklame for the BAP example's applicant (NIB, penanggung jawab) and its 4 m x 6 m, two-sided
    billboard, with ``objek`` changes (None removes a key)."""
    data = copy.deepcopy(get_kind("izin").dated_example())
    bap = get_kind("bap").example
    data.update(jenis="reklame", rekomendasi=rekomendasi, pemohon=copy.deepcopy(bap["pemohon"]))
    data["objek"] = {**copy.deepcopy(bap["objek"]), "reklame": {"jenis": "Billboard", "naskah": NASKAH}}
    data["objek"].update(objek)
    data["objek"] = {k: v for k, v in data["objek"].items() if v is not None}
    return data


def text_of(workspace: Workspace, path: str) -> str:
    """The page's text, a no-break space read as a space."""
    text = " ".join(PdfReader(workspace.root / path).pages[0].extract_text().split())
    return text.replace(NBSP, " ")


def table(pdf: Path) -> dict[str, str]:
    """The permit's ruled table as a reader sees it: each label cell's text -> the text of the cell
    beside it (pdfplumber reads the cells' borders and the words inside them)."""
    rows: dict[str, str] = {}
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        cells = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects if r["x1"] - r["x0"] > 40 * MM]
        for x0, top, x1, bottom in cells:
            beside = [c for c in cells if abs(c[0] - x1) < 0.5 and abs(c[1] - top) < 0.5]
            if beside:
                label = " ".join(page.crop((x0, top, x1, bottom)).extract_text().split())
                value = " ".join(page.crop(beside[0]).extract_text().split())
                rows[label] = value.replace(NBSP, " ")
    return rows


def counters(workspace: Workspace) -> dict[str, int]:
    """The register's counters as the SQLite file holds them: series -> last number given."""
    with sqlite3.connect(workspace.register_path) as conn:
        return dict(conn.execute("SELECT series, last_seq FROM counters").fetchall())


def tops(pdf: Path) -> dict[str, float]:
    """Each text run's distance from the top of the page (mm), static layer included."""
    out: dict[str, float] = {}
    height = float(PdfReader(pdf).pages[0].mediabox.height)

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: float) -> None:
        if text.strip():
            out.setdefault(text.strip(), (height - (tm[5] * cm[3] + cm[5])) / MM)

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return out


def test_an_izin_reklame_prints_identity_board_area_place_validity_basis_and_signer(workspace, rekomendasi):
    profile = workspace.profile
    result = generate(workspace, "izin", reklame(rekomendasi))
    text = text_of(workspace, result.path)
    rows = table(workspace.root / result.path)
    assert "IZIN REKLAME" in text and f"Nomor: {result.number}" in text and "IR-" in result.number
    # the applicant: NIB, holder and penanggung jawab with his post
    assert rows["NIB / NIK"] == "NIB 9120001234567"
    assert rows["Nama Pemegang Izin"] == "CV. Maju Jaya Reklame"
    assert rows["Penanggung Jawab"] == "Budi Santoso (Direktur)"
    # the board: jenis as the profile writes it ("Billboard" names "papan/billboard"), naskah, size and area
    assert rows["Jenis Reklame"] == "Papan/billboard"
    assert rows["Naskah Reklame"] == NASKAH
    assert rows["Ukuran"] == "4 m × 6 m, tinggi 8 m, 2 sisi"
    assert rows["Luas"] == "4 m × 6 m × 2 sisi = 48 m²"
    # where, in the profile's [perizinan] style, and for how long (a year less a day by default)
    point = Koordinat.model_validate("-7.6453, 112.9075").text(profile.perizinan.koordinat)
    assert point == "7,645300° LS; 112,907500° BT"
    assert rows["Lokasi"] == "Jl. Soekarno Hatta No. 12, Kelurahan Bugul Kidul, Kota Pasuruan"
    assert rows["Titik Koordinat"] == point
    start = date.today()
    until = date.fromordinal(start.replace(year=start.year + 1).toordinal() - 1)
    assert rows["Masa Berlaku"] == f"{tanggal(start)} s.d. {tanggal(until)}"
    # the legal basis and conditions from the profile, the rekomendasi it rests on
    permit = profile.izin["reklame"]
    assert permit.legal_basis and permit.conditions
    for n, regulation in enumerate(permit.legal_basis, 1):
        assert f"{n}. {regulation}" in text
    for n, condition in enumerate(permit.conditions, 1):
        assert f"{n}. {condition}" in text
    assert rows["Berdasarkan"] == f"Surat Rekomendasi Nomor {rekomendasi} tanggal {tanggal(start)}"
    # the signer: name, pangkat, NIP grouped
    kadis = profile.officials["kadis"]
    assert f"{kadis.name} {kadis.rank} NIP. 19780512 200501 1 002" in text
    require("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = render_page(workspace.root / result.path, dpi=60, out=ARTIFACTS / "izin-reklame.png")
    assert png.stat().st_size > 5_000


def test_the_area_is_reckoned_in_decimals_as_written(workspace, rekomendasi):
    size = {"panjang_m": 4.1, "lebar_m": 6, "tinggi_m": 8, "sisi": 2}
    result = generate(workspace, "izin", reklame(rekomendasi, ukuran=size))
    assert table(workspace.root / result.path)["Luas"] == "4,1 m × 6 m × 2 sisi = 49,2 m²"


def test_a_number_and_its_unit_are_never_parted_by_a_line_break_in_a_box():
    """The izin's texts bind each unit with a no-break space (``48\u00a0m²``); the boxes wrap only at
    ordinary spaces, so "m²" never starts a line alone (reportlab draws the no-break space as a space)."""
    regular, _bold = embedded_fonts()
    text = f"Luas bidang reklame seluruhnya 4{NBSP}m × 6{NBSP}m × 2{NBSP}sisi = 48{NBSP}m²"
    plain = text.replace(NBSP, " ")
    width = pdfmetrics.stringWidth(plain[: plain.rindex(" m²")], regular, 9) + 1  # room up to "48", not its unit
    assert wrap_text(plain, regular, 9, width)[-1] == "m²"  # what an ordinary space would do
    lines = wrap_text(text, regular, 9, width)
    assert lines[-1].endswith(f"48{NBSP}m²") and all(not line.startswith("m²") for line in lines)
    assert " ".join(lines).replace(NBSP, " ") == plain


def test_the_longest_allowed_board_text_prints_whole_and_one_letter_more_is_refused(workspace, rekomendasi):
    words = ("Pusat Elektronik dan Perabot Rumah Tangga Terlengkap di Kota Pasuruan " * 4)[:146].rstrip()
    naskah = f"{words} AKHR"[:150]
    assert len(naskah) == 150
    result = generate(workspace, "izin", reklame(rekomendasi, reklame={"jenis": "baliho", "naskah": naskah}))
    assert naskah in text_of(workspace, result.path)
    require("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    render_page(workspace.root / result.path, dpi=60, out=ARTIFACTS / "izin-reklame-naskah-terpanjang.png")
    before = counters(workspace)
    with pytest.raises(RequestError, match=r"'objek\.reklame\.naskah' terlalu panjang \(.*paling banyak 150"):
        generate(workspace, "izin", reklame(rekomendasi, reklame={"jenis": "baliho", "naskah": naskah + "X"}))
    assert counters(workspace) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"objek": {"reklame": {"jenis": "balon udara", "naskah": NASKAH}}},
            r"jenis reklame 'balon udara' tidak diizinkan di \[izin\.reklame\]; pilih: papan/billboard, "
            r"videotron/megatron, neon box, baliho, spanduk, umbul-umbul, kain, melekat/stiker, berjalan/kendaraan",
        ),
        (
            {"pemohon": {"nib": None}},
            r"izin reklame memerlukan NIB \(badan usaha\) atau NIK \(perorangan\) pemohon: isi 'pemohon\.nib' atau "
            r"'pemohon\.nik'",
        ),
        (
            {"objek": {"ukuran": {"panjang_m": 4, "tinggi_m": 8, "sisi": 2}}},
            r"izin reklame memerlukan 'objek\.ukuran' dengan panjang_m dan lebar_m \(luas dihitung darinya\)",
        ),
        ({"objek": {"ukuran": None}}, r"izin reklame memerlukan 'objek\.ukuran' dengan panjang_m dan lebar_m"),
        (
            {"objek": {"ukuran": {"panjang_m": 4, "lebar_m": 6}}},
            r"izin reklame memerlukan 'objek\.ukuran\.sisi' \(jumlah sisi reklame; luas dihitung per sisi\)",
        ),
        ({"objek": {"reklame": None}}, r"izin reklame memerlukan 'objek\.reklame' \{jenis, naskah\}"),
    ],
    ids=["jenis-not-allowed", "no-nib-nor-nik", "no-width", "no-size", "no-sides", "no-board"],
)
def test_what_an_izin_reklame_lacks_is_refused_naming_it_before_any_number(workspace, rekomendasi, change, message):
    data = reklame(rekomendasi)
    for part, fields in change.items():
        data[part] = {k: v for k, v in {**data[part], **fields}.items() if v is not None}
    before = counters(workspace)
    assert before.get("izin-reklame") is None and before.get("rekomendasi-pupr") == 1
    with pytest.raises(RequestError, match=message) as caught:
        generate(workspace, "izin", data)
    assert "\n" not in str(caught.value)
    assert counters(workspace) == before


def test_board_fields_on_a_permit_type_without_advertisement_are_refused_before_any_number(workspace):
    data = copy.deepcopy(get_kind("izin").dated_example())  # an izin pendidikan
    data["objek"]["reklame"] = {"jenis": "papan/billboard", "naskah": "TK BINA INSANI"}
    before = counters(workspace)
    with pytest.raises(
        RequestError,
        match=r"'objek\.reklame' hanya untuk izin reklame, izin operasional satuan pendidikan tidak memuat reklame "
        r"\(\[izin\.pendidikan\] tanpa advertisement\); hapus 'objek\.reklame' atau pilih jenis izin reklame",
    ):
        generate(workspace, "izin", data)
    assert counters(workspace) == before
    assert generate(workspace, "izin", get_kind("izin").dated_example()).number  # without it, issued
    assert counters(workspace) == {**before, "izin-pendidikan": 1}


def test_a_person_holding_a_reklame_is_named_by_nik_and_answers_for_it_himself(workspace, rekomendasi):
    data = reklame(rekomendasi)
    data["pemohon"] = {"nama": "CV. Maju Jaya Reklame", "alamat": "Jl. Pahlawan No. 27", "nik": "3575011203850004"}
    rows = table(workspace.root / generate(workspace, "izin", data).path)
    assert rows["NIB / NIK"] == "NIK 3575011203850004"
    assert rows["Penanggung Jawab"] == "CV. Maju Jaya Reklame"


def test_a_permit_without_a_board_leaves_its_rows_out_and_the_rows_below_close_up(workspace, rekomendasi):
    board = workspace.root / generate(workspace, "izin", reklame(rekomendasi)).path
    school = workspace.root / generate(workspace, "izin", get_kind("izin").dated_example()).path
    text, rows = text_of(workspace, str(school.relative_to(workspace.root))), table(school)
    for label in ("NIB / NIK", "Jenis Reklame", "Naskah Reklame", "Ukuran", "Luas", "Titik Koordinat", "Berdasarkan"):
        assert label not in text, label
    assert rows["Penanggung Jawab"] == "Drs. H. MUHAMMAD SHOLEH" and "Dasar hukum" in text
    assert list(rows) == ["Nama Pemegang Izin", "Alamat Pemegang Izin", "Penanggung Jawab", "Objek Izin", "Lokasi",
                          "Masa Berlaku"]  # fmt: skip
    above, below = tops(board), tops(school)
    # left out above Masa Berlaku: NIB/NIK, jenis, ukuran, luas, koordinat (5.9 mm) and naskah (9.7 mm)
    assert above["Masa Berlaku"] - below["Masa Berlaku"] == pytest.approx(5 * 5.9 + 9.7, abs=0.05)
    assert above["Lokasi"] - below["Lokasi"] == pytest.approx(4 * 5.9 + 9.7, abs=0.05)
    assert above["Objek Izin"] - below["Objek Izin"] == pytest.approx(5.9, abs=0.05)
    assert above["Nama Pemegang Izin"] == pytest.approx(below["Nama Pemegang Izin"], abs=0.05)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"advertisement": True}, r"advertisement = true memerlukan advertisement_types"),
        ({"advertisement_types": ["baliho"]}, r"advertisement_types hanya untuk jenis izin reklame"),
        (
            {"advertisement": True, "advertisement_types": ["Baliho", "baliho"]},
            r"advertisement_types berisi jenis reklame yang sama dua kali",
        ),
        ({"legal_basis": ["UU 1/2022", " "]}, r"berisi butir kosong"),
    ],
)
def test_a_permit_type_with_a_wrong_reklame_setting_is_refused_when_the_profile_loads(settings, message):
    with pytest.raises(ValidationError, match=message):
        PermitType(title="IZIN REKLAME", series="izin-reklame", **settings)


def test_a_jenis_reklame_is_found_whole_or_by_one_of_its_names_in_any_case():
    permit = PermitType(
        title="IZIN REKLAME",
        series="izin-reklame",
        advertisement=True,
        advertisement_types=["papan/billboard", "neon box"],
    )
    assert permit.advertisement_type("BILLBOARD") == "papan/billboard"
    assert permit.advertisement_type(" Papan / Billboard ") == "papan/billboard"
    assert permit.advertisement_type("neon  box") == "neon box"
    assert permit.advertisement_type("neon") is None
    assert permit.advertisement_type("papan/billboard/videotron") is None


def test_a_penanggung_jawab_too_long_for_its_row_is_refused_by_the_trial_render_before_any_number(
    workspace, rekomendasi
):
    data = reklame(rekomendasi)
    data["pemohon"]["penanggung_jawab"] = "Prof. Dr. Ir. H. MUHAMMAD ABDURRAHMAN WICAKSONO SETYO BUDI NUGROHO " * 4
    before = counters(workspace)
    with pytest.raises(
        RequestError, match=r"Kolom 'penanggung_jawab' \(Penanggung Jawab\) terlalu panjang untuk kotaknya: muat ±\d+"
    ):
        generate(workspace, "izin", data)
    assert counters(workspace) == before
