"""PAdES signatures with the office's PKCS#12 certificate (TTE), through pyHanko.

The certificate is parsed once per run (a batch signs many documents with one key: parsing a
PKCS#12 costs more than a signature) and checked before anything is signed: a wrong passphrase,
an expired certificate or one without a signing key usage is refused with one line that never
names the passphrase. Levels: B-B by default, B-T when a timestamp authority is configured,
B-LT when, on top of that, the certificate names where its revocation status is published and
the chain to a configured trust root can be validated with that status fetched and embedded;
when fetching fails the signature falls back to B-T rather than not signing (best effort).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from reportlab.lib.utils import simpleSplit

from docgen.errors import DocgenError
from docgen.pdf import embedded_fonts, font_file
from docgen.profile import SignatureBox
from docgen.sign.certfiles import load_trust_roots, pyhanko_quietly, read_certificate

with pyhanko_quietly():
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError as HankoSigningError
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper
    from pyhanko.stamp import QRStampStyle, TextStampStyle
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

__all__ = ["Credential", "SignedPdf", "SigningError", "load_credential", "require_trusted", "sign_pdf"]

_MM = 72 / 25.4
_FIELD = "TTE"


class SigningError(DocgenError):
    """A certificate cannot sign, or a PDF cannot be signed; nothing was written."""


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko parses the private key again for every signature (about 36 ms for RSA-2048: the
    key's consistency check), twice with its size estimate; a batch keeps it parsed instead."""

    def __init__(self, key: PrivateKeyTypes, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), algorithm)
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(algorithm))
        return super().sign_raw(data, digest_algorithm)  # PSS and the rest: pyHanko's own path


@dataclass(frozen=True)
class Credential:
    """A parsed PKCS#12: the pyHanko signer plus what the register keeps about the certificate."""

    signer: signers.SimpleSigner
    name: str
    subject: str
    fingerprint: str
    key_usage: frozenset[str]


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    level: str
    signed_at: datetime


def _usages(cert: x509.Certificate) -> frozenset[str]:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return frozenset()
    found = {"digital_signature": usage.digital_signature, "non_repudiation": usage.content_commitment}
    return frozenset(name for name, present in found.items() if present)


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def load_credential(p12: Path, passphrase: str | Callable[[], str], *, now: datetime | None = None) -> Credential:
    """Parse ``p12`` once and refuse a certificate that may not sign today.

    Parsed with ``cryptography`` rather than ``SimpleSigner.load_pkcs12`` (which does the same
    parse) so a wrong passphrase is told apart from a missing file and nothing is logged. A FIFO,
    a device or a huge file is refused before reading; ``passphrase`` may be a prompt, asked only
    once the file has been read, so nobody types a passphrase for a file that cannot be one.
    """
    raw = read_certificate(p12, "--p12")
    passphrase = passphrase if isinstance(passphrase, str) else passphrase()
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(raw, passphrase.encode("utf-8") or None)
    except (ValueError, TypeError):
        raise SigningError(
            f"Sertifikat {p12.name} tidak bisa dibuka: kata sandi salah atau berkas bukan PKCS#12; "
            "periksa DOCGEN_P12_PASSWORD atau ketik ulang kata sandinya"
        ) from None
    if key is None or cert is None:
        raise SigningError(
            f"Berkas {p12.name} tidak berisi kunci dan sertifikat penanda tangan; minta berkas .p12 dari BSrE"
        )
    moment = now or datetime.now(UTC)
    name = _common_name(cert)
    if cert.not_valid_after_utc < moment:
        raise SigningError(
            f"Sertifikat {name} kedaluwarsa sejak {cert.not_valid_after_utc:%d-%m-%Y}; perpanjang sertifikat di BSrE"
        )
    if cert.not_valid_before_utc > moment:
        raise SigningError(
            f"Sertifikat {name} baru berlaku mulai {cert.not_valid_before_utc:%d-%m-%Y}; periksa jam komputer"
        )
    usages = _usages(cert)
    if not usages:
        raise SigningError(
            f"Sertifikat {name} tidak untuk tanda tangan (tanpa key usage digitalSignature/nonRepudiation); "
            "pakai sertifikat tanda tangan dari BSrE"
        )
    der = cert.public_bytes(Encoding.DER)
    store = SimpleCertificateStore()
    store.register_multiple(asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra)
    signer = _ParsedKeySigner(
        key,
        signing_cert=asn1_x509.Certificate.load(der),
        signing_key=signers.pdf_cms.translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=store,
    )
    return Credential(signer, name, cert.subject.rfc4514_string(), hashlib.sha256(der).hexdigest(), usages)


