"""DOCX rendering with docxtpl's template language, compiled once per process.

Plain docxtpl reopens the package, re-cleans the XML, recompiles the Jinja template and
re-serialises every part for each letter. Here the cleaned XML parts are compiled once and the
unchanged parts are zipped once; a letter costs one Jinja render per part and one small zip
append. Every render uses a fresh output (no template object is rendered twice) and the result
is parsed as XML before it is written, so a template can never produce a corrupt DOCX.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2 import TemplateError as JinjaError
from lxml import etree
from markupsafe import escape

from docgen.errors import TemplateError
from docgen.pictures import placing
from docgen.profile import PageSettings
from docgen.render.docx.bounded import BoundedEnvironment, Bounds, RenderStopped, bounded, explain
from docgen.render.docx.filters import OFFICE_FILTERS, unknown_filter_hint
from docgen.render.docx.fixes import (
    BrokenReference,
    DrawingIds,
    fix_part,
    grids_may_change,
    has_templated_references,
    relationship_ids,
    reserved_ids,
    unresolved_references,
)
from docgen.render.docx.media import Media, sized
from docgen.render.docx.page import baris_kop, fit_paper
from docgen.render.docx.source import is_templated, unescape_tags

__all__ = ["CompiledDocx", "compile_docx"]

_EMBLEM_DESCR = "lambang"
_BODY = "word/document.xml"
_PACKAGE_META = re.compile(r"^(\[Content_Types\]\.xml|(.*/)?_rels/[^/]+\.rels)$")
"""Parts a placed picture changes; packed per document instead of with the unchanged parts."""


_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
"""A text run holding a tab, newline or break character: only then has docxtpl's listing work to do."""
_CHECK_EVERY = 64  # output chunks between two looks at the clock (a timer stops the main thread anyway)


@dataclass(frozen=True)
class _Part:
    name: str
    source: str  # cleaned XML as Jinja compiles it
    template: Any  # jinja2.Template
    reshapes_tables: bool  # only then can a rendered grid stop matching its cells


