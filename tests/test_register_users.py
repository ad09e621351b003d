"""Desk accounts (issue 16): argon2id passwords, roles, lock-out, events without secrets; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from conftest import RawRegister, cli, one_galat_line

from docgen.errors import RegisterError
from docgen.register import Register, users
from docgen.register.users import (
    ACCOUNT_LOCK_AFTER,
    AuthError,
    add_user,
    authenticate,
    check_login,
    deactivate,
    get_user,
    list_users,
    update_user,
)

PASSWORD = "rahasia-kantor-2026"
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def reg(workspace):
    with Register.open(workspace) as reg:
        yield reg


def _events(reg, prefix: str = "user.") -> list[tuple[str, dict]]:
    rows = reg.conn.execute("SELECT action, detail FROM events ORDER BY id").fetchall()
    return [(r[0], json.loads(r[1])) for r in rows if r[0].startswith(prefix)]


def _stored_hash(reg, username: str) -> str:
    return reg.conn.execute("SELECT password_hash FROM users WHERE username = ?", (username,)).fetchone()[0]


def test_an_added_user_logs_in_with_the_password_kept_as_an_argon2id_hash(reg):
    user = add_user(reg, "siti", "Siti  Aminah", ["pimpinan", "umum"], PASSWORD)
    assert (user.username, user.name, user.roles, user.active) == ("siti", "Siti Aminah", ("umum", "pimpinan"), True)
    assert authenticate(reg, "siti", PASSWORD) == user
    digest = _stored_hash(reg, "siti")
    assert digest.startswith("$argon2id$") and PASSWORD not in digest
    assert [a for a, _ in _events(reg)] == ["user.added"]


def test_twenty_wrong_passwords_in_a_row_lock_the_account_for_addresses_it_does_not_know(reg):
    add_user(reg, "budi", "Budi", ["umum"], PASSWORD)
    for i in range(ACCOUNT_LOCK_AFTER):
        with pytest.raises(AuthError, match="salah"):
            authenticate(reg, "budi", "tebakan-salah-01", now=T0 + timedelta(seconds=i))
    with pytest.raises(AuthError) as locked:
        authenticate(reg, "budi", PASSWORD, now=T0 + timedelta(minutes=14))  # even the right password
    with pytest.raises(AuthError) as wrong:
        authenticate(reg, "siti.tidak.ada", PASSWORD, now=T0 + timedelta(minutes=14))
    assert str(locked.value) == str(wrong.value)  # a locked account answers like a wrong password
    assert [a for a, _ in _events(reg)] == ["user.added", "user.locked"]
    # the colleague at the PC the account logged in from before still gets in
    assert authenticate(reg, "budi", PASSWORD, now=T0 + timedelta(minutes=14), known=True).username == "budi"
    assert authenticate(reg, "budi", PASSWORD, now=T0 + timedelta(minutes=16)).username == "budi"


def test_unknown_name_wrong_password_and_locked_account_cost_one_verification_and_no_write(reg, monkeypatch):
    """Nothing in the answer or its work tells whether the name exists (issue 21)."""
    add_user(reg, "siti", "Siti", ["umum"], PASSWORD)
    add_user(reg, "budi", "Budi", ["umum"], PASSWORD)
    for _ in range(ACCOUNT_LOCK_AFTER):
        with pytest.raises(AuthError):
            authenticate(reg, "budi", "tebakan-salah-01")
    verified: list[str] = []

    class Counting(PasswordHasher):  # the real argon2 verification, counted
        def verify(self, digest, password):  # type: ignore[override]
            verified.append(digest)
            return super().verify(digest, password)

    monkeypatch.setattr(users, "_hasher", Counting())

    def books() -> list:
        return [list(r) for r in reg.conn.execute("SELECT * FROM users ORDER BY id").fetchall()] + [
            reg.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        ]

    messages = set()
    for name, password, shut in [
        ("tidak.ada", PASSWORD, False),  # no such account
        ("siti", "bukan-sandinya-x", False),  # wrong password
        ("budi", PASSWORD, False),  # locked for everyone, the right password
        ("siti", PASSWORD, True),  # this address is shut out of siti, the right password
        ("Robert'); DROP", PASSWORD, False),  # not even a name
    ]:
        before, verified[:] = books(), []
        with pytest.raises(AuthError) as refused:
            check_login(reg, name, password, shut=shut)
        messages.add(str(refused.value))
        assert len(verified) == 1, f"{name}: {len(verified)} argon2 verifications"
        assert verified[0].startswith("$argon2id$")
        assert books() == before, f"{name}: the register changed"
    assert len(messages) == 1, messages


def test_a_success_resets_the_count_of_wrong_passwords(reg):
    add_user(reg, "budi", "Budi", ["umum"], PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthError):
            authenticate(reg, "budi", "tebakan-salah-01", now=T0)
    authenticate(reg, "budi", PASSWORD, now=T0)
    for _ in range(4):
        with pytest.raises(AuthError, match="salah"):
            authenticate(reg, "budi", "tebakan-salah-01", now=T0)
    assert authenticate(reg, "budi", PASSWORD, now=T0).username == "budi"


def test_unknown_user_and_wrong_password_get_the_same_message(reg):
    add_user(reg, "siti", "Siti", ["umum"], PASSWORD)
    with pytest.raises(AuthError) as unknown:
        authenticate(reg, "tidak.ada", PASSWORD)
    with pytest.raises(AuthError) as wrong:
        authenticate(reg, "siti", "bukan-sandinya-x")
    with pytest.raises(AuthError) as malformed:
        authenticate(reg, "Robert'); DROP", PASSWORD)
    assert str(unknown.value) == str(wrong.value) == str(malformed.value)
    assert "siti" not in str(wrong.value) and PASSWORD not in str(unknown.value)


def test_a_deactivated_account_is_refused_with_the_right_password(reg):
    add_user(reg, "siti", "Siti", ["umum"], PASSWORD)
    deactivate(reg, "siti")
    with pytest.raises(AuthError, match="dinonaktifkan"):
        authenticate(reg, "siti", PASSWORD)
    with pytest.raises(AuthError, match="salah"):  # a guesser learns nothing about the account
        authenticate(reg, "siti", "bukan-sandinya-x")
    assert get_user(reg, "siti").active is False
    assert [a for a, _ in _events(reg)] == ["user.added", "user.deactivated"]


def test_neither_the_password_nor_its_hash_reaches_an_event(reg, workspace):
    add_user(reg, "siti", "Siti", ["umum"], PASSWORD)
    new_password = "sandi-baru-yang-panjang"
    update_user(reg, "siti", name="Siti A.", password=new_password)
    for _ in range(ACCOUNT_LOCK_AFTER):
        with pytest.raises(AuthError):
            authenticate(reg, "siti", "tebakan-salah-01")
    deactivate(reg, "siti")
    digest = _stored_hash(reg, "siti")
    with RawRegister(workspace) as raw:
        log = json.dumps([list(r) for r in raw.execute("SELECT action, detail FROM events").fetchall()])
    assert [a for a, _ in _events(reg)] == ["user.added", "user.changed", "user.locked", "user.deactivated"]
    for secret in (PASSWORD, new_password, digest, "argon2", "tebakan-salah-01"):
        assert secret not in log
    assert _events(reg)[1][1]["fields"] == ["name", "password"]


def test_a_short_password_is_refused_without_echoing_it(reg):
    with pytest.raises(RegisterError, match="paling sedikit 10") as short:
        add_user(reg, "siti", "Siti", ["umum"], "pendek123")
    assert "pendek123" not in str(short.value)
    assert list_users(reg) == []
    add_user(reg, "siti", "Siti", ["umum"], PASSWORD)
    with pytest.raises(RegisterError, match="paling sedikit 10"):
        update_user(reg, "siti", password="pendek123")
    assert authenticate(reg, "siti", PASSWORD).username == "siti"


def test_usernames_roles_and_the_bidang_unit_are_checked(reg, workspace):
    unit = workspace.profile.disposition.units[1]
    for bad in ("ab", "Siti", "siti aminah", "x" * 33, "siti@kantor"):
        with pytest.raises(RegisterError, match="tidak sah"):
            add_user(reg, bad, "Siti", ["umum"], PASSWORD)
    with pytest.raises(RegisterError, match="tidak dikenal"):
        add_user(reg, "siti", "Siti", ["umum", "superuser"], PASSWORD)
    with pytest.raises(RegisterError, match="bidang"):
        add_user(reg, "andi", "Andi", ["bidang"], PASSWORD)
    with pytest.raises(RegisterError, match="tidak ada di"):
        add_user(reg, "andi", "Andi", ["bidang"], PASSWORD, unit="Bidang Khayalan")
    with pytest.raises(RegisterError, match="hanya untuk"):
        add_user(reg, "andi", "Andi", ["umum"], PASSWORD, unit=unit)
    andi = add_user(reg, "andi", "Andi", ["bidang"], PASSWORD, unit=unit)
    assert (andi.roles, andi.unit) == (("bidang",), unit)
    with pytest.raises(RegisterError, match="sudah ada"):
        add_user(reg, "andi", "Andi Lain", ["umum"], PASSWORD)
    assert update_user(reg, "andi", roles=["perizinan"]).unit == ""  # leaving bidang leaves its unit
    with pytest.raises(RegisterError, match="tidak ada;"):
        update_user(reg, "hantu", name="Hantu")


def test_a_hash_made_with_older_parameters_is_renewed_at_login(reg, workspace):
    add_user(reg, "siti", "Siti", ["umum"], PASSWORD)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with RawRegister(workspace) as raw:
        raw.execute("UPDATE users SET password_hash = ? WHERE username = ?", (weak, "siti"))
    authenticate(reg, "siti", PASSWORD)
    renewed = _stored_hash(reg, "siti")
    assert renewed != weak and not PasswordHasher().check_needs_rehash(renewed)
    assert authenticate(reg, "siti", PASSWORD).username == "siti"


def test_the_cli_adds_and_lists_users_with_the_password_from_the_environment(workspace, monkeypatch):
    monkeypatch.setenv("DOCGEN_PASSWORD", PASSWORD)
    unit = workspace.profile.disposition.units[0]
    added = cli(workspace, "pengguna", "tambah", "siti", "--nama", "Siti Aminah", "--peran", "umum,pimpinan")
    assert added.exit_code == 0, added.output
    bidang = cli(workspace, "pengguna", "tambah", "andi", "--nama", "Andi", "--peran", "bidang", "--unit", unit)
    assert bidang.exit_code == 0, bidang.output
    assert PASSWORD not in added.output + bidang.output
    assert cli(workspace, "pengguna", "nonaktif", "andi").exit_code == 0
    listed = cli(workspace, "pengguna", "daftar", "--json")
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == [
        {"username": "andi", "name": "Andi", "roles": ["bidang"], "unit": unit, "active": False},
        {"username": "siti", "name": "Siti Aminah", "roles": ["umum", "pimpinan"], "unit": "", "active": True},
    ]
    line = one_galat_line(cli(workspace, "pengguna", "tambah", "siti", "--nama", "Siti", "--peran", "umum"))
    assert "sudah ada" in line
    with Register.open(workspace) as reg:
        assert authenticate(reg, "siti", PASSWORD).roles == ("umum", "pimpinan")


def test_the_cli_changes_a_password_given_at_a_hidden_prompt(workspace):
    from typer.testing import CliRunner

    from docgen.cli import app

    assert cli(workspace, "pengguna", "tambah", "siti", "--nama", "Siti", "--peran", "umum").exit_code == 1  # no input
    new = "sandi-dari-prompt-99"
    runner = CliRunner()
    base = ["--workspace", str(workspace.root), "pengguna"]
    done = runner.invoke(app, [*base, "tambah", "siti", "--nama", "Siti", "--peran", "umum"], input=f"{PASSWORD}\n" * 2)
    assert done.exit_code == 0, done.output
    changed = runner.invoke(app, [*base, "ubah", "siti", "--kata-sandi"], input=f"{new}\n{new}\n")
    assert changed.exit_code == 0, changed.output
    assert PASSWORD not in done.output and new not in changed.output
    with Register.open(workspace) as reg:
        assert authenticate(reg, "siti", new).username == "siti"
        with pytest.raises(AuthError):
            authenticate(reg, "siti", PASSWORD)


def test_a_deactivated_account_is_opened_again_and_can_log_in(workspace, monkeypatch):
    monkeypatch.setenv("DOCGEN_PASSWORD", PASSWORD)
    assert cli(workspace, "pengguna", "tambah", "rina", "--nama", "Rina", "--peran", "umum").exit_code == 0
    assert cli(workspace, "pengguna", "nonaktif", "rina").exit_code == 0
    with Register.open(workspace) as reg, pytest.raises(AuthError, match="dinonaktifkan"):
        authenticate(reg, "rina", PASSWORD)
    assert cli(workspace, "pengguna", "aktifkan", "rina").exit_code == 0
    with Register.open(workspace) as reg:
        assert authenticate(reg, "rina", PASSWORD).active
        assert [e["action"] for e in reg.conn.execute("SELECT action FROM events ORDER BY id")][-1] == "user.activated"
