"""SPP, SPM and SPJ: payment forms drawn from the shipped layouts, read back from the PDF with pypdf.

Amounts are Decimal to the sen and printed in figures and in words; line items must add up to
the total; a GU or TU rests on an approved SPJ and an SPM on its SPP with the same amount. Every
refusal names the field (or both amounts) and takes no number.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from conftest import count_rows, verified
from layoutcases import spent_lines
from pypdf import PdfReader

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import Result, generate
from docgen.profile import Workspace, load_workspace
from docgen.register import Register, State
from docgen.text import rupiah

TODAY = date.today().isoformat()


def _example(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example())
    data.update(changes)
    return data


def _up(jumlah: Any) -> dict[str, Any]:
    """An SPP UP: the one type without line items, so any total stands alone."""
    return {"jenis": "UP", "tanggal": TODAY, "keperluan": "Uang persediaan tahun anggaran berjalan", "jumlah": jumlah}


def _text(workspace: Workspace, result: Result) -> str:
    reader = PdfReader(workspace.root / result.path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _refused(workspace: Workspace, kind: str, data: dict[str, Any]) -> str:
    """The refusal's message, after checking that no number was taken for it."""
    before = count_rows(workspace, "numbers")
    with pytest.raises(RequestError) as caught:
        generate(workspace, kind, data)
    assert count_rows(workspace, "numbers") == before
    return str(caught.value)


@pytest.mark.parametrize(
    ("jumlah", "figures", "words"),
    [
        (0, "Rp 0,00", "nol rupiah"),
        ("1", "Rp 1,00", "satu rupiah"),
        (11, "Rp 11,00", "sebelas rupiah"),
        ("100.00", "Rp 100,00", "seratus rupiah"),
        ("1.000", "Rp 1.000,00", "seribu rupiah"),
        ("Rp 1.000.000,-", "Rp 1.000.000,00", "satu juta rupiah"),
        (1_000_000_000, "Rp 1.000.000.000,00", "satu miliar rupiah"),
        ("Rp 1.250.000,50", "Rp 1.250.000,50", "satu juta dua ratus lima puluh ribu rupiah lima puluh sen"),
        (Decimal("12500000.05"), "Rp 12.500.000,05", "dua belas juta lima ratus ribu rupiah lima sen"),
    ],
)
def test_the_amount_is_printed_in_figures_and_in_words(workspace, jumlah, figures, words):
    text = _text(workspace, generate(workspace, "spp", _up(jumlah)))
    assert f"Jumlah yang diminta: {figures} Terbilang:" in text  # the total, printed just before its words
    spelled = re.search(r"Terbilang: (.+?) Mengetahui", text)
    assert spelled is not None, text
    assert spelled[1].lower() == words


def test_an_spp_prints_its_type_account_lines_payee_and_number(workspace):
    result = generate(workspace, "spp", _example("spp"))
    text = _text(workspace, result)
    assert "SURAT PERMINTAAN PEMBAYARAN (SPP-LS)" in text and "Langsung (LS) Barang dan Jasa" in text
    assert "1 5.1.02.01.01.0024 Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor 4.500.000,00" in text
    assert "2 5.1.02.01.01.0026" in text and "8.000.000,00" in text
    assert "CV KARYA MANDIRI PASURUAN" in text and "Bank Jatim Cabang Pasuruan / 0261012345" in text
    assert "01.234.567.8-624.000" in text  # the NPWP grouped as on the card
    assert result.number is not None and "/SPP/" in result.number and result.number in text


def test_the_roles_are_printed_with_the_profiles_names_and_nip(workspace):
    spj = generate(workspace, "spj", _example("spj"))
    spp = generate(workspace, "spp", _example("spp"))
    spm = generate(workspace, "spm", _example("spm", spp=verified(workspace, spp.number)))
    bendahara, pptk = (
        "SRI WAHYUNI, A.Md. NIP. 19910318 201402 2 001",
        "BAMBANG HERMAWAN, S.Kom. NIP. 19840923 201001 1 006",
    )
    kadis, ppk = (
        "Dr. BUDI SANTOSO, S.Sos., M.Si. NIP. 19780512 200501 1 002",
        "DEWI ANGGRAINI, S.E. NIP. 19860612 201101 2 005",
    )
    spp_text, spm_text, spj_text = (_text(workspace, r) for r in (spp, spm, spj))
    assert pptk in spp_text and bendahara in spp_text
    assert ppk in spm_text and kadis in spm_text
    assert kadis in spj_text and bendahara in spj_text and "Disahkan oleh" in spj_text


def test_a_role_whose_official_is_not_in_the_profile_is_refused_naming_the_role(workspace):
    profile = workspace.root / "docgen.toml"
    profile.write_text(profile.read_text(encoding="utf-8").replace('pptk = "pptk"', 'pptk = "pptk-lama"'), "utf-8")
    ws = load_workspace(workspace.root, env={})
    message = _refused(ws, "spp", _example("spp"))
    assert "keuangan.pptk" in message and "pptk-lama" in message
    generate(ws, "spj", _example("spj"))  # the SPJ has no PPTK: unaffected


#: Per kind: a line's amount that must add up to ``jumlah``, and what the refusal calls their sum
#: (the SPJ's ``jumlah`` is this month's spending, the sum of its lines' ``bulan_ini``).
LINE_AMOUNT = {"spp": ("jumlah", "jumlah rincian"), "spj": ("bulan_ini", "jumlah belanja bulan ini")}


