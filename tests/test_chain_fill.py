"""The chain fills itself (issue 24): a rekomendasi from its BAP, an izin from its rekomendasi.

The permit officer gives each later step only what is new (date, signer, conditions, validity);
the applicant, the object and the basis's number and date come from the register. What the
request gives still wins and is still checked against the basis, and a basis that cannot carry
the document is refused before any number is taken. Real SQLite register, real PDF re-read,
real batch workers, a real desk server spoken to over HTTP.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import cli
from openpyxl import Workbook
from pypdf import PdfReader
from test_desk import PASSWORD, Desk, start_desk

from docgen.batch.runner import BatchOptions, run_batch
from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import Result, create_workspace, generate
from docgen.profile import Workspace, load_workspace
from docgen.register import Register
from docgen.register.users import add_user

TODAY = date.today().isoformat()
REKOMENDASI_NEW = {  # what only the rekomendasi itself knows
    "tanggal": TODAY,
    "kepada": ["Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pasuruan"],
    "penandatangan": "kadis-pupr",
    "syarat": ["Reklame dipasang sesuai titik, ukuran dan konstruksi dalam BAP."],
    "masa_berlaku": "selama 1 (satu) tahun sejak tanggal ditetapkan",
}
IZIN_NEW = {"tanggal": TODAY, "berlaku_dari": TODAY, "syarat": ["Naskah reklame tidak diubah tanpa izin."]}


def _bap(ws: Workspace, **changes: Any) -> Result:
    return generate(ws, "bap", get_kind("bap").dated_example() | changes)


def _stored(ws: Workspace, doc_id: int) -> dict[str, Any]:
    with Register.open(ws) as reg:
        return reg.document(doc_id).request


def _basis_id(ws: Workspace, doc_id: int) -> int | None:
    with Register.open(ws) as reg:
        row = reg.conn.execute("SELECT basis_id FROM links WHERE doc_id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def _counters(ws: Workspace) -> list[tuple[Any, ...]]:
    """The number counters and numbers as the SQLite file holds them, read behind docgen's back."""
    with sqlite3.connect(ws.register_path) as conn:
        counters = conn.execute("SELECT series, year, last_seq FROM counters ORDER BY series, year").fetchall()
        numbers = conn.execute("SELECT COUNT(*) FROM numbers").fetchone()
    return [*counters, numbers]


def _pdf_text(ws: Workspace, result: Result) -> str:
    pdf = next(f["path"] for f in result.files if f["path"].endswith(".pdf"))
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(ws.root / pdf).pages).split())


def _assert_chain(ws: Workspace, bap: Result, rek: Result, izin: Result) -> None:
    source = _stored(ws, bap.id)
    made = _stored(ws, rek.id)
    assert made["pemohon"] == source["pemohon"] and made["objek"] == source["objek"]
    assert (made["bap"], made["tanggal_bap"], made["jenis_izin"]) == (bap.number, source["tanggal"], "reklame")
    permit = _stored(ws, izin.id)
    assert permit["pemohon"] == source["pemohon"] and permit["objek"] == source["objek"]
    assert (permit["jenis"], permit["rekomendasi"]) == ("reklame", rek.number)
    assert _basis_id(ws, rek.id) == bap.id and _basis_id(ws, izin.id) == rek.id
    assert "IR-" in (izin.number or "")  # the reklame series, as the type the BAP named
    printed = _pdf_text(ws, izin)
    for text in (source["pemohon"]["nama"], source["objek"]["uraian"], source["objek"]["alamat"]):
        assert " ".join(text.split()) in printed, (text, printed)
    assert f"Surat Rekomendasi Nomor {rek.number}" in printed


def test_a_chain_built_from_the_bap_with_no_field_retyped(workspace: Workspace) -> None:
    bap = _bap(workspace)
    rek = generate(workspace, "rekomendasi", dict(REKOMENDASI_NEW), dasar=bap.number)
    izin = generate(workspace, "izin", dict(IZIN_NEW), dasar=rek.number, pdf=True)
    _assert_chain(workspace, bap, rek, izin)


