"""``docgen --help`` loads only the command line, not the layers that do the work (issue 8).

The CPU time itself is measured by bench/startup.py; here we check the cause: which modules
a help request imports. A command that needs the register or rendering imports it when it runs.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Not pydantic: typer itself imports it to coerce a subcommand's parameters.
HEAVY = (
    "sqlite3",
    "docx",
    "docxtpl",
    "jinja2",
    "lxml",
    "pypdf",
    "reportlab",
    "openpyxl",
    "PIL",
    "yaml",
    "num2words",
    "watchdog",
    "docgen.profile",
    "docgen.kinds",
    "docgen.register.books",
    "docgen.render",
    "docgen.pipeline",
)

PROBE = """
import json, sys
from docgen.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(*args: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("register", "--help"), ("new", "--help"), ("--version",)])
def test_help_does_not_load_the_register_or_rendering_layers(args: tuple[str, ...]) -> None:
    loaded = _modules_after(*args)
    heavy = sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []


def test_a_command_that_runs_still_loads_what_it_needs(tmp_path) -> None:
    loaded = _modules_after("--workspace", str(tmp_path), "kinds")
    assert {"docgen.kinds", "docgen.profile"} <= loaded
