"""Is this letter genuine? Verification by file, by token and by the URL in the QR code.

Exit status of ``docgen verify``: 0 genuine (ASLI), 3 modified (DIUBAH), 4 void (BATAL),
5 unknown (TIDAK DIKENAL), 1 for an error such as a missing file.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from conftest import VERIFY_BASE, require
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import RequestError
from docgen.pipeline import create_workspace, generate, number_document
from docgen.register import Register, State
from docgen.stamping import stamp_document
from docgen.verify import Verdict, verify

KIND = "surat-keluar"
FIRST = "500.16.7.2/1/423.105/2026"
SUBJECT = "Undangan Sosialisasi Perizinan Berusaha Berbasis Risiko"

runner = CliRunner()


def cli(ws, *args: str):
    return runner.invoke(app, ["--workspace", str(ws.root), "verify", *args])


def plain_pdf(path: Path, text: str = "Surat yang tidak pernah diterbitkan") -> Path:
    c = Canvas(str(path), pagesize=A4)
    c.drawString(25 * mm, 250 * mm, text)
    c.showPage()
    c.save()
    return path


def token_of(ws, doc_id: int) -> str:
    with Register.open(ws) as reg:
        token = reg.document(doc_id).token
    assert token
    return token


def pdf_of(ws, result) -> Path:
    return ws.root / next(f["path"] for f in result.files if f["role"] == "pdf")


@pytest.fixture
def generated(workspace, letter):
    """A numbered letter generated with its PDF (cold LibreOffice)."""
    require("soffice")
    result = generate(workspace, KIND, letter, pdf=True)
    assert result.number == FIRST
    return result


@pytest.fixture
def stamped(workspace, letter, tmp_path):
    """A letter written outside docgen, numbered and stamped by docgen (no LibreOffice needed)."""
    result = stamp_document(workspace, plain_pdf(tmp_path / "surat-luar.pdf", "Surat dari luar"), KIND, data=letter)
    assert result.number == FIRST
    return result


# -- genuine --------------------------------------------------------------------------------------


def test_generated_pdf_is_genuine_by_file_by_token_and_by_url(workspace, generated):
    pdf = pdf_of(workspace, generated)
    token = token_of(workspace, generated.id)

    for target in (pdf, str(pdf), token, VERIFY_BASE + token):
        answer = verify(workspace, target)
        assert answer.verdict == Verdict.GENUINE, target
        assert (answer.doc_id, answer.number, answer.state, answer.exit_code) == (generated.id, FIRST, "numbered", 0)
        assert answer.subject == SUBJECT
        assert answer.message.startswith("ASLI")

    docx = workspace.root / generated.path
    assert verify(workspace, docx).verdict == Verdict.GENUINE

    by_file = cli(workspace, str(pdf))
    assert by_file.exit_code == 0, by_file.output
    assert by_file.stdout.startswith("ASLI")
    assert FIRST in by_file.stdout
    by_url = cli(workspace, VERIFY_BASE + token)
    assert by_url.exit_code == 0, by_url.output
    assert by_url.stdout.startswith("ASLI")


def test_stamped_pdf_is_genuine(workspace, stamped):
    answer = verify(workspace, pdf_of(workspace, stamped))
    assert (answer.verdict, answer.doc_id, answer.number) == (Verdict.GENUINE, stamped.id, FIRST)


# -- modified -------------------------------------------------------------------------------------


def _add_blank_page(source: Path, target: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.add_blank_page()
    with target.open("wb") as out:
        writer.write(out)


def _retitle(source: Path, target: Path) -> None:
    reader = PdfReader(source)
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata({**(reader.metadata or {}), "/Title": "Surat yang diubah"})
    with target.open("wb") as out:
        writer.write(out)


@pytest.mark.parametrize("change", [_add_blank_page, _retitle], ids=["blank-page-added", "title-changed"])
def test_changed_copy_of_a_stamped_pdf_is_modified(workspace, stamped, tmp_path, change):
    original = pdf_of(workspace, stamped)
    token = token_of(workspace, stamped.id)
    changed = tmp_path / "salinan-diubah.pdf"
    change(original, changed)
    assert changed.read_bytes() != original.read_bytes()
    assert PdfReader(changed).metadata["/DocgenToken"] == token  # the copy still says which letter it was

    answer = verify(workspace, changed)
    assert answer.verdict == Verdict.MODIFIED
    assert (answer.doc_id, answer.number, answer.exit_code) == (stamped.id, FIRST, 3)
    assert answer.message.startswith("DIUBAH")

    result = cli(workspace, str(changed))
    assert result.exit_code == 3, result.output
    assert result.stdout.startswith("DIUBAH")
    assert FIRST in result.stdout

    assert verify(workspace, original).verdict == Verdict.GENUINE  # the outbox copy is untouched


# -- void -----------------------------------------------------------------------------------------


def test_voided_number_makes_file_and_token_void_with_the_reason(workspace, generated):
    pdf = pdf_of(workspace, generated)
    token = token_of(workspace, generated.id)
    with Register.open(workspace) as reg:
        reg.void_number(FIRST, reason="salah alamat")

    for target in (pdf, token, VERIFY_BASE + token):
        answer = verify(workspace, target)
        assert answer.verdict == Verdict.VOID, target
        assert answer.exit_code == 4
        assert "BATAL" in answer.message
        assert answer.void_reason == "salah alamat"
        assert (answer.doc_id, answer.number, answer.state) == (generated.id, FIRST, "batal")

    for target in (str(pdf), token):
        result = cli(workspace, target)
        assert result.exit_code == 4, result.output
        assert result.stdout.startswith("BATAL")
        assert "salah alamat" in result.stdout


# -- unknown --------------------------------------------------------------------------------------


def _assert_unknown(ws, target) -> None:
    answer = verify(ws, target)
    assert answer.verdict == Verdict.UNKNOWN, target
    assert answer.exit_code == 5
    assert answer.message.startswith("TIDAK DIKENAL")
    assert (answer.doc_id, answer.number, answer.subject) == (None, None, None)  # nothing leaks
    result = cli(ws, str(target))
    assert result.exit_code == 5, result.output
    assert result.stdout.startswith("TIDAK DIKENAL")


def test_pdf_never_issued_is_unknown(workspace, stamped, tmp_path):
    _assert_unknown(workspace, plain_pdf(tmp_path / "palsu.pdf"))


def test_random_token_and_url_are_unknown(workspace, stamped):
    _assert_unknown(workspace, "Zq3xN0tAReAlT0kEn-123")
    _assert_unknown(workspace, VERIFY_BASE + "Zq3xN0tAReAlT0kEn-123")


def test_draft_files_are_unknown(workspace, letter):
    require("soffice")
    draft = generate(workspace, KIND, letter, draft=True, pdf=True)
    with Register.open(workspace) as reg:
        recorded = {r["role"] for r in reg.files(draft.id)}
    assert recorded == {"docx", "pdf"}  # the register knows the files, but a draft is not an issued letter
    _assert_unknown(workspace, pdf_of(workspace, draft))
    _assert_unknown(workspace, workspace.root / draft.path)
    _assert_unknown(workspace, token_of(workspace, draft.id))


def test_pdf_stamped_by_another_office_is_unknown(workspace, letter, tmp_path):
    other = create_workspace(tmp_path / "kantor-lain")
    foreign = stamp_document(other, plain_pdf(tmp_path / "surat-lain.pdf"), KIND, data=copy.deepcopy(letter))
    copied = Path(shutil.copyfile(pdf_of(other, foreign), tmp_path / "kiriman.pdf"))
    assert PdfReader(copied).metadata["/DocgenToken"]  # it does carry a token, just not one of ours
    _assert_unknown(workspace, copied)


# -- errors ---------------------------------------------------------------------------------------


def test_missing_pdf_is_a_one_line_error(workspace, tmp_path):
    missing = tmp_path / "tidak-ada.pdf"
    with pytest.raises(RequestError) as caught:
        verify(workspace, missing)
    assert "tidak-ada.pdf" in str(caught.value)

    result = cli(workspace, str(missing))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Galat: Berkas")
    assert "tidak ada" in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("numbered_by", ["number", "stamp"])
def test_superseded_draft_file_does_not_verify_as_genuine_after_numbering(workspace, letter, tmp_path, numbered_by):
    """The unnumbered konsep is not the letter the office issued, even once that letter exists."""
    draft = generate(workspace, KIND, letter, draft=True)
    konsep = workspace.root / draft.path
    assert konsep.name == "konsep-000001.docx"
    assert verify(workspace, konsep).verdict == Verdict.UNKNOWN
    with Register.open(workspace) as reg:
        reg.set_state(draft.id, State.VERIFIED)
        reg.set_state(draft.id, State.SIGNED)
    if numbered_by == "number":
        issued = number_document(workspace, draft.id)
    else:
        issued = stamp_document(
            workspace, plain_pdf(tmp_path / "ttd.pdf", "Surat bertanda tangan"), KIND, doc_id=draft.id
        )
    assert issued.number == FIRST
    assert verify(workspace, workspace.root / issued.path).verdict == Verdict.GENUINE
    assert konsep.is_file()  # the old draft is still on disk (and in the register, as not current)

    answer = verify(workspace, konsep)
    assert answer.verdict != Verdict.GENUINE, (
        f"the unnumbered draft {konsep.name} verifies as '{answer.message}' with number {answer.number}, "
        "a number it does not carry"
    )
    assert cli(workspace, str(konsep)).exit_code != 0


def test_tokens_are_safe_to_type_and_pass_on_the_command_line():
    """Tokens never start with '-' (an option to the CLI) and use only a-z and 2-7."""
    from docgen.register.books import new_token

    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert all(len(t) == 24 and set(t) <= set("abcdefghijklmnopqrstuvwxyz234567") for t in tokens)


# -- only the office's own address, only well-formed tokens ----------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://evil.example/palsu/{token}",
        "https://evil.example/verifikasi/{token}",
        "https://dpmptsp.pasuruankota.go.id.evil.example/verifikasi/{token}",
        "https://dpmptsp.pasuruankota.go.id/palsu/{token}",
        "http://dpmptsp.pasuruankota.go.id/verifikasi/{token}",
        "https://evil.example/?u=https://dpmptsp.pasuruankota.go.id/verifikasi/{token}",
    ],
)
def test_a_real_token_under_another_address_is_unknown_naming_the_address(workspace, stamped, address):
    target = address.format(token=token_of(workspace, stamped.id))
    _assert_unknown(workspace, target)
    assert "bukan alamat verifikasi kantor ini" in verify(workspace, target).message


def test_the_offices_address_is_genuine_with_a_trailing_slash_or_in_capitals(workspace, stamped):
    token = token_of(workspace, stamped.id)
    for target in (VERIFY_BASE + token + "/", VERIFY_BASE.replace("https://dpmptsp", "HTTPS://DPMPTSP") + token,
                   token.upper()):  # fmt: skip
        assert verify(workspace, target).verdict == Verdict.GENUINE, target


@pytest.mark.parametrize(
    "token",
    [
        "x" * 256,
        "a" * 300,
        "a" * 5000,
        "abc",
        "a" * 23,
        "a" * 25,
        "aaaaaaaaaaaaaaaaaaaaaaa1",  # '1' is not base32
        "../" + "a" * 24,
        "aaaa'; DROP TABLE documents; --",
        "аaaaaaaaaaaaaaaaaaaaaaa",  # a Cyrillic letter first
        " ",
    ],
)
def test_a_malformed_or_overlong_token_is_unknown_with_exit_5(workspace, stamped, token):
    answer = verify(workspace, token)
    assert answer.verdict == Verdict.UNKNOWN and "bentuk token tidak sah" in answer.message
    result = cli(workspace, token)
    assert result.exit_code == 5, result.output
    assert "tak terduga" not in result.output


def test_a_malformed_token_is_answered_without_reading_the_register(workspace, stamped):
    workspace.register_path.rename(workspace.register_path.with_name("disimpan.sqlite"))
    assert verify(workspace, "x" * 300).verdict == Verdict.UNKNOWN
    assert verify(workspace, "https://evil.example/palsu/" + "a" * 24).verdict == Verdict.UNKNOWN


def test_an_overlong_file_name_is_a_one_line_error_not_a_crash(workspace):
    result = cli(workspace, "surat-" + "x" * 300 + ".pdf")
    assert result.exit_code == 1
    assert "Galat:" in result.stderr and "tidak ada" in result.stderr and "tak terduga" not in result.stderr
