"""Archive classification codes (kode klasifikasi arsip, KKA) and the retention they carry.

Every register entry is filed under a code, and the code decides how long the record stays in the
office and what happens to it afterwards; this module is the one place that knows the codes. The
tables are data (Permendagri 83/2022, and 78/2012 because old letters keep their old codes), and an
office CSV adds codes or overrides shipped rows, since the city's own JRA may differ.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path

from docgen.errors import ConfigError

__all__ = ["ACTIONS", "COLUMNS", "FINALS", "ArchiveCodes", "Classification", "RetentionStatus"]
__all__ += ["AKTIF", "BELUM", "parent_code", "retention_status", "well_formed"]

#: Header of every classification CSV, shipped or the office's own.
COLUMNS = ("kode", "nama", "aktif", "inaktif", "akhir", "pemicu", "catatan")
#: Final dispositions (nasib akhir) a row may carry.
FINALS = ("musnah", "permanen", "dinilai kembali")
AKTIF, PINDAHKAN, MUSNAHKAN = "aktif", "pindahkan ke unit kearsipan", "musnahkan"
SERAHKAN, NILAI_KEMBALI = "serahkan ke lembaga kearsipan (permanen)", "nilai kembali"
BELUM = "retensi belum ditetapkan"
#: Every action `retention_status` can report.
ACTIONS = (AKTIF, PINDAHKAN, MUSNAHKAN, SERAHKAN, NILAI_KEMBALI, BELUM)

_FINAL_ACTION = {"musnah": MUSNAHKAN, "permanen": SERAHKAN, "dinilai kembali": NILAI_KEMBALI}
# The current scheme comes first: where both schemes hold a code (500, 800, 900...) its row wins.
_SHIPPED = (("kka-permendagri-83-2022.csv", "83/2022"), ("kka-permendagri-78-2012.csv", "78/2012"))
_CODE = re.compile(r"^\d{3}(\.\d+)*$")


def well_formed(code: str) -> bool:
    """The shape of every code, old scheme or new: ``503``, ``500.16.7.2``."""
    return bool(_CODE.match(code))


_EMPTY = {"", "-", "\u2013", "\u2014"}  # schedules print "–" for "not set"
_Parsed = tuple[int, "Classification", bool]  # CSV line, row, whether it fills a retention cell


@dataclass(frozen=True)
class Classification:
    """One row of a classification table; retention fields are None where the schedule is silent."""

    code: str
    name: str
    scheme: str  # "83/2022", "78/2012" or "kantor" (the office's own CSV)
    active_years: int | None = None
    inactive_years: int | None = None
    final: str | None = None  # one of FINALS
    trigger: str | None = None  # pemicu: the event that starts the clock, if not the record's year
    note: str | None = None

    @property
    def has_retention(self) -> bool:
        """True when the row says anything about retention, so that its children inherit it."""
        return self.active_years is not None or self.inactive_years is not None or self.final is not None


@dataclass(frozen=True)
class RetentionStatus:
    """Where one record stands in its retention schedule on a given day."""

    code: str
    active_until: date | None
    inactive_until: date | None
    action: str  # one of ACTIONS
    trigger: str | None
    final: str | None = None  # the disposition, reported even when the years are unknown
    basis: str | None = None  # the code whose row supplied the retention (the code or an ancestor)


def parent_code(code: str) -> str | None:
    """The code one level up, or None at the top.

    83/2022 nests by dots (``500.16.7.2`` -> ``500.16.7``). 78/2012 is decimal: its decimals nest
    by dots too (``823.1`` -> ``823``) and a three-digit code's parent zeroes its last non-zero
    digit (``823`` -> ``820`` -> ``800``), which is how ``503`` sits under ``500``.
    """
    if "." in code:
        return code.rsplit(".", 1)[0]
    if len(code) != 3 or not code.isdigit() or code.endswith("00"):
        return None
    return code[:2] + "0" if code[2] != "0" else code[0] + "00"


def _lineage(code: str) -> list[str]:
    """Parent codes of ``code``, nearest first, whether known or not."""
    found: list[str] = []
    while (parent := parent_code(found[-1] if found else code)) is not None:
        found.append(parent)
    return found


def _order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))  # 500.16.7.10 files after 500.16.7.9


def _one_line(value: str, limit: int = 40) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class ArchiveCodes:
    """The known classifications by code, from the shipped tables and the office's additions."""

    def __init__(self, rows: Iterable[Classification] = ()) -> None:
        self._rows = {row.code: row for row in rows}

    @classmethod
    def load(cls, extra: Path | None = None) -> ArchiveCodes:
        """Load both shipped tables, then the office's CSV (same columns) when given.

        An office row adds a code (``nama`` required) or amends a shipped one: an empty ``nama``
        keeps the shipped name; a filled ``aktif``/``inaktif``/``akhir``/``pemicu`` replaces the
        shipped retention and note as a whole (a JRA row is one decision), else they stay.

        Raises:
            ConfigError: the office CSV is missing, unreadable or malformed; the one-line message
                names the file and the row.
        """
        rows: dict[str, Classification] = {}
        for name, scheme in _SHIPPED:
            text = resources.files("docgen.data").joinpath(name).read_text(encoding="utf-8")
            for _, row, _ in _parse(text, name, scheme):
                rows.setdefault(row.code, row)
        if extra is not None:
            where = f"berkas kode klasifikasi {extra}"
            for line, row, sets_retention in _parse(_read_office(Path(extra), where), str(extra), "kantor"):
                shipped = rows.get(row.code)
                if shipped is None and not row.name:
                    raise ConfigError(f"{where}, baris {line}: kolom nama kosong untuk kode baru {row.code}")
                if shipped is not None and not sets_retention:  # keep the shipped retention and note
                    row = replace(shipped, name=row.name, scheme="kantor", note=row.note or shipped.note)
                rows[row.code] = replace(row, name=row.name or (shipped.name if shipped else ""))
        return cls(rows.values())

    def get(self, code: str) -> Classification | None:
        """The classification for ``code`` (surrounding spaces ignored), or None."""
        return self._rows.get(code.strip())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip() in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Classification]:
        return (self._rows[code] for code in self.codes())

    def codes(self) -> list[str]:
        """Every known code in filing order (numeric per segment, so .10 follows .9)."""
        return sorted(self._rows, key=_order)

    def children(self, code: str) -> list[str]:
        """Known codes directly under ``code``, in filing order."""
        return sorted((c for c in self._rows if parent_code(c) == code.strip()), key=_order)

    def name(self, code: str) -> str:
        """The name of ``code``, or an empty string when unknown (templates print it as is)."""
        row = self.get(code)
        return row.name if row else ""

    def ancestors(self, code: str) -> list[Classification]:
        """The known parents of ``code``, top level first (``500``, ``500.16``, ``500.16.7``)."""
        return [self._rows[c] for c in reversed(_lineage(code.strip())) if c in self._rows]

    def suggest(self, code: str, limit: int = 5) -> list[str]:
        """Codes a clerk probably meant: the children of the longest known ancestor, then look-alikes."""
        key = code.strip()
        anchor = next((c for c in _lineage(key) if c in self._rows), None)
        near = self.children(anchor) if anchor else []
        alike = difflib.get_close_matches(key, list(self._rows), n=limit) if key else []
        return list(dict.fromkeys([*near, *alike]))[:limit]

    def validate(self, code: str) -> Classification:
        """Return the classification of ``code`` or refuse it, naming the nearest known codes.

        Raises:
            ValueError: with a one-line Indonesian message; a ValueError so that pydantic
                validators can call this method as it is.
        """
        row = self.get(code)
        if row is not None:
            return row
        hints = self.suggest(code)
        tail = "; yang mirip: " + ", ".join(hints) if hints else ""
        raise ValueError(f"kode klasifikasi '{_one_line(code)}' tidak dikenal{tail}")

    def retention_of(self, code: str) -> Classification | None:
        """The row whose retention applies: the code's own, else the nearest ancestor's that has one.

        Schedules set retention for a group (``500.16.4``) that its rincian (``500.16.4.1``) and
        an office's unknown sub-codes follow.
        """
        key = code.strip()
        rows = (self._rows.get(c) for c in (key, *_lineage(key)))
        return next((row for row in rows if row is not None and row.has_retention), None)


