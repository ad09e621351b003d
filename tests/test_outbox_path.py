"""``[outbox] path``: the outbox on a shared folder, each PC mounting it at its own place.

The register keeps file paths relative to the outbox, so a document one PC wrote is found,
verified and checked by another that reaches the same share under another name. Here the
"share" is a folder under ``tmp_path`` and a second "mount" of it is a symlink; with PostgreSQL
the two PCs are two workspaces pointing at one database, with SQLite (one PC only) two
workspaces on the same register file differing only in the outbox's name.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import RawRegister
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import ConfigError
from docgen.pipeline import generate
from docgen.profile import Workspace, load_workspace
from docgen.register import Register, check_register
from docgen.register.opening import MARKER
from docgen.store.db import SCHEMA_VERSION
from docgen.verify import Verdict, verify

KIND = "surat-keluar"
FOLDER = f"2026/{KIND}"
BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
runner = CliRunner()


def set_outbox(root: Path, path: Path | str) -> Workspace:
    """Point the workspace's docgen.toml at another outbox (as an admin edits it) and reload it."""
    profile = root / "docgen.toml"
    section = f'\n[outbox]\npath = "{path}"\n'
    text, found = re.subn(r'\n\[outbox\]\npath = "[^"]*"\n', section, profile.read_text(encoding="utf-8"))
    assert found == 1, "the shipped profile lost its [outbox] section"
    profile.write_text(text, encoding="utf-8")
    return load_workspace(root, env={})


def onto_share(ws: Workspace, share: Path) -> Workspace:
    """Move the workspace's outbox (its documents and .register-id) onto the share, as an office does."""
    share.mkdir(parents=True, exist_ok=True)
    shutil.move(ws.outbox, share / "outbox")
    return set_outbox(ws.root, share / "outbox")


def second_pc(pc_a: Workspace, root: Path, outbox: Path) -> tuple[Workspace, dict[str, str]]:
    """Another PC on the same register, and the environment its commands run with.

    PostgreSQL: its own workspace (a copy of the profile, so the same server url). SQLite serves
    one PC only, so there the "second PC" is the same workspace naming the outbox differently.
    """
    if not pc_a.profile.books.url:
        env = {"DOCGEN_OUTBOX__PATH": str(outbox)}
        return load_workspace(pc_a.root, env=env), env
    shutil.copytree(pc_a.root, root, ignore=shutil.ignore_patterns("registers", "outbox", "inbox"))
    return set_outbox(root, outbox), {}


def recorded_paths(ws: Workspace) -> list[str]:
    with RawRegister(ws) as raw:
        return [row[0] for row in raw.execute("SELECT path FROM files ORDER BY id").fetchall()]


def check(ws: Workspace):
    with Register.open(ws) as reg:
        return check_register(reg)


@BOTH
def test_documents_land_in_an_outbox_outside_the_workspace_and_the_register_keeps_outbox_relative_paths(
    make_workspace, letter, tmp_path
):
    ws = make_workspace(tmp_path / "pc-a")
    before = generate(ws, KIND, letter)  # written while the outbox was still in the workspace
    ws = onto_share(ws, tmp_path / "share")
    assert ws.outbox == tmp_path / "share" / "outbox" and ws.outbox_elsewhere

    made = generate(ws, KIND, letter)

    share_file = ws.outbox / FOLDER / Path(made.path).name
    assert made.path == str(share_file) and share_file.is_file()  # printed absolute: it is outside the workspace
    assert not (ws.root / "outbox").exists(), "a document was written into the workspace instead of the share"
    assert recorded_paths(ws) == [f"{FOLDER}/{Path(before.path).name}", f"{FOLDER}/{Path(made.path).name}"]
    report = check(ws)
    assert report.ok and report.files == 2, report.problems
    assert verify(ws, share_file).verdict is Verdict.GENUINE
    assert verify(ws, ws.outbox / FOLDER / Path(before.path).name).verdict is Verdict.GENUINE


