"""The four Word kinds flow across pages as a careful clerk would sign them (issue 23).

Every document here goes the way the pipeline makes it (the kind's maker, the office's profile),
through one real LibreOffice call, and the PDF is read back with poppler's ``pdftotext
-bbox-layout``: which page each line is on and where. Letters of 1 to 40 paragraphs and 1 to 12
tembusan move the page break across the body, the signature block and the tembusan; a short and
a long page of each kind are saved under ``test-artifacts/pages/`` for a reviewer to look at.
"""

from __future__ import annotations

import copy
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, render_page, require
from pdf_lines import MM, Page, page_of, read_pages, text_sizes

from docgen.kinds import get_kind, validate_request
from docgen.makers import maker_for
from docgen.pdf.convert import ColdConverter
from docgen.profile import Workspace, copy_defaults, load_workspace

ARTIFACTS = REPO / "test-artifacts" / "pages"
SIGNER = "Dr. BUDI SANTOSO, S.Sos., M.Si."  # the shipped profile's kadis
CLOSING = "Demikian surat ini kami sampaikan, atas perhatian dan kerja sama Saudara diucapkan terima kasih."
UNDANGAN = (
    "Sehubungan dengan hal tersebut, kami mengundang Saudara untuk hadir pada:\n"
    "hari/tanggal : Senin, 7 Desember 2026\n"
    "pukul : 09.00 WIB s.d. selesai\n"
    "tempat : Aula DPMPTSP Kota Pasuruan, Jl. Pahlawan Nomor 28, Pasuruan\n"
    "acara : Sosialisasi Perizinan Berusaha Berbasis Risiko"
)
SHORT_LINE = "Baris pendek diketik sendiri"  # a typed line break follows it inside a justified paragraph
LETTER_LENGTHS = range(1, 41, 3)  # 1, 4, ..., 40 body paragraphs
DECREE_DIKTA = range(2, 13)  # one more diktum each: the break moves through the decree's end
BAP_FINDINGS = range(2, 31, 2)  # no photos: the break moves through the closing and the signature table


# -- the documents ---------------------------------------------------------------------------


def example(kind: str) -> dict[str, Any]:
    return copy.deepcopy(get_kind(kind).dated_example())


def letter(paragraphs: int, tembusan: int, **changes: Any) -> dict[str, Any]:
    """A surat keluar of ``paragraphs`` body paragraphs of varied length, the last the closing."""
    data = example("surat-keluar")
    filler = "Pelaku usaha wajib memenuhi persyaratan perizinan berusaha berbasis risiko melalui sistem OSS. "
    body = [f"Paragraf {i} isi surat. " + filler * (1 + i % 4) for i in range(1, paragraphs)]
    data["isi"] = [*body, CLOSING]
    data["tembusan"] = [f"Tembusan nomor {i} kepada Kepala Perangkat Daerah" for i in range(1, tembusan + 1)]
    return data | changes


def long_decree() -> dict[str, Any]:
    data = example("keputusan")
    data["menimbang"] = data["menimbang"] * 3
    data["mengingat"] = data["mengingat"] * 4
    data["diktum"] = data["diktum"][:-1] * 3 + data["diktum"][-1:]
    return data


def decree(dikta: int) -> dict[str, Any]:
    data = example("keputusan") | {"lampiran": None}
    body = data["diktum"][:-1]
    data["diktum"] = [body[i % len(body)] for i in range(dikta - 1)] + data["diktum"][-1:]
    return data


def long_bap(findings: int = 15) -> dict[str, Any]:
    data = example("bap")
    data["temuan"] = [f"Temuan ke-{i}: " + data["temuan"][i % 3] for i in range(1, findings + 1)]
    return data


def long_rekomendasi(**changes: Any) -> dict[str, Any]:
    data = example("rekomendasi")
    data["syarat"] = [f"Ketentuan ke-{i}: " + data["syarat"][i % 3] for i in range(1, 25)]
    data["tembusan"] = [f"Tembusan nomor {i} kepada Kepala Perangkat Daerah" for i in range(1, 11)]
    return data | changes


