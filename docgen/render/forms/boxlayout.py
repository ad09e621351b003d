"""The layout of a box form (Sertifikat Standar, izin) as the office writes it in TOML, checked.

An officer edits these files by hand, so every mistake a page would only show as overlapping or
missing text (a box off the page, a type size that cannot fit one line, a placeholder that is no
field name, a file outside the workspace) is refused when the layout is read, naming the key.
Loading, preparing and drawing live in ``boxform``; fitting text into a frame in ``boxtext``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from reportlab.lib.units import mm

from docgen.errors import ConfigError
from docgen.validation import field_path

__all__ = [
    "BUILTIN_FONTS",
    "Arranged",
    "LEAD",
    "MIN_PT",
    "SANS",
    "KopBox",
    "Box",
    "BoxLayout",
    "FontFiles",
    "FooterBox",
    "Frame",
    "Line",
    "Picture",
    "QrBox",
]

_PAGES = {
    "A4": (210.0, 297.0),
    "F4": (215.0, 330.0),
    "A5": (148.0, 210.0),
    "profile": (210.0, 297.0),
}  # portrait width, height
BUILTIN_FONTS = {
    "Helvetica": ("Helvetica", "Helvetica-Bold"),
    "Times": ("Times-Roman", "Times-Bold"),
    "Courier": ("Courier", "Courier-Bold"),
}
SANS = "sans"  # Liberation Sans, embedded (docgen.pdf.embedded_fonts); Helvetica where it is not installed
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_BACKGROUNDS = (".pdf", ".png", ".jpg", ".jpeg")
LEAD = 1.2  # line height as a multiple of the type size, as in textfit
MIN_PT = 8.0  # no text on a form is smaller: below it a printed form is not read, it is guessed at
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
    min_size_pt: float = Field(
        MIN_PT, gt=0, le=72, description="Text shrinks to this (8 pt or more); what still does not fit is refused."
    )
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
    when: str = Field(
        "",
        description="A field name: the box is left out when that field is empty, and the boxes below close up "
        "(an izin reklame's jenis and naskah rows, absent from an izin pendidikan).",
    )


class FooterBox(Frame):
    """Where the verification footer lines go (wrapped and shrunk together)."""

    size_pt: float = Field(MIN_PT, gt=0, le=72)
    min_size_pt: float = Field(MIN_PT, gt=0, le=72)


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


class KopBox(_Strict):
    """Where the office's kop goes (``[kop]``): drawn from the profile, the same in every output.

    ``h_mm`` is the height kept for it; the boxes start below. Without ``x_mm``/``w_mm`` the kop
    spans the profile's margins."""

    y_mm: float = Field(ge=0, description="From the page's top edge to the kop's top.")
    h_mm: float = Field(gt=0, le=100, description="Height kept for the kop, down to under its double rule.")
    x_mm: float | None = Field(None, ge=0)
    w_mm: float | None = Field(None, gt=0)


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

    page: Literal["profile", "A4", "F4", "A5"] = Field(
        "profile",
        description="profile: the profile's [page] paper (A4 or F4, 215 x 330 mm), the layout drawn as on A4.",
    )
    width_mm: float | None = Field(None, ge=50, le=1000, description="With height_mm: a paper not listed.")
    height_mm: float | None = Field(None, ge=50, le=1000)
    orientation: Literal["portrait", "landscape"] = "portrait"
    background: str = Field("", description="A PDF (first page) or PNG/JPEG in the workspace, drawn full-page.")
    font: str = Field(SANS, description="The family boxes use unless they name another.")
    fonts: dict[str, FontFiles] = Field(default_factory=dict)
    choices: dict[str, dict[str, str]] = Field(default_factory=dict, description="Printed text for coded values.")
    box: list[Box] = Field(default_factory=list)
    line: list[Line] = Field(default_factory=list)
    image: list[Picture] = Field(default_factory=list)
    kop: KopBox | None = None
    qr: QrBox
    footer: FooterBox
    _parts: list[Parts] = PrivateAttr(default_factory=list)
    _arranged: dict[frozenset[str], Arranged] = PrivateAttr(default_factory=dict)
    _paper: tuple[float, float] | None = PrivateAttr(None)  # the profile's paper, for page = "profile"
    _source: str = PrivateAttr("")
    _assets: object = PrivateAttr(None)  # boxform's prepared static layer, made on first use

    @property
    def size(self) -> tuple[float, float]:
        """The page the boxes are laid out on, width and height in mm, orientation applied
        (A4 for ``page = "profile"``: the paper may be larger, see ``paper_size``)."""
        w, h = (self.width_mm, self.height_mm) if self.width_mm and self.height_mm else _PAGES[self.page]
        return (max(w, h), min(w, h)) if self.orientation == "landscape" else (min(w, h), max(w, h))

    @property
    def paper_size(self) -> tuple[float, float]:
        """The paper printed on: the profile's for ``page = "profile"``, else ``size``. On a larger
        paper the boxes keep their distance from the top and the extra width is split evenly."""
        if self.page != "profile" or self._paper is None:
            return self.size
        w, h = self._paper
        return (max(w, h), min(w, h)) if self.orientation == "landscape" else (min(w, h), max(w, h))

    @property
    def fields(self) -> set[str]:
        """Every placeholder the boxes use, and every field a box's ``when`` names: what ``values`` must hold."""
        return {name for parts in self._parts for _, name in parts if name} | self.conditions

    @property
    def conditions(self) -> set[str]:
        """The fields that leave boxes out when empty (``when``)."""
        return {b.when for b in self.box if b.when}

    def hidden(self, values: Mapping[str, object]) -> frozenset[str]:
        """The ``when`` fields that are empty in ``values`` (an empty text or list): their boxes are left out."""
        return frozenset(name for name in self.conditions if not values.get(name))

    def arranged(self, hidden: frozenset[str] = frozenset()) -> Arranged:
        """The boxes drawn when the ``when`` fields in ``hidden`` are empty, each with its index and parts.

        A left-out box's height closes up: the strips of the page that only left-out boxes cover
        are taken out, and every box below moves up by the strips above it. A strip another box
        still covers (a box beside the row) stays, so nothing kept is ever drawn over. The QR code,
        the footer, lines and pictures keep their place (they belong to the page, not the rows)."""
        if hidden not in self._arranged:
            self._arranged[hidden] = _arrange(self.box, self._parts, hidden)
        return self._arranged[hidden]

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
        families = {SANS, *BUILTIN_FONTS, *self.fonts}
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
            if box.when and not _NAME.match(box.when):
                raise ValueError(
                    f"{key}.when '{box.when[:40]}' bukan nama kolom; tulis seperti when = \"jenis_reklame\""
                )
            if box.is_list and (len(parts) != 1 or parts[0][0] or not parts[0][1]):
                raise ValueError(f'{key}.text untuk list = true harus satu kolom saja, misalnya "{{syarat}}"')
        return self

    def check_kop(self, x_mm: float, w_mm: float, needed_mm: float) -> None:
        """Refuse a kop taller than ``[kop].h_mm``, off the page, or a box reaching into it (named)."""
        kop, where = self.kop, f"Tata letak {self._source or 'formulir'} salah"
        if kop is None:
            return
        if needed_mm > kop.h_mm + 0.05:
            raise ConfigError(
                f"{where}: kop profil setinggi {needed_mm:.1f} mm, [kop].h_mm hanya {kop.h_mm:g}; tinggikan h_mm "
                "dan geser kotak di bawahnya, atau kurangi baris kop di profil"
            )
        width, height = self.size
        if x_mm + w_mm > width + 0.01 or kop.y_mm + kop.h_mm > height + 0.01:
            raise ConfigError(f"{where}: [kop] keluar dari halaman ({width:g} x {height:g} mm); geser atau perkecil")
        frames = [(field_path(("box", i)), (b.x_mm, b.y_mm, b.w_mm, b.h_mm)) for i, b in enumerate(self.box)]
        frames += [(field_path(("image", i)), (p.x_mm, p.y_mm, p.w_mm, p.h_mm)) for i, p in enumerate(self.image)]
        frames += [("qr", (self.qr.x_mm, self.qr.y_mm, self.qr.size_mm, self.qr.size_mm))]
        frames += [("footer", (self.footer.x_mm, self.footer.y_mm, self.footer.w_mm, self.footer.h_mm))]
        for key, (x, y, w, h) in frames:
            if x < x_mm + w_mm - 0.01 and x + w > x_mm + 0.01 and y < kop.y_mm + kop.h_mm - 0.01 and y + h > kop.y_mm:
                raise ConfigError(
                    f"{where}: {key} menimpa kop (y {kop.y_mm:g} s.d. {kop.y_mm + kop.h_mm:g} mm); "
                    "geser kotaknya ke bawah kop"
                )

    def check_fields(self, known: Collection[str]) -> None:
        """Refuse a placeholder (or ``when`` field) the document kind does not fill (a typo such as
        ``{nmor}``), naming its box."""
        for i, (box, parts) in enumerate(zip(self.box, self._parts, strict=True)):
            for name in [name for _, name in parts if name] + ([box.when] if box.when else []):
                if name not in known:
                    raise ConfigError(
                        f"Tata letak {self._source or 'formulir'} salah: '{field_path(('box', i))}.text' memakai "
                        f"{{{name}}} yang tidak dikenal; kolom yang tersedia: {', '.join(sorted(known))}"
                    )


