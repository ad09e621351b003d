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
import re
import string
import tomllib
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import ConfigError, TemplateError
from docgen.render.qr import draw_qr_path
from docgen.render.textfit import cut_line, fit_text, form_fonts, wrap_text
from docgen.validation import field_path, summarize

__all__ = ["Box", "BoxLayout", "FooterBox", "QrBox", "draw_box_form", "load_box_layout"]

_PAGES = {"A4": (210.0, 297.0), "F4": (215.0, 330.0), "A5": (148.0, 210.0)}  # portrait width, height
_BUILTIN_FONTS = {
    "Helvetica": ("Helvetica", "Helvetica-Bold"),
    "Times": ("Times-Roman", "Times-Bold"),
    "Courier": ("Courier", "Courier-Bold"),
}
_SANS = "sans"  # Liberation Sans, embedded (textfit.form_fonts); Helvetica where it is not installed
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_BACKGROUNDS = (".pdf", ".png", ".jpg", ".jpeg")
_STATIC = "docgen-latar"  # the form XObject name of the static layer
_LEAD = 1.2  # line height as a multiple of the type size, as in textfit
Parts = tuple[tuple[str, str | None], ...]  # (literal text, placeholder or None), in order


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Frame(_Strict):
    """A rectangle on the page with the type it sets; x and y are its top-left corner."""

    x_mm: float = Field(ge=0, description="From the page's left edge to the box's left edge.")
    y_mm: float = Field(ge=0, description="From the page's top edge to the box's top edge.")
    w_mm: float = Field(gt=0)
    h_mm: float = Field(gt=0)
    font: str = Field("", description="A built-in family, a [fonts] name, or empty for the layout's font.")
    size_pt: float = Field(10.0, gt=0, le=72, description="Largest type size.")
    min_size_pt: float = Field(6.0, gt=0, le=72, description="Text shrinks to this before it is cut.")
    bold: bool = False
    align: Literal["left", "center", "right", "justify"] = "left"
    valign: Literal["top", "middle", "bottom"] = "top"
    border: float = Field(0.0, ge=0, le=5, description="Width (pt) of a rectangle drawn round the box; 0 = none.")
    pad_mm: float = Field(1.0, ge=0, le=10, description="Room kept free inside the box on every side.")


class Box(Frame):
    """Office-written text with ``{field}`` placeholders; a box without placeholders is a label."""

    text: str
    fit: Literal["shrink", "wrap"] = Field("wrap", description="shrink: one line; wrap: lines, then shrink.")
    is_list: bool = Field(False, alias="list", description="The one placeholder holds a list, printed numbered.")


class FooterBox(Frame):
    """Where the verification footer lines go (wrapped and shrunk together)."""

    size_pt: float = Field(7.0, gt=0, le=72)
    min_size_pt: float = Field(5.0, gt=0, le=72)


class QrBox(_Strict):
    """The verification QR code, white border included; big enough to scan from paper."""

    x_mm: float = Field(ge=0)
    y_mm: float = Field(ge=0)
    size_mm: float = Field(ge=12, le=80)


class Line(_Strict):
    """A straight rule, e.g. the kop's double line."""

    x1_mm: float = Field(ge=0)
    y1_mm: float = Field(ge=0)
    x2_mm: float = Field(ge=0)
    y2_mm: float = Field(ge=0)
    width_pt: float = Field(0.5, gt=0, le=10)


class Picture(_Strict):
    """A PNG/JPEG from the workspace (the emblem), fitted into its box keeping its proportions."""

    path: str
    x_mm: float = Field(ge=0)
    y_mm: float = Field(ge=0)
    w_mm: float = Field(gt=0)
    h_mm: float = Field(gt=0)


class FontFiles(_Strict):
    """A TrueType family from the workspace; without ``bold`` the regular face serves for bold."""

    regular: str
    bold: str = ""


def _parse(text: str, key: str) -> Parts:
    """Split office-written text into literals and placeholders; ``{{`` and ``}}`` print braces."""
    try:
        raw = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"{key} berisi kurung kurawal yang tidak berpasangan; tulis {{{{ atau }}}}") from exc
    parts: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in raw:
        if name is not None and (not _NAME.match(name) or spec or conversion):
            raise ValueError(f"{key} berisi {{{name}}} yang bukan nama kolom; tulis seperti {{nama_usaha}}")
        parts.append((literal, name))
    return tuple(parts)


