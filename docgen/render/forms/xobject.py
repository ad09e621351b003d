"""A box form's static layer as one reusable form XObject, serialised once and embedded per page.

A page of a box form is mostly what every copy shares (kop, borders, labels). ``page_template``
turns that page, drawn once by reportlab and read back by pypdf, into ready PDF objects;
``embed`` adds them to each new page's document and calls them by name, so a page costs the
drawing of its values only.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from docgen.render.forms.boxtext import Chunks, PageFonts, raw_family

__all__ = ["Template", "embed", "page_template"]

_STATIC = "docgen-latar"  # the form XObject name of the static layer


@dataclass(frozen=True)
class Template:
    """PDF objects serialised once; ints in ``objects`` are references to other entries (0 = root).

    ``fonts`` names the entries left empty that stand for a font's shared ASCII subset: each page
    fills them with its own objects of that subset, which its values use too."""

    objects: tuple[Chunks, ...]
    fonts: tuple[tuple[int, str], ...] = ()


def page_template(page: Any, width: float, height: float, shared: Mapping[str, str]) -> Template:
    """The page as one form XObject, its resources serialised with references left as slots.

    Fonts whose ``/BaseFont`` is in ``shared`` become empty slots each page fills (``Template.fonts``)."""
    objects: list[tuple[bytes | int, ...]] = [()]
    seen: dict[tuple[int, int], int] = {}
    fonts: list[tuple[int, str]] = []

    def ref(obj: IndirectObject) -> int:
        key = (obj.idnum, obj.generation)
        if key not in seen:
            seen[key] = len(objects)
            objects.append(())
            target = obj.get_object()
            name = shared.get(str(target.get("/BaseFont"))) if isinstance(target, DictionaryObject) else None
            if name is not None and target.get("/Type") == "/Font":
                fonts.append((seen[key], name))
            else:
                objects[seen[key]] = body(target)
        return seen[key]

    def body(obj: Any) -> tuple[bytes | int, ...]:
        if isinstance(obj, StreamObject):
            data = obj._data  # still encoded: the dictionary's /Filter describes it as it stands
            head = direct(DictionaryObject({k: v for k, v in obj.items() if k != "/Length"}))
            return (*head[:-1], f"/Length {len(data)}>>\nstream\n".encode(), data, b"\nendstream")
        return direct(obj)

    def direct(obj: Any) -> tuple[bytes | int, ...]:
        if isinstance(obj, IndirectObject):
            return (ref(obj),)
        if isinstance(obj, DictionaryObject):
            items = [(_bytes(k), b" ", *direct(v), b"\n") for k, v in obj.items() if k != "/Parent"]
            return (b"<<", *(part for item in items for part in item), b">>")
        if isinstance(obj, ArrayObject):
            return (b"[", *(part for item in obj for part in (*direct(item), b" ")), b"]")
        return (_bytes(obj),)

    contents = page.get_contents()  # a ContentStream is a dictionary, falsy when empty: compare to None
    content = zlib.compress(contents.get_data() if contents is not None else b"")
    resources = direct(page.get("/Resources", DictionaryObject()))
    head = f"<</Type/XObject/Subtype/Form/BBox[0 0 {width:.4f} {height:.4f}]/Resources ".encode()
    tail = f"/Filter/FlateDecode/Length {len(content)}>>\nstream\n".encode()
    objects[0] = (head, *resources, tail, content, b"\nendstream")
    return Template(tuple(_joined(o) for o in objects), tuple(fonts))


def _bytes(obj: Any) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def _joined(chunks: tuple[bytes | int, ...]) -> tuple[bytes | int, ...]:
    """Neighbouring byte chunks glued, so formatting a page joins few pieces."""
    out: list[bytes | int] = []
    for chunk in chunks:
        if isinstance(chunk, bytes) and out and isinstance(out[-1], bytes):
            out[-1] += chunk
        else:
            out.append(chunk)
    return tuple(out)


def embed(c: Canvas, template: Template, fonts: PageFonts) -> None:
    """Draw the static layer: its objects join this document, the page calls it by name."""
    members = raw_family(template.objects)
    for slot, name in template.fonts:
        members[slot] = fonts.shared(name)
    c._doc.Reference(members[0], pdfdoc.xObjectName(_STATIC))
    c.doForm(_STATIC)
