"""Surat rekomendasi (teknis): the technical agency's letter a permit rests on (DOMAIN.md section 4).

It cites the BAP it rests on by number and date; linking it to that BAP in the register (and
refusing one for a BAP concluded *tidak sesuai*) is the chain's work, not this module's. The
letter is the OPD teknis' own, not this office's: the issuing agency (``instansi``, else its
signer's agency, an ``[instansi.<key>]`` of the profile) gives the kop, the place of the date
and the series (with its unit code), its head signs (or an official a.n. the head), and it is
addressed to the Kepala DPMPTSP unless the request says otherwise. Its QR code still leads to
this office's verification page, where every document docgen made is found by its token.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from docgen.errors import RequestError
from docgen.kinds.bap import (
    OBJEK_EXAMPLE,
    PEMOHON_EXAMPLE,
    JenisIzin,
    objek_context,
    pemohon_context,
    permit_name,
    reklame_as_permitted,
)
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
    signer_context,
    signer_label,
)
from docgen.kinds.permits import Berlaku, Objek, Pemohon, same_applicant
from docgen.profile import Profile
from docgen.text import tanggal
from docgen.validation import shown

__all__ = ["KIND", "Rekomendasi"]


class Rekomendasi(Request):
    """A recommendation request; field names are the office's own terms."""

    tanggal: Tanggal
    sifat: Literal["Biasa", "Segera", "Sangat Segera", "Rahasia"] = "Biasa"
    lampiran: Lampiran = Lampiran()
    kepada: TeksList = Field(default_factory=list, validate_default=True)
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
    instansi: Teks | None = None
    penandatangan: Penandatangan
    kka: Kka | None = None

    @field_validator("objek")
    @classmethod
    def _reklame_of_the_permit(cls, v: Objek, info: ValidationInfo) -> Objek:
        return reklame_as_permitted(v, info)

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

    @field_validator("kepada")
    @classmethod
    def _to_the_kepala_dpmptsp(cls, v: list[str], info: ValidationInfo) -> list[str]:
        """Unless the request names its addressee, the letter goes to this office's head (by position)."""
        profile: Profile | None = (info.context or {}).get("profile")
        if not v and profile is not None:
            return [profile.officials[profile.head].position]
        return v

    @field_validator("instansi")
    @classmethod
    def _an_opd_teknis(cls, v: str | None, info: ValidationInfo) -> str | None:
        profile: Profile | None = (info.context or {}).get("profile")
        if v is None or profile is None:
            return v
        if v != profile.office.key and v not in profile.instansi:
            raise ValueError(f"instansi '{shown(v, 40)}' tidak ada di profil; {_choices(profile)}")
        if profile.agency_key(v) is None:
            raise ValueError(
                f"rekomendasi diterbitkan OPD teknis, bukan {profile.agency_name(None)}; {_choices(profile)}"
            )
        return v

    @field_validator("penandatangan")
    @classmethod
    def _signed_by_the_issuer(cls, v: Penandatangan, info: ValidationInfo) -> Penandatangan:
        """The issuing agency's head signs, or an official of that agency a.n./Plt./Plh. its head."""
        profile: Profile | None = (info.context or {}).get("profile")
        if profile is None or "instansi" not in info.data:  # a refused instansi is named once, by its own field
            return v
        person = profile.officials[v.pejabat]
        own = profile.agency_key(person.instansi)
        issuer = profile.agency_key(info.data["instansi"]) or own
        if issuer is None:
            heads = ", ".join(agency.head for agency in profile.instansi.values()) or "kepala OPD teknis"
            raise ValueError(
                f"pejabat '{v.pejabat}' adalah pejabat {profile.agency_name(None)}, sedangkan rekomendasi "
                f"diterbitkan OPD teknis; pilih {heads}, atau tulis instansi OPD-nya di [officials.{v.pejabat}]"
            )
        head = profile.agency_head(issuer)
        if own != issuer:
            raise ValueError(
                f"pejabat '{v.pejabat}' bukan pejabat {profile.agency_name(issuer)} yang menerbitkan rekomendasi "
                f"ini; pilih pejabat instansi {issuer} (kepalanya '{head}') atau ubah instansi"
            )
        if v.sebagai and v.pejabat == head:
            raise ValueError(f"'{v.pejabat}' kepala instansi itu sendiri; hapus '{v.sebagai}'")
        if not v.sebagai and v.pejabat != head:
            raise ValueError(
                f"rekomendasi ditandatangani kepala instansi ('{head}') atau atas namanya; "
                f"tulis sebagai: a.n. untuk '{v.pejabat}'"
            )
        return v

    @field_validator("masa_berlaku")
    @classmethod
    def _one_validity(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and info.data.get("berlaku_sampai") is not None:
            raise ValueError("isi salah satu: berlaku_sampai (tanggal) atau masa_berlaku (teks), bukan keduanya")
        return v


def _choices(profile: Profile) -> str:
    if not profile.instansi:
        return "tambahkan [instansi.<kunci>] OPD teknis itu di profil"
    return f"pilih instansi: {', '.join(profile.instansi)}"


def _issuer(req: Rekomendasi, profile: Profile) -> str:
    """The issuing agency's [instansi] key: the request's ``instansi``, else its signer's agency."""
    signer = profile.officials[req.penandatangan.pejabat]
    key = profile.agency_key(req.instansi) or profile.agency_key(signer.instansi)
    if key is None:  # validation refuses it; a request checked without the profile reaches here
        raise RequestError(
            f"Rekomendasi diterbitkan OPD teknis, bukan {profile.agency_name(None)}; isi instansi atau pilih "
            "penandatangan dari OPD teknis"
        )
    return key


def _signer_lines(req: Rekomendasi, profile: Profile, agency: str) -> list[str]:
    """The signature block's titles, then the agency when the first title does not already name it."""
    lines = list(signer_context(req.penandatangan, profile, agency=agency)["jabatan"])
    signer = req.penandatangan
    titled = profile.officials[profile.agency_head(agency) if signer.sebagai else signer.pejabat]
    name = titled.agency or profile.agency_name(agency)
    if name.casefold() not in lines[0].casefold():
        lines[0:1] = [lines[0].removesuffix(","), f"{name},"]
    return lines


def _context(req: Rekomendasi, profile: Profile) -> dict[str, Any]:
    agency = _issuer(req, profile)
    signer = signer_context(req.penandatangan, profile, agency=agency)
    if req.berlaku_sampai is not None:
        validity = f"sampai dengan tanggal {tanggal(req.berlaku_sampai)}"
    else:
        validity = req.masa_berlaku or ""
    return {
        "tanggal": tanggal(req.tanggal),
        "tempat_tanggal": f"{profile.agency(agency).city}, {tanggal(req.tanggal)}",
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
            **signer,
            "jabatan": _signer_lines(req, profile, agency),
            "instansi": profile.agency_name(agency),
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
    description=(
        "Rekomendasi OPD teknis atas permohonan izin, berdasarkan BAP: kop dan nomor instansi itu; "
        "diberi nomor saat dibuat."
    ),
    model=Rekomendasi,
    template="rekomendasi.docx",
    series="rekomendasi",
    kka="500.16.7.2",
    numbered="generation",
    context=_context,
    summary=_summary,
    issuer=_issuer,
    series_of=lambda req, profile: profile.instansi[_issuer(req, profile)].series,
    basis=Basis(kinds=("bap",), field="bap", check=_rests_on),
    shown_as={"tanggal": ("tanggal", "tempat_tanggal"), "jenis_izin": ("jenis_izin", "hal")},
    field_help={
        "tanggal": "tanggal surat, 2026-11-28",
        "sifat": "Biasa, Segera, Sangat Segera atau Rahasia",
        "lampiran": "jumlah lampiran: 2 atau '2 lembar'; kosong berarti '-'",
        "kepada": "tujuan surat (Yth.); kosong: jabatan kepala kantor ini (Kepala DPMPTSP)",
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
        "instansi": "kunci [instansi] OPD teknis yang menerbitkan, mis. pupr; kosong: instansi penandatangan",
        "penandatangan": "kunci pejabat OPD teknis di profil, mis. kadis-pupr (kepala), atau {pejabat, sebagai: a.n.}",
        "kka": "kode klasifikasi arsip; kosong memakai bawaan jenis ini",
    },
    example={
        "tanggal": "2026-11-28",
        "sifat": "Biasa",
        "lampiran": "1 berkas",
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
