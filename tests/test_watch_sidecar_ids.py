"""A stamp sidecar's ``id`` is a plain decimal integer: YAML 1.1's other number forms pick nothing.

PyYAML reads YAML 1.1, where ``1_0`` is 10, ``1:00`` is 60, ``0x1``, ``0b1``, ``01`` and ``1_``
are 1: a clerk's typo or a copied hex value stamped (and numbered) another signed draft. The
sidecar is read as text unless it is written ``12``; anything else is refused naming the field.
"""

from __future__ import annotations

import pytest
from conftest import signed_draft
from hypothesis import given, settings
from hypothesis import strategies as st
from test_watch import documents, drop, inbox, request, run_once, scan_pdf

from docgen.errors import RequestError
from docgen.requests import load_request
from docgen.watch.sidecar import stamp_target

pytestmark = pytest.mark.sqlite_only("reading a sidecar does not depend on the register's backend")

KIND = "surat-keluar"


@pytest.mark.parametrize("written", ["0x1", "0b1", "01", "1_", "0_1", "+0x1", "1_0", "1:00"])
def test_sidecar_id_in_another_number_form_stamps_no_document(workspace, written):
    first = signed_draft(workspace, request())  # document 1: what 0x1, 0b1, 01 and 1_ read as in YAML 1.1
    assert first == 1
    folder = inbox(workspace, f"stamp/{KIND}")
    drop(folder / "ttd.yaml", f"id: {written}\n")
    drop(folder / "ttd.pdf", scan_pdf("Surat yang sudah ditandatangani"))

    summary = run_once(workspace)

    assert summary.counts["failed"] == 1
    note = (folder / "failed" / "ttd.pdf.error.txt").read_text(encoding="utf-8")
    assert "kolom id harus bilangan bulat positif seperti 'id: 12'" in note
    assert f"(tertulis: '{written}')" in note
    [doc] = documents(workspace)
    assert (doc.id, doc.state, doc.number) == (first, "signed", None)


@pytest.fixture(scope="module")
def sidecar(tmp_path_factory):
    return tmp_path_factory.mktemp("sidecar") / "ttd.yaml"


@settings(max_examples=300, deadline=None)
@given(
    sign=st.sampled_from(["", "+", "-"]),
    body=st.text(alphabet="0123456789_:xob.", min_size=1, max_size=8),
)
def test_sidecar_id_is_taken_only_when_written_as_a_plain_decimal(sidecar, sign, body):
    written = sign + body
    plain = body.isdigit() and (body == "0" or not body.startswith("0"))
    sidecar.write_text(f"id: {written}\n", encoding="utf-8")
    try:
        doc_id, rest = stamp_target(load_request(sidecar), sidecar.name)
    except RequestError as exc:
        assert "kolom id" in str(exc) or "periksa titik dua" in str(exc)
        assert not (plain and sign != "-" and int(body) > 0), f"{written!r} is a plain positive decimal"
        return
    assert rest is None
    assert plain and sign != "-", f"{written!r} was taken as document {doc_id}"
    assert doc_id == int(body)
