"""Pictures named in a request (site photos, a map): found safely and checked before numbering.

A BAP carries the photos the team took on site; the request names them by path. The path is
data from a user, so it is only ever looked up under the folders docgen allows (the request's
folder, the workspace) and never leaves them: no absolute path, no ``..``, no link pointing out.
Everything that could make the picture fail later (missing, unreadable, not an image, too
large, truncated) is found here, at validation, so no number is taken for a request whose
photo cannot be printed. The bytes are read once and kept, so the file printed is the file
checked even if someone replaces it meanwhile.

How the picture gets into the DOCX (media part, relationship, drawing XML) is the render
layer's business: it installs a placer with :func:`placing` while it renders, and a template's
``{{ foto }}`` asks that placer for the XML (markupsafe calls ``__html__`` when autoescaping).
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["Picture", "PictureError", "load_picture", "placing"]

_local = threading.local()


class PictureError(ValueError):
    """A picture that cannot be used; the message is one Indonesian phrase naming the fix."""


@dataclass(frozen=True, eq=False)
class Picture:
    """One checked picture and the size it is placed at on paper (millimetres).

    ``width_px``/``height_px`` are as the picture is seen (after the camera's EXIF rotation),
    so sizes computed from them keep a portrait photo portrait.
    """

    source: str  # the path as the request wrote it (for messages)
    path: Path  # where it was found
    data: bytes
    digest: str  # sha256 of data
    format: str  # PIL's name: JPEG, PNG, ...
    width_px: int
    height_px: int
    width_mm: float | None = 80.0
    height_mm: float | None = None

    def sized(self, width_mm: float | None = None, height_mm: float | None = None) -> Picture:
        """The same picture placed at another size; with both, it fits inside that box."""
        for value in (width_mm, height_mm):
            if value is not None and not 1 <= float(value) <= 1000:
                raise PictureError(f"ukuran gambar {value} mm tidak masuk akal; pakai 1 sampai 1000 mm")
        if width_mm is None and height_mm is None:
            return self
        return replace(
            self,
            width_mm=None if width_mm is None else float(width_mm),
            height_mm=None if height_mm is None else float(height_mm),
        )

    def placed_mm(self) -> tuple[float, float]:
        """Width and height on paper; the aspect ratio is always kept, never stretched."""
        ratio = self.height_px / self.width_px
        width, height = self.width_mm, self.height_mm
        if width is not None and height is not None:
            if width * ratio > height:
                width = height / ratio
            return width, width * ratio
        if height is not None:
            return height / ratio, height
        width = width or 80.0
        return width, width * ratio

    def __html__(self) -> str:
        place: Callable[[Picture], str] | None = getattr(_local, "place", None)
        if place is None:
            raise PictureError(f"gambar {self.source} hanya bisa diletakkan di isi, kepala atau kaki dokumen")
        return place(self)

    def __str__(self) -> str:
        return self.source


@contextmanager
def placing(place: Callable[[Picture], str]) -> Iterator[None]:
    """While the body runs, ``{{ picture }}`` on this thread renders as ``place(picture)``."""
    outer = getattr(_local, "place", None)
    _local.place = place
    try:
        yield
    finally:
        _local.place = outer


def load_picture(
    raw: str,
    roots: Sequence[Path],
    *,
    max_bytes: int,
    max_pixels: int,
    stored: bool = False,
) -> Picture:
    """Find ``raw`` under one of ``roots`` (in order), read it and prove it decodes.

    ``stored`` is for a request docgen itself saved in the register (a draft numbered later):
    its pictures are recorded by absolute path, found at validation the first time.
    """
    text = raw.strip()
    if not text:
        raise PictureError("jalur berkas gambar kosong; tulis misalnya foto/depan.jpg")
    candidates = [Path(text)] if stored and Path(text).is_absolute() else _candidates(text, roots)
    for candidate in candidates:
        if candidate.exists() or candidate.is_symlink():
            return _read(text, candidate, max_bytes=max_bytes, max_pixels=max_pixels)
    where = " atau ".join(str(root) for root in roots) or "folder permintaan"
    raise PictureError(f"berkas gambar {text} tidak ditemukan di {where}; periksa nama dan foldernya")


def _candidates(text: str, roots: Sequence[Path]) -> list[Path]:
    """The places ``text`` may name, each proven to stay inside its root."""
    posix, windows = PurePosixPath(text), PureWindowsPath(text)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or text.startswith(("\\", "~")):
        raise PictureError(
            f"jalur gambar {text} harus relatif terhadap berkas permintaan atau ruang kerja, bukan jalur mutlak"
        )
    parts = windows.parts  # splits on both / and \
    if any(part == ".." for part in parts):
        raise PictureError(f"jalur gambar {text} tidak boleh memakai '..'; letakkan gambar di dalam folder permintaan")
    found = []
    for root in roots:
        base = root.resolve()
        candidate = base.joinpath(*parts)
        if candidate.exists() or candidate.is_symlink():
            real = candidate.resolve()
            if not real.is_relative_to(base):
                raise PictureError(f"gambar {text} menunjuk ke luar folder {base}; salin berkasnya ke dalam folder itu")
            candidate = real  # opened without following links, so it cannot be swapped for one
        found.append(candidate)
    return found


def _read(text: str, path: Path, *, max_bytes: int, max_pixels: int) -> Picture:
    try:
        # O_NONBLOCK: a FIFO planted under the picture's name must not hang the open
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise PictureError(f"{text} bukan berkas gambar biasa; tunjuk ke berkas .jpg atau .png")
            if info.st_size > max_bytes:
                raise PictureError(
                    f"berkas gambar {text} {info.st_size / 1e6:.1f} MB, paling besar {max_bytes / 1e6:g} MB "
                    "(batas picture_bytes di profil); perkecil fotonya"
                )
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(max_bytes + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise PictureError(f"berkas gambar {text} tidak bisa dibaca ({exc.strerror}); periksa izin berkasnya") from None
    width, height, fmt = _decode(text, data, max_pixels)
    return Picture(text, path, data, hashlib.sha256(data).hexdigest(), fmt, width, height)


def _decode(text: str, data: bytes, max_pixels: int) -> tuple[int, int, str]:
    """Prove the picture decodes whole; its size as seen (EXIF rotation applied) and format."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise PictureError(
                    f"gambar {text} berukuran {width}×{height} piksel ({width * height / 1e6:.0f} MP), paling banyak "
                    f"{max_pixels / 1e6:g} MP (batas picture_pixels di profil); perkecil fotonya"
                )
            fmt = image.format or ""
            if fmt == "JPEG":
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # decodes all data, 64x cheaper
            image.load()
            orientation = image.getexif().get(0x0112, 1)
    except PictureError:
        raise
    except UnidentifiedImageError:
        raise PictureError(f"{text} bukan gambar yang dikenali; simpan sebagai JPEG atau PNG") from None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PictureError(f"gambar {text} rusak atau terpotong ({exc}); simpan ulang fotonya") from None
    if orientation in (5, 6, 7, 8):  # taken with the phone turned: seen rotated by 90°
        width, height = height, width
    return width, height, fmt
