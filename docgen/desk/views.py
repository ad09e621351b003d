"""The desk's HTML: Jinja2 templates with autoescaping on, and the few filters the pages share.

Everything shown comes from the register or a clerk's typing, so every value is escaped; no
template is ever built from data.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from docgen.desk.roles import can, has_role, kinds_made_by
from docgen.kinds import KINDS
from docgen.profile import Profile
from docgen.register.events import local_date
from docgen.register.search import COUNT_LIMIT
from docgen.register.states import LABELS, State
from docgen.text import tanggal

__all__ = ["STATIC", "Views"]

HERE = Path(__file__).parent
STATIC = HERE / "static"


def _date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return tanggal(local_date(value) if len(value) > 10 else date.fromisoformat(value))
    except ValueError:
        return value


def _state(value: str) -> str:
    try:
        return LABELS[State(value)]
    except ValueError:
        return value


#: The register's event names as a clerk reads them in a document's history.
EVENTS = {
    "document.created": "dokumen dibuat",
    "document.linked": "dikaitkan dengan dasarnya",
    "document.redated": "tanggal diubah",
    "file.written": "berkas ditulis",
    "number.reserved": "nomor disiapkan",
    "number.assigned": "nomor ditetapkan",
    "number.issued": "nomor diterbitkan",
    "number.voided": "nomor dibatalkan",
    "state.changed": "status diubah",
    "disposition.recorded": "disposisi dicatat",
    "disposition.received": "disposisi diterima",
    "disposition.done": "tindak lanjut dicatat",
    "document.signed": "ditandatangani secara elektronik",
}
_HIDDEN = {"pengguna", "sha256", "kind", "fingerprint"}  # shown elsewhere on the page, or of no use to a clerk


def _event(event: dict[str, Any]) -> dict[str, str]:
    """An event as one line: what happened, by whom, and the details a clerk can use."""
    try:
        detail = json.loads(event.get("detail") or "{}")
    except ValueError:
        detail = {}
    shown = "; ".join(f"{k}: {_plain(v)}" for k, v in detail.items() if k not in _HIDDEN and v not in (None, "", []))
    return {"what": EVENTS.get(event["action"], event["action"]), "who": str(detail.get("pengguna", "")),
            "detail": shown, "at": _date(event["at"]) + " " + _time(event["at"])}  # fmt: skip


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _time(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone().strftime("%H.%M") if len(stamp) > 10 else ""


def _count(total: int) -> str:
    """A count as the register gives it: past COUNT_LIMIT it stopped counting."""
    return f"lebih dari {COUNT_LIMIT:,}".replace(",", ".") if total > COUNT_LIMIT else str(total)


def _kind(value: str) -> str:
    kind = KINDS.get(value)
    return kind.title if kind else value


class Views:
    """Renders the desk's pages for one profile (the office's name in every header)."""

    def __init__(self, profile: Profile) -> None:
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(tanggal=_date, status=_state, jenis=_kind, peristiwa=_event, banyaknya=_count)
        self.env.globals.update(can=can, has_role=has_role, kinds_made_by=kinds_made_by)
        self.env.globals["kantor"] = profile.verification.office or profile.office.kop[-1]

    def render(self, template: str, **values: Any) -> str:
        values.setdefault("flashes", [])
        values.setdefault("user", None)
        values.setdefault("csrf", "")
        return self.env.get_template(template).render(**values)

    def plain(self, status: int, message: str) -> HTMLResponse:
        """A page with one line: the refusal or failure and what to do (never a traceback)."""
        return HTMLResponse(self.render("pesan.html", status=status, pesan=message), status)
