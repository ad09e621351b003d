"""Forms drawn straight to PDF (reportlab's pdfgen) from a layout TOML an office edits.

``boxlayout`` (the layout file's model), ``boxform`` (loading a layout and drawing a page on its
cached static layer), ``boxtext`` (values fitted into their boxes), ``textfit`` (shrink, wrap, cut),
``values`` (a request's fields as the values a layout names), ``disposition`` (the lembar disposisi:
its page flow), ``disposition_blocks`` (its measured blocks), ``disposition_layout`` (its layout file).
"""

from docgen.render.forms.boxform import binary_streams, draw_box_form, load_box_layout
from docgen.render.forms.disposition import (
    DispositionRound,
    DispositionSheet,
    load_form_layout,
    render_disposition_sheet,
)
from docgen.render.forms.textfit import wrap_text
from docgen.render.forms.values import form_values

__all__ = [
    "DispositionRound",
    "DispositionSheet",
    "binary_streams",
    "draw_box_form",
    "form_values",
    "load_box_layout",
    "load_form_layout",
    "render_disposition_sheet",
    "wrap_text",
]
