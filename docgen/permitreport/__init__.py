"""``docgen laporan izin``: permits issued, verified and refused per month and type, with the days
from BAP to issue, as the monthly report the DPMPTSP sends on (P6.1, P6.2, P7.3).

The figures come from the register (numbers issued and the links between documents), so the
report needs no retyping: :mod:`.figures` says what counts where, :mod:`.sheets` writes the XLSX
with its native chart (or a flat CSV).
"""

from __future__ import annotations

from docgen.permitreport.figures import Figures, Permit, PermitReport, Refusal, permit_report
from docgen.permitreport.sheets import write_permit_report

__all__ = ["Figures", "Permit", "PermitReport", "Refusal", "permit_report", "write_permit_report"]
