"""What the payment documents (SPP, SPM, SPJ) share: money, account lines, payee and roles.

Money is ``Decimal`` to the sen from the request to the page: a float's binary rounding can move
the last sen of an amount that is printed twice (in figures and in words), so floats are refused
with the fix rather than converted. The payment forms are flowing forms (``templates/*.flow.toml``):
their line items reach them as lists with ``Decimal`` amounts, which the tables sum and carry from
page to page, so no number of lines is too many.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from docgen.errors import ConfigError
from docgen.kinds.base import Request, Teks
from docgen.profile import Official, Profile
from docgen.text import format_nip, rupiah, tanggal, terbilang_rupiah

__all__ = [
    "JENIS_SPP",
    "Kegiatan",
    "Keuangan",
    "Penerima",
    "Rincian",
    "Rupiah",
    "Tagihan",
    "amount_context",
    "heading_context",
    "official",
    "payee_context",
    "role_context",
    "treasurer_account",
    "type_context",
]

_LIMIT = Decimal(10) ** 15  # seribu triliun: far above any regional budget, well inside terbilang
_SEN = Decimal("0.01")

JENIS_SPP: dict[str, tuple[str, str]] = {
    "UP": ("SPP-UP", "Uang Persediaan (UP)"),
    "GU": ("SPP-GU", "Ganti Uang Persediaan (GU)"),
    "TU": ("SPP-TU", "Tambahan Uang Persediaan (TU)"),
    "LS-GAJI": ("SPP-LS", "Langsung (LS) Gaji dan Tunjangan"),
    "LS-BARANG-JASA": ("SPP-LS", "Langsung (LS) Barang dan Jasa"),
    "LS-HONOR": ("SPP-LS", "Langsung (LS) Honorarium dan Perjalanan Dinas"),
}
"""SPP types by code: the short name printed in titles and the full label."""

_ROLE_TITLES = {
    "pa_kpa": "Pengguna Anggaran/Kuasa Pengguna Anggaran",
    "ppk_skpd": "Pejabat Penatausahaan Keuangan SKPD",
    "pptk": "Pejabat Pelaksana Teknis Kegiatan",
    "bendahara": "Bendahara Pengeluaran",
}

_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
_POINT = re.compile(r"\d+(\.\d{1,2})?")
_COMMA = re.compile(r"(\d{1,3}(\.\d{3})+|\d+),\d{1,2}")
_ACCOUNT = re.compile(r"\d\.\d\.\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")
_SUB_KEGIATAN = re.compile(r"\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}")
_HINT = 'tulis seperti "12500000", "12500000.50" atau "Rp 12.500.000,50"'


def _amount_text(text: str) -> Decimal:
    """Read an amount as officers write it: ``Rp 12.500.000,00``, ``12.500.000,-``, ``12500000.50``.

    A dot followed by groups of three digits is a thousands separator (Indonesian), so ``1.500``
    is fifteen hundred; a lone dot with one or two digits after it is a decimal point.
    """
    s = re.sub(r"^rp\.?", "", re.sub(r"\s", "", text), flags=re.IGNORECASE)
    s = s.removesuffix(",-").removesuffix(".-")
    if s.startswith("-"):
        raise ValueError("tidak boleh negatif")
    if _COMMA.fullmatch(s):
        s = s.replace(".", "").replace(",", ".")
    elif _THOUSANDS.fullmatch(s):
        s = s.replace(".", "")
    elif not _POINT.fullmatch(s):
        if re.fullmatch(r"[\d.,]+", s) and re.search(r"[.,]\d{3,}$", s):
            raise ValueError(f"paling banyak dua angka sen di belakang koma; {_HINT}")
        raise ValueError(f"bukan nominal rupiah ('{text[:30]}'); {_HINT}")
    return Decimal(s)


def _money(value: Any) -> Decimal:
    """An amount in rupiah with at most two decimals (sen); floats, negatives and absurd sizes refused."""
    if isinstance(value, bool):
        raise ValueError(f"harus nominal rupiah, bukan ya/tidak; {_HINT}")
    if isinstance(value, float):
        raise ValueError(
            f"tertulis sebagai angka desimal (float), yang bisa menggeser sen; tulis sebagai teks: {_HINT}"
        )
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount = _amount_text(value)
    else:
        raise ValueError(f"harus nominal rupiah; {_HINT}")
    if not amount.is_finite():
        raise ValueError(f"bukan nominal rupiah; {_HINT}")
    if amount < 0:
        raise ValueError("tidak boleh negatif")
    if amount >= _LIMIT:
        raise ValueError(f"terlalu besar (paling banyak {rupiah(_LIMIT - _SEN)}); periksa angkanya")
    if amount != amount.quantize(_SEN):
        raise ValueError(f"paling banyak dua angka sen di belakang koma; {_HINT}")
    return amount.quantize(_SEN)


Rupiah = Annotated[Decimal, BeforeValidator(_money)]
"""Money in rupiah: ``Decimal`` with two decimals, never from a float."""


def _account(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError('kode rekening tertulis sebagai angka; tulis sebagai teks, misalnya "5.1.02.01.01.0024"')
    if isinstance(value, str) and not _ACCOUNT.fullmatch(value.strip()):
        raise ValueError(
            f"'{value[:30]}' bukan kode rekening; tulis seperti 5.1.02.01.01.0024 "
            "(akun.kelompok.jenis.objek.rincian objek.sub rincian objek)"
        )
    return value.strip() if isinstance(value, str) else value


def _digits_text(name: str, low: int, high: int) -> Any:
    """An account or tax number: digits people group with spaces, dots or dashes, never a float."""

    def check(value: Any) -> Any:
        if isinstance(value, float):
            raise ValueError(f"{name} tertulis sebagai angka desimal; tulis sebagai teks di antara tanda kutip")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            digits = re.sub(r"[\s.\-]", "", value)
            if not (digits.isascii() and digits.isdigit() and low <= len(digits) <= high):
                raise ValueError(f"{name} harus {low}-{high} angka, diterima '{value[:30]}'")
            return value.strip()
        return value

    return BeforeValidator(check)


class Rincian(Request):
    """One line of spending: the account it is charged to, what it was, how much."""

    kode_rekening: Annotated[str, BeforeValidator(_account)]
    # The flowing forms wrap it in its column; the cap only keeps a pasted paragraph out.
    uraian: Annotated[Teks, Field(max_length=200)]
    jumlah: Rupiah


def _sub_code(value: Any) -> Any:
    if isinstance(value, str) and not _SUB_KEGIATAN.fullmatch(value.strip()):
        raise ValueError(
            f"'{value[:30]}' bukan kode sub kegiatan; tulis seperti 2.18.02.2.01.0001 "
            "(urusan.bidang.program.kegiatan.sub kegiatan)"
        )
    return value.strip() if isinstance(value, str) else value


class Kegiatan(Request):
    """The budget line charged: program, kegiatan and sub kegiatan as named in the DPA.

    ``kode`` is the sub kegiatan's code (``2.18.02.2.01.0001``); the program's code is its first
    three parts and the kegiatan's its first five, so one code prints all three without a mismatch.
    """

    program: Teks
    kegiatan: Teks
    sub_kegiatan: Teks
    kode: Annotated[str, BeforeValidator(_sub_code)] | None = None

    def codes(self) -> tuple[str, str, str]:
        """The program, kegiatan and sub kegiatan codes, each followed by a space (empty without ``kode``)."""
        if not self.kode:
            return "", "", ""
        parts = self.kode.split(".")
        return ".".join(parts[:3]) + " ", ".".join(parts[:5]) + " ", self.kode + " "


class Penerima(Request):
    """Who receives the money: a supplier, an employee, or the treasurer's own account."""

    nama: Annotated[Teks, Field(max_length=120)]  # wraps on the flowing SPP and SPM
    bank: Teks | None = None
    rekening: Annotated[str, _digits_text("nomor rekening", 6, 20)] | None = None
    npwp: Annotated[str, _digits_text("NPWP", 15, 16)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _name_only(cls, value: Any) -> Any:
        return {"nama": value} if isinstance(value, str) else value


class Keuangan(Request):
    """A payment document: the roles it prints must name officials the profile has."""

    PERAN: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _roles_exist(self, info: ValidationInfo) -> Keuangan:
        profile: Profile | None = (info.context or {}).get("profile")
        if profile is not None:
            for role in self.PERAN:
                _role_key(profile, role, error=ValueError)
        return self


class Tagihan(Keuangan):
    """Line items and their total; the total is written by the officer and must equal the sum.

    Subclasses declare ``rincian: list[Rincian]`` and then ``jumlah: Rupiah`` among their own
    fields (so ``docgen kinds`` lists them in reading order); the rules here apply to both.
    """

    @field_validator("jumlah", check_fields=False)
    @classmethod
    def _equals_the_items(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        items = info.data.get("rincian")
        if items:
            total = sum((item.jumlah for item in items), Decimal("0.00"))
            if total != value:
                raise ValueError(
                    f"jumlah rincian {rupiah(total)} tidak sama dengan jumlah {rupiah(value)}; "
                    "perbaiki rincian atau jumlahnya"
                )
        return value


def _role_key(profile: Profile, role: str, *, error: type[Exception]) -> str:
    key = getattr(profile.keuangan, role)
    if key not in profile.officials:
        raise error(
            f"peran keuangan.{role} menunjuk '{key}' yang tidak ada di [officials] profil; "
            f"tambahkan [officials.{key}] atau ubah {role} di [keuangan]"
        )
    return key


def official(profile: Profile, role: str) -> Official:
    """The official holding ``role`` (``pa_kpa``, ``ppk_skpd``, ``pptk``, ``bendahara``)."""
    return profile.officials[_role_key(profile, role, error=ConfigError)]


def role_context(profile: Profile, role: str) -> dict[str, str]:
    """A role as a form prints it: the role's title, the official's name, rank, position and NIP."""
    person = official(profile, role)
    return {
        "peran": _ROLE_TITLES[role],
        "nama": person.name,
        "pangkat": person.rank,
        "jabatan": person.position,
        "nip": format_nip(person.nip),
    }


def payee_context(payee: Penerima | None, profile: Profile) -> dict[str, str]:
    """The payee as printed; without one, the advance goes to the treasurer's own account."""
    if payee is None:
        own = profile.keuangan
        return {
            "nama": official(profile, "bendahara").name,
            "bank": own.bank or "-",
            "rekening": own.rekening or "-",
            "npwp": _npwp(own.npwp) if own.npwp else "-",
        }
    return {
        "nama": payee.nama,
        "bank": payee.bank or "-",
        "rekening": payee.rekening or "-",
        "npwp": _npwp(payee.npwp) if payee.npwp else "-",
    }


def treasurer_account(document: str, payee: Penerima | None, info: ValidationInfo) -> None:
    """An advance (no payee named) is paid into the treasurer's account, so the profile must say which."""
    profile: Profile | None = (info.context or {}).get("profile")
    if profile is not None and payee is None and not (profile.keuangan.bank and profile.keuangan.rekening):
        raise ValueError(
            f"{document} dibayar ke rekening Bendahara Pengeluaran; isi bank dan rekening di [keuangan] profil"
        )


def _npwp(text: str) -> str:
    """The 15-digit NPWP as printed on the card (``01.234.567.8-624.000``); the 16-digit one (NIK) plain."""
    d = re.sub(r"\D", "", text)
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:]}" if len(d) == 15 else d


