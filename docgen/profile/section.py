"""The profile file's name, and the base of every ``docgen.toml`` section: frozen once loaded,
and an unknown key is an error.

A mistyped key must fail at load time with its name, not be ignored; and a profile object is
shared by threads and cached, so nothing may change it after validation.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["PROFILE_NAME", "Section"]

PROFILE_NAME = "docgen.toml"


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
