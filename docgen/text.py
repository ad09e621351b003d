"""Pure Indonesian formatting for dates, numbers, money and NIP in DPMPTSP documents.

These helpers exist so every template writes dates, amounts and terbilang text
the way official Indonesian correspondence expects, regardless of the server
locale, the clock, or the quirks of third-party libraries.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal
from num2words import num2words

__all__ = [
    "bulan_romawi",
    "format_nip",
    "hari_tanggal_terbilang",
    "jumlah_lampiran",
    "koordinat",
    "luas",
    "meter",
    "nama_bulan",
    "nama_hari",
    "ordinal_diktum",
    "romawi",
    "rincian",
    "rupiah",
    "tanggal",
    "tanggal_hari",
    "tanggal_terbilang",
    "terbilang",
    "terbilang_rupiah",
]

NBSP = "\u00a0"
"""Between a number and its unit, so "m²" or "m" never starts a line alone."""
GAYA_KOORDINAT = ("desimal", "desimal-arah", "dms")

_BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
# Indexed by date.weekday(): Monday is 0.
_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_ROMAWI = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
# num2words says "juta satu ribu" where Indonesian says "juta seribu"; the
# thousands group is exactly one only when "satu ribu" follows a scale word.
_SATU_RIBU = re.compile(r"\b(juta|miliar|[a-z]+liun) satu ribu\b")
# Scales above kuadriliun (10**15) are not settled Indonesian words.
_BATAS_TERBILANG = 10**18
_SEN = Decimal("0.01")
_NIP = re.compile(r"[0-9]{18}")


def _bulat(nilai: object, nama: str) -> int:
    """Return ``nilai`` if it is a real int, so ``True`` or ``3.0`` never slip through."""
    if isinstance(nilai, bool) or not isinstance(nilai, int):
        raise TypeError(f"{nama} harus bilangan bulat, diterima {type(nilai).__name__}")
    return nilai


def nama_bulan(month: int) -> str:
    """Name a month in Indonesian, independent of the system locale.

    Raises:
        TypeError: If ``month`` is not an int.
        ValueError: If ``month`` is not 1..12.
    """
    if not 1 <= _bulat(month, "Bulan") <= 12:
        raise ValueError(f"Bulan harus 1 sampai 12, diterima {month}")
    return _BULAN[month - 1]


def nama_hari(d: date) -> str:
    """Name the weekday in Indonesian ("Jumat", not "Jum'at"), as letters require."""
    return _HARI[d.weekday()]


def tanggal(d: date) -> str:
    """Write a date as in the letter heading, e.g. ``28 November 2026`` (no leading zero)."""
    return f"{d.day} {nama_bulan(d.month)} {d.year}"


def tanggal_hari(d: date) -> str:
    """Write a date with its weekday, e.g. ``Sabtu, 28 November 2026``, for invitations."""
    return f"{nama_hari(d)}, {tanggal(d)}"


def terbilang(n: int) -> str:
    """Spell an integer in lowercase Indonesian words, so amounts cannot be altered.

    Uses num2words but corrects it to standard usage: ``minus`` instead of
    ``min`` and ``seribu`` for a thousands group of one after a larger scale
    (1.001.000 is ``satu juta seribu``).

    Raises:
        TypeError: If ``n`` is not an int.
        ValueError: If ``abs(n)`` reaches 10**18 (beyond ``kuadriliun``).
    """
    _bulat(n, "Bilangan")
    if abs(n) >= _BATAS_TERBILANG:
        raise ValueError(f"Bilangan terlalu besar untuk ditulis terbilang: {n}")
    if n < 0:
        return "minus " + terbilang(-n)
    kata = _SATU_RIBU.sub(r"\1 seribu", num2words(n, lang="id"))
    return " ".join(kata.split())


def tanggal_terbilang(d: date) -> str:
    """Write a date fully in words, as a berita acara requires.

    Example: ``dua puluh delapan bulan November tahun dua ribu dua puluh enam``.
    """
    return f"{terbilang(d.day)} bulan {nama_bulan(d.month)} tahun {terbilang(d.year)}"


def hari_tanggal_terbilang(d: date) -> str:
    """Write the opening date of a berita acara: weekday, then the date in words.

    Example: ``Sabtu tanggal dua puluh delapan bulan November tahun dua ribu dua puluh enam``.
    """
    return f"{nama_hari(d)} tanggal {tanggal_terbilang(d)}"


def ordinal_diktum(n: int, style: str = "KESATU") -> str:
    """Name the ``n``-th diktum of a keputusan: ``KESATU`` (or ``PERTAMA``), ``KEDUA``, ...

    Built on :func:`terbilang` so the words stay right past ten (``KESEBELAS``, ``KEDUA
    BELAS``, ``KEDUA PULUH SATU``); only the first diktum depends on the region's style.

    Raises:
        TypeError: If ``n`` is not an int.
        ValueError: If ``n`` is below 1 or ``style`` is neither ``KESATU`` nor ``PERTAMA``.
    """
    if style not in ("KESATU", "PERTAMA"):
        raise ValueError(f"Gaya diktum harus KESATU atau PERTAMA, diterima {style!r}")
    if _bulat(n, "Nomor diktum") < 1:
        raise ValueError(f"Nomor diktum mulai dari 1, diterima {n}")
    return style if n == 1 else f"KE{terbilang(n).upper()}"


def _ke_sen(amount: int | Decimal | str) -> Decimal:
    """Turn an amount into a Decimal rounded half up to whole sen.

    Floats are refused because their binary rounding can change the last sen.
    """
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal, str)):
        raise TypeError(f"Nominal harus int, Decimal atau str, diterima {type(amount).__name__}")
    try:
        nilai = Decimal(amount.strip() if isinstance(amount, str) else amount)
    except InvalidOperation:
        raise ValueError(f"Nominal tidak valid: {amount!r}") from None
    if not nilai.is_finite():
        raise ValueError(f"Nominal tidak valid: {amount!r}")
    return nilai.quantize(_SEN, rounding=ROUND_HALF_UP)


def rupiah(amount: int | Decimal | str) -> str:
    """Format money as ``Rp 1.250.000,00`` with exactly two decimals.

    Rounds half up (babel alone would round half to even) and uses a plain
    ASCII space so the text survives copying into any document format.
    Negative amounts become ``-Rp 1.250.000,00``.

    Raises:
        TypeError: If ``amount`` is a float or another unsupported type.
        ValueError: If a string is not a finite number.
    """
    nilai = _ke_sen(amount)
    angka = format_decimal(abs(nilai), format="#,##0.00", locale="id_ID")
    return f"{'-' if nilai < 0 else ''}Rp {angka}"


def terbilang_rupiah(amount: int | Decimal | str) -> str:
    """Spell money in words for kuitansi and contracts, e.g. ``seribu rupiah lima puluh sen``.

    Sen are added only when non-zero, after rounding half up to two decimals.

    Raises:
        TypeError: If ``amount`` is a float or another unsupported type.
        ValueError: If a string is not a finite number or the amount is too large.
    """
    nilai = _ke_sen(amount)
    rupiah_utuh, sen = divmod(int(abs(nilai) * 100), 100)
    kata = f"{'minus ' if nilai < 0 else ''}{terbilang(rupiah_utuh)} rupiah"
    return f"{kata} {terbilang(sen)} sen" if sen else kata


def romawi(n: int) -> str:
    """Write ``n`` in Roman numerals, as used in letter numbers and chapter headings.

    Raises:
        TypeError: If ``n`` is not an int.
        ValueError: If ``n`` is not 1..3999.
    """
    if not 1 <= _bulat(n, "Bilangan") <= 3999:
        raise ValueError(f"Angka romawi harus 1 sampai 3999, diterima {n}")
    hasil = []
    for nilai, lambang in _ROMAWI:
        jumlah, n = divmod(n, nilai)
        hasil.append(lambang * jumlah)
    return "".join(hasil)


def bulan_romawi(month: int) -> str:
    """Write a month in Roman numerals for nomor surat, e.g. ``.../XI/2026``.

    Raises:
        TypeError: If ``month`` is not an int.
        ValueError: If ``month`` is not 1..12.
    """
    if not 1 <= _bulat(month, "Bulan") <= 12:
        raise ValueError(f"Bulan harus 1 sampai 12, diterima {month}")
    return romawi(month)


def jumlah_lampiran(jumlah: int, satuan: str = "berkas") -> str:
    """Write the Lampiran line of a letter, e.g. ``2 (dua) berkas``; ``-`` when there is none.

    Raises:
        TypeError: If ``jumlah`` is not an int.
        ValueError: If ``jumlah`` is negative.
    """
    if _bulat(jumlah, "Jumlah lampiran") < 0:
        raise ValueError(f"Jumlah lampiran tidak boleh negatif, diterima {jumlah}")
    if jumlah == 0:
        return "-"
    return f"{jumlah} ({terbilang(jumlah)}) {satuan}"


def format_nip(nip: str, *, spasi: bool = True) -> str:
    """Validate a civil servant NIP and group it as ``19780512 200501 1 002``.

    The groups are birth date (8), appointment year and month (6), sex (1)
    and serial number (3). With ``spasi=False`` the 18 bare digits are
    returned, for storage and comparison.

    Raises:
        ValueError: If ``nip`` is not 18 ASCII digits once whitespace is removed.
    """
    angka = "".join(nip.split())
    if not _NIP.fullmatch(angka):
        if len(angka) != 18:
            raise ValueError(f"NIP harus 18 angka, diterima {len(angka)}")
        raise ValueError(f"NIP harus 18 angka, diterima karakter bukan angka: {nip!r}")
    if not spasi:
        return angka
    return f"{angka[:8]} {angka[8:14]} {angka[14]} {angka[15:]}"


def _desimal(nilai: float | Decimal, tempat: int) -> str:
    """``1234.5`` -> ``1.234,5``: Indonesian separators, at most ``tempat`` decimals, no trailing zeros.

    The float goes through its shortest repr, so 4.1 x 6 is 24,6 and not 24,599999.
    """
    angka = Decimal(str(nilai)).quantize(Decimal(1).scaleb(-tempat), rounding=ROUND_HALF_UP)
    return format_decimal(angka, format="#,##0." + "#" * tempat, locale="id_ID")


def meter(nilai: float | Decimal) -> str:
    """A length as the office writes it: ``4,5 m`` (decimal comma, a non-breaking space before the unit)."""
    return f"{_desimal(nilai, 2)}{NBSP}m"


def luas(nilai: float | Decimal) -> str:
    """An area in square metres: ``48 m²``, ``7,88 m²``, ``1.250 m²``; number and unit never parted."""
    return f"{_desimal(nilai, 2)}{NBSP}m²"


def _dms(nilai: float) -> str:
    """Degrees, minutes and seconds to a tenth: ``7°38'43,1"``; rounding carries into minutes and degrees."""
    persepuluh = round(abs(nilai) * 36000)
    derajat, sisa = divmod(persepuluh, 36000)
    menit, detik = divmod(sisa, 600)
    return f"{derajat}°{menit:02d}'{detik // 10:02d},{detik % 10}\""


