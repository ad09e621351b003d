"""Turn pydantic's validation errors into one Indonesian line that names each field, and say
which characters a document cannot hold.

Profiles and requests are written by people, so the error must say which field is wrong and
what a right value looks like, in the office's language, on one line. The character rules live
here too because both the request reader and the request models apply them: whatever passes
must be writable into DOCX XML and the register, so nothing fails after a number is taken.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from docgen.errors import ConfigError

__all__ = [
    "bad_character",
    "blank_looking",
    "field_path",
    "read_toml_model",
    "register_url_problem",
    "shown",
    "summarize",
]

# Noncharacters: U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+10FFFF...).
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
# What XML 1.0 cannot hold or Word refuses: C0 controls but tab and newline (carriage returns
# are normalised away before this check), DEL and C1 controls, lone surrogates, noncharacters.
_BAD = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
_BAD_IN_FILE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# Code points that draw nothing although Unicode does not call them spaces or format characters.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")


def bad_character(text: str, *, in_file: bool = False) -> tuple[int, str] | None:
    """The index of the first character a document cannot hold and what to say about it (with a
    ``{place}`` for the caller to fill in), or ``None`` when every character is fine.

    ``in_file`` also allows carriage returns (line ends of a Windows file, not yet normalised).
    """
    match = (_BAD_IN_FILE if in_file else _BAD).search(text)
    if match is None:
        return None
    ch = match.group()
    code = f"U+{ord(ch):04X}"
    if unicodedata.category(ch) == "Cc":
        message = f"berisi karakter kontrol {code} ({{place}}) yang tidak sah; hapus karakter itu"
    elif "\ud800" <= ch <= "\udfff":
        message = f"berisi karakter rusak {code} ({{place}}, separuh pasangan surrogate); ketik ulang teks itu"
    else:
        message = (
            f"berisi {code} ({{place}}) yang bukan karakter dan tidak bisa disimpan di dokumen; hapus karakter itu"
        )
    return match.start(), message


def blank_looking(text: str) -> bool:
    """True when ``text`` would print as nothing: spaces, zero-width and other invisible marks only.

    A ``hal`` of zero-width spaces passes a plain emptiness check yet gives a letter without a
    subject; such text is treated as empty.
    """
    for ch in text:
        if ch.isspace() or ch in _INVISIBLE:
            continue
        if unicodedata.category(ch) not in ("Cf", "Mn", "Me"):  # Zs, Zl and Zp are all isspace()
            return False
    return True


def shown(value: Any, limit: int = 60) -> str:
    """``value`` made safe to quote in a one-line message: no line breaks, no unprintable code
    points (a lone surrogate would crash the terminal that prints it), at most ``limit`` chars."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    out = []
    for ch in text:
        if ch == " " or (ch.isprintable() and not _BAD.match(ch)):
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return "".join(out)


_DATE = "bukan tanggal yang sah; tulis seperti 2026-11-28"
_MESSAGES = {
    "missing": "wajib diisi",
    "extra_forbidden": "tidak dikenal",
    "string_type": "harus berupa teks",
    "string_unicode": "bukan teks UTF-8 yang sah; ketik ulang teks itu",
    "int_type": "harus berupa bilangan bulat",
    "int_parsing": "harus berupa bilangan bulat",
    "int_parsing_size": "angkanya terlalu besar",
    "int_from_float": "harus berupa bilangan bulat",
    "float_parsing": "harus berupa angka",
    "finite_number": "harus berupa angka biasa (bukan tak hingga atau NaN)",
    "bool_parsing": "harus true atau false",
    "bool_type": "harus true atau false",
    "list_type": "harus berupa daftar",
    "dict_type": "harus berupa bagian berisi kolom",
    "model_type": "harus berupa bagian berisi kolom",
    "model_attributes_type": "harus berupa bagian berisi kolom",
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": "harus tanggal saja, tanpa jam; tulis seperti 2026-11-28",
    "date_type": _DATE,
    "string_too_short": "tidak boleh kosong",
    "too_short": "tidak boleh kosong",
    "literal_error": "",  # built in _message
}