#: (certificate fingerprint, root fingerprints) already found to chain: a batch checks its key once.
_CHAINED: set[tuple[str, tuple[str, ...]]] = set()


def require_trusted(credential: Credential, roots: list[Path], *, now: datetime | None = None) -> None:
    """Refuse a certificate that does not chain to one of ``roots`` (``[signing] trust_roots``).

    Called before anything is numbered, written or recorded: a document signed with a key the
    office's own ``docgen verify`` calls untrusted would be issued with a signature nobody accepts.
    No roots configured means no check (the office has not said whom it trusts yet). Only the
    chain and validity dates are judged, offline: revocation needs the network, and signing must
    work without it (the B-LT level fetches it when it can).
    """
    if not roots:
        return
    trusted = load_trust_roots(roots)
    key = (credential.fingerprint, tuple(sorted(c.sha256.hex() for c in trusted)))  # type: ignore[attr-defined]
    if key in _CHAINED:
        return
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError

    context = ValidationContext(
        trust_roots=trusted, other_certs=list(credential.signer.cert_registry), allow_fetching=False,
        revocation_mode="soft-fail", moment=now,
    )  # fmt: skip
    validator = CertificateValidator(credential.signer.signing_cert, validation_context=context)
    try:
        asyncio.run(validator.async_validate_path())
    except (PathBuildingError, PathValidationError, ValidationError, ValueError) as exc:
        issuer = credential.signer.signing_cert.issuer.human_friendly
        why = "tidak berantai ke akar mana pun" if isinstance(exc, PathBuildingError) else "rantainya tidak sah"
        raise SigningError(
            f"Sertifikat {credential.name} (penerbit {issuer[:120]}) {why} di [signing] trust_roots; "
            "tidak ada yang ditandatangani: pakai sertifikat dari BSrE atau tambahkan akar penerbitnya"
        ) from None
    _CHAINED.add(key)


def _publishes_status(cert: asn1_x509.Certificate) -> bool:
    return bool(cert.ocsp_urls or cert.crl_distribution_points)


def _field(box: SignatureBox, pages: int) -> fields.SigFieldSpec:
    index = box.page - 1 if box.page > 0 else box.page
    if not -pages <= index < pages:
        raise SigningError(
            f"Halaman {box.page} untuk kotak tanda tangan tidak ada (dokumen {pages} halaman); periksa [signing.box]"
        )
    x, y = box.x_mm * _MM, box.y_mm * _MM
    rect = (round(x), round(y), round(x + box.w_mm * _MM), round(y + box.h_mm * _MM))
    return fields.SigFieldSpec(sig_field_name=_FIELD, on_page=index, box=rect)


_STAMP_PT = 8  # the visible signature's text size


