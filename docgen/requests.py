"""Read a request file (YAML or JSON) into plain data, within the profile's limits.

A request file comes from anyone who can write into the inbox, so reading it must never
expand, recurse or allocate past what one letter needs: a 1 KB YAML alias bomb once killed
the watcher with MemoryError. Every refusal is one RequestError naming the file, the line
where known, what is wrong and what to do, and happens before anything is numbered.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

from docgen.errors import RequestError
from docgen.files import FileRefused, read_bounded
from docgen.profile import Limits
from docgen.validation import bad_character, shown

__all__ = ["load_request", "shape_problem"]

try:  # libyaml parses; the Python composer on top of it lets us count aliases and depth.
    from yaml._yaml import CParser as _Parser

    _FAST = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser as _Parser

    _FAST = False

_MERGE = "tag:yaml.org,2002:merge"
_MAX_DIGITS = 30  # no field holds a longer number; int() of 5000 digits raises in Python 3.11
_SYNTAX = "periksa titik dua dan tanda kutip"
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


class _Refused(Exception):
    """A problem found while reading; ``line`` is 1-based when known."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _bases() -> tuple[type, ...]:
    if _FAST:
        return (Composer, _Parser, SafeConstructor, Resolver)
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    return (Reader, Scanner, _Parser, Composer, SafeConstructor, Resolver)


class _Loader(*_bases()):  # type: ignore[misc]
    """PyYAML's safe loader, counting aliases and nesting as it composes and refusing keys that
    are not field names, duplicated keys, dates that do not exist and absurdly long numbers."""

    def __init__(self, text: str, limits: Limits) -> None:
        if _FAST:
            _Parser.__init__(self, text)
        else:  # pragma: no cover
            from yaml.reader import Reader
            from yaml.scanner import Scanner

            Reader.__init__(self, text)
            Scanner.__init__(self)
            _Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.limits = limits
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            self.aliases += 1
            if self.aliases > self.limits.aliases:
                raise _Refused(
                    f"memakai lebih dari {self.limits.aliases} alias YAML (*nama; batas aliases di profil); "
                    "tulis nilainya langsung",
                    _line(event.start_mark),
                )
            return super().compose_node(parent, index)
        nested = isinstance(event, SequenceStartEvent | MappingStartEvent)
        if nested:
            self.depth += 1
            if self.depth > self.limits.depth:
                raise _Refused(_too_deep(self.limits), _line(event.start_mark))
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int | None] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            line = _line(key_node.start_mark)
            key = self.construct_object(key_node, deep=True) if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                raise _Refused(_not_a_name(key_node.value if isinstance(key_node, ScalarNode) else "[...]"), line)
            if key in seen:
                raise _Refused(f"kolom '{shown(key, 40)}' ditulis dua kali (baris {seen[key]} dan {line}); "
                               "hapus salah satunya", line)  # fmt: skip
            seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise _Refused(_no_such_date(node.value), _line(node.start_mark)) from None

    def construct_yaml_int(self, node: ScalarNode) -> int:
        if sum(ch.isdigit() for ch in str(node.value)) > _MAX_DIGITS:
            raise _Refused(_long_number(), _line(node.start_mark))
        return super().construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _plain_decimal_numbers(loader: type[Resolver]) -> None:
    """Numbers are read only as plain decimals; YAML 1.1's other spellings stay text.

    PyYAML follows YAML 1.1, where ``1_0`` is 10, ``1:00`` is 60 (base 60), ``0x1``, ``0b1``
    and ``01`` are 1: a sidecar's ``id: 0x1`` stamped document 1, and ``jumlah: 010`` meant 8.
    As text they reach the model, which refuses them with its usual message instead of taking
    another number. ``010`` stays text too: a number with a leading zero is a code, not a count.
    """
    ints, floats = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (ints, floats)]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(ints, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
    loader.add_implicit_resolver(
        floats,
        re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)?\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?(?:0|[1-9][0-9]*)\.[0-9]*"
                   r"(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."),
    )  # fmt: skip


_plain_decimal_numbers(_Loader)


def _too_deep(limits: Limits) -> str:
    return f"bersarang lebih dari {limits.depth} tingkat (batas depth di profil); ratakan isinya"


def _not_a_name(key: Any) -> str:
    return (f"kunci '{shown(key, 40)}' harus berupa nama kolom, mis. hal atau tanggal; "
            "angka, tanggal, true/false atau kosong tidak bisa menjadi nama kolom")  # fmt: skip


def _no_such_date(text: str) -> str:
    return f"tanggal {shown(text, 30)} tidak ada di kalender; periksa hari dan bulannya"


def _long_number() -> str:
    return f"berisi angka lebih dari {_MAX_DIGITS} digit; tulis sebagai teks di antara tanda kutip bila memang perlu"


def _yaml(text: str, limits: Limits) -> Any:
    loader = _Loader(text, limits)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        line = _line(exc.problem_mark)
        row = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
        if "\t" in row and isinstance(exc, yaml.scanner.ScannerError | yaml.parser.ParserError):
            raise _Refused("tab tidak boleh dipakai di sana; pakai spasi untuk menjorok", line) from exc
        if "escape" in str(exc.problem):  # "\uDF13", "\q" between double quotes
            raise _Refused("kode \\ di antara tanda kutip ganda tidak sah; tulis karakternya langsung", line) from exc
        if "depth" in str(exc.problem):  # libyaml's own nesting bound, met before ours while scanning ahead
            raise _Refused(_too_deep(loader.limits), line) from exc
        raise _Refused(_SYNTAX, line) from exc
    except yaml.YAMLError as exc:
        raise _Refused(_SYNTAX, None) from exc
    finally:
        loader.dispose()


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _Refused(f"kolom '{shown(key, 40)}' ditulis dua kali; hapus salah satunya")
        data[key] = value
    return data


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise _Refused(_long_number())
    return int(text)


