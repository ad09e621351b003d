"""``docgen paket`` with a hostile attachment folder: links that leave it, a PDF of thousands of pages.

A packet leaves the office (to the PPK-SKPD, the BUD), so a link planted in the attachment folder
must not bind a file from elsewhere on the machine into it, and a small PDF declaring thousands of
pages must not be walked, copied and numbered. Each is refused with one Indonesian line naming the
file and what to do; no packet is written and the register does not change.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from conftest import cli, configure, one_galat_line
from pypdf import PdfWriter
from test_paket import LS, folder_with, make_form, outbox_files, pdf_bytes, register_state

from docgen.errors import RequestError
from docgen.paket import assemble_packet
from docgen.profile import Workspace, load_workspace


@pytest.fixture
def spp(workspace: Workspace) -> tuple[int, str]:
    return make_form(workspace, "spp")


def _refused_by_cli(workspace: Workspace, number: str, folder: Path) -> str:
    before, state = outbox_files(workspace), register_state(workspace)
    line = one_galat_line(cli(workspace, "paket", number, "--lampiran", str(folder)))
    assert outbox_files(workspace) == before and register_state(workspace) == state
    assert not list(workspace.outbox.rglob("*paket*"))
    return line


def test_a_link_to_a_file_outside_the_folder_is_refused_and_not_bound(workspace, spp, tmp_path):
    secret = tmp_path / "rahasia" / "passwd"
    secret.parent.mkdir()
    secret.write_bytes(pdf_bytes("root:x:0:0:root:/root:/bin/bash"))  # a PDF, so only the link gives it away
    folder = folder_with(tmp_path, LS)
    (folder / "kontrak.pdf").unlink()
    (folder / "kontrak.pdf").symlink_to(secret)
    line = _refused_by_cli(workspace, spp[1], folder)
    assert "kontrak.pdf adalah tautan (symlink) ke luar folder lampiran" in line


def test_a_link_to_etc_passwd_is_refused_before_it_is_read(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    (folder / "faktur-pajak.pdf").unlink()
    (folder / "faktur-pajak.pdf").symlink_to("/etc/passwd")
    line = _refused_by_cli(workspace, spp[1], folder)
    assert "faktur-pajak.pdf adalah tautan (symlink) ke luar folder" in line and "root:" not in line


def test_a_linked_manifest_from_outside_is_refused_before_it_is_read(workspace, spp, tmp_path):
    outside = tmp_path / "di-luar.yaml"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    folder = folder_with(tmp_path, LS)
    (folder / "manifest.yaml").symlink_to(outside)
    line = _refused_by_cli(workspace, spp[1], folder)
    assert "manifest.yaml adalah tautan (symlink) ke luar folder" in line and "/root" not in line


def test_a_linked_folder_inside_the_attachment_folder_is_refused(workspace, spp, tmp_path):
    elsewhere = folder_with(tmp_path, {"kontrak-lama.pdf": 1}, name="arsip-lain")
    folder = folder_with(tmp_path, LS)
    (folder / "arsip").symlink_to(elsewhere, target_is_directory=True)
    line = _refused_by_cli(workspace, spp[1], folder)
    assert "arsip adalah tautan (symlink) ke luar folder lampiran" in line


def test_a_dangling_link_is_refused_naming_it(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    (folder / "kwitansi-2.pdf").symlink_to(tmp_path / "tidak-ada.pdf")
    assert "kwitansi-2.pdf adalah tautan" in _refused_by_cli(workspace, spp[1], folder)


def test_a_link_swapped_in_after_the_folder_was_listed_is_still_not_read(workspace, spp, tmp_path):
    """The reader checks each file again when it opens it, not only when the folder is listed."""
    from docgen.paket.parts import read_attachment

    folder = folder_with(tmp_path, {"kontrak.pdf": 1})
    target = folder / "kontrak.pdf"
    target.unlink()
    target.symlink_to("/etc/passwd")
    with pytest.raises(RequestError, match=r"^Lampiran kontrak\.pdf adalah tautan \(symlink\) ke luar folder"):
        read_attachment(target, item="kontrak", title="Kontrak", root=folder.resolve(), max_pages=10, max_bytes=10**6)


def test_links_that_stay_inside_the_folder_and_a_linked_folder_itself_are_bound(workspace, spp, tmp_path):
    real = folder_with(tmp_path, {k: v for k, v in LS.items() if k != "kwitansi.pdf"}, name="asli")
    (real / "kwitansi-asli.pdf").write_bytes(pdf_bytes("kwitansi"))
    (real / "kwitansi.pdf").symlink_to("kwitansi-asli.pdf")
    (real / "manifest.yaml").write_text("kwitansi: [kwitansi.pdf, kwitansi-asli.pdf]\n", encoding="utf-8")
    linked = tmp_path / "lampiran"
    linked.symlink_to(real, target_is_directory=True)  # the clerk's shortcut to the share
    result = assemble_packet(workspace, spp[1], linked)
    assert any(part["file"] == "kwitansi.pdf" for part in result.parts)


def _many_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_of_thousands_of_pages_is_refused_naming_it_and_the_limit(workspace, spp, tmp_path):
    folder = folder_with(tmp_path, LS)
    (folder / "rincian.pdf").write_bytes(_many_pages(3000))
    line = _refused_by_cli(workspace, spp[1], folder)
    assert "Lampiran rincian.pdf berisi 3000 halaman, melebihi batas 1000 halaman per paket" in line
    assert "limits.packet_pages" in line


def test_parts_that_together_pass_the_page_limit_are_refused_naming_the_packet(workspace, spp, tmp_path):
    configure(workspace.root, {"limits.packet_pages": 20})
    ws = load_workspace(workspace.root, env={})
    folder = folder_with(tmp_path, {**LS, "rincian.pdf": 8, "kontrak.pdf": 9})  # 25 pages, and the SPP: 26
    before, state = outbox_files(ws), register_state(ws)
    with pytest.raises(RequestError) as refused:
        assemble_packet(ws, spp[1], folder)
    assert f"Paket SPP {spp[1]} akan berisi 26 halaman" in refused.value.message
    assert "melebihi batas 20 halaman (limits.packet_pages" in refused.value.message
    assert outbox_files(ws) == before and register_state(ws) == state


def test_an_attachment_larger_than_the_pdf_limit_is_refused_naming_it(workspace, spp, tmp_path):
    configure(workspace.root, {"limits.pdf_bytes": 50_000})
    ws = load_workspace(workspace.root, env={})
    folder = folder_with(tmp_path, LS)
    (folder / "kontrak.pdf").write_bytes(pdf_bytes("kontrak") + b"%" * 60_000)
    with pytest.raises(RequestError, match=r"^Lampiran kontrak\.pdf berukuran \d+ bita, melebihi batas 50000"):
        assemble_packet(ws, spp[1], folder)


def test_a_pipe_swapped_in_after_the_folder_was_listed_is_refused_without_blocking(workspace, spp, tmp_path):
    from docgen.paket.parts import read_attachment

    folder = folder_with(tmp_path, {"kontrak.pdf": 1})
    target = folder / "kontrak.pdf"
    target.unlink()
    os.mkfifo(target)  # nobody ever writes into it: opening it for reading would wait for ever
    with pytest.raises(RequestError, match=r"^Lampiran kontrak\.pdf bukan berkas biasa"):
        read_attachment(target, item="kontrak", title="Kontrak", root=folder.resolve(), max_pages=10, max_bytes=10**6)
