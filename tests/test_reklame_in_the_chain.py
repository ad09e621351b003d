"""The board a BAP records travels the chain: printed on the BAP and the rekomendasi, held to the permit type.

The team writes down the jenis and the naskah (text) of the reklame it inspected; the rekomendasi
repeats them and the izin reklame prints them. A board recorded for a permit type that has none
(trotoar), or of a jenis the type does not allow, is refused at every step before a number.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from conftest import count_rows
from test_bap import lines, output, refused
from test_rekomendasi import _its_bap, rekomendasi_request  # noqa: F401 (_its_bap: each test's BAP, autouse)

from docgen.incoming import enter_incoming
from docgen.kinds import get_kind
from docgen.pipeline import generate
from docgen.profile import Workspace

BOARD = get_kind("bap").example["objek"]["reklame"]


def _bap(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(get_kind("bap").dated_example())
    data.update(changes)
    return data


def test_the_bap_and_the_rekomendasi_print_the_jenis_and_naskah_of_the_board(workspace: Workspace) -> None:
    for kind, data in (("bap", _bap()), ("rekomendasi", rekomendasi_request())):
        assert data["objek"]["reklame"] == BOARD
        body = [line.lstrip(" |") for line in lines(output(workspace, generate(workspace, kind, data)))]
        assert any(line.startswith("Jenis reklame") and BOARD["jenis"] in line for line in body), (kind, body)
        assert any(line.startswith("Naskah reklame") and BOARD["naskah"] in line for line in body), (kind, body)


def test_an_object_without_a_board_prints_no_reklame_rows(workspace: Workspace) -> None:
    data = _bap(jenis_izin="trotoar")
    data["objek"] = {k: v for k, v in data["objek"].items() if k != "reklame"}
    body = [line.lstrip(" |") for line in lines(output(workspace, generate(workspace, "bap", data)))]
    assert not [line for line in body if line.startswith(("Jenis reklame", "Naskah reklame"))], body


@pytest.mark.parametrize("board", [BOARD, {**BOARD, "jenis": "balon udara"}], ids=["trotoar", "jenis"])
def test_a_board_the_permit_type_does_not_allow_is_refused_at_every_step(workspace: Workspace, board) -> None:
    jenis = "trotoar" if board is BOARD else "reklame"
    before = count_rows(workspace, "numbers")
    data = _bap(jenis_izin=jenis)
    data["objek"] = {**data["objek"], "reklame": board}
    words = "tanpa advertisement" if jenis == "trotoar" else "tidak diizinkan di [izin.reklame]"
    refused(workspace, "bap", data, "objek", words)
    rekomendasi = rekomendasi_request()
    rekomendasi.update(jenis_izin=jenis, objek=data["objek"])
    refused(workspace, "rekomendasi", rekomendasi, "objek", words)
    received = copy.deepcopy(get_kind("surat-masuk").dated_example())
    received["rekomendasi"] = {"jenis_izin": jenis, "pemohon": rekomendasi["pemohon"], "objek": data["objek"]}
    with pytest.raises(Exception, match="advertisement|tidak diizinkan"):
        enter_incoming(workspace, received)
    assert count_rows(workspace, "numbers") == before
