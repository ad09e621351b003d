"""Sertifikat Standar as OSS makes it (issue 24): OSS's numbers, the status that follows the risk,
and an MT certificate re-issued "Terverifikasi" when the office records its verification.

Real register file, real PDFs re-read with pypdf, real QR codes decoded with zbarimg and resolved
through ``docgen verify``. PNG pages of an MT certificate before and after its verification are
saved under ``test-artifacts/pages/`` for a reviewer.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import cli, count_rows, decode_qr, render_page
from layoutcases import save_pages
from pypdf import PdfReader

from docgen.errors import DocgenError, RequestError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.register import Register, State
from docgen.sertifikat import verify_certificate
from docgen.text import tanggal
from docgen.verify import Verdict, verify

TODAY = date.today()
NIB = "9120001234567"  # the BAP example's applicant
NUMBER_MT = NIB + "0002"


def _certificate(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind("sertifikat-standar").dated_example())
    data.update({"nama_usaha": "CV. Maju Jaya Reklame", "nib": NIB, **changes})
    return data


def _text(workspace, path: str) -> str:
    return " ".join(PdfReader(workspace.root / path).pages[0].extract_text().split())


def _counts(workspace) -> tuple[int, int, int]:
    return tuple(count_rows(workspace, table) for table in ("documents", "events", "files"))  # type: ignore[return-value]


def _outbox(workspace) -> list[Path]:
    return sorted(p for p in workspace.outbox.rglob("*") if p.is_file() and not p.name.startswith("."))


def _basis(workspace, kind: str = "bap", **changes: Any):
    data = copy.deepcopy(get_kind("bap").dated_example())
    data.update(changes)
    bap = generate(workspace, "bap", data)
    if kind == "bap":
        return bap
    rek = copy.deepcopy(get_kind("rekomendasi").dated_example())
    rek.update(bap=bap.number, pemohon=data["pemohon"])
    return generate(workspace, "rekomendasi", rek)


def test_an_mr_certificate_is_a_self_declaration_never_printed_verified(workspace):
    made = generate(workspace, "sertifikat-standar", _certificate(nomor=NIB + "0001"))
    assert made.number == NIB + "0001" and made.state == State.NUMBERED
    text = _text(workspace, made.path)
    assert "Pernyataan Mandiri" in text and "pernyataan mandiri pelaku usaha" in text
    assert "terverifikasi" not in text.lower()
    assert "R-202611281045123450001" in text and "Peraturan Pemerintah Nomor 28 Tahun 2025" in text
    assert count_rows(workspace, "numbers") == 0  # OSS's number: no series of ours was touched


@pytest.mark.parametrize(
    "changes",
    [
        {"status_verifikasi": "terverifikasi", "tanggal_verifikasi": TODAY.isoformat()},
        {"status_verifikasi": "terverifikasi"},
        {"dasar": "1"},
    ],
)
def test_an_mr_request_claiming_a_verification_is_refused(workspace, changes):
    with pytest.raises(RequestError, match="pernyataan mandiri"):
        generate(workspace, "sertifikat-standar", _certificate(**changes))
    assert count_rows(workspace, "documents") == 0


@pytest.mark.parametrize(
    ("risk", "named"), [("T", "buat dokumen jenis 'izin'"), ("R", "cukup dengan NIB"), ("t", "'izin'")]
)
def test_high_and_low_risk_are_refused_naming_what_to_issue_instead(workspace, risk, named):
    before = _counts(workspace)
    with pytest.raises(RequestError, match="tingkat_risiko") as caught:
        generate(workspace, "sertifikat-standar", _certificate(tingkat_risiko=risk))
    assert named in str(caught.value)
    assert _counts(workspace) == before and _outbox(workspace) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"nomor": "SS-00001/423.105/XII/2026"}, "'nomor'"),
        ({"nomor": "9120001234567 0001"}, "'nomor'"),
        ({"nomor": "91200012345670001'; DROP TABLE documents"}, "'nomor'"),
        ({"nomor": "81200012345670001"}, "bukan milik NIB 9120001234567"),
        ({"id_proyek": "R-2026112810451"}, "'id_proyek'"),
        ({"id_proyek": "I-202611281045123450001"}, "'id_proyek'"),
        ({"nib": "912000123456"}, "'nib'"),
    ],
)
def test_an_oss_number_in_the_wrong_format_is_refused_before_anything_is_written(workspace, changes, field):
    register_file = workspace.register_path
    size = register_file.stat().st_size
    before = _counts(workspace)
    with pytest.raises(RequestError) as caught:
        generate(workspace, "sertifikat-standar", _certificate(**changes))
    assert field in str(caught.value)
    assert _counts(workspace) == before and _outbox(workspace) == []
    assert register_file.stat().st_size == size


def test_the_same_oss_number_twice_is_refused_and_the_first_stays(workspace):
    first = generate(workspace, "sertifikat-standar", _certificate())
    before = _counts(workspace)
    with pytest.raises(DocgenError, match=f"sudah dipakai dokumen {first.id}"):
        generate(workspace, "sertifikat-standar", _certificate(nama_usaha="CV. Maju Jaya Reklame Cabang"))
    assert _counts(workspace) == before
    with Register.open(workspace) as reg:
        assert reg.document(first.id).number_status == "issued"


def test_an_mt_certificate_before_and_after_its_verification(workspace, pdf_tools):
    first = generate(workspace, "sertifikat-standar", _certificate(nomor=NUMBER_MT, tingkat_risiko="MT"))
    before = _text(workspace, first.path)
    assert "Belum Terverifikasi" in before and "belum dapat melakukan kegiatan operasional" in before
    save_pages(workspace.root / first.path, "sertifikat-standar-mt-belum")
    bap = _basis(workspace)

    result = cli(
        workspace, "sertifikat", "verifikasi", NUMBER_MT, "--tanggal", TODAY.isoformat(), "--dasar", bap.number
    )
    assert result.exit_code == 0, result.output
    with Register.open(workspace) as reg:
        old = reg.document(first.id)
        new = next(d for d in reg.documents(kind="sertifikat-standar") if d.id != first.id)
        assert old.state == State.SUPERSEDED and old.number == NUMBER_MT
        assert new.state == State.NUMBERED and new.number == NUMBER_MT and new.number_status == "issued"
        new_pdf = workspace.outbox / reg.files(new.id)[0]["path"]
        assert f"dasar: bap {bap.number}" in cli(workspace, "register", "show", str(new.id)).output
    after = " ".join(PdfReader(new_pdf).pages[0].extract_text().split())
    day = tanggal(TODAY)
    assert "Terverifikasi" in after and "Belum Terverifikasi" not in after
    assert "telah diverifikasi oleh DINAS PENANAMAN MODAL" in after and f"pada tanggal {day}" in after
    assert "Berita Acara Pemeriksaan" in after and bap.number in after
    save_pages(new_pdf, "sertifikat-standar-mt-terverifikasi")

    # each print's QR code leads to its own answer: the old one names its successor
    old_qr = decode_qr(render_page(workspace.root / first.path))
    new_qr = decode_qr(render_page(new_pdf))
    assert len(old_qr) == 1 and len(new_qr) == 1 and old_qr != new_qr
    old_answer, new_answer = verify(workspace, old_qr[0]), verify(workspace, new_qr[0])
    assert old_answer.verdict == Verdict.SUPERSEDED and old_answer.exit_code == 8
    assert f"Nomor {NUMBER_MT} tanggal {day}" in old_answer.message
    assert new_answer.verdict == Verdict.GENUINE and new_answer.state == State.NUMBERED
    assert verify(workspace, workspace.root / first.path).verdict == Verdict.SUPERSEDED  # the file itself too
    assert verify(workspace, new_pdf).verdict == Verdict.GENUINE


def test_a_rekomendasi_of_the_same_business_is_a_basis_too(workspace):
    generate(workspace, "sertifikat-standar", _certificate(nomor=NUMBER_MT, tingkat_risiko="MT"))
    rek = _basis(workspace, "rekomendasi")
    made = verify_certificate(workspace, NUMBER_MT, day=TODAY, dasar=str(rek.id))
    assert made.number == NUMBER_MT and "Rekomendasi" in _text(workspace, made.path)


def _refused(workspace, ref: str, dasar: str, match: str) -> None:
    before, files = _counts(workspace), _outbox(workspace)
    with pytest.raises(DocgenError, match=match):
        verify_certificate(workspace, ref, day=TODAY, dasar=dasar)
    assert _counts(workspace) == before and _outbox(workspace) == files


def test_a_verification_is_refused_twice_for_mr_and_on_a_bad_basis_leaving_everything_as_it_was(workspace):
    mr = generate(workspace, "sertifikat-standar", _certificate())
    mt = generate(workspace, "sertifikat-standar", _certificate(nomor=NUMBER_MT, tingkat_risiko="MT"))
    good = _basis(workspace)
    fixes = ["Tinggi tiang diturunkan menjadi 6 m"]
    failed = _basis(workspace, kesimpulan="tidak sesuai", perbaikan=fixes)
    pemohon = {**get_kind("bap").example["pemohon"], "nib": "9120009999999", "nama": "PT Lain"}
    other = _basis(workspace, pemohon=pemohon)
    _refused(workspace, mr.number, good.number, "hanya risiko MT")
    _refused(workspace, mt.number, failed.number, "tidak sesuai")
    _refused(workspace, mt.number, other.number, "bukan CV. Maju Jaya Reklame")
    _refused(workspace, mt.number, "500.16.7.2/BAP-999/423.105/2026", "tidak ada di register")
    with Register.open(workspace) as reg:
        reg.set_state(good.id, State.BATAL, reason="salah objek")
    _refused(workspace, mt.number, good.number, "batal")
    second = _basis(workspace)
    verify_certificate(workspace, mt.number, day=TODAY, dasar=second.number)
    _refused(workspace, mt.number, second.number, "sudah terverifikasi")
    _refused(workspace, str(mt.id), second.number, "digantikan")


def test_a_verified_mt_certificate_is_never_made_directly(workspace):
    bap = _basis(workspace)
    data = _certificate(
        nomor=NUMBER_MT, tingkat_risiko="MT", status_verifikasi="terverifikasi", tanggal_verifikasi=TODAY.isoformat(),
        dasar=bap.number,
    )  # fmt: skip
    before = _counts(workspace)
    with pytest.raises(RequestError, match="docgen sertifikat verifikasi"):
        generate(workspace, "sertifikat-standar", data)
    assert _counts(workspace) == before
