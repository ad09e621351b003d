"""The house rules that keep the code base small enough to hold in mind (DESIGN.md section 5)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "docgen"

# Lower layers may not import higher ones. text, pattern, errors, validation, names, tables < config < kinds
# < register, render < pipeline < stamping, verify < demo < cli.
LAYER = {
    "text": 0, "pattern": 0, "errors": 0, "validation": 0, "archive": 0, "data": 0, "sections": 0, "requests": 0,
    "names": 0, "tables": 0, "pictures": 0, "permitsettings": 0, "signsettings": 0,
    "config": 1,
    "kinds": 2,
    "register": 3, "render": 3, "inbox": 3,
    "pipeline": 4, "makers": 4,
    "stamping": 5, "verify": 5, "incoming": 5, "filing": 5, "permitreport": 5, "paket": 5, "signing": 5,
    "demo": 6, "watch": 6, "batch": 6, "web": 6, "desk": 6,
    "cli": 7,
}  # fmt: skip


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] == "__init__":
            continue
        yield parts[0], path


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("docgen."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.module == "docgen":  # from docgen import render
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("docgen.")}
    return found


@pytest.mark.parametrize(("top", "path"), list(_modules()), ids=lambda v: str(v).split("docgen/")[-1])
def test_imports_point_only_downwards(top, path):
    assert top in LAYER, f"new top-level module {top}: give it a layer"
    upward = {m for m in _imports(path) if LAYER.get(m, -1) > LAYER[top]}
    assert not upward, f"{path.name} imports higher layers {upward}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "register").glob("*.py")), ids=lambda p: p.name)
def test_the_register_never_imports_the_render_layer(path):
    # Same layer, so the rule above cannot catch it: the books must know nothing of layout.
    assert "render" not in _imports(path), f"register/{path.name} imports docgen.render: move the helper below both"


@pytest.mark.parametrize(("top", "path"), list(_modules()), ids=lambda v: str(v).split("docgen/")[-1])
def test_only_the_cli_imports_typer(top, path):
    text = path.read_text(encoding="utf-8")
    if top != "cli":
        assert "import typer" not in text and "import click" not in text


@pytest.mark.parametrize(("top", "path"), list(_modules()), ids=lambda v: str(v).split("docgen/")[-1])
def test_modules_stay_small(top, path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, f"{path} is past 400 lines: split it"
