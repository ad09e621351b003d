"""Who the office is and who signs: ``[office]``, ``[officials.<key>]``, ``[staff.<key>]``.

The kop, the footer and every signature block are printed from these; a request names an
official or a staff member by key, never by retyped name. ``Letterhead`` is what every issuing
agency prints at the top of its letters: this office's ``[office]`` and each OPD teknis'
``[instansi.<key>]`` (docgen.profile.agencies) are one shape, so each kop is checked and printed
by the same code.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from docgen.profile.section import Section

__all__ = ["OFFICE_KEY", "Letterhead", "Office", "Official", "Staff"]

#: The office's own key among the agencies when ``[office] key`` is not set.
OFFICE_KEY = "dpmptsp"


class Letterhead(Section):
    """An issuing agency's kop and contacts, and the unit code its numbers carry."""

    kop: list[str] = Field(min_length=1, description="Kop lines, top to bottom (government, agency).")
    city: str = Field(min_length=1, description="Place printed before the date: 'Pasuruan, 28 ...'.")
    address: str = Field(min_length=1, description="Street address line of the kop.")
    postal_code: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    emblem: str = Field("templates/lambang.png", description="Emblem image, workspace-relative.")
    unit_code: str = Field(min_length=1, description="Unit code in numbers, e.g. 423.105.")
    kop_sizes_pt: list[float] = Field(
        default_factory=lambda: [14.0, 16.0],
        min_length=1,
        description="Size of each kop line in points, top to bottom; the last repeats for further lines.",
    )
    kop_detail_size_pt: float = Field(10.0, ge=8, le=14, description="Size of the address and contact lines.")

    @field_validator("kop_sizes_pt")
    @classmethod
    def _readable(cls, v: list[float]) -> list[float]:
        if any(not 8 <= size <= 24 for size in v):
            raise ValueError("ukuran baris kop harus 8 sampai 24 pt")
        return v


class Office(Letterhead):
    """Who this office is, as printed in the kop and the footer of its documents: the default agency."""

    key: str = Field(
        OFFICE_KEY,
        min_length=1,
        description='This office\'s key among the agencies: `instansi = "dpmptsp"` names [office].',
    )


class Official(Section):
    """A person who signs; the key in ``[officials.<key>]`` is what requests refer to."""

    name: str = Field(min_length=1)
    nip: str = Field(description="18-digit civil-servant number; spaces allowed.")
    rank: str = Field("", description="Pangkat/golongan, e.g. 'Pembina Tingkat I'.")
    position: str = Field(min_length=1, description="Jabatan as printed above the signature.")
    instansi: str | None = Field(
        None, description="Key of the official's agency: an [instansi.<key>] or office.key; none: this office."
    )
    agency: str = Field(
        "", description="Agency line printed under the position when it does not name it; empty: the instansi's name."
    )

    @field_validator("nip")
    @classmethod
    def _nip_has_18_digits(cls, v: str) -> str:
        digits = v.replace(" ", "")
        if not (digits.isdigit() and len(digits) == 18):
            raise ValueError(f"NIP harus 18 angka, diterima {len(digits)}")
        return digits


class Staff(Section):
    """A member of an inspection team, from this office or a technical agency (OPD teknis)."""

    name: str = Field(min_length=1)
    nip: str = Field("", description="18-digit NIP; empty for a member who is not a civil servant.")
    position: str = Field(min_length=1, description="Jabatan, e.g. 'Penata Perizinan Ahli Muda'.")
    agency: str = Field("", description="The member's agency; empty: this office.")

    @field_validator("nip")
    @classmethod
    def _nip_digits(cls, v: str) -> str:
        digits = v.replace(" ", "")
        if digits and not (digits.isdigit() and len(digits) == 18):
            raise ValueError(f"NIP harus 18 angka atau kosong, diterima {len(digits)}")
        return digits
