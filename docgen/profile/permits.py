"""Permit officers' sections: ``[izin.<type>]`` permit types, ``[perizinan]`` and ``[keputusan]`` decrees.

Which permits exist, which need a technical recommendation (rekomendasi) first, and how each is
numbered differ between regions and change with regulations, so they are data, not code.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from docgen.profile.section import Section

__all__ = [
    "DEFAULT_PERMITS",
    "DEFAULT_PERMIT_SERIES",
    "REKLAME_TYPES",
    "DecreeSettings",
    "PermitSettings",
    "PermitType",
]


class PermitType(Section):
    """One kind of non-business permit (Izin Reklame, Izin Trotoar, ...)."""

    title: str = Field(min_length=1, description="Printed title, e.g. 'IZIN REKLAME'.")
    series: str = Field(min_length=1, description="Numbering series in [series].")
    requires_rekomendasi: bool = Field(False, description="Needs a technical recommendation before it is printed.")
    dimensions: bool = Field(False, description="The object has dimensions to print (a billboard's size).")
    validity_years: int | None = Field(None, ge=1, le=50, description="Default validity when the request gives none.")
    kka: str = Field("500.16.7.4", description="Archive code of this permit.")
    conditions: list[str] = Field(default_factory=list, description="Conditions printed on every permit of this type.")
    legal_basis: list[str] = Field(
        default_factory=list,
        description="Regulations the permit is issued under, printed as its 'Dasar hukum' list "
        "(UU, PP, Perda, Perwali: the title as the regulation writes it).",
    )
    requires_identity: bool = Field(
        False, description="The applicant's NIB (a business) or NIK (a person) must be given and is printed."
    )
    advertisement: bool = Field(
        False, description="A reklame: the request names its jenis and naskah, sides and area are printed."
    )
    advertisement_types: list[str] = Field(
        default_factory=list,
        description="The jenis reklame this permit allows, as printed ('papan/billboard'); a request may "
        "name one whole or by one of its '/' parts ('billboard'), in any case.",
    )

    @field_validator("kka")
    @classmethod
    def _kka(cls, v: str) -> str:
        if not re.fullmatch(r"\d{3}(\.\d+)*", v):
            raise ValueError("kode klasifikasi ditulis seperti 500.16.7.4")
        return v

    @field_validator("legal_basis", "conditions", "advertisement_types")
    @classmethod
    def _no_blank_items(cls, v: list[str]) -> list[str]:
        if any(not item.strip() for item in v):
            raise ValueError("berisi butir kosong; hapus butir itu")
        return [item.strip() for item in v]

    @model_validator(mode="after")
    def _advertisement(self) -> PermitType:
        if self.advertisement and not self.advertisement_types:
            raise ValueError('advertisement = true memerlukan advertisement_types (misalnya ["papan/billboard"])')
        if self.advertisement_types and not self.advertisement:
            raise ValueError("advertisement_types hanya untuk jenis izin reklame; tambahkan advertisement = true")
        keys = [_key(t) for t in self.advertisement_types]
        if len(set(keys)) != len(keys):
            raise ValueError("advertisement_types berisi jenis reklame yang sama dua kali; hapus salah satunya")
        return self

    def advertisement_type(self, asked: str) -> str | None:
        """The allowed jenis reklame ``asked`` names, as the profile writes it; None when none matches.

        ``Billboard`` names ``papan/billboard``: the whole entry or one of its ``/`` parts, case
        and spacing aside, so the clerk need not copy the profile's spelling."""
        wanted = _key(asked)
        for allowed in self.advertisement_types:
            if wanted == _key(allowed) or wanted in {_key(part) for part in allowed.split("/")}:
                return allowed
        return None


def _key(text: str) -> str:
    """``Papan / Billboard`` and ``papan/billboard`` are one jenis: case and spacing aside."""
    return re.sub(r"\s*/\s*", "/", " ".join(text.casefold().split()))


