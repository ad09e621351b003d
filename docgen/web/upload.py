"""A visitor's uploaded PDF, hashed as it streams in and never stored.

The page only needs the file's SHA-256 and to know it is a PDF, so the body is hashed chunk by
chunk: nothing is written to disk (form parsers spool large uploads to temporary files) and the
upload is cut off as soon as it passes the limit, before the rest is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from docgen.web.guard import Refused

__all__ = ["Upload", "hash_upload"]

_PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Upload:
    sha256: str
    size: int


class _Part:
    def __init__(self) -> None:
        self.headers: list[bytes] = []
        self.header = b""
        self.is_file = False
        self.digest = hashlib.sha256()
        self.head = b""
        self.size = 0


async def hash_upload(content_type: str, body: AsyncIterator[bytes], limit: int) -> Upload:
    """Hash the PDF in the request: a multipart form's ``berkas`` field, or a raw ``application/pdf`` body."""
    kind, options = parse_options_header(content_type or "")
    if kind == b"application/pdf":
        return await _hash_raw(body, limit)
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise Refused(415, "Kirim berkas PDF lewat formulir unggah, atau sebagai application/pdf")
    current: list[_Part] = []
    found: list[_Part] = []

    def on_part_begin() -> None:
        current.append(_Part())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        current[-1].header += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        current[-1].header += data[start:end]

    def on_header_end() -> None:
        part = current[-1]
        part.headers.append(part.header.lower())
        part.header = b""

    def on_headers_finished() -> None:
        part = current[-1]
        part.is_file = any(b'name="berkas"' in h for h in part.headers if h.startswith(b"content-disposition"))

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part = current[-1]
        if part.is_file:
            chunk = data[start:end]
            if len(part.head) < len(_PDF_MAGIC):
                part.head += chunk[: len(_PDF_MAGIC)]
            part.digest.update(chunk)
            part.size += len(chunk)

    def on_part_end() -> None:
        if current[-1].is_file:
            found.append(current[-1])

    callbacks = {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }  # fmt: skip
    parser = MultipartParser(options[b"boundary"], callbacks)  # type: ignore[arg-type]
    total = 0
    try:
        async for chunk in body:
            total += len(chunk)
            if total > limit + 64_000:  # the form's own headers and boundaries need a little room
                raise Refused(413, _too_large(limit))
            parser.write(chunk)
        parser.finalize()
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001  a malformed form: one line, never the parser's traceback
        raise Refused(400, "Formulir unggah tidak terbaca; pilih berkas PDF lalu kirim lagi") from exc
    if not found or found[0].size == 0:
        raise Refused(400, "Tidak ada berkas yang diunggah; pilih berkas PDF lalu kirim lagi")
    return _checked(found[0].head, found[0].digest, found[0].size, limit)


async def _hash_raw(body: AsyncIterator[bytes], limit: int) -> Upload:
    digest, head, size = hashlib.sha256(), b"", 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            raise Refused(413, _too_large(limit))
        if len(head) < len(_PDF_MAGIC):
            head += chunk[: len(_PDF_MAGIC)]
        digest.update(chunk)
    return _checked(head, digest, size, limit)


def _checked(head: bytes, digest: hashlib._Hash, size: int, limit: int) -> Upload:
    if size > limit:
        raise Refused(413, _too_large(limit))
    if not head.startswith(_PDF_MAGIC):
        raise Refused(415, "Berkas itu bukan PDF; unggah berkas PDF yang Anda terima")
    return Upload(digest.hexdigest(), size)


def _too_large(limit: int) -> str:
    return f"Berkas lebih dari {limit // 1_000_000} MB; unggah PDF surat yang Anda terima, bukan berkas lain"
