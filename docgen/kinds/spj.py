"""SPJ: the treasurer's accounting for an advance spent (Surat Pertanggungjawaban), DOMAIN.md section 4.

The Bendahara Pengeluaran lists what an advance (uang persediaan) was spent on over a period and
the PA/KPA approves it ("disahkan"); only an approved, numbered SPJ lets the next GU or TU
request go ahead, which is why SPP GU/TU name one. Drawn as a PDF form from ``templates/spj.toml``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import Field, model_validator

from docgen.kinds.base import Kind, Summary, Tanggal
from docgen.kinds.keuangan import (
    MAX_RINCIAN,
    Kegiatan,
    Rincian,
    Rupiah,
    Tagihan,
    amount_context,
    heading_context,
    official,
    role_context,
    rows_context,
)
from docgen.profile import Profile
from docgen.text import rupiah, tanggal

__all__ = ["KIND", "Spj"]


class Spj(Tagihan):
    PERAN: ClassVar[tuple[str, ...]] = ("bendahara", "pa_kpa")

    tanggal: Tanggal
    periode_awal: Tanggal
    periode_akhir: Tanggal
    kegiatan: Kegiatan | None = None
    rincian: list[Rincian] = Field(default_factory=list)
    jumlah: Rupiah
    uang_persediaan: Rupiah | None = None

    @model_validator(mode="after")
    def _period_and_advance(self) -> Spj:
        if not self.rincian:
            raise ValueError(
                "'rincian' wajib: tulis kode_rekening, uraian dan jumlah tiap belanja yang dipertanggungjawabkan"
            )
        if self.periode_awal > self.periode_akhir:
            raise ValueError(
                f"'periode_awal' ({self.periode_awal.isoformat()}) sesudah 'periode_akhir' "
                f"({self.periode_akhir.isoformat()}); tukar tanggalnya"
            )
        if self.periode_akhir > self.tanggal:
            raise ValueError("'periode_akhir' sesudah tanggal SPJ; SPJ dibuat setelah periodenya berakhir")
        if self.uang_persediaan is not None and self.jumlah > self.uang_persediaan:
            raise ValueError(
                f"jumlah {rupiah(self.jumlah)} melebihi uang persediaan {rupiah(self.uang_persediaan)}; "
                "periksa rincian atau uang persediaannya"
            )
        return self


def _context(req: Spj, profile: Profile) -> dict[str, Any]:
    advance = req.uang_persediaan
    return {
        **heading_context(req.tanggal, profile, req.kegiatan),
        "periode": f"{tanggal(req.periode_awal)} s.d. {tanggal(req.periode_akhir)}",
        "uang_persediaan": rupiah(advance) if advance is not None else "-",
        "sisa": rupiah(advance - req.jumlah) if advance is not None else "-",
        "rincian": rows_context(req.rincian),
        **amount_context(req.jumlah),
        "bendahara": role_context(profile, "bendahara"),
        "pa_kpa": role_context(profile, "pa_kpa"),
    }


def _summary(req: Spj, profile: Profile) -> Summary:
    return Summary(
        subject=f"SPJ {tanggal(req.periode_awal)} s.d. {tanggal(req.periode_akhir)} {rupiah(req.jumlah)}",
        addressee=official(profile, "pa_kpa").name,
        doc_date=req.tanggal,
        signer=official(profile, "bendahara").name,
    )


KIND = Kind(
    name="spj",
    title="SPJ (Surat Pertanggungjawaban Bendahara Pengeluaran)",
    description="Pertanggungjawaban uang persediaan per periode; disahkan PA/KPA, menjadi dasar SPP GU dan TU.",
    model=Spj,
    template="spj.toml",
    series="spj",
    kka="900.1.3.6",
    numbered="generation",
    context=_context,
    summary=_summary,
    field_help={
        "tanggal": "tanggal SPJ, 2026-11-28 (sesudah periodenya berakhir)",
        "periode_awal": "awal periode yang dipertanggungjawabkan",
        "periode_akhir": "akhir periode yang dipertanggungjawabkan",
        "rincian": f"daftar {{kode_rekening: 5.1.02.01.01.0024, uraian, jumlah}}, 1 sampai {MAX_RINCIAN} butir",
        "jumlah": 'jumlah belanja, sama dengan jumlah rincian; tulis sebagai teks: "4750000.00" (bukan angka desimal)',
        "uang_persediaan": "uang persediaan yang dipertanggungjawabkan (boleh kosong); sisanya ikut dicetak",
        "kegiatan": "{program, kegiatan, sub_kegiatan}; untuk SPJ TU atas satu sub kegiatan",
    },
    example={
        "tanggal": date(2026, 11, 28).isoformat(),
        "periode_awal": date(2026, 11, 1).isoformat(),
        "periode_akhir": date(2026, 11, 27).isoformat(),
        "rincian": [
            {
                "kode_rekening": "5.1.02.01.01.0052",
                "uraian": "Belanja Makanan dan Minuman Rapat",
                "jumlah": "2250000.00",
            },
            {"kode_rekening": "5.1.02.04.01.0001", "uraian": "Belanja Perjalanan Dinas Biasa", "jumlah": "2500000.00"},
        ],
        "jumlah": "4750000.00",
        "uang_persediaan": "5000000.00",
    },
)
