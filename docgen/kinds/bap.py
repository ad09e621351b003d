"""BAP: the Berita Acara Pemeriksaan Lapangan a technical team writes on site (DOMAIN.md section 4).

The team signs the report where it inspected, so the kind is numbered when it is made. A BAP
concluded *tidak sesuai* lists what the applicant must correct; that list is what the office
quotes back when a recommendation is asked for too early, so it is required with that
conclusion and refused with *sesuai*.
"""

from __future__ import annotations

from datetime import date
from string import capwords
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from docgen.kinds.base import Kind, Kka, Request, Summary, Tanggal, Teks, TeksList
from docgen.kinds.gambar import Gambar
from docgen.kinds.permits import AnggotaTim, Berlaku, Objek, Pemohon, reklame_problem, team_context
from docgen.profile import Profile
from docgen.text import hari_tanggal_terbilang, rincian, tanggal
from docgen.validation import shown

__all__ = [
    "KIND",
    "Bap",
    "Dasar",
    "DasarTugas",
    "Foto",
    "JenisIzin",
    "reklame_as_permitted",
    "Rujukan",
    "dasar_lines",
    "objek_context",
    "pemohon_context",
    "permit_name",
]


def _permit_known(value: str, info: ValidationInfo) -> str:
    """Permit types are the profile's data, so the request names one of its ``[izin]`` keys."""
    profile: Profile | None = (info.context or {}).get("profile")
    if profile is None:
        return value
    key = value.casefold()
    if key not in profile.izin:
        raise ValueError(
            f"jenis izin '{shown(value, 40)}' tidak ada di [izin] profil; pilih: {', '.join(profile.izin)}"
        )
    return key


JenisIzin = Annotated[Teks, AfterValidator(_permit_known)]
"""A key of the profile's ``[izin]`` table (``reklame``, ``trotoar``, ...), case aside."""


def reklame_as_permitted(objek: Objek, info: ValidationInfo) -> Objek:
    """The object's reklame held to its permit type's rules, so a BAP or rekomendasi never records a
    board for a type that has none, or of a jenis the type does not allow (the izin checks the same)."""
    profile: Profile | None = (info.context or {}).get("profile")
    key = info.data.get("jenis_izin")
    if profile is not None and key in profile.izin:
        wrong = reklame_problem(objek, profile.izin[key], key)
        if wrong is not None:
            raise ValueError(wrong)
    return objek


def permit_name(profile: Profile, key: str) -> str:
    """``IZIN REKLAME`` as running text prints it: ``Izin Reklame``."""
    return capwords(profile.izin[key].title.lower())


def pemohon_context(pemohon: Pemohon) -> dict[str, str]:
    """Every key present (empty when not given), so templates test ``{% if pemohon.nib %}``.

    ``penanda_tangan`` is who signs for the applicant: the person acting for a business, or
    the applicant itself.
    """
    return {
        "nama": pemohon.nama,
        "alamat": pemohon.alamat,
        "nik": pemohon.nik or "",
        "nib": pemohon.nib or "",
        "penanggung_jawab": pemohon.penanggung_jawab or "",
        "jabatan": pemohon.jabatan or "",
        "telepon": pemohon.telepon or "",
        "penanda_tangan": pemohon.penanggung_jawab or pemohon.nama,
    }


def objek_context(objek: Objek, profile: Profile) -> dict[str, str]:
    """The object as printed: the point in the profile's ``[perizinan] koordinat`` style, the area
    reckoned (``4 m × 6 m × 2 sisi = 48 m²``); every key present, empty when not given."""
    gaya = profile.perizinan.koordinat
    return {
        "uraian": objek.uraian,
        "alamat": objek.alamat,
        "koordinat": objek.koordinat.text(gaya) if objek.koordinat else "",
        "ukuran": objek.ukuran.text() if objek.ukuran else "",
        "luas": objek.ukuran.luas_text() if objek.ukuran else "",
        "jenis_reklame": objek.reklame.jenis if objek.reklame else "",
        "naskah_reklame": objek.reklame.naskah if objek.reklame else "",
    }


class Rujukan(Request):
    """A letter the inspection rests on, as numbered and dated by whoever wrote it."""

    nomor: Teks
    tanggal: Berlaku


def _assignment_as_written(value: Any) -> Any:
    """``Surat Tugas``, ``SK tim`` and ``keputusan`` are how people name the team's assignment."""
    if not isinstance(value, str):
        return value
    word = " ".join(value.casefold().split())
    return "keputusan" if word in ("sk", "sk tim", "keputusan", "surat keputusan") else word


class DasarTugas(Rujukan):
    """What sent the team: a surat tugas, or the SK that formed the team."""

    jenis: Annotated[Literal["surat tugas", "keputusan"], BeforeValidator(_assignment_as_written)] = "surat tugas"
    penerbit: Teks = "Kepala Dinas"
    tentang: Teks | None = None


