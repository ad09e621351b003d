"""The office profile: shipped default loads, mistakes name their key, env overrides one setting."""

from __future__ import annotations

import pytest

from docgen.errors import ConfigError
from docgen.profile import load_workspace, safe_join


def _edit(ws, old: str, new: str) -> None:
    path = ws.root / "docgen.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_profile_describes_dpmptsp_kota_pasuruan(workspace):
    profile = workspace.profile
    assert profile.office.kop[0] == "PEMERINTAH KOTA PASURUAN"
    assert profile.office.unit_code == "423.105"
    assert profile.head in profile.officials


def test_a_mistyped_key_is_named(workspace):
    _edit(workspace, "unit_code =", "unit_kode =")
    with pytest.raises(ConfigError) as err:
        load_workspace(workspace.root, env={})
    assert "office.unit_kode" in str(err.value) and "tidak dikenal" in str(err.value)
    assert "office.unit_code" in str(err.value) and "wajib diisi" in str(err.value)


def test_an_invalid_number_pattern_is_refused_at_load(workspace):
    _edit(workspace, 'pattern = "{prefix}{kka}/{seq}/{unit}/{year}"', 'pattern = "{kka}/{nomor}/{year}"')
    with pytest.raises(ConfigError, match=r"series\.surat-keluar\.pattern.*\{nomor\} tidak dikenal"):
        load_workspace(workspace.root, env={})


def test_a_nip_that_is_not_18_digits_is_refused(workspace):
    _edit(workspace, 'nip = "197805122005011002"', 'nip = "1978051220050110"')
    with pytest.raises(ConfigError, match=r"officials\.kadis\.nip.*18 angka"):
        load_workspace(workspace.root, env={})


def test_broken_toml_is_one_clear_line(workspace):
    _edit(workspace, 'city = "Pasuruan"', 'city = "Pasuruan')
    with pytest.raises(ConfigError, match="bukan TOML yang sah") as err:
        load_workspace(workspace.root, env={})
    assert "\n" not in str(err.value)


def test_environment_overrides_a_single_setting(workspace):
    ws = load_workspace(
        workspace.root, env={"DOCGEN_OFFICE__UNIT_CODE": "423.999", "DOCGEN_REGISTER__BUSY_TIMEOUT_S": "5"}
    )
    assert ws.profile.office.unit_code == "423.999"
    assert ws.profile.books.busy_timeout_s == 5
    assert ws.profile.office.city == "Pasuruan"


def test_environment_override_with_a_wrong_key_is_named(workspace):
    with pytest.raises(ConfigError, match="office.unit_kode"):
        load_workspace(workspace.root, env={"DOCGEN_OFFICE__UNIT_KODE": "1"})


def test_a_folder_without_profile_is_not_a_workspace(tmp_path):
    with pytest.raises(ConfigError, match="bukan workspace docgen"):
        load_workspace(tmp_path, env={})


def test_paths_from_the_profile_cannot_escape_the_workspace(workspace):
    with pytest.raises(ConfigError, match="keluar dari folder"):
        safe_join(workspace.root, "../../etc/passwd")
    _edit(workspace, 'path = "registers/docgen.sqlite"', 'path = "../luar.sqlite"')
    with pytest.raises(ConfigError, match="keluar dari folder"):
        load_workspace(workspace.root, env={})
