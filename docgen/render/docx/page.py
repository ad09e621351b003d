"""The profile's paper and margins put into a rendered DOCX, and the kop's printed lines as runs.

The shipped Word templates are A4 in the file (an office edits them in Word on the paper it
knows); the office's ``[page]`` settings decide the paper every document is printed on (A4 or
F4/folio, DOMAIN.md section 7), so the section properties of ``word/document.xml`` are set from the
profile at render time rather than kept in a template per paper.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from docgen.profile import PageSettings

__all__ = ["baris_kop", "fit_paper"]

_TWIPS_PER_MM = 1440 / 25.4
_PAGE_SIZE = re.compile(r"<w:pgSz\b[^>]*?/>")
_MARGINS = re.compile(r"<w:pgMar\b[^>]*?/>")
_ATTR = r'(\bw:{name}=")[^"]*(")'


def _twips(mm: float) -> str:
    return str(round(mm * _TWIPS_PER_MM))


def _set(element: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        pattern = _ATTR.format(name=name)
        if re.search(pattern, element):
            element = re.sub(pattern, rf"\g<1>{value}\g<2>", element)
        else:
            element = element.replace("/>", f' w:{name}="{value}"/>', 1)
    return element


def fit_paper(xml: bytes, page: PageSettings) -> bytes:
    """``word/document.xml`` with every section on the profile's paper, portrait, with its margins.

    Only ``w:pgSz`` (width, height) and the four page margins of ``w:pgMar`` change; the
    header and footer distances and the gutter stay as the template has them.
    """
    width, height = page.size_mm
    size = {"w": _twips(width), "h": _twips(height)}
    margins = {
        "top": _twips(page.margin_top_mm),
        "bottom": _twips(page.margin_bottom_mm),
        "left": _twips(page.margin_left_mm),
        "right": _twips(page.margin_right_mm),
    }
    text = xml.decode("utf-8")
    text = _PAGE_SIZE.sub(lambda m: re.sub(r'\s*w:orient="[^"]*"', "", _set(m[0], size)), text)
    text = _MARGINS.sub(lambda m: _set(m[0], margins), text)
    return text.encode("utf-8")


def baris_kop(line: Any) -> Markup:
    """The template filter ``{{ baris|baris_kop }}``: one kop line as a run of its own size and weight.

    ``line`` is an item of ``kantor.kop_cetak`` ({teks, sz, tebal}). Word has no way to take a
    run's size from a value, so the run is written here: the tag's own run is closed, this run
    (text escaped) put in, and an empty run opened again, the way a placed picture is.
    """
    try:
        text, half_points, bold = line["teks"], int(line["sz"]), bool(line["tebal"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"filter baris_kop hanya untuk baris kantor.kop_cetak, bukan {type(line).__name__}") from exc
    weight = "<w:b/><w:bCs/>" if bold else ""
    return Markup(  # plain concatenation: Markup.format costs a tenth of a millisecond per line
        f'</w:t></w:r><w:r><w:rPr>{weight}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r><w:r><w:t xml:space="preserve">'
    )
