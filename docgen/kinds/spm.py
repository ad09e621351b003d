"""SPM: the order to pay (Surat Perintah Membayar) issued on a checked SPP, DOMAIN.md section 4.

The PPK-SKPD verifies the SPP and the PA/KPA signs the SPM that orders BPKAD to pay it (business
map P3.1), so an SPM always rests on an SPP in the register that is not void, of the same type,
for the same amount and payee: a mismatch is refused, naming both, before any number is taken.
Set as a flowing PDF form from ``templates/spm.flow.toml``: any number of lines, over pages.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import Field, ValidationInfo, model_validator

from docgen.kinds.anggaran import Potongan, lines_context, per_account
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
from docgen.kinds.permits import same_applicant
from docgen.kinds.spp import KIND as _SPP
from docgen.kinds.spp import JenisSpp
from docgen.profile import Profile
from docgen.text import rupiah

__all__ = ["KIND", "Spm"]


class Spm(Tagihan):
    """``jumlah`` is the gross amount its SPP asked, charged per kode rekening as the SPP did;
    the deductions are withheld from it and the net amount is what BUD transfers."""

    PERAN: ClassVar[tuple[str, ...]] = ("pa_kpa", "ppk_skpd")

    spp: Teks
    jenis: JenisSpp
    tanggal: Tanggal
    keperluan: Annotated[Teks, Field(max_length=300)]  # wraps on the flowing form
    kegiatan: Kegiatan | None = None
    rincian: list[Rincian] = Field(default_factory=list)
    jumlah: Rupiah
    potongan: list[Potongan] = Field(default_factory=list)
    pajak_informasi: list[Potongan] = Field(default_factory=list)
    penerima: Penerima | None = None

    @property
    def potongan_jumlah(self) -> Decimal:
        return sum((line.jumlah for line in self.potongan), Decimal("0.00"))

    @property
    def bersih(self) -> Decimal:
        """The net amount paid: gross less the deductions (informative taxes are not withheld)."""
        return self.jumlah - self.potongan_jumlah

    @model_validator(mode="after")
    def _net_is_not_negative(self) -> Spm:
        if self.potongan_jumlah > self.jumlah:
            raise ValueError(
                f"jumlah potongan {rupiah(self.potongan_jumlah)} melebihi jumlah SPM {rupiah(self.jumlah)}; "
                "periksa potongannya"
            )
        if not self.rincian and self.jenis != "UP":
            raise ValueError(
                f"'rincian' wajib untuk SPM {self.jenis}: bebankan per kode rekening seperti rincian SPP-nya"
            )
        return self

    @model_validator(mode="after")
    def _treasurer_account(self, info: ValidationInfo) -> Spm:
        treasurer_account(f"SPM {self.jenis}", self.penerima, info)
        return self


def _context(req: Spm, profile: Profile) -> dict[str, Any]:
    return {
        **type_context(req.jenis, "SPM"),
        **heading_context(req.tanggal, profile, req.kegiatan),
        "spp": req.spp,
        "keperluan": req.keperluan,
        "penerima": payee_context(req.penerima, profile),
        "rincian": lines_context(req.rincian, req.jumlah),
        "potongan": _tax_lines(req),
        "kotor": rupiah(req.jumlah),
        "potongan_jumlah": rupiah(req.potongan_jumlah),
        # the amount ordered is the net one: in figures and in words
        **amount_context(req.bersih),
        "pa_kpa": role_context(profile, "pa_kpa"),
        "ppk_skpd": role_context(profile, "ppk_skpd"),
        # the SPP as registered, filled in by the pipeline
        "dasar_dokumen": {"nomor": "-", "tanggal": "-", "teks": "-"},
    }


def _tax_lines(req: Spm) -> list[dict[str, Any]]:
    """Deductions then informative taxes, one table: each amount in its own column (the other 0,00),
    so the table's total row gives both sums and only the first is withheld."""
    zero = Decimal("0.00")
    return [
        {"no": str(n), "jenis": line.jenis, "potongan": cut, "informasi": shown}
        for n, (line, cut, shown) in enumerate(
            [(p, p.jumlah, zero) for p in req.potongan] + [(p, zero, p.jumlah) for p in req.pajak_informasi], start=1
        )
    ]


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
    asked = per_account([Rincian.model_validate(line) for line in basis.get("rincian") or []])
    charged = per_account(req.rincian)
    for code in sorted(asked.keys() | charged.keys()):
        want, got = asked.get(code, Decimal("0.00")), charged.get(code, Decimal("0.00"))
        if want != got:
            return (
                f"kode rekening {code} dibebani {rupiah(got)} di SPM, padahal SPP-nya {rupiah(want)}; "
                "samakan pembebanan dengan rincian SPP"
            )
    return None


KIND = Kind(
    name="spm",
    title="SPM (Surat Perintah Membayar)",
    description="Perintah membayar atas SPP yang sudah diverifikasi PPK-SKPD, ditandatangani PA/KPA.",
    model=Spm,
    template="spm.flow.toml",
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
        "kegiatan": "{program, kegiatan, sub_kegiatan, kode} seperti di SPP",
        "rincian": "pembebanan {kode_rekening, uraian, jumlah} per kode rekening, sama dengan rincian SPP; "
        "boleh kosong hanya untuk UP",
        "jumlah": 'jumlah kotor, sama dengan SPP; tulis sebagai teks: "12500000.00" (bukan angka desimal)',
        "potongan": "daftar {jenis: PPN/PPh 21/PPh 22/PPh 23/PPh 4(2)/IWP/BPJS, jumlah}; "
        "yang dibayarkan = jumlah - potongan",
        "pajak_informasi": "daftar {jenis, jumlah} pajak yang dicetak sebagai informasi (tidak mengurangi)",
        "keperluan": "untuk keperluan apa pembayaran diperintahkan",
        "penerima": "{nama, bank, rekening, npwp} seperti di SPP; kosong: Bendahara Pengeluaran",
    },
    example={
        "spp": "0001/SPP/423.105/2026",
        "jenis": "LS-BARANG-JASA",
        "tanggal": date(2026, 11, 30).isoformat(),
        "keperluan": "Pembayaran pengadaan alat tulis kantor dan bahan cetak pelayanan perizinan bulan November",
        # the SPP example's budget line and charging: the SPM orders what that SPP asked
        "kegiatan": copy.deepcopy(_SPP.example["kegiatan"]),
        "rincian": copy.deepcopy(_SPP.example["rincian"]),
        "jumlah": "12500000.00",
        "potongan": [
            {"jenis": "PPN", "jumlah": "1238738.74"},
            {"jenis": "PPh 22", "jumlah": "168918.92"},
        ],
        "penerima": {
            "nama": "CV KARYA MANDIRI PASURUAN",
            "bank": "Bank Jatim Cabang Pasuruan",
            "rekening": "0261012345",
            "npwp": "012345678624000",
        },
    },
)
