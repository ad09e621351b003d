"""Desk forms generated from a kind's request model, so a new kind or field needs no form code.

Inputs are named like spreadsheet headers (``penandatangan.pejabat``, ``tim.2.nama``) and read
back by the batch's own sheet reader, so a form and a sheet can never disagree on what a field
means; a refused request's errors are split per input so each sits next to its field.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from docgen.batch.fields import annotation_types, field_specs, spec_path
from docgen.batch.rows import sheet_requests
from docgen.errors import RequestError
from docgen.kinds import Kind
from docgen.kinds.bap import JenisIzin
from docgen.kinds.base import Penandatangan
from docgen.pictures import Picture
from docgen.profile import Profile

__all__ = ["FormField", "MAX_ROWS", "field_errors", "form_data", "form_fields", "form_values"]

MAX_ROWS = 15
"""Rows a list of parts (team members, line items) gets at most; the SPP form itself holds 12."""
_SPARE_ROWS = 2  # blank rows after the example's count, for a longer list than the example's
_PERMIT_KEY = typing.get_args(JenisIzin)[-1]  # the validator marking a field as a key of the profile's [izin]
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class FormField:
    """One input of a desk form, with everything a template needs to draw it and its error."""

    name: str  # the <input name>: a field path as a sheet header ("hal", "penandatangan.pejabat", "tim.1.nama")
    label: str
    help: str  # the kind's help for the top-level field, on the first input of that field only
    widget: str  # "text" | "textarea" | "date" | "select" | "number" | "file"
    required: bool
    choices: tuple[str, ...] = ()
    value: str = ""
    error: str = ""
    group: str = ""  # legend of the fieldset it sits in ("" = top level), e.g. "Penandatangan", "Tim 1"


@dataclass(frozen=True)
class _Place:
    """Where the walk over the model is: the input name so far, its legend, and what it inherits."""

    parts: tuple[str, ...]
    group: str
    required: bool  # every enclosing part must be given, so a required field here must be too
    prefill: bool  # defaults may be shown: not inside a list row or a part that may be left out
    example: Any  # the example's value at this place, for how many list rows to offer


def form_fields(
    kind: Kind,
    profile: Profile,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[FormField]:
    """Every input of ``kind``'s form in the model's order, showing ``values`` and ``errors`` after a failed submit.

    List rows are offered for the example's count plus two blank ones (and at least as many as
    ``values`` already fill), so the example's shape always fits without the form growing.
    """
    values = values or {}
    found: list[FormField] = []
    top = _Place((), "", True, True, kind.example)
    _walk(kind.model, None, top, profile, values, found)
    shown_help: set[str] = set()
    out = []
    for item in found:
        first = item.name.split(".")[0]
        text = kind.field_help.get(first, "") if first not in shown_help else ""
        shown_help.add(first)
        if item.widget == "textarea":
            text = f"{text} (satu per baris)".strip()
        error = (errors or {}).get(item.name, "")
        out.append(FormField(**{**item.__dict__, "help": text, "error": error}))
    return out


def form_data(kind: Kind, values: Mapping[str, str]) -> dict[str, Any]:
    """Request data from submitted inputs, read as the batch reads one spreadsheet row.

    Inputs that are not the kind's fields (a CSRF token, the kind's name) and blank inputs are
    left out, so an optional field stays unset and an untouched list row adds nothing. A
    textarea is split on line breaks here: the sheet reader would also split one line on ``;``
    or ``|``, which a clerk typing one paragraph per line does not expect.
    """
    specs = field_specs(kind.model)
    headers: list[str] = []
    cells: list[Any] = []
    for name, raw in values.items():
        if name.split(".")[0] not in kind.model.model_fields or not isinstance(raw, str) or not raw.strip():
            continue
        value: Any = raw
        spec = specs.get(spec_path(tuple(name.split("."))))
        if spec is not None and spec.is_list:
            value = [line.strip() for line in raw.splitlines() if line.strip()]
            if not value:
                continue
        headers.append(name)
        cells.append(value)
    return sheet_requests(kind, headers, [(1, cells)])[0].data


def form_values(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    """Request data (as the register keeps it) typed into the form's inputs: the reverse of ``form_data``.

    Used to show what a basis filled in before the clerk makes the document; a part the form has
    no input for is left out, and a list of texts goes into its textarea one per line.
    """
    wanted = set(names)
    out: dict[str, str] = {}

    def put(value: Any, name: str) -> None:
        if value is None:
            return
        if name in wanted:
            out[name] = "\n".join(map(str, value)) if isinstance(value, list) else str(value)
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                put(inner, f"{name}.{key}" if name else str(key))
        elif isinstance(value, list):
            for n, item in enumerate(value, 1):
                put(item, f"{name}.{n}")

    put(data, "")
    return out


def field_errors(exc: RequestError, names: Iterable[str]) -> dict[str, str]:
    """Each failing input's message, keyed by input name; ``""`` holds what belongs to no input.

    ``validate_request`` joins one ``'path' message`` per problem with ``; `` in the order of
    ``exc.fields``; the message is cut at those quoted paths. If that fails (a message quoting a
    path itself, a message not built that way) every failing input and the form get it whole.
    """
    names = list(names)
    pieces = _pieces(exc)
    out: dict[str, str] = {}
    for path, piece in pieces:
        name = _input_for(path, names)
        text = piece if piece is not None else exc.message
        if name is not None and piece is not None and name != path.replace("[", ".").replace("]", ""):
            text = f"'{path}' {piece}"  # an item of a textarea or a part without its own input: say which
        key = name if name is not None else ""
        if text not in out.get(key, "").split("; "):
            out[key] = f"{out[key]}; {text}" if key in out else text
    if not pieces or any(piece is None for _, piece in pieces):
        out[""] = exc.message
    return out


# -- walking the model -------------------------------------------------------------------------


def _walk(
    model: type[BaseModel], default: Any, place: _Place, profile: Profile, values: Mapping[str, str], out: list
) -> None:
    for name, info in model.model_fields.items():
        parts = (*place.parts, name)
        types, metadata = annotation_types(info.annotation)
        metadata += info.metadata
        example = place.example.get(name) if isinstance(place.example, dict) else None
        required = place.required and info.is_required()
        own_default = _default(info) if default is None else getattr(default, name, None)
        models = [t for t in types if _is_model(t)]
        rows = [t for t in types if typing.get_origin(t) is list]
        row_models = [t for r in rows for t in annotation_types(typing.get_args(r)[0])[0] if _is_model(t)]
        if models:
            group = _legend(place.group, name)
            inner = _Place(parts, group, required, place.prefill and (own_default is not None or required), example)
            _walk(models[0], own_default, inner, profile, values, out)
        elif row_models:
            count = max(len(example) if isinstance(example, list) else 0, 1) + _SPARE_ROWS
            count = min(max(count, _rows_in(values, parts)), MAX_ROWS)
            for n in range(1, count + 1):
                group = _legend(place.group, f"{name} {n}")
                first = example[0] if isinstance(example, list) and example else None
                row = _Place((*parts, str(n)), group, required and n == 1, False, first)
                _walk(row_models[0], None, row, profile, values, out)
        else:
            out.append(_input(model, name, types, metadata, own_default, place, required, profile, values))


def _input(
    model: type[BaseModel],
    name: str,
    types: list[Any],
    metadata: list[Any],
    default: Any,
    place: _Place,
    required: bool,
    profile: Profile,
    values: Mapping[str, str],
) -> FormField:
    """One input: its widget from the field's type, its value from ``values`` or a simple default."""
    full = ".".join((*place.parts, name))
    label = name.replace("_", " ")
    label = f"{place.group}: {label}" if place.group else label[:1].upper() + label[1:]
    choices: tuple[str, ...] = ()
    literals = [v for t in types if typing.get_origin(t) is Literal for v in typing.get_args(t)]
    if literals:
        widget, choices = "select", tuple(str(v) for v in literals)
    elif model is Penandatangan and name == "pejabat":
        widget, choices = "select", tuple(profile.officials)
    elif any(m is _PERMIT_KEY for m in metadata):
        widget, choices = "select", tuple(profile.izin)
    elif Picture in types:
        widget = "file"
    elif date in types:
        widget = "date"
    elif any(typing.get_origin(t) is list for t in types):
        widget = "textarea"
    elif any(t in (int, float) for t in types) and bool not in types:
        widget = "number"
    else:
        widget = "text"  # Decimal money too: it is typed as text ("12.500.000,00") and read by the model
    shown_default = _simple(default) if place.prefill else ""
    value = values.get(full, shown_default)
    if widget == "select" and value == "" and "" not in choices:
        choices = ("", *choices)  # nothing chosen yet: the browser must not pick the first option silently
    return FormField(full, label, "", widget, required, choices, value, "", place.group)


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _default(info: FieldInfo) -> Any:
    if info.default is not PydanticUndefined:
        return info.default
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return None


