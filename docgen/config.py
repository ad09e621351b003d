"""The office profile (``docgen.toml``) and the workspace folder that holds it.

Everything office-specific (kop lines, officials, unit code, numbering series) is data in one
validated file, so another office adopts docgen by editing TOML, never code; a mistyped key
fails at load time with the key's name.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from docgen.archive import ArchiveCodes, well_formed
from docgen.errors import ConfigError, RegisterError
from docgen.pattern import validate_pattern
from docgen.permitsettings import (
    DEFAULT_PERMIT_SERIES,
    DEFAULT_PERMITS,
    DecreeSettings,
    FinanceRoles,
    PermitType,
    Staff,
)
from docgen.sections import (
    ArchiveSettings,
    CapStyle,
    DeskSettings,
    DispositionSettings,
    Limits,
    OutboxSettings,
    Place,
    StampLayout,
    Verification,
    WatchSettings,
)
from docgen.signsettings import SigningSettings
from docgen.validation import register_url_problem, summarize

__all__ = [
    "PROFILE_NAME",
    "copy_defaults",
    "CapStyle",
    "KindSettings",
    "Limits",
    "Office",
    "Official",
    "OutboxSettings",
    "Profile",
    "Place",
    "Series",
    "StampLayout",
    "Workspace",
    "load_workspace",
    "safe_join",
    "shipped_dir",
]

PROFILE_NAME = "docgen.toml"
_ENV_PREFIX = "DOCGEN_"
_ENV_RESERVED = {"DOCGEN_WORKSPACE", "DOCGEN_P12_PASSWORD", "DOCGEN_PASSWORD"}  # passwords are no profile setting


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Office(_Frozen):
    """Who the office is, as printed in the kop and the footer of every document."""

    kop: list[str] = Field(min_length=1, description="Kop lines, top to bottom (government, agency).")
    city: str = Field(min_length=1, description="Place printed before the date: 'Pasuruan, 28 ...'.")
    address: str = Field(min_length=1, description="Street address line of the kop.")
    postal_code: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    emblem: str = Field("templates/lambang.png", description="Emblem image, workspace-relative.")
    unit_code: str = Field(min_length=1, description="Unit code in numbers, e.g. 423.105.")


class Official(_Frozen):
    """A person who signs; the key in ``[officials.<key>]`` is what requests refer to."""

    name: str = Field(min_length=1)
    nip: str = Field(description="18-digit civil-servant number; spaces allowed.")
    rank: str = Field("", description="Pangkat/golongan, e.g. 'Pembina Tingkat I'.")
    position: str = Field(min_length=1, description="Jabatan as printed above the signature.")
    agency: str = Field("", description="The official's agency when not this office (head of an OPD teknis).")

    @field_validator("nip")
    @classmethod
    def _nip_has_18_digits(cls, v: str) -> str:
        digits = v.replace(" ", "")
        if not (digits.isdigit() and len(digits) == 18):
            raise ValueError(f"NIP harus 18 angka, diterima {len(digits)}")
        return digits


class Series(_Frozen):
    """A numbering counter: its pattern, when it restarts, and how insert numbers look."""

    pattern: str = Field(description="e.g. '{kka}/{seq}/{unit}/{year}'; see docgen.pattern.")
    restart: Literal["yearly", "never"] = "yearly"
    insert_style: Literal["letter", "dot"] = Field(
        "letter", description="Insert numbers for backdated letters: 57a (letter) or 57.1 (dot)."
    )
    prefixes: dict[str, str] = Field(default_factory=dict, description="{prefix} by sifat, e.g. {Rahasia = 'R.'}.")

    @field_validator("pattern")
    @classmethod
    def _pattern_is_valid(cls, v: str) -> str:
        return validate_pattern(v)


class KindSettings(_Frozen):
    """Per-kind overrides: which series a kind numbers from and its default archive code."""

    series: str | None = None
    kka: str | None = None

    @field_validator("kka")
    @classmethod
    def _kka_shape(cls, v: str | None) -> str | None:
        if v is not None and not well_formed(v):
            raise ValueError("kode klasifikasi ditulis seperti 500.16.7.2")
        return v


class RegisterSettings(_Frozen):
    """Where the register lives, how long a writer waits for SQLite's lock, and its backups."""

    path: str = "registers/docgen.sqlite"
    url: str | None = Field(
        None,
        description="postgresql://user@host:5432/docgen for one register shared by several PCs; "
        "none: SQLite at `path`. Keep the password in ~/.pgpass or PGPASSWORD, not here.",
    )
    busy_timeout_s: float = Field(30.0, gt=0, description="Seconds a writer waits for the register's lock.")
    backup_dir: str = Field("registers/cadangan", description="Folder of 'docgen register backup', in the workspace.")
    backup_keep: int = Field(0, ge=0, description="Backups kept; older ones are deleted. 0 keeps every backup.")

    @field_validator("url")
    @classmethod
    def _postgres_url(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        if not v.startswith(("postgresql://", "postgres://")):
            raise ValueError(
                "harus alamat PostgreSQL seperti postgresql://docgen@server:5432/docgen (kosongkan untuk SQLite)"
            )
        problem = register_url_problem(v.strip())
        if problem:
            raise ValueError(problem)
        return v.strip()


class Profile(_Frozen):
    """The whole ``docgen.toml``."""

    office: Office
    head: str = Field("kadis", description="Key of the agency head, for 'a.n.' signatures.")
    officials: dict[str, Official] = Field(min_length=1)
    series: dict[str, Series] = Field(min_length=1)
    kinds: dict[str, KindSettings] = Field(default_factory=dict)
    # Named `books` in code: pydantic reserves the attribute name `register`.
    books: RegisterSettings = Field(RegisterSettings(), alias="register")
    outbox: OutboxSettings = OutboxSettings()
    verification: Verification = Verification()
    desk: DeskSettings = DeskSettings()
    stamp: dict[str, StampLayout] = Field(default_factory=dict, description="Stamp positions per kind.")
    cap: CapStyle = CapStyle()
    disposition: DispositionSettings = DispositionSettings()
    archive: ArchiveSettings = ArchiveSettings()
    watch: WatchSettings = WatchSettings()
    limits: Limits = Limits()
    staff: dict[str, Staff] = Field(default_factory=dict, description="Inspection team members by key.")
    izin: dict[str, PermitType] = Field(default_factory=lambda: dict(DEFAULT_PERMITS), description="Permit types.")
    keputusan: DecreeSettings = DecreeSettings()
    keuangan: FinanceRoles = FinanceRoles()
    signing: SigningSettings = SigningSettings()

    @model_validator(mode="before")
    @classmethod
    def _permit_series(cls, data: Any) -> Any:
        """A profile written before the permit kinds existed gets their series, so it keeps loading."""
        if isinstance(data, dict) and isinstance(data.get("series"), dict):
            series = dict(data["series"])
            for name, pattern in DEFAULT_PERMIT_SERIES.items():
                series.setdefault(name, {"pattern": pattern})
            data = {**data, "series": series}
        return data

    def stamp_layout(self, kind: str) -> StampLayout:
        return self.stamp.get(kind, StampLayout())

    @model_validator(mode="after")
    def _references_exist(self) -> Profile:
        if self.head not in self.officials:
            raise ValueError(f"head '{self.head}' tidak ada di [officials]")
        for name, ks in self.kinds.items():
            if ks.series is not None and ks.series not in self.series:
                raise ValueError(f"kinds.{name}.series '{ks.series}' tidak ada di [series]")
        for name, permit in self.izin.items():
            if permit.series not in self.series:
                raise ValueError(f"izin.{name}.series '{permit.series}' tidak ada di [series]")
        return self


def safe_join(root: Path, relative: str) -> Path:
    """Join a user-supplied relative path under ``root``, refusing anything that escapes it."""
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root.resolve()):
        raise ConfigError(f"Jalur '{relative}' keluar dari folder {root}; pakai jalur di dalamnya")
    return candidate


