"""What a kind's model says about a sheet column: whether a cell may hold a list, whether it is an
identifier, whether it is an amount of money.

Both are read from the model rather than listed by hand, so a new kind with a NIB, or a list
field nested in a part of the request, is read right from a sheet without touching the batch.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any

from pydantic import BaseModel

from docgen.kinds.keuangan import Rupiah
from docgen.kinds.permits import Kbli, Nib, Nik

__all__ = ["FieldSpec", "annotation_types", "field_specs", "spec_path"]

_DEPTH = 6  # nesting of request models walked; the kinds nest two deep


@dataclass(frozen=True)
class FieldSpec:
    """What the model says about one field path: a list (a cell may hold several), an identifier, money."""

    is_list: bool = False
    identifier: tuple[str, int] | None = None  # (label, digits)
    money: bool = False  # rupiah to the sen: an Excel number is taken only when it is exact at two decimals


_IDENTIFIERS = [(typing.get_args(t)[1], i) for t, i in ((Nib, ("NIB", 13)), (Nik, ("NIK", 16)), (Kbli, ("KBLI", 5)))]
_MONEY = typing.get_args(Rupiah)[1:]
_NIP = ("NIP", 18)  # NIP fields are plain ``nip: str`` checked by format_nip, so they are found by name


def spec_path(parts: tuple[str, ...]) -> tuple[str, ...]:
    """``tim.2.nip`` -> ``("tim", "*", "nip")``: list positions do not change what a field is."""
    return tuple("*" if part.isdigit() else part for part in parts)


def annotation_types(annotation: Any) -> tuple[list[Any], list[Any]]:
    """The types an annotation allows (``Nib | None`` -> ``str``), and the metadata met on the way."""
    types: list[Any] = []
    metadata: list[Any] = []
    stack = [annotation]
    while stack:
        current = stack.pop()
        origin = typing.get_origin(current)
        if origin is Annotated:
            inner, *extra = typing.get_args(current)
            metadata += extra
            stack.append(inner)
        elif origin in (typing.Union, UnionType):
            stack += typing.get_args(current)
        else:
            types.append(current)
    return types, metadata


def field_specs(
    model: type[BaseModel], prefix: tuple[str, ...] = (), depth: int = 0
) -> dict[tuple[str, ...], FieldSpec]:
    """List and identifier fields of ``model`` and the models inside it, by path (``*`` for a list item)."""
    found: dict[tuple[str, ...], FieldSpec] = {}
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        types, metadata = annotation_types(info.annotation)
        metadata += info.metadata
        identifier = next((i for v, i in _IDENTIFIERS if any(m is v for m in metadata)), None)
        if identifier is None and name == "nip":
            identifier = _NIP
        lists = [t for t in types if typing.get_origin(t) is list]
        money = any(m is v for m in metadata for v in _MONEY)
        found[path] = FieldSpec(is_list=bool(lists), identifier=identifier, money=money)
        if depth >= _DEPTH:
            continue
        for t in types:
            if isinstance(t, type) and issubclass(t, BaseModel):
                found |= field_specs(t, path, depth + 1)
        for t in lists:
            for item in annotation_types(typing.get_args(t)[0])[0]:
                if isinstance(item, type) and issubclass(item, BaseModel):
                    found |= field_specs(item, (*path, "*"), depth + 1)
    return found