def documents() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """name -> (workspace: a4/f4/bottom, kind, request)."""
    docs: dict[str, tuple[str, str, dict[str, Any]]] = {
        f"surat-{n}": ("a4", "surat-keluar", letter(n, 1 + n % 12)) for n in LETTER_LENGTHS
    }
    docs |= {f"keputusan-{n}": ("a4", "keputusan", decree(n)) for n in DECREE_DIKTA}
    docs |= {f"bap-{n}": ("a4", "bap", long_bap(n) | {"foto": []}) for n in BAP_FINDINGS}
    docs |= {
        "surat-pendek": ("a4", "surat-keluar", letter(2, 1, isi=[UNDANGAN, f"{SHORT_LINE}\nlalu baris dua.", CLOSING])),
        "surat-rahasia": ("a4", "surat-keluar", letter(25, 12, sifat="Rahasia")),
        "surat-f4": ("f4", "surat-keluar", letter(25, 3)),
        "surat-bawah": ("bottom", "surat-keluar", letter(25, 3)),
        "keputusan-pendek": ("a4", "keputusan", example("keputusan")),
        "keputusan-panjang": ("a4", "keputusan", long_decree()),
        "keputusan-f4": ("f4", "keputusan", long_decree()),
        "bap-pendek": ("a4", "bap", example("bap") | {"foto": []}),
        "bap-panjang": ("a4", "bap", long_bap()),
        "bap-f4": ("f4", "bap", long_bap()),
        "rekomendasi-pendek": ("a4", "rekomendasi", example("rekomendasi")),
        "rekomendasi-panjang": ("a4", "rekomendasi", long_rekomendasi()),
        "rekomendasi-rahasia": ("a4", "rekomendasi", long_rekomendasi(sifat="Rahasia")),
        "rekomendasi-f4": ("f4", "rekomendasi", long_rekomendasi()),
    }
    return docs


MARGINS = {"a4": (25, 20), "f4": (30, 20), "bottom": (25, 20)}  # left, right (mm) as PROFILES sets them
PROFILES = {
    "a4": {},
    "f4": {
        'paper = "A4"': 'paper = "F4"',
        "margin_left_mm = 25": "margin_left_mm = 30",
        "margin_top_mm = 20": "margin_top_mm = 25",
    },
    "bottom": {'number_position = "top"': 'number_position = "bottom"', '"- {n} -"': '"Halaman {n}"'},
}


def make_workspace(root: Path, changes: dict[str, str]) -> Workspace:
    copy_defaults(root)
    profile = root / "docgen.toml"
    text = profile.read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, f"the shipped profile lost {old}"
        text = text.replace(old, new, 1)
    profile.write_text(text, encoding="utf-8")
    return load_workspace(root, env={})


@dataclass(frozen=True)
class Rendered:
    docx: dict[str, Path]
    pdf: dict[str, Path]
    pages: dict[str, list[Page]]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Every document made by its kind's maker, then converted in one LibreOffice call."""
    require("soffice", "pdftotext", "pdftoppm")
    tmp = tmp_path_factory.mktemp("flow")
    spaces = {name: make_workspace(tmp / name, changes) for name, changes in PROFILES.items()}
    docx: dict[str, Path] = {}
    for name, (space, kind_name, data) in documents().items():
        ws, kind = spaces[space], get_kind(kind_name)
        request = validate_request(kind, data, ws.profile, roots=(ws.root,))
        context = kind.render_context(request, ws.profile, number="500.16.7.2/99/423.105/2026")
        [(_, content, _)] = maker_for(ws, kind).outputs(context, None, None, None)
        docx[name] = tmp / "docx" / f"{name}.docx"
        docx[name].parent.mkdir(exist_ok=True)
        docx[name].write_bytes(content)
    pdfs = ColdConverter(timeout_s=30).convert_many(list(docx.values()), tmp / "pdf")
    pdf = {path.stem: path for path in pdfs}
    return Rendered(docx, pdf, {name: read_pages(path) for name, path in pdf.items()})


# -- page numbers ----------------------------------------------------------------------------

MULTI_PAGE = ["surat-40", "surat-rahasia", "surat-f4", "keputusan-panjang", "bap-panjang", "rekomendasi-panjang"]