class Dasar(Request):
    """The BAP's legal footing: the team's assignment and the application it inspects."""

    tugas: DasarTugas
    permohonan: Rujukan


def dasar_lines(dasar: Dasar, permit: str, applicant: str) -> list[str]:
    """``Surat Tugas Kepala Dinas Nomor ... tanggal ...;`` then the permohonan, ending with a full stop."""
    tugas = dasar.tugas
    kind = "Surat Tugas" if tugas.jenis == "surat tugas" else "Keputusan"
    about = f" tentang {tugas.tentang.rstrip(' ;.')}" if tugas.tentang else ""
    first = f"{kind} {tugas.penerbit} Nomor {tugas.nomor} tanggal {tanggal(tugas.tanggal)}{about};"
    ask = dasar.permohonan
    second = f"Surat permohonan {permit} dari {applicant} Nomor {ask.nomor} tanggal {tanggal(ask.tanggal)}."
    return [first, second]


class Foto(Request):
    """One site photo with the caption the team writes under it."""

    berkas: Gambar
    keterangan: Teks

    @model_validator(mode="before")
    @classmethod
    def _captioned(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("tulis foto sebagai {berkas: foto/depan.jpg, keterangan: ...}; setiap foto berketerangan")
        return value


def _conclusion_as_written(value: Any) -> Any:
    """``Sesuai`` and ``TIDAK  SESUAI`` are what people type; the office's two words are meant."""
    return " ".join(value.casefold().split()) if isinstance(value, str) else value


class Bap(Request):
    """An inspection report request; field names are the office's own terms."""

    tanggal: Tanggal
    tempat: Teks
    dasar: Dasar
    tim: list[AnggotaTim] = Field(min_length=1)
    pemohon: Pemohon
    jenis_izin: JenisIzin
    objek: Objek
    temuan: TeksList = Field(min_length=1)
    kesimpulan: Annotated[Literal["sesuai", "tidak sesuai"], BeforeValidator(_conclusion_as_written)]
    perbaikan: TeksList = Field(default_factory=list, validate_default=True)
    foto: list[Foto] = Field(default_factory=list)
    kka: Kka | None = None

    @field_validator("dasar")
    @classmethod
    def _dated_before_the_inspection(cls, v: Dasar, info: ValidationInfo) -> Dasar:
        """The team was sent and the application made before the team went out, not after."""
        day: date | None = info.data.get("tanggal")
        if day is None:
            return v
        for name, ref in (("tugas", v.tugas), ("permohonan", v.permohonan)):
            if ref.tanggal > day:
                raise ValueError(
                    f"tanggal {name} {ref.tanggal.isoformat()} sesudah tanggal pemeriksaan {day.isoformat()}; "
                    "periksa tanggalnya"
                )
        return v

    @field_validator("objek")
    @classmethod
    def _dimensions_where_they_apply(cls, v: Objek, info: ValidationInfo) -> Objek:
        """A billboard's size is what the team measured; the profile says which permits have one."""
        profile: Profile | None = (info.context or {}).get("profile")
        key = info.data.get("jenis_izin")
        if profile is not None and key in profile.izin and profile.izin[key].dimensions and v.ukuran is None:
            raise ValueError(
                f"ukuran objek wajib diisi untuk {permit_name(profile, key)}; "
                "tulis ukuran: {panjang_m: 4, lebar_m: 6, tinggi_m: 8}"
            )
        return reklame_as_permitted(v, info)

    @field_validator("perbaikan")
    @classmethod
    def _corrections_follow_the_conclusion(cls, v: list[str], info: ValidationInfo) -> list[str]:
        kesimpulan = info.data.get("kesimpulan")
        if kesimpulan == "tidak sesuai" and not v:
            raise ValueError("wajib diisi bila kesimpulan 'tidak sesuai': tulis apa yang harus diperbaiki pemohon")
        if kesimpulan == "sesuai" and v:
            raise ValueError("hanya diisi bila kesimpulan 'tidak sesuai'; hapus perbaikan atau ubah kesimpulannya")
        return v


def _context(req: Bap, profile: Profile) -> dict[str, Any]:
    return {
        "tanggal": tanggal(req.tanggal),
        "hari_tanggal": hari_tanggal_terbilang(req.tanggal),
        "tempat_tanggal": f"{profile.office.city}, {tanggal(req.tanggal)}",
        "tempat": req.tempat,
        "dasar": dasar_lines(req.dasar, permit_name(profile, req.jenis_izin), req.pemohon.nama),
        "tim": team_context(req.tim),
        "pemohon": pemohon_context(req.pemohon),
        "jenis_izin": permit_name(profile, req.jenis_izin),
        "objek": objek_context(req.objek, profile),
        "temuan": [rincian(t) for t in req.temuan],
        "kesimpulan": req.kesimpulan,
        "perbaikan": [rincian(t) for t in req.perbaikan],
        "foto": [{"no": str(n), "berkas": f.berkas, "keterangan": f.keterangan} for n, f in enumerate(req.foto, 1)],
        "kka": req.kka or "",
    }


def _summary(req: Bap, profile: Profile) -> Summary:
    return Summary(
        subject=f"BAP {permit_name(profile, req.jenis_izin)}: {req.objek.uraian}",
        addressee=req.pemohon.nama,
        doc_date=req.tanggal,
        signer=req.tim[0].nama,
        kka=req.kka,
    )


PEMOHON_EXAMPLE: dict[str, Any] = {
    "nama": "CV. Maju Jaya Reklame",
    "alamat": "Jl. Pahlawan No. 27, Kelurahan Trajeng, Kecamatan Panggungrejo, Kota Pasuruan",
    "nib": "9120001234567",
    "penanggung_jawab": "Budi Santoso",
    "jabatan": "Direktur",
    "telepon": "0812-3456-7890",
}
OBJEK_EXAMPLE: dict[str, Any] = {
    "uraian": "Reklame papan (billboard) 'Toko Maju' dua sisi",
    "alamat": "Jl. Soekarno Hatta No. 12, Kelurahan Bugul Kidul, Kota Pasuruan",
    "koordinat": "-7.6453, 112.9075",
    "ukuran": {"panjang_m": 4, "lebar_m": 6, "tinggi_m": 8, "sisi": 2},
    # what the team saw on the board, carried down the chain to the izin reklame
    "reklame": {"jenis": "papan/billboard", "naskah": "TOKO MAJU - Pusat Bangunan dan Elektronik"},
}

KIND = Kind(
    name="bap",
    title="Berita Acara Pemeriksaan Lapangan (BAP)",
    description="Berita acara tim teknis atas permohonan izin; diberi nomor saat dibuat.",
    model=Bap,
    template="bap.docx",
    series="bap",
    kka="500.16.7.2",
    numbered="generation",
    context=_context,
    summary=_summary,
    shown_as={"tanggal": ("tanggal", "hari_tanggal", "tempat_tanggal")},
    field_help={
        "tanggal": "tanggal pemeriksaan, 2026-11-28 (dicetak terbilang: hari, tanggal, bulan, tahun)",
        "tempat": "tempat pemeriksaan, mis. lokasi objek",
        "dasar": "{tugas: {jenis: surat tugas atau keputusan, nomor, tanggal, penerbit, tentang}, "
        "permohonan: {nomor, tanggal}}; tanggalnya tidak sesudah tanggal pemeriksaan",
        "tim": "anggota tim: kunci [staff] atau [officials] di profil, atau {nama, nip, jabatan, instansi}",
        "pemohon": "{nama, alamat, nik (16 angka), nib (13 angka), penanggung_jawab, jabatan, telepon}",
        "jenis_izin": "kunci [izin] di profil: reklame, trotoar, bangunan, pendidikan",
        "objek": "{uraian, alamat, koordinat: '-7.6453, 112.9075', ukuran: {panjang_m, lebar_m, tinggi_m, sisi}}",
        "temuan": "hasil pemeriksaan, satu butir per temuan (dicetak bernomor); baris yang diawali a. b. ... "
        "dicetak sebagai rincian",
        "kesimpulan": "sesuai atau tidak sesuai",
        "perbaikan": "yang wajib diperbaiki pemohon; diisi hanya bila 'tidak sesuai'",
        "foto": "foto lapangan: daftar {berkas: foto/depan.jpg, keterangan: ...}; boleh kosong",
        "kka": "kode klasifikasi arsip; kosong memakai bawaan jenis ini",
    },
    example={
        "tanggal": "2026-11-28",
        "tempat": "lokasi reklame, Jl. Soekarno Hatta No. 12, Kota Pasuruan",
        "dasar": {
            "tugas": {"jenis": "surat tugas", "nomor": "800.1.11.1/412/423.105/2026", "tanggal": "2026-11-24"},
            "permohonan": {"nomor": "017/MJR/XI/2026", "tanggal": "2026-11-20"},
        },
        "tim": ["penata-perizinan", "teknik-pupr", "satpol-pp"],
        "pemohon": PEMOHON_EXAMPLE,
        "jenis_izin": "reklame",
        "objek": OBJEK_EXAMPLE,
        "temuan": [
            "Reklame berdiri di atas lahan milik pemohon, berjarak 2 m dari batas trotoar.",
            "Ukuran bidang reklame 4 m × 6 m dengan tinggi tiang 8 m, sesuai gambar permohonan.",
            "Konstruksi tiang baja dengan pondasi beton; tidak mengganggu jaringan listrik "
            "dan pandangan pengguna jalan.",
        ],
        "kesimpulan": "sesuai",
        "foto": [
            {"berkas": "templates/contoh-foto-1.jpg", "keterangan": "Tampak depan reklame dari Jl. Soekarno Hatta"},
            {"berkas": "templates/contoh-foto-2.jpg", "keterangan": "Pengukuran tinggi tiang oleh tim teknis"},
        ],
        "kka": "500.16.7.2",
    },
)
