"""Where the register's backups are and which file is one: named ``docgen-YYYYMMDD-HHMMSS.sqlite``.

Apart from making backups (``docgen.register.backup``) because opening a register names the newest
backup when the register is missing, and making a backup opens the register.
"""

from __future__ import annotations

import re
from pathlib import Path

from docgen.profile import Workspace, safe_join

__all__ = ["BACKUP_NAME", "backup_dir", "backups", "latest_backup"]

#: Only files named like this are backups: retention never deletes anything else.
BACKUP_NAME = re.compile(r"^docgen-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite$")


def backup_dir(workspace: Workspace) -> Path:
    """The configured backup folder (``[register] backup_dir``).

    A relative folder stays inside the workspace; an absolute one (another disk, a NAS mount) is
    the admin's choice in the profile, since a backup on the same disk dies with it.
    """
    setting = workspace.profile.books.backup_dir
    return Path(setting) if Path(setting).is_absolute() else safe_join(workspace.root, setting)


def backups(folder: Path) -> list[Path]:
    """Backups in ``folder``, oldest first (by the time in their names, then their counter)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = BACKUP_NAME.match(path.name)
        if match and path.is_file():
            found.append(((match[1], match[2], int(match[3] or 1)), path))
    return [path for _, path in sorted(found)]


def latest_backup(workspace: Workspace) -> Path | None:
    """The newest backup in the workspace's backup folder, named in the "register missing" message."""
    found = backups(backup_dir(workspace))
    return found[-1] if found else None
