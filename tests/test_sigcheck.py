"""``docgen verify`` on electronically signed PDFs (issue 15).

The certificate authority, the signer and a timestamp authority are made here with
``cryptography``; the PDFs are signed with pyHanko directly (not through docgen's signing code),
so these tests judge the checker against an independent signer.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from conftest import cli
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes as PrivateKey
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.profile import Workspace, load_workspace
from docgen.sign.validation import check_signatures
from docgen.verify import Verdict, verify

ROOT_PEM = "sertifikat/akar-bsre.pem"
NOW = datetime.now(UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _usage(*, signing: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing, content_commitment=signing, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=ca, crl_sign=ca, encipher_only=False, decipher_only=False,
    )  # fmt: skip


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@dataclass(frozen=True)
class Authority:
    """A root CA, a signer it certified, and a timestamp authority it certified."""

    root: x509.Certificate
    signer: signers.SimpleSigner
    timestamper: DummyTimeStamper

    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)


def _authority(root_name: str, signer_name: str) -> Authority:
    root_key = ec.generate_private_key(ec.SECP256R1())

    def issue(subject: str, key: PrivateKey, *extensions: tuple[object, bool]) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(root_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=365))
        )  # fmt: skip
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(root_key, hashes.SHA256())

    def pkcs8(key: PrivateKey) -> asn1_keys.PrivateKeyInfo:
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
        return asn1_keys.PrivateKeyInfo.load(der)

    root = issue(root_name, root_key, (x509.BasicConstraints(ca=True, path_length=None), True), (_usage(ca=True), True))
    signer_key = ec.generate_private_key(ec.SECP256R1())
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's test TSA is RSA-only
    signer_cert = issue(signer_name, signer_key, (_usage(signing=True), True))
    tsa_cert = issue(
        "TSA Uji", tsa_key, (_usage(signing=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
    )  # fmt: skip
    chain = SimpleCertificateStore.from_certs([_asn1(root)])
    signer = signers.SimpleSigner(signing_cert=_asn1(signer_cert), signing_key=pkcs8(signer_key), cert_registry=chain)
    stamper = DummyTimeStamper(tsa_cert=_asn1(tsa_cert), tsa_key=pkcs8(tsa_key), certs_to_embed=chain)
    return Authority(root, signer, stamper)


@pytest.fixture(scope="module")
def office_ca() -> Authority:
    return _authority("Root CA Uji BSrE", "Budi Santoso, S.Sos.")


@pytest.fixture(scope="module")
def stranger_ca() -> Authority:
    return _authority("Root CA Lain", "Penanda Tangan Asing")


def _trusting(ws: Workspace, authority: Authority) -> Workspace:
    """The workspace with the authority's root as its only ``[signing] trust_roots``."""
    pem = ws.root / ROOT_PEM
    pem.parent.mkdir(parents=True, exist_ok=True)
    pem.write_bytes(authority.root_pem())
    profile = ws.root / "docgen.toml"
    text = re.sub(r"(?m)^trust_roots\s*=.*\n", "", profile.read_text(encoding="utf-8"))
    line = f'trust_roots = ["{ROOT_PEM}"]\n'
    text = text.replace("\n[signing]\n", f"\n[signing]\n{line}", 1) if "\n[signing]\n" in text else text
    if line not in text:
        text += f"\n[signing]\n{line}"
    profile.write_text(text, encoding="utf-8")
    return load_workspace(ws.root, env={})


def _sign(pdf: bytes, authority: Authority, *, timestamp: bool = False, field: str = "TTE") -> bytes:
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES)
    pdf_signer = signers.PdfSigner(meta, authority.signer, timestamper=authority.timestamper if timestamp else None)
    return pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf))).getvalue()


def _add_note(signed: bytes) -> bytes:
    """An incremental update after signing that puts a text note on the first page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = writer.add_object(
        generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (20, 20, 60, 60)]),
            generic.NameObject("/Contents"): generic.TextStringObject("Sudah disetujui"),
        })
    )  # fmt: skip
    page[generic.NameObject("/Annots")] = generic.ArrayObject([note])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _retitle(signed: bytes) -> bytes:
    """An incremental update after signing that changes the document's title in /Info."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    info = writer.trailer["/Info"]
    info[generic.NameObject("/Title")] = generic.TextStringObject("Sertifikat palsu")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def certificate(workspace: Workspace, office_ca: Authority) -> tuple[Workspace, bytes]:
    """A trusting workspace and a numbered sertifikat-standar PDF the register knows."""
    ws = _trusting(workspace, office_ca)
    data = copy.deepcopy(get_kind("sertifikat-standar").dated_example())
    result = generate(ws, "sertifikat-standar", data)
    return ws, (ws.root / result.path).read_bytes()


def _save(ws: Workspace, name: str, data: bytes) -> Path:
    path = ws.root / name
    path.write_bytes(data)
    return path


def _signature_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith("Tanda tangan")]


