"""The payment documents' money and payee rules, checked where a request is read and a form is filled.

Mutation testing (issue 22) found rules that could be loosened or dropped with every test passing:
an account number given as a bare integer, a bank account of the wrong length, an NPWP printed
without its card layout, an SPM printing the treasurer where the supplier belongs, an SPJ's
remaining advance added instead of subtracted. Requests go through ``validate_request`` as the
pipeline reads them; forms are checked through the kind's context, the values the form prints.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from docgen.config import copy_defaults, load_workspace
from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.kinds.base import validate_request


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    return load_workspace(copy_defaults(tmp_path_factory.mktemp("ws") / "ws"), env={}).profile


def _data(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example())
    data.update(changes)
    return data


def _payee(**changes: Any) -> dict[str, Any]:
    payee = copy.deepcopy(get_kind("spp").example["penerima"])
    payee.update(changes)
    return payee


def _read(profile, kind: str, data: dict[str, Any]):
    return validate_request(get_kind(kind), data, profile)


def _refusal(profile, kind: str, data: dict[str, Any]) -> str:
    with pytest.raises(RequestError) as caught:
        _read(profile, kind, data)
    return str(caught.value)


def _printed(profile, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    k = get_kind(kind)
    return k.context(_read(profile, kind, data), profile)


# -- the payee's bank account and NPWP --------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [("0261012345", "0261012345"), (" 026-101.2345 ", "026-101.2345"), (2610123456, "2610123456"),
     ("123456", "123456"), ("1" * 20, "1" * 20)],
)  # fmt: skip
def test_a_bank_account_of_six_to_twenty_digits_is_kept_as_written(profile, given, kept):
    form = _printed(profile, "spp", _data("spp", penerima=_payee(rekening=given)))
    assert form["penerima"]["rekening"] == kept


@pytest.mark.parametrize("given", ["12345", "1" * 21, "0261O12345", "٠٢٦١٠١٢٣٤٥", "02610 12345x"])
def test_a_bank_account_that_is_not_six_to_twenty_digits_is_refused_naming_it(profile, given):
    message = _refusal(profile, "spp", _data("spp", penerima=_payee(rekening=given)))
    assert f"'penerima.rekening' nomor rekening harus 6-20 angka, diterima '{given[:30]}'" in message


def test_a_bank_account_written_as_a_decimal_number_is_refused_with_the_fix(profile):
    message = _refusal(profile, "spp", _data("spp", penerima=_payee(rekening=261012345.0)))
    assert "nomor rekening tertulis sebagai angka desimal; tulis sebagai teks di antara tanda kutip" in message


def test_a_yes_no_value_is_not_a_bank_account(profile):
    message = _refusal(profile, "spp", _data("spp", penerima=_payee(rekening=True)))
    assert "'penerima.rekening' harus berupa teks" in message


def test_the_npwp_is_printed_as_on_the_card_and_the_nik_plain(profile):
    card = _printed(profile, "spp", _data("spp", penerima=_payee(npwp="01.234.567.8-624.000")))
    assert card["penerima"]["npwp"] == "01.234.567.8-624.000"
    digits = _printed(profile, "spp", _data("spp", penerima=_payee(npwp="012345678624000")))
    assert digits["penerima"]["npwp"] == "01.234.567.8-624.000"
    nik = _printed(profile, "spp", _data("spp", penerima=_payee(npwp="3575 0123 4567 0001")))
    assert nik["penerima"]["npwp"] == "3575012345670001"


@pytest.mark.parametrize("given", ["01234567862400", "01234567862400012"])
def test_an_npwp_of_the_wrong_length_is_refused(profile, given):
    message = _refusal(profile, "spp", _data("spp", penerima=_payee(npwp=given)))
    assert f"'penerima.npwp' NPWP harus 15-16 angka, diterima '{given}'" in message


# -- account codes of the line items -----------------------------------------------------------------


def test_an_account_code_written_as_a_number_is_refused_with_the_fix(profile):
    data = _data("spp")
    data["rincian"][0]["kode_rekening"] = 5.1
    message = _refusal(profile, "spp", data)
    assert (
        "'rincian[1].kode_rekening' kode rekening tertulis sebagai angka; tulis sebagai teks, "
        'misalnya "5.1.02.01.01.0024"' in message
    )


def test_a_malformed_account_code_is_refused_showing_what_was_written(profile):
    data = _data("spp")
    data["rincian"][1]["kode_rekening"] = "5.1.2.1.1.24" + "9" * 40
    message = _refusal(profile, "spp", data)
    assert (
        f"'rincian[2].kode_rekening' '{('5.1.2.1.1.24' + '9' * 40)[:30]}' bukan kode rekening; tulis seperti "
        "5.1.02.01.01.0024 (akun.kelompok.jenis.objek.rincian objek.sub rincian objek)" in message
    )


def test_an_account_code_is_printed_without_the_spaces_around_it(profile):
    data = _data("spp")
    data["rincian"][0]["kode_rekening"] = "  5.1.02.01.01.0024 "
    assert _printed(profile, "spp", data)["rincian"]["1"]["kode"] == "5.1.02.01.01.0024"


# -- the SPM pays the SPP's payee; the SPJ shows what is left of the advance --------------------------


def test_an_spm_prints_and_registers_the_payee_it_pays(profile):
    kind = get_kind("spm")
    request = _read(profile, "spm", _data("spm"))
    printed = kind.context(request, profile)["penerima"]
    assert printed == {"nama": "CV KARYA MANDIRI PASURUAN", "bank": "Bank Jatim Cabang Pasuruan",
                       "rekening": "0261012345", "npwp": "01.234.567.8-624.000"}  # fmt: skip
    assert kind.summary(request, profile).addressee == "CV KARYA MANDIRI PASURUAN"


def test_an_spm_without_a_payee_pays_the_treasurer(profile):
    kind = get_kind("spm")
    request = _read(profile, "spm", _data("spm", penerima=None))
    assert kind.summary(request, profile).addressee == "SRI WAHYUNI, A.Md."
    assert kind.context(request, profile)["penerima"]["bank"] == "-"


def test_an_spj_prints_the_advance_and_what_is_left_of_it(profile):
    data = _data("spj")
    total = sum(Decimal(str(item["jumlah"])) for item in data["rincian"])
    data.update(jumlah=str(total), uang_persediaan=str(total + Decimal("2500000.50")))
    form = _printed(profile, "spj", data)
    assert form["uang_persediaan"] == f"Rp {_figures(total + Decimal('2500000.50'))}"
    assert form["sisa"] == "Rp 2.500.000,50"


def test_an_spj_without_an_advance_prints_dashes(profile):
    data = _data("spj")
    data.pop("uang_persediaan", None)
    form = _printed(profile, "spj", data)
    assert (form["uang_persediaan"], form["sisa"]) == ("-", "-")


def test_an_spj_prints_its_budget_line(profile):
    line = {"program": "Program Pelayanan", "kegiatan": "Pelayanan Terpadu", "sub_kegiatan": "Pelayanan Perizinan"}
    form = _printed(profile, "spj", _data("spj", kegiatan=line))
    assert (form["program"], form["kegiatan"], form["sub_kegiatan"]) == tuple(line.values())
    assert _printed(profile, "spj", _data("spj"))["program"] == "-"


def _figures(amount: Decimal) -> str:
    whole, sen = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + sen
