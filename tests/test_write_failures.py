"""Writing the outbox fails: a year folder that cannot be made, a full disk, a void that cannot be written.

Real mechanisms only: a regular file where the year folder belongs (mkdir fails with
NotADirectoryError), ``chattr +i`` (immutable folder, even for root) and a small tmpfs mounted
for the test (a real full disk). Where the machine cannot provide one (no root, no tmpfs, a
file system without attributes) the test is skipped on a workstation and fails under CI=true.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import cli, fill, one_galat_line, unavailable

from docgen.errors import RenderError
from docgen.kinds import get_kind
from docgen.pipeline import create_workspace, generate, issue_outputs
from docgen.register import Register, State

KIND = "surat-keluar"
FIRST = "500.16.7.2/1/423.105/2026"


def numbers(ws) -> list[dict]:
    with Register.open(ws) as reg:
        return reg.numbers()


def documents_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


# -- the year folder cannot be created ------------------------------------------------------------


def test_a_year_folder_that_cannot_be_created_is_refused_before_a_number(workspace, letter):
    workspace.outbox.mkdir(parents=True, exist_ok=True)
    (workspace.outbox / "2026").write_text("bukan folder")
    with pytest.raises(RenderError, match="tidak bisa dibuat atau ditulisi") as err:
        generate(workspace, KIND, letter)
    assert "outbox" in str(err.value) and "\n" not in str(err.value)
    assert numbers(workspace) == []


def test_a_kind_folder_that_is_a_file_is_refused_before_a_number_in_the_cli(workspace, letter, tmp_path):
    (workspace.outbox / "2026").mkdir(parents=True, exist_ok=True)
    (workspace.outbox / "2026" / KIND).write_text("bukan folder")
    request = tmp_path / "surat.yaml"
    request.write_text(yaml.safe_dump(letter, allow_unicode=True), encoding="utf-8")
    result = cli(workspace, "new", KIND, "--data", str(request))
    assert result.exit_code == 1
    assert "periksa izin folder outbox" in one_galat_line(result)
    assert numbers(workspace) == []


@pytest.fixture
def immutable() -> Iterator[list[Path]]:
    """Folders made immutable with chattr +i; made mutable again afterwards."""
    marked: list[Path] = []
    if shutil.which("chattr") is None:
        unavailable("chattr tidak ada (apt-get install e2fsprogs)")
    yield marked
    for path in marked:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_outbox_folder_is_refused_before_a_number(workspace, letter, immutable):
    folder = workspace.outbox / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        unavailable(f"chattr +i tidak didukung di sini: {done.stderr.strip()}")
    immutable.append(folder)
    with pytest.raises(RenderError, match="tidak bisa dibuat atau ditulisi"):
        generate(workspace, KIND, letter)
    assert numbers(workspace) == []


# -- a full disk ----------------------------------------------------------------------------------


def test_too_little_free_space_is_refused_before_a_number(small_disk, letter):
    ws = create_workspace(small_disk / "ws")
    fill(small_disk, leave=5_000_000)  # 5 MB free: less than the margin
    with pytest.raises(RenderError, match="Ruang disk .* kosongkan ruang disk") as err:
        generate(ws, KIND, letter)
    assert "MB" in str(err.value)
    assert numbers(ws) == []


def test_the_cli_refuses_on_a_nearly_full_disk_in_one_line(small_disk, letter, tmp_path):
    ws = create_workspace(small_disk / "ws")
    fill(small_disk, leave=5_000_000)
    request = tmp_path / "surat.yaml"
    request.write_text(yaml.safe_dump(letter, allow_unicode=True), encoding="utf-8")
    result = cli(ws, "new", KIND, "--data", str(request))
    assert result.exit_code == 1
    assert "kosongkan ruang disk" in one_galat_line(result)


def test_a_disk_filling_up_while_writing_voids_the_number_or_says_how_to_mend_it(small_disk, letter):
    """The disk fills between the check and the write (another program): no unexpected error.

    Either the void could still be written (the number is void with the cause) or it could not
    (the number stays reserved and the message says to free space and run register check --fix).
    """
    ws = create_workspace(small_disk / "ws")
    kind = get_kind(KIND)
    from docgen.kinds import validate_request

    request = validate_request(kind, letter, ws.profile)
    summary = kind.summary(request, ws.profile)
    with Register.open(ws) as reg:
        doc_id, reservation = reg.start_document(
            kind.name, summary, request.model_dump(mode="json"), state=State.NUMBERED,
            series=kind.series_for(ws.profile), kka=summary.kka or kind.kka_for(ws.profile),
        )  # fmt: skip

        def produce():
            fill(small_disk)  # someone else takes the last byte
            return [("docx", b"x" * 200_000, ".docx")]

        with pytest.raises(RenderError) as err:
            issue_outputs(reg, kind, doc_id, reservation, produce, year=2026)
    message = str(err.value)
    assert "\n" not in message and "kosongkan ruang disk" in message, message
    (small_disk / "pengisi.bin").unlink()
    [row] = numbers(ws)
    assert row["number"] == FIRST
    if row["status"] == "void":
        assert "Disk penuh" in row["reason"]
    else:
        assert row["status"] == "reserved" and "tertahan" in message and "register check --fix" in message
    assert documents_in(ws.outbox) == []


# -- reprints keep their extension last -----------------------------------------------------------


def test_reprints_are_numbered_before_the_extension(workspace):
    from docgen.pipeline import free_name

    folder = workspace.outbox / "2026" / "surat-masuk"
    folder.mkdir(parents=True)
    names = []
    for ending in ("-disposisi.pdf", ".pdf", ".docx", "-gabung.pdf", "-tanpa-titik"):
        for _ in range(3):
            target = free_name(folder, "12-2026", ending)
            target.write_bytes(b"x")
            names.append(target.name)
    assert names == [
        "12-2026-disposisi.pdf", "12-2026-disposisi-2.pdf", "12-2026-disposisi-3.pdf",
        "12-2026.pdf", "12-2026-2.pdf", "12-2026-3.pdf",
        "12-2026.docx", "12-2026-2.docx", "12-2026-3.docx",
        "12-2026-gabung.pdf", "12-2026-gabung-2.pdf", "12-2026-gabung-3.pdf",
        "12-2026-tanpa-titik", "12-2026-tanpa-titik-2", "12-2026-tanpa-titik-3",
    ]  # fmt: skip


def test_a_stamped_reprint_of_a_numbered_letter_ends_in_pdf(workspace, letter, tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from docgen.stamping import stamp_document

    pdf = tmp_path / "surat.pdf"
    c = Canvas(str(pdf), pagesize=A4)
    c.drawString(100, 700, "Surat")
    c.showPage()
    c.save()
    first = stamp_document(workspace, pdf, KIND, data=letter)
    again = stamp_document(workspace, pdf, KIND, doc_id=first.id)
    assert first.path.endswith(".pdf") and again.path.endswith("-2.pdf"), (first.path, again.path)
