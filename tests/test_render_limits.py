"""Template renders are bounded in time and size, and every failure names the template and its cause.

Templates are real DOCX files edited the way an office worker's mistake (or a hostile edit)
would: a runaway loop, ``{{ 1/0 }}`` in one branch, ``range(10**9)``, ``{% include %}``, a
macro calling itself. The profile's ``[limits] render_s`` is lowered so a runaway render is
stopped within a second; no assertion is about time itself, only about what happened.
"""

from __future__ import annotations

import threading

import pytest
import yaml
from test_templates import _rewrite_document_xml as rewrite
from typer.testing import CliRunner

from docgen.cli import app
from docgen.errors import TemplateError
from docgen.kinds import get_kind, validate_request
from docgen.makers import maker_for
from docgen.pipeline import generate, number_document
from docgen.profile import load_workspace
from docgen.register import Register, State
from docgen.render.docx import compile_docx
from docgen.render.docx.bounded import Bounds

KIND = "surat-keluar"
FIRST = "500.16.7.2/1/423.105/2026"
runner = CliRunner()

RUNAWAY = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
#: Each breaks only for the subject "rusak", so the kind's example still proves the template.
BROKEN_FOR_DATA = {
    "runaway-loop": ("{% if hal == 'rusak' %}" + RUNAWAY + "{% endif %}", "dihentikan: pengisian melebihi 1 detik"),
    "division-by-zero": ("{% if hal == 'rusak' %}{{ 1/0 }}{% endif %}", "pembagian dengan nol"),
    "huge-range": ("{% if hal == 'rusak' %}{{ range(10**9)|list }}{% endif %}", "range terlalu besar"),
    "include": ("{% if hal == 'rusak' %}{% include 'lain.docx' %}{% endif %}", "{% include %}"),
    "import": ("{% if hal == 'rusak' %}{% import 'lain.docx' as m %}{% endif %}", "{% include %}"),
    "recursion": (
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}{% if hal == 'rusak' %}{{ f(1) }}{% endif %}",
        "rekursi",
    ),
    "output-size": (
        "{% if hal == 'rusak' %}{% for i in range(50000) %}{{ 'x' * 100 }}{% endfor %}{% endif %}",
        "melebihi 1000000 bita (limits.output_bytes)",
    ),
    "unsafe-attribute": ("{% if hal == 'rusak' %}{{ hal.__class__.__mro__ }}{% endif %}", "gagal diisi"),
    "undefined-name": ("{% if hal == 'rusak' %}{{ tidak_ada.nama }}{% endif %}", "nama yang tidak dikenal"),
    "type-error": ("{% if hal == 'rusak' %}{{ hal + 1 }}{% endif %}", "gagal diisi"),
}


@pytest.fixture
def tight(workspace):
    """The workspace with render_s = 1 and output_bytes = 1 MB."""
    path = workspace.root / "docgen.toml"
    text = path.read_text(encoding="utf-8")
    assert "render_s = 20 " in text and "output_bytes = 50000000 " in text
    text = text.replace("render_s = 20 ", "render_s = 1 ").replace(
        "output_bytes = 50000000 ", "output_bytes = 1000000 "
    )
    path.write_text(text, encoding="utf-8")
    return load_workspace(workspace.root, env={})


def with_template(ws, jinja: str):
    rewrite(ws.template("surat-keluar.docx"), "{{ hal }}", jinja + "{{ hal }}")
    return ws


def numbers(ws) -> list[dict]:
    with Register.open(ws) as reg:
        return reg.numbers()


@pytest.mark.parametrize("case", sorted(BROKEN_FOR_DATA))
def test_a_template_failing_for_this_data_is_refused_before_a_number_is_taken(tight, letter, case):
    jinja, cause = BROKEN_FOR_DATA[case]
    ws = with_template(tight, jinja)
    letter["hal"] = "rusak"
    with pytest.raises(TemplateError) as err:
        generate(ws, KIND, letter)
    message = str(err.value)
    assert "surat-keluar.docx" in message and cause in message and "\n" not in message, message
    assert "docgen template check" in message
    assert numbers(ws) == []
    letter["hal"] = "Undangan rapat"
    assert generate(ws, KIND, letter).number == FIRST  # the same template serves other data


@pytest.mark.parametrize("case", ["runaway-loop", "division-by-zero", "recursion", "huge-range"])
def test_a_template_failing_for_every_request_is_refused_at_the_proof(tight, letter, case):
    jinja, cause = BROKEN_FOR_DATA[case]
    ws = with_template(tight, jinja.replace("hal == 'rusak'", "true"))
    with pytest.raises(TemplateError, match="surat-keluar.docx") as err:
        generate(ws, KIND, letter)
    assert cause in str(err.value)
    assert numbers(ws) == []


def test_numbering_a_signed_draft_is_refused_before_its_number_when_the_render_fails(tight, letter):
    draft = generate(tight, KIND, letter, draft=True)
    with Register.open(tight) as reg:
        reg.set_state(draft.id, State.VERIFIED)
        reg.set_state(draft.id, State.SIGNED)
        request = dict(reg.document(draft.id).request)
    assert request["hal"] != "rusak"
    with_template(tight, "{% if nomor %}" + RUNAWAY + "{% endif %}")
    with pytest.raises(TemplateError, match="dihentikan"):
        number_document(tight, draft.id)
    assert numbers(tight) == []
    with Register.open(tight) as reg:
        assert reg.document(draft.id).state == State.SIGNED


