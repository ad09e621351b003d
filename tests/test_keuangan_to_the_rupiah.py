"""Payment forms agree to the rupiah and to the sen: no tolerance anywhere (issue 22).

A treasurer's SPP whose line items are Rp 1 off its total is a form the verifier sends back,
and an SPM ordering Rp 1 more than its SPP pays money nobody asked for. The existing tests
differ by Rp 100.000, which a rounding "tolerance" in the check would let through; these
differ by the smallest amounts, above and below, and check the one Indonesian line the clerk
reads and that no number was taken.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from conftest import cli, count_rows, one_galat_line, verified
from layoutcases import spent_lines

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.text import rupiah


def _example(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example())
    data.update(changes)
    return data


def _refused(workspace, kind: str, data: dict[str, Any]) -> str:
    """The refusal's one line, after checking that no number and no document were taken for it."""
    before = count_rows(workspace, "numbers"), count_rows(workspace, "documents")
    with pytest.raises(RequestError) as caught:
        generate(workspace, kind, data)
    assert (count_rows(workspace, "numbers"), count_rows(workspace, "documents")) == before
    message = str(caught.value)
    assert "\n" not in message.strip(), message
    return message


OFF_BY = [Decimal("1"), Decimal("-1"), Decimal("0.01"), Decimal("-0.01")]


#: Per kind: a line's amount that must add up to ``jumlah``, and what the refusal calls their sum
#: (the SPJ's ``jumlah`` is this month's spending, the sum of its lines' ``bulan_ini``).
LINE_AMOUNT = {"spp": ("jumlah", "jumlah rincian"), "spj": ("bulan_ini", "jumlah belanja bulan ini")}


@pytest.mark.parametrize("kind", ["spp", "spj"])
@pytest.mark.parametrize("off", OFF_BY, ids=str)
def test_a_total_one_rupiah_or_one_sen_off_its_line_items_is_refused_naming_both(workspace, kind, off):
    key, sum_named = LINE_AMOUNT[kind]
    data = _example(kind)
    items = sum(Decimal(item[key]) for item in data["rincian"])
    assert Decimal(data["jumlah"]) == items  # the example itself adds up
    data["jumlah"] = str(items + off)

    message = _refused(workspace, kind, data)
    assert f"{sum_named} {rupiah(items)} tidak sama dengan jumlah {rupiah(items + off)}" in message
    assert "perbaiki rincian atau jumlahnya" in message and "'jumlah'" in message


@pytest.mark.parametrize("off", OFF_BY, ids=str)
def test_a_line_item_one_rupiah_or_one_sen_off_is_refused(workspace, off):
    data = _example("spp")
    total = Decimal(data["jumlah"])
    data["rincian"][0]["jumlah"] = str(Decimal(data["rincian"][0]["jumlah"]) + off)
    message = _refused(workspace, "spp", data)
    assert f"jumlah rincian {rupiah(total + off)} tidak sama dengan jumlah {rupiah(total)}" in message


def test_line_items_that_add_up_exactly_are_accepted(workspace):
    data = _example("spp")
    data["rincian"][0]["jumlah"] = str(Decimal(data["rincian"][0]["jumlah"]) + Decimal("0.01"))
    data["jumlah"] = str(Decimal(data["jumlah"]) + Decimal("0.01"))
    made = generate(workspace, "spp", data)
    assert made.number


@pytest.mark.parametrize("off", OFF_BY, ids=str)
def test_an_spm_one_rupiah_or_one_sen_off_its_spp_is_refused_naming_both(workspace, off):
    spp = generate(workspace, "spp", _example("spp"))
    asked = Decimal(_example("spp")["jumlah"])
    data = _example("spm", spp=verified(workspace, spp.number), jumlah=str(asked + off))
    data["rincian"][0]["jumlah"] = str(Decimal(data["rincian"][0]["jumlah"]) + off)  # the lines still add up
    message = _refused(workspace, "spm", data)
    assert f"jumlah SPM {rupiah(asked + off)} tidak sama dengan jumlah SPP {rupiah(asked)}" in message
    assert "samakan dengan SPP-nya" in message and "'spp'" in message


def test_a_gu_asking_one_rupiah_more_than_its_spj_is_refused_and_exactly_its_spj_is_made(workspace):
    spj = generate(workspace, "spj", _example("spj"))
    spent = Decimal(_example("spj")["jumlah"])
    items = spent_lines(_example("spj"))
    over = copy.deepcopy(items)
    over[0]["jumlah"] = str(Decimal(over[0]["jumlah"]) + 1)
    data = _example("spp", jenis="GU", spj=spj.number, jumlah=str(spent + 1), rincian=over)

    message = _refused(workspace, "spp", data)
    assert f"SPP GU {rupiah(spent + 1)} melebihi jumlah SPJ {rupiah(spent)}" in message
    assert generate(workspace, "spp", {**data, "jumlah": str(spent), "rincian": items}).number


def test_docgen_new_prints_one_galat_line_for_a_total_one_rupiah_off(workspace, tmp_path):
    data = _example("spp")
    items = Decimal(data["jumlah"])
    data["jumlah"] = str(items + 1)
    request = tmp_path / "spp.json"
    request.write_text(json.dumps(data), encoding="utf-8")

    line = one_galat_line(cli(workspace, "new", "spp", "--data", str(request)))
    assert f"jumlah rincian {rupiah(items)} tidak sama dengan jumlah {rupiah(items + 1)}" in line
    assert count_rows(workspace, "numbers") == 0
