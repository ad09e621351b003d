"""Electronic signatures (TTE): PAdES with a PKCS#12 made by a certificate authority built here.

Signed PDFs are validated by pyHanko against the test root and by poppler's pdfsig (a second,
independent validator); bad certificates are refused in one line with the register unchanged.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from conftest import cli, count_rows, one_galat_line, require
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.generic import TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.register import Register
from docgen.sign.job import sign_documents
from docgen.sign.signer import SigningError, load_credential

PASSWORD = "rahasia-Kadis-2026"
NOW = datetime.now(UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject, issuer, key, issuer_key, *, ca=False, usage=True, days=(-1, 365), eku=None) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer)).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + timedelta(days=days[0])).not_valid_after(NOW + timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )  # fmt: skip
    if ca or usage:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=not ca, content_commitment=not ca, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
    else:  # only key encipherment: not for signing
        builder = builder.add_extension(
            x509.KeyUsage(False, False, True, False, False, False, False, False, False), critical=True
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> dict[str, Path]:
    return make_ca(tmp_path_factory.mktemp("ca"))


def make_ca(folder: Path) -> dict[str, Path]:
    """A test root (root.pem) and PKCS#12 files it certified: good, expired, and one not for signing."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("Uji Root CA BSrE", "Uji Root CA BSrE", root_key, root_key, ca=True, days=(-10, 3650))
    (folder / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    out = {"root": folder / "root.pem", "root_cert": root, "root_key": root_key}
    for label, options in (("good", {}), ("expired", {"days": (-400, -1)}), ("nousage", {"usage": False})):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _cert(f"Kepala Dinas {label}", "Uji Root CA BSrE", key, root_key, **options)
        blob = pkcs12.serialize_key_and_certificates(
            b"ttd", key, cert, [root], serialization.BestAvailableEncryption(PASSWORD.encode())
        )
        (folder / f"{label}.p12").write_bytes(blob)
        out[label] = folder / f"{label}.p12"
    return out


def _certificate(ws) -> int:
    data = copy.deepcopy(get_kind("sertifikat-standar").dated_example())
    with Register.open(ws) as reg:  # OSS gives each certificate its own number
        data["nomor"] = f"{data['nib']}{len(reg.documents()) + 1:04d}"
    return generate(ws, "sertifikat-standar", data).id


def _signed_path(ws, doc_id: int) -> Path:
    with Register.open(ws) as reg:
        (current,) = [f for f in reg.files(doc_id, current_only=True) if f["role"] == "pdf"]
    return ws.outbox / current["path"]


def _validate(path: Path, root: Path):
    with path.open("rb") as fh:
        (sig,) = PdfFileReader(fh).embedded_signatures
        trust = [asn1_x509.Certificate.load(x509.load_pem_x509_certificate(root.read_bytes()).public_bytes(
            serialization.Encoding.DER))]  # fmt: skip
        return validate_pdf_signature(sig, ValidationContext(trust_roots=trust, allow_fetching=False))


def test_a_certificate_is_signed_pades_and_validates_intact_and_trusted_in_pyhanko(workspace, ca):
    doc_id = _certificate(workspace)
    (done,) = sign_documents(workspace, [doc_id], load_credential(ca["good"], PASSWORD))
    assert done.level == "B-B" and done.path.endswith("-ttd.pdf")
    status = _validate(_signed_path(workspace, doc_id), ca["root"])
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    with Register.open(workspace) as reg:
        (row,) = reg.conn.execute("SELECT subject, fingerprint, level FROM signatures WHERE doc_id = ?", (doc_id,))
    assert "Kepala Dinas good" in row["subject"] and len(row["fingerprint"]) == 64 and row["level"] == "B-B"


def test_a_byte_changed_or_an_update_appended_after_signing_is_caught(workspace, ca):
    doc_id = _certificate(workspace)
    sign_documents(workspace, [doc_id], load_credential(ca["good"], PASSWORD))
    path = _signed_path(workspace, doc_id)
    data = bytearray(path.read_bytes())
    data[data.index(b"/MediaBox")] ^= 0x01  # inside the signed byte range
    tampered = path.with_name("ubah.pdf")
    tampered.write_bytes(bytes(data))
    assert not _validate(tampered, ca["root"]).intact
    writer = IncrementalPdfFileWriter(io.BytesIO(path.read_bytes()))
    writer.root["/Lang"] = TextStringObject("id")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    appended = path.with_name("tambah.pdf")
    appended.write_bytes(out.getvalue())
    status = _validate(appended, ca["root"])
    assert status.intact and status.coverage.name != "ENTIRE_FILE"


class _Tsa(BaseHTTPRequestHandler):
    stamper = None

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = self.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


def test_a_timestamp_authority_on_loopback_makes_it_pades_b_t(workspace, ca):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's dummy TSA is RSA-only
    cert = _cert("Uji TSA", "Uji Root CA BSrE", key, ca["root_key"], eku=[ExtendedKeyUsageOID.TIME_STAMPING])
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _Tsa.stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(der_key),
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tsa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        signing = workspace.profile.signing.model_copy(
            update={"timestamp_url": f"http://127.0.0.1:{server.server_port}/"}
        )
        ws = dataclasses.replace(workspace, profile=workspace.profile.model_copy(update={"signing": signing}))
        doc_id = _certificate(ws)
        (done,) = sign_documents(ws, [doc_id], load_credential(ca["good"], PASSWORD))
    finally:
        server.shutdown()
    assert done.level == "B-T"
    status = _validate(_signed_path(ws, doc_id), ca["root"])
    assert status.intact and status.valid and status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted


def test_pdfsig_an_independent_validator_finds_the_signature_valid(workspace, ca):
    require("pdfsig")
    doc_id = _certificate(workspace)
    sign_documents(workspace, [doc_id], load_credential(ca["good"], PASSWORD))
    done = subprocess.run(["pdfsig", str(_signed_path(workspace, doc_id))], capture_output=True, text=True, check=False)
    assert "Signature Validation: Signature is Valid." in done.stdout, done.stdout + done.stderr
    assert "Kepala Dinas good" in done.stdout


@pytest.mark.parametrize(
    ("label", "password", "expected"),
    [
        ("good", "Keliru-xyz-91", "kata sandi salah"),
        ("expired", PASSWORD, "kedaluwarsa"),
        ("nousage", PASSWORD, "key usage"),
    ],
)
def test_a_bad_certificate_is_refused_in_one_line_and_nothing_changes(
    workspace, ca, monkeypatch, label, password, expected
):
    doc_id = _certificate(workspace)
    before = _signed_path(workspace, doc_id)
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", password)
    result = cli(workspace, "tandatangani", str(doc_id), "--p12", str(ca[label]))
    line = one_galat_line(result)
    assert expected in line and password not in line and PASSWORD not in result.output
    assert count_rows(workspace, "signatures") == 0
    assert _signed_path(workspace, doc_id) == before
    with pytest.raises(SigningError):
        load_credential(ca[label], password)


def test_the_command_signs_every_verified_document_and_never_prints_the_passphrase(workspace, ca, monkeypatch):
    from docgen.register import State

    ids = [_certificate(workspace) for _ in range(2)]
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    result = cli(workspace, "tandatangani", *map(str, ids), "--p12", str(ca["good"]))
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output and "Kepala Dinas good" in result.output
    with Register.open(workspace) as reg:
        assert [reg.document(i).state for i in ids] == [State.NUMBERED, State.NUMBERED]
        dumped = "\n".join(
            str(tuple(r)) for t in ("signatures", "events", "files") for r in reg.conn.execute(f"SELECT * FROM {t}")
        )
    assert PASSWORD not in dumped and count_rows(workspace, "signatures") == 2
    again = cli(workspace, "tandatangani", str(ids[0]), "--p12", str(ca["good"]))
    assert "sudah ditandatangani" in one_galat_line(again)


def test_semua_numbers_the_verified_letters_then_signs_their_numbered_pdf(workspace, ca, letter, monkeypatch):
    require("soffice")
    from docgen.register import State

    doc_id = generate(workspace, "surat-keluar", letter, draft=True, pdf=True).id
    waiting = generate(workspace, "surat-keluar", letter, draft=True).id  # a draft: not in the queue
    with Register.open(workspace) as reg:
        reg.set_state(doc_id, State.VERIFIED)
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    result = cli(workspace, "tandatangani", "--semua", "--p12", str(ca["good"]))
    assert result.exit_code == 0, result.output
    with Register.open(workspace) as reg:
        doc = reg.document(doc_id)
        assert doc.state == State.NUMBERED and reg.document(waiting).state == State.DRAFT
        assert [e["action"] for e in reg.events(doc_id)][-1] == "document.signed"  # the signature came last
    status = _validate(_signed_path(workspace, doc_id), ca["root"])
    assert status.intact and status.valid and status.trusted
    from pypdf import PdfReader

    text = " ".join(PdfReader(_signed_path(workspace, doc_id)).pages[0].extract_text().split())
    assert doc.number in text  # the number was in the PDF before it was signed
    assert count_rows(workspace, "signatures") == 1


def test_without_the_environment_variable_the_passphrase_is_asked_hidden(workspace, ca, monkeypatch):
    from typer.testing import CliRunner

    from docgen.cli import app

    monkeypatch.delenv("DOCGEN_P12_PASSWORD", raising=False)
    doc_id = _certificate(workspace)
    args = ["--workspace", str(workspace.root), "tandatangani", str(doc_id), "--p12", str(ca["good"])]
    result = CliRunner().invoke(app, args, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Kata sandi sertifikat" in result.output and PASSWORD not in result.output
    assert count_rows(workspace, "signatures") == 1


def test_docgen_verify_finds_a_tte_signed_document_genuine_with_its_trusted_signature(workspace, ca, monkeypatch):
    import shutil

    doc_id = _certificate(workspace)
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    assert cli(workspace, "tandatangani", str(doc_id), "--p12", str(ca["good"])).exit_code == 0
    signed = _signed_path(workspace, doc_id)
    untrusted = cli(workspace, "verify", str(signed))
    assert untrusted.exit_code == 7, untrusted.output  # intact, but no trust root configured yet
    shutil.copy(ca["root"], workspace.root / "templates" / "bsre-root.pem")
    profile = workspace.root / "docgen.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + '\n[signing]\ntrust_roots = ["templates/bsre-root.pem"]\n',
        encoding="utf-8",
    )
    trusted = cli(workspace, "verify", str(signed))
    assert trusted.exit_code == 0, trusted.output
    assert "ASLI" in trusted.output


def test_the_visible_signature_carries_a_qr_code_to_the_verification_page(workspace, ca, monkeypatch, pdf_tools):
    from conftest import decode_qr, render_page, verification_url

    doc_id = _certificate(workspace)
    before = decode_qr(render_page(_signed_path(workspace, doc_id), 1, 150))
    monkeypatch.setenv("DOCGEN_P12_PASSWORD", PASSWORD)
    assert cli(workspace, "tandatangani", str(doc_id), "--p12", str(ca["good"])).exit_code == 0
    after = decode_qr(render_page(_signed_path(workspace, doc_id), 1, 300))
    url = verification_url(workspace, doc_id)
    assert before == [url] and after == [url, url]  # the form's own code, and the signature's (small: 300 dpi)
