"""``docgen template check``: compare what a template prints with what its kind provides.

An office edits templates in Word; a misspelt ``{{ hal }}``, a dropped ``{{ nomor }}``, an
unknown filter or a picture whose relationship was lost should be found by a command before a
letter goes out, not by a reader. The check compiles the template, inspects each part for what
makes a broken DOCX (relationships, drawing ids, table grids) and renders the kind's example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import meta, nodes

from docgen.errors import DocgenError
from docgen.kinds import Kind, validate_request
from docgen.profile import Profile
from docgen.render.docx import OFFICE_FILTERS, CompiledDocx, compile_docx, inspect_part
from docgen.render.forms import form_values

__all__ = ["TemplateReport", "check_flow", "check_form", "check_template"]


@dataclass
class TemplateReport:
    """``unknown``: names the template uses that the kind lacks; ``unshown``: required fields never
    printed; ``problems``: what stops a document being made (part and line); ``notes``: what is
    fixed in every output but worth knowing; ``filters``: the office filters the template uses."""

    kind: str
    template: str
    unknown: list[str] = field(default_factory=list)
    unshown: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.unshown and not self.problems


def check_template(kind: Kind, path: Path, profile: Profile, roots: tuple[Path, ...] = ()) -> TemplateReport:
    """Check ``path`` against ``kind``, using the kind's example request as the context.

    ``roots`` are where the example's pictures are found (the workspace).
    """
    report = TemplateReport(kind.name, path.name)
    try:
        compiled = compile_docx(path)
    except DocgenError as exc:
        report.problems.append(str(exc))
        return report
    _inspect(compiled, report)
    request = validate_request(kind, kind.dated_example(), profile, source="contoh bawaan", roots=roots)
    context = kind.render_context(request, profile, number="1")
    try:
        compiled.render_parts(context)
    except DocgenError as exc:
        report.problems.append(f"contoh bawaan jenis {kind.name} gagal dibuat: {exc}")
    used: set[str] = set()
    unknown: set[str] = set()
    filters: set[str] = set()
    for ast in compiled.parse():
        names = meta.find_undeclared_variables(ast)
        used |= names
        unknown |= {n for n in names if n not in context}
        filters |= {f.name for f in ast.find_all(nodes.Filter) if f.name in OFFICE_FILTERS}
        for node in ast.find_all(nodes.Getattr):
            if isinstance(node.node, nodes.Name) and node.node.name in names:
                value = context.get(node.node.name)
                if isinstance(value, dict) and node.attr not in value:
                    unknown.add(f"{node.node.name}.{node.attr}")
    report.unknown = sorted(unknown)
    report.filters = sorted(filters)
    report.unshown = [
        name
        for name, info in kind.model.model_fields.items()
        if info.is_required() and not any(alias in used for alias in kind.shown_as.get(name, (name,)))
    ]
    if "nomor" not in used:
        report.unshown.append("nomor")
    return report


def _inspect(compiled: CompiledDocx, report: TemplateReport) -> None:
    """Relationships, drawing ids and table grids of every templated part, by part and line."""
    seen: set[str] = set()
    for name, source in compiled.sources():
        for line, text, breaks in inspect_part(source, seen):
            (report.problems if breaks else report.notes).append(f"{name} baris {line}: {text}")


def check_form(kind: Kind, path: Path, profile: Profile, roots: tuple[Path, ...] = ()) -> TemplateReport:
    """Check a PDF form layout against ``kind``: it loads, every placeholder is one the kind
    provides, ``{nomor}`` is printed, and the kind's example draws. ``roots[-1]`` is the workspace."""
    from docgen.render.forms import draw_box_form, load_box_layout

    report = TemplateReport(kind.name, path.name)
    try:
        layout = load_box_layout(path, roots[-1] if roots else path.parent.parent, profile=profile)
    except DocgenError as exc:
        report.problems.append(str(exc))
        return report
    request = validate_request(kind, kind.dated_example(), profile, source="contoh bawaan", roots=roots)
    values = form_values(kind.render_context(request, profile, number="1"), layout)
    report.unknown = sorted(layout.fields - set(values))
    report.unshown = [] if "nomor" in layout.fields else ["nomor"]
    if not report.unknown:
        try:
            draw_box_form(layout, values, qr_url=f"{profile.verification.base_url}/contoh", footer=["contoh"])
        except DocgenError as exc:
            report.problems.append(f"contoh bawaan jenis {kind.name} gagal digambar: {exc}")
    return report


def check_flow(kind: Kind, path: Path, profile: Profile, roots: tuple[Path, ...] = ()) -> TemplateReport:
    """Check a flowing-form template against ``kind``: it loads, prints ``{nomor}``, and the kind's
    example is set from it (a placeholder the kind lacks is refused by the setting, naming it)."""
    from docgen.flow import FlowPage, load_flow_layout, render_flow

    report = TemplateReport(kind.name, path.name)
    try:
        layout = load_flow_layout(path)
    except DocgenError as exc:
        report.problems.append(str(exc))
        return report
    report.unshown = [] if "{nomor}" in path.read_text(encoding="utf-8") else ["nomor"]
    request = validate_request(kind, kind.dated_example(), profile, source="contoh bawaan", roots=roots)
    page = FlowPage.of(profile, roots[-1] if roots else path.parent.parent, 0)
    try:
        render_flow(layout, kind.render_context(request, profile, number="1"), page, source=path.name)
    except DocgenError as exc:
        report.problems.append(f"contoh bawaan jenis {kind.name} gagal disusun: {exc}")
    return report
