"""Every PC on one register uses one profile (issue 21, "Numbers and the register", item 4).

A second PC set up as the README said numbered into the office's register with another pattern,
kop and signer, and ``register check`` called the register good. Here two "PCs" share one register:
on PostgreSQL two workspaces pointing at one database (each with its own copy of docgen.toml and
templates/), on SQLite (one PC only) the same folder loaded with other settings, as a PC with
environment overrides or an edited template would be. The second is refused before it numbers,
naming the difference, without taking a number; accepting the change is an event; ``register
check`` reports drift. Settings that only concern one PC (paths, the desk, timeouts) never count.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import RawRegister, cli, one_galat_line, signed_draft
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import ProfileDrift
from docgen.inbox import create_inbox
from docgen.pipeline import generate
from docgen.profile import Profile, Workspace, copy_defaults, load_workspace
from docgen.register import Register, check_register, profilelock
from docgen.register.batches import NumberWanted, reserve_many
from docgen.register.profilelock import (
    FINGERPRINT_KEY,
    SHAPE_KEY,
    differences,
    local_profile,
    profile_shape,
)
from docgen.watch import Watcher

KIND = "surat-keluar"
TEMPLATE = "templates/surat-keluar.docx"

#: One setting of each kind the issue names, as a second PC's environment sets it, and the key named.
CHANGES = {
    "pattern": (
        {"DOCGEN_SERIES__SURAT_KELUAR__PATTERN": "{seq:04}/{kka}/{unit}/{year}"},
        "series.surat-keluar.pattern",
    ),
    "official": ({"DOCGEN_OFFICIALS__KADIS__NAME": "Ir. PEJABAT LAIN, M.M."}, "officials.kadis.name"),
    "kop": ({"DOCGEN_OFFICE__KOP": '["PEMERINTAH KOTA PASURUAN", "DINAS YANG LAIN"]'}, "office.kop"),
    "template": ({}, TEMPLATE),
}
#: What differs between PCs without shaping anything: never a reason to refuse.
MACHINE_LOCAL_ENV = {"DOCGEN_REGISTER__BUSY_TIMEOUT_S": "7", "DOCGEN_DESK__PORT": "8091", "DOCGEN_WATCH__RETRIES": "5"}


def retouch(template: Path) -> None:
    """Change a Word template's bytes and nothing it renders (a ZIP comment), as a re-saved file would."""
    with zipfile.ZipFile(template, "a") as docx:
        docx.comment = b"disimpan ulang di PC lain"


def counts(ws: Workspace) -> tuple[int, ...]:
    """Documents, numbers, the counters' sum and events: a refusal changes none of them."""
    with Register.open(ws) as reg:
        one = lambda sql: reg.conn.execute(sql).fetchone()[0]  # noqa: E731
        return tuple(
            one(sql)
            for sql in (
                "SELECT COUNT(*) FROM documents",
                "SELECT COUNT(*) FROM numbers",
                "SELECT COALESCE(SUM(last_seq), 0) FROM counters",
                "SELECT COUNT(*) FROM events",
            )
        )


@pytest.fixture
def pc_a(make_workspace, letter, tmp_path) -> Workspace:
    """The office's first PC, which has numbered one letter (so its profile is the recorded one)."""
    ws = make_workspace(tmp_path / "pc-a")
    generate(ws, KIND, letter)
    return ws


@pytest.fixture
def second_pc(pc_a: Workspace, tmp_path: Path) -> Callable[[str], tuple[Workspace, dict[str, str]]]:
    """Another PC on pc_a's register with one change from CHANGES; returns it and its environment.

    It always differs from pc_a in machine-local settings too (its outbox's name, its timeouts).
    """

    def make(change: str) -> tuple[Workspace, dict[str, str]]:
        env = {**CHANGES[change][0], **MACHINE_LOCAL_ENV}
        if pc_a.profile.books.url:  # its own folder (a copy of docgen.toml and templates/), the same server
            root = tmp_path / "pc-b"
            shutil.copytree(pc_a.root, root, ignore=shutil.ignore_patterns("registers", "outbox", "inbox"))
            env["DOCGEN_OUTBOX__PATH"] = str(pc_a.outbox)
        else:  # SQLite serves one PC: the same folder, loaded with this PC's settings
            root = pc_a.root
        if change == "template":
            retouch(root / TEMPLATE)
        return load_workspace(root, env=env), env

    return make


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_pc_whose_profile_differs_is_refused_before_it_numbers_naming_the_difference(pc_a, second_pc, letter, change):
    pc_b, _ = second_pc(change)
    before = counts(pc_a)

    with pytest.raises(ProfileDrift) as refused:
        generate(pc_b, KIND, letter)

    key = CHANGES[change][1]
    assert refused.value.keys == (key,)  # machine-local differences are not named
    message = str(refused.value)
    assert f"({key})" in message and "\n" not in message
    assert "nomor tidak diberikan" in message and "docgen register accept-profile" in message
    assert counts(pc_a) == before  # no document, no number, no counter moved, no event
    draft = signed_draft(pc_b, letter)  # a draft takes no number, so it may be written
    with Register.open(pc_b) as reg, pytest.raises(ProfileDrift):
        reg.reserve_for(draft, "surat-keluar")  # but numbering it after signature is refused too
    assert counts(pc_a)[1:3] == before[1:3]
    if change != "template" or pc_b.root != pc_a.root:  # the PC with the recorded profile goes on numbering
        assert generate(pc_a, KIND, letter).number == "500.16.7.2/2/423.105/2026"


