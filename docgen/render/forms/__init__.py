"""Forms drawn straight to PDF (reportlab's pdfgen) from a layout TOML an office edits.

``boxlayout`` (the layout file's model), ``boxform`` (loading a layout and drawing a page on its
cached static layer), ``boxtext`` (text fitted into a box), ``boxfit`` (a request's values fitted, or
refused naming the field), ``textfit`` (wrap and shrink; the disposition's cut), ``values`` (a
request's fields as the values a layout names), ``disposition`` (the lembar disposisi: its page
flow), ``disposition_blocks`` (its measured blocks), ``disposition_layout`` (its layout file),
``kop`` (the one kop drawer every reportlab page uses).
"""

from docgen.render.forms.boxform import draw_box_form, fit_box_form, load_box_layout
from docgen.render.forms.disposition import (
    DispositionRound,
    DispositionSheet,
    load_form_layout,
    render_disposition_sheet,
)
from docgen.render.forms.kop import KOP_MIN_PT, draw_kop, kop_height_mm
from docgen.render.forms.textfit import wrap_text
from docgen.render.forms.values import form_values

__all__ = [
    "KOP_MIN_PT",
    "DispositionRound",
    "DispositionSheet",
    "draw_box_form",
    "draw_kop",
    "fit_box_form",
    "form_values",
    "kop_height_mm",
    "load_box_layout",
    "load_form_layout",
    "render_disposition_sheet",
    "wrap_text",
]