class CompiledDocx:
    """A template ready to render many documents; build it with :func:`compile_docx`."""

    def __init__(self, path: Path, *, emblem: Path | None = None) -> None:
        from docxtpl import DocxTemplate  # heavy import, only when a template is used

        self.path = path
        self.proven = False  # set by the pipeline once a trial render succeeded
        try:
            raw = path.read_bytes()
            archive = zipfile.ZipFile(io.BytesIO(raw))
            members = {info.filename: (info, archive.read(info)) for info in archive.infolist()}
        except (OSError, zipfile.BadZipFile) as exc:
            raise TemplateError(
                f"Templat {path.name} tidak bisa dibaca ({exc}); pastikan berkasnya .docx yang utuh"
            ) from exc
        self.sha256 = hashlib.sha256(raw).hexdigest()
        if emblem is not None:
            _swap_emblem(members, emblem, path)
        self._cleaner = DocxTemplate(path)  # used only for its XML clean-up helpers
        self._env = BoundedEnvironment(autoescape=True, undefined=StrictUndefined)
        self._env.filters.update(OFFICE_FILTERS)
        self._env.filters["gambar"] = sized
        self._env.filters["baris_kop"] = baris_kop
        self.parts: list[_Part] = []
        self._papers: dict[tuple[object, ...], bool] = {}  # see _changes_paper
        self._meta: dict[str, tuple[zipfile.ZipInfo, bytes]] = {}
        static = io.BytesIO()
        with zipfile.ZipFile(static, "w") as out:
            for name, (info, data) in members.items():
                if is_templated(name, data):
                    self.parts.append(self._compile(name, data.decode("utf-8")))
                elif _PACKAGE_META.match(name):
                    self._meta[name] = (info, data)
                else:
                    out.writestr(info, data, compress_type=info.compress_type)
        self._static = static.getvalue()
        self._relationships = {
            p.name: relationship_ids(self._meta.get(_rels_of(p.name), (None, b""))[1])
            for p in self.parts
            if p.name.startswith("word/")
        }
        self._check_references()
        self._drawing_ids = reserved_ids(members, {p.name for p in self.parts})
        self.prints_number_plainly = all(_prints_plainly(self._env.parse(p.source), "nomor") for p in self.parts)

    def _compile(self, name: str, xml: str) -> _Part:
        source = unescape_tags(self._cleaner.patch_xml(xml))  # quotes LibreOffice wrote as &quot;
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        reshapes = grids_may_change(xml, source)
        try:
            return _Part(name, source, self._env.from_string(source), reshapes)
        except JinjaError as exc:
            raise TemplateError(
                f"Templat {self.path.name} ({name}) rusak di baris {getattr(exc, 'lineno', '?')}: "
                f"{unknown_filter_hint(exc) or exc}; perbaiki tanda {{{{ }}}} atau {{% %}} di Word atau LibreOffice"
            ) from exc

    def _check_references(self) -> None:
        """Refuse a template whose part points at a relationship its package lacks (a lost picture,
        link, header): Word calls such a file unreadable. Only tag-built references are left to
        check per render."""
        self._templated_refs = set()
        for part in self.parts:
            known = self._relationships.get(part.name)
            if known is None:
                continue
            for line, rid in unresolved_references(part.source, known):
                raise TemplateError(
                    f"Templat {self.path.name} ({part.name}, baris {line}) merujuk relasi {rid} yang tidak ada "
                    "di paketnya; sisipkan ulang gambar, tautan atau kepala/kaki halaman itu di Word"
                )
            if has_templated_references(part.source):
                self._templated_refs.add(part.name)

    def render(
        self, context: dict[str, Any], bounds: Bounds | None = None, *, page: PageSettings | None = None
    ) -> bytes:
        """Render one document; user data is autoescaped and never compiled as a template.

        ``bounds`` (the profile's ``limits.render_s`` and ``limits.output_bytes``) stops a template
        whose loops run away; whatever goes wrong inside the render becomes one TemplateError
        naming this template and the cause, never an unexpected error. ``page`` (the profile's
        ``[page]``) sets the paper and margins of every section; None keeps the template's.
        """
        return self.pack(self.render_parts(context, bounds, page=page))

    def render_parts(
        self, context: dict[str, Any], bounds: Bounds | None = None, *, page: PageSettings | None = None
    ) -> list[tuple[str, bytes]]:
        """The rendered XML of each templated part, not yet zipped (see :meth:`render`)."""
        bounds = bounds or Bounds()
        budget = [bounds.output_bytes]
        ids = DrawingIds(self._drawing_ids)  # drawing ids unique across all parts
        media = Media(bounds.picture_dpi)
        try:
            with bounded(bounds), placing(media.place):
                rendered = [
                    (part.name, self._render_part(part, context, bounds, budget, ids, media)) for part in self.parts
                ]
        except RenderStopped as exc:  # the timer went off between two parts
            raise TemplateError(explain(self.path.name, exc)) from exc
        if page is not None and self._changes_paper(page):
            rendered = [(name, fit_paper(data, page) if name == _BODY else data) for name, data in rendered]
        return rendered + media.members({name: data for name, (_info, data) in self._meta.items()})

    def _changes_paper(self, page: PageSettings) -> bool:
        """Whether ``page`` differs from the paper and margins the template's body already has.

        The section properties are plain XML, never a Jinja tag, so the answer is worked out once
        per paper on the compiled source; an office printing on the template's own paper pays
        nothing per document.
        """
        key = (page.paper, page.margin_top_mm, page.margin_bottom_mm, page.margin_left_mm, page.margin_right_mm)
        if key not in self._papers:
            body = next((p.source.encode("utf-8") for p in self.parts if p.name == _BODY), b"")
            self._papers[key] = fit_paper(body, page) != body
        return self._papers[key]

    def pack(self, parts: list[tuple[str, bytes]]) -> bytes:
        """Zip rendered parts with the template's unchanged ones into a DOCX."""
        buffer = io.BytesIO(self._static)
        buffer.seek(0, io.SEEK_END)
        replaced = {name for name, _ in parts}
        with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as out:
            for name, (info, data) in self._meta.items():
                if name not in replaced:
                    out.writestr(info, data, compress_type=info.compress_type)
            for name, data in parts:
                out.writestr(name, data)
        return buffer.getvalue()

    def with_number(self, parts: list[tuple[str, bytes]], stand_in: str, number: str) -> bytes | None:
        """The document rendered with ``stand_in`` as its number, now carrying ``number``.

        The pipeline renders a request before reserving its number (so a template failing on this
        data costs no number); when the template only prints ``{{ nomor }}``, filling the number
        into that render gives the very bytes a second render would, at a fraction of the cost.
        ``None`` when the template does more with the number (a filter, a test, an assignment):
        then only a real render is exact. ``stand_in`` must be text no request can contain.
        """
        if not self.prints_number_plainly:
            return None
        old, new = stand_in.encode("utf-8"), str(escape(number)).encode("utf-8")
        return self.pack([(name, data.replace(old, new) if name.endswith(".xml") else data) for name, data in parts])

    def _render_part(
        self, part: _Part, context: dict[str, Any], bounds: Bounds, budget: list[int], ids: DrawingIds, media: Media
    ) -> bytes:
        media.part = part.name
        chunks: list[str] = []
        try:
            for n, chunk in enumerate(part.template.generate(context)):
                chunks.append(chunk)
                budget[0] -= len(chunk)  # characters: never more than the bytes they encode to
                if budget[0] < 0:
                    raise RenderStopped(f"hasilnya melebihi {bounds.output_bytes} bita (limits.output_bytes)")
                if n % _CHECK_EVERY == 0:
                    bounds.check()
        except Exception as exc:  # whatever a template does while rendering is the template's fault
            raise TemplateError(explain(self.path.name, exc)) from exc
        # The same post-processing docxtpl applies after rendering (DocxTemplate.render_xml_part).
        xml = "".join(chunks).replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # undo _compile's breaks
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if _LISTING.search(xml):  # else resolve_listing would return the text unchanged, slowly
            xml = self._cleaner.resolve_listing(xml)
        try:
            data = xml.encode("utf-8")
            budget[0] -= len(data) - len(xml)  # the bytes beyond one per character
            if budget[0] < 0:
                raise RenderStopped(f"hasilnya melebihi {bounds.output_bytes} bita (limits.output_bytes)")
        except (UnicodeEncodeError, RenderStopped) as exc:
            raise TemplateError(explain(self.path.name, exc)) from exc
        known = self._relationships.get(part.name) if part.name in self._templated_refs else None
        try:  # table grids match their cells, drawing ids unique, every relationship resolves
            data = fix_part(
                data, ids, None if known is None else known | media.added_ids(part.name), grids=part.reshapes_tables
            )
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                f"Templat {self.path.name} menghasilkan XML rusak ({exc}); periksa letak tanda {{%p %}}"
            ) from exc
        except BrokenReference as exc:
            raise TemplateError(
                f"Templat {self.path.name} ({part.name}, paragraf ke-{exc.paragraph}) merujuk relasi {exc.rid} "
                "yang tidak ada di paketnya; sisipkan ulang gambar, tautan atau kepala/kaki halaman itu di Word"
            ) from exc
        return data

    def sources(self) -> list[tuple[str, str]]:
        """The cleaned Jinja source of each rendered part (for ``docgen template check``)."""
        return [(p.name, p.source) for p in self.parts]

    def relationships(self, part: str) -> frozenset[str] | None:
        """The relationship ids ``part`` may use; None for parts outside ``word/``."""
        return self._relationships.get(part)

    def parse(self) -> list[nodes.Template]:
        return [self._env.parse(p.source) for p in self.parts]


