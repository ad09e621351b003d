"""Forms drawn as boxes on a page (Sertifikat Standar, izin), from a layout TOML an office edits.

Permit officers print these by the hundred, so a page must cost a few milliseconds: no DOCX, no
LibreOffice. Everything that is the same on every copy (the office's background, emblem, rules,
box borders, labels) is drawn once per layout into a "static layer", kept as ready-serialised
PDF objects and embedded in each new page as one form XObject; only the boxes holding values,
the QR code and the footer are drawn per page. Every value is fitted to its box (shrunk, wrapped,
then cut with an ellipsis), so no input runs over a neighbouring box or off the page.
"""

from __future__ import annotations

import functools
import hashlib
import io
import tomllib
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import ConfigError, TemplateError
from docgen.pdf import binary_streams, draw_qr_path, embedded_fonts
from docgen.render.forms.boxlayout import BUILTIN_FONTS, LEAD, SANS, Box, BoxLayout
from docgen.render.forms.boxtext import (
    Chunks,
    PageFonts,
    draw_border,
    draw_text,
    fit_list,
    place,
    raw_family,
    shared_base_fonts,
)
from docgen.validation import field_path, summarize

__all__ = ["binary_streams", "draw_box_form", "load_box_layout"]

_STATIC = "docgen-latar"  # the form XObject name of the static layer


def _why(exc: ValidationError) -> str:
    """pydantic's message, without the '(whole model)' path that checks across keys would show."""
    return summarize(exc)[0].replace(f"'{field_path(())}' ", "")


def load_box_layout(path: Path, root: Path, known: Collection[str] | None = None) -> BoxLayout:
    """Read and prepare a layout (cached while the file is unchanged); ``known`` lists the kind's fields.

    Raises ConfigError (one line naming the file and key) for a wrong layout or a missing asset.
    """
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise ConfigError(f"Tata letak {path} tidak ada ({exc.strerror}); periksa nama berkasnya") from exc
    layout = _load(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, str(Path(root).resolve()))
    if known is not None:
        layout.check_fields(known)
    return layout


@functools.lru_cache(maxsize=32)
def _load(path: str, _mtime: int, _size: int, root: str) -> BoxLayout:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Tata letak {path} tidak terbaca ({exc}); periksa penulisan TOML-nya") from exc
    try:
        layout = BoxLayout.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"Tata letak {path} salah: {_why(exc)}") from exc
    layout._source = path
    layout._assets = _prepare(layout, Path(root))
    return layout


# -- what is prepared once per layout --------------------------------------------------------


@dataclass(frozen=True)
class _Template:
    """PDF objects serialised once; ints in ``objects`` are references to other entries (0 = root).

    ``fonts`` names the entries left empty that stand for a font's shared ASCII subset: each page
    fills them with its own objects of that subset, which its values use too."""

    objects: tuple[Chunks, ...]
    fonts: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class _Assets:
    fonts: dict[str, tuple[str, str]]  # family -> registered regular and bold font names
    static: _Template


def _workspace_file(root: Path, relative: str, key: str, source: str) -> Path:
    target = (root / relative).resolve()  # resolves symbolic links, so a link cannot lead out either
    if not target.is_relative_to(root.resolve()):
        raise ConfigError(f"Tata letak {source} salah: '{key}' menunjuk ke luar folder kerja; pakai berkas di dalamnya")
    if not target.is_file():
        raise ConfigError(f"Tata letak {source} salah: '{key}' {relative} tidak ada; salin berkasnya ke folder kerja")
    return target


@functools.lru_cache(maxsize=64)
def _ttf(path: str, _mtime: int) -> str:
    """Register a TrueType file once per process under a name of its own; return that name."""
    name = "docgen-" + hashlib.sha1(f"{path}:{_mtime}".encode()).hexdigest()[:12]
    pdfmetrics.registerFont(TTFont(name, path))
    return name


