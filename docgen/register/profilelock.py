"""One profile per register: what shapes numbers and documents is recorded in the register, and a
PC whose profile differs is refused before it numbers (issue 21).

A second PC set up from the README issued numbers in another pattern, with another kop and signer,
into the same register, and ``register check`` called it good. Now the first numbering records a
fingerprint of the profile's shaping part (series, unit code, officials, kop, footer wording, stamp
and signature places, the bytes of every template and of the emblem, cap image and archive table);
every later numbering compares this PC's fingerprint with the recorded one inside the numbering
transaction, so a refusal takes no number. ``docgen register accept-profile`` records a deliberate
change, with an event naming the old and new fingerprint and who accepted it.

What only concerns the PC it is set on (where the register, outbox and backups are, the desk's and
the watcher's settings, input limits, the verification server) is left out: see ``MACHINE_LOCAL``.
Registers from before this check have no fingerprint; theirs is recorded at their next numbering.

Cost: the fingerprint is computed once per loaded profile; its files are stat'ed again at most every
``RECHECK_S`` seconds (a running watcher or desk picks up an edited template, so the check must too),
and each numbering reads one ``meta`` row by its key inside the transaction it already holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, ProfileDrift, RegisterUnusable
from docgen.profile import Profile, Workspace, safe_join, shipped_dir
from docgen.register.actor import command_user, current_actor
from docgen.register.events import append_event
from docgen.store.db import atomic

__all__ = [
    "FINGERPRINT_KEY",
    "FINGERPRINT_READ",
    "MACHINE_LOCAL",
    "SHAPE_KEY",
    "LocalProfile",
    "accept_profile",
    "bind",
    "differences",
    "drift_problems",
    "local_profile",
    "profile_drift",
    "profile_shape",
    "require_recorded_profile",
]

FINGERPRINT_KEY = "profile_fingerprint"  # meta: SHA-256 of the recorded shape's canonical JSON
SHAPE_KEY = "profile_shape"  # meta: the recorded shape itself, so a refusal can name the differing keys

#: Settings (dotted docgen.toml paths, a prefix covers its section) that concern only the PC they
#: are set on: they never change a number or how a document looks, so PCs may differ in them.
MACHINE_LOCAL = (
    "register",  # where this PC reaches the register, its lock wait, its backups
    "outbox",  # where this PC mounts the shared outbox
    "desk",  # the desk server this PC runs
    "watch",  # this PC's watcher: timings, retries, PDFs, inbox file names
    "limits",  # bounds on the input this PC accepts (except picture_dpi, see SHAPING_LIMITS)
    "verification.public",
    "verification.public_void_reason",
    "verification.register_url",
    "verification.requests_per_minute",
    "verification.unknown_per_hour",
    "verification.upload_bytes",
    "verification.trusted_proxies",
    "signing.timestamp_url",  # the signature level reached is recorded per signature
    "signing.trust_roots",  # judges certificates, prints nothing
)
#: Limits that do change a document's face: pictures are scaled to this resolution.
SHAPING_LIMITS = ("limits.picture_dpi",)
#: Files named by a setting whose bytes print on documents (the setting holds only their path).
FILE_SETTINGS = ("office.emblem", "cap.image", "archive.extra_codes")

RECHECK_S = 2.0  # how old a fingerprint's file stamps may be before they are read again
_READ = "SELECT value FROM meta WHERE key = ?"
#: The gate's one read, for ``atomic(reads=...)``: PostgreSQL fetches it with the write lock (no extra round trip).
FINGERPRINT_READ = (_READ, (FINGERPRINT_KEY,))
_UPSERT = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
_SHOWN_KEYS = 8


@dataclass(frozen=True)
class LocalProfile:
    """This PC's shaping settings (dotted keys to values, files to their SHA-256) and their digest."""

    shape: dict[str, Any]
    digest: str


def _machine_local(key: str) -> bool:
    if key in SHAPING_LIMITS:
        return False
    return any(key == p or key.startswith(p + ".") for p in MACHINE_LOCAL)


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for name, inner in value.items():
            _flatten(inner, f"{prefix}.{name}" if prefix else str(name), out)
    else:
        out[prefix] = value


def profile_shape(profile: Profile) -> dict[str, Any]:
    """The profile's shaping settings as dotted docgen.toml keys (after environment overrides)."""
    flat: dict[str, Any] = {}
    _flatten(profile.model_dump(mode="json", by_alias=True), "", flat)
    return {key: value for key, value in flat.items() if not _machine_local(key)}