Arranged = tuple[tuple[int, Box, Parts], ...]  # the boxes drawn: index in the file, box (moved), its parts


def _arrange(boxes: Sequence[Box], parts: Sequence[Parts], hidden: frozenset[str]) -> Arranged:
    """See ``BoxLayout.arranged``: the kept boxes, moved up over the strips only left-out boxes cover."""
    kept = [(i, b, p) for i, (b, p) in enumerate(zip(boxes, parts, strict=True)) if b.when not in hidden]
    strips: list[tuple[float, float]] = []
    for top, bottom in sorted((b.y_mm, b.y_mm + b.h_mm) for b in boxes if b.when in hidden):
        if strips and top <= strips[-1][1]:
            strips[-1] = (strips[-1][0], max(strips[-1][1], bottom))
        else:
            strips.append((top, bottom))
    for _, box, _ in kept:  # a strip a kept box covers stays
        top, bottom = box.y_mm, box.y_mm + box.h_mm
        pieces = [((lo, hi),) if bottom <= lo or top >= hi else ((lo, top), (bottom, hi)) for lo, hi in strips]
        strips = [(lo, hi) for piece in pieces for lo, hi in piece if hi - lo > 0.01]
    out = []
    for i, box, p in kept:
        shift = sum(hi - lo for lo, hi in strips if hi <= box.y_mm + 0.01)
        out.append((i, box.model_copy(update={"y_mm": box.y_mm - shift}) if shift else box, p))
    return tuple(out)


