"""A rekomendasi is the OPD teknis' letter: its kop, its series and unit code, its head; the DPMPTSP's
own numbers go on untouched, and the QR code still verifies at this office's page.

Documents are made through the pipeline into a real workspace (real SQLite register, real
LibreOffice); the PDF is read back with pypdf, its QR code decoded with zbarimg, and its page
saved as ``test-artifacts/pages/rekomendasi-pupr-<page>.png`` for a reviewer.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import VERIFY_BASE, pdf_page_qr, require
from layoutcases import save_pages
from pypdf import PdfReader
from test_bap import lines, output, refused
from test_rekomendasi import _its_bap, rekomendasi_request  # noqa: F401 (_its_bap: each test's BAP, autouse)

from docgen.errors import ConfigError
from docgen.kinds import get_kind
from docgen.pdf import make_marks
from docgen.pipeline import generate
from docgen.profile import Workspace, load_workspace, printed_kop
from docgen.register import Register
from docgen.register.profilelock import accept_profile
from docgen.verify import Verdict, verify

YEAR = date.today().year
PUPR_HEAD = "KEPALA DINAS PEKERJAAN UMUM DAN PENATAAN RUANG KOTA PASURUAN"
# An official of the PUPR who signs a.n. its head, and a second agency with its own head.
SEKRETARIS_PUPR = """
[officials.sekretaris-pupr]
name = "RATNA SARI, S.T., M.T."
nip = "198005102005022001"
rank = "Pembina"
position = "Sekretaris"
instansi = "pupr"
"""
DISHUB = """
[officials.kadishub]
name = "Drs. ANDI WIJAYA"
nip = "197001011995031001"
rank = "Pembina"
position = "KEPALA DINAS PERHUBUNGAN KOTA PASURUAN"
instansi = "dishub"

[instansi.dishub]
kop = ["PEMERINTAH KOTA PASURUAN", "DINAS PERHUBUNGAN"]
city = "Pasuruan"
address = "Jalan Contoh Nomor 1, Pasuruan"
unit_code = "423.108"
head = "kadishub"
series = "rekomendasi-dishub"

[series.rekomendasi-dishub]
pattern = "{kka}/REK-{seq:03}/{unit}/{year}"
instansi = "dishub"
"""


def _with(ws: Workspace, *sections: str) -> Workspace:
    """The workspace with ``sections`` added to its profile, the change accepted by the register."""
    path = ws.root / "docgen.toml"
    path.write_text(path.read_text(encoding="utf-8") + "".join(sections), encoding="utf-8")
    changed = load_workspace(ws.root, env={})
    with Register.open(changed) as reg:
        accept_profile(reg)
    return changed


def _edit(ws: Workspace, old: str, new: str) -> None:
    path = ws.root / "docgen.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _counters(ws: Workspace) -> dict[str, int]:
    """The register's counters of this year, read from the SQLite file itself."""
    with sqlite3.connect(ws.register_path) as conn:
        rows = conn.execute("SELECT series, last_seq FROM counters WHERE year = ?", (YEAR,)).fetchall()
    return dict(rows)


def _page_lines(pdf: Path, page: int = 0) -> list[str]:
    return [" ".join(line.split()) for line in (PdfReader(pdf).pages[page].extract_text() or "").splitlines()]


