"""The register: numbering series, documents, files, signature state and the event log.

Public entry point is :class:`Register`; the modules below it hold one concern each.
"""

from docgen.register.books import DocumentRow, FileRecord, Intake, Register
from docgen.register.check import CheckReport, check_register, file_sha256
from docgen.register.export import export_agenda
from docgen.register.numbering import Reservation
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
    "export_agenda",
    "file_sha256",
]
