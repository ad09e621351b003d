"""A surat rekomendasi cites its BAP, the permit, the conditions and the validity, and is signed by
the head of the technical agency (or a.n. the head); bad requests are refused before numbering.
Its kop, series and refusals as the OPD teknis' own letter: tests/test_agencies.py.

Documents are made through the pipeline into a real workspace and read back with python-docx;
the PDF is converted by a real LibreOffice.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import require
from test_bap import lines, output, pdf_text, refused

from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.profile import Workspace, load_workspace
from docgen.register import Register
from docgen.register.profilelock import accept_profile
from docgen.text import tanggal

_BASIS: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _its_bap(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rekomendasi rests on a registered BAP (concluded sesuai): the workspace gets the example's first."""
    monkeypatch.setitem(_BASIS, "bap", generate(workspace, "bap", get_kind("bap").dated_example()).number)


def rekomendasi_request(**changes: Any) -> dict[str, Any]:
    """The shipped example (BAP and letter dated today, signed by kadis-pupr), with ``changes``;
    it rests on the BAP :func:`_its_bap` registered."""
    data = copy.deepcopy(get_kind("rekomendasi").dated_example())
    data["bap"] = _BASIS["bap"]
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_letter_cites_the_bap_by_number_and_date(workspace: Workspace) -> None:
    bap_day = date.today() - timedelta(days=3)
    bap = generate(workspace, "bap", get_kind("bap").dated_example(bap_day)).number
    data = rekomendasi_request(bap=bap, tanggal_bap=bap_day.isoformat())
    result = generate(workspace, "rekomendasi", data)
    text = lines(output(workspace, result))
    dasar = text[text.index("Dasar:") + 1 :][:3]
    assert dasar == [
        "1.\tPeraturan Daerah Kota Pasuruan tentang Penyelenggaraan Reklame;",
        "2.\tPeraturan Wali Kota Pasuruan tentang Pendelegasian Kewenangan Perizinan kepada DPMPTSP;",
        f"3.\tBerita Acara Pemeriksaan Lapangan Nomor {bap} tanggal {tanggal(bap_day)}.",
    ]
    assert f"Nomor | : | {result.number}" in text
    assert "Hal | : | Rekomendasi Izin Reklame" in text


def test_without_a_legal_basis_the_bap_is_the_first_item(workspace: Workspace) -> None:
    text = lines(output(workspace, generate(workspace, "rekomendasi", rekomendasi_request(dasar=[]))))
    assert text[text.index("Dasar:") + 1].startswith("1.\tBerita Acara Pemeriksaan Lapangan Nomor ")


def test_the_applicant_object_conditions_and_validity_print(workspace: Workspace) -> None:
    until = date.today() + timedelta(days=200)
    data = rekomendasi_request(
        syarat=["Reklame dipasang sesuai BAP.", "Konstruksi diperiksa setiap enam bulan."],
        masa_berlaku=None,
        berlaku_sampai=until.isoformat(),
    )
    text = lines(output(workspace, generate(workspace, "rekomendasi", data)))
    assert "Berdasarkan hasil pemeriksaan lapangan tersebut, dengan ini kami memberikan rekomendasi kepada:" in text
    assert " | Nama pemohon | : | CV. Maju Jaya Reklame" in text  # the first column indents the block
    assert "untuk memperoleh Izin Reklame atas:" in text
    assert " | Ukuran | : | 4\u00a0m × 6\u00a0m, tinggi 8\u00a0m, 2\u00a0sisi" in text  # units bound to their numbers
    at = text.index("dengan ketentuan sebagai berikut:")
    assert text[at + 1 : at + 3] == ["1.\tReklame dipasang sesuai BAP.", "2.\tKonstruksi diperiksa setiap enam bulan."]
    assert f"Rekomendasi ini berlaku sampai dengan tanggal {tanggal(until)}." in text


def test_a_validity_written_as_text_prints_as_written(workspace: Workspace) -> None:
    text = lines(output(workspace, generate(workspace, "rekomendasi", rekomendasi_request())))
    assert "Rekomendasi ini berlaku selama 1 (satu) tahun sejak tanggal ditetapkan." in text


def test_without_conditions_or_validity_those_sentences_are_left_out(workspace: Workspace) -> None:
    data = rekomendasi_request(syarat=[], masa_berlaku=None)
    text = lines(output(workspace, generate(workspace, "rekomendasi", data)))
    assert "dengan ketentuan sebagai berikut:" not in text
    assert not any(line.startswith("Rekomendasi ini berlaku") for line in text)