def test_a_signed_registered_certificate_is_genuine_intact_whole_and_trusted(certificate, office_ca):
    ws, pdf = certificate
    signed = _save(ws, "bertanda-tangan.pdf", _sign(pdf, office_ca))
    [check] = check_signatures(signed.read_bytes(), [ws.root / ROOT_PEM])
    assert check.signer == "Budi Santoso, S.Sos."
    assert check.signed_at is not None and abs(check.signed_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert (check.intact, check.covers_whole_file, check.trusted, check.timestamp_valid) == (True, True, True, None)
    answer = verify(ws, signed)
    assert answer.verdict == Verdict.GENUINE and answer.number and answer.signatures == [check]
    result = cli(ws, "verify", str(signed))
    assert result.exit_code == 0, result.output
    [line] = _signature_lines(result.output)
    assert line.startswith("Tanda tangan Budi Santoso, S.Sos. (") and "sah: utuh, mencakup seluruh berkas" in line


def test_a_timestamped_signature_reports_a_valid_timestamp_and_its_time(certificate, office_ca):
    ws, pdf = certificate
    signed = _sign(pdf, office_ca, timestamp=True)
    [check] = check_signatures(signed, [ws.root / ROOT_PEM])
    assert check.timestamp_valid is True and check.trusted
    assert "cap waktu sah" in check.summary
    assert verify(ws, _save(ws, "b-t.pdf", signed)).verdict == Verdict.GENUINE


def test_a_second_signature_after_the_first_keeps_both_valid_and_the_file_genuine(certificate, office_ca):
    ws, pdf = certificate
    twice = _sign(_sign(pdf, office_ca), office_ca, field="TTE-2")
    checks = check_signatures(twice, [ws.root / ROOT_PEM])
    # the first no longer reaches the end of the file (pdfsig: "Not total document signed"), but only
    # a signature follows it, so neither is a change to the document
    assert [(c.intact, c.covers_whole_file, c.trusted, c.holds) for c in checks] == [
        (True, False, True, True), (True, True, True, True),
    ]  # fmt: skip
    result = cli(ws, "verify", str(_save(ws, "dua-ttd.pdf", twice)))
    assert result.exit_code == 0, result.output
    first, second = _signature_lines(result.output)
    assert "tidak mencakup seluruh berkas: sesudahnya hanya ditambah tanda tangan lain" in first
    assert "mencakup seluruh berkas" in second and "tidak mencakup" not in second


def test_one_byte_changed_inside_the_signed_range_breaks_the_signature(certificate, office_ca):
    ws, pdf = certificate
    signed = bytearray(_sign(pdf, office_ca))
    first_range_end = PdfFileReader(io.BytesIO(bytes(signed))).embedded_signatures[0].byte_range[1]
    where = signed.index(b"ReportLab")  # the producer comment at the top of the original revision
    assert where < first_range_end
    signed[where] ^= 0x20  # 'R' becomes 'r'
    tampered = _save(ws, "diubah.pdf", bytes(signed))
    [check] = check_signatures(bytes(signed), [ws.root / ROOT_PEM])
    assert not check.intact and not check.covers_whole_file and "RUSAK" in check.summary
    result = cli(ws, "verify", str(tampered))
    assert result.exit_code == 6, result.output
    assert "TANDA TANGAN TIDAK SAH" in result.output
    assert len(_signature_lines(result.output)) == 1


@pytest.mark.parametrize("update", [_add_note, _retitle], ids=["annotation", "info"])
def test_an_update_appended_after_signing_is_reported_as_a_change_after_signing(certificate, office_ca, update):
    ws, pdf = certificate
    changed = update(_sign(pdf, office_ca))
    [check] = check_signatures(changed, [ws.root / ROOT_PEM])
    assert check.intact and not check.covers_whole_file
    assert "DIUBAH setelah ditandatangani" in check.summary
    path = _save(ws, "ditambah.pdf", changed)
    assert verify(ws, path).verdict == Verdict.SIGNATURE_INVALID
    result = cli(ws, "verify", str(path))
    assert result.exit_code == 6, result.output
    [line] = _signature_lines(result.output)
    assert "DIUBAH setelah ditandatangani" in line


def test_a_signature_from_a_root_the_office_does_not_trust_is_intact_but_untrusted(certificate, stranger_ca):
    ws, pdf = certificate
    signed = _save(ws, "asing.pdf", _sign(pdf, stranger_ca))
    [check] = check_signatures(signed.read_bytes(), [ws.root / ROOT_PEM])
    assert (check.intact, check.covers_whole_file, check.trusted) == (True, True, False)
    assert check.signer == "Penanda Tangan Asing"
    result = cli(ws, "verify", str(signed))
    assert result.exit_code == 7, result.output
    assert "TANDA TANGAN TIDAK TEPERCAYA" in result.output
    [line] = _signature_lines(result.output)
    assert "TIDAK TEPERCAYA" in line and "[signing] trust_roots" in line


def test_without_configured_roots_no_signature_is_trusted(certificate, office_ca):
    ws, pdf = certificate
    [check] = check_signatures(_sign(pdf, office_ca), [])
    assert check.intact and check.covers_whole_file and not check.trusted


def test_an_unsigned_registered_file_stays_genuine_with_no_signature_lines(certificate):
    ws, pdf = certificate
    path = _save(ws, "tanpa-ttd.pdf", pdf)
    assert check_signatures(pdf, [ws.root / ROOT_PEM]) == []
    result = cli(ws, "verify", str(path))
    assert result.exit_code == 0 and _signature_lines(result.output) == []


def test_a_missing_trust_root_file_is_refused_by_name(certificate, office_ca):
    ws, pdf = certificate
    signed = _sign(pdf, office_ca)
    (ws.root / ROOT_PEM).unlink()
    with pytest.raises(RequestError, match=r"akar-bsre\.pem.*trust_roots"):
        check_signatures(signed, [ws.root / ROOT_PEM])
    result = cli(ws, "verify", str(_save(ws, "ttd.pdf", signed)))
    assert result.exit_code == 1 and "akar-bsre.pem" in result.output
