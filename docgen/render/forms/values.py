"""A kind's render context as a PDF form's placeholders (``{nib}``, ``{penandatangan_nama}``).

Kinds describe a document once, as the nested context a Word template reads; a form layout
names flat placeholders. Both the pipeline (drawing) and ``docgen template check`` (checking a
layout against its kind) translate the same way, here.
"""

from __future__ import annotations

from typing import Any

from docgen.render.forms.boxlayout import BoxLayout

__all__ = ["form_values"]


def form_values(context: dict[str, Any], layout: BoxLayout) -> dict[str, str | list[str]]:
    """A kind's context as a form's placeholders: texts and lists of texts, the kop as ``kop_1``...

    Nested values (the signer, the office) are flattened with ``_``: ``penandatangan_nama``; a list
    printed in a box that is not a list box (the signer's position lines) is joined by line breaks.
    """
    values: dict[str, str | list[str]] = {}

    def put(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                put(f"{prefix}_{key}" if prefix else str(key), inner)
        elif isinstance(value, list | tuple):
            values[prefix] = [str(v) for v in value]
        elif value is not None:
            values[prefix] = str(value)

    put("", context)
    kantor = context.get("kantor", {})
    for n, line in enumerate(kantor.get("kop", []), 1):
        values[f"kop_{n}"] = str(line)
    lists = {box.text.strip().strip("{}").strip() for box in layout.box if box.is_list}
    return {k: v if k in lists or not isinstance(v, list) else "\n".join(v) for k, v in values.items()}