@BOTH
def test_two_pcs_mounting_the_share_at_different_places_verify_and_check_each_others_files(
    make_workspace, letter, tmp_path
):
    share = tmp_path / "share"
    pc_a = onto_share(make_workspace(tmp_path / "pc-a"), share)
    mount_b = tmp_path / "mnt-b"
    mount_b.symlink_to(share, target_is_directory=True)  # PC B reaches the same share under another name
    pc_b, env_b = second_pc(pc_a, tmp_path / "pc-b", mount_b / "outbox")
    assert pc_b.outbox == mount_b / "outbox" != pc_a.outbox  # the name this PC uses, not resolved
    assert pc_b.outbox.resolve() == pc_a.outbox.resolve()

    from_a = generate(pc_a, KIND, letter)
    from_b = generate(pc_b, KIND, dict(letter, hal="Undangan dari PC B"))

    assert from_a.path.startswith(str(pc_a.outbox)) and from_b.path.startswith(str(pc_b.outbox))
    assert from_a.number != from_b.number  # one register, one counter
    name_a, name_b = Path(from_a.path).name, Path(from_b.path).name
    assert recorded_paths(pc_a) == [f"{FOLDER}/{name_a}", f"{FOLDER}/{name_b}"]
    # Each PC verifies the other's document through its own name for the share.
    assert verify(pc_b, pc_b.outbox / FOLDER / name_a).verdict is Verdict.GENUINE
    assert verify(pc_a, pc_a.outbox / FOLDER / name_b).verdict is Verdict.GENUINE
    for ws in (pc_a, pc_b):
        report = check(ws)
        assert report.ok and report.files == 2 and not report.in_progress, report.problems
    shown = runner.invoke(app, ["--workspace", str(pc_b.root), "register", "show", str(from_a.id)], env=env_b)
    assert shown.exit_code == 0, shown.output
    assert str(pc_b.outbox / FOLDER / name_a) in shown.stdout.replace("\n", "")
    checked = runner.invoke(app, ["--workspace", str(pc_b.root), "register", "check"], env=env_b)
    assert checked.exit_code == 0, checked.output


@BOTH
def test_an_old_register_with_workspace_relative_paths_migrates_and_still_verifies_and_checks(
    make_workspace, letter, tmp_path
):
    ws = make_workspace(tmp_path / "ws")
    made = [generate(ws, KIND, letter) for _ in range(2)]
    with RawRegister(ws) as raw:  # the register as docgen before schema 6 left it
        raw.execute("UPDATE files SET path = 'outbox/' || path")
        raw.execute("DROP TABLE links")  # added by schemas 7 and 8, after the one this test goes back before
        raw.execute("DROP TABLE batches")
        raw.execute("DROP TABLE signatures")
        raw.execute("DROP TABLE users")
        raw.execute("DROP TABLE given_numbers")  # schema 11
        raw.schema_version = 5
        events = raw.execute("SELECT id, detail, hash FROM events ORDER BY id").fetchall()

    with Register.open(ws) as reg:
        report = check_register(reg)

    assert report.ok and report.files == 2, report.problems
    with RawRegister(ws) as raw:
        assert raw.schema_version == SCHEMA_VERSION
        assert raw.execute("SELECT id, detail, hash FROM events ORDER BY id").fetchall() == events  # history kept
    assert recorded_paths(ws) == [f"{FOLDER}/{Path(m.path).name}" for m in made]
    for m in made:
        assert verify(ws, ws.root / m.path).verdict is Verdict.GENUINE


def test_an_unmounted_share_is_refused_before_a_number_is_taken(workspace, letter, tmp_path):
    generate(workspace, KIND, letter)
    moved = tmp_path / "share"
    ws = onto_share(workspace, moved)
    unmounted = tmp_path / "mnt" / "arsip"
    ws = set_outbox(ws.root, unmounted)  # the share's mount point, with nothing mounted on it

    with pytest.raises(ConfigError, match=r"outbox .* tidak ada; pasang \(mount\)"):
        generate(ws, KIND, letter)

    assert not unmounted.exists(), "the outbox was created on this PC's disk instead of the share"
    with RawRegister(ws) as raw:
        assert raw.execute("SELECT number, status FROM numbers").fetchall() == [("500.16.7.2/1/423.105/2026", "issued")]
    report = check(ws)
    assert any("tidak ada; pasang (mount)" in p for p in report.problems), report.problems
    assert (moved / "outbox" / MARKER).is_file()


def test_a_relative_outbox_path_leaving_the_workspace_is_refused_with_its_fix(workspace):
    with pytest.raises(ConfigError, match="keluar dari workspace.*jalur absolut"):
        set_outbox(workspace.root, "../arsip/outbox")


def test_a_recorded_path_leaving_the_outbox_is_reported_never_followed(workspace, letter):
    generate(workspace, KIND, letter)
    with RawRegister(workspace) as raw:
        raw.execute("UPDATE files SET path = '../docgen.toml'")

    report = check(workspace)

    assert any("keluar dari folder outbox" in p for p in report.problems), report.problems
