"""Pictures placed into one rendered DOCX: the drawing XML, the media parts, their relationships.

A picture in a DOCX is three things that must agree: the image file under ``word/media/``, a
relationship from the part showing it (``word/_rels/document.xml.rels``, or a header's own) and
a content type for its extension in ``[Content_Types].xml``. One :class:`Media` collects all
three for one render; the same photo shown twice (or in every row of a loop) is stored once.

Phone photos are 4000 px wide and 5 MB; printed 8 cm wide they need 630 px. Each picture is
scaled down to the profile's print resolution (``limits.picture_dpi``) at its placed size and
turned upright as the camera recorded it, so a BAP with ten photos stays a small file.
"""

from __future__ import annotations

import io
import math
import threading
from collections import OrderedDict
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from docgen.pictures import Picture, PictureError, print_master

__all__ = ["Media", "prepared", "sized"]

_EMU_PER_MM = 36_000
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
_SHOWN_IN = ("word/",)  # parts a picture can sit in: body, headers, footers, notes
_CACHE_ITEMS = 64

_cache: OrderedDict[tuple[str, int, int], tuple[bytes, str]] = OrderedDict()
_cache_lock = threading.Lock()


def prepared(picture: Picture, dpi: int) -> tuple[bytes, str]:
    """The bytes to embed and their media file name, scaled to ``dpi`` at the placed size.

    Cached per process: the trial render and the numbered render, and every row of a batch
    showing the same map, scale a photo once.
    """
    width_mm, height_mm = picture.placed_mm()
    target = (max(1, math.ceil(width_mm / 25.4 * dpi)), max(1, math.ceil(height_mm / 25.4 * dpi)))
    key = (picture.digest, *target)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data, ext = _scale(picture, target)
    result = data, f"docgen-{picture.digest[:16]}-{target[0]}x{target[1]}.{ext}"
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > _CACHE_ITEMS:
            _cache.popitem(last=False)
    return result


def _scale(picture: Picture, target: tuple[int, int]) -> tuple[bytes, str]:
    """Scale the picture's print master (decoded once, at validation) to ``target``, encoded."""
    from PIL import Image

    larger = picture.width_px > target[0] * 1.1
    if picture.orientation == 1 and not larger and picture.format in ("JPEG", "PNG"):
        return picture.data, "jpg" if picture.format == "JPEG" else "png"  # already fit to print
    image = print_master(picture, target[0])
    if image.width > target[0] * 1.1:
        image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    if picture.format == "PNG" and image.mode in ("1", "L", "P"):  # drawings and maps stay sharp
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), "jpg"


def sized(picture: Any, lebar: float | None = None, tinggi: float | None = None) -> Picture:
    """The template filter ``{{ foto|gambar(60) }}`` / ``gambar(tinggi=40)``: place at this size (mm)."""
    if not isinstance(picture, Picture):
        raise PictureError(f"filter gambar hanya untuk kolom gambar, bukan {type(picture).__name__}")
    return picture.sized(lebar, tinggi)


class Media:
    """The pictures one render places, per part; turned into package members by :meth:`members`."""

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi
        self.part = ""
        self._files: dict[str, bytes] = {}  # media part name -> bytes
        self._rels: dict[str, dict[str, str]] = {}  # part -> {media target: rId}
        self.count = 0

    def place(self, picture: Picture) -> str:
        """The run XML that shows ``picture`` where a ``{{ foto }}`` tag stood inside a ``w:t``."""
        if not self.part.startswith(_SHOWN_IN):
            raise PictureError(f"gambar {picture.source} hanya bisa diletakkan di isi, kepala atau kaki dokumen")
        data, name = prepared(picture, self.dpi)
        width_mm, height_mm = picture.placed_mm()
        self._files[f"word/media/{name}"] = data
        targets = self._rels.setdefault(self.part, {})
        rid = targets.setdefault(f"media/{name}", f"rIdDocgen{len(targets) + 1}")
        self.count += 1
        cx, cy = round(width_mm * _EMU_PER_MM), round(height_mm * _EMU_PER_MM)
        descr = quoteattr(picture.source)
        return (
            "</w:t></w:r><w:r><w:drawing><wp:inline "
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{self.count}" name="Gambar {self.count}" descr={descr}/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"/></wp:cNvGraphicFramePr>'
            '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="{name}"/><pic:cNvPicPr/></pic:nvPicPr>'
            '<pic:blipFill><a:blip r:embed="' + rid + '" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
            "<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"/></pic:spPr></pic:pic>'
            '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r><w:r><w:t xml:space="preserve">'
        )

    def added_ids(self, part: str) -> set[str]:
        return set(self._rels.get(part, {}).values())

    def members(self, sources: dict[str, bytes]) -> list[tuple[str, bytes]]:
        """Media files plus the relationship and content-type parts they change.

        ``sources`` holds the template's own ``.rels`` parts and ``[Content_Types].xml``; a part
        with no relationships yet (a plain footer) gets a new ``.rels`` part.
        """
        if not self._files:
            return []
        out = list(self._files.items())
        for part, targets in self._rels.items():
            folder, _, base = part.rpartition("/")
            rels_name = f"{folder}/_rels/{base}.rels"
            root = _parse(sources.get(rels_name))
            if root is None:
                root = etree.Element(f"{{{_PKG_RELS}}}Relationships", nsmap={None: _PKG_RELS})
            for target, rid in targets.items():
                etree.SubElement(root, f"{{{_PKG_RELS}}}Relationship", Id=rid, Type=_IMAGE_REL, Target=target)
            out.append((rels_name, _serialise(root)))
        types = _parse(sources.get("[Content_Types].xml"))
        if types is not None:
            have = {(e.get("Extension") or "").lower() for e in types.iter(f"{{{_CONTENT_TYPES}}}Default")}
            for ext in sorted({name.rpartition(".")[2] for name in self._files} - have):
                default = etree.Element(f"{{{_CONTENT_TYPES}}}Default", Extension=ext, ContentType=_TYPES[ext])
                types.insert(0, default)
            out.append(("[Content_Types].xml", _serialise(types)))
        return out


def _parse(data: bytes | None) -> etree._Element | None:
    return etree.fromstring(data) if data else None


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
