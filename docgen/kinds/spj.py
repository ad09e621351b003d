"""SPJ: the Bendahara Pengeluaran's monthly accounting (Surat Pertanggungjawaban), Permendagri 77/2020.

Each month the treasurer accounts, per kode rekening, for the budget ceiling (pagu), what was spent
up to last month, this month and up to this month, and what remains of the ceiling; and for the
taxes collected on those payments and paid to the state. The PA/KPA approves it ("disahkan"); only
an approved, numbered SPJ lets the next GU or TU request go ahead, which is why SPP GU/TU name one
(an SPP GU reads this SPJ's ``jumlah``, this month's spending). Set as a flowing form from
``templates/spj.flow.toml``: a month of many lines runs over as many pages as it needs.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from docgen.kinds.base import Kind, Request, Summary, Tanggal, Teks
from docgen.kinds.keuangan import (
    Kegiatan,
    Keuangan,
    Rupiah,
    _account,
    amount_context,
    heading_context,
    official,
    role_context,
)
from docgen.profile import Profile
from docgen.text import nama_bulan, rupiah

__all__ = ["KIND", "BarisSpj", "PajakSpj", "Spj"]

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_ZERO = Decimal("0.00")
JENIS_PAJAK = ("PPN", "PPh 21", "PPh 22", "PPh 23", "PPh 4 ayat 2")


class BarisSpj(Request):
    """One kode rekening of the month: its pagu and what was spent against it."""

    kode_rekening: Annotated[str, BeforeValidator(_account)]
    uraian: Annotated[Teks, Field(max_length=300)]  # wraps in its column over as many lines as it needs
    pagu: Rupiah
    sd_bulan_lalu: Rupiah
    bulan_ini: Rupiah

    @property
    def sd_bulan_ini(self) -> Decimal:
        return self.sd_bulan_lalu + self.bulan_ini

    @model_validator(mode="after")
    def _within_pagu(self) -> BarisSpj:
        if self.sd_bulan_ini > self.pagu:
            raise ValueError(
                f"kode rekening {self.kode_rekening}: s.d. bulan ini {rupiah(self.sd_bulan_ini)} melebihi pagu "
                f"{rupiah(self.pagu)}; periksa pagu atau belanjanya"
            )
        return self


class PajakSpj(Request):
    """A tax the treasurer collected on the month's payments, and how much of it was paid in."""

    jenis: Literal[JENIS_PAJAK]  # type: ignore[valid-type]
    dipungut: Rupiah
    disetor: Rupiah

    @model_validator(mode="after")
    def _paid_what_was_collected(self) -> PajakSpj:
        if self.disetor > self.dipungut:
            raise ValueError(
                f"{self.jenis}: disetor {rupiah(self.disetor)} melebihi yang dipungut {rupiah(self.dipungut)}; "
                "periksa setorannya"
            )
        return self