def test_a_rekomendasi_is_the_agencys_letter_and_the_dpmptsp_letters_keep_their_numbers(
    workspace: Workspace,
) -> None:
    require("soffice", "pdftoppm", "zbarimg")
    letter = get_kind("surat-keluar").dated_example()
    before = generate(workspace, "surat-keluar", letter).number
    rekomendasi = generate(workspace, "rekomendasi", rekomendasi_request(), pdf=True)
    after = generate(workspace, "surat-keluar", letter).number

    assert (before, after) == (f"500.16.7.2/1/423.105/{YEAR}", f"500.16.7.2/2/423.105/{YEAR}")
    assert rekomendasi.number == f"500.16.7.2/REK-001/423.104/{YEAR}"  # the agency's series and unit code
    assert _counters(workspace) == {"bap": 1, "surat-keluar": 2, "rekomendasi-pupr": 1}

    pdf = output(workspace, rekomendasi, "pdf")
    save_pages(pdf, "rekomendasi-pupr")
    profile = workspace.profile
    pupr = [line.text for line in printed_kop(profile.agency("pupr")).lines]
    assert _page_lines(pdf)[: len(pupr)] == pupr  # the page opens with the agency's kop
    text = " ".join(line for page in range(len(PdfReader(pdf).pages)) for line in _page_lines(pdf, page))
    for line in printed_kop(profile.office).details:  # no trace of this office's kop
        assert line.text not in text
    assert "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu" not in text
    assert "Dokumen ini diterbitkan oleh Dinas Pekerjaan Umum dan Penataan Ruang Kota Pasuruan dengan nomor" in text

    [url] = pdf_page_qr(pdf)
    assert url.startswith(VERIFY_BASE)  # this office's verification page
    answer = verify(workspace, url)
    assert (answer.verdict, answer.doc_id, answer.number) == (Verdict.GENUINE, rekomendasi.id, rekomendasi.number)


def test_the_marks_name_the_issuing_agency_and_lead_to_this_offices_page(workspace: Workspace) -> None:
    profile, day = workspace.profile, date(2026, 11, 28)
    pupr = make_marks(profile, number="1/2/3", doc_date=day, token="t" * 24, issuer="pupr")
    own = make_marks(profile, number="1/2/3", doc_date=day, token="t" * 24, issuer=profile.office.key)
    assert pupr.url == own.url == VERIFY_BASE + "t" * 24
    assert (
        pupr.footer[0]
        == "Dokumen ini diterbitkan oleh Dinas Pekerjaan Umum dan Penataan Ruang Kota Pasuruan dengan nomor 1/2/3."
    )
    assert own.footer[0].startswith("Dokumen ini diterbitkan oleh Dinas Penanaman Modal dan Pelayanan Terpadu")
    assert (pupr.issuer, own.issuer) == ("pupr", None)  # a stamp draws the agency's cap, not [cap]


def test_the_letter_goes_to_the_kepala_dpmptsp_unless_the_request_names_another(workspace: Workspace) -> None:
    data = rekomendasi_request()
    data.pop("kepada", None)
    text = lines(output(workspace, generate(workspace, "rekomendasi", data)))
    assert f"Yth. {workspace.profile.officials['kadis'].position}" in text
    named = rekomendasi_request(kepada=["Kepala Bidang Perizinan DPMPTSP Kota Pasuruan"])
    text = lines(output(workspace, generate(workspace, "rekomendasi", named)))
    assert "Yth. Kepala Bidang Perizinan DPMPTSP Kota Pasuruan" in text


def test_an_official_of_the_agency_signs_on_behalf_of_its_head(workspace: Workspace) -> None:
    ws = _with(workspace, SEKRETARIS_PUPR)
    data = rekomendasi_request(penandatangan={"pejabat": "sekretaris-pupr", "sebagai": "a.n."})
    result = generate(ws, "rekomendasi", data)
    text = lines(output(ws, result))
    at = text.index(f"a.n. {PUPR_HEAD},")
    assert [line for line in text[at:] if line][:4] == [
        f"a.n. {PUPR_HEAD},",
        "Sekretaris,",
        "RATNA SARI, S.T., M.T.",
        "Pembina",
    ]
    assert result.number == f"500.16.7.2/REK-001/423.104/{YEAR}"


