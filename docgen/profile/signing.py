"""The ``[signing]`` section: electronic signatures (TTE) with the office's certificate.

The timestamp authority, trust roots, the visible box and the TTE wording; ``docgen.sign`` takes
them as input.
"""

from __future__ import annotations

from pydantic import Field

from docgen.profile.section import Section

__all__ = ["DEFAULT_TTE_FOOTER", "SignatureBox", "SigningSettings"]


#: Two lines in the default box at 8 pt; the page's footer (``[verification] footer_electronic``)
#: carries the whole statement and the clause on electronic evidence.
DEFAULT_TTE_FOOTER = "Sertifikat elektronik diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), BSSN."


class SignatureBox(Section):
    """The visible signature's box: millimetres from the page's left and bottom edges.

    Page 1 is the first page, -1 the last (where the signature block of a letter sits).
    """

    page: int = Field(-1, description="1 = first page, -1 = last page, -2 = the one before it.")
    x_mm: float = Field(110, ge=0)
    y_mm: float = Field(68, ge=0)
    w_mm: float = Field(85, gt=10)
    h_mm: float = Field(19, gt=8)


class SigningSettings(Section):
    """Electronic signatures: B-B by default, B-T with a timestamp authority, B-LT when revocation
    information can be fetched and embedded (best effort, see docgen.sign.signer)."""

    timestamp_url: str | None = Field(None, description="RFC 3161 timestamp authority (http/https); none: PAdES B-B.")
    trust_roots: list[str] = Field(
        default_factory=list, description="PEM files of trusted root certificates, workspace-relative (BSrE's root)."
    )
    box: dict[str, SignatureBox] = Field(default_factory=dict, description="Visible box per kind; else the default.")
    footer: str = Field(DEFAULT_TTE_FOOTER, min_length=1, description="TTE wording printed in the visible box.")

    def box_for(self, kind: str) -> SignatureBox:
        return self.box.get(kind, SignatureBox())
