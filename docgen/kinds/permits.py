"""Field types the permit officers' kinds share: applicant, permit object, inspection team.

A BAP, its rekomendasi and the permit printed on it describe the same applicant and object,
so they are written with the same models; the chain between them (a rekomendasi resting on a
BAP, a permit on a rekomendasi) compares applicants with :func:`same_applicant`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from docgen.kinds.base import Request, Teks, _real_day
from docgen.profile import PermitType, Profile
from docgen.text import NBSP, format_nip, koordinat, luas, meter

__all__ = [
    "AnggotaTim",
    "Berlaku",
    "Kbli",
    "Koordinat",
    "Nib",
    "Nik",
    "Objek",
    "Pemohon",
    "Reklame",
    "Ukuran",
    "permit_problem",
    "reklame_problem",
    "same_applicant",
    "team_context",
]


def _digits(count: int, name: str) -> Any:
    """A number people write with spaces or dots (``9120 0012 34567``) that must have ``count`` digits.

    A spreadsheet stores NIB and NIK as numbers, dropping leading zeros and turning long ones
    into ``9.12E+12``; those are refused with the fix, never silently repaired.
    """

    def check(value: Any) -> str:
        if isinstance(value, float) or (isinstance(value, str) and re.search(r"\d[eE][+-]?\d", value)):
            raise ValueError(f"{name} tertulis sebagai angka desimal/eksponen; tulis {count} angkanya sebagai teks")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"{name} harus {count} angka")
        digits = re.sub(r"[\s.\-]", "", value)
        if not digits.isdigit() or not digits.isascii():
            raise ValueError(f"{name} hanya berisi angka, diterima '{value[:30]}'")
        if len(digits) != count:
            raise ValueError(f"{name} harus {count} angka, diterima {len(digits)}")
        return digits

    return BeforeValidator(check)


Berlaku = Annotated[date, BeforeValidator(_real_day)]
"""An end of validity: a real date, possibly years ahead (outside the document-date window)."""

Nib = Annotated[str, _digits(13, "NIB")]
"""Nomor Induk Berusaha from OSS: 13 digits."""
Nik = Annotated[str, _digits(16, "NIK")]
"""Nomor Induk Kependudukan: 16 digits."""
Kbli = Annotated[str, _digits(5, "kode KBLI")]
"""Klasifikasi Baku Lapangan Usaha Indonesia: 5 digits."""


class Pemohon(Request):
    """The applicant: a person or a business, with the numbers that identify it."""

    nama: Teks
    alamat: Teks
    nik: Nik | None = None
    nib: Nib | None = None
    penanggung_jawab: Teks | None = None  # the person acting for a business
    jabatan: Teks | None = None  # the signer's post in the business (Direktur), printed under the name
    telepon: Teks | None = None

    @model_validator(mode="before")
    @classmethod
    def _name_only(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("tulis pemohon sebagai {nama: ..., alamat: ...}")
        return value


class Koordinat(Request):
    """A point as read from a phone's map: latitude and longitude in decimal degrees."""

    lintang: float = Field(ge=-11.5, le=6.5, description="Indonesia lies between 11°S and 6°N")
    bujur: float = Field(ge=94.5, le=141.5, description="and between 95°E and 141°E")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        """Accept ``"-7.6453, 112.9075"`` as pasted from a map, or ``"-7,6453; 112,9075"`` as typed here."""
        if isinstance(value, str):
            decimal_comma = ";" in value
            parts = [p.strip() for p in value.split(";" if decimal_comma else ",")]
            if len(parts) != 2:
                raise ValueError("tulis koordinat seperti -7.6453, 112.9075 (lintang, bujur)")
            try:
                return {"lintang": float(parts[0].replace(",", ".")), "bujur": float(parts[1].replace(",", "."))}
            except ValueError:
                raise ValueError("koordinat harus dua angka desimal, misalnya -7.6453, 112.9075") from None
        return value

    def text(self, gaya: str = "desimal-arah") -> str:
        """The point as printed, in a ``[perizinan] koordinat`` style (see :func:`docgen.text.koordinat`)."""
        return koordinat(self.lintang, self.bujur, gaya)


