"""Pictures named in a request (site photos, a map): found safely and checked before numbering.

A BAP carries the photos the team took on site; the request names them by path. The path is
data from a user, so it is only ever looked up under the folders docgen allows (the request's
folder, the workspace) and never leaves them: no absolute path, no ``..``, no link pointing out.
Everything that could make the picture fail later (missing, unreadable, not an image, too
large, truncated) is found here, at validation, so no number is taken for a request whose
photo cannot be printed. The bytes are read once and kept, so the file printed is the file
checked even if someone replaces it meanwhile.

A picture is decoded once per content (SHA-256) per process: validation decodes it into an
upright "print master" (a JPEG at the DCT scale nearest a few megapixels) that rendering scales
from, and a request validated again (the same photo in every letter of a batch) finds it in a
cache bounded in bytes and entries; a file unchanged on disk since it was read (same inode,
size, modification and change times) is not read and hashed again either. Decoding phone photos
at validation and again at rendering made a BAP with photos barely faster than plain docxtpl.

How the picture gets into the DOCX (media part, relationship, drawing XML) is the render
layer's business: it installs a placer with :func:`placing` while it renders, and a template's
``{{ foto }}`` asks that placer for the XML (markupsafe calls ``__html__`` when autoescaping).
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from PIL.Image import Image

K = TypeVar("K")
V = TypeVar("V")

__all__ = [
    "DecodeStats",
    "Picture",
    "PictureError",
    "decode_stats",
    "limit_decoded",
    "load_picture",
    "placing",
    "print_master",
]

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
    orientation: int = 1  # EXIF orientation; 1 = stored upright

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
            known = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            kept = _read_files.get(known)
            if kept is None:
                with os.fdopen(fd, "rb", closefd=False) as handle:
                    data = handle.read(max_bytes + 1)
                kept = data, hashlib.sha256(data).hexdigest()
                _read_files.put(known, kept)
        finally:
            os.close(fd)
    except OSError as exc:
        raise PictureError(f"berkas gambar {text} tidak bisa dibaca ({exc.strerror}); periksa izin berkasnya") from None
    data, digest = kept
    decoded = _decoded.get(digest)
    if decoded is None:
        decoded = _decode(text, data, max_pixels)
        _decoded.put(digest, decoded)
    elif decoded.pixels > max_pixels:
        raise _too_many_pixels(text, *decoded.size, max_pixels)
    width, height = decoded.size
    if decoded.orientation in (5, 6, 7, 8):  # taken with the phone turned: seen rotated by 90°
        width, height = height, width
    return Picture(text, path, data, digest, decoded.format, width, height, orientation=decoded.orientation)


# -- decoding, once per content ----------------------------------------------------------------

_MASTER_PIXELS = 4_000_000  # a master this size prints a photo about 25 x 19 cm at 200 dpi
_CACHE_BYTES = 160_000_000  # decoded pixels kept per process (about 16 masters of phone photos)
_CACHE_ENTRIES = 128
_FILES_BYTES = 64_000_000  # picture files kept as read, by their identity on disk


@dataclass(frozen=True)
class _Decoded:
    """What one decode of a picture's bytes found, and the upright pixels rendering scales from."""

    size: tuple[int, int]  # as stored, before the EXIF rotation
    format: str
    orientation: int
    master: Image
    full: bool  # the master has every stored pixel (no better one exists)

    @property
    def pixels(self) -> int:
        return self.size[0] * self.size[1]

    @property
    def bytes(self) -> int:
        return self.master.width * self.master.height * len(self.master.getbands())


@dataclass(frozen=True)
class DecodeStats:
    """How often this process decoded pictures, and what its cache of decoded pictures holds."""

    decodes: int  # pixel decodes of a picture's bytes
    hits: int  # validations and renders answered from the cache instead
    entries: int
    bytes: int  # decoded pixels held
    max_entries: int
    max_bytes: int


