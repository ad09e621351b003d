"""A batch reserves a block of numbers in one transaction: consecutive, each accounted for."""

from __future__ import annotations

from datetime import date

import pytest

from docgen.errors import RegisterError
from docgen.register import Register, check_register

SERIES = "surat-keluar"


def test_a_block_is_consecutive_and_each_number_is_its_own_row(workspace):
    with Register.open(workspace) as reg:
        first = reg.reserve(SERIES, doc_date=date(2026, 11, 28), kka="500.16.7.2")
        block = reg.reserve_block(SERIES, 5, doc_date=date(2026, 11, 28), kka="500.16.7.2")
        after = reg.reserve(SERIES, doc_date=date(2026, 11, 28), kka="500.16.7.2")
        assert [r.seq for r in block] == [2, 3, 4, 5, 6] and first.seq == 1 and after.seq == 7
        assert len({r.number_id for r in block}) == 5
        rows = {n["seq"]: n["status"] for n in reg.numbers(series=SERIES)}
        assert rows == dict.fromkeys(range(1, 8), "reserved")
        reg.abandon(block[2], reason="baris rusak")
        assert {n["seq"]: n["status"] for n in reg.numbers(series=SERIES)}[4] == "void"


@pytest.mark.parametrize("count", [0, -1, True, 10_001, 2.0])
def test_a_block_of_an_impossible_size_is_refused_and_takes_nothing(workspace, count):
    with Register.open(workspace) as reg:
        with pytest.raises(RegisterError):
            reg.reserve_block(SERIES, count, doc_date=date(2026, 11, 28), kka="500.16.7.2")
        assert reg.numbers() == []
        assert check_register(reg).ok
