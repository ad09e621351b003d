"""The parts of a packet read and checked before anything is written: PDFs opened, photos made pages.

A packet bound with an unreadable or password-locked attachment would reach the PPK-SKPD with a
hole in it, so every file is opened here and refused by name; scans and phone photos (JPEG, PNG)
become one A4 page each, turned upright from their EXIF orientation.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from docgen.errors import RequestError
from docgen.validation import shown

__all__ = ["IMAGE_ENDINGS", "Part", "link_refusal", "outside", "read_attachment", "read_pdf"]

IMAGE_ENDINGS = (".jpg", ".jpeg", ".png")
_MARGIN_MM = 10.0


@dataclass(frozen=True)
class Part:
    """One bound part: its bookmark title, where it came from, its bytes' SHA-256 and its pages."""

    title: str
    source: str  # the file name as given (an attachment) or as the register keeps it (a form)
    sha256: str
    reader: PdfReader
    item: str = ""  # the checklist key, for attachments
    signed: bool = False
    original: bytes = b""  # kept for signed PDFs, attached byte for byte (a merged copy breaks the signature)

    @property
    def pages(self) -> int:
        return len(self.reader.pages)


def read_pdf(data: bytes, name: str, *, what: str = "Lampiran", max_pages: int = 0) -> tuple[PdfReader, bool]:
    """Open ``data`` as a usable PDF: not locked, with pages that can be read; whether it is signed.

    With ``max_pages`` a PDF of more pages is refused before its pages are walked (a small file
    can declare thousands of pages, each of which would be checked, copied and numbered).
    """
    label = f"{what} {shown(name, 80)}"
    if b"%PDF" not in data[:1024]:  # some producers put a few bytes before the header; readers allow it
        raise RequestError(f"{label} bukan PDF (isinya tidak diawali %PDF); ekspor ulang sebagai PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as exc:  # whatever pypdf trips on, the file is not a usable PDF
        raise RequestError(f"{label} rusak dan tidak bisa dibuka sebagai PDF; ekspor atau pindai ulang") from exc
    if encrypted:
        raise RequestError(f"{label} terkunci sandi (terenkripsi); simpan ulang tanpa sandi lalu coba lagi")
    try:
        if len(reader.pages) == 0:
            raise RequestError(f"{label} tidak berhalaman; ekspor atau pindai ulang")
        if max_pages and len(reader.pages) > max_pages:
            raise RequestError(
                f"{label} berisi {len(reader.pages)} halaman, melebihi batas {max_pages} halaman per paket "
                "(limits.packet_pages di docgen.toml); periksa berkasnya atau pisahkan menjadi beberapa paket"
            )
        for page in reader.pages:
            _ = page.mediabox, page.get("/Contents")
        signed = _signed(reader)
    except RequestError:
        raise
    except Exception as exc:
        raise RequestError(f"{label} rusak (halamannya tidak terbaca); ekspor atau pindai ulang") from exc
    return reader, signed


def _signed(reader: PdfReader) -> bool:
    """Whether the PDF carries a signature field with a value (a TTE from BSrE, a PAdES seal)."""
    form = reader.trailer["/Root"].get("/AcroForm")
    if form is None:
        return False
    for field in form.get_object().get("/Fields", []):
        field = field.get_object()
        if field.get("/FT") == "/Sig" and field.get("/V") is not None:
            return True
    return False


def read_attachment(path: Path, *, item: str, title: str, root: Path, max_pages: int, max_bytes: int) -> Part:
    """An attachment as a part: a PDF checked, an image laid on an A4 page; refused naming the file.

    The file is read only if it lies inside ``root`` (the attachment folder, resolved) once every
    link is followed, and is not larger than ``max_bytes``: a link to a file elsewhere
    (``/etc/passwd``, another office's folder) must not be bound into a packet that leaves the office.
    """
    data = _read_inside(path, root, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    ending = path.suffix.lower()
    if ending == ".pdf":
        reader, signed = read_pdf(data, path.name, max_pages=max_pages)
        return Part(title, path.name, digest, reader, item, signed, data if signed else b"")
    if ending in IMAGE_ENDINGS:
        reader = PdfReader(io.BytesIO(image_page(data, path.name)))
        return Part(title, path.name, digest, reader, item)
    raise RequestError(
        f"Lampiran {shown(path.name, 80)} bukan PDF atau gambar JPEG/PNG; simpan sebagai PDF lalu coba lagi"
    )


def outside(path: Path, root: Path) -> bool:
    """Whether ``path``, every link followed, leaves the folder ``root`` (itself resolved)."""
    try:
        return not path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):  # a dangling link or a loop: nothing inside the folder to read
        return True


def link_refusal(path: Path, folder: Path) -> RequestError:
    """The one refusal for a link leading out of the attachment folder, whoever finds it."""
    return RequestError(
        f"Lampiran {shown(path.name, 80)} adalah tautan (symlink) ke luar folder {shown(folder.name, 80)}; "
        "salin berkas aslinya ke folder lampiran, jangan ditautkan"
    )


def _read_inside(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it resolves inside ``root``; the last component is opened without following a link."""
    if outside(path, root):
        raise link_refusal(path, root)
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)  # a pipe must not block
        fd = os.open(path.resolve(strict=True), flags)
        with os.fdopen(fd, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise RequestError(f"Lampiran {shown(path.name, 80)} bukan berkas biasa; simpan sebagai berkas PDF")
            size = status.st_size
            if size > max_bytes:
                raise RequestError(
                    f"Lampiran {shown(path.name, 80)} berukuran {size} bita, melebihi batas {max_bytes} "
                    "(limits.pdf_bytes di docgen.toml); pindai ulang dengan resolusi lebih rendah"
                )
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise RequestError(
            f"Lampiran {shown(path.name, 80)} tidak terbaca ({exc.strerror}); periksa izin berkasnya"
        ) from exc


def image_page(data: bytes, name: str) -> bytes:
    """One A4 page (portrait or landscape, as the picture is) holding the picture as large as fits."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            upright = opened.getexif().get(0x0112, 1) in (0, 1)  # EXIF orientation: the camera held level
            jpeg = opened.format == "JPEG" and opened.mode in ("RGB", "L")
            picture = opened.copy() if upright else ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RequestError(f"Gambar {shown(name, 80)} rusak atau bukan JPEG/PNG; simpan ulang gambarnya") from exc
    if picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    if jpeg and not upright:  # a turned photo is encoded again as JPEG: as Flate it would be ten times larger
        turned = io.BytesIO()
        picture.save(turned, "JPEG", quality=90)
        data = turned.getvalue()
    # reportlab copies a JPEG's bytes into the PDF as they are; anything else it compresses losslessly.
    source = ImageReader(io.BytesIO(data)) if jpeg else ImageReader(picture)
    width, height = picture.size
    page = landscape(A4) if width > height else A4
    room_w, room_h = page[0] - 2 * _MARGIN_MM * mm, page[1] - 2 * _MARGIN_MM * mm
    scale = min(room_w / width, room_h / height)
    w, h = width * scale, height * scale
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=page, pageCompression=1)
    canvas.setTitle(name)
    canvas.drawImage(source, (page[0] - w) / 2, (page[1] - h) / 2, w, h)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
