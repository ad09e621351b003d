"""The permit chain kept in the register: BAP -> rekomendasi -> izin / Sertifikat Standar (MT, T).

Business map P6.1 and P6.2: a rekomendasi rests on a BAP concluded *sesuai*; a permit whose type
requires it, and a certificate of risk MT or T, rest on a rekomendasi that exists, is not void
and concerns the same applicant. Every refusal comes before a number is taken; the register shows
the chain both ways, and voiding a basis warns about what rests on it.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from conftest import cli, count_rows

from docgen.errors import RequestError
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.register import Register, State

TODAY = date.today().isoformat()


def _example(kind: str, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind(kind).dated_example())
    data.update(changes)
    return data


def _bap(workspace, **changes: Any):
    return generate(workspace, "bap", _example("bap", **changes))


def _rekomendasi(workspace, bap_ref: str, **changes: Any):
    bap = _example("bap")
    data = _example("rekomendasi", bap=bap_ref, pemohon=bap["pemohon"], **changes)
    return generate(workspace, "rekomendasi", data)


def _izin_reklame(workspace, rekomendasi: str | None, **changes: Any):
    bap = _example("bap")
    data = {
        "jenis": "reklame",
        "tanggal": TODAY,
        "pemohon": bap["pemohon"],
        "objek": bap["objek"],
        "berlaku_dari": TODAY,
        **({"rekomendasi": rekomendasi} if rekomendasi is not None else {}),
        **changes,
    }
    return generate(workspace, "izin", data)


def _issued(workspace, series: str) -> int:
    return count_rows(workspace, "numbers", f"WHERE series = '{series}'")


def test_a_rekomendasi_rests_on_a_bap_concluded_sesuai_and_the_register_shows_both_ways(workspace):
    bap = _bap(workspace)
    rek = _rekomendasi(workspace, bap.number)
    result = cli(workspace, "register", "show", str(rek.id))
    assert result.exit_code == 0, result.output
    assert f"dasar: bap {bap.number}" in result.output
    result = cli(workspace, "register", "show", str(bap.id))
    assert f"menjadi dasar bagi: rekomendasi {rek.number}" in result.output
    shown = cli(workspace, "register", "show", str(rek.id), "--json")
    assert '"basis"' in shown.output and f'"id": {bap.id}' in shown.output


def test_a_bap_concluded_tidak_sesuai_blocks_a_rekomendasi_quoting_the_corrections(workspace):
    fixes = ["Tinggi tiang diturunkan menjadi 6 m", "Jarak dari trotoar dibuat minimal 1 m"]
    bap = _bap(workspace, kesimpulan="tidak sesuai", perbaikan=fixes)
    before = _issued(workspace, "rekomendasi")
    with pytest.raises(RequestError) as caught:
        _rekomendasi(workspace, bap.number)
    message = str(caught.value)
    assert "'bap'" in message and "tidak sesuai" in message
    assert all(fix in message for fix in fixes), message
    assert _issued(workspace, "rekomendasi") == before


def test_a_permit_whose_type_needs_a_rekomendasi_is_refused_without_one_naming_the_field(workspace):
    with pytest.raises(RequestError, match="'rekomendasi'"):
        _izin_reklame(workspace, None)
    assert _issued(workspace, "izin-reklame") == 0


@pytest.mark.parametrize("problem", ["unknown", "void", "other applicant", "a bap"])
def test_a_permit_resting_on_a_wrong_rekomendasi_is_refused_and_takes_no_number(workspace, problem):
    bap = _bap(workspace)
    rek = _rekomendasi(workspace, bap.number)
    ref, changes = rek.number, {}
    if problem == "unknown":
        ref = rek.number.replace("REK-", "REK-9")
    elif problem == "void":
        with Register.open(workspace) as reg:
            reg.void_number(rek.number, reason="salah objek")
    elif problem == "other applicant":
        changes = {
            "pemohon": {"nama": "PT LAIN SEKALI", "alamat": "Jl. Lain No. 1, Kota Pasuruan", "nib": "9120007654321"}
        }
    else:
        ref = bap.number
    with pytest.raises(RequestError) as caught:
        _izin_reklame(workspace, ref, **changes)
    assert "'rekomendasi'" in str(caught.value)
    assert _issued(workspace, "izin-reklame") == 0


def test_a_permit_on_its_rekomendasi_prints_and_records_the_link(workspace):
    bap = _bap(workspace)
    rek = _rekomendasi(workspace, bap.number)
    permit = _izin_reklame(workspace, str(rek.id))  # the register id works as well as the number
    assert "IR-" in permit.number  # each permit type numbers from its own series
    with Register.open(workspace) as reg:
        row = reg.conn.execute("SELECT basis_id FROM links WHERE doc_id = ?", (permit.id,)).fetchone()
    assert row[0] == rek.id


def test_a_certificate_of_risk_mt_prints_unverified_on_no_basis_and_one_of_risk_r_is_refused(workspace):
    with pytest.raises(RequestError, match="cukup dengan NIB"):
        generate(workspace, "sertifikat-standar", _example("sertifikat-standar", tingkat_risiko="R"))
    first = generate(workspace, "sertifikat-standar", _example("sertifikat-standar", tingkat_risiko="MT"))
    assert first.number and first.state == State.NUMBERED  # verified later on its BAP (test_sertifikat_oss)
    assert _issued(workspace, "sertifikat-standar") == 0  # OSS's number, never the series


def test_voiding_a_bap_warns_about_the_rekomendasi_resting_on_it(workspace):
    bap = _bap(workspace)
    rek = _rekomendasi(workspace, bap.number)
    result = cli(workspace, "register", "void", bap.number, "--reason", "salah alamat objek")
    assert result.exit_code == 0, result.output
    assert "Perhatian" in result.output and rek.number in " ".join(result.output.split())