class Ukuran(Request):
    """An object's dimensions in metres (a billboard: width, height of the board, pole height)."""

    panjang_m: float | None = Field(None, gt=0, le=1000)
    lebar_m: float | None = Field(None, gt=0, le=1000)
    tinggi_m: float | None = Field(None, gt=0, le=500)
    sisi: int | None = Field(None, ge=1, le=8, description="Faces of a billboard")

    def text(self, *, sides: bool = True) -> str:
        """``4 m × 6 m, tinggi 8 m, 2 sisi`` in the office's decimal comma, each unit bound to its number;
        without ``sides`` for a form that prints the number of sides on a row of its own."""
        parts = []
        if self.panjang_m is not None and self.lebar_m is not None:
            parts.append(f"{meter(self.panjang_m)} × {meter(self.lebar_m)}")
        elif self.panjang_m is not None or self.lebar_m is not None:
            parts.append(meter(self.panjang_m or self.lebar_m or 0))
        if self.tinggi_m is not None:
            parts.append(f"tinggi {meter(self.tinggi_m)}")
        if self.sisi is not None and sides:
            parts.append(f"{self.sisi}{NBSP}sisi")
        return ", ".join(parts) or "-"

    def luas_m2(self) -> Decimal | None:
        """Width x height x faces: the area the levy and the permit are reckoned on; None without both sides.

        Reckoned in decimals from the numbers as written, so 4,1 m x 6 m is 24,6 m² and not 24,599999.
        """
        if self.panjang_m is None or self.lebar_m is None:
            return None
        return Decimal(str(self.panjang_m)) * Decimal(str(self.lebar_m)) * (self.sisi or 1)

    def luas_text(self) -> str:
        """``4 m × 6 m × 2 sisi = 48 m²``: the reckoning shown, so the applicant can check it; "" without both sides."""
        area = self.luas_m2()
        if area is None or self.panjang_m is None or self.lebar_m is None:
            return ""
        faces = f" × {self.sisi}{NBSP}sisi" if self.sisi else ""
        return f"{meter(self.panjang_m)} × {meter(self.lebar_m)}{faces} = {luas(area)}"


class Reklame(Request):
    """What an izin reklame names beside the object: the kind of board and the text it shows.

    Part of :class:`Objek`, so the BAP that measured the board, the rekomendasi and the izin carry
    it alike; which ``jenis`` a permit allows is the profile's (``[izin.<type>] advertisement_types``,
    checked by :func:`permit_problem`)."""

    jenis: Annotated[Teks, Field(max_length=40)]  # "papan/billboard", one row of the izin at 8 pt
    # "TOKO MAJU ELEKTRONIK - Pusat Elektronik Terlengkap": the izin's two lines for it at 8 pt
    naskah: Annotated[Teks, Field(max_length=150)]


class Objek(Request):
    """What the permit is for: a billboard, a stretch of pavement, a building, a school."""

    # "Reklame papan (billboard) 'Toko Maju'"; at most the izin's two lines for it at 8 pt
    uraian: Annotated[Teks, Field(max_length=160)]
    alamat: Annotated[Teks, Field(max_length=130)]  # the izin's two lines
    koordinat: Koordinat | None = None
    ukuran: Ukuran | None = None
    reklame: Reklame | None = None  # only for a permit type with advertisement = true


