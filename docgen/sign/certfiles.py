"""What signing and signature checks share: certificate files read within bounds, trust roots,
and pyHanko imported without its deprecation warnings.

A certificate file is named by a person (``--p12``) or by the profile (``[signing] trust_roots``).
Reading it must not hang on a FIFO or a device (``/dev/zero`` never ends) nor fill memory with a
huge file, so it is checked to be a regular file of sane size before a byte is read. pyHanko
imports parts of ``cryptography`` that warn about their own deprecation (DSA); a clerk would see
that warning above every message, so the warning is silenced around pyHanko's import only.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docgen.errors import RequestError
from docgen.files import FileRefused, read_bounded

__all__ = ["MAX_CERTIFICATE_BYTES", "CertificateFileError", "load_trust_roots", "pyhanko_quietly", "read_certificate"]

#: A PKCS#12 from BSrE with its chain is a few kilobytes; a root certificate even less.
MAX_CERTIFICATE_BYTES = 1_000_000


class CertificateFileError(RequestError):
    """A certificate file is missing, not a regular file, too large or unreadable; nothing was read."""


@contextmanager
def pyhanko_quietly() -> Iterator[None]:
    """Import pyHanko inside this block: the ``cryptography`` deprecation warnings its modules
    raise on import (DSA) are dropped here, and only here; warnings of the caller's own code stay."""
    from cryptography.utils import CryptographyDeprecationWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning, module=r"pyhanko")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pyhanko")
        yield


def read_certificate(path: Path, where: str) -> bytes:
    """The bytes of the certificate file ``path``, refused before reading when it is not a
    regular file or is larger than ``MAX_CERTIFICATE_BYTES``. ``where`` names the setting to fix
    (``--p12``, ``[signing] trust_roots``). Links are followed: the file is the user's own choice.
    """
    shown = str(path)[:200]
    try:
        return read_bounded(path, MAX_CERTIFICATE_BYTES, follow_links=True)
    except FileRefused as refused:
        if refused.what == "not-regular":
            raise CertificateFileError(
                f"Berkas sertifikat {shown} adalah {refused.detail}, bukan berkas biasa; "
                f"tunjuk berkas sertifikat (.p12/.pfx/.pem) di {where}"
            ) from None
        if refused.what == "too-big":
            size_text, limit_text = (f"{n:,}".replace(",", ".") for n in (refused.size, MAX_CERTIFICATE_BYTES))
            raise CertificateFileError(
                f"Berkas sertifikat {shown} berukuran {size_text} bait, lebih dari {limit_text} bait; "
                f"itu bukan sertifikat, periksa {where}"
            ) from None
        raise CertificateFileError(
            f"Berkas sertifikat {shown} tidak bisa dibaca ({refused.detail}); periksa {where}"
        ) from None


def load_trust_roots(paths: list[Path]) -> list[object]:
    """The root certificates (asn1crypto) in PEM/DER files; a missing or unreadable file is refused by
    name, since validating against fewer roots than configured would call genuine signatures untrusted."""
    with pyhanko_quietly():
        from pyhanko.keys import load_certs_from_pemder_data

    roots: list[object] = []
    for path in paths:
        data = read_certificate(path, "[signing] trust_roots")
        try:
            found = list(load_certs_from_pemder_data(data))
            for cert in found:  # asn1crypto parses lazily: a damaged certificate must fail here, by name
                _ = cert.subject.human_friendly, cert.public_key.algorithm
        except (ValueError, TypeError, KeyError) as exc:
            found = []
            cause: Exception | None = exc
        else:
            cause = None
        if not found:
            raise CertificateFileError(
                f"Akar sertifikat {path} bukan sertifikat PEM/DER; periksa [signing] trust_roots"
            ) from cause
        roots.extend(found)
    return roots