def test_a_render_that_fails_only_with_the_real_number_voids_it_at_once_with_the_cause(tight, letter):
    ws = with_template(tight, "{% if nomor.startswith('500.') %}{{ 1/0 }}{% endif %}")  # not the stand-in
    with pytest.raises(TemplateError, match="pembagian dengan nol"):
        generate(ws, KIND, letter)
    [row] = numbers(ws)
    assert row["number"] == FIRST and row["status"] == "void"
    assert "pembagian dengan nol" in row["reason"] and "surat-keluar.docx" in row["reason"]
    assert not any(p.is_file() for p in (ws.outbox / "2026").rglob("*"))


def test_a_stopped_render_leaves_the_callers_timer_and_alarm_handler_in_place(tight, letter):
    import signal

    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        ws = with_template(tight, "{% if hal == 'rusak' %}" + RUNAWAY + "{% endif %}")
        letter["hal"] = "rusak"
        with pytest.raises(TemplateError, match="dihentikan"):
            generate(ws, KIND, letter)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 30
        assert signal.getsignal(signal.SIGALRM) is not previous and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_runaway_render_off_the_main_thread_is_stopped_too(tight, letter):
    """No SIGALRM off the main thread: the sandbox checks the clock as the loops step."""
    ws = with_template(tight, "{% if hal == 'rusak' %}" + RUNAWAY + "{% endif %}")
    compiled = compile_docx(ws.template("surat-keluar.docx"))
    kind = get_kind(KIND)
    letter["hal"] = "rusak"
    context = kind.render_context(validate_request(kind, letter, ws.profile), ws.profile, number="1")
    outcome: list[BaseException | bytes] = []

    def run() -> None:
        try:
            outcome.append(compiled.render(context, Bounds(render_s=0.5)))
        except BaseException as exc:  # the test inspects it
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(120)
    assert not worker.is_alive()
    assert isinstance(outcome[0], TemplateError) and "dihentikan" in str(outcome[0])


def test_a_long_document_within_the_limits_still_renders(workspace, letter):
    letter["isi"] = [f"Paragraf {i} " + "kata " * 100 for i in range(300)]
    result = generate(workspace, KIND, letter)
    assert result.number == FIRST


@pytest.mark.parametrize(
    ("case", "cause"),
    [("runaway-loop", "dihentikan"), ("recursion", "rekursi"), ("huge-range", "range terlalu besar"),
     ("include", "{% include %}"), ("division-by-zero", "pembagian dengan nol")],
)  # fmt: skip
def test_cli_new_reports_a_failing_template_in_one_galat_line(tight, letter, tmp_path, case, cause):
    with_template(tight, BROKEN_FOR_DATA[case][0])
    letter["hal"] = "rusak"
    request = tmp_path / "surat.yaml"
    request.write_text(yaml.safe_dump(letter, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["--workspace", str(tight.root), "new", KIND, "--data", str(request)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Galat:") and "tak terduga" not in lines[0], result.stderr
    assert cause in lines[0]
    assert numbers(tight) == []


# -- one render per document ----------------------------------------------------------------------


def _document_xml(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml")


@pytest.mark.parametrize("hal", ["Undangan rapat", "Tanda <b> & 'kutip' \"ganda\"", "DOCGEN-NOMOR-palsu"])
def test_the_number_filled_into_the_trial_render_gives_the_bytes_a_fresh_render_gives(workspace, letter, hal):
    letter["hal"] = hal
    result = generate(workspace, KIND, letter)
    compiled = compile_docx(workspace.template("surat-keluar.docx"), emblem=workspace.emblem)
    assert compiled.prints_number_plainly
    request = validate_request(get_kind(KIND), letter, workspace.profile)
    context = get_kind(KIND).render_context(request, workspace.profile, number=result.number)
    context = maker_for(workspace, get_kind(KIND), pdf=False).with_room(context)  # as the maker renders it
    fresh = dict(compiled.render_parts(context))["word/document.xml"]
    assert _document_xml(workspace.root / result.path) == fresh
    assert result.number.encode() in fresh
    assert (b"DOCGEN-NOMOR-palsu" in fresh) == hal.endswith("palsu")  # a look-alike in the data stays data


def test_a_template_that_does_more_with_the_number_than_print_it_is_rendered_with_the_real_one(workspace, letter):
    ws = with_template(workspace, "[{{ nomor|replace('/', ' / ') }}]")
    result = generate(ws, KIND, letter)
    compiled = compile_docx(ws.template("surat-keluar.docx"), emblem=ws.emblem)
    assert not compiled.prints_number_plainly
    assert f"[{result.number.replace('/', ' / ')}]".encode() in _document_xml(ws.root / result.path)
    assert b"DOCGEN-NOMOR" not in _document_xml(ws.root / result.path)