def _inside_page(key: str, x: float, y: float, w: float, h: float, width: float, height: float) -> None:
    if x + w > width + 0.01 or y + h > height + 0.01:
        raise ValueError(f"{key} keluar dari halaman ({width:g} x {height:g} mm); perkecil atau geser kotaknya")


def _check_frame(key: str, frame: Frame, width: float, height: float, families: set[str]) -> None:
    _inside_page(key, frame.x_mm, frame.y_mm, frame.w_mm, frame.h_mm, width, height)
    if frame.font and frame.font not in families:
        raise ValueError(f"{key}.font '{frame.font}' tidak dikenal; pilih {', '.join(sorted(families))}")
    if frame.min_size_pt < MIN_PT or frame.size_pt < MIN_PT:
        raise ValueError(
            f"{key} meminta huruf di bawah {MIN_PT:g} pt (size_pt/min_size_pt); huruf sekecil itu tidak terbaca "
            f"di kertas, pakai {MIN_PT:g} atau lebih dan perbesar kotaknya"
        )
    if frame.min_size_pt > frame.size_pt:
        raise ValueError(f"{key}.min_size_pt tidak boleh lebih besar dari size_pt ({frame.size_pt:g})")
    if (frame.h_mm - 2 * frame.pad_mm) * mm < LEAD * frame.min_size_pt - 0.01 or frame.w_mm <= 2 * frame.pad_mm + 2:
        raise ValueError(
            f"{key}.h_mm terlalu kecil untuk satu baris huruf {frame.min_size_pt:g} pt; tinggikan kotaknya"
        )
