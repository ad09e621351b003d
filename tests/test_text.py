"""Tests for docgen.text; every expected value is written by hand from Indonesian usage."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from docgen.text import (
    bulan_romawi,
    format_nip,
    hari_tanggal_terbilang,
    jumlah_lampiran,
    nama_bulan,
    nama_hari,
    romawi,
    rupiah,
    tanggal,
    tanggal_hari,
    tanggal_terbilang,
    terbilang,
    terbilang_rupiah,
)

# --- nama_bulan -------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (1, "Januari"),
        (2, "Februari"),
        (3, "Maret"),
        (4, "April"),
        (5, "Mei"),
        (6, "Juni"),
        (7, "Juli"),
        (8, "Agustus"),
        (9, "September"),
        (10, "Oktober"),
        (11, "November"),
        (12, "Desember"),
    ],
)
def test_nama_bulan_gives_indonesian_month_names(month: int, expected: str) -> None:
    assert nama_bulan(month) == expected


@pytest.mark.parametrize("month", [0, 13, -1, 100])
def test_nama_bulan_rejects_month_outside_one_to_twelve(month: int) -> None:
    with pytest.raises(ValueError, match="Bulan harus 1 sampai 12"):
        nama_bulan(month)


@pytest.mark.parametrize("month", [True, 1.0, "1"])
def test_nama_bulan_rejects_non_integers(month: object) -> None:
    with pytest.raises(TypeError):
        nama_bulan(month)  # type: ignore[arg-type]


# --- nama_hari, tanggal, tanggal_hari ---------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 23), "Senin"),
        (date(2026, 11, 24), "Selasa"),
        (date(2026, 11, 25), "Rabu"),
        (date(2026, 11, 26), "Kamis"),
        (date(2026, 11, 27), "Jumat"),
        (date(2026, 11, 28), "Sabtu"),
        (date(2026, 11, 29), "Minggu"),
        (date(1945, 8, 17), "Jumat"),
        (date(2026, 1, 1), "Kamis"),
    ],
)
def test_nama_hari_gives_indonesian_weekday(d: date, expected: str) -> None:
    assert nama_hari(d) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 28), "28 November 2026"),
        (date(2026, 1, 1), "1 Januari 2026"),
        (date(1945, 8, 17), "17 Agustus 1945"),
        (date(2024, 2, 29), "29 Februari 2024"),
        (date(2026, 12, 9), "9 Desember 2026"),
    ],
)
def test_tanggal_writes_day_without_leading_zero(d: date, expected: str) -> None:
    assert tanggal(d) == expected


def test_tanggal_accepts_datetime_and_ignores_time() -> None:
    assert tanggal(datetime(2026, 11, 28, 23, 59)) == "28 November 2026"


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 28), "Sabtu, 28 November 2026"),
        (date(1945, 8, 17), "Jumat, 17 Agustus 1945"),
        (date(2026, 1, 1), "Kamis, 1 Januari 2026"),
    ],
)
def test_tanggal_hari_prefixes_weekday_and_comma(d: date, expected: str) -> None:
    assert tanggal_hari(d) == expected


# --- terbilang ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "nol"),
        (1, "satu"),
        (7, "tujuh"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (15, "lima belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1100, "seribu seratus"),
        (1945, "seribu sembilan ratus empat puluh lima"),
        (2026, "dua ribu dua puluh enam"),
        (10_000, "sepuluh ribu"),
        (11_000, "sebelas ribu"),
        (100_000, "seratus ribu"),
        (1_000_000, "satu juta"),
        (1_250_000, "satu juta dua ratus lima puluh ribu"),
        (12_500_000, "dua belas juta lima ratus ribu"),
        (1_000_000_000, "satu miliar"),
        (1_000_000_000_000, "satu triliun"),
        (1_000_000_000_000_000, "satu kuadriliun"),
    ],
)
def test_terbilang_spells_numbers_as_in_indonesian_usage(n: int, expected: str) -> None:
    assert terbilang(n) == expected


def test_terbilang_uses_se_prefix_for_one_hundred_and_one_thousand() -> None:
    assert terbilang(100) == "seratus"
    assert terbilang(1000) == "seribu"
    assert terbilang(1_000_000) == "satu juta"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1_001_000, "satu juta seribu"),
        (6_001_416, "enam juta seribu empat ratus enam belas"),
        (1_000_001_000, "satu miliar seribu"),
        (1_001_001_000, "satu miliar satu juta seribu"),
        (1_000_000_001_000, "satu triliun seribu"),
    ],
)
def test_terbilang_says_seribu_after_a_larger_scale(n: int, expected: str) -> None:
    assert terbilang(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (21_000, "dua puluh satu ribu"),
        (101_000, "seratus satu ribu"),
        (1_021_000, "satu juta dua puluh satu ribu"),
        (5_201_000, "lima juta dua ratus satu ribu"),
    ],
)
def test_terbilang_keeps_satu_ribu_when_one_ends_a_larger_group(n: int, expected: str) -> None:
    assert terbilang(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (-1, "minus satu"),
        (-15, "minus lima belas"),
        (-1000, "minus seribu"),
        (-2026, "minus dua ribu dua puluh enam"),
    ],
)
def test_terbilang_uses_minus_for_negative_numbers(n: int, expected: str) -> None:
    assert terbilang(n) == expected


def test_terbilang_output_has_single_spaces_and_no_hyphens() -> None:
    for n in [*range(0, 2100), 1_234_567_891_011, 987_654_321_001_000]:
        words = terbilang(n)
        assert "  " not in words, n
        assert "-" not in words, n
        assert words == words.strip().lower(), n


@pytest.mark.parametrize("n", [10**18, -(10**18), 10**30])
def test_terbilang_rejects_numbers_beyond_kuadriliun(n: int) -> None:
    with pytest.raises(ValueError, match="terlalu besar"):
        terbilang(n)


@pytest.mark.parametrize("n", [1.5, True, "12", Decimal("3")])
def test_terbilang_rejects_non_integers(n: object) -> None:
    with pytest.raises(TypeError):
        terbilang(n)  # type: ignore[arg-type]


# --- tanggal_terbilang, hari_tanggal_terbilang ------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 28), "dua puluh delapan bulan November tahun dua ribu dua puluh enam"),
        (date(2026, 1, 1), "satu bulan Januari tahun dua ribu dua puluh enam"),
        (
            date(1945, 8, 17),
            "tujuh belas bulan Agustus tahun seribu sembilan ratus empat puluh lima",
        ),
        (date(2000, 10, 11), "sebelas bulan Oktober tahun dua ribu"),
    ],
)
def test_tanggal_terbilang_spells_day_and_year_but_names_month(d: date, expected: str) -> None:
    assert tanggal_terbilang(d) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (
            date(2026, 11, 28),
            "Sabtu tanggal dua puluh delapan bulan November tahun dua ribu dua puluh enam",
        ),
        (
            date(1945, 8, 17),
            "Jumat tanggal tujuh belas bulan Agustus tahun seribu sembilan ratus empat puluh lima",
        ),
    ],
)
def test_hari_tanggal_terbilang_opens_with_weekday_and_tanggal(d: date, expected: str) -> None:
    assert hari_tanggal_terbilang(d) == expected


# --- rupiah -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (1_250_000, "Rp 1.250.000,00"),
        (0, "Rp 0,00"),
        (999, "Rp 999,00"),
        (1000, "Rp 1.000,00"),
        (12_500_000, "Rp 12.500.000,00"),
        (1_000_000_000_000, "Rp 1.000.000.000.000,00"),
        (Decimal("1250.5"), "Rp 1.250,50"),
        ("1250000.5", "Rp 1.250.000,50"),
        (" 1500 ", "Rp 1.500,00"),
        ("0.75", "Rp 0,75"),
    ],
)
def test_rupiah_uses_dot_thousands_and_two_comma_decimals(amount: int | Decimal | str, expected: str) -> None:
    assert rupiah(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1.005"), "Rp 1,01"),
        (Decimal("2.675"), "Rp 2,68"),
        (Decimal("1.004"), "Rp 1,00"),
        ("999.995", "Rp 1.000,00"),
        ("0.125", "Rp 0,13"),
    ],
)
def test_rupiah_rounds_half_up_to_two_decimals(amount: Decimal | str, expected: str) -> None:
    assert rupiah(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (-1_250_000, "-Rp 1.250.000,00"),
        ("-0.5", "-Rp 0,50"),
        (Decimal("-0.005"), "-Rp 0,01"),
    ],
)
def test_rupiah_puts_minus_sign_before_rp(amount: int | Decimal | str, expected: str) -> None:
    assert rupiah(amount) == expected


def test_rupiah_drops_minus_sign_when_amount_rounds_to_zero() -> None:
    assert rupiah("-0.001") == "Rp 0,00"


def test_rupiah_uses_only_plain_ascii_spaces() -> None:
    text = rupiah(1_250_000)
    assert "\u00a0" not in text
    assert "\u202f" not in text
    assert text.isascii()


@pytest.mark.parametrize("amount", ["abc", "", "1.250.000", "NaN", "Infinity", "-inf"])
def test_rupiah_rejects_strings_that_are_not_finite_numbers(amount: str) -> None:
    with pytest.raises(ValueError, match="Nominal tidak valid"):
        rupiah(amount)


@pytest.mark.parametrize("amount", [1.5, True, None, [1]])
def test_rupiah_rejects_floats_and_other_types(amount: object) -> None:
    with pytest.raises(TypeError):
        rupiah(amount)  # type: ignore[arg-type]


# --- terbilang_rupiah ---------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (12_500_000, "dua belas juta lima ratus ribu rupiah"),
        (0, "nol rupiah"),
        (1000, "seribu rupiah"),
        (1_250_000, "satu juta dua ratus lima puluh ribu rupiah"),
        (Decimal("1250.50"), "seribu dua ratus lima puluh rupiah lima puluh sen"),
        ("1250.5", "seribu dua ratus lima puluh rupiah lima puluh sen"),
        ("0.75", "nol rupiah tujuh puluh lima sen"),
        ("1001000.01", "satu juta seribu rupiah satu sen"),
        ("100.00", "seratus rupiah"),
    ],
)
def test_terbilang_rupiah_spells_rupiah_and_nonzero_sen(amount: int | Decimal | str, expected: str) -> None:
    assert terbilang_rupiah(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1000.005", "seribu rupiah satu sen"),
        ("1000.004", "seribu rupiah"),
        ("99.995", "seratus rupiah"),
    ],
)
def test_terbilang_rupiah_rounds_half_up_before_spelling(amount: str, expected: str) -> None:
    assert terbilang_rupiah(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (-1500, "minus seribu lima ratus rupiah"),
        ("-0.5", "minus nol rupiah lima puluh sen"),
    ],
)
def test_terbilang_rupiah_says_minus_for_negative_amounts(amount: int | str, expected: str) -> None:
    assert terbilang_rupiah(amount) == expected


def test_terbilang_rupiah_rejects_invalid_input() -> None:
    with pytest.raises(ValueError):
        terbilang_rupiah("seribu")
    with pytest.raises(TypeError):
        terbilang_rupiah(1250.5)  # type: ignore[arg-type]


# --- romawi, bulan_romawi -----------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "I"),
        (3, "III"),
        (4, "IV"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (90, "XC"),
        (400, "CD"),
        (900, "CM"),
        (1945, "MCMXLV"),
        (2026, "MMXXVI"),
        (3999, "MMMCMXCIX"),
    ],
)
def test_romawi_uses_subtractive_notation(n: int, expected: str) -> None:
    assert romawi(n) == expected


@pytest.mark.parametrize("n", [0, -1, 4000])
def test_romawi_rejects_numbers_outside_one_to_3999(n: int) -> None:
    with pytest.raises(ValueError, match="1 sampai 3999"):
        romawi(n)


def test_romawi_rejects_bool() -> None:
    with pytest.raises(TypeError):
        romawi(True)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (1, "I"),
        (2, "II"),
        (3, "III"),
        (4, "IV"),
        (5, "V"),
        (6, "VI"),
        (7, "VII"),
        (8, "VIII"),
        (9, "IX"),
        (10, "X"),
        (11, "XI"),
        (12, "XII"),
    ],
)
def test_bulan_romawi_gives_roman_month_for_nomor_surat(month: int, expected: str) -> None:
    assert bulan_romawi(month) == expected


@pytest.mark.parametrize("month", [0, 13, 2026])
def test_bulan_romawi_rejects_month_outside_one_to_twelve(month: int) -> None:
    with pytest.raises(ValueError, match="Bulan harus 1 sampai 12"):
        bulan_romawi(month)


# --- jumlah_lampiran ----------------------------------------------------------


@pytest.mark.parametrize(
    ("jumlah", "satuan", "expected"),
    [
        (1, "berkas", "1 (satu) berkas"),
        (2, "berkas", "2 (dua) berkas"),
        (11, "berkas", "11 (sebelas) berkas"),
        (12, "lembar", "12 (dua belas) lembar"),
        (100, "lembar", "100 (seratus) lembar"),
    ],
)
def test_jumlah_lampiran_writes_digits_then_words_then_unit(jumlah: int, satuan: str, expected: str) -> None:
    assert jumlah_lampiran(jumlah, satuan) == expected


def test_jumlah_lampiran_defaults_to_berkas() -> None:
    assert jumlah_lampiran(3) == "3 (tiga) berkas"


@pytest.mark.parametrize("satuan", ["berkas", "lembar"])
def test_jumlah_lampiran_writes_dash_when_there_is_no_attachment(satuan: str) -> None:
    assert jumlah_lampiran(0, satuan) == "-"


def test_jumlah_lampiran_rejects_negative_count() -> None:
    with pytest.raises(ValueError, match="tidak boleh negatif"):
        jumlah_lampiran(-1)


# --- format_nip ---------------------------------------------------------------


@pytest.mark.parametrize(
    "nip",
    [
        "197805122005011002",
        "19780512 200501 1 002",
        " 1978 0512 2005 0110 02 ",
        "19780512\t200501 1  002",
    ],
)
def test_format_nip_groups_birth_date_appointment_sex_and_serial(nip: str) -> None:
    assert format_nip(nip) == "19780512 200501 1 002"


@pytest.mark.parametrize("nip", ["197805122005011002", "19780512 200501 1 002"])
def test_format_nip_without_spasi_gives_bare_eighteen_digits(nip: str) -> None:
    assert format_nip(nip, spasi=False) == "197805122005011002"


@pytest.mark.parametrize(
    ("nip", "count"),
    [
        ("19780512200501100", 17),
        ("1978051220050110021", 19),
        ("19780512 200501 1 00", 17),
        ("", 0),
        ("   ", 0),
    ],
)
def test_format_nip_rejects_wrong_length_with_count_in_message(nip: str, count: int) -> None:
    with pytest.raises(ValueError, match=f"^NIP harus 18 angka, diterima {count}$"):
        format_nip(nip)


@pytest.mark.parametrize(
    "nip",
    [
        "19780512200501100A",
        "19780512-200501-1-002",
        "1978.0512.2005.0110.0",
        "19780512200501100\u0662",  # Arabic-Indic digit two
    ],
)
def test_format_nip_rejects_non_digit_characters(nip: str) -> None:
    with pytest.raises(ValueError, match="NIP harus 18 angka"):
        format_nip(nip)
