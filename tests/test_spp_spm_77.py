"""SPP and SPM as Permendagri 77/2020 lays them out, read back from the issued PDF with pypdf.

Per SPP type the parts the regulation names are on the page: the ringkasan (DPA, SPD, SP2D so far,
remaining SPD), the rincian per kode rekening, the payee's bank, account and NPWP (the third
party's for LS, the Bendahara Pengeluaran's from [keuangan] for UP/GU/TU) and the officials the
type needs. The SPM charges as its SPP, lists deductions and informative taxes and orders the net
amount, in figures and in words. Every sum is computed here from the inputs, to the sen. A
refusal comes before any number: the counters in the real SQLite file do not move.
"""

from __future__ import annotations

import copy
import re
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import verified
from layoutcases import save_pages, spent_lines
from pypdf import PdfReader

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import Result, generate
from docgen.profile import Workspace
from docgen.text import rupiah, terbilang_rupiah

PPTK = "BAMBANG HERMAWAN, S.Kom."
BENDAHARA = "SRI WAHYUNI, A.Md."
KADIS = "Dr. BUDI SANTOSO, S.Sos., M.Si."
PPK = "DEWI ANGGRAINI, S.E."
SUPPLIER_ACCOUNT = "Bank Jatim Cabang Pasuruan / 0261012345"
TREASURER_ACCOUNT = "Bank Jatim Cabang Pasuruan / 0261099999"  # docgen.toml [keuangan], fictional


def _example(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example())
    data.update(changes)
    return data


def _line(n: int, sen: str) -> dict[str, str]:
    return {
        "kode_rekening": f"5.1.02.01.01.{24 + n:04d}",
        "uraian": f"Belanja Alat/Bahan Kantor butir {n:02d}",
        "jumlah": f"{100_000 + n * 1_234}.{sen}",
    }


def _total(lines: list[dict[str, str]]) -> Decimal:
    return sum((Decimal(line["jumlah"]) for line in lines), Decimal("0.00"))


def _figures(amount: Decimal) -> str:
    return rupiah(amount).removeprefix("Rp ")


def _spp(jenis: str, lines: list[dict[str, str]], spj: str | None = None) -> dict[str, Any]:
    """An SPP of ``jenis``: LS for the example's supplier, UP/GU/TU to the treasurer's own account."""
    data = _example("spp", jenis=jenis, rincian=lines, jumlah=str(_total(lines)))
    if not jenis.startswith("LS"):
        data.pop("penerima")
    if jenis == "UP":
        data.update(rincian=[], jumlah="25000000.00")
    if spj:
        data["spj"] = spj
    return data