@pytest.mark.parametrize("kind", ["spp", "spj"])
def test_line_items_that_do_not_add_up_are_refused_naming_both_amounts(workspace, kind):
    key, sum_named = LINE_AMOUNT[kind]
    data = _example(kind)
    data["rincian"][1][key] = str(Decimal(data["rincian"][1][key]) - 100_000)
    total = Decimal(data["jumlah"])
    message = _refused(workspace, kind, data)
    assert f"{sum_named} {rupiah(total - 100_000)} tidak sama dengan jumlah {rupiah(total)}" in message
    assert "'jumlah'" in message


def test_the_exact_wording_of_a_wrong_total(workspace):
    data = _example("spp")
    data["rincian"][1]["jumlah"] = "Rp 7.900.000,00"
    message = _refused(workspace, "spp", data)
    assert "jumlah rincian Rp 12.400.000,00 tidak sama dengan jumlah Rp 12.500.000,00" in message


@pytest.mark.parametrize(
    ("path", "value"),
    [(("jumlah",), 12_500_000.0), (("rincian", 0, "jumlah"), 4_500_000.0), (("jumlah",), 0.1)],
)
def test_a_float_amount_is_refused_naming_the_field(workspace, path, value):
    data = _example("spp")
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    message = _refused(workspace, "spp", data)
    shown = "rincian[1].jumlah" if len(path) > 1 else "jumlah"
    assert f"'{shown}'" in message and "float" in message


@pytest.mark.parametrize(
    ("jumlah", "why"),
    [
        ("12.500.000,505", "dua angka sen"),
        ("-5000", "negatif"),
        ("dua juta", "bukan nominal"),
        (10**15, "terlalu besar"),
    ],
)
def test_an_amount_that_is_not_rupiah_to_the_sen_is_refused(workspace, jumlah, why):
    assert why in _refused(workspace, "spp", _up(jumlah))


def test_a_gu_without_spj_is_refused_naming_spj(workspace):
    data = _example("spp", jenis="GU")
    message = _refused(workspace, "spp", data)
    assert "'spj'" in message and "GU" in message


def test_a_gu_on_a_void_spj_is_refused_and_on_an_approved_one_it_is_made(workspace):
    spj = generate(workspace, "spj", _example("spj"))
    data = _example("spp", jenis="GU", spj=spj.number, jumlah="4750000", rincian=spent_lines(_example("spj")))
    with Register.open(workspace) as reg:
        reg.set_state(spj.id, State.BATAL, reason="rincian salah hitung")
    assert "'spj'" in _refused(workspace, "spp", data)  # by its number: a void number is no longer issued
    message = _refused(workspace, "spp", {**data, "spj": f"id:{spj.id}"})
    assert "'spj'" in message and "batal" in message and "rincian salah hitung" in message

    fresh = generate(workspace, "spj", _example("spj"))
    gu = generate(workspace, "spp", {**data, "spj": fresh.number})
    text = _text(workspace, gu)
    assert "(SPP-GU)" in text and fresh.number in text


def test_a_gu_asking_more_than_its_spj_accounted_for_is_refused(workspace):
    spj = generate(workspace, "spj", _example("spj"))  # Rp 4.750.000,00
    data = _example("spp", jenis="GU", spj=spj.number)  # Rp 12.500.000,00
    message = _refused(workspace, "spp", data)
    assert "Rp 12.500.000,00" in message and "Rp 4.750.000,00" in message


def test_a_tu_without_spj_is_refused_and_an_ls_does_not_take_one(workspace):
    assert "'spj'" in _refused(workspace, "spp", _example("spp", jenis="TU"))
    assert "'spj'" in _refused(workspace, "spp", _example("spp", spj="0001/SPJ/423.105/2026"))


def test_an_ls_without_the_payees_bank_account_is_refused(workspace):
    data = _example("spp")
    del data["penerima"]["rekening"]
    assert "rekening" in _refused(workspace, "spp", data)


def test_an_spm_on_its_spp_prints_the_spp_number_and_amount(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    spm = generate(workspace, "spm", _example("spm", spp=verified(workspace, spp.number)))
    text = _text(workspace, spm)
    assert "SURAT PERINTAH MEMBAYAR (SPM-LS)" in text and spp.number in text
    assert "JUMLAH SPM 12.500.000,00" in text and "Jumlah yang dibayarkan : Rp 11.092.342,34" in text
    words = "Sebelas juta sembilan puluh dua ribu tiga ratus empat puluh dua rupiah tiga puluh empat sen"
    assert f"Terbilang : {words}" in text


def test_an_spm_whose_amount_differs_from_its_spp_is_refused_naming_both(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    data = _example("spm", spp=verified(workspace, spp.number), jumlah="12400000")
    data["rincian"][1]["jumlah"] = "7900000"
    message = _refused(workspace, "spm", data)
    assert "jumlah SPM Rp 12.400.000,00 tidak sama dengan jumlah SPP Rp 12.500.000,00" in message
    assert "'spp'" in message


def test_an_spm_of_another_type_or_payee_than_its_spp_is_refused(workspace):
    spp = generate(workspace, "spp", _example("spp"))
    assert "LS-BARANG-JASA" in _refused(
        workspace, "spm", _example("spm", spp=verified(workspace, spp.number), jenis="LS-HONOR")
    )
    other = _example("spm", spp=spp.number)
    other["penerima"]["nama"] = "CV LAIN SEKALI"
    assert "CV KARYA MANDIRI PASURUAN" in _refused(workspace, "spm", other)


def test_an_spm_on_an_spp_that_does_not_exist_is_refused(workspace):
    assert "tidak ada di register" in _refused(workspace, "spm", _example("spm", spp="9999/SPP/423.105/2026"))
