"""What Permendagri 77/2020 adds to the payment forms: the SPP's ringkasan (DPA, SPD, SP2D so
far, remaining SPD) and the SPM's deductions, with the lines of the flowing forms' tables.

Split from ``keuangan`` (money, accounts, payee, roles), which every payment document uses.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, model_validator

from docgen.kinds.base import Request, Teks
from docgen.kinds.keuangan import Rincian, Rupiah
from docgen.text import rupiah, tanggal

__all__ = ["Potongan", "Ringkasan", "Spd", "lines_context", "per_account", "spd_text", "summary_context"]


class Spd(Request):
    """One SPD (Surat Penyediaan Dana) the SPP draws on: the money BUD made available for a period."""

    nomor: Annotated[Teks, Field(max_length=40)]
    tanggal: date | None = None
    jumlah: Rupiah


class Ringkasan(Request):
    """The SPP's summary (Permendagri 77/2020): DPA, the SPDs, the SP2D already paid out of them.

    The remaining SPD (SPD - SP2D so far - this SPP) is computed, never typed, and must not be
    negative: an SPP asking for more than the SPD still holds is refused before it is numbered.
    """

    dpa: Rupiah
    spd: Annotated[list[Spd], Field(min_length=1, max_length=4)]
    sp2d: Rupiah = Decimal("0.00")

    @property
    def total_spd(self) -> Decimal:
        return sum((s.jumlah for s in self.spd), Decimal("0.00"))

    @model_validator(mode="after")
    def _within_the_dpa(self) -> Ringkasan:
        if self.total_spd > self.dpa:
            raise ValueError(
                f"jumlah SPD {rupiah(self.total_spd)} melebihi pagu DPA {rupiah(self.dpa)}; periksa SPD atau DPA-nya"
            )
        if self.sp2d > self.total_spd:
            raise ValueError(
                f"SP2D sebelumnya {rupiah(self.sp2d)} melebihi jumlah SPD {rupiah(self.total_spd)}; periksa angkanya"
            )
        return self

    def remaining(self, asked: Decimal) -> Decimal:
        """What the SPDs still hold after the SP2D paid so far and this request."""
        return self.total_spd - self.sp2d - asked


class Potongan(Request):
    """A deduction withheld from the gross amount (PPN, PPh 21/22/23, PPh 4(2), IWP, BPJS ...),
    or, in ``pajak_informasi``, a tax line printed for information only."""

    jenis: Annotated[Teks, Field(max_length=40)]
    jumlah: Rupiah


def per_account(items: list[Rincian]) -> dict[str, Decimal]:
    """The amount charged to each kode rekening: what an SPM must charge as its SPP asked."""
    totals: dict[str, Decimal] = {}
    for item in items:
        totals[item.kode_rekening] = totals.get(item.kode_rekening, Decimal("0.00")) + item.jumlah
    return totals


def summary_context(summary: Ringkasan | None, asked: Decimal) -> list[dict[str, Any]]:
    """The SPP's ringkasan as rows of two figures each (DPA and SPD, not yet in an SPD and the SP2D
    so far, this SPP and the remaining SPD), so it takes three lines of the page; ``-`` without one."""
    if summary is None:
        return [{"a": "Ringkasan DPA/SPD/SP2D tidak diisi", "a_jumlah": "-", "b": "", "b_jumlah": ""}]
    total = summary.total_spd
    pairs = [
        ("Jumlah dana DPA/DPPA", summary.dpa, "Jumlah SPD", total),
        ("Belum di-SPD-kan (DPA - SPD)", summary.dpa - total, "SP2D sebelumnya atas SPD", summary.sp2d),
        ("SPP ini", asked, "Sisa SPD (SPD - SP2D - SPP ini)", summary.remaining(asked)),
    ]
    return [{"a": a, "a_jumlah": x, "b": b, "b_jumlah": y} for a, x, b, y in pairs]


def spd_text(summary: Ringkasan) -> str:
    """The SPDs an SPP draws on, as its 'Dasar' line prints them."""
    return "; ".join(s.nomor + (f" tanggal {tanggal(s.tanggal)}" if s.tanggal else "") for s in summary.spd)


def lines_context(lines: list[Rincian], advance: Decimal) -> list[dict[str, Any]]:
    """The lines of a flowing form's table, numbered; amounts stay ``Decimal`` so the table sums them.

    An UP has no lines (the advance is not yet spent on any account): it prints as one line of the
    whole ``advance``, so the table's total is the amount asked, never 0,00.
    """
    if not lines:
        return [{"no": "1", "kode_rekening": "-", "uraian": "Uang Persediaan", "jumlah": advance}]
    return [{"no": str(n), **line.model_dump()} for n, line in enumerate(lines, start=1)]
