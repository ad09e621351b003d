"""Post-render fixes of a rendered DOCX part: table grids that match their cells, unique drawing ids.

Rendering a template as text can leave a valid XML part that is still a damaged document:

- a column loop (``{%tc for c in kolom %}``) or a removed cell changes how many cells a row has,
  but the table's grid (``w:tblGrid``/``w:gridCol``) keeps the template's column count; LibreOffice
  then drops the extra columns from the PDF without a word;
- a picture inside a loop repeats its ``wp:docPr id``, and Word reports duplicate ids as damage.

Plain docxtpl fixes both after rendering (``fix_tables``, ``fix_docpr_ids``); the compiled renderer
does it here, on the tree it parses anyway to prove the part is well-formed, and re-serialises a
part only when something was fixed, so a letter whose tables and pictures are fine costs no more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

__all__ = [
    "BrokenReference",
    "DrawingIds",
    "Finding",
    "fix_part",
    "fix_table_grid",
    "grids_may_change",
    "has_templated_references",
    "inspect_part",
    "relationship_ids",
    "reserved_ids",
    "unresolved_references",
]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_XML_PART = re.compile(r"^word/[^/]+\.xml$")
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REFERENCES = etree.XPath("//@*[namespace-uri()=$ns]")
_LITERAL_REF = re.compile(r'\sr:[A-Za-z]+="([^"]*)"')  # the prefix every editor uses for relationships
_SPANS = etree.XPath(
    "boolean(w:tr/w:tc/w:tcPr/w:gridSpan | w:tr/w:trPr/w:gridBefore | w:tr/w:trPr/w:gridAfter)",
    namespaces={"w": _W[1:-1]},
)
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# A tag that changes how many cells a row has: a column loop or a removed cell ({%tc %}), a cell
# replaced by a value ({{tc }}), a cell commented out ({#tc #}), a merge ({% hm %}, {% colspan %}).
_RESHAPING = re.compile(r"\{[%{#]-?\s*(?:tc|hm|colspan)\b")


class BrokenReference(ValueError):
    """A part points at a relationship id its ``.rels`` part does not have (Word: unreadable content)."""

    def __init__(self, rid: str, paragraph: int) -> None:
        super().__init__(rid, paragraph)
        self.rid = rid
        self.paragraph = paragraph


def relationship_ids(rels: bytes | None) -> frozenset[str]:
    """The ids a ``.rels`` part declares (none when the part has no ``.rels``)."""
    if not rels:
        return frozenset()
    try:
        return frozenset(e.get("Id", "") for e in etree.fromstring(rels).iter(_PKG_REL))
    except etree.XMLSyntaxError:
        return frozenset()


class DrawingIds:
    """The ``wp:docPr`` ids one output document uses so far, across all its parts.

    Word wants every drawing id unique in the whole package (body, headers, footers, notes), so one
    instance is shared by all parts of one render; it starts with the ids of the parts that were
    not rendered (they keep theirs).
    """

    def __init__(self, reserved: Iterable[int] = ()) -> None:
        self.seen: set[int] = set(reserved)
        self._next = max(self.seen, default=0) + 1

    def claim(self, current: str | None) -> str | None:
        """Keep ``current`` if it is a number not used yet; otherwise a fresh id to use instead."""
        if current is not None and current.isdigit() and int(current) not in self.seen:
            self.seen.add(int(current))
            self._next = max(self._next, int(current) + 1)
            return None
        while self._next in self.seen:
            self._next += 1
        self.seen.add(self._next)
        return str(self._next)


def reserved_ids(members: dict[str, tuple[Any, bytes]], rendered: set[str]) -> frozenset[int]:
    """The drawing ids in the package's XML parts that are not rendered (read once per template)."""
    found: set[int] = set()
    for name, (_info, data) in members.items():
        if name in rendered or not _XML_PART.match(name) or b"docPr" not in data:
            continue
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError:
            continue  # not a part Word reads as XML we can repair; leave it to Word
        values = (drawing.get("id", "") for drawing in root.iter(_WP + "docPr"))
        found.update(int(value) for value in values if value.isdigit())
    return frozenset(found)


