"""Forms drawn as boxes on a page (Sertifikat Standar, izin), from a layout TOML an office edits.

Permit officers print these by the hundred, so a page must cost a few milliseconds: no DOCX, no
LibreOffice. Everything that is the same on every copy (the office's background, the kop drawn
from the profile, rules, box borders, labels) is drawn once per layout into a "static layer", kept
as ready-serialised PDF objects and embedded in each new page as one form XObject; only the boxes
holding values, the QR code and the footer are drawn per page. Every value is wrapped and shrunk
into its box down to 8 pt, never cut; what does not fit is refused naming its field (``boxfit``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import ConfigError
from docgen.pdf import binary_streams, draw_qr_path, embedded_fonts
from docgen.profile import PROFILE_NAME, PrintedKop, Profile, load_workspace, printed_kop, safe_join, shipped_dir
from docgen.render.forms.boxfit import lay_footer, lay_label, lay_values
from docgen.render.forms.boxlayout import BUILTIN_FONTS, SANS, BoxLayout
from docgen.render.forms.boxtext import PageFonts, draw_border, place, shared_base_fonts
from docgen.render.forms.kop import draw_kop, kop_height_mm
from docgen.render.forms.xobject import Template, embed, page_template
from docgen.validation import field_path, summarize

__all__ = ["draw_box_form", "fit_box_form", "load_box_layout"]

_LIBERATION = Path("/usr/share/fonts/truetype/liberation")


def _why(exc: ValidationError) -> str:
    """pydantic's message, without the '(whole model)' path that checks across keys would show."""
    return summarize(exc)[0].replace(f"'{field_path(())}' ", "")


def load_box_layout(
    path: Path, root: Path, known: Collection[str] | None = None, *, profile: Profile | None = None
) -> BoxLayout:
    """Read and prepare a layout (cached while the file and the profile's paper and kop are unchanged).

    ``known`` lists the kind's fields; ``profile`` gives the paper (``page = "profile"``), the kop
    and its emblem: without it, the profile of the workspace at ``root`` (else the shipped one).
    Raises ConfigError (one line naming the file and key) for a wrong layout or a missing asset.
    """
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise ConfigError(f"Tata letak {path} tidak ada ({exc.strerror}); periksa nama berkasnya") from exc
    root = Path(root).resolve()
    profile = profile or _profile_at(root)
    page = profile.page
    emblem = safe_join(root, profile.office.emblem)
    setting = _Setting(
        page.size_mm,
        (page.margin_left_mm, page.margin_right_mm),
        printed_kop(profile.office),
        str(emblem) if emblem.is_file() else "",
        emblem.stat().st_mtime_ns if emblem.is_file() else 0,
    )
    layout = _load(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, str(root), setting)
    if known is not None:
        layout.check_fields(known)
    return layout


@dataclass(frozen=True)
class _Setting:
    """What a layout takes from the profile: paper, margins (the kop's default span), kop, emblem."""

    paper: tuple[float, float]
    margins: tuple[float, float]
    kop: PrintedKop
    emblem: str
    emblem_mtime: int


def _profile_at(root: Path) -> Profile:
    """The profile of the workspace at ``root``, or the shipped one (a layout checked on its own)."""
    return load_workspace(root if (root / PROFILE_NAME).is_file() else shipped_dir(), env={}).profile


@functools.lru_cache(maxsize=32)
def _load(path: str, _mtime: int, _size: int, root: str, setting: _Setting) -> BoxLayout:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Tata letak {path} tidak terbaca ({exc}); periksa penulisan TOML-nya") from exc
    try:
        layout = BoxLayout.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"Tata letak {path} salah: {_why(exc)}") from exc
    layout._source = path
    layout._paper = setting.paper
    if layout.kop is not None:
        x, w = _kop_span(layout, setting)
        layout.check_kop(x, w, kop_height_mm(setting.kop, w))
    layout._assets = _prepare(layout, Path(root), setting)
    return layout


def _kop_span(layout: BoxLayout, setting: _Setting) -> tuple[float, float]:
    """The kop's left edge and width (mm, on the layout's page): ``[kop]``'s, else the profile's margins."""
    kop = layout.kop
    assert kop is not None
    x = kop.x_mm if kop.x_mm is not None else setting.margins[0]
    w = kop.w_mm if kop.w_mm is not None else layout.size[0] - x - setting.margins[1]
    return x, w


# -- what is prepared once per layout --------------------------------------------------------


@dataclass(frozen=True)
class _Assets:
    """Fonts registered once per layout, and its static layer for each set of left-out rows (``when``):
    a permit type without a billboard has its own, drawn on first use."""

    fonts: dict[str, tuple[str, str]]  # family -> registered regular and bold font names
    root: Path
    setting: _Setting | None
    statics: dict[frozenset[str], Template] = field(default_factory=dict)


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


def _liberation(family: str, fallback: tuple[str, str]) -> tuple[str, str]:
    """Liberation ``family`` (Sans, Serif, Mono: the metrics of Arial, Times New Roman, Courier New),
    registered to be embedded; reportlab's built-in face, not embedded, where it is not installed."""
    files = [_LIBERATION / f"Liberation{family}-{face}.ttf" for face in ("Regular", "Bold")]
    if not all(f.is_file() for f in files):
        return fallback
    regular, bold = (_ttf(str(f), f.stat().st_mtime_ns) for f in files)
    return regular, bold


