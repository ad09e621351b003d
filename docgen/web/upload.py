"""A visitor's uploaded PDF, hashed as it streams in and never stored.

The page only needs the file's SHA-256 and to know it is a PDF, so the body is hashed chunk by
chunk: nothing is written to disk (form parsers spool large uploads to temporary files) and the
upload is cut off as soon as it passes the limit, before the rest is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from docgen.web.guard import Refused

__all__ = ["MAX_PARTS", "Upload", "hash_upload"]

_PDF_MAGIC = b"%PDF-"
_TOO_MANY_PARTS = "Formulir unggah berisi terlalu banyak bagian; pilih satu berkas PDF lalu kirim lagi"


@dataclass(frozen=True)
class Upload:
    sha256: str
    size: int


#: Parts one upload form may have. The page's form has one (``berkas``); a browser adds nothing,
#: and another system sending a PDF has no reason to send more. Bounding the count bounds the
#: work and memory a request can cause however its body is cut into parts: two million empty parts
#: in 20 MB (each one a few bytes) used to keep an object each, 0.8 GB per request (issue 21).
MAX_PARTS = 8
#: Headers per part and bytes per header line: a browser's part carries two short ones.
MAX_PART_HEADERS = 8
MAX_HEADER_BYTES = 2048
_FRAMING = 64_000  # room for the form's own headers and boundaries beside the file


class _Part:
    """The part being read; only the file part's digest and first bytes are kept past its end."""

    __slots__ = ("digest", "head", "header", "is_file", "named", "size")

    def __init__(self) -> None:
        self.header = b""
        self.named = False
        self.is_file = False
        self.digest: Any = None
        self.head = b""
        self.size = 0


async def hash_upload(content_type: str, body: AsyncIterator[bytes], limit: int) -> Upload:
    """Hash the PDF in the request: a multipart form's ``berkas`` field, or a raw ``application/pdf`` body.

    Memory stays bounded by the parser's own buffers whatever the body's shape: one part's state
    at a time, at most :data:`MAX_PARTS` parts, short headers, and the body cut off past the limit.
    """
    kind, options = parse_options_header(content_type or "")
    if kind == b"application/pdf":
        return await _hash_raw(body, limit)
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise Refused(415, "Kirim berkas PDF lewat formulir unggah, atau sebagai application/pdf")
    state = {"parts": 0}
    part = _Part()
    found: list[_Part] = []

    def on_part_begin() -> None:
        nonlocal part
        state["parts"] += 1
        if state["parts"] > MAX_PARTS:
            raise Refused(413, _TOO_MANY_PARTS)
        part = _Part()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part.header += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        part.header += data[start:end]

    def on_header_end() -> None:
        header, part.header = part.header.lower(), b""
        if header.startswith(b"content-disposition") and b'name="berkas"' in header:
            part.named = True

    def on_headers_finished() -> None:
        part.is_file = part.named and not found  # a second berkas is ignored, never hashed
        if part.is_file:
            part.digest = hashlib.sha256()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if part.is_file:
            chunk = data[start:end]
            if len(part.head) < len(_PDF_MAGIC):
                part.head += chunk[: len(_PDF_MAGIC)]
            part.digest.update(chunk)
            part.size += len(chunk)

    def on_part_end() -> None:
        if part.is_file:
            found.append(part)

    callbacks = {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }  # fmt: skip
    try:
        parser = MultipartParser(
            options[b"boundary"], callbacks,  # type: ignore[arg-type]
            max_header_count=MAX_PART_HEADERS, max_header_size=MAX_HEADER_BYTES,
        )  # fmt: skip
        total = 0
        async for chunk in body:
            total += len(chunk)
            if total > limit + _FRAMING:
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
