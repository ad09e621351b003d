"""Turn pydantic's validation errors into one Indonesian line that names each field.

Profiles and requests are written by people, so the error must say which field is wrong and
what a right value looks like, in the office's language, on one line.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

__all__ = ["field_path", "summarize"]

_MESSAGES = {
    "missing": "wajib diisi",
    "extra_forbidden": "tidak dikenal",
    "string_type": "harus berupa teks",
    "int_type": "harus berupa bilangan bulat",
    "int_parsing": "harus berupa bilangan bulat",
    "int_from_float": "harus berupa bilangan bulat",
    "float_parsing": "harus berupa angka",
    "bool_parsing": "harus true atau false",
    "bool_type": "harus true atau false",
    "list_type": "harus berupa daftar",
    "dict_type": "harus berupa bagian berisi kolom",
    "model_type": "harus berupa bagian berisi kolom",
    "date_parsing": "bukan tanggal yang sah; tulis seperti 2026-11-28",
    "date_from_datetime_parsing": "bukan tanggal yang sah; tulis seperti 2026-11-28",
    "date_from_datetime_inexact": "bukan tanggal yang sah; tulis seperti 2026-11-28",
    "date_type": "bukan tanggal yang sah; tulis seperti 2026-11-28",
    "string_too_short": "tidak boleh kosong",
    "too_short": "tidak boleh kosong",
}


def field_path(loc: tuple[Any, ...]) -> str:
    """``('kepada', 1)`` -> ``kepada[2]``: people count list items from one."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(seluruh isi)"


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    if kind == "literal_error":
        return f"harus salah satu dari: {ctx.get('expected', '')}".replace("'", "")
    if kind in ("greater_than_equal", "greater_than"):
        return f"tidak boleh kurang dari {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"tidak boleh lebih dari {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_long":
        return f"terlalu panjang (paling banyak {ctx.get('max_length')} karakter)"
    if kind == "string_pattern_mismatch":
        return "formatnya tidak sesuai"
    return _MESSAGES.get(kind, f"tidak sah ({err['msg']})")


def summarize(exc: ValidationError, *, allowed: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """Return ``(message, field paths)``; ``allowed`` lists valid top-level fields for typos."""
    parts: list[str] = []
    paths: list[str] = []
    for err in exc.errors():
        path = field_path(tuple(err["loc"]))
        msg = _message(err)
        if err["type"] == "extra_forbidden" and allowed:
            msg += "; kolom yang tersedia: " + ", ".join(allowed)
        parts.append(f"'{path}' {msg}")
        paths.append(path)
    return "; ".join(parts), tuple(paths)