def _relative(path: str, key: str) -> None:
    """A workspace file is named relative to the workspace and never leaves it."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if not path or pure.is_absolute() or ".." in pure.parts or re.match(r"[A-Za-z]:", path):
        raise ValueError(f"{key} '{path}' harus jalur di dalam folder kerja tanpa '..', misalnya templates/latar.pdf")


class BoxLayout(_Strict):
    """A validated layout: paper, optional background, fonts and boxes; every length in mm."""

    page: Literal["A4", "F4", "A5"] = Field("A4", description="F4 is folio, 215 x 330 mm.")
    width_mm: float | None = Field(None, ge=50, le=1000, description="With height_mm: a paper not listed.")
    height_mm: float | None = Field(None, ge=50, le=1000)
    orientation: Literal["portrait", "landscape"] = "portrait"
    background: str = Field("", description="A PDF (first page) or PNG/JPEG in the workspace, drawn full-page.")
    font: str = Field(_SANS, description="The family boxes use unless they name another.")
    fonts: dict[str, FontFiles] = Field(default_factory=dict)
    choices: dict[str, dict[str, str]] = Field(default_factory=dict, description="Printed text for coded values.")
    box: list[Box] = Field(default_factory=list)
    line: list[Line] = Field(default_factory=list)
    image: list[Picture] = Field(default_factory=list)
    qr: QrBox
    footer: FooterBox
    _parts: list[Parts] = PrivateAttr(default_factory=list)
    _source: str = PrivateAttr("")
    _assets: _Assets | None = PrivateAttr(None)

    @property
    def size(self) -> tuple[float, float]:
        """The page's width and height in mm, orientation applied."""
        w, h = (self.width_mm, self.height_mm) if self.width_mm and self.height_mm else _PAGES[self.page]
        return (max(w, h), min(w, h)) if self.orientation == "landscape" else (min(w, h), max(w, h))

    @property
    def fields(self) -> set[str]:
        """Every placeholder the boxes use: what ``values`` must hold."""
        return {name for parts in self._parts for _, name in parts if name}

    @model_validator(mode="after")
    def _check(self) -> BoxLayout:
        if (self.width_mm is None) != (self.height_mm is None):
            raise ValueError("width_mm dan height_mm harus diisi berdua (atau keduanya dihapus)")
        if self.width_mm and "page" in self.model_fields_set:
            raise ValueError("page dan width_mm/height_mm tidak boleh dipakai bersama; pilih salah satu")
        if self.background:
            _relative(self.background, "background")
            if not self.background.lower().endswith(_BACKGROUNDS):
                raise ValueError("background harus berkas .pdf, .png atau .jpg")
        families = {_SANS, *_BUILTIN_FONTS, *self.fonts}
        if self.font not in families:
            raise ValueError(f"font '{self.font}' tidak dikenal; pilih {', '.join(sorted(families))}")
        for name, files in self.fonts.items():
            for face in ("regular", "bold"):
                if getattr(files, face):
                    _relative(getattr(files, face), f"fonts.{name}.{face}")
        width, height = self.size
        frames: list[tuple[str, Frame]] = [(field_path(("box", i)), b) for i, b in enumerate(self.box)]
        for key, frame in [*frames, ("footer", self.footer)]:
            _check_frame(key, frame, width, height, families)
        for key, (x, y, w, h) in [
            ("qr", (self.qr.x_mm, self.qr.y_mm, self.qr.size_mm, self.qr.size_mm)),
            *[(field_path(("image", i)), (p.x_mm, p.y_mm, p.w_mm, p.h_mm)) for i, p in enumerate(self.image)],
            *[(field_path(("line", i)), (ln.x1_mm, ln.y1_mm, 0, 0)) for i, ln in enumerate(self.line)],
            *[(field_path(("line", i)), (ln.x2_mm, ln.y2_mm, 0, 0)) for i, ln in enumerate(self.line)],
        ]:
            _inside_page(key, x, y, w, h, width, height)
        for i, picture in enumerate(self.image):
            _relative(picture.path, f"{field_path(('image', i))}.path")
        self._parts = [_parse(b.text, f"{key}.text") for (key, _), b in zip(frames, self.box, strict=True)]
        for (key, box), parts in zip(frames, self._parts, strict=True):
            if box.is_list and (len(parts) != 1 or parts[0][0] or not parts[0][1]):
                raise ValueError(f'{key}.text untuk list = true harus satu kolom saja, misalnya "{{syarat}}"')
        return self

    def check_fields(self, known: Collection[str]) -> None:
        """Refuse a placeholder the document kind does not fill (a typo such as ``{nmor}``), naming its box."""
        for i, parts in enumerate(self._parts):
            for _, name in parts:
                if name and name not in known:
                    raise ConfigError(
                        f"Tata letak {self._source or 'formulir'} salah: '{field_path(('box', i))}.text' memakai "
                        f"{{{name}}} yang tidak dikenal; kolom yang tersedia: {', '.join(sorted(known))}"
                    )


