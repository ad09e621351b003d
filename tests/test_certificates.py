"""Sertifikat Standar and izin: PDF forms drawn from the shipped layouts, read back from the PDF.

Each is made through the whole pipeline (validate, number, draw with its QR, write, record),
then its text is read with pypdf, its QR decoded at 150 dpi, and the file verified as ASLI.
Bad input is refused naming the field, and no number is taken.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import count_rows, pdf_page_qr, verification_url
from pypdf import PdfReader

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.verify import Verdict, verify

TODAY = date.today()


def _example(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example())
    data.update(changes)
    return data


def _text(workspace, result) -> str:
    reader = PdfReader(workspace.root / result.path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_a_certificate_prints_nib_kbli_risk_and_its_number(workspace):
    result = generate(workspace, "sertifikat-standar", _example("sertifikat-standar"))
    assert result.path.endswith(".pdf")
    text = _text(workspace, result)
    for expected in ("9120001234567", "56101", "Restoran", "Menengah Rendah (MR)", "CV SUMBER REJEKI PASURUAN"):
        assert expected in text, expected
    assert result.number in text


def test_the_certificate_qr_decodes_at_150_dpi_to_its_verification_page_and_verifies(workspace, pdf_tools):
    result = generate(workspace, "sertifikat-standar", _example("sertifikat-standar"))
    pdf = workspace.root / result.path
    assert pdf_page_qr(pdf, page=0, dpi=150) == [verification_url(workspace, result.id)]
    assert verify(workspace, pdf).verdict == Verdict.GENUINE


def test_a_permit_prints_its_title_holder_object_validity_and_the_type_conditions(workspace):
    until = TODAY + timedelta(days=365 * 3)
    data = _example("izin", berlaku_dari=TODAY.isoformat(), berlaku_sampai=until.isoformat())
    data["syarat"] = ["Papan nama sekolah dipasang di pagar depan."]
    result = generate(workspace, "izin", data)
    text = _text(workspace, result)
    assert "IZIN OPERASIONAL SATUAN PENDIDIKAN" in text
    assert "YAYASAN PENDIDIKAN BINA INSANI" in text and "Taman Kanak-Kanak Bina Insani" in text
    assert str(until.year) in text and "Papan nama sekolah dipasang di pagar depan." in text
    assert "IP-" in result.number  # the pendidikan series


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("sertifikat-standar", {"nib": "912000123456"}, "nib"),
        ("sertifikat-standar", {"nib": 9.120001234567e12}, "nib"),
        ("sertifikat-standar", {"tingkat_risiko": "X"}, "tingkat_risiko"),
        ("sertifikat-standar", {"kbli": "5610"}, "kbli"),
        ("izin", {"berlaku_sampai": (TODAY - timedelta(days=1)).isoformat()}, "berlaku_sampai"),
        ("izin", {"jenis": "kapal-selam"}, "jenis"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_takes_no_number(workspace, kind, changes, field):
    with pytest.raises(RequestError) as caught:
        generate(workspace, kind, _example(kind, **changes))
    assert field in str(caught.value)
    assert count_rows(workspace, "numbers") == 0


MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def test_a_permit_without_an_end_date_runs_for_its_types_default_years(workspace):
    start = date(TODAY.year, TODAY.month, min(TODAY.day, 28))
    result = generate(workspace, "izin", _example("izin", berlaku_dari=start.isoformat()))
    end = date(start.year + 5, start.month, start.day) - timedelta(days=1)  # pendidikan: 5 years, as the profile says
    assert f"{end.day} {MONTHS[end.month - 1]} {end.year}" in _text(workspace, result)


def test_a_permit_request_dropped_into_its_inbox_folder_is_made_by_the_watcher(workspace):
    import yaml

    from docgen.watch import Watcher

    folder = workspace.root / "inbox" / "izin"
    assert folder.is_dir()  # docgen init makes a folder per kind, permits included
    (folder / "tk-bina-insani.yaml").write_text(yaml.safe_dump(_example("izin"), allow_unicode=True), encoding="utf-8")
    Watcher(workspace, settle_s=0.2).run(once=True)
    assert (folder / "done" / "tk-bina-insani.yaml").exists()
    pdfs = list((workspace.root / "outbox").rglob("izin/*.pdf"))
    assert len(pdfs) == 1 and "YAYASAN PENDIDIKAN BINA INSANI" in " ".join(
        PdfReader(pdfs[0]).pages[0].extract_text().split()
    )


def test_a_wet_signed_printout_of_a_permit_is_stamped_with_its_number(workspace, tmp_path):
    from docgen.stamping import stamp_document

    result = generate(workspace, "izin", _example("izin"))
    scan = tmp_path / "pindaian.pdf"
    scan.write_bytes((workspace.root / result.path).read_bytes())  # standing in for the signed scan
    stamped = stamp_document(workspace, scan, "izin", doc_id=result.id)
    assert stamped.number == result.number
    text = " ".join(PdfReader(workspace.root / stamped.path).pages[0].extract_text().split())
    assert result.number in text