def _font_names(layout: BoxLayout, root: Path, source: str) -> dict[str, tuple[str, str]]:
    names = {SANS: embedded_fonts(), **BUILTIN_FONTS}
    for family, files in layout.fonts.items():
        faces = []
        for face in ("regular", "bold"):
            key = f"fonts.{family}.{face}"
            file = _workspace_file(root, getattr(files, face) or files.regular, key, source)
            try:
                faces.append(_ttf(str(file), file.stat().st_mtime_ns))
            except Exception as exc:  # reportlab raises several types for a file that is no TrueType font
                raise ConfigError(
                    f"Tata letak {source} salah: '{key}' bukan berkas TTF yang sah; ganti fontnya"
                ) from exc
        names[family] = (faces[0], faces[1])
    return names


def _image(root: Path, relative: str, key: str, source: str) -> ImageReader:
    file = _workspace_file(root, relative, key, source)
    try:
        reader = ImageReader(io.BytesIO(file.read_bytes()))  # bytes: a name could be read as a URL
        reader.getSize()
    except Exception as exc:  # reportlab and PIL raise several types for a broken image
        raise ConfigError(f"Tata letak {source} salah: '{key}' {relative} bukan gambar PNG/JPEG yang sah") from exc
    return reader


def _prepare(layout: BoxLayout, root: Path) -> _Assets:
    """Register fonts and draw the static layer once (background under, then borders and labels)."""
    source = layout._source or "formulir"
    fonts = _font_names(layout, root, source)
    width, height = (v * mm for v in layout.size)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName=fonts[layout.font][0])
    page_fonts = PageFonts(c, _names(fonts))
    background = _workspace_file(root, layout.background, "background", source) if layout.background else None
    if background and background.suffix.lower() != ".pdf":
        with binary_streams():  # images are encoded as they are drawn
            c.drawImage(_image(root, layout.background, "background", source), 0, 0, width, height)
    for i, picture in enumerate(layout.image):
        reader = _image(root, picture.path, f"{field_path(('image', i))}.path", source)
        x, y, w, h = (
            picture.x_mm * mm,
            height - (picture.y_mm + picture.h_mm) * mm,
            picture.w_mm * mm,
            picture.h_mm * mm,
        )
        iw, ih = reader.getSize()
        scale = min(w / iw, h / ih)
        with binary_streams():
            c.drawImage(reader, x + (w - iw * scale) / 2, y + (h - ih * scale) / 2, iw * scale, ih * scale, mask="auto")
    for ln in layout.line:
        c.setLineWidth(ln.width_pt)
        c.line(ln.x1_mm * mm, height - ln.y1_mm * mm, ln.x2_mm * mm, height - ln.y2_mm * mm)
    for box, parts in zip(layout.box, layout._parts, strict=True):
        if not any(name for _, name in parts):
            draw_text(c, box, fonts, layout.font, height, "".join(lit for lit, _ in parts))
        draw_border(c, box, height)
    draw_border(c, layout.footer, height)
    c.showPage()
    page_fonts.finish(tag=0)
    with binary_streams():
        c.save()
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    if background and background.suffix.lower() == ".pdf":
        page = _under(page, background, width, height, source)
    return _Assets(fonts, _template(page, width, height, shared_base_fonts(_names(fonts))))


def _names(fonts: Mapping[str, tuple[str, str]]) -> list[str]:
    return [name for pair in fonts.values() for name in pair]


def _under(page: Any, background: Path, width: float, height: float, source: str) -> Any:
    """Merge the static layer onto the background's first page, scaled to the form's paper (once)."""
    try:
        back = PdfReader(background).pages[0]
        box = back.mediabox
        ctm = Transformation().translate(-float(box.left), -float(box.bottom))
        ctm = ctm.scale(width / float(box.width), height / float(box.height))
        writer = PdfWriter()
        page = writer.add_page(page)  # pypdf merges only onto a page that belongs to a writer
        page.merge_transformed_page(back, ctm, over=False)
        out = io.BytesIO()
        writer.write(out)
        return PdfReader(out).pages[0]
    except (PyPdfError, OSError, ValueError, KeyError, IndexError) as exc:
        raise ConfigError(f"Tata letak {source} salah: 'background' {background.name} bukan PDF yang terbaca") from exc