def _text(ws: Workspace, result: Result) -> str:
    reader = PdfReader(ws.root / result.path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _counters(ws: Workspace) -> list[tuple[Any, ...]]:
    """The number counters as the SQLite file holds them, read with sqlite3 itself."""
    with sqlite3.connect(ws.register_path) as conn:
        return conn.execute("SELECT series, year, last_seq FROM counters ORDER BY series, year").fetchall()


def _refused(ws: Workspace, kind: str, data: dict[str, Any]) -> str:
    before = _counters(ws)
    with pytest.raises(RequestError) as caught:
        generate(ws, kind, data)
    assert _counters(ws) == before, "a refused request took a number"
    return str(caught.value)


def _summary_lines(data: dict[str, Any]) -> list[str]:
    """The ringkasan's six figures, computed here from the request."""
    r = data["ringkasan"]
    dpa, spd, sp2d, asked = (Decimal(x) for x in (r["dpa"], r["spd"][0]["jumlah"], r["sp2d"], data["jumlah"]))
    return [
        f"Jumlah dana DPA/DPPA {_figures(dpa)} Jumlah SPD {_figures(spd)}",
        f"Belum di-SPD-kan (DPA - SPD) {_figures(dpa - spd)} SP2D sebelumnya atas SPD {_figures(sp2d)}",
        f"SPP ini {_figures(asked)} Sisa SPD (SPD - SP2D - SPP ini) {_figures(spd - sp2d - asked)}",
    ]


@pytest.mark.parametrize("jenis", ["UP", "GU", "TU", "LS-GAJI", "LS-BARANG-JASA", "LS-HONOR"])
def test_each_spp_type_prints_the_parts_permendagri_77_names(workspace, jenis):
    lines = [_line(1, "25"), _line(2, "50"), _line(3, "05")]
    spj = None
    if jenis in ("GU", "TU"):  # resting on the month's SPJ: a GU replaces exactly what it spent
        spj = generate(workspace, "spj", _example("spj")).number
        lines = spent_lines(_example("spj"))
    data = _spp(jenis, lines, spj)
    result = generate(workspace, "spp", data)
    text = _text(workspace, result)
    save_pages(workspace.root / result.path, f"spp77-{jenis}")

    assert f"SURAT PERMINTAAN PEMBAYARAN (SPP-{jenis[:2]})" in text and result.number in text
    assert "A. Ringkasan" in text
    for line in _summary_lines(data):
        assert line in text, line
    assert "B. Rincian Rencana Penggunaan per Kode Rekening" in text
    asked = Decimal(data["jumlah"])
    if jenis == "UP":
        assert "1 - Uang Persediaan " + _figures(asked) in text
    else:
        for n, line in enumerate(lines, start=1):
            assert f"{n} {line['kode_rekening']} {line['uraian']} {_figures(Decimal(line['jumlah']))}" in text
        assert f"JUMLAH {_figures(_total(lines))}" in text
    assert f"Jumlah yang diminta: {rupiah(asked)} Terbilang: {terbilang_rupiah(asked).capitalize()}" in text
    assert "Program : 2.18.02 Program Pelayanan Penanaman Modal" in text
    assert "Sub Kegiatan : 2.18.02.2.01.0001 Pelayanan Perizinan" in text
    if jenis.startswith("LS"):
        assert f"Penerima : CV KARYA MANDIRI PASURUAN Bank / Nomor Rekening : {SUPPLIER_ACCOUNT}" in text
        assert "NPWP : 01.234.567.8-624.000" in text
        assert f"Mengetahui, Pejabat Pelaksana Teknis Kegiatan {PPTK}" in text
    else:
        assert f"Penerima : {BENDAHARA} Bank / Nomor Rekening : {TREASURER_ACCOUNT}" in text
        assert "NPWP : 00.123.456.7-624.000" in text
        assert f"Mengetahui/Menyetujui, Pengguna Anggaran/Kuasa Pengguna Anggaran {KADIS}" in text
    assert f"Bendahara Pengeluaran, {BENDAHARA}" in text
    if spj:
        assert f"SPJ yang disahkan : {spj}" in text


def test_an_spp_of_seventy_lines_flows_over_pages_with_carried_totals_to_the_sen(workspace):
    lines = [_line(n, f"{n % 100:02d}") for n in range(1, 71)]
    data = _spp("LS-BARANG-JASA", lines)
    result = generate(workspace, "spp", data)
    reader = PdfReader(workspace.root / result.path)
    save_pages(workspace.root / result.path, "spp77-70-baris")
    assert len(reader.pages) >= 2
    text = _text(workspace, result)
    for n, line in enumerate(lines, start=1):
        assert f"{n} {line['kode_rekening']} {line['uraian']}" in text
    assert "Jumlah dipindahkan" in text and "Jumlah pindahan" in text
    checked = 0
    for page in reader.pages[:-1]:  # what a page carries is the sum of every line up to its last
        words = " ".join(page.extract_text().split())
        carried = re.search(r"Jumlah dipindahkan ([\d.,]+)", words)
        if carried:
            checked += 1
            last = max(int(n) for n in re.findall(r"(\d+) 5\.1\.02\.01\.01\.\d{4}", words))
            assert carried[1] == _figures(_total(lines[:last])), (last, carried[1])
    assert checked >= 1
    assert f"JUMLAH {_figures(_total(lines))}" in text
    assert _total(lines) == Decimal(data["jumlah"])


def _spm_on(ws: Workspace, lines: list[dict[str, str]], potongan: list[dict[str, str]], info: list[dict[str, str]]):
    spp = generate(ws, "spp", _spp("LS-BARANG-JASA", lines))
    data = _example("spm", spp=verified(ws, spp.number), rincian=lines, jumlah=str(_total(lines)))
    data.update(potongan=potongan, pajak_informasi=info)
    return spp, data


def test_an_spm_charges_as_its_spp_withholds_its_deductions_and_orders_the_net_amount(workspace):
    lines = [_line(1, "33"), _line(2, "67"), _line(3, "01")]
    potongan = [
        {"jenis": "PPN", "jumlah": "30123.45"},
        {"jenis": "PPh 22", "jumlah": "4567.89"},
        {"jenis": "PPh 23", "jumlah": "1234.56"},
        {"jenis": "PPh 4(2)", "jumlah": "999.99"},
        {"jenis": "IWP 1%", "jumlah": "100.01"},
        {"jenis": "BPJS Kesehatan", "jumlah": "0.01"},
    ]
    info = [{"jenis": "PPh 21", "jumlah": "7500.50"}]
    spp, data = _spm_on(workspace, lines, potongan, info)
    result = generate(workspace, "spm", data)
    text = _text(workspace, result)
    save_pages(workspace.root / result.path, "spm77")

    gross = _total(lines)
    cut = _total(potongan)
    net = gross - cut
    assert f"SPP Nomor {spp.number}" in text
    assert "A. Pembebanan pada Kode Rekening" in text
    for n, line in enumerate(lines, start=1):
        assert f"{n} {line['kode_rekening']} {line['uraian']} {_figures(Decimal(line['jumlah']))}" in text
    assert f"JUMLAH SPM {_figures(gross)}" in text
    for n, line in enumerate(potongan, start=1):
        assert f"{n} {line['jenis']} {_figures(Decimal(line['jumlah']))} 0,00" in text
    assert f"7 PPh 21 0,00 {_figures(Decimal('7500.50'))}" in text  # informative: not withheld
    assert f"Jumlah {_figures(cut)} {_figures(Decimal('7500.50'))}" in text
    assert f"Jumlah SPM : {rupiah(gross)} Jumlah potongan : {rupiah(cut)}" in text
    assert f"Jumlah yang dibayarkan : {rupiah(net)}" in text
    assert f"Terbilang : {terbilang_rupiah(net).capitalize()}" in text
    assert f"Bank / Nomor Rekening : {SUPPLIER_ACCOUNT}" in text and "NPWP : 01.234.567.8-624.000" in text
    assert f"Diverifikasi oleh, Pejabat Penatausahaan Keuangan SKPD {PPK}" in text and KADIS in text


def test_an_spm_up_pays_the_treasurers_account_from_the_profile(workspace):
    spp = generate(workspace, "spp", _spp("UP", []))
    data = _example(
        "spm", spp=verified(workspace, spp.number), jenis="UP", rincian=[], jumlah="25000000.00", potongan=[]
    )
    data.pop("penerima")
    text = _text(workspace, generate(workspace, "spm", data))
    assert f"Dibayarkan kepada : {BENDAHARA} Bank / Nomor Rekening : {TREASURER_ACCOUNT}" in text
    assert "Jumlah yang dibayarkan : Rp 25.000.000,00" in text and "Nihil" in text


def test_deductions_exceeding_the_gross_amount_are_refused_before_a_number(workspace):
    lines = [_line(1, "00")]
    spp, data = _spm_on(workspace, lines, [{"jenis": "PPN", "jumlah": str(_total(lines) + Decimal("0.01"))}], [])
    message = _refused(workspace, "spm", data)
    assert (
        f"jumlah potongan {rupiah(_total(lines) + Decimal('0.01'))} melebihi jumlah SPM {rupiah(_total(lines))}"
        in message
    )


def test_an_spm_charging_another_account_than_its_spp_is_refused_naming_it(workspace):
    lines = [_line(1, "00"), _line(2, "00")]
    spp, data = _spm_on(workspace, lines, [], [])
    data["rincian"][1]["kode_rekening"] = "5.1.02.01.01.0099"
    message = _refused(workspace, "spm", data)
    assert "kode rekening 5.1.02.01.01.0026 dibebani Rp 0,00 di SPM" in message and "samakan pembebanan" in message


def test_an_spp_over_the_remaining_spd_is_refused_before_a_number(workspace):
    data = _spp("LS-BARANG-JASA", [_line(1, "00")])
    r = data["ringkasan"]
    room = Decimal(r["spd"][0]["jumlah"]) - Decimal(r["sp2d"])
    over = room + Decimal("0.01")
    data.update(rincian=[{**_line(1, "00"), "jumlah": str(over)}], jumlah=str(over))
    message = _refused(workspace, "spp", data)
    assert f"SPP {rupiah(over)} melebihi sisa SPD {rupiah(room)}" in message
    data.update(rincian=[{**_line(1, "00"), "jumlah": str(room)}], jumlah=str(room))
    assert "Sisa SPD (SPD - SP2D - SPP ini) 0,00" in _text(workspace, generate(workspace, "spp", data))


@pytest.mark.parametrize("code", ["5.1.2.01.01.0024", "5.1.02.01.01.24", "5-1-02-01-01-0024", "5.1.02.01.01.0024.1"])
def test_a_malformed_kode_rekening_is_refused_before_a_number(workspace, code):
    data = _spp("LS-BARANG-JASA", [{**_line(1, "00"), "kode_rekening": code}])
    message = _refused(workspace, "spp", data)
    assert "'rincian[1].kode_rekening'" in message and "bukan kode rekening" in message


def test_an_spd_beyond_the_dpa_and_a_bad_sub_kegiatan_code_are_refused(workspace):
    data = _spp("LS-BARANG-JASA", [_line(1, "00")])
    data["ringkasan"]["dpa"] = "1000.00"
    assert "melebihi pagu DPA" in _refused(workspace, "spp", data)
    data = _spp("LS-BARANG-JASA", [_line(1, "00")])
    data["kegiatan"]["kode"] = "2.18.2.2.1.1"
    assert "bukan kode sub kegiatan" in _refused(workspace, "spp", data)


def test_an_advance_without_the_treasurers_account_in_the_profile_is_refused(workspace):
    profile = Path(workspace.root) / "docgen.toml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace('rekening = "0261099999"\n', ""), encoding="utf-8")
    from docgen.profile import load_workspace

    ws = load_workspace(workspace.root, env={})
    message = _refused(ws, "spp", _spp("UP", []))
    assert "isi bank dan rekening di [keuangan] profil" in message
    generate(ws, "spp", _spp("LS-BARANG-JASA", [_line(1, "00")]))  # LS pays the supplier: unaffected


def test_an_ls_barang_jasa_without_the_suppliers_npwp_is_refused(workspace):
    data = _spp("LS-BARANG-JASA", [_line(1, "00")])
    del data["penerima"]["npwp"]
    assert "NPWP" in _refused(workspace, "spp", data)