def _rels_of(part: str) -> str:
    """``word/document.xml`` -> ``word/_rels/document.xml.rels``."""
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels"


def _prints_plainly(ast: nodes.Template, name: str) -> bool:
    """Whether every use of ``name`` in the template is a bare ``{{ name }}`` (no filter, test or
    assignment), so its rendered text is exactly the escaped value wherever it appears."""
    bare = {id(n) for out in ast.find_all(nodes.Output) for n in out.nodes if isinstance(n, nodes.Name)}
    return all(id(n) in bare for n in ast.find_all(nodes.Name) if n.name == name)


def _swap_emblem(members: dict[str, tuple[zipfile.ZipInfo, bytes]], emblem: Path, path: Path) -> None:
    """Put the office's emblem into the picture the template marks ``descr="lambang"``.

    The template keeps its picture's size and position; only the image bytes change, so an
    office replaces its emblem by pointing ``office.emblem`` at a file, not by editing Word.
    """
    document = members.get("word/document.xml")
    rels = members.get("word/_rels/document.xml.rels")
    if document is None or rels is None:
        return
    xml = document[1].decode("utf-8")
    found = re.search(rf'descr="{_EMBLEM_DESCR}".*?r:embed="([^"]+)"', xml, flags=re.DOTALL)
    if not found:
        return
    target = re.search(rf'Id="{found[1]}"[^>]*Target="([^"]+)"', rels[1].decode("utf-8"))
    if not target:
        target = re.search(rf'Target="([^"]+)"[^>]*Id="{found[1]}"', rels[1].decode("utf-8"))
    media = "word/" + target[1] if target else None
    if media not in members:
        return
    try:
        from PIL import Image

        with Image.open(emblem) as image:
            out = io.BytesIO()
            image.save(out, format="PNG" if media.lower().endswith(".png") else "JPEG")
    except OSError as exc:
        raise TemplateError(
            f"Lambang {emblem} tidak bisa dibaca ({exc}); periksa office.emblem di docgen.toml"
        ) from exc
    info, _ = members[media]
    members[media] = (info, out.getvalue())


@lru_cache(maxsize=32)
def _cached(path: Path, stamp: tuple[int, int], emblem: Path | None, emblem_stamp: tuple[int, int]) -> CompiledDocx:
    return CompiledDocx(path, emblem=emblem)


def _stamp(path: Path | None) -> tuple[int, int]:
    if path is None:
        return (0, 0)
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def compile_docx(path: Path, *, emblem: Path | None = None) -> CompiledDocx:
    """Compile (or reuse) a template; an edited template or emblem file is recompiled."""
    if not path.is_file():
        raise TemplateError(f"Templat {path} tidak ada; salin dari templat bawaan atau periksa namanya")
    return _cached(path, _stamp(path), emblem, _stamp(emblem))