def fix_part(
    data: bytes, ids: DrawingIds, relationships: frozenset[str] | set[str] | None = None, *, grids: bool = True
) -> bytes:
    """Parse a rendered part (raises ``etree.XMLSyntaxError`` if broken) and return it fixed.

    The bytes come back unchanged when every table grid already matches its cells and no drawing
    id repeats, which is the common case. ``grids=False`` skips the tables of a part whose template
    has no tag that changes a row's cells (its grids are as the author's editor wrote them). With
    ``relationships`` (the ids the part's ``.rels``
    declares), a reference to any other id raises :class:`BrokenReference`: that cannot be fixed,
    only refused.
    """
    root = etree.fromstring(data)
    if relationships is not None:
        for ref in _REFERENCES(root, ns=_R):
            if str(ref) not in relationships:
                paragraphs = ref.getparent().xpath("count(preceding::w:p)", namespaces={"w": _W[1:-1]})
                raise BrokenReference(str(ref), int(paragraphs) + 1)
    changed = False
    if grids and b"<w:tbl" in data:
        for table in root.iter(_W + "tbl"):
            changed |= fix_table_grid(table)
    if b"docPr" in data:
        for drawing in root.iter(_WP + "docPr"):
            fresh = ids.claim(drawing.get("id"))
            if fresh is not None:
                drawing.set("id", fresh)
                changed = True
    if not changed:
        return data
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def grids_may_change(template_xml: str, source: str) -> bool:
    """Whether a part's rendered tables can have a grid that does not match their cells.

    ``template_xml`` is the part as saved, ``source`` as compiled (after docxtpl's clean-up).
    Then every render fixes the part's grids; otherwise they are left as the author's editor
    wrote them, and a letter with tables costs no parse of its tables. True for a tag that
    reshapes rows (tags may be split over runs, so markup is stripped first) and for a compiled
    table whose grid is unlike its rows: a cell the clean-up removed, whatever tag did it
    (``{#tc #}`` comments were missed once, leaving the old column count), or a grid the editor
    left wrong; ``docgen template check`` tells both as adjusted when made (:func:`inspect_part`).
    """
    if _RESHAPING.search(re.sub(r"<[^>]*>", "", template_xml)):
        return True
    if "<w:tbl" not in source:
        return False
    try:
        root = etree.fromstring(source.encode("utf-8"))
    except etree.XMLSyntaxError:
        return True  # not XML before rendering: only the rendered part can tell
    return any(_grid_unlike_rows(table) for table in root.iter(_W + "tbl"))


def _grid_unlike_rows(table: etree._Element) -> tuple[int, int] | None:
    """(grid columns, widest row) of a table whose grid does not match its widest row, else None."""
    grid = table.find(_W + "tblGrid")
    columns = len(grid.findall(_W + "gridCol")) if grid is not None else 0
    widest = max((_row_width(row) for row in table.findall(_W + "tr")), default=0)
    return (columns, widest) if grid is not None and widest and columns != widest else None


Finding = tuple[int, str, bool]  # (line in the template source, Indonesian text, True if it breaks the document)


def unresolved_references(source: str, relationships: frozenset[str]) -> list[tuple[int, str]]:
    """Literal relationship ids in a template part that its ``.rels`` lacks, with their source lines.

    Checked once when the template is compiled: user data is escaped and cannot write an
    attribute, so a render can only add references through a placed picture (always resolved) or
    a tag inside an ``r:`` attribute (:func:`has_templated_references`, checked per render).
    """
    return [
        (number, match[1])
        for number, line in enumerate(source.split("\n"), 1)
        for match in _LITERAL_REF.finditer(line)
        if "{" not in match[1] and match[1] not in relationships
    ]


def has_templated_references(source: str) -> bool:
    return any("{" in match[1] for match in _LITERAL_REF.finditer(source))