@pytest.mark.parametrize("name", MULTI_PAGE)
def test_every_page_after_the_first_carries_its_number_top_centre(rendered, name):
    pages = rendered.pages[name]
    assert len(pages) >= 2, f"{name} should run over pages"
    for n, page in enumerate(pages[1:], 2):
        [number] = page.lines_with(f"- {n} -")
        assert number.y1 < 20 * MM, f"page {n}: the number is not in the top margin"
        left, right = MARGINS[documents()[name][0]]
        column_centre = (left * MM + page.width - right * MM) / 2
        assert abs((number.x0 + number.x1) / 2 - column_centre) < 1 * MM, f"page {n}: not centred on the text"
    assert not any(re.fullmatch(r"- \d+ -", line.text) for line in pages[0].lines), "page 1 carries a number"


def test_the_profile_can_put_the_number_at_the_bottom_in_its_own_words(rendered):
    pages = rendered.pages["surat-bawah"]
    assert len(pages) >= 2
    for n, page in enumerate(pages[1:], 2):
        [number] = page.lines_with(f"Halaman {n}")
        assert number.y0 > page.height - 20 * MM
        assert not page.lines_with(f"- {n} -")
    assert not pages[0].lines_with("Halaman")


# -- nothing stranded ------------------------------------------------------------------------


@pytest.mark.parametrize("paragraphs", LETTER_LENGTHS)
def test_the_signature_block_keeps_the_closing_lines_and_the_tembusan_with_it(rendered, paragraphs):
    name = f"surat-{paragraphs}"
    pages = rendered.pages[name]
    signed = page_of(pages, SIGNER)
    assert page_of(pages, "Demikian surat ini kami sampaikan") == signed, "closing paragraph left behind"
    assert page_of(pages, "terima kasih.") == signed
    assert page_of(pages, "KEPALA DINAS PENANAMAN MODAL") == signed, "the block split"
    assert page_of(pages, "Tembusan:") == signed
    count = 1 + paragraphs % 12
    for i in range(1, count + 1):
        assert page_of(pages, f"Tembusan nomor {i} kepada") == signed, f"tembusan {i} split from its heading"


@pytest.mark.parametrize(
    ("name", "before", "signer"),
    [
        ("keputusan-panjang", "pada tanggal", SIGNER),
        ("rekomendasi-panjang", "Demikian rekomendasi ini", "Ir. HARI WIBOWO, M.T."),
        ("rekomendasi-rahasia", "Demikian rekomendasi ini", "Ir. HARI WIBOWO, M.T."),
        ("bap-panjang", "JOKO SUSILO", "Budi Santoso"),  # the last team row and the applicant's name
    ],
)
def test_the_other_kinds_keep_the_lines_before_their_signature(rendered, name, before, signer):
    pages = rendered.pages[name]
    on = [n for n, page in enumerate(pages, 1) if page.lines_with(signer)]
    assert on, f"{signer} not printed"
    assert any(pages[on[0] - 1].lines_with(before)), f"{before!r} is not on the page of {signer}"


@pytest.mark.parametrize("dikta", DECREE_DIKTA)
def test_the_decrees_signature_keeps_its_last_diktum_with_it(rendered, dikta):
    pages = rendered.pages[f"keputusan-{dikta}"]
    signed = page_of(pages, SIGNER)
    assert page_of(pages, "Ditetapkan di") == signed
    assert page_of(pages, "Keputusan ini mulai berlaku") == signed, "the block is alone on its page"
    assert page_of(pages, "Tembusan:") == signed


@pytest.mark.parametrize("findings", BAP_FINDINGS)
def test_the_applicants_block_stays_with_the_last_row_of_the_teams_signatures(rendered, findings):
    pages = rendered.pages[f"bap-{findings}"]
    team = [n for n, page in enumerate(pages, 1) for line in page.lines if "JOKO SUSILO" in line.text]
    assert len(team) == 2, team  # the team list at the top, then the signature table
    assert page_of(pages, "Pemohon,") == team[-1], "the applicant's block is alone on its page"
    signer = [n for n, page in enumerate(pages, 1) for line in page.lines if line.text == "Budi Santoso"]
    assert signer == [team[-1]]


