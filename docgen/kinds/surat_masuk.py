"""Surat masuk: a letter the office receives, entered into the incoming agenda the same day.

It has no template of its own: what docgen prints for it is the lembar disposisi (a PDF form),
and what it keeps is the agenda number, the scan's hash and the disposition rounds.

A rekomendasi the OPD teknis sends on paper or as a PDF (DOMAIN.md section 4) is entered here
too, with what it says about the permit in ``rekomendasi``: it keeps its own number and date
as given, and an izin or a Sertifikat Standar rests on it exactly as on one made here
(``docgen.register.chain`` finds it by the number the OPD printed).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationInfo, field_validator, model_validator

from docgen.kinds.bap import JenisIzin, permit_name, reklame_as_permitted
from docgen.kinds.base import Kind, Kka, Lampiran, Request, Summary, Tanggal, Teks
from docgen.kinds.permits import Berlaku, Objek, Pemohon
from docgen.profile import Profile
from docgen.text import tanggal

__all__ = ["KIND", "RekomendasiDiterima", "SuratMasuk"]


class RekomendasiDiterima(Request):
    """What a received rekomendasi says about the permit it supports: the applicant, the object,
    the permit type and the OPD's own BAP, so the permit resting on it is checked against them."""

    jenis_izin: JenisIzin
    pemohon: Pemohon
    objek: Objek
    bap: Teks | None = None  # the OPD's BAP, as printed in its letter
    tanggal_bap: Tanggal | None = None
    berlaku_sampai: Berlaku | None = None

    @field_validator("objek")
    @classmethod
    def _reklame_of_the_permit(cls, v: Objek, info: ValidationInfo) -> Objek:
        return reklame_as_permitted(v, info)


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
    rekomendasi: RekomendasiDiterima | None = None

    @model_validator(mode="before")
    @classmethod
    def _subject_of_a_rekomendasi(cls, value: Any, info: ValidationInfo) -> Any:
        """A received rekomendasi needs no retyped subject: it is "Rekomendasi <permit>"."""
        profile: Profile | None = (info.context or {}).get("profile")
        if isinstance(value, dict) and not value.get("hal") and isinstance(value.get("rekomendasi"), dict):
            jenis = value["rekomendasi"].get("jenis_izin")
            if profile is not None and isinstance(jenis, str) and jenis.strip().casefold() in profile.izin:
                return {**value, "hal": f"Rekomendasi {permit_name(profile, jenis.strip().casefold())}"}
        return value

    @model_validator(mode="after")
    def _received_after_written(self) -> SuratMasuk:
        if self.diterima < self.tanggal:
            raise ValueError("'diterima' tidak boleh sebelum 'tanggal' surat; periksa kedua tanggal")
        rek = self.rekomendasi
        if rek is not None and rek.tanggal_bap is not None and rek.tanggal_bap > self.tanggal:
            raise ValueError(
                f"'rekomendasi.tanggal_bap' ({rek.tanggal_bap.isoformat()}) sesudah tanggal rekomendasinya "
                f"({self.tanggal.isoformat()}); periksa kedua tanggal"
            )
        if rek is not None and rek.berlaku_sampai is not None and rek.berlaku_sampai <= self.tanggal:
            raise ValueError("'rekomendasi.berlaku_sampai' harus sesudah tanggal rekomendasinya")
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
        "rekomendasi": "hanya untuk rekomendasi OPD teknis yang diterima: {jenis_izin, pemohon, objek, bap, "
        "tanggal_bap, berlaku_sampai}; izin atau sertifikat lalu dapat berdasar pada nomornya",
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
