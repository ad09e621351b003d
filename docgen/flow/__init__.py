"""Forms that flow over as many pages as their data needs (SPJ, SPP, SPM), on reportlab's platypus.

``layout`` (the flow template file: its parts, top to bottom), ``carry`` (a table that splits by
row, repeats its header and carries its totals: "Jumlah dipindahkan" / "Jumlah pindahan"),
``render`` (the parts set on the profile's pages: kop on page 1, page numbers after it, room for
the stamped QR code and footer). Fixed-position forms (certificates, permits) stay box forms.
"""

from docgen.flow.layout import MIN_PT, FlowLayout, load_flow_layout, placeholders
from docgen.flow.render import FlowPage, render_flow

__all__ = ["MIN_PT", "FlowLayout", "FlowPage", "load_flow_layout", "placeholders", "render_flow"]