def _font_names(layout: BoxLayout, root: Path, source: str) -> dict[str, tuple[str, str]]:
    """Every family a layout may name, each an embedded TrueType font: the built-in Helvetica, Times
    and Courier are set in their Liberation twins (same widths), since a PDF does not embed them."""
    names = {
        SANS: embedded_fonts(),
        "Helvetica": embedded_fonts(),
        "Times": _liberation("Serif", BUILTIN_FONTS["Times"]),
        "Courier": _liberation("Mono", BUILTIN_FONTS["Courier"]),
    }
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


def _prepare(layout: BoxLayout, root: Path, setting: _Setting | None = None) -> _Assets:
    """Register fonts and draw the static layer with every row (so a wrong label is refused on loading)."""
    assets = _Assets(_font_names(layout, root, layout._source or "formulir"), root, setting)
    _static(layout, assets, frozenset())
    return assets


def _static(layout: BoxLayout, assets: _Assets, hidden: frozenset[str]) -> Template:
    """The static layer with the rows of the empty ``when`` fields left out, drawn once per such set."""
    if hidden not in assets.statics:
        assets.statics[hidden] = _draw_static(layout, assets.fonts, assets.root, assets.setting, hidden)
    return assets.statics[hidden]


def _draw_static(
    layout: BoxLayout, fonts: dict[str, tuple[str, str]], root: Path, setting: _Setting | None, hidden: frozenset[str]
) -> Template:
    """Background under, then kop, rules, pictures, box borders and labels, as one form XObject."""
    source = layout._source or "formulir"
    width, height = (v * mm for v in layout.paper_size)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName=fonts[layout.font][0])
    page_fonts = PageFonts(c, _names(fonts))
    background = _workspace_file(root, layout.background, "background", source) if layout.background else None
    if background and background.suffix.lower() != ".pdf":
        with binary_streams():  # images are encoded as they are drawn
            c.drawImage(_image(root, layout.background, "background", source), 0, 0, width, height)
    c.translate(_shift(layout), 0)
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
    if layout.kop is not None and setting is not None:
        x, w = _kop_span(layout, setting)
        regular, bold = fonts[layout.font]
        emblem = Path(setting.emblem) if setting.emblem else None
        top = height - layout.kop.y_mm * mm
        draw_kop(c, setting.kop, emblem, left=x * mm, right=(x + w) * mm, top=top, regular=regular, bold=bold)
    for ln in layout.line:
        c.setLineWidth(ln.width_pt)
        c.line(ln.x1_mm * mm, height - ln.y1_mm * mm, ln.x2_mm * mm, height - ln.y2_mm * mm)
    for i, box, parts in layout.arranged(hidden):
        if not any(name for _, name in parts):
            place(c, box, lay_label(layout, box, i, fonts, "".join(lit for lit, _ in parts)), height)
        draw_border(c, box, height)
    draw_border(c, layout.footer, height)
    c.showPage()
    page_fonts.finish(tag=0)
    with binary_streams():
        c.save()
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    if background and background.suffix.lower() == ".pdf":
        page = _under(page, background, width, height, source)
    return page_template(page, width, height, shared_base_fonts(_names(fonts)))


def _shift(layout: BoxLayout) -> float:
    """How far right (pt) the boxes move on a paper wider than their page: half the extra width."""
    return (layout.paper_size[0] - layout.size[0]) / 2 * mm


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


# -- each page -----------------------------------------------------------------------------


def draw_box_form(
    layout: BoxLayout, values: Mapping[str, str | list[str]], *, qr_url: str, footer: Sequence[str]
) -> bytes:
    """Draw one page and return the PDF.

    TemplateError names a placeholder ``values`` lacks; RequestError a field whose value does not
    fit its box at 8 pt (``fit_box_form`` finds the same before a number is taken)."""
    assets = layout._assets or _prepare(layout, Path.cwd())
    if layout._assets is None:
        layout._assets = assets
    laid = lay_values(layout, values, assets.fonts)
    static = _static(layout, assets, layout.hidden(values))
    width, height = (v * mm for v in layout.paper_size)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName=assets.fonts[layout.font][0])
    fonts = PageFonts(c, _names(assets.fonts))
    embed(c, static, fonts)
    c.translate(_shift(layout), 0)
    for box, lines in laid:
        place(c, box, lines, height)
    if qr_url:
        qr = layout.qr
        draw_qr_path(c, qr_url, qr.x_mm * mm, height - (qr.y_mm + qr.size_mm) * mm, qr.size_mm * mm)
    if footer:
        place(c, layout.footer, lay_footer(layout, assets.fonts, footer), height)
    c.showPage()
    fonts.finish()
    with binary_streams():
        c.save()
    return buffer.getvalue()


def fit_box_form(layout: BoxLayout, values: Mapping[str, str | list[str]], footer: Sequence[str] = ()) -> None:
    """Prove every value (and the footer) fits its box at 8 pt or more, without drawing: RequestError
    names the first field that does not (FormMaker's trial, before a number is reserved)."""
    assets = layout._assets or _prepare(layout, Path.cwd())
    lay_values(layout, values, assets.fonts)
    if footer:
        lay_footer(layout, assets.fonts, footer)
