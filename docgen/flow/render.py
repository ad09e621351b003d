"""A flow template and a document's values, set as pages with reportlab's platypus.

The profile decides the paper, margins, kop (page 1 only, drawn by the one kop drawer) and the
page number every page after the first carries; the template decides the parts. Every value goes
into a Paragraph escaped (user data is data, never markup), at the part's size (8 pt or more),
wrapping in its column; a word wider than its column, or a row taller than a page, is refused
naming it, since it could only be printed cut or shrunk. Room is kept under the last part for the
QR code and the footer the stamp draws on the last page.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus.doctemplate import LayoutError

from docgen.errors import RequestError, TemplateError
from docgen.flow.carry import CarryTable, KeptWithTable, TableSpec
from docgen.flow.layout import Fields, FlowLayout, Signatures, Table, Text, Title
from docgen.pdf import binary_streams, embedded_fonts
from docgen.profile import PrintedKop, Profile, printed_kop, safe_join
from docgen.render.forms import draw_kop, kop_height_mm
from docgen.text import rupiah

__all__ = ["FlowPage", "render_flow"]

_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_KOP_TOP_MM = 10.0  # the kop's top edge, as the drawn forms place it
_UNDER_KOP_MM = 4.0
_NUMBER_PT = 10.0
_PAD = 3.0  # a table cell's left and right padding, points
_FONT = ("FONTNAME", (0, 0), (-1, -1), embedded_fonts()[0])  # empty cells too: reportlab's default is Helvetica


@dataclass(frozen=True)
class FlowPage:
    """What the profile decides for every page of a flowing form."""

    size_mm: tuple[float, float]
    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left
    kop: PrintedKop
    emblem: bytes | None
    number_format: str
    number_position: str
    room_mm: float  # kept under the last part for the stamped QR code and footer

    @classmethod
    def of(cls, profile: Profile, root: Path, room_mm: float) -> FlowPage:
        page = profile.page
        emblem = safe_join(root, profile.office.emblem)
        return cls(
            size_mm=page.size_mm,
            margins_mm=(page.margin_top_mm, page.margin_right_mm, page.margin_bottom_mm, page.margin_left_mm),
            kop=printed_kop(profile.office),
            emblem=emblem.read_bytes() if emblem.is_file() else None,
            number_format=page.number_format,
            number_position=page.number_position,
            room_mm=room_mm,
        )


@functools.cache
def _style(size: float, bold: bool, align: str) -> ParagraphStyle:
    regular, heavy = embedded_fonts()
    return ParagraphStyle(
        f"flow-{size}-{bold}-{align}",
        fontName=heavy if bold else regular,
        fontSize=size,
        leading=round(size * 1.2, 2),
        alignment=_ALIGN[align],
    )


def _figures(amount: Decimal) -> str:
    return rupiah(amount).removeprefix("Rp ")


class _Values:
    """The document's values as a template names them (``{bendahara.nama}``), row values first."""

    def __init__(self, context: Mapping[str, Any], source: str) -> None:
        self.context, self.source = context, source

    def get(self, name: str, row: Mapping[str, Any] | None = None) -> Any:
        head, *rest = name.split(".")
        value: Any = row[head] if row is not None and head in row else self.context.get(head, _MISSING)
        for key in rest:
            value = value.get(key, _MISSING) if isinstance(value, Mapping) else _MISSING
        if value is _MISSING:
            raise TemplateError(
                f"Templat {self.source} memakai {{{name}}}, tetapi dokumen ini tidak mengisinya; "
                "perbaiki templatnya lalu jalankan 'docgen template check'"
            )
        return value

    def text(self, template: str, row: Mapping[str, Any] | None = None) -> str:
        """``template`` with its values put in, escaped for a Paragraph (``{{`` prints a brace)."""
        parts = template.replace("{{", "\0").replace("}}", "\1")
        out, last = [], 0
        for match in _NAME.finditer(parts):
            out.append(escape(parts[last : match.start()]))
            value = self.get(match.group(1), row)
            out.append(escape(_figures(value) if isinstance(value, Decimal) else str(value)))
            last = match.end()
        out.append(escape(parts[last:]))
        return "".join(out).replace("\0", "{").replace("\1", "}")


