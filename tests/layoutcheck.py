"""A layout checker that reads finished PDFs the way a careful clerk looks at them (issue 23).

Every rule of a naskah dinas that can be measured is one function here, returning a list of
``Finding`` (page, rule, text), so a failed test says exactly what is wrong and where. The text
and its geometry come from pdfplumber (each character with its size and font, see
``layoutread``); the fonts from pypdf. The checker knows nothing of how a document was made: the
caller passes what the document must contain (the kop lines, the signature block's lines, the
tembusan, the values it put in), which a test computes from the profile and the request, never
from the code under test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from layoutread import ENUM, MIN_PT, MM, Document, Finding, Furniture, Line, Page, content, item, norm, read_layout

__all__ = [
    "MM",
    "Document",
    "Finding",
    "Furniture",
    "Line",
    "Page",
    "ellipsis_cuts",
    "evidence_clause",
    "kop_differs",
    "marks_over_text",
    "missing_page_numbers",
    "missing_rahasia",
    "norm",
    "numbered_single_tembusan",
    "read_layout",
    "separated_signatures",
    "small_text",
    "split_tembusan",
    "stranded_pages",
    "unembedded_fonts",
    "wrong_paper",
]


# -- the rules -------------------------------------------------------------------------------


def small_text(doc: Document, minimum: float = MIN_PT) -> list[Finding]:
    """Text under 8 pt: a form that shrinks a value to make it fit, a footer set too small."""
    return [
        Finding(page.number, "huruf di bawah 8 pt", f"{line.size:.1f} pt: {line.text[:80]}")
        for page in doc.pages
        for line in page.lines
        if line.size < minimum
    ]


_CUT = re.compile(r"(?<!\.)\.\.\.(?!\.)|\u2026")


def ellipsis_cuts(doc: Document, values: Iterable[str]) -> list[Finding]:
    """A value cut short with "..." or "…" that the data did not contain.

    A run of four or more dots is a fill-in leader, not a cut. An ellipsis is the data's own when
    some value holds the same words right before it.
    """
    data = [re.sub(r"\s+", "", v).replace("\u2026", "...").casefold() for v in values if v]
    findings: list[Finding] = []
    for page in doc.pages:
        for line in page.lines:
            for match in _CUT.finditer(line.text):
                before = re.sub(r"\s+", "", line.text[: match.start()])[-12:].casefold()
                if not any(before + "..." in value for value in data):
                    findings.append(Finding(page.number, "terpotong dengan elipsis", line.text[:100]))
                    break
    return findings


def missing_page_numbers(
    doc: Document,
    label: Callable[[int], str],
    *,
    position: str = "top",
    band_mm: float = 30.0,
    centre_mm: float = 15.0,
    first_page: bool = False,
) -> list[Finding]:
    """Every page after the first carries ``label(n)`` centred at the top (or bottom); page 1 none.

    ``first_page=True`` for documents that number every page (a packet's "hal. 1 dari 9").
    """
    findings: list[Finding] = []
    for page in doc.pages:
        wanted = norm(label(page.number))
        found = [line for line in page.lines if norm(line.text) == wanted and _placed(page, line, position, band_mm)]
        centred = [line for line in found if abs((line.x0 + line.x1) / 2 - page.width / 2) <= centre_mm * MM]
        if page.number == 1 and not first_page:
            if found:
                findings.append(Finding(1, "halaman pertama bernomor", found[0].text))
        elif not centred:
            where = "atas" if position == "top" else "bawah"
            seen = f" (tercetak di luar tengah {where}: {found[0].text})" if found else ""
            findings.append(Finding(page.number, "tanpa nomor halaman", f"'{label(page.number)}' tidak ada{seen}"))
    return findings


def _placed(page: Page, line: Line, position: str, band_mm: float) -> bool:
    if position == "top":
        return line.top <= band_mm * MM
    return line.bottom >= page.height - band_mm * MM


def _in_block(text: str, blocks: Sequence[str]) -> bool:
    """Whether a printed run is (a wrapped piece of) one of the block's lines."""
    piece = item(text)
    if not piece:
        return False
    for line in blocks:
        whole = item(line)
        if piece == whole or (len(piece) >= 5 and piece in whole):
            return True
    return False


def stranded_pages(doc: Document, blocks: Sequence[str], furniture: Furniture | None = None) -> list[Finding]:
    """A page whose only content is a signature block or tembusan lines (or nothing at all).

    ``blocks``: every line of the signature blocks (place and date, jabatan, name, rank, NIP) and
    the tembusan (its heading and items); kop, page numbers, marks and footer are left aside.
    """
    findings: list[Finding] = []
    for page in doc.pages:
        lines = content(page, furniture)
        if not lines:
            findings.append(Finding(page.number, "halaman tanpa isi", "hanya kop, nomor halaman atau kaki"))
        elif all(_in_block(line.text, blocks) for line in lines):
            shown = " | ".join(line.text for line in lines[:4])
            findings.append(Finding(page.number, "halaman hanya berisi blok tanda tangan/tembusan", shown))
    return findings


def separated_signatures(
    doc: Document,
    signatures: Sequence[Sequence[str]],
    furniture: Furniture | None = None,
    *,
    others: Sequence[str] = (),
    minimum: int = 2,
) -> list[Finding]:
    """A signature block whose page does not hold at least two body lines above its first line.

    Each signature is its lines top to bottom; the first (the jabatan, or "a.n. ..." ) is found
    wherever a printed run begins it. Body lines are rows that are neither furniture nor part of a
    block (``others``: tembusan and date lines, which are no body either).
    """
    blocks = [line for sig in signatures for line in sig] + list(others)
    findings: list[Finding] = []
    for signature in signatures:
        head = norm(signature[0])
        for page in doc.pages:
            lines = content(page, furniture)
            for line in lines:
                piece = norm(line.text)
                if not (piece == head or (len(piece) >= 6 and head.startswith(piece))):
                    continue
                rows = {other.row for other in lines if other.bottom <= line.top + 1}
                body = {other.row for other in lines if other.row in rows and not _in_block(other.text, blocks)}
                if len(body) < minimum:
                    findings.append(
                        Finding(
                            page.number,
                            "blok tanda tangan terpisah dari baris sebelumnya",
                            f"{line.text} (baris isi di atasnya: {len(body)})",
                        )
                    )
    return findings


def split_tembusan(
    doc: Document,
    items: Sequence[str],
    furniture: Furniture | None = None,
    *,
    heading: str = "Tembusan:",
    short: int = 10,
) -> list[Finding]:
    """The tembusan heading on another page than its items, or a short tembusan (up to 10) split.

    The tembusan is the heading and the item lines that follow it without other content between
    (page furniture aside), so an addressee's name elsewhere in the letter is not taken for one.
    """
    if not items:
        return []
    run = _after_heading(doc, items, furniture, heading)
    if len(run) < 2:
        return []
    head, pages = run[0], set(run[1:])
    findings: list[Finding] = []
    if head != min(pages):
        findings.append(Finding(head, "judul tembusan terpisah dari butirnya", f"butir mulai di halaman {min(pages)}"))
    if len(items) <= short and len({head, *pages}) > 1:
        spread = ", ".join(str(n) for n in sorted({head, *pages}))
        findings.append(Finding(min(pages), "tembusan pendek terpecah", f"{len(items)} butir di halaman {spread}"))
    return findings


def _after_heading(doc: Document, items: Sequence[str], furniture: Furniture | None, heading: str) -> list[int]:
    """The page of the heading, then the page of each item line that follows it."""
    run: list[int] = []
    for page in doc.pages:
        for line in content(page, furniture):
            if not run:
                if norm(line.text) == norm(heading):
                    run.append(page.number)
            elif _in_block(line.text, items):
                run.append(page.number)
            else:
                return run
    return run


def numbered_single_tembusan(doc: Document, items: Sequence[str], furniture: Furniture | None = None) -> list[Finding]:
    """One tembusan is written without a number ("1. Wali Kota" is for a list of several)."""
    if len(items) != 1:
        return []
    return [
        Finding(page.number, "tembusan tunggal bernomor", line.text)
        for page in doc.pages
        for line in content(page, furniture)
        if ENUM.match(line.text) and _in_block(line.text, items)
    ]


def missing_rahasia(doc: Document, *, mark: str = "RAHASIA", band_mm: float = 30.0) -> list[Finding]:
    """A Rahasia document is marked at the top and at the bottom of every page."""
    findings = []
    for page in doc.pages:
        marks = [line for line in page.lines if norm(line.text) == norm(mark)]
        for position, where in (("top", "atas"), ("bottom", "bawah")):
            if not any(_placed(page, line, position, band_mm) for line in marks):
                findings.append(Finding(page.number, "tanda rahasia tidak ada", f"'{mark}' di {where} halaman"))
    return findings


_EVIDENCE = re.compile(r"\bITE\b|alat bukti hukum", re.IGNORECASE)


def evidence_clause(doc: Document) -> list[Finding]:
    """The UU ITE clause on electronic evidence, printed on a document that is not signed electronically."""
    return [
        Finding(page.number, "klausul UU ITE pada dokumen bertanda tangan basah", line.text[:100])
        for page in doc.pages
        for line in page.lines
        if _EVIDENCE.search(line.text)
    ]


def kop_differs(doc: Document, kop: Sequence[str], furniture: Furniture | None = None) -> list[Finding]:
    """The first lines of page 1 must be the profile's printed kop, line for line, in order."""
    if not doc.pages:
        return [Finding(0, "kop berbeda", "berkas tanpa halaman")]
    page = doc.pages[0]
    marks = Furniture(marks=furniture.marks, label=furniture.label) if furniture else None
    printed = [line.text for line in content(page, marks)][: len(kop)]
    printed += [""] * (len(kop) - len(printed))
    for index, (seen, wanted) in enumerate(zip(printed, kop, strict=True), start=1):
        if norm(seen) != norm(wanted):
            return [Finding(1, "kop berbeda", f"baris {index} tercetak '{seen}', profil '{wanted}'")]
    return []


def wrong_paper(
    doc: Document, size_mm: tuple[float, float], tolerance_mm: float = 1.0, *, half: bool = False
) -> list[Finding]:
    """Pages not on the profile's paper (A4 210 x 297 mm, F4 215 x 330 mm), in either orientation.

    ``half=True`` also accepts half the sheet (a disposition sheet is commonly half a folio).
    """
    wanted = [sorted(size_mm)]
    if half:
        wanted.append(sorted((size_mm[0], size_mm[1] / 2)))
    findings = []
    for page in doc.pages:
        seen = sorted((page.width / MM, page.height / MM))
        if not any(all(abs(a - b) <= tolerance_mm for a, b in zip(seen, w, strict=True)) for w in wanted):
            allowed = " atau ".join(f"{w[0]:g} x {w[1]:g} mm" for w in wanted)
            findings.append(
                Finding(page.number, "ukuran kertas", f"{seen[0]:.0f} x {seen[1]:.0f} mm, profil {allowed}")
            )
    return findings


def unembedded_fonts(pdf: Path) -> list[Finding]:
    """Fonts whose program is not in the file (no FontFile/FontFile2/FontFile3; Type3 are drawn)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    missing: dict[str, int] = {}
    seen: set[int] = set()

    def fonts_of(resources: object, page: int) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        key = id(resources)
        if key in seen:
            return
        seen.add(key)
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type3":
                continue
            parts = [font, *(d.get_object() for d in font.get("/DescendantFonts") or [])]
            described = [p for p in parts if p.get("/FontDescriptor") is not None]
            embedded = any(
                any(k in p["/FontDescriptor"].get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                for p in described
            )
            if not embedded:
                missing.setdefault(str(font.get("/BaseFont", "?")).lstrip("/"), page)
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                fonts_of(xobject.get("/Resources"), page)

    for number, page in enumerate(reader.pages, start=1):
        fonts_of(page.get("/Resources"), number)
        for annot in page.get("/Annots") or []:
            appearance = (annot.get_object().get("/AP") or {}).get("/N")
            if appearance is not None and hasattr(appearance.get_object(), "get"):
                fonts_of(appearance.get_object().get("/Resources"), number)
    return [Finding(page, "huruf tidak tertanam", name) for name, page in missing.items()]


def marks_over_text(pdf: Path, doc: Document, furniture: Furniture, band_mm: float = 45.0) -> list[Finding]:
    """Content under the stamped QR code or verification footer (a tembusan printed under the code).

    The footer is its lines (``furniture`` knows its wording), the code a picture whose foot is in
    the bottom ``band_mm``; a content line whose box meets either is a finding.
    """
    import pdfplumber

    findings = []
    with pdfplumber.open(pdf) as plumbed:
        for page, plumbed_page in zip(doc.pages, plumbed.pages, strict=True):
            band = page.height - band_mm * MM
            boxes = [
                (float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"]))
                for i in plumbed_page.images
                if float(i["bottom"]) >= band
            ]
            footer = [
                line for line in page.lines if line.top >= band and furniture.holds(page, line)
                and norm(line.text) not in {norm(m) for m in furniture.marks}
            ]  # fmt: skip
            if footer:
                boxes.append((min(f.x0 for f in footer), min(f.top for f in footer),
                              max(f.x1 for f in footer), max(f.bottom for f in footer)))  # fmt: skip
            for line in content(page, furniture):
                if any(
                    line.x0 < x1 and line.x1 > x0 and line.top < y1 and line.bottom > y0 for x0, y0, x1, y1 in boxes
                ):
                    findings.append(Finding(page.number, "tanda verifikasi menimpa teks", line.text[:80]))
    return findings


def _meets(line: Line, box: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = box
    return line.x0 < x1 and line.x1 > x0 and line.top < y1 and line.bottom > y0
