"""The checklist of a payment packet per SPP type, and which attachment in a folder answers which item.

The treasurer's office changes its checklists more often than docgen is released (a new regulation
adds a tax form, a type gains a photo), so they are data in ``templates/paket-spp.toml``. A clerk
names files loosely; the patterns catch the usual names and a ``manifest.yaml`` in the folder says
it exactly when they do not. Every item is matched before anything is written, so a packet is never
made with a required part missing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator, model_validator

from docgen.errors import ConfigError, RequestError
from docgen.paket.parts import link_refusal, outside
from docgen.validation import read_toml_model, shown

__all__ = [
    "CHECKLIST_FILE",
    "MANIFEST_NAMES",
    "Checklist",
    "Checklists",
    "Item",
    "Matched",
    "load_checklists",
    "match_folder",
]

CHECKLIST_FILE = "paket-spp.toml"
MANIFEST_NAMES = ("manifest.yaml", "manifest.yml")
_KEY = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_JENIS = re.compile(r"[A-Z][A-Z0-9-]*\Z")
# What an office PC leaves in a folder besides the attachments (Word's lock files, Explorer's thumbnails).
_IGNORED = ("~$*", ".*", "*.tmp", "*.part", "thumbs.db", "desktop.ini")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Item(_Strict):
    """One line of the checklist: an attachment the packet must (or may) hold."""

    key: str = Field(description="Short name used in manifest.yaml, lowercase with dashes, e.g. 'ba-serah-terima'.")
    name: str = Field(min_length=1, description="The item as printed on the checklist page and in the bookmarks.")
    required: bool = Field(True, description="true: the packet is refused without it; false: optional.")
    patterns: list[str] = Field(
        min_length=1, description="File-name globs, case-insensitive (* any text, ? one character)."
    )

    @field_validator("key")
    @classmethod
    def _key_shape(cls, v: str) -> str:
        if not _KEY.match(v):
            raise ValueError("kunci ditulis huruf kecil, angka dan tanda minus, mis. ba-serah-terima")
        return v

    @field_validator("patterns")
    @classmethod
    def _plain_patterns(cls, v: list[str]) -> list[str]:
        for pattern in v:
            if not pattern.strip() or "/" in pattern or "\\" in pattern:
                raise ValueError(f"pola '{shown(pattern)}' harus nama berkas tanpa folder, mis. *kontrak*")
        return [p.strip().lower() for p in v]

    def matches(self, name: str) -> bool:
        return any(fnmatchcase(name.lower(), pattern) for pattern in self.patterns)


class Checklist(_Strict):
    """The checklist of one SPP type, in the order the parts are bound."""

    title: str = Field(min_length=1, description="The type as printed: 'LS Barang dan Jasa'.")
    items: list[Item] = Field(min_length=1, alias="item", description="[[<TYPE>.item]] tables, in order.")

    @model_validator(mode="after")
    def _keys_unique(self) -> Checklist:
        seen: set[str] = set()
        for item in self.items:
            if item.key in seen:
                raise ValueError(f"kunci '{item.key}' dipakai dua butir; beri kunci yang berbeda")
            seen.add(item.key)
        return self


class Checklists(RootModel[dict[str, Checklist]]):
    """The whole file: one table per SPP type code (UP, GU, TU, LS-GAJI, ...)."""

    model_config = ConfigDict(frozen=True)

    @field_validator("root")
    @classmethod
    def _codes(cls, v: dict[str, Checklist]) -> dict[str, Checklist]:
        if not v:
            raise ValueError("belum ada jenis SPP; tulis misalnya [GU] dengan butir-butirnya")
        for code in v:
            if not _JENIS.match(code):
                raise ValueError(f"jenis '{shown(code)}' ditulis huruf besar, mis. LS-BARANG-JASA")
        return v

    def for_type(self, jenis: str, source: Path) -> Checklist:
        try:
            return self.root[jenis]
        except KeyError:
            known = ", ".join(self.root)
            raise ConfigError(
                f"Jenis SPP '{shown(jenis)}' tidak ada di {source.name} (ada: {known}); tambahkan [{shown(jenis)}]"
            ) from None


def load_checklists(path: Path) -> Checklists:
    """Read and check the checklist file; one line naming the file and the wrong key when it is wrong."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"Daftar periksa paket {path} tidak ada ({exc.strerror}); salin dari 'docgen init'") from exc
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load(path: str, _mtime: int, _size: int) -> Checklists:
    return read_toml_model(path, Checklists, "Daftar periksa")