def test_the_request_may_name_its_agency(workspace: Workspace) -> None:
    ws = _with(workspace, DISHUB)
    result = generate(ws, "rekomendasi", rekomendasi_request(instansi="dishub", penandatangan="kadishub"))
    assert result.number == f"500.16.7.2/REK-001/423.108/{YEAR}"
    kop = lines(output(ws, result))[0]  # the kop table: emblem | the agency's lines
    assert kop == " | PEMERINTAH KOTA PASURUAN\nDINAS PERHUBUNGAN\nJalan Contoh Nomor 1, Pasuruan"
    assert _counters(ws) == {"bap": 1, "rekomendasi-dishub": 1}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"instansi": "dpmptsp"}, "instansi", "rekomendasi diterbitkan OPD teknis, bukan Dinas Penanaman Modal"),
        ({"instansi": "dinkes"}, "instansi", "instansi 'dinkes' tidak ada di profil; pilih instansi: pupr, dishub"),
        ({"penandatangan": "kadis"}, "penandatangan", "pejabat 'kadis' adalah pejabat Dinas Penanaman Modal"),
        ({"penandatangan": {"pejabat": "sekretaris", "sebagai": "a.n."}}, "penandatangan",
         "'sekretaris' adalah pejabat Dinas Penanaman Modal"),
        ({"instansi": "dishub"}, "penandatangan",
         "pejabat 'kadis-pupr' bukan pejabat DINAS PERHUBUNGAN yang menerbitkan rekomendasi ini"),
        ({"instansi": "pupr", "penandatangan": {"pejabat": "kadishub", "sebagai": "a.n."}}, "penandatangan",
         "pilih pejabat instansi pupr (kepalanya 'kadis-pupr')"),
        ({"penandatangan": "sekretaris-pupr"}, "penandatangan", "tulis sebagai: a.n. untuk 'sekretaris-pupr'"),
    ],
    ids=["dpmptsp-as-issuer", "unknown-agency", "dpmptsp-signer", "dpmptsp-official-a.n.", "other-agencys-head",
         "other-agencys-official-a.n.", "not-the-head-in-own-name"],
)  # fmt: skip
def test_a_rekomendasi_not_issued_and_signed_by_one_opd_teknis_is_refused_before_a_number(
    workspace: Workspace, changes: dict[str, Any], field: str, words: str
) -> None:
    ws = _with(workspace, SEKRETARIS_PUPR, DISHUB)
    taken = _counters(ws)
    refused(ws, "rekomendasi", rekomendasi_request(**changes), field, words)
    assert _counters(ws) == taken


def test_a_profile_without_agencies_keeps_loading_and_names_the_fix_for_a_rekomendasi(
    workspace: Workspace,
) -> None:
    """A profile written before [instansi]: its technical head has only his `agency` text."""
    path = workspace.root / "docgen.toml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("# The technical agencies"), text.index("# Inspection team members")
    text = text[:start] + text[end:]
    text = text.replace('instansi = "pupr"', 'agency = "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pasuruan"')
    path.write_text(text.replace('key = "dpmptsp"', ""), encoding="utf-8")
    ws = load_workspace(workspace.root, env={})
    assert (ws.profile.instansi, ws.profile.office.key) == ({}, "dpmptsp")
    with Register.open(ws) as reg:
        accept_profile(reg)
    assert generate(ws, "surat-keluar", get_kind("surat-keluar").dated_example()).number
    refused(
        ws, "rekomendasi", rekomendasi_request(), "penandatangan", "tulis instansi OPD-nya di [officials.kadis-pupr]"
    )


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ('position = "Sekretaris"\n', 'position = "Sekretaris"\ninstansi = "dinas-pu"\n',
         r"officials\.sekretaris\.instansi 'dinas-pu' tidak ada di \[instansi\]; tambahkan \[instansi\.dinas-pu\]"),
        ('head = "kadis-pupr"', 'head = "kadis-pu"',
         r"instansi\.pupr\.head 'kadis-pu' tidak ada di \[officials\]; tambahkan \[officials\.kadis-pu\]"),
        ('head = "kadis-pupr"', 'head = "sekretaris"',
         r"instansi\.pupr\.head 'sekretaris' bukan pejabat instansi itu; "
         r"tulis instansi = \"pupr\" di \[officials\.sekretaris\]"),
        ('series = "rekomendasi-pupr"', 'series = "rekomendasi-pu"',
         r"instansi\.pupr\.series 'rekomendasi-pu' tidak ada di \[series\]"),
        ('series = "rekomendasi-pupr"', 'series = "rekomendasi"',
         r"instansi\.pupr\.series 'rekomendasi' tidak bernomor dengan kode unit instansi itu; "
         r"tulis instansi = \"pupr\" di \[series\.rekomendasi\]"),
        ('{seq:03}/{unit}/{year}"\ninstansi = "pupr"', '{seq:03}/{unit}/{year}"\ninstansi = "pu"',
         r"instansi\.pupr\.series 'rekomendasi-pupr' tidak bernomor"),
        ('[series.bap]\n', '[series.bap]\ninstansi = "pu"\n',
         r"series\.bap\.instansi 'pu' tidak ada di \[instansi\]; tambahkan \[instansi\.pu\]"),
        ('[kinds.surat-keluar]\nseries = "surat-keluar"', '[kinds.surat-keluar]\nseries = "rekomendasi-pupr"',
         r"kinds\.surat-keluar\.series 'rekomendasi-pupr' adalah seri instansi\.pupr"),
        ('head = "kadis"', 'head = "kadis-pupr"', r"head 'kadis-pupr' adalah pejabat instansi\.pupr"),
        ('key = "dpmptsp"', 'key = "pupr"', r"\[instansi\.pupr\] memakai kunci kantor ini"),
        ('"DINAS PEKERJAAN UMUM DAN PENATAAN RUANG",', '"DINASPEKERJAANUMUMDANPENATAANRUANGKOTA",',
         r"DINASPEKERJAANUMUMDANPENATAANRUANGKOTA.*\[instansi\.pupr\].*instansi\.pupr\.kop_sizes_pt"),
        ('series = "rekomendasi-pupr"', 'series = "rekomendasi-pupr"\nemblem = "templates/pupr.png"',
         r"instansi\.pupr\.emblem berbeda dari office\.emblem"),
    ],
    ids=["official's unknown agency", "unknown head", "head of another agency", "unknown series",
         "series of this office", "series of another agency", "series of an unknown agency",
         "dpmptsp kind on an agency series", "office head from an agency", "agency with the office's key",
         "kop too wide", "another emblem"],
)  # fmt: skip
def test_broken_references_between_agencies_are_refused_at_load_naming_the_fix(
    workspace: Workspace, old: str, new: str, named: str
) -> None:
    _edit(workspace, old, new)
    with pytest.raises(ConfigError, match=named) as caught:
        load_workspace(workspace.root, env={})
    assert "\n" not in str(caught.value)