_MISSING = object()


def _para(text: str, style: ParagraphStyle, width: float, what: str) -> Paragraph:
    """A Paragraph of escaped ``text``; refused naming ``what`` when one word is wider than ``width``."""
    paragraph = Paragraph(text, style)
    if width > 0 and paragraph.minWidth() > width + 0.01:
        word = max(text.split() or [text], key=len)
        raise RequestError(
            f"{what}: kata '{word[:40]}' lebih lebar dari kolomnya pada {style.fontSize:g} pt; "
            "beri spasi atau singkat tulisannya"
        )
    return paragraph


def _table(part: Table, values: _Values, width: float) -> Flowable:
    weights = sum(c.width for c in part.columns)
    widths = [width * c.width / weights for c in part.columns]
    bold, plain = _style(part.size_pt, True, "center"), _style(part.size_pt, False, "left")
    header = [
        _para(escape(c.heading), bold, w - 2 * _PAD, f"Judul kolom '{c.heading}'")
        for c, w in zip(part.columns, widths, strict=True)
    ]
    sums = [i for i, c in enumerate(part.columns) if c.sum]
    rows_value = values.get(part.rows)
    rows: list[list[Paragraph]] = []
    amounts: list[list[Decimal]] = []
    for n, row in enumerate(rows_value if isinstance(rows_value, list) else [], start=1):
        cells = []
        for c, w in zip(part.columns, widths, strict=True):
            style = _style(part.size_pt, False, c.align)
            cells.append(
                _para(values.text(c.value, row), style, w - 2 * _PAD, f"'{part.rows}' baris {n} kolom '{c.heading}'")
            )
        rows.append(cells)
        amounts.append([_amount(values.get(part.columns[i].value[1:-1], row), part.rows, n) for i in sums])
    if not rows:
        rows = [[Paragraph(escape(part.empty), plain)] + [Paragraph("", plain)] * (len(widths) - 1)]
        amounts = [[Decimal("0.00")] * len(sums)]
    style = [
        _FONT,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    spec = TableSpec(
        widths=widths,
        header=header,
        sums=sums,
        total=part.total,
        carry_out=part.carry_out,
        carry_in=part.carry_in,
        style=style,
        label=lambda text: Paragraph(escape(text), _style(part.size_pt, True, "left")),
        figure=lambda amount: Paragraph(escape(_figures(amount)), _style(part.size_pt, True, "right")),
    )
    return CarryTable(spec, rows, amounts)


def _amount(value: Any, rows: str, n: int) -> Decimal:
    if not isinstance(value, Decimal):
        raise TemplateError(f"Kolom jumlah '{rows}' baris {n} bukan nominal; perbaiki templatnya (sum = true)")
    return value


def _fields(part: Fields, values: _Values, width: float) -> Flowable:
    label = _style(part.size_pt, False, "left")
    value_w = width - part.label_mm * mm - 4 * mm
    data = [
        [Paragraph(values.text(k), label), Paragraph(":", label), _para(values.text(v), label, value_w, f"'{k}'")]
        for k, v in part.rows
    ]
    return RLTable(
        data,
        colWidths=[part.label_mm * mm, 4 * mm, value_w],
        style=[
            _FONT,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ],
        hAlign="LEFT",
    )


def _signatures(part: Signatures, values: _Values, width: float) -> Flowable:
    style = _style(part.size_pt, False, "center")
    name = _style(part.size_pt, True, "center")
    column = width / len(part.signers)
    cells = []
    for signer in part.signers:
        cell: list[Flowable] = [_para(values.text(t), style, column - 6, "Tanda tangan") for t in signer.above]
        cell.append(Spacer(1, part.space_mm * mm))
        for i, t in enumerate(signer.below):
            cell.append(_para(values.text(t), name if i == 0 else style, column - 6, "Tanda tangan"))
        cells.append(cell)
    return RLTable([cells], colWidths=[column] * len(cells), style=[_FONT, ("VALIGN", (0, 0), (-1, -1), "BOTTOM")])


def _flowable(part: Any, values: _Values, width: float) -> Flowable | list[Flowable]:
    if isinstance(part, (Title, Text)):
        style = _style(part.size_pt, part.bold, part.align)
        return [_para(values.text(line), style, width, "Judul") for line in part.lines]
    if isinstance(part, Fields):
        return _fields(part, values, width)
    if isinstance(part, Table):
        return _table(part, values, width)
    return _signatures(part, values, width)


def _story(layout: FlowLayout, values: _Values, width: float, room_mm: float, height: float) -> list[Flowable]:
    """The parts in order; a part that keeps with the next goes on the same page, as does the room."""
    groups: list[list[Flowable]] = []
    joined = False
    for part in layout.part:
        made = _flowable(part, values, width)
        flowables = [Spacer(1, part.space_before_mm * mm), *(made if isinstance(made, list) else [made])]
        if joined:
            groups[-1] += flowables
        else:
            groups.append(flowables)
        joined = part.keep_with_next
    groups[-1].append(Spacer(1, room_mm * mm))
    return [item for group in groups for item in _kept(group, height)]


def _kept(group: list[Flowable], height: float) -> list[Flowable]:
    """A group of parts on one page; one with a table flows, its heading and its tail kept with it."""
    tables = [i for i, f in enumerate(group) if isinstance(f, CarryTable)]
    if tables:
        first = tables[0]
        return [KeptWithTable(group[:first], group[first], group[first + 1 :], height)]  # type: ignore[arg-type]
    return [KeepTogether(group)] if len(group) > 2 else group


def render_flow(layout: FlowLayout, context: Mapping[str, Any], page: FlowPage, *, source: str = "") -> bytes:
    """The PDF of ``context`` set in ``layout`` on the profile's pages (``page``).

    TemplateError names a value the template prints that the document lacks; RequestError a value
    that cannot be printed at the template's size even wrapped (FlowMaker's trial finds it before
    a number is taken, by rendering the request once).
    """
    values = _Values(context, source or "alur")
    width_mm, height_mm = page.size_mm
    if layout.orientation == "landscape":
        width_mm, height_mm = height_mm, width_mm
    top, right, bottom, left = page.margins_mm
    regular, bold = embedded_fonts()
    W, H = width_mm * mm, height_mm * mm
    text_w = W - (left + right) * mm
    kop_h = kop_height_mm(page.kop, text_w / mm)
    first_top = H - (_KOP_TOP_MM + kop_h + _UNDER_KOP_MM) * mm
    first = Frame(left * mm, bottom * mm, text_w, first_top - bottom * mm, 0, 0, 0, 0, id="first")
    later = Frame(left * mm, bottom * mm, text_w, H - (top + bottom) * mm, 0, 0, 0, 0, id="later")

    def on_first(canvas: Any, doc: Any) -> None:
        kop_top = H - _KOP_TOP_MM * mm
        draw_kop(
            canvas,
            page.kop,
            page.emblem,
            left=left * mm,
            right=left * mm + text_w,
            top=kop_top,
            regular=regular,
            bold=bold,
        )

    def on_later(canvas: Any, doc: Any) -> None:
        canvas.setFont(regular, _NUMBER_PT)
        label = page.number_format.replace("{n}", str(doc.page))
        y = H - top * mm / 2 - _NUMBER_PT / 2 if page.number_position == "top" else bottom * mm / 2
        canvas.drawCentredString(left * mm + text_w / 2, y, label)

    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=(W, H), title=layout.title, author="docgen", creator="docgen", pageCompression=1,
        initialFontName=regular,
    )  # fmt: skip
    doc.addPageTemplates(
        [
            PageTemplate("first", [first], onPage=on_first, autoNextPageTemplate="later"),
            PageTemplate("later", [later], onPage=on_later),
        ]
    )
    story = _story(layout, values, text_w, page.room_mm, H - (top + bottom) * mm)
    try:
        with binary_streams():
            doc.build(story)
    except LayoutError as exc:
        raise RequestError(
            "Satu baris atau blok lebih tinggi dari satu halaman; pendekkan uraiannya atau pecah barisnya"
        ) from exc
    return out.getvalue()