def _skipped(name: str) -> bool:
    """Editors' and copiers' temporary names (``~$x.docx``, ``.~lock.x#``, ``x.tmp``) are no template."""
    return name.startswith((".", "~$")) or name.endswith((".tmp", ".part", "~"))


def _walk(folder: Path) -> Iterator[tuple[str, os.stat_result, Path]]:
    if not folder.is_dir():
        return
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _skipped(d))
        for name in sorted(files):
            path = Path(here, name)
            if not _skipped(name) and path.is_file():
                yield path.relative_to(folder).as_posix(), path.stat(), path


def _file_settings(workspace: Workspace, shape: dict[str, Any]) -> Iterator[tuple[str, Path | None]]:
    for setting in FILE_SETTINGS:
        value = shape.get(setting)
        if not value:
            continue
        try:
            yield f"berkas {setting}", safe_join(workspace.root, str(value))
        except ConfigError:
            yield f"berkas {setting}", None


def _files(workspace: Workspace, shape: dict[str, Any]) -> dict[str, tuple[Path | None, tuple[int, ...]]]:
    """Every file whose bytes shape documents, by the key it is named with, and its stat stamp."""
    found: dict[str, tuple[Path | None, tuple[int, ...]]] = {}
    for rel, st, path in _walk(workspace.templates):
        found[f"templates/{rel}"] = (path, (st.st_mtime_ns, st.st_size, st.st_ino))
    shipped = shipped_dir() / "templates"
    if shipped.resolve() != workspace.templates.resolve():
        # A template missing from the workspace is taken from the installed docgen (the packet checklist).
        for rel, st, path in _walk(shipped):
            if f"templates/{rel}" not in found:
                found[f"templates bawaan/{rel}"] = (path, (st.st_mtime_ns, st.st_size, st.st_ino))
    for key, path in _file_settings(workspace, shape):
        try:
            st = path.stat() if path is not None else None
        except OSError:
            st = None
        found[key] = (path, (st.st_mtime_ns, st.st_size, st.st_ino) if st else ())
    return found


def _sha256(path: Path | None) -> str:
    if path is None:
        return "jalur tidak sah"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "tidak ada"
    except OSError as exc:
        return f"tak terbaca ({exc.strerror or exc})"


