"""``docgen tandatangani`` facing what a clerk or an attacker can hand it (issue 21).

The real command runs as a subprocess where hanging or printing matters: ``--p12`` pointing at a
FIFO, a device or a huge (sparse) file is refused in one Indonesian line before a byte is read;
nothing but docgen's own lines reach the terminal (no library deprecation warning). A certificate
that does not chain to ``[signing] trust_roots`` is refused before any file, state or event changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli, count_rows, one_galat_line, require
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from test_signing import PASSWORD, _cert, _certificate, _signed_path, make_ca

from docgen.profile import Workspace
from docgen.register import Register, State
from docgen.sign.certfiles import MAX_CERTIFICATE_BYTES

DOCGEN = Path(sys.executable).with_name("docgen")


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> dict[str, Path]:
    return make_ca(tmp_path_factory.mktemp("ca"))


def _run(ws: Workspace, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed ``docgen`` command, as a clerk runs it: its own process, a plain environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCGEN_", "PYTHONWARNINGS"))}
    env["DOCGEN_P12_PASSWORD"] = PASSWORD
    return subprocess.run(
        [str(DOCGEN), "--workspace", str(ws.root), *args], capture_output=True, text=True, timeout=timeout,
        env=env, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip


def _galat(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Galat: ") and "tak terduga" not in lines[0], done.stderr
    return lines[0]


def _outbox(ws: Workspace) -> list[str]:
    return sorted(str(p.relative_to(ws.outbox)) for p in ws.outbox.rglob("*") if p.is_file())


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "kadis.p12"
    os.mkfifo(path)
    return path


@pytest.fixture
def sparse(tmp_path: Path) -> Path:
    """A 4 GiB file that takes no disk: reading it whole would take minutes and all the memory."""
    path = tmp_path / "besar.p12"
    with path.open("wb") as handle:
        handle.truncate(4 * 1024**3)
    return path


@pytest.mark.parametrize(
    ("which", "said"),
    [("fifo", "FIFO"), ("/dev/zero", "perangkat"), ("/dev/urandom", "perangkat"), ("sparse", "berukuran")],
)
def test_p12_that_is_no_regular_file_or_too_large_is_refused_before_reading(workspace, request, which, said):
    path = request.getfixturevalue(which) if not which.startswith("/") else Path(which)
    before = _outbox(workspace)
    done = _run(workspace, "tandatangani", "1", "--p12", str(path), timeout=60)  # a read would hang or take minutes
    line = _galat(done)
    assert said in line and str(path) in line and "--p12" in line, line
    assert _outbox(workspace) == before and count_rows(workspace, "signatures") == 0


def test_a_p12_just_over_the_limit_is_refused_before_the_passphrase_is_asked(workspace, tmp_path, monkeypatch):
    over = tmp_path / "lebih.p12"
    over.write_bytes(b"\0" * (MAX_CERTIFICATE_BYTES + 1))
    assert "berukuran" in one_galat_line(cli(workspace, "tandatangani", "1", "--p12", str(over)))  # no prompt
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    at = tmp_path / "pas.p12"
    at.write_bytes(b"\0" * MAX_CERTIFICATE_BYTES)
    assert "bukan PKCS#12" in one_galat_line(cli(workspace, "tandatangani", "1", "--p12", str(at)))


def test_signing_and_verifying_print_only_docgen_lines(workspace, ca):
    doc_id = _certificate(workspace)
    signed = _run(workspace, "tandatangani", str(doc_id), "--p12", str(ca["good"]))
    assert signed.returncode == 0, signed.stderr
    checked = _run(workspace, "verify", str(_signed_path(workspace, doc_id)))
    assert checked.returncode == 7, checked.stderr  # intact; no trust root configured here
    for done in (signed, checked):
        assert done.stderr == "", done.stderr
        assert "Warning" not in done.stdout and "warn" not in done.stdout.lower(), done.stdout


def test_silencing_pyhankos_warnings_leaves_the_callers_own_warnings_alone():
    code = (
        "import warnings; before = list(warnings.filters)\n"
        "import docgen.sign.signer, docgen.sign.validation\n"
        "assert warnings.filters == before, 'warning filters changed'\n"
        "warnings.warn('peringatan milik pemanggil', DeprecationWarning)\n"
    )
    done = subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "peringatan milik pemanggil" in done.stderr and "DSA" not in done.stderr, done.stderr


def _trust(ws: Workspace, root: Path) -> None:
    (ws.root / "templates" / "bsre-root.pem").write_bytes(root.read_bytes())
    with (ws.root / "docgen.toml").open("a", encoding="utf-8") as profile:
        profile.write('\n[signing]\ntrust_roots = ["templates/bsre-root.pem"]\n')


@pytest.fixture(scope="module")
def stranger(tmp_path_factory) -> Path:
    """A PKCS#12 certified by a root the office does not trust (same names as BSrE's, other key)."""
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = _cert("Uji Root CA BSrE", "Uji Root CA BSrE", root_key, root_key, ca=True, days=(-10, 3650))
    cert = _cert("Kepala Dinas good", "Uji Root CA BSrE", key, root_key)
    blob = pkcs12.serialize_key_and_certificates(
        b"ttd", key, cert, [root], serialization.BestAvailableEncryption(PASSWORD.encode())
    )
    path = tmp_path_factory.mktemp("asing") / "asing.p12"
    path.write_bytes(blob)
    return path