def test_a_batch_on_a_pc_with_another_profile_reserves_no_block(pc_a, second_pc):
    pc_b, _ = second_pc("pattern")
    before = counts(pc_a)
    wanted = [NumberWanted("surat-keluar", date(2026, 11, 28), "500.16.7.2")] * 5
    with Register.open(pc_b) as reg, pytest.raises(ProfileDrift):
        reserve_many(reg, wanted)
    assert counts(pc_a) == before


def test_a_watcher_on_a_pc_with_another_profile_stops_and_the_dropped_request_waits(pc_a, second_pc, letter):
    pc_b, _ = second_pc("official")
    create_inbox(pc_b)
    dropped = pc_b.root / "inbox" / KIND / "surat.json"
    dropped.write_text(json.dumps(letter), encoding="utf-8")
    before = counts(pc_a)

    with pytest.raises(ProfileDrift, match="officials.kadis.name"):
        Watcher(pc_b, settle_s=0.01).run(once=True)

    assert dropped.is_file()  # not the file's fault: it waits for the profile to be put right
    failed = dropped.parent / "failed"
    assert not failed.exists() or not any(failed.iterdir())
    assert counts(pc_a) == before


def test_the_cli_refuses_with_one_galat_line(pc_a, second_pc, letter, monkeypatch, tmp_path):
    pc_b, env = second_pc("official")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    request = tmp_path / "surat.json"
    request.write_text(json.dumps(letter), encoding="utf-8")
    line = one_galat_line(cli(pc_b, "new", KIND, "--data", str(request)))
    assert "officials.kadis.name" in line and "accept-profile" in line


def test_register_check_reports_drift_on_the_pc_that_differs_only(pc_a, second_pc):
    pc_b, _ = second_pc("pattern")
    with Register.open(pc_b) as reg:
        report = check_register(reg)
    assert not report.ok
    assert [p for p in report.problems if "profil" in p] == report.problems
    assert "series.surat-keluar.pattern" in report.problems[0] and "accept-profile" in report.problems[0]
    if pc_b.root != pc_a.root:
        with Register.open(pc_a) as reg:
            assert check_register(reg).ok


def test_accepting_a_deliberate_change_lets_the_pc_number_and_is_an_event(pc_a, second_pc, letter, monkeypatch):
    pc_b, env = second_pc("pattern")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with RawRegister(pc_a) as raw:
        old = raw.one("SELECT value FROM meta WHERE key = ?", (FINGERPRINT_KEY,))

    asked = CliRunner().invoke(app, ["--workspace", str(pc_b.root), "register", "accept-profile"], input="n\n")
    assert asked.exit_code == 1 and "series.surat-keluar.pattern" in asked.output  # nothing accepted on "n"
    with pytest.raises(ProfileDrift):
        generate(pc_b, KIND, letter)
    done = cli(pc_b, "register", "accept-profile", "--yes")
    assert done.exit_code == 0, done.output

    assert generate(pc_b, KIND, letter).number == "0002/500.16.7.2/423.105/2026"
    with Register.open(pc_b) as reg:
        events = reg.conn.execute("SELECT detail FROM events WHERE action = 'profile.accepted'").fetchall()
        assert check_register(reg).ok
    assert len(events) == 1
    detail = json.loads(events[0][0])
    assert detail["old"] == old and detail["new"] == local_profile(pc_b).digest != old
    assert detail["changed"] == ["series.surat-keluar.pattern"]
    assert detail["pengguna"].endswith("(perintah)")  # who: the account and PC of the command
    assert cli(pc_b, "register", "accept-profile").output.startswith("Profil komputer ini sudah sama")
    if pc_b.root != pc_a.root:  # now the PC left with the old pattern is the one refused
        with pytest.raises(ProfileDrift, match="series.surat-keluar.pattern"):
            generate(pc_a, KIND, letter)


