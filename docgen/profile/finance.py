"""The treasurer's section ``[keuangan]``: who signs the payment documents (SPP, SPM, SPJ), and
the Bendahara Pengeluaran's own account, where an advance (UP, GU, TU) is paid."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from docgen.profile.section import Section

__all__ = ["FinanceRoles"]


def _digits(text: str | None, name: str, low: int, high: int) -> str | None:
    """Digits people group with spaces, dots or dashes; refused at load time, not on a form."""
    if text is None or not text.strip():
        return None
    digits = re.sub(r"[\s.\-]", "", text)
    if not (digits.isascii() and digits.isdigit() and low <= len(digits) <= high):
        raise ValueError(f"{name} Bendahara Pengeluaran harus {low}-{high} angka, tertulis '{text[:30]}'")
    return text.strip()


class FinanceRoles(Section):
    """Who holds each role in a payment packet (keys of [officials]); the forms print them.

    ``bank``, ``rekening`` and ``npwp`` are the Bendahara Pengeluaran's: an SPP UP, GU or TU and
    its SPM pay into that account, so they print it as the payee's and refuse to print without it.
    """

    pa_kpa: str = Field("kadis", description="Pengguna Anggaran / Kuasa Pengguna Anggaran.")
    ppk_skpd: str = Field("ppk-skpd", description="Pejabat Penatausahaan Keuangan SKPD.")
    pptk: str = Field("pptk", description="Pejabat Pelaksana Teknis Kegiatan.")
    bendahara: str = Field("bendahara", description="Bendahara Pengeluaran.")
    bank: str | None = Field(None, description="Bank rekening Bendahara Pengeluaran (UP/GU/TU dibayar ke sana).")
    rekening: str | None = Field(None, description="Nomor rekening Bendahara Pengeluaran, 6-20 angka.")
    npwp: str | None = Field(None, description="NPWP Bendahara Pengeluaran (instansi), 15 atau 16 angka.")

    @field_validator("rekening")
    @classmethod
    def _account_digits(cls, value: str | None) -> str | None:
        return _digits(value, "rekening", 6, 20)

    @field_validator("npwp")
    @classmethod
    def _tax_digits(cls, value: str | None) -> str | None:
        return _digits(value, "npwp", 15, 16)