def test_one_tembusan_is_a_plain_line_several_are_numbered(rendered):
    pages = rendered.pages["surat-pendek"]
    [single] = [line for page in pages for line in page.lines_with("Tembusan nomor 1 kepada")]
    assert single.text.startswith("Tembusan nomor 1"), single.text
    several = [line for page in rendered.pages["surat-4"] for line in page.lines if "Tembusan nomor" in line.text]
    assert [line.text.split()[0] for line in several] == ["1.", "2.", "3.", "4.", "5."]
    assert len({round(line.words[1][1]) for line in several}) == 1, "the items' text does not hang in one column"


# -- marks, paper, kop -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["surat-rahasia", "rekomendasi-rahasia"])
def test_a_secret_document_says_rahasia_at_the_top_and_bottom_of_every_page(rendered, name):
    pages = rendered.pages[name]
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        marks = page.lines_with("RAHASIA")
        assert any(m.y1 < 20 * MM for m in marks), f"page {n}: no RAHASIA at the top"
        assert any(m.y0 > page.height - 20 * MM for m in marks), f"page {n}: no RAHASIA at the bottom"


def test_an_ordinary_letter_is_not_marked_rahasia(rendered):
    assert not any(page.lines_with("RAHASIA") for page in rendered.pages["surat-40"])


@pytest.mark.parametrize("name", ["surat-f4", "keputusan-f4", "bap-f4", "rekomendasi-f4"])
def test_an_f4_profile_prints_on_folio_paper(rendered, name):
    """215 x 330 mm is 609.4 x 935.4 pt; LibreOffice snaps it to its nearest known paper,
    609.99 x 936 pt (215.2 x 330.2 mm), within 0.25 mm of the profile's F4."""
    for page in rendered.pages[name]:
        assert abs(page.width - 215 * MM) < 1 and abs(page.height - 330 * MM) < 1, (page.width, page.height)


def test_the_profiles_margins_reach_the_page(rendered):
    """The F4 profile here also moves the left margin to 30 mm and the top to 25 mm (A4: 25 and 20)."""
    for name, left, top in (("surat-f4", 30, 25), ("surat-40", 25, 20)):
        first = rendered.pages[name][0]
        [nomor] = [line for line in first.lines if line.text.startswith("Nomor :")]
        assert abs(nomor.x0 - left * MM) < 1, (name, nomor.x0 / MM)
        assert (top - 1) * MM <= first.lines[0].y0 < (top + 8) * MM, (name, first.lines[0].y0 / MM)


@pytest.mark.parametrize("name", ["surat-40", "keputusan-panjang", "bap-panjang", "rekomendasi-panjang"])
def test_an_a4_profile_prints_on_a4_paper(rendered, name):
    for page in rendered.pages[name]:
        assert (round(page.width), round(page.height)) == (595, 842)


@pytest.mark.parametrize("name", ["surat-pendek", "keputusan-pendek", "bap-pendek", "rekomendasi-pendek", "surat-f4"])
def test_the_kop_prints_the_profiles_printed_lines_one_line_each(rendered, name):
    from docgen.profile import printed_kop

    profile = load_workspace(REPO, env={}).profile
    # the rekomendasi is the OPD teknis' letter (signed by kadis-pupr): on its agency's kop
    issuer = profile.agency(profile.officials["kadis-pupr"].instansi if name.startswith("rekomendasi") else None)
    top = [line.text for line in rendered.pages[name][0].lines if line.y1 < 60 * MM]
    kop = [line.text for line in printed_kop(issuer).lines]
    assert [text for text in top if text in kop] == kop


# -- lines that must not stretch -------------------------------------------------------------


@pytest.mark.parametrize("template", ["surat-keluar.docx", "keputusan.docx", "bap.docx", "rekomendasi.docx"])
def test_every_template_forbids_stretching_a_line_before_a_typed_break(template):
    with zipfile.ZipFile(REPO / "templates" / template) as docx:
        settings = docx.read("word/settings.xml").decode("utf-8")
    assert re.search(r"<w:compat>.*<w:doNotExpandShiftReturn/>.*</w:compat>", settings)


def test_a_typed_line_break_does_not_stretch_its_line(rendered):
    [line] = [line for page in rendered.pages["surat-pendek"] for line in page.lines_with(SHORT_LINE)]
    gaps = [b[1] - a[2] for a, b in zip(line.words, line.words[1:], strict=False)]
    assert max(gaps) < 6, f"the words of {SHORT_LINE!r} were spread apart: gaps {gaps}"