def retention_status(code: str, record_date: date, per: date, codes: ArchiveCodes) -> RetentionStatus:
    """Where a record of ``code`` dated ``record_date`` stands on ``per`` (no clock is read).

    As in JRAs, retention counts from the end of the record's year: active until 31 December of
    ``year + aktif``, inactive until 31 December of ``year + aktif + inaktif``, then ``akhir``
    decides; with no ``akhir`` (it varies per rincian) someone must appraise: ``nilai kembali``.
    Unknown years give ``retensi belum ditetapkan`` and no dates even when ``akhir`` is known
    (100.3.3.3: ``permanen``, no years), since no date can be derived; ``final`` still shows it is
    permanent. A ``pemicu`` starts the clock at a later event (a permit renewed), so the dates are
    then the earliest possible and ``trigger`` is passed on for the report to flag.
    """
    row = codes.retention_of(code)
    if row is None:
        return RetentionStatus(code, None, None, BELUM, None)
    if row.active_years is None or row.inactive_years is None:
        return RetentionStatus(code, None, None, BELUM, row.trigger, row.final, row.code)
    active_until = date(record_date.year + row.active_years, 12, 31)
    inactive_until = date(record_date.year + row.active_years + row.inactive_years, 12, 31)
    if per > inactive_until:
        action = _FINAL_ACTION.get(row.final or "", NILAI_KEMBALI)
    else:
        action = PINDAHKAN if per > active_until else AKTIF
    return RetentionStatus(code, active_until, inactive_until, action, row.trigger, row.final, row.code)


