"""DOCX -> PDF through a real LibreOffice: the cold one-shot converter and the warm pool.

Every PDF is reopened with pypdf and its QR code read back by zbarimg from a page rendered by
pdftoppm, the way a phone reads a printed letter.
"""

from __future__ import annotations

import copy
import hashlib
import io
import random
import socket
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import VERIFY_BASE, decode_qr, pdf_page_qr, render_page, require, verification_url, without_docgen_env
from pypdf import PdfReader

from docgen.errors import RenderError
from docgen.kinds import get_kind
from docgen.pdf.convert import ColdConverter
from docgen.pdf.pool import ConverterPool
from docgen.pipeline import create_workspace, generate
from docgen.register import Register

KIND = "surat-keluar"
FIRST = "500.16.7.2/1/423.105/2026"
SECOND = "500.16.7.2/2/423.105/2026"
ADDRESSEE = "Para Pelaku Usaha di Kota Pasuruan"
A4 = (595.3, 841.9)  # 210 x 297 mm in points


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf_of(ws, result) -> Path:
    paths = [f["path"] for f in result.files if f["role"] == "pdf"]
    assert len(paths) == 1, result.files
    return ws.root / paths[0]


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def font_names(pdf: Path) -> set[str]:
    """Base font names used anywhere in the PDF (page resources and form XObjects), subset tag cut."""
    names: set[str] = set()
    seen: set[int] = set()

    def walk(resources) -> None:
        if resources is None or id(resources) in seen:
            return
        seen.add(id(resources))
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1])
            for descendant in font.get("/DescendantFonts") or []:
                names.add(str(descendant.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(pdf).pages:
        walk(page.get("/Resources"))
    return names


def embedded_font_names(pdf: Path) -> set[str]:
    """Names of the fonts whose program is embedded in the file (FontFile, FontFile2 or FontFile3)."""
    names: set[str] = set()
    for page in PdfReader(pdf).pages:
        for font in (page["/Resources"].get_object().get("/Font") or {}).values():
            font = font.get_object()
            fonts = [font, *(d.get_object() for d in font.get("/DescendantFonts") or [])]
            for f in fonts:
                descriptor = f.get("/FontDescriptor")
                if descriptor is not None and any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    names.add(str(f["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """One numbered letter generated with pdf=True (cold LibreOffice), shared by read-only tests."""
    require("soffice", "pdftoppm", "zbarimg")
    env = without_docgen_env()
    try:
        ws = create_workspace(tmp_path_factory.mktemp("issued") / "ws")
        letter = copy.deepcopy(get_kind(KIND).example)
        result = generate(ws, KIND, letter, pdf=True)
    finally:
        env.undo()
    return ws, result


# -- a numbered letter as PDF ---------------------------------------------------------------


def test_numbered_letter_pdf_has_number_addressee_recorded_hashes_and_a_readable_qr(issued):
    ws, result = issued
    assert result.number == FIRST
    assert result.state == "numbered"
    pdf = pdf_of(ws, result)
    assert pdf == ws.root / "outbox/2026/surat-keluar/500.16.7.2-1-423.105-2026.pdf"

    text = text_of(pdf)
    assert FIRST in text
    assert ADDRESSEE in text

    with Register.open(ws) as reg:
        rows = reg.files(result.id)
        token = reg.document(result.id).token
    assert sorted(r["role"] for r in rows) == ["docx", "pdf"]
    for row in rows:
        path = ws.outbox / row["path"]  # the register keeps paths relative to the outbox
        assert path.is_file()
        assert row["sha256"] == sha256(path), row["path"]
        assert row["size"] == path.stat().st_size
    assert {(f["role"], f["sha256"]) for f in result.files} == {(r["role"], r["sha256"]) for r in rows}

    assert token
    assert pdf_page_qr(pdf, -1, dpi=150) == [VERIFY_BASE + token]


def test_pdf_keeps_its_layout_with_liberation_fonts_on_one_a4_page(issued):
    ws, result = issued
    pdf = pdf_of(ws, result)
    names = font_names(pdf)
    embedded = embedded_font_names(pdf)
    assert any(name.startswith("LiberationSans") for name in embedded), embedded
    assert not any("DejaVu" in name for name in names), names
    assert not any("DejaVu" in name for name in embedded), embedded
    assert all(name.startswith("Liberation") for name in embedded), f"a fallback font was embedded: {embedded}"

    pages = PdfReader(pdf).pages
    assert len(pages) == 1
    box = pages[0].mediabox
    assert float(box.width) == pytest.approx(A4[0], abs=1)
    assert float(box.height) == pytest.approx(A4[1], abs=1)


def test_draft_pdf_carries_no_number_and_no_qr(workspace, letter, soffice, pdf_tools):
    result = generate(workspace, KIND, letter, draft=True, pdf=True)
    assert result.number is None
    pdf = pdf_of(workspace, result)
    assert pdf.name == "konsep-000001.pdf"
    text = text_of(pdf)
    assert ADDRESSEE in text  # the letter itself is there...
    assert "Nomor" in text
    assert "/423.105/2026" not in text  # ...but no number
    assert "500.16.7.2/" not in text
    assert "verifikasi" not in text  # and no verification footer
    assert decode_qr(render_page(pdf, 1, 150)) == []
    assert "/DocgenToken" not in (PdfReader(pdf).metadata or {})


# -- concurrency -----------------------------------------------------------------------------


def _run_together(jobs: list) -> list:
    """Run callables in threads released at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int, job) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except BaseException as exc:  # re-raised by the caller below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a conversion thread hung"
    if errors:
        raise errors[0]
    return results


def _assert_valid_letter_pdf(ws, result) -> None:
    pdf = pdf_of(ws, result)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert result.number in reader.pages[0].extract_text()
    assert sha256(pdf) == next(f["sha256"] for f in result.files if f["role"] == "pdf")


def test_two_cold_conversions_at_the_same_time_both_succeed(workspace, soffice):
    letters = [copy.deepcopy(get_kind(KIND).example) for _ in range(2)]
    results = _run_together([lambda d=d: generate(workspace, KIND, d, pdf=True) for d in letters])
    assert sorted(r.number for r in results) == [FIRST, SECOND]
    for result in results:
        _assert_valid_letter_pdf(workspace, result)
    with Register.open(workspace) as reg:
        assert [n["status"] for n in reg.numbers()] == ["issued", "issued"]


def _pool_processes(marker: str) -> dict[int, str]:
    """Live processes whose command line mentions ``marker`` (zombies have an empty cmdline)."""
    found: dict[int, str] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            found[int(proc.name)] = cmdline
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next((line.split()[1] for line in status.splitlines() if line.startswith("State:")), "")
    return state not in ("Z", "X")


@pytest.mark.slow
def test_warm_pool_converts_four_letters_from_two_threads_and_leaves_no_process(
    workspace, tmp_path, monkeypatch, soffice, pdf_tools
):
    # The pool's folder (docgen-pool-*) lands under this test's own temp dir, so the
    # processes it starts are told apart from any other LibreOffice on the machine.
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    marker = f"{private_tmp}/docgen-pool-"

    letters = [copy.deepcopy(get_kind(KIND).example) for _ in range(4)]
    with ConverterPool(2) as pool:
        during = _pool_processes(marker)
        assert sum("unoserver" in cmd for cmd in during.values()) == 2, during
        assert sum("soffice.bin" in cmd for cmd in during.values()) == 2, during

        def two(pair):
            return [generate(workspace, KIND, d, pdf=True, converter=pool) for d in pair]

        batches = _run_together([lambda: two(letters[:2]), lambda: two(letters[2:])])
        during |= _pool_processes(marker)

    results = [r for batch in batches for r in batch]
    assert sorted(r.number for r in results) == [f"500.16.7.2/{i}/423.105/2026" for i in (1, 2, 3, 4)]
    for result in results:
        _assert_valid_letter_pdf(workspace, result)
    last = max(results, key=lambda r: r.id)
    assert pdf_page_qr(pdf_of(workspace, last), -1, 150) == [verification_url(workspace, last.id)]

    assert _pool_processes(marker) == {}
    assert [pid for pid in during if _alive(pid)] == []
    assert not any(private_tmp.glob("docgen-pool-*")), "the pool's folder was left behind"


@pytest.mark.slow
def test_pool_never_uses_a_port_someone_else_holds(workspace, letter, soffice):
    squatters = []
    try:
        for port in (2003, 2002):  # unoserver's and LibreOffice's default ports
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            squatters.append(sock)
            sock.bind(("127.0.0.1", port))
            sock.listen(8)
        with ConverterPool(1) as pool:
            result = generate(workspace, KIND, letter, pdf=True, converter=pool)
        _assert_valid_letter_pdf(workspace, result)
        assert result.number == FIRST
        for sock in squatters:
            sock.settimeout(0.5)
            with pytest.raises(TimeoutError):
                conn, peer = sock.accept()
                conn.close()
                pytest.fail(f"something connected to port {sock.getsockname()[1]} from {peer}")
    finally:
        for sock in squatters:
            sock.close()


# -- failures ------------------------------------------------------------------------------------


def test_without_libreoffice_pdf_fails_with_install_hint_and_consumes_no_number(
    workspace, letter, tmp_path, monkeypatch
):
    empty_bin = tmp_path / "no-soffice-bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    monkeypatch.delenv("DOCGEN_SOFFICE", raising=False)

    with pytest.raises(RenderError) as caught:
        generate(workspace, KIND, letter, pdf=True)
    message = str(caught.value)
    assert "apt-get install libreoffice" in message
    assert "\n" not in message
    with Register.open(workspace) as reg:
        assert reg.numbers() == []
        assert reg.documents() == []
    assert not any(p.is_file() and p.name != ".register-id" for p in workspace.outbox.rglob("*"))

    result = generate(workspace, KIND, letter)  # DOCX only still works, from the first number
    assert result.number == FIRST
    assert [f["role"] for f in result.files] == ["docx"]
    assert (workspace.root / result.path).is_file()


def test_docx_libreoffice_cannot_load_raises_render_error_naming_the_file(workspace, letter, tmp_path, soffice):
    real = workspace.root / generate(workspace, KIND, letter).path
    broken = tmp_path / "surat-rusak.docx"
    broken.write_bytes(real.read_bytes()[:20_000])  # a download cut short: the zip has no directory
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(broken)

    outdir = tmp_path / "pdf"
    with pytest.raises(RenderError) as caught:
        ColdConverter().convert(broken, outdir)
    message = str(caught.value)
    assert "surat-rusak" in message
    assert "\n" not in message
    assert not (outdir / "surat-rusak.pdf").exists()


def test_docx_full_of_garbage_raises_render_error_naming_the_file(tmp_path, soffice):
    garbage = tmp_path / "sampah.docx"
    garbage.write_bytes(random.Random(20261128).randbytes(4096))
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(garbage.read_bytes()))

    outdir = tmp_path / "pdf"
    try:
        made = ColdConverter().convert(garbage, outdir)
    except RenderError as exc:
        assert "sampah" in str(exc)
        assert "\n" not in str(exc)
    else:
        pytest.fail(
            f"ColdConverter returned {made.name} ({made.stat().st_size} bytes, "
            f"{len(PdfReader(made).pages)} page(s)) for a file that is no DOCX at all: "
            "LibreOffice imported the bytes as plain text instead of refusing them"
        )
    assert not (outdir / "sampah.pdf").exists()
