"""What every document kind declares, and the field types requests share.

A kind is data plus two small functions; the pipeline only ever talks to this surface, so
adding a kind means adding a module and a template, never editing the pipeline.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
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
from docgen.errors import RequestError
from docgen.profile import Limits, Profile, office_address, office_contact, printed_kop
from docgen.requests import shape_problem
from docgen.text import format_nip, jumlah_lampiran
from docgen.validation import bad_character, blank_looking, shown, summarize

__all__ = [
    "Basis",
    "Kind",
    "Kka",
    "Lampiran",
    "Penandatangan",
    "Request",
    "Summary",
    "Teks",
    "Tanggal",
    "TeksList",
    "office_context",
    "signer_context",
    "signer_label",
    "validate_request",
]

_COUNTED = re.compile(r"^\s*(\d+)\s*(\D*?)\s*$")
_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")
MAX_LAMPIRAN = 9_999
"""More attachments than this is a typing slip, and terbilang stops at 10**18 anyway."""


def _limits(info: ValidationInfo) -> Limits:
    """The profile's limits, passed by validate_request; the defaults when a model is used alone."""
    return (info.context or {}).get("limits") or Limits()


def _number_as_text(value: Any) -> Any:
    """``hal: 2026`` is text to a person; a number too long to print is refused, not stringified."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > 100:
            raise ValueError("berisi angka yang terlalu panjang; tulis sebagai teks di antara tanda kutip")
        return str(value)
    if isinstance(value, float):
        return str(value)
    return value


def _clean_text(value: str, info: ValidationInfo) -> str:
    """Normalise line breaks and refuse what DOCX XML cannot hold, over-long and blank-looking text.

    Word's manual line break (U+000B) arrives with copy-paste, so it becomes a newline rather
    than an error. Everything refused here would otherwise pass validation and then void a
    number when the document is written.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    bad = bad_character(value)
    if bad:
        raise ValueError(bad[1].format(place=f"karakter ke-{bad[0] + 1}"))
    limit = _limits(info).field_chars
    if len(value) > limit:
        raise ValueError(f"terlalu panjang ({len(value)} karakter, paling banyak {limit}; batas field_chars di profil)")
    stripped = value.strip()
    if not stripped:
        raise ValueError("tidak boleh kosong")
    if blank_looking(stripped):
        raise ValueError("hanya berisi spasi atau karakter tak terlihat; isi dengan teks yang terbaca")
    return stripped