def inspect_part(source: str, seen_ids: set[str]) -> list[Finding]:
    """What ``docgen template check`` tells about one part of a template, by source line.

    ``source`` is the part as the renderer compiles it (one paragraph per line), so the lines
    match the ones Jinja names in its errors. A repeated drawing id and a table grid that does
    not match its cells are fixed in every output, so they are only told (a missing relationship
    stops the compile: :func:`unresolved_references`). ``seen_ids`` carries drawing ids across
    the parts of one package.
    """
    try:
        root = etree.fromstring(source.encode("utf-8"))
    except etree.XMLSyntaxError:
        return []  # not XML before rendering; the trial render reports what is wrong with it
    found: list[Finding] = []
    for drawing in root.iter(_WP + "docPr"):
        value = drawing.get("id", "")
        if value in seen_ids:
            found.append((drawing.sourceline or 0, f"id gambar {value} dipakai dua kali (diperbaiki otomatis)", False))
        seen_ids.add(value)
    for table in root.iter(_W + "tbl"):
        unlike = _grid_unlike_rows(table)
        if unlike is not None:
            text = f"tabel: kisi {unlike[0]} kolom, baris terlebar {unlike[1]} sel (disesuaikan otomatis saat dibuat)"
            found.append((table.sourceline or 0, text, False))
    return found


def _row_width(row: etree._Element) -> int:
    """Grid columns a row spans: its cells' ``gridSpan`` plus any ``gridBefore``/``gridAfter``."""
    width = 0
    props = row.find(_W + "trPr")
    if props is not None:
        for skip in ("gridBefore", "gridAfter"):
            element = props.find(_W + skip)
            width += _int(element.get(_W + "val") if element is not None else None, 0)
    for cell in row.findall(_W + "tc"):
        span = cell.find(f"{_W}tcPr/{_W}gridSpan")
        width += max(1, _int(span.get(_W + "val") if span is not None else None, 1))
    return width


def _int(value: str | None, default: int) -> int:
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def fix_table_grid(table: etree._Element) -> bool:
    """Make one table's grid as wide as its widest row; True if the grid changed.

    Widths follow docxtpl's ``fix_tables`` so both produce the same grid: added columns share the
    table's total width with the old ones (scaled down in proportion), and the width of removed
    columns is shared out among those left, so the table keeps its width on the page. Unlike
    docxtpl, spans and ``gridBefore``/``gridAfter`` count when columns are added, and rows of a
    nested table count only for that table.
    """
    grid = table.find(_W + "tblGrid")
    if grid is None:
        return False
    columns = grid.findall(_W + "gridCol")
    rows = table.findall(_W + "tr")
    if _SPANS(table):  # some cell spans columns or a row skips some: count them
        needed = max((_row_width(row) for row in rows), default=0)
    else:  # one grid column per cell, counted in C
        needed = max((len(row.findall(_W + "tc")) for row in rows), default=0)
    if needed == 0 or needed == len(columns):
        return False
    widths = [float(_int(c.get(_W + "w"), 0)) for c in columns]
    if needed > len(columns):
        total = sum(widths) or _table_width(table)
        share = total / needed
        if columns and sum(widths) > 0:
            scale = share / (sum(widths) / len(columns))
            for column, width in zip(columns, widths, strict=True):
                column.set(_W + "w", str(int(width * scale)))
        for _ in range(needed - len(columns)):
            added = etree.SubElement(grid, _W + "gridCol")
            if share > 0:
                added.set(_W + "w", str(int(share)))
        return True
    removed = sum(widths[needed:])
    for column in columns[needed:]:
        grid.remove(column)
    extra = int(removed / needed)
    for column, width in zip(columns[:needed], widths[:needed], strict=True):
        column.set(_W + "w", str(int(width + extra)))
    return True


def _table_width(table: etree._Element) -> float:
    """The table's preferred width in twips, when the template gives one (``w:tblW`` of type dxa)."""
    width = table.find(f"{_W}tblPr/{_W}tblW")
    if width is None or width.get(_W + "type", "dxa") != "dxa":
        return 0.0
    return float(_int(width.get(_W + "w"), 0))
