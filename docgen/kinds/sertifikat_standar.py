"""Sertifikat Standar as OSS RBA makes it (DOMAIN.md section 4, business map P6.1).

OSS owns the certificate's number, the ID proyek and the NIB: they come with the request, are
checked against the profile's patterns ([sertifikat_standar]) and recorded as given, never drawn
from a series. The status follows the risk: menengah rendah (MR) is a self-declaration and is never
printed verified; menengah tinggi (MT) is printed "Belum Terverifikasi" until the office records its
verification on a BAP or rekomendasi (``docgen sertifikat verifikasi``), which re-issues it
"Terverifikasi" under the same number. Rendah (R) takes only a NIB and Tinggi (T) an izin: refused.
Drawn as a PDF form from ``templates/sertifikat-standar.toml``: officers print many a day.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ValidationInfo, field_validator, model_validator

from docgen.errors import RequestError
from docgen.kinds.base import Basis, Kind, Penandatangan, Request, Summary, Tanggal, Teks, signer_context, signer_label
from docgen.kinds.permits import Kbli, Nib, same_applicant
from docgen.profile import OssSettings, Profile
from docgen.text import tanggal

__all__ = ["KIND", "RISIKO", "SertifikatStandar", "VERIFIED"]

RISIKO = {"R": "Rendah", "MR": "Menengah Rendah", "MT": "Menengah Tinggi", "T": "Tinggi"}
VERIFIED, UNVERIFIED = "terverifikasi", "belum terverifikasi"
_REFUSED = {
    "R": "risiko Rendah (R) cukup dengan NIB dari OSS, tanpa Sertifikat Standar; tidak ada yang perlu dicetak",
    "T": "risiko Tinggi (T) memerlukan izin, bukan Sertifikat Standar; buat dokumen jenis 'izin'",
}


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _settings(info: ValidationInfo) -> OssSettings:
    profile: Profile | None = (info.context or {}).get("profile")
    return profile.sertifikat_standar if profile is not None else OssSettings()


class SertifikatStandar(Request):
    nomor: Teks
    id_proyek: Teks
    tanggal: Tanggal
    nib: Nib
    nama_usaha: Teks
    alamat_usaha: Teks
    kbli: Kbli
    judul_kbli: Teks
    lokasi_usaha: Teks
    tingkat_risiko: Annotated[Literal["R", "MR", "MT", "T"], BeforeValidator(_upper)]
    skala_usaha: Annotated[Literal["mikro", "kecil", "menengah", "besar"], BeforeValidator(_lower)]
    status_verifikasi: Annotated[Literal["terverifikasi", "belum terverifikasi"] | None, BeforeValidator(_lower)] = None
    tanggal_verifikasi: Tanggal | None = None
    dasar: Teks | None = None
    penandatangan: Penandatangan = Penandatangan(pejabat="kadis")

    @field_validator("nomor", "id_proyek")
    @classmethod
    def _as_oss_gives_it(cls, v: str, info: ValidationInfo) -> str:
        pattern = getattr(_settings(info), "pola_" + str(info.field_name))
        if not re.fullmatch(pattern, v):
            raise ValueError(
                f"'{v[:40]}' tidak sesuai bentuk dari OSS (pola {pattern}, sertifikat_standar.pola_{info.field_name} "
                "di profil); salin persis dari OSS"
            )
        return v

    @field_validator("tingkat_risiko")
    @classmethod
    def _takes_a_certificate(cls, v: str) -> str:
        if v in _REFUSED:
            raise ValueError(_REFUSED[v])
        return v

    @model_validator(mode="after")
    def _status_follows_risk(self, info: ValidationInfo) -> SertifikatStandar:
        if _settings(info).nomor_awalan_nib and not self.nomor.startswith(self.nib):
            raise ValueError(f"nomor {self.nomor} bukan milik NIB {self.nib} (nomor OSS diawali NIB); periksa keduanya")
        if self.tingkat_risiko == "MR" and (self.status_verifikasi or self.tanggal_verifikasi or self.dasar):
            raise ValueError(
                "risiko Menengah Rendah (MR) berupa pernyataan mandiri dan tidak pernah diverifikasi; hapus "
                "status_verifikasi, tanggal_verifikasi dan dasar"
            )
        verified = self.status_verifikasi == VERIFIED
        if self.tingkat_risiko == "MT" and verified != (self.tanggal_verifikasi is not None and bool(self.dasar)):
            raise ValueError(
                "sertifikat MT terverifikasi memerlukan tanggal_verifikasi dan dasar (BAP atau rekomendasi), dan "
                "yang belum terverifikasi tidak memuat keduanya; catat verifikasi dengan 'docgen sertifikat verifikasi'"
            )
        if self.tanggal_verifikasi is not None and self.tanggal_verifikasi < self.tanggal:
            raise ValueError("'tanggal_verifikasi' tidak boleh sebelum tanggal terbit di OSS")
        return self


def _status(req: SertifikatStandar, profile: Profile) -> tuple[str, str]:
    """The printed status and the OSS statement of how the certificate is verified."""
    settings = profile.sertifikat_standar
    if req.tingkat_risiko == "MR":
        return "Pernyataan Mandiri", settings.pernyataan_mr
    if req.status_verifikasi != VERIFIED or req.tanggal_verifikasi is None:
        return "Belum Terverifikasi", settings.pernyataan_belum
    office = profile.office.kop[-1] if profile.office.kop else profile.office.city
    statement = settings.pernyataan_terverifikasi.replace("{instansi}", office)
    return "Terverifikasi", statement.replace("{tanggal}", tanggal(req.tanggal_verifikasi))


def _context(req: SertifikatStandar, profile: Profile) -> dict[str, Any]:
    status, statement = _status(req, profile)
    return {
        "nib": req.nib,
        "id_proyek": req.id_proyek,
        "nama_usaha": req.nama_usaha,
        "alamat_usaha": req.alamat_usaha,
        "kbli": req.kbli,
        "judul_kbli": req.judul_kbli,
        "lokasi_usaha": req.lokasi_usaha,
        "tingkat_risiko": f"{RISIKO[req.tingkat_risiko]} ({req.tingkat_risiko})",
        "skala_usaha": f"Usaha {req.skala_usaha.capitalize()}",
        "status_verifikasi": status,
        "tanggal_verifikasi": tanggal(req.tanggal_verifikasi) if req.tanggal_verifikasi else "-",
        "pernyataan": statement,
        "dasar_hukum": list(profile.sertifikat_standar.dasar_hukum),
        "tanggal_terbit": tanggal(req.tanggal),
        "penerbit": profile.office.kop[-1] if profile.office.kop else "",
        "penandatangan": signer_context(req.penandatangan, profile),
        # the BAP or rekomendasi of a verified certificate as registered, filled in when it is re-issued
        "dasar_dokumen": {"nomor": "-", "tanggal": "-", "teks": "-"},
    }


def _summary(req: SertifikatStandar, profile: Profile) -> Summary:
    status = " terverifikasi" if req.status_verifikasi == VERIFIED else ""
    return Summary(
        subject=f"Sertifikat Standar KBLI {req.kbli} {req.judul_kbli} ({req.tingkat_risiko}{status})",
        addressee=f"{req.nama_usaha} (NIB {req.nib})",
        doc_date=req.tanggal_verifikasi or req.tanggal,
        signer=signer_label(req.penandatangan, profile),
    )


def _given(req: SertifikatStandar, profile: Profile) -> tuple[str, str, str]:
    """OSS's number, for a first print; a verified MT certificate is a re-issue of an earlier one."""
    if req.status_verifikasi == VERIFIED:
        raise RequestError(
            f"Sertifikat Standar {req.nomor} terverifikasi diterbitkan ulang dari cetakan yang belum terverifikasi: "
            f"jalankan 'docgen sertifikat verifikasi {req.nomor} --tanggal ... --dasar ...'"
        )
    return "oss", req.nomor, profile.sertifikat_standar.penerbit