# -- reading the CSV files ------------------------------------------------------------------


def _read_office(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # Excel starts its UTF-8 CSV with a BOM
    except FileNotFoundError as exc:
        raise ConfigError(f"{where} tidak ditemukan") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where} bukan teks UTF-8; simpan ulang sebagai CSV UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"{where} tidak dapat dibaca: {exc.strerror or exc}") from exc


def _parse(text: str, source: str, scheme: str) -> list[_Parsed]:
    """The rows of one CSV; ';' is accepted as separator because Indonesian-locale Excel writes it."""
    head = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if head.count(";") > head.count(",") else ",")
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    where = f"berkas kode klasifikasi {source}"
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        problem = f"kolom {', '.join(missing)} tidak ada" if missing else f"kolom '{unknown[0]}' tidak dikenal"
        raise ConfigError(f"{where}, baris 1: {problem}; judul kolom harus {','.join(COLUMNS)}")
    reader.fieldnames = header
    parsed: list[_Parsed] = []
    seen: dict[str, int] = {}
    for raw in reader:
        line, at = reader.line_num, f"{where}, baris {reader.line_num}"
        if raw.get(None):  # DictReader files surplus cells under the key None
            raise ConfigError(f"{at}: sel lebih banyak dari judul kolom; periksa tanda pemisah")
        cells = {key: (raw.get(key) or "").strip() for key in COLUMNS}
        code = cells["kode"]
        if not any(cells.values()):
            continue
        if not _CODE.match(code):
            raise ConfigError(f"{at}: kode '{_one_line(code)}' tidak sah; kode ditulis seperti 500.16.7.2")
        if code in seen:
            raise ConfigError(f"{at}: kode {code} sudah ada di baris {seen[code]}")
        if not cells["nama"] and scheme != "kantor":
            raise ConfigError(f"{at}: kolom nama kosong")
        seen[code] = line
        years = _years(cells["aktif"], "aktif", at), _years(cells["inaktif"], "inaktif", at)
        pemicu, catatan = (None if cells[k] in _EMPTY else cells[k] for k in ("pemicu", "catatan"))
        row = Classification(code, cells["nama"], scheme, *years, _final(cells["akhir"], at), pemicu, catatan)
        filled = any(cells[k] not in _EMPTY for k in ("aktif", "inaktif", "akhir", "pemicu"))
        parsed.append((line, row, filled))
    return parsed


def _years(value: str, column: str, at: str) -> int | None:
    if value in _EMPTY:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > 100:
        raise ConfigError(f"{at}: kolom {column} harus jumlah tahun (mis. 2) atau kosong, bukan '{_one_line(value)}'")
    return int(value)


def _final(value: str, at: str) -> str | None:
    if value in _EMPTY:
        return None
    final = " ".join(value.lower().replace("_", " ").split())
    if final not in FINALS:
        raise ConfigError(f"{at}: kolom akhir harus musnah, permanen atau dinilai kembali, bukan '{_one_line(value)}'")
    return final
