"""The house rules that keep the code base small enough to hold in mind (DESIGN.md section 5).

The rooms and the directions between them are data, read top to bottom: a module may import
from its own layer and the layers above it in this list, never from one below it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "docgen"

LAYERS: tuple[tuple[str, set[str]], ...] = (
    ("helpers", {"text", "pattern", "errors", "validation", "names", "tables", "files", "archive", "pictures",
                 "data"}),
    ("profile, database, request files", {"profile", "store", "requests"}),
    ("kinds of document", {"kinds"}),
    ("the books, PDF operations", {"register", "pdf", "inbox"}),
    ("templates and forms", {"render", "flow"}),
    ("one document's road", {"pipeline", "makers", "basis", "sppverify"}),
    ("jobs on documents", {"sign", "stamping", "verify", "incoming", "filing", "permitreport", "paket",
                           "sertifikat", "agendabook"}),
    ("callers", {"demo", "watch", "batch", "web", "desk"}),
    ("the command line", {"cli"}),
)  # fmt: skip

#: Rooms a room may never import although the layers would let it.
NEVER: dict[str, set[str]] = {
    "register": {"pdf", "render", "sign"},  # the books know nothing of layout or signatures
    "pdf": {"register"},  # PDF operations work on bytes and files, not on the books
}

#: Packages their callers reach through the names their __init__ offers, never through their modules
#: (``docgen.store`` and ``docgen.register`` load lazily for ``docgen --help``, so they are not here).
PUBLIC_ONLY = {"docgen.profile", "docgen.pdf", "docgen.sign", "docgen.render.docx", "docgen.render.forms"}

LAYER = {room: depth for depth, (_, rooms) in enumerate(LAYERS) for room in rooms}


def _module_name(path: Path) -> str:
    parts = ("docgen", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _room(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _package(module: str) -> str:
    """The package a module belongs to (a package's __init__ belongs to itself)."""
    return module if MODULES.get(module, Path()).name == "__init__.py" else module.rpartition(".")[0]


def _imports(path: Path) -> Iterator[tuple[str, str]]:
    """(module, name) for every import of docgen in the file, lazy ones inside functions too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "docgen":
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                yield (target, "") if target in MODULES else (node.module, alias.name)
        elif isinstance(node, ast.Import):
            yield from ((a.name, "") for a in node.names if a.name.split(".")[0] == "docgen")


def _edges() -> dict[str, set[str]]:
    return {module: {target for target, _ in _imports(path) if target in MODULES} for module, path in MODULES.items()}


IDS = {"ids": lambda v: str(v).split("docgen/")[-1]}


@pytest.mark.parametrize("path", MODULES.values(), **IDS)
def test_imports_point_only_upwards_in_the_list_of_layers(path):
    room = _room(_module_name(path))
    if not room:
        return  # docgen/__init__.py
    assert room in LAYER, f"new room {room}: give it a layer in LAYERS"
    below = {t for t, _ in _imports(path) if LAYER.get(_room(t), -1) > LAYER[room]}
    assert not below, f"{path.name} ({room}) imports rooms of a later layer: {sorted(below)}"
    forbidden = {t for t, _ in _imports(path) if _room(t) in NEVER.get(room, set())}
    assert not forbidden, f"{path.name} imports {sorted(forbidden)}, which {room} must never know"


@pytest.mark.parametrize("path", MODULES.values(), **IDS)
def test_no_module_imports_a_private_name_from_another_package(path):
    here = _package(_module_name(path))
    private = [
        f"{module}.{name}"
        for module, name in _imports(path)
        if name.startswith("_") and not name.startswith("__") and _package(module) != here
    ]
    assert not private, f"{path.name} imports private names {private}: make them public or move the code"


def test_no_import_circle_between_modules():
    """Not even through imports inside functions: a circle means two modules are one concern."""
    edges, circles = _edges(), []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in edges[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
            if len(component) > 1:
                circles.append(sorted(component))

    for module in edges:
        if module not in index:
            visit(module)
    assert circles == []


@pytest.mark.parametrize("path", MODULES.values(), **IDS)
def test_callers_use_a_package_through_the_names_its_init_offers(path):
    here = _module_name(path)
    reached = {
        target
        for target, _ in _imports(path)
        for package in PUBLIC_ONLY
        if target.startswith(package + ".") and not (here == package or here.startswith(package + "."))
    }
    assert not reached, f"{path.name} imports {sorted(reached)}: import from the package, or offer the name there"


@pytest.mark.parametrize("path", MODULES.values(), **IDS)
def test_only_the_cli_imports_typer(path):
    text = path.read_text(encoding="utf-8")
    if _room(_module_name(path)) != "cli":
        assert "import typer" not in text and "import click" not in text


@pytest.mark.parametrize("path", MODULES.values(), **IDS)
def test_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, f"{path} is past 400 lines: split it"


def test_every_package_stays_under_4000_lines():
    sizes: dict[str, int] = {}
    for module, path in MODULES.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        package = _package(module)
        while package.count("."):  # a subpackage counts towards its parents too
            sizes[package] = sizes.get(package, 0) + lines
            package = package.rpartition(".")[0]
    large = {package: size for package, size in sizes.items() if size >= 4000}
    assert large == {}, "split the package into rooms of their own"