def heading_context(day: date, profile: Profile, activity: Kegiatan | None = None) -> dict[str, str]:
    """What every payment form prints at its head: date, budget year, the SKPD and the budget line."""
    codes = activity.codes() if activity else ("", "", "")
    return {
        "tanggal": tanggal(day),
        "tahun_anggaran": str(day.year),
        "skpd": profile.office.kop[-1] if profile.office.kop else "",
        "program": codes[0] + activity.program if activity else "-",
        "kegiatan": codes[1] + activity.kegiatan if activity else "-",
        "sub_kegiatan": codes[2] + activity.sub_kegiatan if activity else "-",
    }


def type_context(jenis: str, document: str) -> dict[str, str]:
    """The SPP type as printed on the SPP or its SPM: ``SPM-LS`` and ``Langsung (LS) Barang dan Jasa``."""
    short, label = JENIS_SPP[jenis]
    return {"jenis": label, "jenis_singkat": short.replace("SPP", document)}


def _figures(amount: Decimal) -> str:
    return rupiah(amount).removeprefix("Rp ")


def amount_context(amount: Decimal) -> dict[str, str]:
    """The total in figures (``Rp 12.500.000,00``) and in words, capitalised as a sentence."""
    words = terbilang_rupiah(amount)
    return {"jumlah": rupiah(amount), "terbilang": words[:1].upper() + words[1:]}