def _inside_page(key: str, x: float, y: float, w: float, h: float, width: float, height: float) -> None:
    if x + w > width + 0.01 or y + h > height + 0.01:
        raise ValueError(f"{key} keluar dari halaman ({width:g} x {height:g} mm); perkecil atau geser kotaknya")


def _check_frame(key: str, frame: Frame, width: float, height: float, families: set[str]) -> None:
    _inside_page(key, frame.x_mm, frame.y_mm, frame.w_mm, frame.h_mm, width, height)
    if frame.font and frame.font not in families:
        raise ValueError(f"{key}.font '{frame.font}' tidak dikenal; pilih {', '.join(sorted(families))}")
    if frame.min_size_pt > frame.size_pt:
        raise ValueError(f"{key}.min_size_pt tidak boleh lebih besar dari size_pt ({frame.size_pt:g})")
    if (frame.h_mm - 2 * frame.pad_mm) * mm < _LEAD * frame.min_size_pt or frame.w_mm <= 2 * frame.pad_mm + 2:
        raise ValueError(
            f"{key}.h_mm terlalu kecil untuk satu baris huruf {frame.min_size_pt:g} pt; tinggikan kotaknya"
        )


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
    """PDF objects serialised once; ints in ``objects`` are references to other entries (0 = root)."""

    objects: tuple[tuple[bytes | int, ...], ...]


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
    names = {_SANS: form_fonts(), **_BUILTIN_FONTS}
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
    background = _workspace_file(root, layout.background, "background", source) if layout.background else None
    if background and background.suffix.lower() != ".pdf":
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
        c.drawImage(reader, x + (w - iw * scale) / 2, y + (h - ih * scale) / 2, iw * scale, ih * scale, mask="auto")
    for ln in layout.line:
        c.setLineWidth(ln.width_pt)
        c.line(ln.x1_mm * mm, height - ln.y1_mm * mm, ln.x2_mm * mm, height - ln.y2_mm * mm)
    for box, parts in zip(layout.box, layout._parts, strict=True):
        if not any(name for _, name in parts):
            _draw_text(c, box, fonts, layout.font, height, "".join(lit for lit, _ in parts))
        _draw_border(c, box, height)
    _draw_border(c, layout.footer, height)
    c.showPage()
    c.save()
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    if background and background.suffix.lower() == ".pdf":
        page = _under(page, background, width, height, source)
    return _Assets(fonts, _template(page, width, height))


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


def _template(page: Any, width: float, height: float) -> _Template:
    """The page as one form XObject, its resources serialised with references left as slots."""
    objects: list[tuple[bytes | int, ...]] = [()]
    seen: dict[tuple[int, int], int] = {}

    def ref(obj: IndirectObject) -> int:
        key = (obj.idnum, obj.generation)
        if key not in seen:
            seen[key] = len(objects)
            objects.append(())
            objects[seen[key]] = body(obj.get_object())
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
    return _Template(tuple(_joined(o) for o in objects))


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


class _Raw(pdfdoc.PDFObject):
    """One template object in a reportlab document; references get numbers as they are written."""

    def __init__(self, chunks: tuple[bytes | int, ...], family: list[_Raw]) -> None:
        self.chunks, self.family = chunks, family

    def format(self, document: Any) -> bytes:
        return b"".join(
            c if isinstance(c, bytes) else document.Reference(self.family[c]).format(document) for c in self.chunks
        )


def _embed(c: Canvas, template: _Template) -> None:
    """Draw the static layer: its objects join this document, the page calls it by name."""
    family: list[_Raw] = []
    family.extend(_Raw(chunks, family) for chunks in template.objects)
    c._doc.Reference(family[0], pdfdoc.xObjectName(_STATIC))
    c.doForm(_STATIC)


# -- drawing ---------------------------------------------------------------------------------


def _draw_border(c: Canvas, frame: Frame, height: float) -> None:
    if frame.border:
        c.setLineWidth(frame.border)
        c.rect(frame.x_mm * mm, height - (frame.y_mm + frame.h_mm) * mm, frame.w_mm * mm, frame.h_mm * mm)