def _as_list(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [value]
    limit = _limits(info).items
    if isinstance(value, list | tuple) and len(value) > limit:
        raise ValueError(f"berisi {len(value)} butir, paling banyak {limit} (batas items di profil)")
    return value


def _real_day(value: Any) -> Any:
    """``2026-02-30`` is a date that does not exist, which is worth saying in those words."""
    match = _ISO_DAY.fullmatch(value) if isinstance(value, str) else None
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise ValueError(f"{value.strip()} tidak ada di kalender; periksa hari dan bulannya") from None
    return value


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _in_window(value: date, info: ValidationInfo) -> date:
    """Years 1, 1900 and 9999 are typing slips; the profile says how far back and ahead is real."""
    limits = _limits(info)
    today = date.today()
    first, last = _years_from(today, -limits.years_back), _years_from(today, limits.years_ahead)
    if not first <= value <= last:
        raise ValueError(
            f"{value.isoformat()} di luar rentang yang diterima ({first.isoformat()} s.d. {last.isoformat()}, "
            "batas years_back/years_ahead di profil); periksa tahunnya"
        )
    return value


def _kka_shape(value: Any) -> Any:
    if isinstance(value, str) and not well_formed(value.strip()):
        raise ValueError("kode klasifikasi arsip ditulis seperti 500.16.7.2")
    return value.strip() if isinstance(value, str) else value


Teks = Annotated[str, BeforeValidator(_number_as_text), AfterValidator(_clean_text)]
"""Free text from a person: trimmed, visibly non-empty, within the length limit, and free of
characters DOCX XML cannot hold (controls, lone surrogates, noncharacters)."""

TeksList = Annotated[list[Teks], BeforeValidator(_as_list)]
"""One or more texts (at most ``items``); a single string is accepted as a one-item list."""

Tanggal = Annotated[date, BeforeValidator(_real_day), AfterValidator(_in_window)]
"""A date that exists and lies within the profile's window around today."""


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

    jumlah: int = Field(0, ge=0, le=MAX_LAMPIRAN)
    satuan: Teks = "berkas"

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
            if len(match[1]) > len(str(MAX_LAMPIRAN)):
                raise ValueError(f"jumlah lampiran paling banyak {MAX_LAMPIRAN}")
            return {"jumlah": int(match[1]), "satuan": match[2] or "berkas"}
        return value

    def text(self) -> str:
        return jumlah_lampiran(self.jumlah, self.satuan)


class Penandatangan(Request):
    """Who signs: an official's key from the profile, optionally on behalf of the head."""

    pejabat: Teks
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
            raise ValueError(f"pejabat '{shown(v, 40)}' tidak ada di profil; pilih: {', '.join(profile.officials)}")
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
class Basis:
    """The document a document of this kind rests on (a rekomendasi on its BAP).

    ``field`` is the request field naming it (its number, or register id); ``None`` there means
    this request rests on nothing (the model decides when that is allowed). ``check`` gets this
    request and the basis's kind and request data (as the register keeps them) and returns why
    the basis cannot carry this document, or ``None``.
    """

    kinds: tuple[str, ...]
    field: str
    check: Callable[[Any, str, dict[str, Any]], str | None]

    def named_by(self, request: Request) -> str | None:
        value = getattr(request, self.field, None)
        return str(value) if value is not None and str(value).strip() else None


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
    basis: Basis | None = None
    series_of: Callable[[Any, Profile], str | None] | None = None
    """The series one request numbers from, when the kind has several (an izin: by its type)."""
    issuer: Callable[[Any, Profile], str | None] | None = None
    """The agency ([instansi] key) that issues one request, when not this office (a rekomendasi:
    its OPD teknis); its kop heads the document. None, or a function returning None: this office."""
    given_number: Callable[[Any, Profile], tuple[str, str, str]] | None = None
    """(source, number, issuer) of a number given from outside (OSS's): such a kind draws from no series."""

    def render_context(self, request: Request, profile: Profile, *, number: str) -> dict[str, Any]:
        """Everything the template sees: the kind's fields, the issuer's kop, the page numbers and the number."""
        agency = self.issuer(request, profile) if self.issuer is not None else None
        extra = {"kantor": office_context(profile, agency), "halaman": page_numbering(profile), "nomor": number}
        return self.context(request, profile) | extra

    def dated_example(self, today: date | None = None) -> dict[str, Any]:
        """The example request with every date field set to ``today``.

        A fixed date in the example would leave the profile's date window ([limits] years_back)
        one day, and every trial render and template check of the example would be refused.
        """
        day = (today or date.today()).isoformat()
        dated = {name for name, info in self.model.model_fields.items() if date in _types(info.annotation)}
        return {key: day if key in dated else value for key, value in self.example.items()}

    def series_for(self, profile: Profile, request: Request | None = None) -> str:
        if request is not None and self.series_of is not None:
            chosen = self.series_of(request, profile)
            if chosen:
                return chosen
        settings = profile.kinds.get(self.name)
        return (settings.series if settings and settings.series else None) or self.series

    def kka_for(self, profile: Profile) -> str:
        settings = profile.kinds.get(self.name)
        return (settings.kka if settings and settings.kka else None) or self.kka


def _types(annotation: Any) -> tuple[Any, ...]:
    """``date | None`` -> ``(date, NoneType)``; a plain type -> ``(type,)``."""
    return typing.get_args(annotation) or (annotation,)


def validate_request(
    kind: Kind,
    data: Any,
    profile: Profile,
    *,
    codes: ArchiveCodes | None = None,
    source: str = "",
    roots: tuple[Path, ...] = (),
    stored: bool = False,
) -> Request:
    """Validate request data against the kind's model; one Indonesian line on failure.

    With ``codes`` every archive code in the request must exist in the classification tables.
    Picture fields are looked up under ``roots`` only (the request's folder, the workspace);
    ``stored`` marks a request docgen saved itself, whose pictures are recorded by full path.
    The profile's limits bound the request's shape first (depth, list sizes, total text), then
    every field (length, characters, dates in the window), so nothing refusable reaches a number.
    """
    where = f" ({shown(source, 80)})" if source else ""
    if not isinstance(data, dict):
        raise RequestError(f"Permintaan {kind.name}{where} harus berupa kumpulan kolom (nama: nilai)")
    problem = shape_problem(data, profile.limits)
    if problem:
        raise RequestError(f"Permintaan {kind.name}{where} {problem}")
    context = {"profile": profile, "codes": codes, "limits": profile.limits, "roots": roots, "stored": stored}
    try:
        return kind.model.model_validate(data, context=context)
    except ValidationError as exc:
        message, fields = summarize(exc, allowed=tuple(kind.model.model_fields))
        raise RequestError(f"Permintaan {kind.name}{where} salah: {message}", fields=fields) from exc


def office_context(profile: Profile, agency: str | None = None) -> dict[str, Any]:
    """The kop block every template prints: this office's, or the issuing ``agency``'s ([instansi] key).

    ``kop_cetak`` is the kop as printed (``docgen.profile.kop``): every line already broken and
    sized, the same in every output, so a template prints each as one paragraph and never wraps
    it again. ``kop`` (the profile's lines), ``alamat`` and ``kontak`` stay for templates an
    office edited before the printed kop existed.
    """
    office = profile.agency(agency)
    printed = printed_kop(office)
    return {
        "kop": list(office.kop),
        "kop_cetak": [
            {"teks": line.text, "pt": line.size_pt, "sz": line.half_points, "tebal": line.bold}
            for line in printed.lines
        ],
        "alamat": office_address(office),
        "kontak": office_contact(office),
        "kota": office.city,
    }


def page_numbering(profile: Profile) -> dict[str, str]:
    """``halaman``: the text around the page number and where it goes (``[page]`` of the profile).

    "- {n} -" becomes sebelum "- " and sesudah " -"; the Word templates put their PAGE field
    between the two, at the top or the bottom as ``posisi`` ("top"/"bottom") says.
    """
    before, _, after = profile.page.number_format.partition("{n}")
    # ``kaki``: the room kept under the last block for the stamped QR code and footer; the maker
    # that stamps them (docgen.makers) fills it in, from the stamp layout and the footer wording.
    return {"sebelum": before, "sesudah": after, "posisi": profile.page.number_position, "kaki": []}


def signer_context(signer: Penandatangan, profile: Profile, *, agency: str | None = None) -> dict[str, Any]:
    """Signature block lines; delegation (a.n./Plt./Plh.) is printed before the head's title:
    the head of the issuing ``agency`` ([instansi] key; None: this office's head)."""
    person = profile.officials[signer.pejabat]
    head = profile.officials[profile.agency_head(agency)]
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
