"""What every document kind declares, and the field types requests share.

A kind is data plus two small functions; the pipeline only ever talks to this surface, so
adding a kind means adding a module and a template, never editing the pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from docgen.archive import ArchiveCodes, well_formed
from docgen.config import Profile
from docgen.errors import RequestError
from docgen.text import format_nip, jumlah_lampiran
from docgen.validation import summarize

__all__ = [
    "Kind",
    "Kka",
    "Lampiran",
    "Penandatangan",
    "Request",
    "Summary",
    "Teks",
    "TeksList",
    "office_context",
    "signer_context",
    "signer_label",
    "validate_request",
]

_COUNTED = re.compile(r"^\s*(\d+)\s*(\D*?)\s*$")
_ALLOWED_CONTROLS = {"\n", "\t"}


def _clean_text(value: Any) -> Any:
    """Normalise line breaks and refuse control characters that would corrupt DOCX XML.

    Word's manual line break (U+000B) arrives with copy-paste, so it becomes a newline rather
    than an error; anything else below U+0020 has no meaning in a letter and is refused.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS:
            raise ValueError(f"berisi karakter kontrol U+{ord(ch):04X} yang tidak sah; hapus karakter itu")
    stripped = value.strip()
    if not stripped:
        raise ValueError("tidak boleh kosong")
    return stripped


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str | int | float) and not isinstance(value, bool) else value


def _kka_shape(value: Any) -> Any:
    if isinstance(value, str) and not well_formed(value.strip()):
        raise ValueError("kode klasifikasi arsip ditulis seperti 500.16.7.2")
    return value.strip() if isinstance(value, str) else value


Teks = Annotated[str, BeforeValidator(_clean_text)]
"""Free text from a person: trimmed, never empty, free of XML-breaking control characters."""

TeksList = Annotated[list[Teks], BeforeValidator(_as_list)]
"""One or more texts; a single string is accepted as a one-item list."""


def _kka_known(value: str, info: ValidationInfo) -> str:
    """Check the code against the office's classification tables when the caller passes them."""
    codes = (info.context or {}).get("codes")
    if codes is not None:
        codes.validate(value)
    return value


Kka = Annotated[str, BeforeValidator(_kka_shape), AfterValidator(_kka_known)]
"""An archive classification code (kode klasifikasi arsip), e.g. ``500.16.7.2``, that exists."""


class Request(BaseModel):
    """Base of request models: frozen, and a mistyped field name is an error, not ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Lampiran(Request):
    """Attachments, printed counted in words: ``2 (dua) berkas``; none prints ``-``."""

    jumlah: int = Field(0, ge=0)
    satuan: str = "berkas"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """Accept ``2``, ``"2 lembar"`` and ``"-"`` as people write them in a request."""
        if isinstance(value, int) and not isinstance(value, bool):
            return {"jumlah": value}
        if isinstance(value, str):
            if value.strip() in ("", "-"):
                return {"jumlah": 0}
            match = _COUNTED.match(value)
            if not match:
                raise ValueError("tulis jumlah lampiran seperti 2 atau '2 lembar'")
            return {"jumlah": int(match[1]), "satuan": match[2] or "berkas"}
        return value

    def text(self) -> str:
        return jumlah_lampiran(self.jumlah, self.satuan)


class Penandatangan(Request):
    """Who signs: an official's key from the profile, optionally on behalf of the head."""

    pejabat: str
    sebagai: Literal["", "a.n.", "Plt.", "Plh."] = ""

    @model_validator(mode="before")
    @classmethod
    def _from_key(cls, value: Any) -> Any:
        return {"pejabat": value} if isinstance(value, str) else value

    @field_validator("pejabat")
    @classmethod
    def _official_exists(cls, v: str, info: ValidationInfo) -> str:
        profile: Profile | None = (info.context or {}).get("profile")
        if profile is not None and v not in profile.officials:
            raise ValueError(f"pejabat '{v}' tidak ada di profil; pilih: {', '.join(profile.officials)}")
        return v


@dataclass(frozen=True)
class Summary:
    """The columns a register row keeps for every document, whatever its kind."""

    subject: str
    addressee: str
    doc_date: date
    signer: str
    kka: str | None = None
    sifat: str = ""


@dataclass(frozen=True)
class Kind:
    """One document kind, declared once: model, template, numbering and context."""

    name: str
    title: str
    model: type[Request]
    template: str
    series: str
    kka: str
    numbered: Literal["generation", "signature"]
    context: Callable[[Any, Profile], dict[str, Any]]
    summary: Callable[[Any, Profile], Summary]
    example: dict[str, Any]
    outputs: tuple[str, ...] = ("docx",)
    description: str = ""
    field_help: dict[str, str] = field(default_factory=dict)
    shown_as: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Template names that show a field when it is not printed under its own name."""

    def render_context(self, request: Request, profile: Profile, *, number: str) -> dict[str, Any]:
        """Everything the template sees: the kind's fields, the kop and the number."""
        return self.context(request, profile) | {"kantor": office_context(profile), "nomor": number}

    def series_for(self, profile: Profile) -> str:
        settings = profile.kinds.get(self.name)
        return (settings.series if settings and settings.series else None) or self.series

    def kka_for(self, profile: Profile) -> str:
        settings = profile.kinds.get(self.name)
        return (settings.kka if settings and settings.kka else None) or self.kka


def validate_request(
    kind: Kind, data: Any, profile: Profile, *, codes: ArchiveCodes | None = None, source: str = ""
) -> Request:
    """Validate request data against the kind's model; one Indonesian line on failure.

    With ``codes`` every archive code in the request must exist in the classification tables.
    """
    where = f" ({source})" if source else ""
    if not isinstance(data, dict):
        raise RequestError(f"Permintaan {kind.name}{where} harus berupa kumpulan kolom (nama: nilai)")
    try:
        return kind.model.model_validate(data, context={"profile": profile, "codes": codes})
    except ValidationError as exc:
        message, fields = summarize(exc, allowed=tuple(kind.model.model_fields))
        raise RequestError(f"Permintaan {kind.name}{where} salah: {message}", fields=fields) from exc


def office_context(profile: Profile) -> dict[str, Any]:
    """The kop block every template prints: lines, address and one contact line."""
    office = profile.office
    address = office.address + (f" {office.postal_code}" if office.postal_code else "")
    contact = [
        f"Telepon {office.phone}" if office.phone else "",
        f"Pos-el {office.email}" if office.email else "",
        f"Laman {office.website}" if office.website else "",
    ]
    return {
        "kop": list(office.kop),
        "alamat": address,
        "kontak": ", ".join(c for c in contact if c),
        "kota": office.city,
    }


def signer_context(signer: Penandatangan, profile: Profile) -> dict[str, Any]:
    """Signature block lines; delegation (a.n./Plt./Plh.) is printed before the head's title."""
    person = profile.officials[signer.pejabat]
    head = profile.officials[profile.head]
    if signer.sebagai == "a.n.":
        lines = [f"a.n. {head.position},", f"{person.position},"]
    elif signer.sebagai:
        lines = [f"{signer.sebagai} {head.position},"]
    else:
        lines = [f"{person.position},"]
    return {"jabatan": lines, "nama": person.name, "pangkat": person.rank, "nip": format_nip(person.nip)}


def signer_label(signer: Penandatangan, profile: Profile) -> str:
    """How the register names the signer: name, with the delegation when there is one."""
    name = profile.officials[signer.pejabat].name
    return f"{signer.sebagai} {name}".strip() if signer.sebagai else name
