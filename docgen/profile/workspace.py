"""The workspace folder that holds ``docgen.toml``, and loading it into a validated profile.

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

from pydantic import ValidationError

from docgen.archive import ArchiveCodes
from docgen.errors import ConfigError, RegisterError
from docgen.profile.environment import apply_env
from docgen.profile.model import Profile
from docgen.profile.section import PROFILE_NAME
from docgen.validation import summarize

__all__ = ["Workspace", "copy_defaults", "load_workspace", "safe_join", "shipped_dir"]


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
    inside = Path(__file__).parents[1] / "_shipped"
    return inside if inside.is_dir() else Path(__file__).resolve().parents[2]


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
        profile = Profile.model_validate(apply_env(data, env))
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
