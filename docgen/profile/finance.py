"""The treasurer's section ``[keuangan]``: who signs the payment documents (SPP, SPM, SPJ)."""

from __future__ import annotations

from pydantic import Field

from docgen.profile.section import Section

__all__ = ["FinanceRoles"]


class FinanceRoles(Section):
    """Who holds each role in a payment packet (keys of [officials]); the forms print them."""

    pa_kpa: str = Field("kadis", description="Pengguna Anggaran / Kuasa Pengguna Anggaran.")
    ppk_skpd: str = Field("ppk-skpd", description="Pejabat Penatausahaan Keuangan SKPD.")
    pptk: str = Field("pptk", description="Pejabat Pelaksana Teknis Kegiatan.")
    bendahara: str = Field("bendahara", description="Bendahara Pengeluaran.")