def test_a_signed_scan_of_a_rekomendasi_is_stamped_as_the_agencys_document(workspace: Workspace, tmp_path) -> None:
    require("soffice", "pdftoppm", "zbarimg")
    from docgen.stamping import stamp_document

    made = generate(workspace, "rekomendasi", rekomendasi_request(), pdf=True)
    scan = tmp_path / "ditandatangani.pdf"
    scan.write_bytes(output(workspace, made, "pdf").read_bytes())  # the printout, signed and scanned back
    stamped = stamp_document(workspace, scan, "rekomendasi", doc_id=made.id)
    assert stamped.number == made.number  # numbered when made: it keeps the agency's number
    pdf = workspace.root / stamped.path
    text = " ".join(" ".join(_page_lines(pdf, page)) for page in range(len(PdfReader(pdf).pages)))
    assert "diterbitkan oleh Dinas Pekerjaan Umum dan Penataan Ruang Kota Pasuruan" in text, text[-400:]
    assert "diterbitkan oleh Dinas Penanaman Modal" not in text
    assert _counters(workspace) == {"bap": 1, "rekomendasi-pupr": 1}  # no number taken from any other series


def test_the_public_page_names_the_agency_that_issued_the_rekomendasi(workspace: Workspace) -> None:
    from docgen.register.lookup import PublicBooks
    from docgen.web.pages import answer

    rekomendasi = generate(workspace, "rekomendasi", rekomendasi_request())
    letter = generate(workspace, "surat-keluar", get_kind("surat-keluar").dated_example())
    books = PublicBooks(workspace)
    try:
        with Register.open(workspace) as reg:
            tokens = [reg.document(doc.id).token or "" for doc in (rekomendasi, letter)]
        shown = [answer(books.by_token(token), workspace.profile)["data"]["Kantor"] for token in tokens]
    finally:
        books.close()
    assert shown == ["Dinas Pekerjaan Umum dan Penataan Ruang Kota Pasuruan", workspace.profile.agency_name(None)]