def test_label_value_lines_line_up_in_columns_unjustified(rendered):
    pages = rendered.pages["surat-pendek"]
    labels = ("hari/tanggal", "pukul", "tempat", "acara")
    rows = [next(line for page in pages for line in page.lines if line.text.startswith(label)) for label in labels]
    colons = {round(next(w[1] for w in row.words if w[0] == ":")) for row in rows}
    values = {round(row.words[row.words.index(next(w for w in row.words if w[0] == ":")) + 1][1]) for row in rows}
    assert len(colons) == 1 and len(values) == 1, f"colons at {colons}, values at {values}"
    for row in rows:
        gaps = [b[1] - a[2] for a, b in zip(row.words[2:], row.words[3:], strict=False)]
        assert not gaps or max(gaps) < 6, f"{row.text!r} is stretched"


# -- pictures for a reviewer -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["surat", "keputusan", "bap", "rekomendasi"])
def test_short_and_long_pages_are_saved_for_review(rendered, kind):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    long_name = "surat-40" if kind == "surat" else f"{kind}-panjang"
    for name in (f"{kind}-pendek", long_name):
        for n in range(1, len(rendered.pages[name]) + 1):
            png = render_page(rendered.pdf[name], n, dpi=60, out=ARTIFACTS / f"{name}-{n}")
            assert png.stat().st_size > 1000


# -- sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["surat-pendek", "keputusan-panjang", "bap-panjang", "rekomendasi-rahasia"])
def test_no_text_is_printed_below_8_pt_and_signers_names_at_the_body_size(rendered, name):
    sizes = text_sizes(rendered.pdf[name])
    assert sizes
    small = [(text, size) for text, size in sizes if size < 8 - 0.01]
    assert not small, f"text under 8 pt: {small[:5]}"
    signers = ("Dr. BUDI SANTOSO", "Ir. HARI WIBOWO") + (("RINA KUSUMA",) if name.startswith("bap") else ())
    last = {who: size for text, size in sizes for who in signers if text.startswith(who)}  # the team lists come first
    assert last and all(abs(size - 12) < 0.1 for size in last.values()), last


# -- which typed lines are label : value -----------------------------------------------------


def test_consecutive_label_lines_become_one_block_and_the_rest_stays_text():
    from docgen.kinds.surat_keluar import body_items

    items = body_items([UNDANGAN, "Demikian: kami sampaikan.", "pukul : 09.00 WIB"])
    assert items == [
        {"teks": "Sehubungan dengan hal tersebut, kami mengundang Saudara untuk hadir pada:", "baris": []},
        {
            "teks": "",
            "baris": [
                ("hari/tanggal", "Senin, 7 Desember 2026"),
                ("pukul", "09.00 WIB s.d. selesai"),
                ("tempat", "Aula DPMPTSP Kota Pasuruan, Jl. Pahlawan Nomor 28, Pasuruan"),
                ("acara", "Sosialisasi Perizinan Berusaha Berbasis Risiko"),
            ],
        },
        {"teks": "Demikian: kami sampaikan.", "baris": []},  # one line with a colon is a sentence
        {"teks": "pukul : 09.00 WIB", "baris": []},  # a lone label line is not a block
    ]


def test_a_sentence_with_a_colon_between_label_lines_is_not_taken_for_a_label():
    from docgen.kinds.surat_keluar import body_items

    text = "Adapun acaranya, sebagaimana disepakati: rapat\npukul : 09.00\ntempat : Aula"
    assert body_items([text]) == [
        {"teks": "Adapun acaranya, sebagaimana disepakati: rapat", "baris": []},
        {"teks": "", "baris": [("pukul", "09.00"), ("tempat", "Aula")]},
    ]


def test_a_template_written_before_isi_butir_still_gets_the_typed_paragraphs(tmp_path):
    ws = make_workspace(tmp_path / "ws", {})
    kind = get_kind("surat-keluar")
    data = letter(2, 1, isi=[UNDANGAN, CLOSING])
    context = kind.render_context(validate_request(kind, data, ws.profile), ws.profile, number="1")
    assert context["isi"] == [UNDANGAN, CLOSING]
    assert [bool(item["baris"]) for item in context["isi_butir"]] == [False, True, False]