def test_the_head_of_the_technical_agency_signs_with_his_agency(workspace: Workspace) -> None:
    result = generate(workspace, "rekomendasi", rekomendasi_request())
    text = lines(output(workspace, result))
    block = text[text.index("KEPALA DINAS PEKERJAAN UMUM DAN PENATAAN RUANG KOTA PASURUAN,") :]
    assert [line for line in block if line][:4] == [
        "KEPALA DINAS PEKERJAAN UMUM DAN PENATAAN RUANG KOTA PASURUAN,",
        "Ir. HARI WIBOWO, M.T.",
        "Pembina Tingkat I",
        "NIP 19760308 200212 1 003",
    ]
    with Register.open(workspace) as reg:
        row = reg.document(result.id)
    assert row.subject == "Rekomendasi Izin Reklame: Reklame papan (billboard) 'Toko Maju' dua sisi"
    assert (row.addressee, row.signer) == ("CV. Maju Jaya Reklame", "Ir. HARI WIBOWO, M.T.")


def test_an_agency_the_position_does_not_name_prints_under_it(workspace: Workspace) -> None:
    profile = workspace.root / "docgen.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8")
        + '\n[officials.kadishub]\nname = "Drs. ANDI WIJAYA"\nnip = "197001011995031001"\n'
        + 'rank = "Pembina"\nposition = "Kepala Dinas"\ninstansi = "dishub"\n'
        + '\n[instansi.dishub]\nname = "Dinas Perhubungan Kota Pasuruan"\n'
        + 'kop = ["PEMERINTAH KOTA PASURUAN", "DINAS PERHUBUNGAN"]\ncity = "Pasuruan"\n'
        + 'address = "Jalan Contoh Nomor 1, Pasuruan"\nunit_code = "423.108"\nhead = "kadishub"\n'
        + 'series = "rekomendasi-dishub"\n'
        + '\n[series.rekomendasi-dishub]\npattern = "{kka}/REK-{seq:03}/{unit}/{year}"\ninstansi = "dishub"\n',
        encoding="utf-8",
    )
    ws = load_workspace(workspace.root, env={})
    with Register.open(ws) as reg:  # a new official after the BAP was numbered: the admin accepts the change
        accept_profile(reg)
    text = lines(output(ws, generate(ws, "rekomendasi", rekomendasi_request(penandatangan="kadishub"))))
    at = text.index("Kepala Dinas")
    assert text[at + 1] == "Dinas Perhubungan Kota Pasuruan,"
    assert "Drs. ANDI WIJAYA" in text[at + 2 :]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"tanggal_bap": (date.today() + timedelta(days=1)).isoformat()}, "tanggal_bap", "sesudah rekomendasinya"),
        ({"berlaku_sampai": date.today().isoformat()}, "berlaku_sampai", "harus sesudah tanggal rekomendasi"),
        ({"berlaku_sampai": (date.today() + timedelta(days=30)).isoformat()}, "masa_berlaku", "bukan keduanya"),
        ({"penandatangan": {"pejabat": "kadis-pupr", "sebagai": "a.n."}}, "penandatangan",
         "kepala instansi itu sendiri; hapus 'a.n.'"),
        ({"penandatangan": "kadis-dishub"}, "penandatangan.pejabat", "tidak ada di profil"),
        ({"jenis_izin": "spanduk"}, "jenis_izin", "tidak ada di [izin] profil"),
        ({"pemohon": {"nama": "CV. Maju Jaya Reklame", "alamat": "Pasuruan", "nib": "912000123456"}},
         "pemohon.nib", "NIB harus 13 angka, diterima 12"),
    ],
    ids=["bap-after-letter", "validity-not-after-letter", "two-validities", "on-behalf", "unknown-official",
         "unknown-permit", "short-nib"],
)  # fmt: skip
def test_bad_input_is_refused_naming_the_field_and_takes_no_number(
    workspace: Workspace, changes: dict[str, Any], field: str, words: str
) -> None:
    refused(workspace, "rekomendasi", rekomendasi_request(**changes), field, words)
    assert generate(workspace, "rekomendasi", rekomendasi_request()).number == (
        f"500.16.7.2/REK-001/423.104/{date.today().year}"
    )


def test_the_pdf_shows_the_number_the_applicant_and_the_signer(workspace: Workspace) -> None:
    require("soffice")
    result = generate(workspace, "rekomendasi", rekomendasi_request(), pdf=True)
    text = pdf_text(output(workspace, result, "pdf"))
    assert result.number and result.number in text
    assert "CV. Maju Jaya Reklame" in text and "Ir. HARI WIBOWO, M.T." in text
    assert "Rekomendasi Izin Reklame" in text
