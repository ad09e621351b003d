"""The errors docgen raises, each carrying a one-line Indonesian message a clerk can act on.

The CLI translates exactly these into "Galat: ..." lines; anything else is a bug.

    DocgenError
    ├── ConfigError      the profile (docgen.toml) or the workspace is wrong
    ├── RequestError     a request's fields do not fit the kind's model
    ├── TemplateError    a template cannot be read or rendered
    ├── RegisterError    the register refuses a change (state, number, missing row)
    │   ├── RegisterBusy the register stayed locked too long; retrying may help
    │   └── RegisterUnusable  the register itself is missing, replaced or not this outbox's
    │       └── ProfileDrift  this PC's profile is not the one recorded in the register
    └── RenderError      writing an output failed
        └── DiskFull     ... because a disk is full: a batch stops instead of failing every row
"""

from __future__ import annotations

__all__ = [
    "NOTHING_NUMBERED",
    "ConfigError",
    "DiskFull",
    "DocgenError",
    "ProfileDrift",
    "RegisterAbsent",
    "RegisterBusy",
    "RegisterError",
    "RegisterUnusable",
    "RenderError",
    "RequestError",
    "TemplateError",
]

#: Said when a failure used no number; a caller that knows a number was voided replaces it (pipeline).
NOTHING_NUMBERED = "(tidak ada nomor yang terpakai)"


class DocgenError(Exception):
    """Base of every error meant for the user; `str(err)` is the one-line message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(DocgenError):
    """The office profile or the workspace layout is invalid."""


class RequestError(DocgenError):
    """A request does not fit its kind's model; `fields` names the offending fields."""

    def __init__(self, message: str, *, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class TemplateError(DocgenError):
    """A template is missing, unreadable, or fails to render."""


class RegisterError(DocgenError):
    """The register refused an operation (unknown id, illegal state move, number conflict)."""


class RegisterBusy(RegisterError):
    """The register stayed locked past the busy timeout; the operation may be retried."""


class RenderError(DocgenError):
    """An output document could not be produced or written."""


class RegisterUnusable(RegisterError):
    """The register as a whole cannot be used: missing, emptied, replaced under a running process,
    or belonging to another outbox. No request is at fault, so a job stops (leaving its input in
    place) instead of filing the input as failed."""


class RegisterAbsent(RegisterUnusable):
    """The register file is missing, empty or holds no docgen schema; ``reason`` says which.

    The caller that knows the workspace turns it into a message naming the backup to restore.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class DiskFull(RenderError):
    """An output could not be written because a disk (outbox or registers) is full."""


class ProfileDrift(RegisterUnusable):
    """This PC's profile (what shapes numbers and documents) is not the one the register recorded.

    No request is at fault, so a job stops and its input waits; ``keys`` names the differing
    settings (``series.surat-keluar.pattern``, ``templates/surat-keluar.docx``).
    """

    def __init__(self, message: str, *, keys: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.keys = keys