def _digest(shape: dict[str, Any]) -> str:
    text = json.dumps(shape, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class _Entry:
    profile: Profile  # held so that its id is not reused while the entry lives
    settings: dict[str, Any]
    stamps: dict[str, tuple[int, ...]]
    local: LocalProfile
    checked: float


_cache: dict[tuple[str, int], _Entry] = {}
_cache_lock = threading.Lock()
_CACHE_ITEMS = 16


def local_profile(workspace: Workspace) -> LocalProfile:
    """This PC's fingerprint for ``workspace``: computed once per loaded profile, files re-read on change."""
    key = (str(workspace.root), id(workspace.profile))
    now = time.monotonic()
    with _cache_lock:
        entry = _cache.get(key)
    if entry is not None and entry.profile is not workspace.profile:
        entry = None
    if entry is not None and now - entry.checked < RECHECK_S:
        return entry.local
    settings = entry.settings if entry is not None else profile_shape(workspace.profile)
    files = _files(workspace, settings)
    stamps = {name: stamp for name, (_, stamp) in files.items()}
    if entry is not None and entry.stamps == stamps:
        local = entry.local
    else:
        shape = {**settings, **{name: _sha256(path) for name, (path, _) in files.items()}}
        local = LocalProfile(shape, _digest(shape))
    with _cache_lock:
        _cache.pop(key, None)
        _cache[key] = _Entry(workspace.profile, settings, stamps, local, now)
        while len(_cache) > _CACHE_ITEMS:
            _cache.pop(next(iter(_cache)))
    return local


def bind(conn: Any, workspace: Workspace) -> None:
    """Tie a register connection to the workspace it numbers for (``Register`` does it on opening)."""
    conn.profile_workspace = workspace


def _workspace_of(conn: Any, profile: Profile) -> Workspace:
    workspace: Workspace | None = getattr(conn, "profile_workspace", None)
    if workspace is None:
        raise RegisterUnusable(
            "Register dibuka tanpa workspace, jadi profilnya tidak bisa dibandingkan; nomor tidak diberikan. "
            "Buka register dengan Register.open(workspace)"
        )
    return workspace if workspace.profile is profile else Workspace(root=workspace.root, profile=profile)


def _recorded_shape(conn: Any) -> dict[str, Any] | None:
    row = conn.execute(_READ, (SHAPE_KEY,)).fetchone()
    try:
        shape = json.loads(row[0]) if row else None
    except ValueError:
        return None
    return shape if isinstance(shape, dict) else None


def differences(recorded: dict[str, Any] | None, local: dict[str, Any]) -> tuple[str, ...]:
    """The keys whose values differ between two shapes, sorted; a shape that cannot be read says so."""
    if recorded is None:
        return ("(rincian profil tercatat tidak terbaca)",)
    missing = object()
    keys = recorded.keys() | local.keys()
    return tuple(sorted(k for k in keys if recorded.get(k, missing) != local.get(k, missing)))


def _named(keys: tuple[str, ...]) -> str:
    shown = ", ".join(keys[:_SHOWN_KEYS])
    return shown + (f" dan {len(keys) - _SHOWN_KEYS} lainnya" if len(keys) > _SHOWN_KEYS else "")


def _record(conn: Any, local: LocalProfile) -> None:
    conn.write(_UPSERT, (FINGERPRINT_KEY, local.digest))
    conn.write(_UPSERT, (SHAPE_KEY, json.dumps(local.shape, sort_keys=True, ensure_ascii=False)))


def require_recorded_profile(conn: Any, profile: Profile) -> None:
    """Refuse to number when this PC's profile is not the one recorded in the register.

    Runs inside the numbering transaction (under the register's write lock), so the first PC to
    number records its fingerprint and no second PC can record another one meanwhile; a refusal
    rolls the transaction back, so no number is taken.
    """
    local = local_profile(_workspace_of(conn, profile))
    row = conn.execute(*FINGERPRINT_READ).fetchone()
    if row is None:
        _record(conn, local)  # a new register, or one from before this check: this profile is the office's
        return
    if row[0] == local.digest:
        return
    keys = differences(_recorded_shape(conn), local.shape)
    raise ProfileDrift(
        f"Profil komputer ini berbeda dengan profil yang tercatat di register ({_named(keys)}); nomor tidak "
        "diberikan. Samakan docgen.toml dan folder templates dengan komputer lain, atau bila perubahan itu "
        "disengaja, administrator menjalankan 'docgen register accept-profile' di komputer yang profilnya benar",
        keys=keys,
    )


def profile_drift(reg: Any) -> tuple[str, ...] | None:
    """How this PC's profile differs from the recorded one: None when none is recorded yet, () when equal."""
    local = local_profile(reg.workspace)
    row = reg.conn.execute(_READ, (FINGERPRINT_KEY,)).fetchone()
    if row is None:
        return None
    if row[0] == local.digest:
        return ()
    return differences(_recorded_shape(reg.conn), local.shape)


def drift_problems(reg: Any) -> list[str]:
    """``register check``'s line about profile drift, if this PC's profile differs from the recorded one."""
    keys = profile_drift(reg)
    if not keys:
        return []
    return [
        f"profil komputer ini berbeda dengan profil yang tercatat di register ({_named(keys)}); komputer ini "
        "tidak bisa memberi nomor. Samakan docgen.toml dan folder templates, atau terima perubahan yang "
        "disengaja dengan 'docgen register accept-profile'"
    ]


def accept_profile(reg: Any) -> tuple[str, ...]:
    """Record this PC's profile as the register's (a deliberate change); return the keys that changed.

    Nothing is written when the profiles already agree. The event names the old and new fingerprint
    and the changed keys; who accepted is the event's ``pengguna`` (the desk user, or the account and PC).
    """
    local = local_profile(reg.workspace)
    with atomic(reg.conn):
        row = reg.conn.execute(_READ, (FINGERPRINT_KEY,)).fetchone()
        old = row[0] if row else ""
        if old == local.digest:
            return ()
        keys = differences(_recorded_shape(reg.conn), local.shape) if row else ("(belum tercatat)",)
        _record(reg.conn, local)
        who = current_actor() or command_user()  # a library call names its OS account too: who accepted matters
        append_event(reg.conn, "profile.accepted", old=old, new=local.digest, changed=list(keys[:50]), pengguna=who)
    return keys