def _text_box() -> TextBoxStyle:
    """8 pt in Liberation Sans, embedded (pyHanko's default Courier is not: issue 23, PDF/A later).

    Without pyHanko's opentype extra or fonts-liberation it falls back to the default; the
    marks' tests then fail on the font pdffonts lists as not embedded.
    """
    path = font_file()
    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
    except ImportError:  # pyhanko without [opentype]
        return TextBoxStyle(font_size=_STAMP_PT, box_layout_rule=_snug())
    if path is None:
        return TextBoxStyle(font_size=_STAMP_PT, box_layout_rule=_snug())
    # fontTools' subsetter logs each table it drops (FFTM); docgen's output is its own lines only.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

    class Thousandths(GlyphAccumulator):
        """pyHanko (0.38) writes glyph widths and TJ adjustments in the font's own units, which PDF
        reads as thousandths of an em: right only for a font of 1000 units per em. Liberation
        Sans has 2048 (its letters came out twice as far apart): HarfBuzz is set to measure in
        thousandths and the widths are scaled alike."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._font_units = self.units_per_em
            self.units_per_em = 1000
            self.hb_font.scale = (1000, 1000)

        def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
            if glyph_id not in self._glyphs:
                cid, width = super()._get_cid_and_width(glyph_id)
                self._glyphs[glyph_id] = (cid, round(width * 1000 / self._font_units))
            return self._glyphs[glyph_id]

    class Factory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()  # as pyHanko's own factory does
            handle = open(self.font_file, "rb")  # noqa: SIM115 - read by fontTools while the PDF is written
            return Thousandths(writer=writer, font_handle=handle, font_size=self.font_size, obj_stream=obj_stream)

    return TextBoxStyle(font=Factory(str(path), font_size=_STAMP_PT), font_size=_STAMP_PT, box_layout_rule=_snug())


def _snug() -> Any:
    """3 pt round the text instead of pyHanko's 10: five lines at 8 pt then fit the 19 mm box
    unshrunk (with 10 they were scaled to 7.2 pt)."""
    from pyhanko.pdf_utils import layout

    middle = layout.AxisAlignment.ALIGN_MID
    return layout.SimpleBoxLayoutRule(x_align=middle, y_align=middle, margins=layout.Margins.uniform(3))


def _style(footer: str, box: SignatureBox, qr: bool) -> TextStampStyle:
    """The visible signature: who, when, the TTE wording, and (with a verification URL) its QR code."""
    # pyHanko does not wrap: the wording is wrapped here, in the font it is set in, to the room
    # beside the QR. pyHanko shrinks a stamp taller than its box: five lines keep 8 pt in the
    # default 19 mm box (issue 23: no mark under 8 pt), so the shipped wording takes two lines.
    room = (box.w_mm - (box.h_mm if qr else 0) - 4) * _MM
    wording = "\n".join(simpleSplit(footer, embedded_fonts()[0], _STAMP_PT, room)).replace("%", "%%")
    text = f"Ditandatangani secara elektronik oleh:\n%(signer)s\nWaktu: %(ts)s\n{wording}"
    style = QRStampStyle if qr else TextStampStyle
    return style(
        stamp_text=text, text_box_style=_text_box(), border_width=1,
        timestamp_format="%d-%m-%Y %H:%M:%S %Z",
    )  # fmt: skip


def _room(credential: Credential, timestamper: HTTPTimeStamper | None) -> int:
    """Bytes for the CMS container: its certificates, the signature and a timestamp token, with slack.

    Given instead of estimated: pyHanko's estimate signs a dummy first, half the cost of a signature.
    """
    certs = sum(len(c.dump()) for c in (credential.signer.signing_cert, *credential.signer.cert_registry))
    return 8192 + 2 * certs + (16384 if timestamper else 0)


def sign_pdf(
    data: bytes,
    credential: Credential,
    *,
    box: SignatureBox,
    footer: str,
    timestamp_url: str | None = None,
    trust_roots: list[Path] = (),  # type: ignore[assignment]
    reason: str = "",
    qr_url: str = "",
) -> SignedPdf:
    """Sign ``data`` (a whole PDF) as an incremental update; the signature covers every byte before it."""
    try:
        reader_pages = int(PdfFileReader(io.BytesIO(data), strict=False).root["/Pages"]["/Count"])
    except Exception as exc:  # pyHanko raises many kinds of errors on a damaged file
        raise SigningError(
            f"PDF tidak bisa dibaca untuk ditandatangani ({type(exc).__name__}); buat ulang PDF-nya"
        ) from None
    spec, style = _field(box, reader_pages), _style(footer, box, qr=bool(qr_url))
    timestamper = HTTPTimeStamper(timestamp_url, timeout=10) if timestamp_url else None
    roots = load_trust_roots(list(trust_roots))
    attempts: list[tuple[str, ValidationContext | None]] = []
    if timestamper and roots and _publishes_status(credential.signer.signing_cert):
        attempts.append(
            ("B-LT", ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="hard-fail"))
        )
    attempts.append(("B-T" if timestamper else "B-B", None))
    failure: Exception | None = None
    for level, context in attempts:
        meta = signers.PdfSignatureMetadata(
            field_name=_FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or None, name=credential.name, embed_validation_info=context is not None,
            validation_context=context, signer_key_usage=set(credential.key_usage),
        )  # fmt: skip
        signed_at = datetime.now(UTC)
        pdf_signer = signers.PdfSigner(
            meta, credential.signer, timestamper=timestamper, stamp_style=style, new_field_spec=spec
        )
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
            out = pdf_signer.sign_pdf(
                writer, bytes_reserved=None if context else _room(credential, timestamper),
                appearance_text_params={"url": qr_url} if qr_url else None,
            )  # fmt: skip
            return SignedPdf(out.getvalue(), level, signed_at)
        except Exception as exc:  # network, TSA and validation errors all end in a fallback or one line
            failure = exc
            logging.getLogger(__name__).info("PAdES %s failed: %s", level, type(exc).__name__)
    where = f" (layanan cap waktu {timestamp_url})" if timestamper else ""
    kind = "tanda tangan ditolak" if isinstance(failure, HankoSigningError) else type(failure).__name__
    raise SigningError(f"PDF tidak bisa ditandatangani{where}: {kind}; periksa [signing] lalu ulangi") from None
