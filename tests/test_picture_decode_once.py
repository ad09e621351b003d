"""A photo is decoded once per content per process, however often it is validated and placed.

A BAP carries phone photos; each letter of a batch validates its request (which proves every
photo decodes) and renders it (which scales each photo to print). Decoding the same bytes at
validation and again at rendering, letter after letter, made docgen barely faster than plain
docxtpl. Decodes are counted by docgen's own counter (``decode_stats``), on real JPEG files
rendered into real DOCX packages; the cache of decoded pictures stays within its bounds.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from PIL import Image

from docgen.pictures import decode_stats, limit_decoded, load_picture
from docgen.render.docx import compile_docx

LIMIT = {"max_bytes": 20_000_000, "max_pixels": 40_000_000}
_seed = iter(range(1, 10_000))


def photo(path: Path, size: tuple[int, int] = (2400, 1800), *, turned: bool = False) -> Path:
    """A phone-like JPEG of its own content (noise seeded per call: a new SHA-256 every time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.effect_noise(size, 40 + next(_seed) % 50).convert("RGB")
    exif = Image.Exif()
    if turned:
        exif[0x0112] = 6  # the camera was held turned: seen rotated by 90°
    image.save(path, format="JPEG", quality=90, exif=exif.tobytes())
    return path


def template(path: Path) -> Path:
    """The photo twice: at the field's size and at 40 mm (two print sizes of one picture)."""
    document = docx.Document()
    document.add_paragraph("Foto lokasi: {{ foto }}")
    document.add_paragraph("Foto kecil: {{ foto|gambar(40) }}")
    document.save(path)
    return path


def media(data: bytes) -> list[tuple[int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return sorted(
            Image.open(io.BytesIO(package.read(name))).size for name in package.namelist() if "/media/" in name
        )


def decodes() -> int:
    return decode_stats().decodes


def test_a_photo_validated_then_placed_twice_at_two_sizes_is_decoded_once(tmp_path):
    photo(tmp_path / "foto" / "depan.jpg")
    before = decodes()
    picture = load_picture("foto/depan.jpg", (tmp_path,), **LIMIT)
    out = compile_docx(template(tmp_path / "bap.docx")).render({"foto": picture})
    assert decodes() - before == 1
    assert [w for w, _ in media(out)] == [315, 630]  # 40 and 80 mm at 200 dpi, scaled from 2400 px


def test_a_photo_validated_for_every_letter_of_a_batch_is_decoded_once(tmp_path):
    photo(tmp_path / "foto" / "depan.jpg")
    compiled = compile_docx(template(tmp_path / "bap.docx"))
    before = decodes()
    outputs = [compiled.render({"foto": load_picture("foto/depan.jpg", (tmp_path,), **LIMIT)}) for _ in range(5)]
    assert decodes() - before == 1
    assert len({tuple(media(out)) for out in outputs}) == 1


def test_the_same_photo_under_two_names_is_decoded_once_and_a_changed_one_again(tmp_path):
    first = photo(tmp_path / "a" / "depan.jpg")
    (tmp_path / "b").mkdir()
    shutil.copyfile(first, tmp_path / "b" / "salinan.jpg")
    before = decodes()
    one = load_picture("a/depan.jpg", (tmp_path,), **LIMIT)
    two = load_picture("b/salinan.jpg", (tmp_path,), **LIMIT)
    assert one.digest == two.digest and decodes() - before == 1
    photo(first)  # new content under the old name
    assert load_picture("a/depan.jpg", (tmp_path,), **LIMIT).digest != one.digest
    assert decodes() - before == 2


def test_a_photo_taken_turned_keeps_its_seen_size_from_the_one_decode(tmp_path):
    photo(tmp_path / "miring.jpg", (1600, 1200), turned=True)
    before = decodes()
    picture = load_picture("miring.jpg", (tmp_path,), **LIMIT)
    again = load_picture("miring.jpg", (tmp_path,), **LIMIT)
    assert (picture.width_px, picture.height_px) == (again.width_px, again.height_px) == (1200, 1600)
    out = compile_docx(template(tmp_path / "bap.docx")).render({"foto": again})
    assert decodes() - before == 1
    assert all(h > w for w, h in media(out))  # placed upright, portrait


@pytest.fixture
def small_cache() -> Iterator[int]:
    """The process's decoded-picture cache held to 3 entries and 30 MB while the test runs."""
    limit_decoded(max_bytes=30_000_000, max_entries=3)
    try:
        yield 3
    finally:
        limit_decoded()


def test_the_decoded_pictures_kept_stay_within_the_cache_bounds(tmp_path, small_cache):
    names = [f"foto-{i}.jpg" for i in range(6)]
    for name in names:
        photo(tmp_path / name)
        load_picture(name, (tmp_path,), **LIMIT)
        stats = decode_stats()
        assert stats.entries <= small_cache and stats.bytes <= stats.max_bytes == 30_000_000
    before = decodes()
    load_picture(names[-1], (tmp_path,), **LIMIT)  # still kept
    assert decodes() == before
    load_picture(names[0], (tmp_path,), **LIMIT)  # let go long ago: decoded again
    assert decodes() == before + 1


def test_the_cache_is_bounded_by_default(tmp_path):
    stats = decode_stats()
    assert 0 < stats.max_bytes <= 256_000_000 and 0 < stats.max_entries <= 1000
    assert stats.bytes <= stats.max_bytes and stats.entries <= stats.max_entries


def test_a_photo_rewritten_in_place_with_as_many_bytes_is_read_and_checked_anew(tmp_path):
    """Same name, same size, new content: the file's change time tells it apart from the one read."""
    import time

    path = tmp_path / "depan.jpg"
    Image.effect_noise((800, 600), 50).convert("RGB").save(path, format="JPEG", comment=b"versi-1")
    first = load_picture("depan.jpg", (tmp_path,), **LIMIT)
    before, seen = decodes(), path.stat()
    deadline = time.monotonic() + 10
    while path.stat().st_ctime_ns == seen.st_ctime_ns:  # until the clock has moved on for the file
        assert time.monotonic() < deadline, "the file's change time never moved"
        with path.open("r+b") as handle:
            data = handle.read()
            handle.seek(data.index(b"versi-"))
            handle.write(b"versi-2")
    assert path.stat().st_size == seen.st_size
    again = load_picture("depan.jpg", (tmp_path,), **LIMIT)
    assert again.digest != first.digest and b"versi-2" in again.data
    assert decodes() == before + 1