def _rests_on(req: SertifikatStandar, basis_kind: str, basis: dict[str, Any]) -> str | None:
    """A verification rests on a BAP that found the object compliant, or on a rekomendasi, of this business."""
    applicant = basis.get("pemohon") or {}
    if not same_applicant({"nama": req.nama_usaha, "nib": req.nib}, applicant):
        return f"{basis_kind} itu untuk {applicant.get('nama', '?')}, bukan {req.nama_usaha} (NIB {req.nib})"
    if basis_kind == "bap" and basis.get("kesimpulan") != "sesuai":
        return "BAP itu berkesimpulan tidak sesuai; verifikasi memerlukan BAP yang sesuai atau rekomendasi teknis"
    return None


KIND = Kind(
    name="sertifikat-standar",
    title="Sertifikat Standar (perizinan berusaha berbasis risiko)",
    description="Sertifikat Standar dari OSS (nomor, ID proyek dan NIB dari OSS) untuk risiko MR atau MT; "
    "MT diverifikasi dengan 'docgen sertifikat verifikasi'.",
    model=SertifikatStandar,
    template="sertifikat-standar.toml",
    series="sertifikat-standar",  # never drawn: the number is OSS's (given_number)
    kka="500.16.7.2",
    numbered="generation",
    context=_context,
    summary=_summary,
    basis=Basis(kinds=("rekomendasi", "bap"), field="dasar", check=_rests_on),
    given_number=_given,
    field_help={
        "nomor": "nomor Sertifikat Standar dari OSS, seperti tercetak di OSS (pola di [sertifikat_standar])",
        "id_proyek": "ID proyek dari OSS, mis. R-202611281045123450001",
        "tanggal": "tanggal terbit di OSS, 2026-11-28",
        "nib": "Nomor Induk Berusaha dari OSS, 13 angka (tulis sebagai teks)",
        "nama_usaha": "nama pelaku usaha",
        "alamat_usaha": "alamat kantor pelaku usaha",
        "kbli": "kode KBLI 5 angka",
        "judul_kbli": "judul KBLI",
        "lokasi_usaha": "lokasi kegiatan usaha",
        "tingkat_risiko": "MR atau MT (R cukup NIB, T memerlukan izin)",
        "skala_usaha": "mikro, kecil, menengah atau besar",
        "status_verifikasi": "kosongkan: MT tercetak belum terverifikasi sampai 'docgen sertifikat verifikasi'",
        "tanggal_verifikasi": "diisi oleh 'docgen sertifikat verifikasi'",
        "dasar": "BAP atau rekomendasi dasar verifikasi; diisi oleh 'docgen sertifikat verifikasi'",
        "penandatangan": "kunci pejabat di profil (bawaan: kadis)",
    },
    example={
        "nomor": "91200012345670001",
        "id_proyek": "R-202611281045123450001",
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
