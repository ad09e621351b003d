"""``docgen template check``: compare what a template prints with what its kind provides.

An office edits templates in Word; a misspelt ``{{ hal }}`` or a dropped ``{{ nomor }}`` should
be found by a command before a letter goes out, not by a reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import meta, nodes

from docgen.config import Profile
from docgen.kinds import Kind, validate_request
from docgen.render.docx import compile_docx

__all__ = ["TemplateReport", "check_template"]


@dataclass
class TemplateReport:
    """``unknown``: names the template uses that the kind lacks; ``unshown``: required fields never printed."""

    kind: str
    template: str
    unknown: list[str] = field(default_factory=list)
    unshown: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.unshown


def check_template(kind: Kind, path: Path, profile: Profile, roots: tuple[Path, ...] = ()) -> TemplateReport:
    """Check ``path`` against ``kind``, using the kind's example request as the context."""
    compiled = compile_docx(path)
    request = validate_request(kind, kind.dated_example(), profile, source="contoh bawaan", roots=roots)
    context = kind.render_context(request, profile, number="1")
    used: set[str] = set()
    unknown: set[str] = set()
    for ast in compiled.parse():
        names = meta.find_undeclared_variables(ast)
        used |= names
        unknown |= {n for n in names if n not in context}
        for node in ast.find_all(nodes.Getattr):
            if isinstance(node.node, nodes.Name) and node.node.name in names:
                value = context.get(node.node.name)
                if isinstance(value, dict) and node.attr not in value:
                    unknown.add(f"{node.node.name}.{node.attr}")
    unshown = [
        name
        for name, info in kind.model.model_fields.items()
        if info.is_required() and not any(alias in used for alias in kind.shown_as.get(name, (name,)))
    ]
    if "nomor" not in used:
        unshown.append("nomor")
    return TemplateReport(kind.name, path.name, sorted(unknown), unshown)
