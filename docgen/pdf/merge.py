"""One print-ready PDF of a whole batch, with a bookmark per document, written as it is read.

pypdf's ``PdfWriter`` keeps every page of every part in memory until ``write`` and only then
can ``compress_identical_objects`` fold the copies of the same font together: for 10,000
certificates (73 KB each, 60 KB of it the two Liberation faces, the background form and the
emblem, identical in every one) that is ~700 MB held at once. Here pypdf only parses and
serialises: each part is opened, its pages' objects are copied straight to the output file
and the part is closed. Every copied object is keyed by the SHA-256 of its serialised bytes
(children first, with their new numbers), so a font, its descriptor and the background
already written are referenced again instead of rewritten. What stays in memory is that
digest map, the byte offsets of the objects and one reference and title per page/document.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from docgen.errors import RenderError
from docgen.files import DISK_FULL_FIX, disk_full

__all__ = ["merge_pdfs"]

_CATALOG, _PAGES, _OUTLINES = 1, 2, 3
_KIDS_PER_NODE = 256  # a balanced two-level page tree: viewers walk 10,000 kids in one array slowly
_SKIP_ON_PAGE = {"/Parent", "/B", "/StructParents", "/Thumb"}  # ties to the part's own trees, not ours


class _Output:
    """Objects appended to a file with their offsets kept for the cross-reference table."""

    def __init__(self, fh: io.BufferedWriter) -> None:
        self.fh = fh
        self.offsets: dict[int, int] = {}
        self.next_number = _OUTLINES + 1
        self.by_digest: dict[bytes, int] = {}
        fh.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        number, self.next_number = self.next_number, self.next_number + 1
        return number

    def put(self, number: int, data: bytes) -> None:
        self.offsets[number] = self.fh.tell()
        self.fh.write(b"%d 0 obj\n%s\nendobj\n" % (number, data))

    def put_shared(self, data: bytes) -> int:
        """Write ``data`` once: an object already written with the same bytes is reused."""
        digest = hashlib.sha256(data).digest()
        number = self.by_digest.get(digest)
        if number is None:
            number = self.reserve()
            self.put(number, data)
            self.by_digest[digest] = number
        return number

    def finish(self) -> None:
        size = self.next_number
        start = self.fh.tell()
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
        lines += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, size)]
        self.fh.write(b"".join(lines))
        self.fh.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, _CATALOG, start))


def _bytes(obj: PdfObject) -> bytes:
    buf = io.BytesIO()
    obj.write_to_stream(buf)
    return buf.getvalue()


def _annotation(obj: PdfObject) -> bool:
    return isinstance(obj, DictionaryObject) and "/Rect" in obj and "/Subtype" in obj


def _ref(number: int) -> IndirectObject:
    return IndirectObject(number, 0, None)  # type: ignore[arg-type]  # only written, never resolved


class _Part:
    """One source PDF being copied: its object numbers mapped to the output's."""

    def __init__(self, out: _Output, pages: Sequence[DictionaryObject]) -> None:
        self.out = out
        self.open: dict[tuple[int, int], int | None] = {}  # being copied; a number once something loops back
        # Pages are numbered first: a link to a later page (or an annotation's /P) must land on our copy,
        # never drag the part's page tree in through the page's /Parent.
        self.done = {(p.indirect_reference.idnum, p.indirect_reference.generation): out.reserve() for p in pages}

    def indirect(self, ref: IndirectObject) -> int:
        key = (ref.idnum, ref.generation)
        if key in self.done:
            return self.done[key]
        if key in self.open:  # a cycle (an annotation's /P back to its page): number it before it is written
            if self.open[key] is None:
                self.open[key] = self.out.reserve()
            return self.open[key]  # type: ignore[return-value]
        self.open[key] = None
        obj = ref.get_object()
        data = _bytes(self.direct(obj))
        number = self.open.pop(key)
        if number is None and _annotation(obj):  # one page each: a link shared by two pages is malformed
            number = self.out.reserve()
        if number is not None:
            self.out.put(number, data)
        else:
            number = self.out.put_shared(data)
        self.done[key] = number
        return number

    def direct(self, obj: PdfObject | None) -> PdfObject:
        if isinstance(obj, IndirectObject):
            return _ref(self.indirect(obj))
        if isinstance(obj, StreamObject):
            stream = StreamObject()
            stream.update({NameObject(k): self.direct(v) for k, v in obj.items() if k != "/Length"})
            stream._data = obj._data  # the part's encoded bytes as they are: no decode, no re-compress
            return stream
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({NameObject(k): self.direct(v) for k, v in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.direct(v) for v in obj)
        return NullObject() if obj is None else obj

    def page(self, page: DictionaryObject, parent: int) -> int:
        """Copy one page (its inherited box and resources already on it) under ``parent``; never shared."""
        number = self.done[(page.indirect_reference.idnum, page.indirect_reference.generation)]
        copy = DictionaryObject({NameObject(k): self.direct(v) for k, v in page.items() if k not in _SKIP_ON_PAGE})
        copy[NameObject("/Parent")] = _ref(parent)
        self.out.put(number, _bytes(copy))
        return number


def _broken(path: Path, title: str) -> RenderError:
    fix = "buat ulang dokumennya lalu gabungkan lagi"
    return RenderError(f"Berkas {path.name} untuk {title} rusak atau bukan PDF; {fix}")


def _open(path: Path, title: str) -> PdfReader:
    if not path.is_file():
        raise RenderError(f"Berkas {path} untuk {title} tidak ditemukan; buat ulang dokumennya lalu gabungkan lagi")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise ValueError("encrypted")
        if len(reader.pages) == 0:
            raise ValueError("no pages")
    except Exception as exc:  # whatever pypdf trips on, the part is not a usable PDF
        raise _broken(path, title) from exc
    return reader


def _write(fh: io.BufferedWriter, parts: Sequence[tuple[str, Path]]) -> int:
    out = _Output(fh)
    nodes: list[tuple[int, list[int]]] = []  # intermediate page-tree nodes and their pages
    firsts: list[tuple[str, int]] = []  # (bookmark title, first page)
    for title, path in parts:
        reader = _open(Path(path), title)
        try:
            part = _Part(out, reader.pages)
            for index, page in enumerate(reader.pages):
                if not nodes or len(nodes[-1][1]) == _KIDS_PER_NODE:
                    nodes.append((out.reserve(), []))
                number = part.page(page, nodes[-1][0])
                nodes[-1][1].append(number)
                if index == 0:
                    firsts.append((title, number))
        except RenderError:
            raise
        except Exception as exc:  # a part that opens but whose objects cannot be read
            raise _broken(Path(path), title) from exc
        finally:
            reader.close()
    for node, kids in nodes:
        out.put(node, b"<< /Type /Pages /Parent %d 0 R /Count %d /Kids [%s] >>" % (_PAGES, len(kids), _refs(kids)))
    total = sum(len(kids) for _, kids in nodes)
    out.put(_PAGES, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (total, _refs([n for n, _ in nodes])))
    items = [out.reserve() for _ in firsts]
    for i, ((title, page), number) in enumerate(zip(firsts, items, strict=True)):
        item = DictionaryObject({NameObject("/Title"): TextStringObject(title), NameObject("/Parent"): _ref(_OUTLINES)})
        item[NameObject("/Dest")] = ArrayObject([_ref(page), NameObject("/Fit")])
        if i:
            item[NameObject("/Prev")] = _ref(items[i - 1])
        if i + 1 < len(items):
            item[NameObject("/Next")] = _ref(items[i + 1])
        out.put(number, _bytes(item))
    outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines"), NameObject("/Count"): NumberObject(0)})
    if items:
        outlines.update({NameObject("/First"): _ref(items[0]), NameObject("/Last"): _ref(items[-1])})
        outlines[NameObject("/Count")] = NumberObject(len(items))
    out.put(_OUTLINES, _bytes(outlines))
    catalog = b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines >>" % (_PAGES, _OUTLINES)
    out.put(_CATALOG, catalog)
    out.finish()
    return total


def _refs(numbers: Sequence[int]) -> bytes:
    return b" ".join(b"%d 0 R" % n for n in numbers)


def merge_pdfs(parts: Sequence[tuple[str, Path]], target: Path) -> int:
    """Write the parts, in order, into one PDF at ``target`` with a bookmark ``title`` per part; the page count.

    The file appears under ``target`` only when complete (temporary name, fsync, ``os.replace``),
    so a crash or a refused part leaves the previous ``target`` (or none), never half a PDF.
    """
    if not parts:
        raise RenderError(f"Tidak ada dokumen untuk digabung ke {target.name}; periksa hasil batch lalu coba lagi")
    target = Path(target)
    tmp_name = ""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=target.parent, prefix=f".{target.name}.", delete=False) as fh:
            tmp_name = fh.name
            pages = _write(fh, parts)  # type: ignore[arg-type]
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        tmp_name = ""
    except OSError as exc:
        if disk_full(exc):
            raise RenderError(f"Disk penuh saat menulis {target.name} ({exc.strerror}); {DISK_FULL_FIX}") from exc
        raise RenderError(f"Tidak bisa menulis {target} ({exc}); periksa ruang disk dan izin folder") from exc
    finally:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return pages
