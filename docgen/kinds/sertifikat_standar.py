"""Sertifikat Standar: the risk-based business licence certificate (PP 5/2021), DOMAIN.md section 4.

Risk levels R and MR print directly; for MT and T the region must verify the standard first, on
the basis of a technical recommendation (business map P6.1), so such a certificate names a
rekomendasi that exists, is not void and concerns the same business. Drawn as a PDF form from
``templates/sertifikat-standar.toml``: officers print many a day.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, model_validator

from docgen.kinds.base import Basis, Kind, Penandatangan, Request, Summary, Tanggal, Teks, signer_context, signer_label
from docgen.kinds.permits import Kbli, Nib, same_applicant
from docgen.profile import Profile
from docgen.text import tanggal

__all__ = ["KIND", "SertifikatStandar"]

RISIKO = {"R": "Rendah", "MR": "Menengah Rendah", "MT": "Menengah Tinggi", "T": "Tinggi"}
NEEDS_REKOMENDASI = ("MT", "T")


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


class SertifikatStandar(Request):
    tanggal: Tanggal
    nib: Nib
    nama_usaha: Teks
    alamat_usaha: Teks
    kbli: Kbli
    judul_kbli: Teks
    lokasi_usaha: Teks
    tingkat_risiko: Annotated[Literal["R", "MR", "MT", "T"], BeforeValidator(_upper)]
    skala_usaha: Annotated[Literal["mikro", "kecil", "menengah", "besar"], BeforeValidator(_lower)]
    status_verifikasi: Annotated[Literal["terverifikasi", "belum terverifikasi"], BeforeValidator(_lower)] = (
        "terverifikasi"
    )
    tanggal_verifikasi: Tanggal | None = None
    rekomendasi: Teks | None = None
    penandatangan: Penandatangan = Penandatangan(pejabat="kadis")

    @model_validator(mode="after")
    def _verification(self) -> SertifikatStandar:
        if self.tingkat_risiko in NEEDS_REKOMENDASI and not self.rekomendasi:
            raise ValueError(
                f"risiko {self.tingkat_risiko} memerlukan rekomendasi teknis: isi 'rekomendasi' dengan nomornya"
            )
        verified = self.status_verifikasi == "terverifikasi"
        if verified and self.tingkat_risiko in NEEDS_REKOMENDASI and self.tanggal_verifikasi is None:
            raise ValueError("sertifikat terverifikasi memerlukan 'tanggal_verifikasi'")
        if self.tanggal_verifikasi is not None and self.tanggal_verifikasi > self.tanggal:
            raise ValueError("'tanggal_verifikasi' tidak boleh sesudah tanggal terbit")
        return self


def _context(req: SertifikatStandar, profile: Profile) -> dict[str, Any]:
    verified = req.tanggal_verifikasi or (req.tanggal if req.status_verifikasi == "terverifikasi" else None)
    return {
        "nib": req.nib,
        "nama_usaha": req.nama_usaha,
        "alamat_usaha": req.alamat_usaha,
        "kbli": req.kbli,
        "judul_kbli": req.judul_kbli,
        "lokasi_usaha": req.lokasi_usaha,
        "tingkat_risiko": f"{RISIKO[req.tingkat_risiko]} ({req.tingkat_risiko})",
        "skala_usaha": f"Usaha {req.skala_usaha.capitalize()}",
        "status_verifikasi": req.status_verifikasi.title(),
        "tanggal_verifikasi": tanggal(verified) if verified else "-",
        "tanggal_terbit": tanggal(req.tanggal),
        "penerbit": profile.office.kop[-1] if profile.office.kop else "",
        "penandatangan": signer_context(req.penandatangan, profile),
        # the basis as registered, filled in by the pipeline when there is one
        "dasar_dokumen": {"nomor": "-", "tanggal": "-", "teks": "-"},
    }


def _summary(req: SertifikatStandar, profile: Profile) -> Summary:
    return Summary(
        subject=f"Sertifikat Standar KBLI {req.kbli} {req.judul_kbli} ({req.tingkat_risiko})",
        addressee=f"{req.nama_usaha} (NIB {req.nib})",
        doc_date=req.tanggal,
        signer=signer_label(req.penandatangan, profile),
    )


def _rests_on(req: SertifikatStandar, basis_kind: str, basis: dict[str, Any]) -> str | None:
    applicant = basis.get("pemohon") or {}
    if not same_applicant({"nama": req.nama_usaha, "nib": req.nib}, applicant):
        return f"rekomendasi itu untuk {applicant.get('nama', '?')}, bukan {req.nama_usaha} (NIB {req.nib})"
    return None


KIND = Kind(
    name="sertifikat-standar",
    title="Sertifikat Standar (perizinan berusaha berbasis risiko)",
    description="Sertifikat Standar untuk KBLI berisiko R, MR, MT atau T; MT dan T memerlukan rekomendasi teknis.",
    model=SertifikatStandar,
    template="sertifikat-standar.toml",
    series="sertifikat-standar",
    kka="500.16.7.2",
    numbered="generation",
    context=_context,
    summary=_summary,
    basis=Basis(kinds=("rekomendasi",), field="rekomendasi", check=_rests_on),
    field_help={
        "tanggal": "tanggal terbit, 2026-11-28",
        "nib": "Nomor Induk Berusaha dari OSS, 13 angka (tulis sebagai teks)",
        "nama_usaha": "nama pelaku usaha",
        "alamat_usaha": "alamat kantor pelaku usaha",
        "kbli": "kode KBLI 5 angka",
        "judul_kbli": "judul KBLI",
        "lokasi_usaha": "lokasi kegiatan usaha",
        "tingkat_risiko": "R, MR, MT atau T",
        "skala_usaha": "mikro, kecil, menengah atau besar",
        "status_verifikasi": "terverifikasi atau belum terverifikasi",
        "tanggal_verifikasi": "tanggal verifikasi (wajib untuk MT/T yang terverifikasi)",
        "rekomendasi": "nomor (atau id) rekomendasi teknis; wajib untuk risiko MT dan T",
        "penandatangan": "kunci pejabat di profil (bawaan: kadis)",
    },
    example={
        "tanggal": date(2026, 11, 28).isoformat(),
        "nib": "9120001234567",
        "nama_usaha": "CV SUMBER REJEKI PASURUAN",
        "alamat_usaha": "Jl. Panglima Sudirman No. 45, Kel. Purworejo, Kota Pasuruan",
        "kbli": "56101",
        "judul_kbli": "Restoran",
        "lokasi_usaha": "Jl. Panglima Sudirman No. 45, Kota Pasuruan",
        "tingkat_risiko": "MR",
        "skala_usaha": "kecil",
        "penandatangan": "kadis",
    },
)
