"""Active content taken out of every PDF docgen issues.

A stamped copy carries the office's QR code and verifies as genuine, so whatever else it
carries is vouched for too: a scan with JavaScript, an action that runs on opening, a launched
program or an embedded file must not come out of docgen looking official. Removed: JavaScript
(name tree and actions), /OpenAction and /AA (document, page, field), Launch, SubmitForm,
ImportData, GoToR/GoToE, Rendition and RichMedia actions, embedded files, XFA forms and
annotations that play or hold files (FileAttachment, RichMedia, Screen, Movie, Sound, 3D).
Plain links (URI and GoTo actions) stay: they are part of many letters.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

__all__ = ["clean_pdf", "clean_writer"]

_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/RichMediaExecute",
        "/Movie",
        "/Sound",
    }
)
_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
_KEYS = frozenset({"/OpenAction", "/AA", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMediaContent", "/XFA", "/JS"})


def _resolved(value: Any) -> Any:
    try:
        return value.get_object() if isinstance(value, IndirectObject) else value
    except Exception:  # a dangling reference is simply not active content
        return None


def _dangerous(value: Any) -> bool:
    target = _resolved(value)
    if isinstance(target, DictionaryObject):
        return target.get("/S") in _ACTIONS or target.get("/Subtype") in _ANNOTATIONS
    if isinstance(target, ArrayObject):  # an action chain (/Next [...])
        return any(_dangerous(item) for item in target)
    return False


def _clean(obj: Any, seen: set[int]) -> int:
    """Strip one object and its direct children; indirect children are visited from the list."""
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    removed = 0
    if isinstance(obj, DictionaryObject):
        if obj.get("/S") in _ACTIONS or obj.get("/Type") == "/EmbeddedFile":
            obj.clear()
            if isinstance(obj, StreamObject):
                obj.set_data(b"")
            return 1
        for key in list(obj.keys()):
            if key in _KEYS or (key in ("/A", "/Next") and _dangerous(obj[key])):
                del obj[key]
                removed += 1
        for key, value in list(obj.items()):
            if key == "/Annots" and isinstance(_resolved(value), ArrayObject):
                annots = _resolved(value)
                keep = [a for a in annots if not _dangerous(a)]
                if len(keep) != len(annots):
                    removed += len(annots) - len(keep)
                    annots[:] = keep
            if not isinstance(value, IndirectObject):
                removed += _clean(value, seen)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            if not isinstance(item, IndirectObject):
                removed += _clean(item, seen)
    return removed


def clean_writer(writer: PdfWriter) -> int:
    """Remove active content from every object ``writer`` holds; return how many things went."""
    seen: set[int] = set()
    removed = 0
    for obj in list(writer._objects):  # every object, reachable by any path
        if obj is not None:
            removed += _clean(obj, seen)
    names = writer._root_object.get("/Names")
    if isinstance(_resolved(names), DictionaryObject) and not _resolved(names):
        del writer._root_object[NameObject("/Names")]
    return removed


def clean_pdf(data: bytes) -> bytes:
    """``data`` without active content; the very same bytes when it had none (a clean scan keeps its hash)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data), strict=False))
    if not clean_writer(writer):
        return data
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