REKLAME_TYPES = [
    "papan/billboard",
    "videotron/megatron",
    "neon box",
    "baliho",
    "spanduk",
    "umbul-umbul",
    "kain",
    "melekat/stiker",
    "berjalan/kendaraan",
]
"""Jenis reklame an izin reklame may name by default: the permanent and temporary kinds placed at
a point, after the objects of the reklame tax (UU 1/2022 HKPD, as UU 28/2009 Pasal 47 before it:
papan/billboard/videotron/megatron, kain, melekat/stiker, berjalan ...), with the names offices
use on the form (baliho, spanduk, umbul-umbul, neon box). Selebaran, udara, apung, suara, film and
peragaan reklame are not placed at a point and take no izin reklame here."""


DEFAULT_PERMITS: dict[str, PermitType] = {
    "reklame": PermitType(
        title="IZIN REKLAME",
        series="izin-reklame",
        requires_rekomendasi=True,
        dimensions=True,
        requires_identity=True,
        advertisement=True,
        advertisement_types=REKLAME_TYPES,
    ),
    "trotoar": PermitType(
        title="IZIN PENGGUNAAN TROTOAR", series="izin-trotoar", requires_rekomendasi=True, dimensions=True
    ),
    "bangunan": PermitType(title="PERSETUJUAN BANGUNAN GEDUNG", series="izin-bangunan", requires_rekomendasi=True),
    "pendidikan": PermitType(title="IZIN OPERASIONAL SATUAN PENDIDIKAN", series="izin-pendidikan"),
}
"""Used when a profile has no [izin] section (a workspace made before these kinds existed)."""


DEFAULT_PERMIT_SERIES: dict[str, str] = {
    "bap": "{kka}/BAP-{seq:03}/{unit}/{year}",
    "rekomendasi": "{kka}/REK-{seq:03}/{unit}/{year}",
    "sertifikat-standar": "SS-{seq:05}/{unit}/{month_roman}/{year}",
    "izin-reklame": "{kka}/IR-{seq:04}/{unit}/{year}",
    "izin-trotoar": "{kka}/IT-{seq:04}/{unit}/{year}",
    "izin-bangunan": "{kka}/PBG-{seq:04}/{unit}/{year}",
    "izin-pendidikan": "{kka}/IP-{seq:04}/{unit}/{year}",
    "keputusan": "{kka}/{seq}/{unit}/{year}",
    "spp": "{seq:04}/SPP/{unit}/{year}",
    "spm": "{seq:04}/SPM/{unit}/{year}",
    "spj": "{seq:04}/SPJ/{unit}/{year}",
}
"""Series the permit kinds number from, added to a profile that lacks them; an office changes
them in [series] like any other."""


class PermitSettings(Section):
    """How the permit officers' documents (BAP, rekomendasi, izin) write what the team measured."""

    koordinat: Literal["desimal", "desimal-arah", "dms"] = Field(
        "desimal-arah",
        description="How a point is printed, latitude first: 'desimal' -7,645300; 112,907500, "
        "'desimal-arah' 7,645300° LS; 112,907500° BT, 'dms' 7°38'43,1\" LS 112°54'27,0\" BT. "
        "Offices differ, so it is data; the request always keeps the numbers.",
    )


class DecreeSettings(Section):
    """How the office writes its decrees (keputusan)."""

    diktum: str = Field("KESATU", pattern="^(KESATU|PERTAMA)$", description="KESATU, KEDUA, ... or PERTAMA, KEDUA, ...")
    issuer: str = Field(
        "KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KOTA PASURUAN",
        description="Printed after KEPUTUSAN and before the title's NOMOR line.",
    )
    salinan_oleh: str = Field(
        "sekretaris",
        description="Key of [officials] who certifies a copy ('Salinan sesuai dengan aslinya') when a "
        "request asks for salinan: true; a request may name another official instead.",
    )
