"""Environment overrides of the profile (``DOCGEN_OFFICE__UNIT_CODE=...``): the one place they apply.

A service unit or a container sets one setting without editing ``docgen.toml``; the workspace
folder and the passwords are read by their own commands, never as profile settings.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from docgen.errors import ConfigError
from docgen.profile.section import PROFILE_NAME

__all__ = ["apply_env"]


_ENV_PREFIX = "DOCGEN_"


_ENV_RESERVED = {"DOCGEN_WORKSPACE", "DOCGEN_P12_PASSWORD", "DOCGEN_PASSWORD"}  # passwords are no profile setting


def apply_env(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
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
