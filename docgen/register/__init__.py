"""The register: numbering series, documents, files, signature state and the event log.

Public entry point is :class:`Register`; the modules below it hold one concern each.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docgen.register.books import Register
    from docgen.register.check import CheckReport, check_register
    from docgen.register.numbering import Reservation
    from docgen.register.rows import DocumentRow, FileRecord, Intake
    from docgen.register.states import LABELS, State

__all__ = [
    "LABELS",
    "CheckReport",
    "DocumentRow",
    "FileRecord",
    "Intake",
    "Register",
    "Reservation",
    "State",
    "check_register",
]

# Where each public name lives. Imported on first use, so that ``docgen --help`` (which only
# needs the State enum for its option choices) does not load SQLite, pydantic models and the
# render layer: issue 8 measured 0.41 s of CPU for the help, mostly these imports.
_HOME = {
    "Register": "books",
    "CheckReport": "check",
    "check_register": "check",
    "Reservation": "numbering",
    "DocumentRow": "rows",
    "FileRecord": "rows",
    "Intake": "rows",
    "LABELS": "states",
    "State": "states",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'docgen.register' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"docgen.register.{_HOME[name]}"), name)
    globals()[name] = value
    return value
