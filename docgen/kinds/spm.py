"""SPM: the order to pay (Surat Perintah Membayar) issued on a checked SPP, DOMAIN.md section 4.

The PPK-SKPD verifies the SPP and the PA/KPA signs the SPM that orders BPKAD to pay it (business
map P3.1), so an SPM always rests on an SPP in the register that is not void, of the same type,
for the same amount and payee: a mismatch is refused, naming both, before any number is taken.
Drawn as a PDF form from ``templates/spm.toml``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import Field

from docgen.kinds.base import Basis, Kind, Summary, Tanggal, Teks
from docgen.kinds.keuangan import (
    JENIS_SPP,
    Keuangan,
    Penerima,
    Rupiah,
    amount_context,
    heading_context,
    official,
    payee_context,
    role_context,
    type_context,
)
from docgen.kinds.permits import same_applicant
from docgen.kinds.spp import JenisSpp
from docgen.profile import Profile
from docgen.text import rupiah

__all__ = ["KIND", "Spm"]


class Spm(Keuangan):
    PERAN: ClassVar[tuple[str, ...]] = ("pa_kpa", "ppk_skpd")

    spp: Teks
    jenis: JenisSpp
    tanggal: Tanggal
    jumlah: Rupiah
    keperluan: Annotated[Teks, Field(max_length=160)]  # two lines of the form at 8 pt
    penerima: Penerima | None = None


def _context(req: Spm, profile: Profile) -> dict[str, Any]:
    return {
        **type_context(req.jenis, "SPM"),
        **heading_context(req.tanggal, profile),
        "spp": req.spp,
        "keperluan": req.keperluan,
        "penerima": payee_context(req.penerima, profile),
        **amount_context(req.jumlah),
        "pa_kpa": role_context(profile, "pa_kpa"),
        "ppk_skpd": role_context(profile, "ppk_skpd"),
        # the SPP as registered, filled in by the pipeline
        "dasar_dokumen": {"nomor": "-", "tanggal": "-", "teks": "-"},
    }


def _summary(req: Spm, profile: Profile) -> Summary:
    return Summary(
        subject=f"SPM {JENIS_SPP[req.jenis][1]} {rupiah(req.jumlah)}: {req.keperluan}",
        addressee=payee_context(req.penerima, profile)["nama"],
        doc_date=req.tanggal,
        signer=official(profile, "pa_kpa").name,
    )


def _rests_on(req: Spm, basis_kind: str, basis: dict[str, Any]) -> str | None:
    """The SPM orders exactly what the SPP asked: same type, same amount, same payee."""
    if basis.get("jenis") != req.jenis:
        return f"SPP itu berjenis {basis.get('jenis')}, bukan {req.jenis}; samakan jenisnya dengan SPP"
    asked = Decimal(str(basis.get("jumlah", "0")))
    if asked != req.jumlah:
        return f"jumlah SPM {rupiah(req.jumlah)} tidak sama dengan jumlah SPP {rupiah(asked)}; samakan dengan SPP-nya"
    payee = basis.get("penerima") or {}
    if payee and req.penerima is not None and not same_applicant({"nama": req.penerima.nama}, {"nama": payee["nama"]}):
        return f"penerima SPP itu {payee['nama']}, bukan {req.penerima.nama}; samakan penerimanya"
    return None


KIND = Kind(
    name="spm",
    title="SPM (Surat Perintah Membayar)",
    description="Perintah membayar atas SPP yang sudah diverifikasi PPK-SKPD, ditandatangani PA/KPA.",
    model=Spm,
    template="spm.toml",
    series="spm",
    kka="900.1.3.1",
    numbered="generation",
    context=_context,
    summary=_summary,
    basis=Basis(kinds=("spp",), field="spp", check=_rests_on),
    field_help={
        "spp": "nomor (atau id) SPP yang menjadi dasar; jenis, jumlah dan penerimanya harus sama",
        "jenis": "jenis SPP-nya: UP, GU, TU, LS-GAJI, LS-BARANG-JASA atau LS-HONOR",
        "tanggal": "tanggal SPM, 2026-11-28",
        "jumlah": 'jumlah yang dibayar, sama dengan SPP; tulis sebagai teks: "12500000.00" (bukan angka desimal)',
        "keperluan": "untuk keperluan apa pembayaran diperintahkan",
        "penerima": "{nama, bank, rekening, npwp} seperti di SPP; kosong: Bendahara Pengeluaran",
    },
    example={
        "spp": "0001/SPP/423.105/2026",
        "jenis": "LS-BARANG-JASA",
        "tanggal": date(2026, 11, 30).isoformat(),
        "jumlah": "12500000.00",
        "keperluan": "Pembayaran pengadaan alat tulis kantor dan bahan cetak pelayanan perizinan bulan November",
        "penerima": {
            "nama": "CV KARYA MANDIRI PASURUAN",
            "bank": "Bank Jatim Cabang Pasuruan",
            "rekening": "0261012345",
            "npwp": "012345678624000",
        },
    },
)
