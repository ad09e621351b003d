"""``docgen verify`` on a file no office document can be (issue 21): refused before it is read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_file_over_the_pdf_limit_is_refused_in_one_line_before_it_is_read(workspace, tmp_path):
    huge = tmp_path / "surat.pdf"
    with huge.open("wb") as handle:  # sparse: 4 GiB that take no disk, and minutes and all memory to read
        handle.truncate(4 * 1024**3)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("docgen")), "--workspace", str(workspace.root), "verify", str(huge)],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.strip()]
    assert line.startswith("Galat: ") and "tak terduga" not in line
    assert "limits.pdf_bytes" in line and "4.294.967.296 bait" in line