def _draw_text(
    c: Canvas, frame: Frame, fonts: Mapping[str, tuple[str, str]], default: str, height: float, text: str
) -> None:
    """Fit ``text`` into the frame (see ``Box.fit``) and draw it, never past the frame's padding."""
    font = fonts[frame.font or default][frame.bold]
    width, room = (frame.w_mm - 2 * frame.pad_mm) * mm, (frame.h_mm - 2 * frame.pad_mm) * mm
    top_size = min(frame.size_pt, room / _LEAD)
    floor = min(frame.min_size_pt, top_size)
    if isinstance(frame, Box) and frame.fit == "shrink":
        size, lines = fit_text(" ".join(text.split()), font, top_size, floor, width, most=1)
    else:
        size, lines = fit_text(text, font, top_size, floor, width, height=room)
    _place(c, frame, font, size, [(0.0, line) for line in lines], height)


def _fit_list(
    items: Sequence[str], font: str, size: float, floor: float, width: float, room: float
) -> tuple[float, float, list[tuple[float, str]]]:
    """Numbered items with hanging lines, shrunk together; at the floor what fits, cut with an ellipsis.

    An item's first line carries minus its number as offset, so ``_place`` prints the number."""
    while True:
        indent = pdfmetrics.stringWidth(f"{len(items)}. ", font, size) + 0.5 * mm
        laid: list[tuple[float, str]] = []
        for n, item in enumerate(items, start=1):
            wrapped = wrap_text(item, font, size, width - indent) or [""]
            laid += [(-float(n), wrapped[0]), *((indent, line) for line in wrapped[1:])]
        keep = int(room // (_LEAD * size))
        if len(laid) <= keep or size <= floor:
            break
        size = max(floor, size - 0.5)
    if len(laid) > keep:
        offset, text = laid[keep - 1]
        laid = [*laid[: keep - 1], (offset, cut_line(text, font, size, width - indent))]
    return size, indent, laid


def _place(
    c: Canvas, frame: Frame, font: str, size: float, lines: list[tuple[float, str]], height: float, indent: float = 0
) -> None:
    """Draw fitted lines in the frame, aligned and vertically placed; negative offsets number list items."""
    left, width = (frame.x_mm + frame.pad_mm) * mm, (frame.w_mm - 2 * frame.pad_mm) * mm
    top, room = height - (frame.y_mm + frame.pad_mm) * mm, (frame.h_mm - 2 * frame.pad_mm) * mm
    block = _LEAD * size * len(lines)
    top -= {"top": 0.0, "middle": (room - block) / 2, "bottom": room - block}[frame.valign]
    c.setFont(font, size)
    for i, (offset, line) in enumerate(lines):
        y = top - size * (0.95 + _LEAD * i)
        if offset < 0:  # the first line of list item -offset
            c.drawString(left, y, f"{int(-offset)}.")
            offset = indent
        x, span = left + offset, width - offset
        if frame.align == "center":
            c.drawCentredString(x + span / 2, y, line)
        elif frame.align == "right":
            c.drawRightString(x + span, y, line)
        elif frame.align == "justify" and i < len(lines) - 1 and len(line.split()) > 1:
            words = line.split()
            gap = (span - sum(pdfmetrics.stringWidth(w, font, size) for w in words)) / (len(words) - 1)
            for word in words:
                c.drawString(x, y, word)
                x += pdfmetrics.stringWidth(word, font, size) + gap
        else:
            c.drawString(x, y, line)


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
    _embed(c, assets.static)
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
        _draw_text(c, box, assets.fonts, layout.font, height, "".join(text))
    if qr_url:
        qr = layout.qr
        draw_qr_path(c, qr_url, qr.x_mm * mm, height - (qr.y_mm + qr.size_mm) * mm, qr.size_mm * mm)
    if footer:
        _draw_text(c, layout.footer, assets.fonts, layout.font, height, "\n".join(footer))
    c.showPage()
    c.save()
    return buffer.getvalue()


def _draw_list(
    c: Canvas, layout: BoxLayout, assets: _Assets, box: Box, items: str | list[str], height: float, i: int
) -> None:
    if not isinstance(items, list):
        raise TemplateError(f"Kotak {field_path(('box', i))} adalah daftar (list = true); kirim daftar, bukan teks")
    font = assets.fonts[box.font or layout.font][box.bold]
    if not items:
        _place(c, box, font, box.size_pt, [(0.0, "-")], height)
        return
    width, room = (box.w_mm - 2 * box.pad_mm) * mm, (box.h_mm - 2 * box.pad_mm) * mm
    top_size = min(box.size_pt, room / _LEAD)
    size, indent, lines = _fit_list(items, font, top_size, min(box.min_size_pt, top_size), width, room)
    _place(c, box, font, size, lines, height, indent)
