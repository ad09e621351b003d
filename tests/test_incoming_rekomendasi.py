"""A rekomendasi that arrives from the OPD teknis (paper or PDF) as the basis of a permit.

DOMAIN.md section 4: the rekomendasi may arrive from the OPD and is then entered as received,
with its own number and date, and still serves as the permit's basis. It is entered as an
incoming letter (agenda number, scan, lembar disposisi) carrying what the rekomendasi says; an
izin then names it by the OPD's number exactly as it names one made here.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import cli, count_rows, one_galat_line
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from test_desk import desk  # noqa: F401  (the desk server, one per module)

from docgen.errors import RequestError
from docgen.incoming import enter_incoming
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.profile import load_workspace
from docgen.register import Register
from docgen.register.chain import basis_of
from docgen.text import tanggal

TODAY = date.today()
OPD_NUMBER = "600.3/77/423.104/2026"  # the OPD's own series and unit code, as printed on its letter
OPD = "Dinas Pekerjaan Umum dan Penataan Ruang Kota Pasuruan"
PEMOHON = {
    "nama": "PT MAJU JAYA ABADI",
    "alamat": "Jl. Soekarno Hatta No. 10, Kota Pasuruan",
    "nib": "9120001234567",
    "penanggung_jawab": "HENDRA GUNAWAN",
}
OBJEK = {"uraian": "Gedung kantor dua lantai", "alamat": "Jl. Soekarno Hatta No. 10, Kota Pasuruan"}


def _received(**changes: Any) -> dict[str, Any]:
    """The incoming entry of a rekomendasi for a building permit, dated a week ago."""
    written = TODAY - timedelta(days=7)
    data: dict[str, Any] = {
        "dari": OPD,
        "nomor": OPD_NUMBER,
        "tanggal": written.isoformat(),
        "diterima": (written + timedelta(days=2)).isoformat(),
        "kka": "500.16.7.2",
        "rekomendasi": {
            "jenis_izin": "bangunan",
            "pemohon": copy.deepcopy(PEMOHON),
            "objek": copy.deepcopy(OBJEK),
            "bap": "600.3/BAP-12/423.104/2026",
            "tanggal_bap": (written - timedelta(days=3)).isoformat(),
        },
    }
    data.update(changes)
    return data


def _izin(rekomendasi: str, **changes: Any) -> dict[str, Any]:
    data = {
        "jenis": "bangunan",
        "tanggal": TODAY.isoformat(),
        "pemohon": copy.deepcopy(PEMOHON),
        "objek": copy.deepcopy(OBJEK),
        "berlaku_dari": TODAY.isoformat(),
        "berlaku_sampai": (TODAY + timedelta(days=365 * 5)).isoformat(),
        "rekomendasi": rekomendasi,
    }
    data.update(changes)
    return data


def _scan(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 760, f"Rekomendasi {OPD_NUMBER}")
    pdf.showPage()
    pdf.save()
    return path


def _text(workspace, result) -> str:
    pdf = next(f for f in result.files if f["path"].endswith(".pdf"))
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(workspace.root / pdf["path"]).pages)


def test_an_izin_rests_on_a_received_rekomendasi_named_by_the_opds_own_number(workspace, tmp_path):
    request = tmp_path / "rekomendasi-masuk.yaml"
    request.write_text(yaml.safe_dump(_received()), encoding="utf-8")
    entered = cli(workspace, "masuk", "add", "--data", str(request), "--scan", str(_scan(tmp_path / "s.pdf")), "--json")
    assert entered.exit_code == 0, entered.output
    entry = json.loads(entered.stdout)
    assert entry["number"] != OPD_NUMBER  # the entry has its own agenda number; the OPD's stays as given

    izin = generate(workspace, "izin", _izin(OPD_NUMBER))

    with Register.open(workspace) as reg:
        basis = basis_of(reg.conn, izin.id)
        assert basis is not None and basis.id == entry["id"]
        shown = reg.document(entry["id"])
    assert shown.request["rekomendasi"]["jenis_izin"] == "bangunan"
    written = TODAY - timedelta(days=7)
    text = _text(workspace, izin)
    assert OPD_NUMBER in text, text
    assert tanggal(written) in text, text


def test_a_received_rekomendasi_is_checked_like_one_made_here(workspace):
    enter_incoming(workspace, _received())
    before = count_rows(workspace, "numbers")
    other = {**PEMOHON, "nama": "CV LAIN SEKALI", "nib": "9120007654321"}
    with pytest.raises(RequestError) as caught:
        generate(workspace, "izin", _izin(OPD_NUMBER, pemohon=other))
    assert "rekomendasi itu untuk PT MAJU JAYA ABADI" in str(caught.value)
    with pytest.raises(RequestError) as caught:
        generate(workspace, "izin", _izin(OPD_NUMBER, jenis="pendidikan", berlaku_sampai=None))
    assert "bukan izin pendidikan" in str(caught.value)
    assert count_rows(workspace, "numbers") == before  # refused before any number was taken


def test_an_ordinary_incoming_letter_is_no_basis(workspace):
    letter = get_kind("surat-masuk").dated_example()
    letter["nomor"] = OPD_NUMBER
    letter["tanggal"] = letter["diterima"] = TODAY.isoformat()
    enter_incoming(workspace, letter)
    before = count_rows(workspace, "numbers")
    with pytest.raises(RequestError) as caught:
        generate(workspace, "izin", _izin(OPD_NUMBER))
    assert "tidak ada di register" in str(caught.value)
    assert count_rows(workspace, "numbers") == before


def test_a_voided_entry_is_no_basis_and_a_fresh_entry_of_the_same_letter_is(workspace):
    first = enter_incoming(workspace, _received())
    result = cli(workspace, "register", "void", first.number, "--reason", "salah catat pemohon")
    assert result.exit_code == 0, result.output
    with pytest.raises(RequestError) as caught:
        generate(workspace, "izin", _izin(OPD_NUMBER))
    assert "batal" in str(caught.value)
    again = enter_incoming(workspace, _received())
    izin = generate(workspace, "izin", _izin(OPD_NUMBER))
    with Register.open(workspace) as reg:
        assert basis_of(reg.conn, izin.id).id == again.id


def test_a_received_rekomendasi_takes_its_subject_from_the_permit_and_refuses_a_later_bap(workspace):
    data = _received()
    entered = enter_incoming(workspace, data)
    with Register.open(workspace) as reg:
        assert reg.document(entered.id).subject == "Rekomendasi Persetujuan Bangunan Gedung"
    late = _received()
    late["rekomendasi"]["tanggal_bap"] = TODAY.isoformat()
    with pytest.raises(RequestError) as caught:
        enter_incoming(workspace, late)
    assert "tanggal_bap" in str(caught.value)


def test_the_cli_names_an_unknown_permit_type_in_a_received_rekomendasi(workspace, tmp_path):
    data = _received()
    data["rekomendasi"]["jenis_izin"] = "kapal"
    request = tmp_path / "salah.yaml"
    request.write_text(yaml.safe_dump(data), encoding="utf-8")
    line = one_galat_line(cli(workspace, "masuk", "add", "--data", str(request)))
    assert "jenis izin 'kapal' tidak ada di [izin] profil" in line


def test_the_desk_enters_a_received_rekomendasi_that_a_permit_then_rests_on(desk) -> None:  # noqa: F811
    clerk = desk.client("siti")
    clerk.get("/surat-masuk/baru")
    written = TODAY - timedelta(days=7)
    fields = {
        "dari": OPD, "nomor": "600.3/91/423.104/2026", "tanggal": written.isoformat(),
        "diterima": TODAY.isoformat(), "kka": "500.16.7.2",
        "rekomendasi.jenis_izin": "bangunan", "rekomendasi.pemohon.nama": PEMOHON["nama"],
        "rekomendasi.pemohon.alamat": PEMOHON["alamat"], "rekomendasi.pemohon.nib": PEMOHON["nib"],
        "rekomendasi.objek.uraian": OBJEK["uraian"], "rekomendasi.objek.alamat": OBJEK["alamat"],
    }  # fmt: skip
    answer = clerk.post("/surat-masuk/baru", fields)
    assert answer.status == 200 and "nomor agenda" in answer.text, answer.plain()[:600]
    workspace = load_workspace(desk.root)
    izin = generate(workspace, "izin", _izin("600.3/91/423.104/2026"))
    with Register.open(workspace) as reg:
        entry = basis_of(reg.conn, izin.id)
    assert entry is not None and entry.kind == "surat-masuk"
    assert entry.subject == "Rekomendasi Persetujuan Bangunan Gedung"
    assert entry.request["rekomendasi"]["pemohon"]["nib"] == PEMOHON["nib"]


def test_an_izin_is_filled_from_a_received_rekomendasi_with_nothing_retyped(workspace):
    enter_incoming(workspace, _received())
    new_only = {
        "tanggal": TODAY.isoformat(),
        "berlaku_dari": TODAY.isoformat(),
        "berlaku_sampai": (TODAY + timedelta(days=365 * 5)).isoformat(),
    }
    izin = generate(workspace, "izin", new_only, dasar=OPD_NUMBER)
    with Register.open(workspace) as reg:
        stored = reg.document(izin.id).request
    assert stored["jenis"] == "bangunan" and stored["rekomendasi"] == OPD_NUMBER
    assert stored["pemohon"]["nib"] == PEMOHON["nib"] and stored["objek"]["uraian"] == OBJEK["uraian"]
    assert PEMOHON["nama"] in _text(workspace, izin)