def _simple(value: Any) -> str:
    """A default worth showing in an input: text, a number; an empty list, ``None`` or a model show nothing."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    return ""


def _legend(group: str, name: str) -> str:
    text = name.replace("_", " ")
    return f"{group}: {text}" if group else text[:1].upper() + text[1:]


def _rows_in(values: Mapping[str, str], parts: tuple[str, ...]) -> int:
    """The highest row number ``values`` fill under ``parts``, so a re-shown form loses no row."""
    prefix = ".".join(parts) + "."
    numbers = [name[len(prefix) :].split(".")[0] for name in values if name.startswith(prefix)]
    return max((int(n) for n in numbers if n.isdigit()), default=0)


# -- errors --------------------------------------------------------------------------------------


def _pieces(exc: RequestError) -> list[tuple[str, str | None]]:
    """``(path, message)`` per failing field, message ``None`` for every path when the text will not split."""
    message = exc.message
    starts: list[int] = []
    at = 0
    for path in exc.fields:
        found = message.find(f"'{path}' ", at)
        if found < 0:
            return [(path, None) for path in exc.fields]
        starts.append(found)
        at = found + len(path) + 3
    ends = [*starts[1:], len(message)][: len(starts)]
    pieces = []
    for path, start, end in zip(exc.fields, starts, ends, strict=True):
        piece = message[start + len(path) + 3 : end].strip().removesuffix(";").strip()
        pieces.append((path, piece))
    return pieces


def _input_for(path: str, names: list[str]) -> str | None:
    """The input showing a field path: the input itself, the textarea holding an item, else a part's first input."""
    if path.startswith("("):
        return None
    parts = [a or b for a, b in _PATH_PART.findall(path)]  # people count items from one, as inputs do
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in names:
            return name
    dotted = ".".join(parts) + "."
    return next((name for name in names if name.startswith(dotted)), None)
