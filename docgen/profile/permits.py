"""Permit officers' sections: ``[izin.<type>]`` permit types, ``[perizinan]`` and ``[keputusan]`` decrees.

Which permits exist, which need a technical recommendation (rekomendasi) first, and how each is
numbered differ between regions and change with regulations, so they are data, not code.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from docgen.profile.section import Section

__all__ = ["DEFAULT_PERMITS", "DEFAULT_PERMIT_SERIES", "DecreeSettings", "PermitSettings", "PermitType"]


class PermitType(Section):
    """One kind of non-business permit (Izin Reklame, Izin Trotoar, ...)."""

    title: str = Field(min_length=1, description="Printed title, e.g. 'IZIN REKLAME'.")
    series: str = Field(min_length=1, description="Numbering series in [series].")
    requires_rekomendasi: bool = Field(False, description="Needs a technical recommendation before it is printed.")
    dimensions: bool = Field(False, description="The object has dimensions to print (a billboard's size).")
    validity_years: int | None = Field(None, ge=1, le=50, description="Default validity when the request gives none.")
    kka: str = Field("500.16.7.4", description="Archive code of this permit.")
    conditions: list[str] = Field(default_factory=list, description="Conditions printed on every permit of this type.")

    @field_validator("kka")
    @classmethod
    def _kka(cls, v: str) -> str:
        if not re.fullmatch(r"\d{3}(\.\d+)*", v):
            raise ValueError("kode klasifikasi ditulis seperti 500.16.7.4")
        return v


DEFAULT_PERMITS: dict[str, PermitType] = {
    "reklame": PermitType(title="IZIN REKLAME", series="izin-reklame", requires_rekomendasi=True, dimensions=True),
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