@dataclass(frozen=True)
class Matched:
    """An item of the checklist with the files that answer it (none when it is absent)."""

    item: Item
    files: tuple[Path, ...]


def match_folder(checklist: Checklist, folder: Path) -> list[Matched]:
    """Each item's files from ``folder``, in checklist order; refused listing every missing required item.

    A file is given to the first item whose pattern matches it; with a manifest, the items it names
    take exactly the files it lists and the other items fall back to the patterns. A file that no
    item takes is refused too: a part silently left out is worse than a rename.
    """
    if not folder.is_dir():
        raise RequestError(f"Folder lampiran {folder} tidak ada; sebutkan folder berisi lampiran SPP")
    root = folder.resolve()
    leaving = [p for p in folder.iterdir() if p.is_symlink() and outside(p, root)]
    if leaving:  # a linked file or folder, even one no item takes: the clerk must see what was meant
        raise link_refusal(min(leaving, key=lambda p: p.name.casefold()), folder)
    files = sorted(
        (p for p in folder.iterdir() if p.is_file() and not _ignored(p.name)), key=lambda p: p.name.casefold()
    )
    named = _read_manifest(folder, checklist, {p.name for p in files})
    taken = {name for names in named.values() for name in names}
    left = [p for p in files if p.name not in taken]
    result = []
    for item in checklist.items:
        if item.key in named:
            chosen = tuple(folder / name for name in named[item.key])
        else:
            chosen = tuple(p for p in left if item.matches(p.name))
            left = [p for p in left if p not in chosen]
        result.append(Matched(item, chosen))
    missing = [m.item.name for m in result if m.item.required and not m.files]
    if missing:
        raise RequestError(
            f"Lampiran wajib tidak ada di {folder.name}: {'; '.join(missing)}; tambahkan berkasnya "
            "(nama sesuai pola di templates/paket-spp.toml) atau cantumkan di manifest.yaml"
        )
    if left:
        names = ", ".join(shown(p.name, 80) for p in left)
        raise RequestError(
            f"Berkas di {folder.name} tidak cocok dengan butir daftar periksa mana pun: {names}; ganti namanya "
            "sesuai pola, cantumkan di manifest.yaml, atau pindahkan dari folder itu"
        )
    return result


def _ignored(name: str) -> bool:
    lowered = name.lower()
    return lowered in MANIFEST_NAMES or any(fnmatchcase(lowered, pattern) for pattern in _IGNORED)


def _read_manifest(folder: Path, checklist: Checklist, present: set[str]) -> dict[str, list[str]]:
    """``manifest.yaml``: item key -> a file name or a list of them (an empty list: the item is absent)."""
    path = next((folder / n for n in MANIFEST_NAMES if (folder / n).is_file()), None)
    if path is None:
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = " ".join(str(exc).split())[:160]
        raise RequestError(f"{path.name} tidak terbaca ({first}); tulis 'kunci: nama-berkas.pdf' per baris") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RequestError(f"{path.name} harus berisi pasangan 'kunci: nama-berkas.pdf', bukan daftar atau teks")
    keys = {item.key for item in checklist.items}
    named: dict[str, list[str]] = {}
    for key, value in data.items():
        if key not in keys:
            raise RequestError(
                f"{path.name}: butir '{shown(key)}' tidak ada di daftar periksa {checklist.title}; "
                f"kunci yang ada: {', '.join(sorted(keys))}"
            )
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise RequestError(f"{path.name}: '{key}' harus nama berkas atau daftar nama berkas")
        for name in names:
            if name not in present:
                raise RequestError(
                    f"{path.name}: berkas '{shown(name, 80)}' untuk '{key}' tidak ada di folder {folder.name}; "
                    "periksa ejaan namanya (tanpa folder)"
                )
        named[key] = names
    return named
