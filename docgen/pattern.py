"""Number patterns such as ``{kka}/{seq:03}/{unit}/{year}``: parsing, validation, formatting.

Patterns are checked once when the profile loads, so a typo in ``docgen.toml`` is reported at
start-up with the key that holds it instead of surfacing as a malformed number on paper.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

__all__ = ["PLACEHOLDERS", "NumberParts", "format_number", "validate_pattern"]

#: Placeholders a series pattern may use; ``seq`` also takes a zero-padding width (``{seq:03}``).
PLACEHOLDERS = ("kka", "seq", "unit", "year", "month", "month_roman", "prefix")

_SEQ_SPEC = re.compile(r"^0?\d{0,2}$")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True)
class NumberParts:
    """Everything a pattern can print; ``suffix`` marks an insert number such as ``57a``."""

    seq: int
    year: int
    month: int
    kka: str = ""
    unit: str = ""
    prefix: str = ""
    suffix: str = ""


def validate_pattern(pattern: str) -> str:
    """Return the pattern unchanged or raise ``ValueError`` with an Indonesian reason.

    A pattern must contain ``{seq}`` exactly once (without it every number would be the same),
    use only known placeholders, and give a format spec only to ``seq``.
    """
    try:
        parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(pattern)]
    except ValueError as exc:
        raise ValueError(f"pola nomor tidak sah ({exc}); tutup setiap '{{' dengan '}}'") from exc
    fields = [f for f, _, _ in parsed if f is not None]
    specs = {f: spec for f, spec, _ in parsed if f is not None}
    convs = [conv for _, _, conv in parsed if conv]
    unknown = [f for f in fields if f not in PLACEHOLDERS]
    if unknown:
        raise ValueError(
            f"isian {{{unknown[0]}}} tidak dikenal; yang tersedia: " + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        )
    if fields.count("seq") != 1:
        raise ValueError("pola nomor harus memuat {seq} tepat satu kali")
    if convs:
        raise ValueError("pola nomor tidak boleh memakai konversi seperti !r")
    for name, spec in specs.items():
        if name == "seq" and not _SEQ_SPEC.match(spec or ""):
            raise ValueError("lebar {seq} ditulis seperti {seq:03} (angka saja)")
        if name != "seq" and spec:
            raise ValueError(f"hanya {{seq}} yang boleh diberi lebar, bukan {{{name}}}")
    return pattern


def format_number(pattern: str, parts: NumberParts) -> str:
    """Print a number; the insert suffix follows the sequence (``57a``, ``57.1``)."""
    values = {
        "kka": parts.kka,
        "unit": parts.unit,
        "year": parts.year,
        "month": parts.month,
        "month_roman": _ROMAN[parts.month - 1],
        "prefix": parts.prefix,
    }
    out = []
    for literal, field, spec, _ in string.Formatter().parse(pattern):
        out.append(literal)
        if field is None:
            continue
        if field == "seq":
            width = int(spec) if spec else 0
            out.append(f"{parts.seq:0{width}d}{parts.suffix}")
        else:
            out.append(str(values[field]))
    text = "".join(out)
    # An empty kka or prefix must not leave a dangling separator ("/57/..." or "R..").
    return re.sub(r"^[/.\-]+", "", text)
