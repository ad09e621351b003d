"""The treasurer's monthly SPJ as a flowing form: any number of kode rekening over as many pages.

Generated through the whole pipeline into a real workspace (SQLite register), read back with
pdfplumber (tests/layoutread.py): every page after the first carries its number, the table's
header row is repeated on each page, each page closes with the sums so far ("Jumlah dipindahkan")
and the next opens with them ("Jumlah pindahan"), equal to the running sums computed here from the
input; the totals add up to the sen; nothing is below 8 pt and every font is embedded.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from conftest import count_rows
from layoutcases import save_pages
from layoutcheck import missing_page_numbers, small_text, unembedded_fonts
from layoutread import read_layout

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.text import rupiah

COLUMNS = ("pagu", "sd_bulan_lalu", "bulan_ini", "sd_bulan_ini", "sisa_pagu")
_FIGURE = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{2}")


def _figures(amount: Decimal) -> str:
    return rupiah(amount).removeprefix("Rp ")


def _lines(count: int) -> list[dict[str, str]]:
    """``count`` kode rekening with sen in every amount, some uraian long enough to wrap."""
    lines = []
    for n in range(1, count + 1):
        pagu = Decimal(10_000_000 + n * 137_531) + Decimal(n % 100) / 100
        before = Decimal(n * 41_203) + Decimal((n * 7) % 100) / 100
        now = Decimal(n * 12_345) + Decimal((n * 3) % 100) / 100
        uraian = f"Belanja {n} " + ("untuk rapat koordinasi perizinan dan pengawasan " * (n % 3))
        lines.append(
            {
                "kode_rekening": f"5.1.02.01.01.{n:04d}",
                "uraian": uraian.strip(),
                "pagu": str(pagu),
                "sd_bulan_lalu": str(before),
                "bulan_ini": str(now),
            }
        )
    return lines


def _spj(count: int) -> dict[str, Any]:
    data = copy.deepcopy(get_kind("spj").dated_example())
    data["rincian"] = _lines(count)
    total = sum(Decimal(line["bulan_ini"]) for line in data["rincian"])
    data["jumlah"] = str(total)
    data["uang_persediaan"] = str(total + 1000)
    return data


def _row_amounts(line: dict[str, str]) -> list[Decimal]:
    pagu, before, now = (Decimal(line[k]) for k in ("pagu", "sd_bulan_lalu", "bulan_ini"))
    return [pagu, before, now, before + now, pagu - before - now]


def _sums(lines: list[dict[str, str]]) -> list[Decimal]:
    return [sum(values, Decimal("0.00")) for values in zip(*(_row_amounts(line) for line in lines), strict=True)]


def _row(page: Any, label: str) -> list[str]:
    """The figures printed on the row of the table that ``label`` opens, left to right."""
    start = next(line for line in page.lines if line.text == label)
    same = sorted((line for line in page.lines if abs(line.top - start.top) < 2), key=lambda line: line.x0)
    return _FIGURE.findall(" ".join(line.text for line in same))


def test_a_60_line_spj_flows_over_pages_with_its_header_repeated_and_its_totals_carried(workspace):
    data = _spj(60)
    result = generate(workspace, "spj", data)
    pdf = workspace.root / result.path
    save_pages(pdf, "spj-60-baris")
    doc = read_layout(pdf)
    assert len(doc.pages) >= 3
    label = workspace.profile.page.page_label
    assert missing_page_numbers(doc, label, position=workspace.profile.page.number_position) == []
    assert small_text(doc) == []
    assert unembedded_fonts(pdf) == []

    lines = data["rincian"]
    done = 0  # the lines printed on the pages before
    carried: list[Decimal] | None = None
    for page in doc.pages:
        texts = [line.text for line in page.lines]
        joined = "\n".join(texts)
        printed = [int(m) for m in re.findall(r"5\.1\.02\.01\.01\.(\d{4})", joined)]
        if not printed:
            continue  # the page of the taxes and the signatures only
        assert printed == list(range(done + 1, done + 1 + len(printed))), "lines in order, none lost or repeated"
        assert "Kode Rekening" in joined and "s.d. Bulan Ini" in joined, f"header row on page {page.number}"
        if carried is not None:
            assert _row(page, "Jumlah pindahan") == [_figures(a) for a in carried], f"carried into page {page.number}"
        done += len(printed)
        sums = _sums(lines[:done])
        if done < len(lines):
            assert _row(page, "Jumlah dipindahkan") == [_figures(a) for a in sums], f"carried from page {page.number}"
            carried = sums
        else:
            assert _row(page, "Jumlah") == [_figures(a) for a in sums]
    assert done == 60
    assert _sums(lines)[2] == Decimal(data["jumlah"])  # this month's total is the SPJ's jumlah, to the sen


def test_the_spj_prints_the_parts_the_regulation_names(workspace):
    result = generate(workspace, "spj", get_kind("spj").dated_example())
    pdf = workspace.root / result.path
    save_pages(pdf, "spj-contoh")
    text = " ".join(line.text for page in read_layout(pdf).pages for line in page.lines)
    for part in (
        "SURAT PERTANGGUNGJAWABAN BENDAHARA PENGELUARAN",
        result.number,
        "Bulan",
        "November 2026",
        "Kode Rekening",
        "Jumlah Anggaran",
        "(Pagu)",
        "s.d. Bulan Lalu",
        "Bulan Ini",
        "s.d. Bulan Ini",
        "Sisa Pagu Anggaran",
        "Penerimaan dan Penyetoran Pajak",
        "PPN",
        "PPh 23",
        "Disahkan oleh",
        "Bendahara Pengeluaran",
        "Pengguna Anggaran/Kuasa Pengguna Anggaran",
    ):
        assert part in text, part
    # the example's first line: pagu 30.000.000, 18.500.000 before, 2.250.000 now
    assert "30.000.000,00 18.500.000,00 2.250.000,00 20.750.000,00 9.250.000,00" in text
    assert "empat juta tujuh ratus lima puluh ribu rupiah" in text.lower()


def test_a_line_over_its_pagu_is_refused_before_a_number(workspace):
    data = _spj(3)
    line = data["rincian"][1]
    line["bulan_ini"] = str(Decimal(line["pagu"]) - Decimal(line["sd_bulan_lalu"]) + Decimal("0.01"))
    data["jumlah"] = str(sum(Decimal(x["bulan_ini"]) for x in data["rincian"]))
    data["uang_persediaan"] = None
    before = count_rows(workspace, "numbers")
    with pytest.raises(RequestError) as caught:
        generate(workspace, "spj", data)
    assert count_rows(workspace, "numbers") == before
    assert "5.1.02.01.01.0002" in str(caught.value) and "melebihi pagu" in str(caught.value)


def test_a_short_spj_keeps_its_table_on_the_first_page_and_carries_nothing(workspace):
    result = generate(workspace, "spj", _spj(5))
    doc = read_layout(workspace.root / result.path)
    first = " ".join(line.text for line in doc.pages[0].lines)
    assert "5.1.02.01.01.0005" in first
    text = " ".join(line.text for page in doc.pages for line in page.lines)
    assert "dipindahkan" not in text and "pindahan" not in text


def test_a_word_wider_than_its_column_is_refused_before_a_number(workspace):
    data = _spj(2)
    data["rincian"][0]["uraian"] = "Belanja" + "x" * 80
    before = count_rows(workspace, "numbers")
    with pytest.raises(RequestError) as caught:
        generate(workspace, "spj", data)
    assert count_rows(workspace, "numbers") == before
    assert "'rincian' baris 1 kolom 'Uraian'" in str(caught.value)