def _template(page: Any, width: float, height: float, shared: Mapping[str, str]) -> _Template:
    """The page as one form XObject, its resources serialised with references left as slots.

    Fonts whose ``/BaseFont`` is in ``shared`` become empty slots each page fills (``_Template.fonts``)."""
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
    return _Template(tuple(_joined(o) for o in objects), tuple(fonts))


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


def _embed(c: Canvas, template: _Template, fonts: PageFonts) -> None:
    """Draw the static layer: its objects join this document, the page calls it by name."""
    members = raw_family(template.objects)
    for slot, name in template.fonts:
        members[slot] = fonts.shared(name)
    c._doc.Reference(members[0], pdfdoc.xObjectName(_STATIC))
    c.doForm(_STATIC)


# -- each page -----------------------------------------------------------------------------


def _value(layout: BoxLayout, values: Mapping[str, str | list[str]], name: str) -> str | list[str]:
    value = values[name]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    text = str(value)
    return layout.choices.get(name, {}).get(text, text)


def draw_box_form(
    layout: BoxLayout, values: Mapping[str, str | list[str]], *, qr_url: str, footer: Sequence[str]
) -> bytes:
    """Draw one page and return the PDF; TemplateError names a placeholder ``values`` lacks."""
    missing = sorted(layout.fields - set(values))
    if missing:
        names = ", ".join(f"{{{m}}}" for m in missing)
        where = f"Formulir {Path(layout._source).name}" if layout._source else "Formulir"
        raise TemplateError(f"{where} memakai {names}, tetapi nilainya tidak ada; lengkapi data permintaannya")
    assets = layout._assets or _prepare(layout, Path.cwd())
    if layout._assets is None:
        layout._assets = assets
    width, height = (v * mm for v in layout.size)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName=assets.fonts[layout.font][0])
    fonts = PageFonts(c, _names(assets.fonts))
    _embed(c, assets.static, fonts)
    for i, (box, parts) in enumerate(zip(layout.box, layout._parts, strict=True)):
        if not any(name for _, name in parts):
            continue  # a label: already in the static layer
        if box.is_list:
            _draw_list(c, layout, assets, box, _value(layout, values, parts[0][1] or ""), height, i)
            continue
        text = []
        for literal, name in parts:
            value = _value(layout, values, name) if name else ""
            if isinstance(value, list):
                raise TemplateError(f"Kolom {{{name}}} berisi daftar, tetapi kotaknya bukan list = true; tulis teks")
            text += [literal, value]
        draw_text(c, box, assets.fonts, layout.font, height, "".join(text))
    if qr_url:
        qr = layout.qr
        draw_qr_path(c, qr_url, qr.x_mm * mm, height - (qr.y_mm + qr.size_mm) * mm, qr.size_mm * mm)
    if footer:
        draw_text(c, layout.footer, assets.fonts, layout.font, height, "\n".join(footer))
    c.showPage()
    fonts.finish()
    with binary_streams():
        c.save()
    return buffer.getvalue()


def _draw_list(
    c: Canvas, layout: BoxLayout, assets: _Assets, box: Box, items: str | list[str], height: float, i: int
) -> None:
    if not isinstance(items, list):
        raise TemplateError(f"Kotak {field_path(('box', i))} adalah daftar (list = true); kirim daftar, bukan teks")
    font = assets.fonts[box.font or layout.font][box.bold]
    if not items:
        place(c, box, font, box.size_pt, [(0.0, "-")], height)
        return
    width, room = (box.w_mm - 2 * box.pad_mm) * mm, (box.h_mm - 2 * box.pad_mm) * mm
    top_size = min(box.size_pt, room / LEAD)
    size, indent, lines = fit_list(items, font, top_size, min(box.min_size_pt, top_size), width, room)
    place(c, box, font, size, lines, height, indent)
