"""Who may do what on the desk, from the office's own division of work (issue 16).

One table, read by every page and action on the server: the buttons a page shows and the checks
an action makes come from the same functions, so hiding a button is never the only guard.
``admin`` may do everything (the office's administrator stands in for anyone who is away).
"""

from __future__ import annotations

from docgen.register.users import User

__all__ = [
    "APPROVER",
    "KIND_MAKERS",
    "can",
    "can_make",
    "can_number",
    "can_read",
    "has_role",
    "kinds_made_by",
    "readable_kinds",
    "reads_everything",
]

#: The role that drafts each kind on the desk (surat masuk is entered on its own page by umum).
KIND_MAKERS: dict[str, str] = {
    "surat-keluar": "umum",
    "keputusan": "umum",
    "surat-masuk": "umum",
    "bap": "perizinan",
    "rekomendasi": "perizinan",
    "sertifikat-standar": "perizinan",
    "izin": "perizinan",
    "spp": "keuangan",
    "spm": "keuangan",
    "spj": "keuangan",
}

#: Verifies and signs drafts, disposes incoming letters.
APPROVER = "pimpinan"

#: Actions and the roles that may take them (besides admin).
_ACTIONS: dict[str, frozenset[str]] = {
    "enter-incoming": frozenset({"umum"}),
    "print-sheet": frozenset({"umum", "pimpinan"}),
    "dispose": frozenset({"pimpinan"}),
    "receive": frozenset({"bidang"}),
    "finish": frozenset({"bidang"}),
    "approve": frozenset({"pimpinan"}),  # verified, signed, back to draft
    "send": frozenset({"umum"}),  # sent, archived
    "void": frozenset({"umum"}),
    "export-agenda": frozenset({"umum", "pimpinan"}),
    "verify-spp": frozenset({"keuangan"}),  # the PPK-SKPD sits with the treasurer's staff
    "search": frozenset({"umum", "pimpinan", "bidang", "perizinan", "keuangan"}),
}


def has_role(user: User, role: str) -> bool:
    return role in user.roles or "admin" in user.roles


def can(user: User, action: str) -> bool:
    """May ``user`` take ``action`` (a key of the table above) at all; unknown actions: no."""
    allowed = _ACTIONS.get(action)
    return allowed is not None and ("admin" in user.roles or bool(allowed & set(user.roles)))


def can_make(user: User, kind: str) -> bool:
    """Draft or generate ``kind``; number and stamp it too (umum numbers every kind's letters)."""
    maker = KIND_MAKERS.get(kind)
    return maker is not None and has_role(user, maker)


def can_number(user: User, kind: str) -> bool:
    return can_make(user, kind) or has_role(user, "umum")


def kinds_made_by(user: User) -> list[str]:
    return [kind for kind in KIND_MAKERS if kind != "surat-masuk" and can_make(user, kind)]


def readable_kinds(user: User) -> list[str]:
    """Kinds whose documents the user may open: their own, and everything for umum and pimpinan.

    A bidang reads incoming letters (only those disposed to its unit, checked per document) and
    the outgoing letters and decrees that answer them.
    """
    if any(has_role(user, role) for role in ("umum", APPROVER)):
        return list(KIND_MAKERS)
    kinds = {kind for kind in KIND_MAKERS if can_make(user, kind)}
    if "bidang" in user.roles:
        kinds |= {"surat-masuk", "surat-keluar", "keputusan"}
    return [kind for kind in KIND_MAKERS if kind in kinds]


def reads_everything(user: User) -> bool:
    """umum files and pimpinan oversees every document, Rahasia ones included."""
    return any(has_role(user, role) for role in ("umum", APPROVER))


def can_read(user: User, kind: str, units: list[str] | None = None, sifat: str = "") -> bool:
    """``units``: for an incoming letter, every unit it was disposed to (a bidang sees only its own).

    A Rahasia document is read by umum, pimpinan, its makers and, for an incoming letter, the unit
    it was disposed to: a bidang does not browse another unit's confidential letters.
    """
    if kind not in readable_kinds(user):
        return False
    trusted = reads_everything(user)
    if kind == "surat-masuk" and not trusted:
        return bool(user.unit) and user.unit in (units or [])
    if sifat == "Rahasia" and not trusted:
        return can_make(user, kind)
    return True
