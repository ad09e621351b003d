"""Surat rekomendasi (teknis): the technical agency's letter a permit rests on (DOMAIN.md section 4).

It cites the BAP it rests on by number and date; linking it to that BAP in the register (and
refusing one for a BAP concluded *tidak sesuai*) is the chain's work, not this module's. The
letter is signed by the head of the technical agency, an official the profile lists with his
agency, possibly not this office.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from docgen.kinds.bap import OBJEK_EXAMPLE, PEMOHON_EXAMPLE, JenisIzin, objek_context, pemohon_context, permit_name
from docgen.kinds.base import (
    Basis,
    Kind,
    Kka,
    Lampiran,
    Penandatangan,
    Request,
    Summary,
    Tanggal,
    Teks,
    TeksList,
    signer_label,
)
from docgen.kinds.permits import Berlaku, Objek, Pemohon, same_applicant
from docgen.profile import Official, Profile
from docgen.text import format_nip, tanggal

__all__ = ["KIND", "Rekomendasi"]


class Rekomendasi(Request):
    """A recommendation request; field names are the office's own terms."""

    tanggal: Tanggal
    sifat: Literal["Biasa", "Segera", "Sangat Segera", "Rahasia"] = "Biasa"
    lampiran: Lampiran = Lampiran()
    kepada: TeksList = Field(min_length=1)
    di: Teks = "Tempat"
    dasar: TeksList = Field(default_factory=list)
    bap: Teks
    tanggal_bap: Tanggal
    jenis_izin: JenisIzin
    pemohon: Pemohon
    objek: Objek
    syarat: TeksList = Field(default_factory=list)
    berlaku_sampai: Berlaku | None = None
    masa_berlaku: Teks | None = Field(None, validate_default=True)
    tembusan: TeksList = Field(default_factory=list)
    penandatangan: Penandatangan
    kka: Kka | None = None

    @field_validator("tanggal_bap")
    @classmethod
    def _bap_before_the_letter(cls, v: Any, info: ValidationInfo) -> Any:
        day = info.data.get("tanggal")
        if day is not None and v > day:
            raise ValueError(
                f"BAP bertanggal {tanggal(v)}, sesudah rekomendasinya ({tanggal(day)}); periksa kedua tanggal"
            )
        return v

    @field_validator("berlaku_sampai")
    @classmethod
    def _valid_after_the_letter(cls, v: Any, info: ValidationInfo) -> Any:
        day = info.data.get("tanggal")
        if v is not None and day is not None and v <= day:
            raise ValueError(f"harus sesudah tanggal rekomendasi ({tanggal(day)})")
        return v

    @field_validator("penandatangan")
    @classmethod
    def _signed_in_own_name(cls, v: Penandatangan) -> Penandatangan:
        """a.n./Plt./Plh. name this office's head; the technical agency's head signs himself."""
        if v.sebagai:
            raise ValueError(
                f"rekomendasi ditandatangani pejabat itu sendiri, tanpa '{v.sebagai}'; "
                "untuk pejabat Plt./Plh. tulis jabatannya di profil"
            )
        return v

    @field_validator("masa_berlaku")
    @classmethod
    def _one_validity(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and info.data.get("berlaku_sampai") is not None:
            raise ValueError("isi salah satu: berlaku_sampai (tanggal) atau masa_berlaku (teks), bukan keduanya")
        return v


def _signer_lines(person: Official) -> list[str]:
    """The position, then the agency when the position does not already name it."""
    lines = [person.position]
    if person.agency and person.agency.casefold() not in person.position.casefold():
        lines.append(person.agency)
    lines[-1] += ","
    return lines


def _context(req: Rekomendasi, profile: Profile) -> dict[str, Any]:
    person = profile.officials[req.penandatangan.pejabat]
    if req.berlaku_sampai is not None:
        validity = f"sampai dengan tanggal {tanggal(req.berlaku_sampai)}"
    else:
        validity = req.masa_berlaku or ""
    return {
        "tanggal": tanggal(req.tanggal),
        "tempat_tanggal": f"{profile.office.city}, {tanggal(req.tanggal)}",
        "sifat": req.sifat,
        "lampiran": req.lampiran.text(),
        "hal": f"Rekomendasi {permit_name(profile, req.jenis_izin)}",
        "kepada": list(req.kepada),
        "di": req.di,
        "dasar": list(req.dasar),
        "bap": req.bap,
        "tanggal_bap": tanggal(req.tanggal_bap),
        "jenis_izin": permit_name(profile, req.jenis_izin),
        "pemohon": pemohon_context(req.pemohon),
        "objek": objek_context(req.objek, profile),
        "syarat": list(req.syarat),
        "masa_berlaku": validity,
        "tembusan": list(req.tembusan),
        "penandatangan": {
            "jabatan": _signer_lines(person),
            "nama": person.name,
            "pangkat": person.rank,
            "nip": format_nip(person.nip),
            "instansi": person.agency or profile.office.kop[-1],
        },
        "kka": req.kka or "",
    }


def _summary(req: Rekomendasi, profile: Profile) -> Summary:
    return Summary(
        subject=f"Rekomendasi {permit_name(profile, req.jenis_izin)}: {req.objek.uraian}",
        addressee=req.pemohon.nama,
        doc_date=req.tanggal,
        signer=signer_label(req.penandatangan, profile),
        kka=req.kka,
        sifat=req.sifat,
    )


def _rests_on(req: Rekomendasi, basis_kind: str, bap: dict[str, Any]) -> str | None:
    """A rekomendasi is issued only on a BAP that found the object *sesuai*, for the same
    applicant and permit, dated as the request says (business map P6.2)."""
    if bap.get("kesimpulan") != "sesuai":
        fixes = "; ".join(f"{n}) {fix}" for n, fix in enumerate(bap.get("perbaikan") or [], 1))
        return f"BAP itu menyimpulkan tidak sesuai; rekomendasi baru dapat dibuat setelah perbaikan: {fixes}"
    applicant = bap.get("pemohon") or {}
    if not same_applicant(req.pemohon.model_dump(), applicant):
        return f"BAP itu untuk {applicant.get('nama', '?')}, bukan {req.pemohon.nama}"
    if bap.get("jenis_izin") and bap["jenis_izin"] != req.jenis_izin:
        return f"BAP itu untuk izin {bap['jenis_izin']}, bukan izin {req.jenis_izin}"
    if bap.get("tanggal") and bap["tanggal"] != req.tanggal_bap.isoformat():
        return f"BAP itu bertanggal {bap['tanggal']}, bukan {req.tanggal_bap.isoformat()}; perbaiki tanggal_bap"
    return None


KIND = Kind(
    name="rekomendasi",
    title="Surat Rekomendasi (teknis)",
    description="Rekomendasi OPD teknis atas permohonan izin, berdasarkan BAP; diberi nomor saat dibuat.",
    model=Rekomendasi,
    template="rekomendasi.docx",
    series="rekomendasi",
    kka="500.16.7.2",
    numbered="generation",
    context=_context,
    summary=_summary,
    basis=Basis(kinds=("bap",), field="bap", check=_rests_on),
    shown_as={"tanggal": ("tanggal", "tempat_tanggal"), "jenis_izin": ("jenis_izin", "hal")},
    field_help={
        "tanggal": "tanggal surat, 2026-11-28",
        "sifat": "Biasa, Segera, Sangat Segera atau Rahasia",
        "lampiran": "jumlah lampiran: 2 atau '2 lembar'; kosong berarti '-'",
        "kepada": "tujuan surat (Yth.), mis. Kepala DPMPTSP Kota Pasuruan",
        "di": "tempat tujuan, mis. Tempat atau PASURUAN",
        "dasar": "dasar hukum, satu butir per peraturan; BAP dicantumkan otomatis sebagai butir terakhir",
        "bap": "nomor BAP (atau id-nya di register) yang menjadi dasar rekomendasi",
        "tanggal_bap": "tanggal BAP itu, 2026-11-28",
        "jenis_izin": "kunci [izin] di profil: reklame, trotoar, bangunan, pendidikan",
        "pemohon": "{nama, alamat, nik (16 angka), nib (13 angka), penanggung_jawab, telepon}",
        "objek": "{uraian, alamat, koordinat: '-7.6453, 112.9075', ukuran: {panjang_m, lebar_m, tinggi_m, sisi}}",
        "syarat": "ketentuan yang wajib dipenuhi pemohon, satu butir per ketentuan",
        "berlaku_sampai": "tanggal akhir berlakunya rekomendasi, 2027-11-28 (atau isi masa_berlaku)",
        "masa_berlaku": "masa berlaku sebagai teks, mis. 'selama 1 (satu) tahun sejak tanggal ditetapkan'",
        "tembusan": "daftar tembusan (boleh kosong)",
        "penandatangan": "kunci pejabat di profil, mis. kadis-pupr (kepala OPD teknis)",
        "kka": "kode klasifikasi arsip; kosong memakai bawaan jenis ini",
    },
    example={
        "tanggal": "2026-11-28",
        "sifat": "Biasa",
        "lampiran": "1 berkas",
        "kepada": ["Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pasuruan"],
        "di": "PASURUAN",
        "dasar": [
            "Peraturan Daerah Kota Pasuruan tentang Penyelenggaraan Reklame;",
            "Peraturan Wali Kota Pasuruan tentang Pendelegasian Kewenangan Perizinan kepada DPMPTSP;",
        ],
        "bap": "500.16.7.2/BAP-001/423.105/2026",
        "tanggal_bap": "2026-11-28",
        "jenis_izin": "reklame",
        "pemohon": PEMOHON_EXAMPLE,
        "objek": OBJEK_EXAMPLE,
        "syarat": [
            "Reklame dipasang sesuai titik, ukuran dan konstruksi dalam BAP.",
            "Pemohon bertanggung jawab atas keamanan konstruksi dan kerugian pihak lain akibat reklame.",
            "Reklame dibongkar oleh pemohon bila izinnya berakhir atau dicabut.",
        ],
        "masa_berlaku": "selama 1 (satu) tahun sejak tanggal ditetapkan",
        "tembusan": ["Kepala Badan Pendapatan Daerah Kota Pasuruan"],
        "penandatangan": "kadis-pupr",
        "kka": "500.16.7.2",
    },
)