def _json_constant(text: str) -> Any:
    raise _Refused(f"berisi {text}, yang bukan angka yang sah di JSON; tulis angka biasa")


def _json(text: str, limits: Limits) -> Any:
    depth = 0
    for token in _JSON_TOKENS.finditer(text):  # json recurses per level: refuse depth before parsing
        tok = token.group()
        if tok in "[{":
            depth += 1
            if depth > limits.depth:
                raise _Refused(_too_deep(limits), text.count("\n", 0, token.start()) + 1)
        elif tok in "]}":
            depth -= 1
    try:
        return json.loads(text, object_pairs_hook=_json_pairs, parse_int=_json_int, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise _Refused("periksa koma, titik dua dan tanda kutip", exc.lineno) from exc
    except RecursionError as exc:  # pragma: no cover - the scan above refuses depth first
        raise _Refused(_too_deep(limits)) from exc


def _decode(raw: bytes) -> str:
    """UTF-8 with or without a BOM, and UTF-16/32 with one: what Windows editors write."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec)
    return raw.decode("utf-8")


def _read(path: Path, limits: Limits) -> bytes:
    """At most ``request_bytes`` of a regular file; the size is checked before reading."""
    try:
        return read_bounded(path, limits.request_bytes)
    except FileRefused as refused:
        if refused.what == "too-big":
            raise _Refused(_too_big(refused.size, limits)) from None
        if refused.what == "not-regular":
            raise _Refused("bukan berkas biasa; simpan permintaan sebagai berkas YAML atau JSON") from None
        reason = "tautan (symlink) tidak diikuti" if refused.what == "link" else refused.detail
        raise _Refused(f"tidak bisa dibuka ({reason}); periksa nama dan izin berkasnya") from None


def _too_big(size: int, limits: Limits) -> str:
    return (f"berukuran {size:,} bait, lebih dari {limits.request_bytes:,} (batas request_bytes di profil); "
            "satu berkas berisi satu surat").replace(",", ".")  # fmt: skip


def shape_problem(data: Any, limits: Limits) -> str | None:
    """What makes ``data`` too deep, too wide or too large to be one request, or ``None``.

    Walks the data as it would be expanded (a YAML alias counts its target again), without
    recursion and stopping as soon as a bound is passed, so a bomb costs nothing to refuse.
    Every node costs at least one unit of ``total_chars``, so the walk itself is bounded.
    """
    budget = limits.total_chars
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, where = stack.pop()
        budget -= len(value) if isinstance(value, str) else 1
        if budget < 0:
            return (f"berisi lebih dari {limits.total_chars:,} karakter teks (batas total_chars di profil); "
                    "perpendek isinya").replace(",", ".")  # fmt: skip
        if not isinstance(value, dict | list | tuple):
            continue
        if depth + 1 > limits.depth:
            return _too_deep(limits)
        if not isinstance(value, dict) and len(value) > limits.items:  # keys are bounded by the budget
            return (f"'{where or '(seluruh isi)'}' berisi {len(value)} butir, paling banyak {limits.items} "
                    "(batas items di profil); bagi menjadi beberapa permintaan")  # fmt: skip
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    return _not_a_name(key)
                bad = bad_character(key)
                if bad:
                    return f"punya kunci '{shown(key, 40)}' yang " + bad[1].format(place=f"karakter ke-{bad[0] + 1}")
                stack.append((key, depth + 1, where))
                stack.append((item, depth + 1, f"{where}.{shown(key, 40)}" if where else shown(key, 40)))
        else:
            stack.extend((item, depth + 1, f"{where}[{n}]") for n, item in enumerate(value, 1))
    return None


def load_request(path: Path, limits: Limits | None = None) -> dict[str, Any]:
    """Read a request file (YAML, or JSON by its ``.json`` suffix) into a dict of fields.

    Refused, each with one line naming the file: over ``request_bytes``, not UTF-8/UTF-16 text,
    characters a document cannot hold, broken syntax (with its line), tabs where YAML forbids
    them, duplicated keys, keys that are not field names, dates that do not exist, more than
    ``aliases`` aliases, nesting deeper than ``depth`` and more text than ``total_chars`` once
    aliases are expanded.
    """
    limits = limits or Limits()
    path = Path(path)
    name = shown(path.name, 80)
    try:
        raw = _read(path, limits)
        try:
            text = _decode(raw)
        except UnicodeDecodeError as exc:
            raise _Refused(f"bukan teks UTF-8 (bait ke-{exc.start + 1} tidak sah); simpan ulang sebagai UTF-8") from exc
        bad = bad_character(text, in_file=True)
        if bad:
            at, message = bad
            line_start = text.rfind("\n", 0, at) + 1
            raise _Refused(message.format(place=f"kolom ke-{at - line_start + 1}"), text.count("\n", 0, at) + 1)
        data = _json(text, limits) if path.suffix.lower() == ".json" else _yaml(text, limits)
    except _Refused as exc:
        where = f" (baris {exc.line})" if exc.line else ""
        raise RequestError(f"Berkas permintaan {name} tidak sah{where}: {exc.problem}") from exc
    if not isinstance(data, dict):
        raise RequestError(f"Berkas permintaan {name} harus berisi kolom seperti 'hal: ...'")
    problem = shape_problem(data, limits)
    if problem:
        raise RequestError(f"Berkas permintaan {name} {problem}")
    return data