def test_the_same_chain_from_the_command_line_by_number_and_by_register_id(
    workspace: Workspace, tmp_path: Path
) -> None:
    bap = _bap(workspace)
    (tmp_path / "rek.yaml").write_text(yaml.safe_dump(REKOMENDASI_NEW, allow_unicode=True), encoding="utf-8")
    (tmp_path / "izin.yaml").write_text(yaml.safe_dump(IZIN_NEW, allow_unicode=True), encoding="utf-8")
    made = cli(workspace, "new", "rekomendasi", "--dasar", bap.number or "", "--data", str(tmp_path / "rek.yaml"),
               "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    rek = Result(**yaml.safe_load(made.stdout))
    made = cli(workspace, "new", "izin", "--dasar", str(rek.id), "--data", str(tmp_path / "izin.yaml"), "--json")
    assert made.exit_code == 0, made.output
    _assert_chain(workspace, bap, rek, Result(**yaml.safe_load(made.stdout)))


def test_an_override_wins_and_a_nested_one_keeps_the_other_nested_fields(workspace: Workspace) -> None:
    bap = _bap(workspace)
    given = REKOMENDASI_NEW | {
        "pemohon": {"telepon": "0813-0000-1111"},
        "objek": {"ukuran": {"sisi": 1}},
        "syarat": ["Hanya satu sisi yang boleh bergambar."],
    }
    rek = generate(workspace, "rekomendasi", given, dasar=bap.number)
    source, made = _stored(workspace, bap.id), _stored(workspace, rek.id)
    assert made["pemohon"] == source["pemohon"] | {"telepon": "0813-0000-1111"}
    assert made["objek"]["ukuran"] == source["objek"]["ukuran"] | {"sisi": 1}
    assert made["objek"]["uraian"] == source["objek"]["uraian"]
    assert made["syarat"] == ["Hanya satu sisi yang boleh bergambar."]


def test_an_override_naming_another_applicant_is_refused_with_the_bases_message(workspace: Workspace) -> None:
    bap = _bap(workspace)
    before = _counters(workspace)
    other = REKOMENDASI_NEW | {"pemohon": {"nama": "PT LAIN SEKALI", "nib": "9120009999999"}}
    with pytest.raises(RequestError, match=r"'bap' .*BAP itu untuk CV\. Maju Jaya Reklame, bukan PT LAIN SEKALI"):
        generate(workspace, "rekomendasi", other, dasar=bap.number)
    assert _counters(workspace) == before


@pytest.mark.parametrize("problem", ["void", "unknown", "other kind", "other basis in the request"])
def test_a_basis_that_cannot_carry_the_document_is_refused_and_takes_no_number(
    workspace: Workspace, problem: str
) -> None:
    bap = _bap(workspace)
    rek = generate(workspace, "rekomendasi", dict(REKOMENDASI_NEW), dasar=bap.number)
    kind, data, ref = "izin", dict(IZIN_NEW), rek.number or ""
    if problem == "void":
        with Register.open(workspace) as reg:
            reg.void_number(ref, reason="salah titik reklame")
        expected = r"sudah batal: salah titik reklame; dokumen yang batal tidak dapat menjadi dasar"
    elif problem == "unknown":
        ref, expected = ref.replace("REK-", "REK-9"), "tidak ada di register"
    elif problem == "other kind":
        ref, expected = bap.number or "", "berjenis bap, bukan rekomendasi"
    else:
        second = generate(workspace, "rekomendasi", dict(REKOMENDASI_NEW), dasar=bap.number)
        data["rekomendasi"], expected = second.number, "padahal dasarnya rekomendasi"
    before = _counters(workspace)
    with pytest.raises(RequestError, match=expected) as caught:
        generate(workspace, kind, data, dasar=ref)
    assert "\n" not in str(caught.value)
    assert _counters(workspace) == before


def test_a_refused_basis_on_the_command_line_is_one_line_and_takes_no_number(workspace: Workspace, tmp_path) -> None:
    bap = _bap(workspace)
    with Register.open(workspace) as reg:
        reg.void_number(bap.number or "", reason="pemeriksaan diulang")
    (tmp_path / "rek.yaml").write_text(yaml.safe_dump(REKOMENDASI_NEW, allow_unicode=True), encoding="utf-8")
    before = _counters(workspace)
    refused = cli(workspace, "new", "rekomendasi", "--dasar", bap.number or "", "--data", str(tmp_path / "rek.yaml"))
    assert refused.exit_code == 1
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "sudah batal: pemeriksaan diulang" in lines[0], refused.stderr
    assert _counters(workspace) == before


def test_a_kind_resting_on_nothing_refuses_a_basis(workspace: Workspace, letter: dict) -> None:
    bap = _bap(workspace)
    with pytest.raises(RequestError, match="surat-keluar tidak berdasar dokumen lain"):
        generate(workspace, "surat-keluar", letter, dasar=bap.number)


def test_a_certificate_takes_the_business_from_its_rekomendasi(workspace: Workspace) -> None:
    bap = _bap(workspace)
    rek = generate(workspace, "rekomendasi", dict(REKOMENDASI_NEW), dasar=bap.number)
    # what only the certificate knows: its example without the fields the rekomendasi gives
    taken = {"nib", "nama_usaha", "alamat_usaha", "lokasi_usaha"}
    new = {k: v for k, v in get_kind("sertifikat-standar").dated_example().items() if k not in taken}
    cert = generate(workspace, "sertifikat-standar", {**new, "tingkat_risiko": "MT"}, dasar=str(rek.id))
    applicant, objek = _stored(workspace, bap.id)["pemohon"], _stored(workspace, bap.id)["objek"]
    made = _stored(workspace, cert.id)
    assert (made["nib"], made["nama_usaha"], made["alamat_usaha"]) == (
        applicant["nib"], applicant["nama"], applicant["alamat"],
    )  # fmt: skip
    assert made["lokasi_usaha"] == objek["alamat"]
    # the first print is OSS's, resting on nothing: its verification names the basis later
    assert made.get("dasar") is None and _basis_id(workspace, cert.id) is None


# -- batch -----------------------------------------------------------------------------------------


def _sheet(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["dasar_dokumen", "tanggal", "kepada", "penandatangan", "syarat", "masa_berlaku", "dasar"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _row(ref: str) -> list[Any]:
    return [ref, TODAY, "Kepala DPMPTSP Kota Pasuruan", "kadis-pupr", "Dipasang sesuai BAP.", "1 (satu) tahun",
            "Peraturan Daerah Kota Pasuruan tentang Penyelenggaraan Reklame"]  # fmt: skip


def test_a_batch_column_names_each_rows_basis(workspace: Workspace, tmp_path: Path) -> None:
    other = get_kind("bap").dated_example()["pemohon"] | {"nama": "CV SINAR TERANG", "nib": "9120007654321"}
    first, second = _bap(workspace), _bap(workspace, pemohon=other)
    source = _sheet(tmp_path / "rekomendasi.xlsx", [_row(first.number or ""), _row(str(second.id))])
    outcome = run_batch(workspace, BatchOptions(kind="rekomendasi", source=source, workers=1))
    assert outcome.count("selesai") == 2, [line.message for line in outcome.lines]
    with Register.open(workspace) as reg:
        made = reg.documents(kind="rekomendasi")
    by_basis = {_basis_id(workspace, d.id): d.request for d in made}
    assert by_basis[first.id]["pemohon"]["nama"] == "CV. Maju Jaya Reklame"
    assert by_basis[second.id]["pemohon"] == _stored(workspace, second.id)["pemohon"]
    assert by_basis[second.id]["bap"] == second.number  # named by id in the sheet, recorded by number
    assert by_basis[second.id]["dasar"] == ["Peraturan Daerah Kota Pasuruan tentang Penyelenggaraan Reklame"]


def test_a_batch_row_on_a_void_basis_is_reported_by_its_column_before_anything_is_numbered(
    workspace: Workspace, tmp_path: Path
) -> None:
    good, void = _bap(workspace), _bap(workspace)
    with Register.open(workspace) as reg:
        reg.void_number(void.number or "", reason="pemohon menarik permohonan")
    before = _counters(workspace)
    source = _sheet(tmp_path / "rekomendasi.xlsx", [_row(good.number or ""), _row(void.number or "")])
    outcome = run_batch(workspace, BatchOptions(kind="rekomendasi", source=source, workers=1))
    assert [(b.number, b.column) for b in outcome.bad] == [(3, "dasar_dokumen")]
    assert "pemohon menarik permohonan" in outcome.bad[0].message
    assert _counters(workspace) == before


# -- desk ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    base = tmp_path_factory.mktemp("meja-rantai")
    ws = create_workspace(base / "ws")
    with Register.open(ws) as reg:
        add_user(reg, "rina", "Rina Pegawai", ["perizinan"], PASSWORD)
    server = start_desk(ws.root, base / "meja.log")
    yield server
    server.proc.terminate()
    server.proc.wait(10)


def test_the_desk_fills_a_rekomendasi_from_its_bap_and_makes_it(desk: Desk) -> None:
    ws = load_workspace(desk.root)
    bap = _bap(ws)
    officer = desk.client("rina")
    page = officer.get("/buat/rekomendasi")
    assert "Dasar (nomor BAP)" in page.plain()
    shown = officer.post("/buat/rekomendasi", {"dasar_dokumen": bap.number or "", "isi": "dasar"})
    assert shown.status == 200, shown.plain()[:800]
    assert 'value="CV. Maju Jaya Reklame"' in shown.text and f'value="{bap.number}"' in shown.text
    before = desk.numbers()
    made = officer.post("/buat/rekomendasi", {
        "dasar_dokumen": bap.number or "", "tanggal": TODAY, "kepada": "Kepala DPMPTSP Kota Pasuruan",
        "penandatangan.pejabat": "kadis-pupr", "syarat": "Dipasang sesuai BAP.", "masa_berlaku": "1 (satu) tahun",
    })  # fmt: skip
    assert made.status == 200 and "terbit dengan nomor" in made.text, made.plain()[:800]
    assert desk.numbers() == before + 1
    with Register.open(ws) as reg:
        rek = reg.documents(kind="rekomendasi")[-1]
    assert rek.request["pemohon"] == _stored(ws, bap.id)["pemohon"] and _basis_id(ws, rek.id) == bap.id


def test_the_desk_shows_a_void_basis_at_its_input_and_takes_no_number(desk: Desk) -> None:
    ws = load_workspace(desk.root)
    bap = _bap(ws)
    with Register.open(ws) as reg:
        reg.void_number(bap.number or "", reason="objek belum dibangun")
    officer = desk.client("rina")
    officer.get("/buat/izin")
    before = desk.numbers()
    refused = officer.post("/buat/rekomendasi", {"dasar_dokumen": bap.number or "", "tanggal": TODAY})
    assert refused.status == 400
    assert 'id="galat-dasar_dokumen"' in refused.text and "objek belum dibangun" in refused.plain()
    assert desk.numbers() == before
