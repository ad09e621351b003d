"""The registry of document kinds: an explicit list, one module per kind.

The pipeline looks kinds up here by name; nothing else needs to know which kinds exist.
"""

from __future__ import annotations

from docgen.errors import RequestError
from docgen.kinds.bap import KIND as BAP
from docgen.kinds.base import Kind, Request, Summary, validate_request
from docgen.kinds.izin import KIND as IZIN
from docgen.kinds.keputusan import KIND as KEPUTUSAN
from docgen.kinds.rekomendasi import KIND as REKOMENDASI
from docgen.kinds.sertifikat_standar import KIND as SERTIFIKAT_STANDAR
from docgen.kinds.spj import KIND as SPJ
from docgen.kinds.spm import KIND as SPM
from docgen.kinds.spp import KIND as SPP
from docgen.kinds.surat_keluar import KIND as SURAT_KELUAR
from docgen.kinds.surat_masuk import KIND as SURAT_MASUK

__all__ = ["KINDS", "Kind", "Request", "Summary", "docx_kinds", "get_kind", "made_kinds", "validate_request"]

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (SURAT_KELUAR, SURAT_MASUK, BAP, REKOMENDASI, SERTIFIKAT_STANDAR, IZIN, KEPUTUSAN, SPP, SPM, SPJ)
}


def made_kinds() -> list[Kind]:
    """The kinds ``docgen new`` makes: from a Word template or drawn from a form layout."""
    return [kind for kind in KINDS.values() if kind.template.endswith((".docx", ".toml"))]


def docx_kinds() -> list[Kind]:
    """The kinds generated from a Word template (``docgen new``)."""
    return [kind for kind in KINDS.values() if kind.template.endswith(".docx")]


def get_kind(name: str) -> Kind:
    """Look a kind up by name; an unknown name lists the kinds that exist."""
    try:
        return KINDS[name]
    except KeyError:
        raise RequestError(f"Jenis dokumen '{name}' tidak dikenal; yang tersedia: {', '.join(KINDS)}") from None
