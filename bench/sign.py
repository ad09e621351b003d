"""Benchmark: PAdES signatures per second for one-page certificates, key cached vs parsed per document.

A batch signs a queue with one key; parsing a PKCS#12 (key derivation over the passphrase) costs
about as much as a signature, so ``docgen tandatangani --semua`` parses it once. This script, in
one run and in a temporary workspace only: makes a test CA and an RSA-2048 signing certificate as
PKCS#12 with a passphrase, issues N Sertifikat Standar (default 100, ``--count``), then signs half
of them through the whole path (``sign_document``: read, check hash, sign B-B, write, record, event)
with one parsed credential, and the other half parsing the PKCS#12 again for every document. It
also times ``sign_pdf`` alone (bytes in, bytes out). Goal: >= 20 signatures/s on 2 cores (cached).
Run: ``.venv/bin/python bench/sign.py [--count 100]``.
"""

# ruff: noqa: E402
from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# bench/requests.py would shadow the requests package pyHanko imports: drop this folder from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from docgen.kinds import get_kind
from docgen.pipeline import create_workspace, generate
from docgen.register import Register
from docgen.sign.job import sign_document
from docgen.sign.signer import load_credential, sign_pdf

PASSWORD = "bench-rahasia"


def _p12(folder: Path) -> Path:
    now = datetime.now(UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def build(subject: str, public, ca: bool) -> x509.Certificate:
        usage = x509.KeyUsage(not ca, not ca, False, False, False, ca, ca, False, False)
        return (
            x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name("Bench Root"))
            .public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(usage, critical=True).sign(root_key, hashes.SHA256())
        )  # fmt: skip

    root, cert = build("Bench Root", root_key.public_key(), True), build("Kepala Dinas", key.public_key(), False)
    blob = pkcs12.serialize_key_and_certificates(
        b"ttd", key, cert, [root], serialization.BestAvailableEncryption(PASSWORD.encode())
    )
    (folder / "ttd.p12").write_bytes(blob)
    return folder / "ttd.p12"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = create_workspace(Path(tmp) / "ws")
        p12 = _p12(Path(tmp))
        example = get_kind("sertifikat-standar").dated_example()
        with Register.open(ws) as reg:
            ids = [  # each with its own OSS number: one number is never held by two live certificates
                generate(ws, "sertifikat-standar", {**copy.deepcopy(example), "nomor": f"{example['nib']}{i:04d}"},
                         register=reg).id
                for i in range(args.count)
            ]  # fmt: skip
            half = len(ids) // 2
            credential = load_credential(p12, PASSWORD)
            pdf = (ws.outbox / reg.files(ids[0])[0]["path"]).read_bytes()
            box, footer = ws.profile.signing.box_for("sertifikat-standar"), ws.profile.signing.footer
            start = time.perf_counter()
            for _ in range(half):
                sign_pdf(pdf, credential, box=box, footer=footer)
            alone = half / (time.perf_counter() - start)
            start = time.perf_counter()
            for doc_id in ids[:half]:
                sign_document(ws, reg, doc_id, credential)
            cached = half / (time.perf_counter() - start)
            start = time.perf_counter()
            for doc_id in ids[half:]:
                sign_document(ws, reg, doc_id, load_credential(p12, PASSWORD))
            parsed = (len(ids) - half) / (time.perf_counter() - start)
    print(f"sign_pdf alone (bytes -> bytes):          {alone:7.1f} signatures/s")
    print(f"full path, key parsed once (cached):      {cached:7.1f} signatures/s  (goal >= 20/s on 2 cores)")
    ratio = cached / parsed
    print(f"full path, PKCS#12 parsed per document:   {parsed:7.1f} signatures/s  (cached/parsed {ratio:.2f}x)")


if __name__ == "__main__":
    main()