@dataclass(frozen=True)
class Workspace:
    """A folder with ``docgen.toml``, ``templates/``, ``registers/``, ``outbox/``, ``inbox/``."""

    root: Path
    profile: Profile

    @property
    def register_path(self) -> Path:
        return safe_join(self.root, self.profile.books.path)

    @property
    def outbox(self) -> Path:
        """The outbox folder as this PC names it (``[outbox] path``), normalised but not resolved.

        Not resolved: a share reached through a symlink keeps the name this PC uses, and the
        register's paths are relative to this folder, never to where the share really lives.
        """
        configured = self.profile.outbox.path
        folder = Path(os.path.normpath(self.root / configured))  # an absolute path replaces the root
        if not folder.is_relative_to(self.root) and not Path(configured).is_absolute():
            raise ConfigError(
                f"[outbox] path '{configured}' keluar dari workspace {self.root}; untuk folder di luar "
                "workspace tulis jalur absolut, mis. /mnt/arsip-dpmptsp/outbox"
            )
        return folder

    @property
    def outbox_elsewhere(self) -> bool:
        """Whether the outbox really lies outside the workspace (another disk, a share, via a symlink too)."""
        return not self.outbox.resolve().is_relative_to(self.root)

    def outbox_file(self, recorded: str) -> Path:
        """The file a register path (relative to the outbox) names on this PC.

        The path comes from the register, so it is data: one that would leave the outbox is refused.
        """
        target = Path(os.path.normpath(self.outbox / recorded))
        if Path(recorded).is_absolute() or not target.is_relative_to(self.outbox) or target == self.outbox:
            raise RegisterError(
                f"Jalur berkas '{recorded[:200]}' di register keluar dari folder outbox; register rusak, "
                "jalankan 'docgen register check' dan pulihkan dari cadangan"
            )
        return target

    def shown(self, path: Path) -> str:
        """A path as office staff should read it: workspace-relative inside the workspace, else absolute."""
        path = Path(os.path.normpath(path))
        if path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return str(path)

    def require_outbox(self) -> Path:
        """The outbox, refused when it lies outside the workspace and is missing.

        An outbox on a share that is not mounted would otherwise be created on this PC's own disk,
        where the other PCs (and the register's check) never see the documents.
        """
        outbox = self.outbox
        if not outbox.is_dir() and not outbox.is_relative_to(self.root):
            raise ConfigError(
                f"Folder outbox {outbox} tidak ada; pasang (mount) folder bersamanya dulu, "
                "atau perbaiki [outbox] path di docgen.toml"
            )
        return outbox

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def template(self, name: str) -> Path:
        return safe_join(self.templates, name)

    @property
    def emblem(self) -> Path:
        return safe_join(self.root, self.profile.office.emblem)

    @cached_property
    def archive_codes(self) -> ArchiveCodes:
        """Both shipped classification tables plus the office's CSV, loaded once."""
        extra = safe_join(self.root, self.profile.archive.extra_codes)
        return ArchiveCodes.load(extra if extra.is_file() else None)


