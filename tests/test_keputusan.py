"""A keputusan (SK) prints the decree's anatomy in order, names its dikta in words past ten, takes the
numbering style of its series, carries a lampiran whose member table repeats its header on every
page, and is refused before numbering when the request is wrong.

Documents are made through the pipeline into a real workspace and read back with python-docx;
the expected texts are written out by hand. The PDF is converted by a real LibreOffice.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from conftest import require
from pypdf import PdfReader
from test_bap import lines, output, refused

from docgen.kinds import get_kind
from docgen.pipeline import generate, number_document
from docgen.profile import Workspace, load_workspace
from docgen.register import Register, State
from docgen.text import ordinal_diktum, tanggal

ISSUER = "KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KOTA PASURUAN"
TWELVE = [
    "KESATU",
    "KEDUA",
    "KETIGA",
    "KEEMPAT",
    "KELIMA",
    "KEENAM",
    "KETUJUH",
    "KEDELAPAN",
    "KESEMBILAN",
    "KESEPULUH",
    "KESEBELAS",
    "KEDUA BELAS",
]


def sk_request(**changes: Any) -> dict[str, Any]:
    """The shipped example (dated today, signed by kadis, a four-member lampiran), with ``changes``;
    a change to ``None`` drops the field."""
    data = copy.deepcopy(get_kind("keputusan").dated_example())
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def with_env(workspace: Workspace, **env: str) -> Workspace:
    return load_workspace(workspace.root, env=env)


def labels(text: list[str]) -> list[str]:
    """The first cell of each diktum row: the rows after Menetapkan up to Ditetapkan."""
    rows = text[next(i for i, line in enumerate(text) if line.startswith("Menetapkan | ")) + 1 :]
    rows = rows[: rows.index("Ditetapkan di Pasuruan")]
    return [row.split(" | ")[0] for row in rows if row]


# -- ordinal words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "KESATU"),
        (2, "KEDUA"),
        (9, "KESEMBILAN"),
        (10, "KESEPULUH"),
        (11, "KESEBELAS"),
        (12, "KEDUA BELAS"),
        (19, "KESEMBILAN BELAS"),
        (20, "KEDUA PULUH"),
        (21, "KEDUA PULUH SATU"),
        (100, "KESERATUS"),
        (111, "KESERATUS SEBELAS"),
    ],
)
def test_ordinal_diktum_spells_the_number_after_ke(n: int, words: str) -> None:
    assert ordinal_diktum(n) == words


def test_ordinal_diktum_in_the_pertama_style_changes_only_the_first() -> None:
    assert [ordinal_diktum(n, "PERTAMA") for n in (1, 2, 11, 21)] == [
        "PERTAMA",
        "KEDUA",
        "KESEBELAS",
        "KEDUA PULUH SATU",
    ]


@pytest.mark.parametrize(
    ("n", "style", "error"), [(0, "KESATU", ValueError), (1, "KESATU ", ValueError), (True, "KESATU", TypeError)]
)
def test_ordinal_diktum_refuses_no_diktum_an_unknown_style_and_a_bool(n: Any, style: str, error: type) -> None:
    with pytest.raises(error):
        ordinal_diktum(n, style)


# -- the decree -----------------------------------------------------------------------------


def test_a_signed_draft_gets_its_number_and_prints_every_part_in_order(workspace: Workspace) -> None:
    today = date.today()
    data = sk_request(
        tentang="Pembentukan Tim Pengaduan Perizinan",
        menimbang=[
            "dalam rangka meningkatkan mutu pelayanan, pengaduan masyarakat perlu ditangani oleh tim.",
            "Bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan",
        ],
        mengingat=["Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik", "Peraturan Wali Kota Pasuruan;"],
        memperhatikan=["Hasil rapat koordinasi tanggal 2 November 2026."],
        diktum=["Membentuk Tim Pengaduan Perizinan.", "Keputusan ini mulai berlaku pada tanggal ditetapkan."],
        tembusan=["Sekretaris Daerah Kota Pasuruan"],
        lampiran=None,
    )
    draft = generate(workspace, "keputusan", data, draft=True)
    assert draft.number is None and draft.state == "draft"
    assert "NOMOR " in lines(output(workspace, draft))
    with Register.open(workspace) as reg:
        reg.set_state(draft.id, State.VERIFIED)
        reg.set_state(draft.id, State.SIGNED)
    result = number_document(workspace, draft.id)
    assert result.number == f"100.3.3/1/423.105/{today.year}"
    text = [line for line in lines(output(workspace, result)) if line]
    title = "PEMBENTUKAN TIM PENGADUAN PERIZINAN"
    expected = [
        f"KEPUTUSAN {ISSUER}",
        f"NOMOR {result.number}",
        "TENTANG",
        title,
        f"{ISSUER},",
        "Menimbang | : | a.\tbahwa dalam rangka meningkatkan mutu pelayanan, pengaduan masyarakat perlu ditangani "
        "oleh tim;\nb.\tBahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan;",
        "Mengingat | : | 1.\tUndang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;\n"
        "2.\tPeraturan Wali Kota Pasuruan;",
        "Memperhatikan | : | 1.\tHasil rapat koordinasi tanggal 2 November 2026;",
        "MEMUTUSKAN:",
        f"Menetapkan | : | KEPUTUSAN {ISSUER} TENTANG {title}.",
        "KESATU | : | Membentuk Tim Pengaduan Perizinan.",
        "KEDUA | : | Keputusan ini mulai berlaku pada tanggal ditetapkan.",
        "Ditetapkan di Pasuruan",
        f"pada tanggal {tanggal(today)}",
        f"{ISSUER},",
        "Dr. BUDI SANTOSO, S.Sos., M.Si.",
        "Pembina Tingkat I",
        "NIP 19780512 200501 1 002",
        "Tembusan:",
        "Sekretaris Daerah Kota Pasuruan",  # one tembusan is not numbered (issue 23)
    ]
    assert text[text.index(expected[0]) :] == expected
    with Register.open(workspace) as reg:
        row = reg.document(result.id)
    assert (row.kind, row.subject, row.signer) == (
        "keputusan",
        "Pembentukan Tim Pengaduan Perizinan",
        "Dr. BUDI SANTOSO, S.Sos., M.Si.",
    )


def test_twelve_dikta_are_named_in_words_past_ten(workspace: Workspace) -> None:
    dikta = [f"Isi diktum ke-{n}." for n in range(1, 12)] + ["Keputusan ini berlaku sejak ditetapkan."]
    text = lines(output(workspace, generate(workspace, "keputusan", sk_request(diktum=dikta))))
    assert labels(text) == TWELVE
    assert "KEDUA BELAS | : | Keputusan ini berlaku sejak ditetapkan." in text


def test_the_pertama_style_names_the_first_diktum_pertama(workspace: Workspace) -> None:
    ws = with_env(workspace, DOCGEN_KEPUTUSAN__DIKTUM="PERTAMA")
    dikta = [f"Isi diktum ke-{n}." for n in range(1, 12)] + ["Keputusan ini mulai berlaku pada tanggal ditetapkan."]
    text = lines(output(ws, generate(ws, "keputusan", sk_request(diktum=dikta))))
    assert labels(text) == ["PERTAMA", *TWELVE[1:]]


def test_a_last_diktum_that_does_not_put_the_decree_into_force_is_followed_by_one_that_does(
    workspace: Workspace,
) -> None:
    data = sk_request(diktum=["Membentuk tim.", "Biaya dibebankan pada DPA Tahun Anggaran 2026."])
    text = lines(output(workspace, generate(workspace, "keputusan", data)))
    assert labels(text) == ["KESATU", "KEDUA", "KETIGA"]
    assert "KETIGA | : | Keputusan ini mulai berlaku pada tanggal ditetapkan." in text


def test_a_written_menetapkan_prints_as_written(workspace: Workspace) -> None:
    data = sk_request(menetapkan="KEPUTUSAN KEPALA DINAS TENTANG TIM TEKNIS.")
    text = lines(output(workspace, generate(workspace, "keputusan", data)))
    assert "Menetapkan | : | KEPUTUSAN KEPALA DINAS TENTANG TIM TEKNIS." in text


def test_the_nomor_tahun_style_comes_from_the_series_pattern(workspace: Workspace) -> None:
    ws = with_env(workspace, DOCGEN_SERIES__KEPUTUSAN__PATTERN="{seq} TAHUN {year}")
    year = date.today().year
    first = generate(ws, "keputusan", sk_request())
    second = generate(ws, "keputusan", sk_request())
    assert (first.number, second.number) == (f"1 TAHUN {year}", f"2 TAHUN {year}")
    text = lines(output(ws, second))
    assert f"NOMOR 2 TAHUN {year}" in text
    assert f" | NOMOR | : | 2 TAHUN {year}" in text  # the lampiran's heading


def test_without_memperhatikan_tembusan_or_lampiran_those_parts_are_left_out(workspace: Workspace) -> None:
    text = lines(output(workspace, generate(workspace, "keputusan", sk_request(tembusan=[], lampiran=None))))
    assert not any(line.startswith(("Memperhatikan", "Tembusan", "LAMPIRAN")) for line in text)
    assert [line for line in text if line][-1] == "NIP 19780512 200501 1 002"


def test_the_lampiran_lists_the_team_with_posts_and_the_other_agencies(workspace: Workspace) -> None:
    guest = {"nama": "Ir. SUSANTO", "jabatan": "Tenaga Ahli Konstruksi", "jabatan_tim": "Narasumber"}
    lampiran = {
        "judul": "Susunan Keanggotaan Tim Teknis",
        "anggota": [{"pegawai": "kadis", "jabatan_tim": "Pengarah"}, "teknik-pupr", guest],
    }
    result = generate(workspace, "keputusan", sk_request(lampiran=lampiran))
    text = lines(output(workspace, result))
    at = text.index(f"LAMPIRAN KEPUTUSAN {ISSUER}")
    assert text[at + 1 : at + 4] == [
        f" | NOMOR | : | {result.number}",
        f" | TANGGAL | : | {tanggal(date.today())}",
        " | TENTANG | : | PEMBENTUKAN TIM TEKNIS PEMERIKSAAN LAPANGAN PERIZINAN REKLAME TAHUN 2026",
    ]
    table = text[text.index("SUSUNAN KEANGGOTAAN TIM TEKNIS") + 1 :][:4]
    assert table == [
        "No | Nama | NIP | Jabatan dalam Tim | Jabatan Dinas",
        f"1 | Dr. BUDI SANTOSO, S.Sos., M.Si. | 19780512 200501 1 002 | Pengarah | {ISSUER}",
        "2 | DEDI PRASETYO, S.T. | 19881105 201402 1 001 | Anggota | "
        "Penata Ruang Ahli Pertama pada Dinas Pekerjaan Umum dan Penataan Ruang Kota Pasuruan",
        "3 | Ir. SUSANTO | - | Narasumber | Tenaga Ahli Konstruksi",
    ]
    assert [line for line in text if line][-3:] == [
        "Dr. BUDI SANTOSO, S.Sos., M.Si.",
        "Pembina Tingkat I",
        "NIP 19780512 200501 1 002",
    ]


def test_a_forty_member_team_repeats_the_table_header_on_the_next_pdf_page(workspace: Workspace) -> None:
    require("soffice")
    members = [
        {"nama": f"PEGAWAI NOMOR {n:02d}", "nip": f"199001142015031{n:03d}", "jabatan": "Penata Perizinan Ahli Muda"}
        for n in range(1, 41)
    ]
    lampiran = {"judul": "Susunan Keanggotaan Tim Besar", "anggota": members}
    result = generate(workspace, "keputusan", sk_request(lampiran=lampiran), pdf=True)
    pages = [
        " ".join((page.extract_text() or "").split()) for page in PdfReader(output(workspace, result, "pdf")).pages
    ]
    first = next(i for i, page in enumerate(pages) if "SUSUNAN KEANGGOTAAN TIM BESAR" in page)
    assert "LAMPIRAN KEPUTUSAN" in pages[first] and "MEMUTUSKAN" not in pages[first]  # a page of its own
    header = "No Nama NIP Jabatan dalam Tim Jabatan Dinas"
    second = pages[first + 1]
    assert header in pages[first] and header in second, second[:300]
    continued = [n for n in range(1, 41) if f"PEGAWAI NOMOR {n:02d}" in second]
    assert continued and second.index(header) < second.index(f"PEGAWAI NOMOR {continued[0]:02d}")
    assert "SUSUNAN KEANGGOTAAN" not in second  # the header row repeated, not the lampiran's heading
    assert all(any(f"PEGAWAI NOMOR {n:02d}" in page for page in pages[first:]) for n in range(1, 41))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"diktum": ["Membentuk tim."]}, "diktum", "paling sedikit dua diktum"),
        ({"menimbang": []}, "menimbang", "tidak boleh kosong"),
        (
            {"lampiran": {"judul": "Tim", "anggota": ["kabid-ptsp", "orang-asing"]}},
            "lampiran.anggota[2].pegawai",
            "anggota 'orang-asing' tidak ada di [staff] profil",
        ),
        ({"lampiran": {"judul": "Tim", "anggota": []}}, "lampiran.anggota", "tidak boleh kosong"),
        (
            {"penandatangan": {"pejabat": "sekretaris", "sebagai": "a.n."}},
            "penandatangan",
            "tidak ditandatangani 'a.n.'",
        ),
        ({"penandatangan": {"pejabat": "kadis", "sebagai": "Plt."}}, "penandatangan", "bukan kepala (kadis)"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_takes_no_number(
    workspace: Workspace, changes: dict[str, Any], field: str, words: str
) -> None:
    refused(workspace, "keputusan", sk_request(**changes), field, words)
    with Register.open(workspace) as reg:
        assert reg.numbers() == []
    assert generate(workspace, "keputusan", sk_request()).number == f"100.3.3/1/423.105/{date.today().year}"


def test_an_acting_head_signs_in_the_heads_title(workspace: Workspace) -> None:
    data = sk_request(penandatangan={"pejabat": "sekretaris", "sebagai": "Plt."}, lampiran=None)
    text = [line for line in lines(output(workspace, generate(workspace, "keputusan", data))) if line]
    at = text.index(f"Plt. {ISSUER},")
    assert text[at + 1 : at + 2] == ["SITI RAHAYU, S.H., M.H."]
