"""The office profile (``docgen.toml``) and the workspace folder that holds it.

``workspace`` (the folder, loading and validating it, the shipped defaults), ``environment``
(``DOCGEN_...`` overrides, applied in one place), ``model`` (the whole file), and one module per
group of sections: ``office`` (office, officials, staff, the letterhead every agency shares),
``agencies`` (``[instansi.<key>]``, the OPD teknis issuing through docgen), ``numbering`` (series,
kinds, register, limits), ``permits``, ``finance``, ``signing``, ``desk``, ``serve`` (the verification page),
``marks`` (stamp positions, cap), ``folders`` (outbox, watch, archive), ``page`` (paper, margins,
page numbers) and ``kop`` (the kop's printed lines, the same in every output). Callers import from here.
"""

from docgen.profile.agencies import Instansi
from docgen.profile.desk import DeskSettings, DispositionSettings
from docgen.profile.finance import FinanceRoles
from docgen.profile.folders import ArchiveSettings, OutboxSettings, WatchSettings
from docgen.profile.kop import (
    EMBLEM_COLUMN_MM,
    KOP_TEXT_MM,
    KopLine,
    PrintedKop,
    office_address,
    office_contact,
    printed_kop,
)
from docgen.profile.marks import CapStyle, Place, StampLayout
from docgen.profile.model import Profile
from docgen.profile.numbering import KindSettings, Limits, RegisterSettings, Series
from docgen.profile.office import OFFICE_KEY, Letterhead, Office, Official, Staff
from docgen.profile.oss import OssSettings
from docgen.profile.page import PAPERS, PageSettings
from docgen.profile.permits import DEFAULT_PERMIT_SERIES, DEFAULT_PERMITS, DecreeSettings, PermitSettings, PermitType
from docgen.profile.section import PROFILE_NAME
from docgen.profile.serve import ServerLimits, Verification
from docgen.profile.signing import DEFAULT_TTE_FOOTER, SignatureBox, SigningSettings
from docgen.profile.workspace import Workspace, copy_defaults, load_workspace, safe_join, shipped_dir

__all__ = [
    "DEFAULT_PERMITS",
    "DEFAULT_PERMIT_SERIES",
    "DEFAULT_TTE_FOOTER",
    "EMBLEM_COLUMN_MM",
    "KOP_TEXT_MM",
    "OFFICE_KEY",
    "PAPERS",
    "PROFILE_NAME",
    "ArchiveSettings",
    "CapStyle",
    "DecreeSettings",
    "DeskSettings",
    "DispositionSettings",
    "FinanceRoles",
    "Instansi",
    "KindSettings",
    "KopLine",
    "Letterhead",
    "Limits",
    "Office",
    "OssSettings",
    "Official",
    "OutboxSettings",
    "PageSettings",
    "PermitSettings",
    "PermitType",
    "Place",
    "PrintedKop",
    "Profile",
    "RegisterSettings",
    "Series",
    "ServerLimits",
    "SignatureBox",
    "SigningSettings",
    "Staff",
    "StampLayout",
    "Verification",
    "WatchSettings",
    "Workspace",
    "copy_defaults",
    "load_workspace",
    "office_address",
    "office_contact",
    "printed_kop",
    "safe_join",
    "shipped_dir",
]