def koordinat(lintang: float, bujur: float, gaya: str = "desimal-arah") -> str:
    """A point written the Indonesian way, latitude first, in the profile's style.

    ``desimal``: ``-7,645300; 112,907500`` (signed, decimal comma, so the pair is split by ";");
    ``desimal-arah``: ``7,645300° LS; 112,907500° BT``; ``dms``: ``7°38'43,1" LS 112°54'27,0" BT``.
    Six decimals are about 10 cm on the ground, as a phone's map gives them.

    Raises:
        ValueError: If ``gaya`` is not one of :data:`GAYA_KOORDINAT`.
    """
    utara = "LU" if lintang >= 0 else "LS"
    timur = "BT" if bujur >= 0 else "BB"
    if gaya == "desimal":
        return f"{lintang:.6f}; {bujur:.6f}".replace(".", ",")
    if gaya == "desimal-arah":
        return f"{abs(lintang):.6f}° {utara}; {abs(bujur):.6f}° {timur}".replace(".", ",")
    if gaya == "dms":
        return f"{_dms(lintang)} {utara} {_dms(bujur)} {timur}"
    raise ValueError(f"Gaya koordinat harus salah satu dari {', '.join(GAYA_KOORDINAT)}, diterima {gaya!r}")


_TANDA = re.compile(r"\s*((?:[a-z]{1,2}|[0-9]{1,2})[.)]|[-•])\s+(\S.*)")


def rincian(teks: str) -> dict[str, object]:
    """Split an item typed with line breaks into its first line and its sub-items.

    ``"bertugas:\na. memeriksa lokasi;\nb. melapor."`` becomes ``{"teks": "bertugas:", "rincian":
    [{"tanda": "a.", "teks": "memeriksa lokasi;"}, {"tanda": "b.", "teks": "melapor."}]}``. A line
    without a mark keeps ``tanda`` empty (a paragraph of its own, under the item's text). Templates
    print each line as its own paragraph with a hanging mark, so a typed break never sits inside a
    justified paragraph, where Word would stretch the broken line edge to edge.
    """
    lines = [line.strip() for line in teks.split("\n") if line.strip()]
    first, rest = (lines[0], lines[1:]) if lines else ("", [])
    items = []
    for line in rest:
        match = _TANDA.fullmatch(line)
        items.append({"tanda": match[1], "teks": match[2]} if match else {"tanda": "", "teks": line})
    return {"teks": first, "rincian": items}