def test_a_register_without_a_recorded_profile_records_it_at_its_first_numbering(make_workspace, letter, tmp_path):
    ws = make_workspace(tmp_path / "lama")
    generate(ws, KIND, letter)
    with RawRegister(ws) as raw:  # a register from before this check
        raw.execute("DELETE FROM meta WHERE key IN (?, ?)", (FINGERPRINT_KEY, SHAPE_KEY))
    with Register.open(ws) as reg:
        assert check_register(reg).ok  # nothing recorded is no drift

    generate(ws, KIND, letter)

    with RawRegister(ws) as raw:
        assert raw.one("SELECT value FROM meta WHERE key = ?", (FINGERPRINT_KEY,)) == local_profile(ws).digest
    other = load_workspace(ws.root, env={"DOCGEN_OFFICE__UNIT_CODE": "999.001"})
    with pytest.raises(ProfileDrift, match=r"\(office.unit_code\)"):
        generate(other, KIND, letter)


def test_a_template_edited_while_a_process_runs_is_noticed_before_its_next_number(pc_a, letter, monkeypatch):
    monkeypatch.setattr(profilelock, "RECHECK_S", 0.0)  # a running watcher re-reads its stamps every few seconds
    with Register.open(pc_a) as reg:
        generate(pc_a, KIND, letter, register=reg)
        retouch(pc_a.root / TEMPLATE)
        with pytest.raises(ProfileDrift, match="templates/surat-keluar.docx"):
            generate(pc_a, KIND, letter, register=reg)


# -- the fingerprint itself: any shaping setting counts, machine-local ones never ---------------

_BASE: dict[str, Any] = {}


def base_profile() -> Profile:
    """The shipped profile (loaded once)."""
    if not _BASE:
        with tempfile.TemporaryDirectory() as tmp:
            _BASE["profile"] = load_workspace(copy_defaults(Path(tmp) / "ws"), env={}).profile
    return _BASE["profile"]


def _leaves(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(data, dict) and data:
        return [leaf for k, v in data.items() for leaf in _leaves(v, (*prefix, k))]
    return [prefix]


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def changed_value(draw: Any, key: str, old: Any) -> Any:
    """Another value for a setting, of the shape its validator accepts."""
    if key.endswith(".nip"):
        return draw(st.text("0123456789", min_size=18, max_size=18).filter(lambda v: v != old))
    if key.endswith(".pattern"):
        return old + draw(st.sampled_from(["-A", "/X", " B", "/{month_roman}"]))
    if isinstance(old, bool):
        return not old
    if isinstance(old, int | float):
        return old + draw(st.integers(1, 5))
    if isinstance(old, list):
        return [*old, draw(st.text("ABCDEFGHIJ ", min_size=1, max_size=8))]
    if old is None or isinstance(old, str):
        return (old or "") + draw(st.text("ABCXYZ 0123.", min_size=1, max_size=6))
    reject()  # an empty table (no per-kind overrides): nothing to change in place


@st.composite
def one_change(draw: Any, local: bool) -> tuple[str, Profile]:
    """The shipped profile with one leaf setting changed (a shaping one, or a machine-local one)."""
    data = base_profile().model_dump(mode="json", by_alias=True)
    leaves = [p for p in _leaves(data) if profilelock._machine_local(".".join(p)) is local]
    path = draw(st.sampled_from(sorted(leaves)))
    key = ".".join(path)
    _set(data, path, changed_value(draw, key, _get(data, path)))
    try:
        return key, Profile.model_validate(data)
    except ValidationError:
        reject()
        raise


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(one_change(local=False))
def test_any_single_changed_shaping_setting_is_detected_and_named(change):
    key, profile = change
    assert differences(profile_shape(base_profile()), profile_shape(profile)) == (key,)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(one_change(local=True))
def test_a_changed_machine_local_setting_is_never_drift(change):
    _, profile = change
    assert profile_shape(profile) == profile_shape(base_profile())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_byte_of_any_template_or_printed_file_is_detected(tmp_path, data):
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        ws = load_workspace(copy_defaults(Path(tmp) / "ws"), env={})
        before = local_profile(ws)
        files = sorted(p for p in ws.templates.rglob("*") if p.is_file())
        target = data.draw(st.sampled_from(files))
        content = bytearray(target.read_bytes())
        at = data.draw(st.integers(0, len(content) - 1))
        content[at] ^= data.draw(st.integers(1, 255))
        target.write_bytes(bytes(content))
        ws = load_workspace(ws.root, env={})  # a new process: the profile loaded afresh
        named = differences(before.shape, local_profile(ws).shape)
    rel = target.relative_to(ws.root).as_posix()
    expected = {f"{rel}"} | ({"berkas office.emblem"} if rel == "templates/lambang.png" else set())
    assert set(named) == expected


def test_the_fingerprint_is_recorded_in_the_register_as_the_shape_it_hashes(pc_a):
    with RawRegister(pc_a) as raw:
        shape = json.loads(raw.one("SELECT value FROM meta WHERE key = ?", (SHAPE_KEY,)))
    assert shape == json.loads(json.dumps(local_profile(pc_a).shape))
    assert shape["series.surat-keluar.pattern"] == "{prefix}{kka}/{seq}/{unit}/{year}"
    assert not any(k.startswith(("register.", "outbox.", "desk.")) for k in shape)
