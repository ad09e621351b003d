"""Surat masuk: a letter the office receives, entered into the incoming agenda the same day.

It has no template of its own: what docgen prints for it is the lembar disposisi (a PDF form),
and what it keeps is the agenda number, the scan's hash and the disposition rounds.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from docgen.kinds.base import Kind, Kka, Lampiran, Request, Summary, Tanggal, Teks
from docgen.profile import Profile
from docgen.text import tanggal

__all__ = ["KIND", "SuratMasuk"]


class SuratMasuk(Request):
    """An incoming letter as the agenda clerk enters it; field names follow the paper book."""

    dari: Teks
    nomor: Teks
    tanggal: Tanggal
    diterima: Tanggal
    hal: Teks
    sifat: Literal["Biasa", "Segera", "Sangat Segera", "Rahasia"] = "Biasa"
    lampiran: Lampiran = Lampiran()
    kka: Kka | None = None

    @model_validator(mode="after")
    def _received_after_written(self) -> SuratMasuk:
        if self.diterima < self.tanggal:
            raise ValueError("'diterima' tidak boleh sebelum 'tanggal' surat; periksa kedua tanggal")
        return self


def _context(req: SuratMasuk, profile: Profile) -> dict[str, Any]:
    return {
        "dari": req.dari,
        "nomor_surat": req.nomor,
        "tanggal": tanggal(req.tanggal),
        "diterima": tanggal(req.diterima),
        "hal": req.hal,
        "sifat": req.sifat,
        "lampiran": req.lampiran.text(),
        "kka": req.kka or "",
    }


def _summary(req: SuratMasuk, profile: Profile) -> Summary:
    # The agenda numbers by the day of receipt, so the register's date is when it arrived.
    return Summary(subject=req.hal, addressee=req.dari, doc_date=req.diterima, signer="", kka=req.kka, sifat=req.sifat)


KIND = Kind(
    name="surat-masuk",
    title="Surat Masuk (agenda masuk)",
    description="Surat yang diterima kantor; dicatat dengan 'docgen masuk add', lalu didisposisikan.",
    model=SuratMasuk,
    template="",
    series="agenda-masuk",
    kka="000.5.3.1",
    numbered="generation",
    context=_context,
    summary=_summary,
    outputs=("pdf",),
    field_help={
        "dari": "pengirim surat (instansi atau orang)",
        "nomor": "nomor surat dari pengirim",
        "tanggal": "tanggal surat, 2026-11-20",
        "diterima": "tanggal surat diterima (bawaan: hari ini)",
        "hal": "perihal surat",
        "sifat": "Biasa, Segera, Sangat Segera atau Rahasia",
        "lampiran": "jumlah lampiran: 2 atau '2 lembar'",
        "kka": "kode klasifikasi arsip, mis. 500.16.7.2",
    },
    example={
        "dari": "Dinas Lingkungan Hidup Kota Pasuruan",
        "nomor": "600.4/215/423.109/2026",
        "tanggal": "2026-11-20",
        "diterima": "2026-11-23",
        "hal": "Permohonan Data Perizinan Usaha Tahun 2026",
        "sifat": "Segera",
        "lampiran": "1 berkas",
        "kka": "500.16.7.2",
    },
)