def shipped_dir() -> Path:
    """The shipped default workspace: inside the wheel, or the repository root in a clone."""
    inside = Path(__file__).parent / "_shipped"
    return inside if inside.is_dir() else Path(__file__).resolve().parents[1]


def _apply_env(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """Apply ``DOCGEN_OFFICE__UNIT_CODE=...`` style overrides, one setting per variable.

    Keys match case-insensitively with ``-`` read as ``_`` so ``DOCGEN_SERIES__SURAT_KELUAR__PATTERN``
    reaches ``[series.surat-keluar]``. An unknown last key is kept so validation names it.

    Not pydantic-settings (``env_nested_delimiter``), tried for issue 8: it made
    ``DOCGEN_SERIES__SURAT_KELUAR__PATTERN`` a second series ``surat_keluar`` beside the profile's
    ``surat-keluar``, read the aliased ``[register]`` section from ``REGISTER__*`` without the prefix,
    and cannot take the mapping tests inject; keeping today's behaviour would need more code than this.
    """
    for var, value in sorted(env.items()):
        if not var.startswith(_ENV_PREFIX) or var in _ENV_RESERVED:
            continue
        path = var[len(_ENV_PREFIX) :].lower().split("__")
        node = data
        for depth, part in enumerate(path):
            match = next((k for k in node if k.lower().replace("-", "_") == part), None)
            if depth == len(path) - 1:
                node[match or part] = _env_value(value)
            elif match is None or not isinstance(node[match], dict):
                raise ConfigError(f"{var}: bagian '{part}' tidak ada di {PROFILE_NAME}")
            else:
                node = node[match]
    return data


def _env_value(value: str) -> Any:
    """Lists and tables may be written as TOML (``["a", "b"]``); everything else is text."""
    if value.strip().startswith(("[", "{")):
        try:
            return tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            pass
    return value


def load_workspace(root: Path | str | None = None, *, env: Mapping[str, str] | None = None) -> Workspace:
    """Load and validate the workspace at ``root`` (default: ``$DOCGEN_WORKSPACE`` or cwd)."""
    env = os.environ if env is None else env
    root = Path(root or env.get("DOCGEN_WORKSPACE") or Path.cwd()).resolve()
    path = root / PROFILE_NAME
    if not path.is_file():
        raise ConfigError(
            f"{root} bukan workspace docgen (tidak ada {PROFILE_NAME}); "
            "buat dengan 'docgen init FOLDER' atau pindah ke folder workspace"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: bukan TOML yang sah ({exc}); periksa tanda kutip dan kurung") from exc
    try:
        profile = Profile.model_validate(_apply_env(data, env))
    except ValidationError as exc:
        message, _ = summarize(exc)
        raise ConfigError(f"Profil {path} salah: {message}") from exc
    workspace = Workspace(root=root, profile=profile)
    _ = workspace.register_path, workspace.emblem, workspace.outbox  # a path escaping the workspace fails now
    for name, settings in profile.kinds.items():
        if settings.kka:
            try:
                workspace.archive_codes.validate(settings.kka)
            except ValueError as exc:
                raise ConfigError(f"Profil {path} salah: 'kinds.{name}.kka' {exc}") from exc
    return workspace


def copy_defaults(target: Path | str) -> Path:
    """Copy the shipped profile and templates into ``target``; refuses to overwrite a profile.

    The register is created by its own layer (``docgen.pipeline.create_workspace``).
    """
    target = Path(target).resolve()
    if (target / PROFILE_NAME).exists():
        raise ConfigError(f"{target} sudah berisi {PROFILE_NAME}; pilih folder lain")
    source = shipped_dir()
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / PROFILE_NAME, target / PROFILE_NAME)
    shutil.copytree(source / "templates", target / "templates", dirs_exist_ok=True)
    for sub in ("registers", "outbox", "inbox"):
        (target / sub).mkdir(exist_ok=True)
    return target