def field_path(loc: tuple[Any, ...]) -> str:
    """``('kepada', 1)`` -> ``kepada[2]``: people count list items from one."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + shown(part, 40)
    return out or "(seluruh isi)"


def _choices(expected: str) -> str:
    """pydantic lists allowed values as ``'A', 'B' or 'C'``; the office reads ``A, B atau C``."""
    head, sep, last = expected.rpartition(" or ")
    return (f"{head} atau {last}" if sep else expected).replace("'", "")


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    if kind == "literal_error":
        return f"harus salah satu dari: {_choices(str(ctx.get('expected', '')))}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"tidak boleh kurang dari {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"tidak boleh lebih dari {ctx.get('le', ctx.get('lt'))}"
    # A length limit on an annotated text type (validators around it) reports "too_long" like a list.
    if kind == "string_too_long" or (kind == "too_long" and isinstance(err.get("input"), str)):
        return f"terlalu panjang (paling banyak {ctx.get('max_length')} karakter)"
    if kind == "too_long":
        return f"terlalu banyak butir (paling banyak {ctx.get('max_length')})"
    if kind == "string_pattern_mismatch":
        return "formatnya tidak sesuai"
    return _MESSAGES.get(kind) or "tidak sah; periksa isinya"


def summarize(exc: ValidationError, *, allowed: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """Return ``(message, field paths)``; ``allowed`` lists valid top-level fields for typos.

    The message is one line whatever the input: values quoted by validators are made printable.
    """
    parts: list[str] = []
    paths: list[str] = []
    for err in exc.errors():
        path = field_path(tuple(err["loc"]))
        msg = _message(err)
        if err["type"] == "extra_forbidden" and allowed:
            msg += "; kolom yang tersedia: " + ", ".join(allowed)
        parts.append(f"'{path}' {shown(msg, 400)}")
        paths.append(path)
    return "; ".join(parts), tuple(paths)


def register_url_problem(url: str) -> str | None:
    """What libpq would refuse in a register URL, found when the profile loads; never quotes the URL.

    A port that is not a number used to surface as an unexpected error (Python's URL parser
    raised while the password was being masked); an unencoded ``@`` or ``/`` in the password
    moves part of it into the host name that later errors print.
    """
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    authority, _, rest = url.split("://", 1)[1].partition("/")
    authority = authority.partition("?")[0]
    if authority.count("@") > 1 or "@" in rest.partition("?")[0]:
        return "sandi atau nama pengguna memuat '@' atau '/'; tulis '@' sebagai %40 dan '/' sebagai %2F"
    try:
        parsed = conninfo_to_dict(url)
    except Error as exc:
        unknown = re.search(r'invalid URI query parameter: "([A-Za-z_]{1,30})"', str(exc))
        if unknown:  # a key, never a value: libpq names only the parameter
            return f"parameter '{unknown[1]}' tidak dikenal PostgreSQL; hapus atau perbaiki (mis. ?sslmode=require)"
        return "tidak bisa dibaca; tulis karakter khusus di dalam sandi sebagai %XX (mis. %25 untuk %, %20 untuk spasi)"
    for port in str(parsed.get("port") or "").split(","):
        if port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            return "port harus angka 1-65535, seperti postgresql://docgen@server:5432/docgen"
    return None


_Model = TypeVar("_Model", bound=BaseModel)


def read_toml_model(path: str, model: type[_Model], what: str) -> _Model:
    """A TOML file an office edits (a flow template, the packet checklists) read into ``model``.

    One ConfigError, naming ``what`` and the file, for a file that cannot be read, is not TOML or
    breaks the model: the office fixes the file, never a traceback.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{what} {path} tidak terbaca ({exc}); periksa penulisan TOML-nya") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{what} {path} salah: {summarize(exc)[0]}") from exc
