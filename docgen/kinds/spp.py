"""SPP: the treasurer's request for payment (Surat Permintaan Pembayaran), DOMAIN.md section 4.

An SPP starts the payment chain (SPP -> SPM -> SP2D, business map P3.1). A GU replenishes an
advance already spent and a TU tops one up, so both rest on the approved SPJ of that spending:
the pipeline refuses them when the SPJ does not exist or is void, before any number is taken.
Set as a flowing PDF form from ``templates/spp.flow.toml``: any number of lines, over pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from docgen.kinds.anggaran import Ringkasan, lines_context, spd_text, summary_context
from docgen.kinds.base import Basis, Kind, Summary, Tanggal, Teks
from docgen.kinds.keuangan import (
    JENIS_SPP,
    Kegiatan,
    Penerima,
    Rincian,
    Rupiah,
    Tagihan,
    amount_context,
    heading_context,
    official,
    payee_context,
    role_context,
    treasurer_account,
    type_context,
)
from docgen.profile import Profile
from docgen.text import rupiah

__all__ = ["KIND", "JenisSpp", "Spp"]

NEEDS_SPJ = ("GU", "TU")
NEEDS_KEGIATAN = ("TU", "LS-BARANG-JASA", "LS-HONOR")
NEEDS_NPWP = ("LS-BARANG-JASA",)
_ALIASES = {"LS-BARANG-DAN-JASA": "LS-BARANG-JASA", "LS-BARJAS": "LS-BARANG-JASA", "LS-HONORARIUM": "LS-HONOR"}


def _normal_jenis(value: Any) -> Any:
    """``ls barang jasa``, ``LS_BARANG/JASA`` and ``LS-Barang-Jasa`` are one code: ``LS-BARANG-JASA``."""
    if not isinstance(value, str):
        return value
    code = "-".join(value.upper().replace("_", " ").replace("/", " ").replace("-", " ").split())
    return _ALIASES.get(code, code)


JenisSpp = Annotated[Literal["UP", "GU", "TU", "LS-GAJI", "LS-BARANG-JASA", "LS-HONOR"], BeforeValidator(_normal_jenis)]
"""An SPP type code; the printed labels are in ``keuangan.JENIS_SPP``."""


class Spp(Tagihan):
    PERAN: ClassVar[tuple[str, ...]] = ("bendahara", "pptk", "pa_kpa")

    jenis: JenisSpp
    tanggal: Tanggal
    keperluan: Annotated[Teks, Field(max_length=300)]  # wraps on the flowing form
    kegiatan: Kegiatan | None = None
    rincian: list[Rincian] = Field(default_factory=list)
    jumlah: Rupiah
    penerima: Penerima | None = None
    spd: Teks | None = None
    ringkasan: Ringkasan | None = None
    spj: Teks | None = Field(None, validate_default=True)

    @field_validator("spj")
    @classmethod
    def _spj_for_gu_and_tu(cls, value: str | None, info: ValidationInfo) -> str | None:
        jenis = info.data.get("jenis")
        if jenis in NEEDS_SPJ and not value:
            raise ValueError(
                f"wajib untuk SPP {jenis}: isi nomor (atau id) SPJ yang sudah disahkan atas uang persediaan sebelumnya"
            )
        if jenis is not None and jenis not in NEEDS_SPJ and value:
            raise ValueError(f"hanya untuk SPP GU dan TU, bukan {jenis}; hapus kolom ini")
        return value

    @model_validator(mode="after")
    def _what_the_type_needs(self) -> Spp:
        if not self.rincian and self.jenis != "UP":
            raise ValueError(
                f"'rincian' wajib untuk SPP {self.jenis}: tulis kode_rekening, uraian dan jumlah tiap belanja"
            )
        if self.jenis in NEEDS_KEGIATAN and self.kegiatan is None:
            raise ValueError(f"SPP {self.jenis} memerlukan 'kegiatan' (program, kegiatan, sub_kegiatan)")
        if self.jenis.startswith("LS"):
            payee = self.penerima
            if payee is None or not payee.bank or not payee.rekening:
                raise ValueError(f"SPP {self.jenis} memerlukan 'penerima' lengkap dengan bank dan rekening")
            if self.jenis in NEEDS_NPWP and not payee.npwp:
                raise ValueError(f"SPP {self.jenis} memerlukan NPWP pihak ketiga di 'penerima'; isi penerima.npwp")
        if self.ringkasan is not None and self.ringkasan.remaining(self.jumlah) < 0:
            r = self.ringkasan
            raise ValueError(
                f"SPP {rupiah(self.jumlah)} melebihi sisa SPD {rupiah(r.total_spd - r.sp2d)} "
                f"(SPD {rupiah(r.total_spd)} dikurangi SP2D sebelumnya {rupiah(r.sp2d)}); kurangi jumlahnya"
            )
        return self

    @model_validator(mode="after")
    def _treasurer_account(self, info: ValidationInfo) -> Spp:
        treasurer_account(f"SPP {self.jenis}", self.penerima, info)
        return self


def _context(req: Spp, profile: Profile) -> dict[str, Any]:
    return {
        **type_context(req.jenis, "SPP"),
        **heading_context(req.tanggal, profile, req.kegiatan),
        "spd": req.spd or (spd_text(req.ringkasan) if req.ringkasan else "-"),
        "ringkasan": summary_context(req.ringkasan, req.jumlah),
        "spj": req.spj or "-",
        "keperluan": req.keperluan,
        "penerima": payee_context(req.penerima, profile),
        "rincian": lines_context(req.rincian, req.jumlah),
        **amount_context(req.jumlah),
        "bendahara": role_context(profile, "bendahara"),
        "pptk": role_context(profile, "pptk"),
        "mengetahui": _acknowledged_by(req.jenis, profile),
        # the basis as registered, filled in by the pipeline when there is one
        "dasar_dokumen": {"nomor": "-", "tanggal": "-", "teks": "-"},
    }


def _acknowledged_by(jenis: str, profile: Profile) -> dict[str, str]:
    """Beside the treasurer: the PA/KPA approves an advance (UP, GU, TU); the PPTK whose kegiatan
    spent the money knows an LS payment (Permendagri 77/2020's SPP forms)."""
    if jenis.startswith("LS"):
        return {**role_context(profile, "pptk"), "salam": "Mengetahui"}
    return {**role_context(profile, "pa_kpa"), "salam": "Mengetahui/Menyetujui"}


def _summary(req: Spp, profile: Profile) -> Summary:
    return Summary(
        subject=f"SPP {JENIS_SPP[req.jenis][1]} {rupiah(req.jumlah)}: {req.keperluan}",
        addressee=payee_context(req.penerima, profile)["nama"],
        doc_date=req.tanggal,
        signer=official(profile, "bendahara").name,
    )


def _rests_on(req: Spp, basis_kind: str, basis: dict[str, Any]) -> str | None:
    """A GU replaces what the SPJ accounted for, so it cannot ask for more than that."""
    spent = Decimal(str(basis.get("jumlah", "0")))
    if req.jenis == "GU" and req.jumlah > spent:
        return f"SPP GU {rupiah(req.jumlah)} melebihi jumlah SPJ {rupiah(spent)}; kurangi jumlahnya"
    return None


KIND = Kind(
    name="spp",
    title="SPP (Surat Permintaan Pembayaran: UP, GU, TU, LS)",
    description="Permintaan pembayaran oleh Bendahara Pengeluaran; GU dan TU memerlukan SPJ yang sudah disahkan.",
    model=Spp,
    template="spp.flow.toml",
    series="spp",
    kka="900.1.3.1",
    numbered="generation",
    context=_context,
    summary=_summary,
    basis=Basis(kinds=("spj",), field="spj", check=_rests_on),
    field_help={
        "jenis": "UP, GU, TU, LS-GAJI, LS-BARANG-JASA atau LS-HONOR",
        "tanggal": "tanggal SPP, 2026-11-28",
        "keperluan": "untuk keperluan apa pembayaran diminta",
        "kegiatan": "{program, kegiatan, sub_kegiatan, kode: 2.18.02.2.01.0001} menurut DPA; "
        "wajib untuk TU, LS-BARANG-JASA, LS-HONOR",
        "rincian": "daftar {kode_rekening: 5.1.02.01.01.0024, uraian, jumlah}, berapa pun banyaknya; "
        "boleh kosong hanya untuk UP",
        "jumlah": 'jumlah seluruhnya, sama dengan jumlah rincian; tulis sebagai teks: "12500000.00" atau '
        '"Rp 12.500.000,00" (bukan angka desimal)',
        "penerima": "{nama, bank, rekening, npwp}; wajib untuk LS (NPWP wajib untuk LS-BARANG-JASA); "
        "kosong: rekening Bendahara Pengeluaran dari [keuangan] profil",
        "spd": "nomor SPD (Surat Penyediaan Dana) yang menjadi dasar",
        "ringkasan": "{dpa, spd: [{nomor, tanggal, jumlah}], sp2d}: pagu DPA, SPD yang menjadi dasar dan SP2D "
        "yang sudah terbit atasnya; sisa SPD dihitung (SPD - SP2D - SPP ini) dan tidak boleh negatif",
        "spj": "nomor (atau id) SPJ yang sudah disahkan; wajib untuk GU dan TU",
    },
    example={
        "jenis": "LS-BARANG-JASA",
        "tanggal": date(2026, 11, 28).isoformat(),
        "keperluan": "Pembayaran pengadaan alat tulis kantor dan bahan cetak pelayanan perizinan bulan November",
        "kegiatan": {
            "program": "Program Pelayanan Penanaman Modal",
            "kegiatan": "Pelayanan Perizinan dan Non Perizinan secara Terpadu Satu Pintu",
            "sub_kegiatan": "Pelayanan Perizinan dan Non Perizinan secara Terpadu Satu Pintu di Bidang Penanaman Modal",
            "kode": "2.18.02.2.01.0001",
        },
        "rincian": [
            {
                "kode_rekening": "5.1.02.01.01.0024",
                "uraian": "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor",
                "jumlah": "4500000.00",
            },
            {
                "kode_rekening": "5.1.02.01.01.0026",
                "uraian": "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak",
                "jumlah": "8000000.00",
            },
        ],
        "jumlah": "12500000.00",
        "penerima": {
            "nama": "CV KARYA MANDIRI PASURUAN",
            "bank": "Bank Jatim Cabang Pasuruan",
            "rekening": "0261012345",
            "npwp": "012345678624000",
        },
        "spd": "900.1.3/12/423.105/2026",
        "ringkasan": {
            "dpa": "250000000.00",
            "spd": [{"nomor": "900.1.3/12/423.105/2026", "tanggal": "2026-10-01", "jumlah": "62500000.00"}],
            "sp2d": "31250000.50",
        },
    },
)