def _books(ws: Workspace, doc_id: int) -> tuple:
    with Register.open(ws) as reg:
        doc = reg.document(doc_id)
        return doc.state, doc.number, len(reg.events(doc_id)), count_rows(ws, "signatures"), count_rows(ws, "files")


def test_a_certificate_outside_the_trust_roots_is_refused_before_anything_changes(workspace, ca, stranger, monkeypatch):
    _trust(workspace, ca["root"])
    doc_id = _certificate(workspace)
    before, files = _books(workspace, doc_id), _outbox(workspace)
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    line = one_galat_line(cli(workspace, "tandatangani", str(doc_id), "--p12", str(stranger)))
    assert "trust_roots" in line and "Kepala Dinas good" in line and PASSWORD not in line
    assert _books(workspace, doc_id) == before and _outbox(workspace) == files
    signed = cli(workspace, "tandatangani", str(doc_id), "--p12", str(ca["good"]))  # the office's own key still signs
    assert signed.exit_code == 0, signed.output
    assert count_rows(workspace, "signatures") == 1


def test_a_letter_numbered_at_signature_keeps_its_state_and_number_when_the_certificate_is_untrusted(
    workspace, ca, stranger, letter, monkeypatch
):
    require("soffice")
    from docgen.pipeline import generate

    _trust(workspace, ca["root"])
    doc_id = generate(workspace, "surat-keluar", letter, draft=True, pdf=True).id
    with Register.open(workspace) as reg:
        reg.set_state(doc_id, State.VERIFIED)
    before, files = _books(workspace, doc_id), _outbox(workspace)
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    line = one_galat_line(cli(workspace, "tandatangani", "--semua", "--p12", str(stranger)))
    assert "trust_roots" in line
    assert _books(workspace, doc_id) == before and before[0] == State.VERIFIED and before[1] is None
    assert _outbox(workspace) == files


def test_a_letter_is_not_numbered_when_signing_it_would_fail(workspace, ca, letter, monkeypatch):
    """Numbering comes before signing for a letter; a timestamp authority that does not answer
    used to leave it numbered and 'signed' without a signature. Now signing is tried first."""
    require("soffice")
    import socket

    from docgen.pipeline import generate

    with socket.socket() as probe:  # a port nobody listens on: the connection is refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (workspace.root / "docgen.toml").open("a", encoding="utf-8") as profile:
        profile.write(f'\n[signing]\ntimestamp_url = "http://127.0.0.1:{port}/"\n')
    doc_id = generate(workspace, "surat-keluar", letter, draft=True, pdf=True).id
    with Register.open(workspace) as reg:
        reg.set_state(doc_id, State.VERIFIED)
    before, files = _books(workspace, doc_id), _outbox(workspace)
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    line = one_galat_line(cli(workspace, "tandatangani", str(doc_id), "--p12", str(ca["good"])))
    assert "cap waktu" in line and f"127.0.0.1:{port}" in line
    assert _books(workspace, doc_id) == before and before[0] == State.VERIFIED and before[1] is None
    assert _outbox(workspace) == files
