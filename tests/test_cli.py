"""The command line: exit codes, one-line Indonesian errors, JSON for scripts, help everywhere."""

from __future__ import annotations

import csv
import hashlib
import json

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from docgen.cli import app
from docgen.register import Register

runner = CliRunner()


def run(ws, *args: str):
    return runner.invoke(app, ["--workspace", str(ws.root), *args])


def _request(tmp_path, data, name="surat.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_new_with_json_prints_id_number_path_and_a_true_hash(workspace, letter, tmp_path):
    result = run(workspace, "new", "surat-keluar", "--data", str(_request(tmp_path, letter)), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["number"] == "500.16.7.2/1/423.105/2026"
    assert out["id"] == 1
    data = (workspace.root / out["path"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == out["sha256"]


def test_missing_field_is_one_indonesian_line_naming_it_and_exit_1(workspace, letter, tmp_path):
    del letter["hal"]
    result = run(workspace, "new", "surat-keluar", "--data", str(_request(tmp_path, letter)))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Galat: Permintaan surat-keluar (surat.yaml) salah: 'hal' wajib diisi")
    with Register.open(workspace) as reg:
        assert reg.numbers() == []


def test_unknown_field_suggests_the_available_ones(workspace, letter, tmp_path):
    letter["perihal"] = letter.pop("hal")
    result = run(workspace, "new", "surat-keluar", "--data", str(_request(tmp_path, letter)))
    assert result.exit_code == 1
    assert "'perihal' tidak dikenal; kolom yang tersedia: tanggal, sifat" in result.stderr


def test_broken_yaml_is_reported_with_its_line(workspace, tmp_path):
    path = tmp_path / "rusak.yaml"
    path.write_text("hal: Undangan\nkepada: [tidak ditutup\n", encoding="utf-8")
    result = run(workspace, "new", "surat-keluar", "--data", str(path))
    assert result.exit_code == 1
    assert "rusak.yaml tidak sah (baris" in result.stderr


def test_draft_then_state_moves_then_number(workspace, letter, tmp_path):
    made = json.loads(
        run(workspace, "new", "surat-keluar", "--data", str(_request(tmp_path, letter)), "--draft", "--json").stdout
    )
    assert made["number"] is None
    refused = run(workspace, "number", str(made["id"]))
    assert refused.exit_code == 1 and "berstatus draft" in refused.stderr
    assert run(workspace, "register", "state", str(made["id"]), "verified").exit_code == 0
    assert run(workspace, "register", "state", str(made["id"]), "signed").exit_code == 0
    numbered = json.loads(run(workspace, "number", str(made["id"]), "--json").stdout)
    assert numbered["number"] == "500.16.7.2/1/423.105/2026"
    assert numbered["id"] == made["id"]


def test_example_request_is_accepted_by_new(workspace, tmp_path):
    example = run(workspace, "kinds", "surat-keluar", "--example")
    assert example.exit_code == 0
    path = tmp_path / "contoh.yaml"
    path.write_text(example.stdout, encoding="utf-8")
    assert run(workspace, "new", "surat-keluar", "--data", str(path)).exit_code == 0


def test_kinds_lists_the_indonesian_field_names(workspace):
    result = run(workspace, "kinds")
    for name in ("tanggal", "sifat", "lampiran", "hal", "kepada", "di", "isi", "tembusan", "penandatangan", "kka"):
        assert name in result.stdout


def test_unknown_kind_lists_the_known_ones(workspace, tmp_path):
    result = run(workspace, "new", "surat-kaleng", "--data", str(_request(tmp_path, {})))
    assert result.exit_code == 1 and "yang tersedia: surat-keluar" in result.stderr


def test_register_void_and_export_keep_the_gap_explained(workspace, letter, tmp_path):
    request = str(_request(tmp_path, letter))
    for _ in range(3):
        assert run(workspace, "new", "surat-keluar", "--data", request).exit_code == 0
    voided = run(workspace, "register", "void", "500.16.7.2/2/423.105/2026", "--reason", "salah alamat")
    assert voided.exit_code == 0, voided.output
    target = tmp_path / "agenda.csv"
    assert run(workspace, "register", "export", "--format", "csv", "-o", str(target)).exit_code == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    assert [r["Nomor"] for r in rows] == [f"500.16.7.2/{i}/423.105/2026" for i in (1, 2, 3)]
    assert [r["Status nomor"] for r in rows] == ["terbit", "batal", "terbit"]
    assert rows[1]["Alasan batal"] == "salah alamat"
    xlsx = tmp_path / "agenda.xlsx"
    assert run(workspace, "register", "export", "--format", "xlsx", "-o", str(xlsx)).exit_code == 0
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.cell(row=3, column=4).value == "500.16.7.2/2/423.105/2026"
    assert sheet.cell(row=3, column=5).value == "batal"


def test_register_check_exits_1_when_a_file_was_altered(workspace, letter, tmp_path):
    out = json.loads(run(workspace, "new", "surat-keluar", "--data", str(_request(tmp_path, letter)), "--json").stdout)
    assert run(workspace, "register", "check").exit_code == 0
    path = workspace.root / out["path"]
    path.write_bytes(path.read_bytes() + b"x")
    result = run(workspace, "register", "check")
    assert result.exit_code == 1
    assert "berubah sejak diterbitkan" in result.stdout


def test_list_filters_by_state_and_prints_json(workspace, letter, tmp_path):
    request = str(_request(tmp_path, letter))
    run(workspace, "new", "surat-keluar", "--data", request)
    run(workspace, "new", "surat-keluar", "--data", request, "--draft")
    drafts = json.loads(run(workspace, "register", "list", "--state", "draft", "--json").stdout)
    assert [d["state"] for d in drafts] == ["draft"]
    shown = json.loads(run(workspace, "register", "show", "1", "--json").stdout)
    assert shown["document"]["number"] == "500.16.7.2/1/423.105/2026"
    assert shown["files"][0]["role"] == "docx"
    assert [e["action"] for e in shown["events"]][:2] == ["document.created", "number.reserved"]


def test_outside_a_workspace_the_error_says_how_to_make_one(tmp_path):
    result = runner.invoke(app, ["--workspace", str(tmp_path), "register", "list"])
    assert result.exit_code == 1
    assert "docgen init" in result.stderr


def test_init_makes_a_workspace_that_runs_the_demo(tmp_path):
    target = tmp_path / "kantor"
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    for sub in ("docgen.toml", "templates/surat-keluar.docx", "registers/docgen.sqlite", "outbox", "inbox"):
        assert (target / sub).exists(), sub
    demo = runner.invoke(app, ["--workspace", str(target), "demo"])
    assert demo.exit_code == 0, demo.output
    assert "pemeriksaan baik" in demo.stdout
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 1 and "sudah berisi docgen.toml" in again.stderr


def _commands(typer_app, prefix=()):
    import typer.main

    group = typer.main.get_command(typer_app)
    stack = [(prefix, group)]
    while stack:
        path, command = stack.pop()
        subcommands = getattr(command, "commands", None)
        if subcommands:
            stack += [((*path, name), sub) for name, sub in subcommands.items()]
        else:
            yield path, command


@pytest.mark.parametrize("path", [p for p, _ in _commands(app)], ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout, f"{' '.join(path)} help lacks an example"