def reklame_problem(objek: Objek, permit: PermitType, name: str) -> str | None:
    """What is wrong with the reklame an object names for a permit of type ``permit`` (key ``name``).

    The BAP and the rekomendasi hold their object to this as the izin does, so a board recorded
    for a permit type that has none, or of a jenis the type does not allow, never reaches the chain.
    """
    if objek.reklame is None:
        return None
    if not permit.advertisement:
        return (
            f"'objek.reklame' hanya untuk izin reklame, {permit.title.lower()} tidak memuat reklame ([izin.{name}] "
            "tanpa advertisement); hapus 'objek.reklame' atau pilih jenis izin reklame"
        )
    if permit.advertisement_type(objek.reklame.jenis) is None:
        return (
            f"jenis reklame '{objek.reklame.jenis}' tidak diizinkan di [izin.{name}]; "
            f"pilih: {', '.join(permit.advertisement_types)}"
        )
    return None


def permit_problem(pemohon: Pemohon, objek: Objek, permit: PermitType, name: str) -> str | None:
    """What an applicant and object lack, or carry wrongly, for a permit of type ``permit`` (key ``name``).

    One line naming the field and the fix; None when they suit it."""
    title = permit.title.lower()
    if permit.requires_identity and not (pemohon.nib or pemohon.nik):
        return (
            f"{title} memerlukan NIB (badan usaha) atau NIK (perorangan) pemohon: isi 'pemohon.nib' atau 'pemohon.nik'"
        )
    wrong = reklame_problem(objek, permit, name)
    if wrong is not None:
        return wrong
    if permit.advertisement and objek.reklame is None:
        return f"{title} memerlukan 'objek.reklame' {{jenis, naskah}}: jenis reklame dan naskah yang tampil"
    size = objek.ukuran
    if permit.dimensions and (size is None or size.panjang_m is None or size.lebar_m is None):
        return f"{title} memerlukan 'objek.ukuran' dengan panjang_m dan lebar_m (luas dihitung darinya)"
    if permit.advertisement and size is not None and size.sisi is None:
        return f"{title} memerlukan 'objek.ukuran.sisi' (jumlah sisi reklame; luas dihitung per sisi)"
    return None


class AnggotaTim(Request):
    """One member of the inspection team: a key of ``[staff]``, or written out in full."""

    nama: Teks
    nip: str = ""
    jabatan: Teks
    instansi: Teks | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_staff(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        profile: Profile | None = (info.context or {}).get("profile")
        if profile is None:
            return {"nama": value, "jabatan": "-"}
        member = profile.staff.get(value.strip()) or profile.officials.get(value.strip())
        if member is None:
            known = ", ".join([*profile.staff, *profile.officials])
            raise ValueError(f"anggota '{value[:40]}' tidak ada di [staff] profil; pilih: {known}")
        return {
            "nama": member.name,
            "nip": member.nip,
            "jabatan": member.position,
            "instansi": member.agency or profile.agency_name(getattr(member, "instansi", None) or None),
        }

    @field_validator("nip")
    @classmethod
    def _nip(cls, value: str) -> str:
        return format_nip(value, spasi=False) if value.strip() else ""


def team_context(members: list[AnggotaTim]) -> list[dict[str, str]]:
    """The team as templates print it: numbered, NIP grouped (``19900114 201503 2 002``)."""
    return [
        {
            "no": str(n),
            "nama": m.nama,
            "nip": format_nip(m.nip) if m.nip else "-",
            "jabatan": m.jabatan,
            "instansi": m.instansi or "",
        }
        for n, m in enumerate(members, 1)
    ]


def _name_key(name: str) -> str:
    """``PT. Maju  Jaya`` and ``pt maju jaya`` are one applicant; punctuation and case aside."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def same_applicant(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two applicants (request data, as the register keeps it) are the same.

    NIB identifies a business and NIK a person, so when both sides give one it decides; the
    name (case and punctuation aside) decides otherwise.
    """
    for key in ("nib", "nik"):
        if a.get(key) and b.get(key):
            return str(a[key]) == str(b[key])
    return _name_key(str(a.get("nama", ""))) == _name_key(str(b.get("nama", "")))