class Spj(Keuangan):
    PERAN: ClassVar[tuple[str, ...]] = ("bendahara", "pa_kpa")

    tanggal: Tanggal
    bulan: str = Field(description="bulan yang dipertanggungjawabkan, 2026-11")
    kegiatan: Kegiatan | None = None
    rincian: list[BarisSpj] = Field(default_factory=list)
    jumlah: Rupiah
    pajak: list[PajakSpj] = Field(default_factory=list)
    uang_persediaan: Rupiah | None = None

    def month(self) -> tuple[int, int]:
        match = _MONTH.fullmatch(self.bulan)
        assert match is not None  # checked by the validator
        return int(match.group(1)), int(match.group(2))

    @field_validator("jumlah")
    @classmethod
    def _the_months_spending(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        """Named at the field a clerk corrects: the total must be the sum of this month's lines."""
        lines = info.data.get("rincian") or []
        spent = sum((line.bulan_ini for line in lines), _ZERO)
        if lines and spent != value:
            raise ValueError(
                f"jumlah belanja bulan ini {rupiah(spent)} tidak sama dengan jumlah {rupiah(value)}; "
                "perbaiki rincian atau jumlahnya"
            )
        return value

    @model_validator(mode="after")
    def _month_lines_and_advance(self) -> Spj:
        match = _MONTH.fullmatch(self.bulan.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"'bulan' '{self.bulan[:20]}' bukan bulan; tulis tahun-bulan, misalnya 2026-11")
        year, month = int(match.group(1)), int(match.group(2))
        if (self.tanggal.year, self.tanggal.month) < (year, month):
            raise ValueError(
                "'tanggal' sebelum bulan SPJ; SPJ dibuat pada atau sesudah bulan yang dipertanggungjawabkan"
            )
        if not self.rincian:
            raise ValueError(
                "'rincian' wajib: tulis kode_rekening, uraian, pagu, sd_bulan_lalu dan bulan_ini tiap kode rekening"
            )
        kinds = [p.jenis for p in self.pajak]
        if len(set(kinds)) != len(kinds):
            raise ValueError("'pajak' menyebut satu jenis pajak dua kali; gabungkan per jenis")
        if self.uang_persediaan is not None and self.jumlah > self.uang_persediaan:
            raise ValueError(
                f"jumlah {rupiah(self.jumlah)} melebihi uang persediaan {rupiah(self.uang_persediaan)}; "
                "periksa rincian atau uang persediaannya"
            )
        return self


def month_text(req: Spj) -> str:
    year, month = req.month()
    return f"{nama_bulan(month)} {year}"


def _lines(req: Spj) -> list[dict[str, Any]]:
    return [
        {
            "no": str(n),
            "kode_rekening": line.kode_rekening,
            "uraian": line.uraian,
            "pagu": line.pagu,
            "sd_bulan_lalu": line.sd_bulan_lalu,
            "bulan_ini": line.bulan_ini,
            "sd_bulan_ini": line.sd_bulan_ini,
            "sisa_pagu": line.pagu - line.sd_bulan_ini,
        }
        for n, line in enumerate(req.rincian, start=1)
    ]


def _taxes(req: Spj) -> list[dict[str, Any]]:
    return [
        {"no": str(n), "jenis": tax.jenis, "dipungut": tax.dipungut, "disetor": tax.disetor,
         "belum_disetor": tax.dipungut - tax.disetor}
        for n, tax in enumerate(req.pajak, start=1)
    ]  # fmt: skip


def _context(req: Spj, profile: Profile) -> dict[str, Any]:
    advance = req.uang_persediaan
    return {
        **heading_context(req.tanggal, profile, req.kegiatan),
        "kota": profile.office.city,
        "bulan": month_text(req),
        "uang_persediaan": rupiah(advance) if advance is not None else "-",
        "sisa_persediaan": rupiah(advance - req.jumlah) if advance is not None else "-",
        "rincian": _lines(req),
        "pajak": _taxes(req),
        **amount_context(req.jumlah),
        "bendahara": role_context(profile, "bendahara"),
        "pa_kpa": role_context(profile, "pa_kpa"),
    }


def _summary(req: Spj, profile: Profile) -> Summary:
    return Summary(
        subject=f"SPJ Bendahara Pengeluaran {month_text(req)} {rupiah(req.jumlah)}",
        addressee=official(profile, "pa_kpa").name,
        doc_date=req.tanggal,
        signer=official(profile, "bendahara").name,
    )


KIND = Kind(
    name="spj",
    title="SPJ (Surat Pertanggungjawaban Bendahara Pengeluaran)",
    description="Pertanggungjawaban belanja bulanan per kode rekening dan pajaknya; disahkan PA/KPA, dasar SPP GU/TU.",
    model=Spj,
    template="spj.flow.toml",
    series="spj",
    kka="900.1.3.6",
    numbered="generation",
    context=_context,
    summary=_summary,
    field_help={
        "tanggal": "tanggal SPJ, 2026-12-02 (pada atau sesudah bulannya)",
        "bulan": "bulan yang dipertanggungjawabkan, tahun-bulan: 2026-11",
        "rincian": (
            "daftar {kode_rekening: 5.1.02.01.01.0024, uraian, pagu, sd_bulan_lalu, bulan_ini} per kode "
            "rekening, berapa pun banyaknya; s.d. bulan ini dan sisa pagu dihitung, melebihi pagu ditolak"
        ),
        "jumlah": 'belanja bulan ini, sama dengan jumlah bulan_ini rincian; tulis sebagai teks: "4750000.00"',
        "pajak": "daftar {jenis: PPN, PPh 21, PPh 22, PPh 23 atau PPh 4 ayat 2, dipungut, disetor} (boleh kosong)",
        "uang_persediaan": "uang persediaan yang dipertanggungjawabkan (boleh kosong); sisanya ikut dicetak",
        "kegiatan": "{program, kegiatan, sub_kegiatan}; untuk SPJ TU atas satu sub kegiatan",
    },
    example={
        "tanggal": date(2026, 12, 2).isoformat(),
        "bulan": "2026-11",
        "rincian": [
            {
                "kode_rekening": "5.1.02.01.01.0052",
                "uraian": "Belanja Makanan dan Minuman Rapat",
                "pagu": "30000000.00",
                "sd_bulan_lalu": "18500000.00",
                "bulan_ini": "2250000.00",
            },
            {
                "kode_rekening": "5.1.02.04.01.0001",
                "uraian": "Belanja Perjalanan Dinas Biasa",
                "pagu": "40000000.00",
                "sd_bulan_lalu": "27000000.00",
                "bulan_ini": "2500000.00",
            },
        ],
        "jumlah": "4750000.00",
        "pajak": [
            {"jenis": "PPN", "dipungut": "204545.00", "disetor": "204545.00"},
            {"jenis": "PPh 23", "dipungut": "45000.00", "disetor": "45000.00"},
        ],
        "uang_persediaan": "5000000.00",
    },
)