class _Kept(Generic[K, V]):
    """Values by key, least recently used first out, within a total size and a number of entries."""

    def __init__(self, max_bytes: int, max_entries: int, size: Callable[[V], int]) -> None:
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes -= self._size(old) if old is not None else 0
            if self._size(value) <= self.max_bytes:  # a value larger than the whole cache is not kept
                self._items[key] = value
                self._bytes += self._size(value)
            self._trim()

    def _trim(self) -> None:
        while self._items and (self._bytes > self.max_bytes or len(self._items) > self.max_entries):
            _, dropped = self._items.popitem(last=False)
            self._bytes -= self._size(dropped)

    def held(self) -> tuple[int, int]:
        """Entries and their total size."""
        with self._lock:
            return len(self._items), self._bytes

    def limit(self, max_bytes: int, max_entries: int) -> None:
        with self._lock:
            self.max_bytes, self.max_entries = max_bytes, max_entries
            self._trim()


class _Counter:
    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.value += 1


_decoded: _Kept[str, _Decoded] = _Kept(_CACHE_BYTES, _CACHE_ENTRIES, lambda decoded: decoded.bytes)
# A file read before and unchanged since (same inode, size, modification and change times) is
# not read and hashed again: the photo named in every letter of a batch costs one read.
_read_files: _Kept[tuple[int, ...], tuple[bytes, str]] = _Kept(_FILES_BYTES, _CACHE_ENTRIES, lambda kept: len(kept[0]))
_decodes = _Counter()


def decode_stats() -> DecodeStats:
    """Decodes and cache use of this process so far (bench/render.py prints them; tests count them)."""
    entries, held = _decoded.held()
    return DecodeStats(_decodes.value, _decoded.hits, entries, held, _decoded.max_entries, _decoded.max_bytes)


def limit_decoded(*, max_bytes: int = _CACHE_BYTES, max_entries: int = _CACHE_ENTRIES) -> None:
    """Bound the decoded pictures this process keeps (the defaults without arguments)."""
    _decoded.limit(max_bytes, max_entries)


def print_master(picture: Picture, width: int) -> Image:
    """The picture upright, at least ``width`` pixels wide when it has that many: what is scaled to print.

    Normally the master validation decoded; decoded again only when the cache let it go or the
    picture is placed larger than its master serves (then at the size asked, and kept).
    """
    found = _decoded.get(picture.digest)
    if found is not None and (found.full or found.master.width >= width):
        return found.master
    decoded = _decode(picture.source, picture.data, picture.width_px * picture.height_px, width=width)
    _decoded.put(picture.digest, decoded)
    return decoded.master


def _too_many_pixels(text: str, width: int, height: int, max_pixels: int) -> PictureError:
    return PictureError(
        f"gambar {text} berukuran {width}×{height} piksel ({width * height / 1e6:.0f} MP), paling banyak "
        f"{max_pixels / 1e6:g} MP (batas picture_pixels di profil); perkecil fotonya"
    )


def _decode(text: str, data: bytes, max_pixels: int, *, width: int | None = None) -> _Decoded:
    """Decode the picture whole (proving it is not truncated) into an upright master.

    A JPEG is decoded at the coarsest DCT scale (1/2, 1/4, 1/8) still about ``_MASTER_PIXELS``,
    or still ``width`` pixels wide (upright) when a render asks for more.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
            if size[0] * size[1] > max_pixels:
                raise _too_many_pixels(text, *size, max_pixels)
            fmt = image.format or ""
            orientation = _orientation(image.getexif())
            if fmt == "JPEG":
                image.draft("RGB", _draft_size(size, orientation, width))
            image.load()
            full = image.size == size
            master = ImageOps.exif_transpose(image) if orientation != 1 else image.copy()
    except PictureError:
        raise
    except UnidentifiedImageError:
        raise PictureError(f"{text} bukan gambar yang dikenali; simpan sebagai JPEG atau PNG") from None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PictureError(f"gambar {text} rusak atau terpotong ({exc}); simpan ulang fotonya") from None
    _decodes.add()
    return _Decoded(size, fmt, orientation, master, full)


def _orientation(exif: Any) -> int:
    value = exif.get(0x0112, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _draft_size(size: tuple[int, int], orientation: int, width: int | None) -> tuple[int, int]:
    """The size to ask the JPEG decoder for; it picks the coarsest scale at least this large."""
    w, h = size
    if width is not None:
        across = h if orientation in (5, 6, 7, 8) else w  # the stored side that is seen across
        ratio = min(1.0, width / across)
    else:
        ratio = min(1.0, math.sqrt(_MASTER_PIXELS / (w * h)) / 2)  # a scale up to 2x coarser than the goal
    return max(1, math.ceil(w * ratio)), max(1, math.ceil(h * ratio))
