"""Desk forms: generated from each kind's model, read back like a sheet row, errors beside their inputs."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest

from docgen.desk.forms import MAX_ROWS, FormField, field_errors, form_data, form_fields
from docgen.errors import RequestError
from docgen.kinds import KINDS, get_kind, validate_request
from docgen.pipeline import create_workspace
from docgen.profile import Workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """One shipped workspace for the module: forms only read its profile, codes and example pictures."""
    return create_workspace(tmp_path_factory.mktemp("desk") / "ws")


def _validate(kind_name: str, data: dict[str, Any], ws: Workspace) -> Any:
    kind = get_kind(kind_name)
    return validate_request(kind, data, ws.profile, codes=ws.archive_codes, roots=(ws.root,))


def _flatten(raw: Any, dumped: Any, prefix: str, names: set[str], out: dict[str, str]) -> None:
    """The example as a clerk would type it into the form's inputs.

    Where the example uses a shorthand the form has no input for (``penandatangan: kadis``, a
    team member by staff key, ``lampiran: 1 berkas``), the validated request's parts are typed instead.
    """
    if prefix in names:
        out[prefix] = "\n".join(map(str, raw)) if isinstance(raw, list) else str(raw)
    elif isinstance(raw, dict):
        for key, value in raw.items():
            inner = dumped.get(key) if isinstance(dumped, dict) else None
            if value is not None:
                _flatten(value, inner, f"{prefix}.{key}" if prefix else key, names, out)
    elif isinstance(raw, list):
        for n, item in enumerate(raw, 1):
            _flatten(item, dumped[n - 1], f"{prefix}.{n}", names, out)
    elif any(name.startswith(prefix + ".") for name in names):
        _flatten(dumped, dumped, prefix, names, out)  # a shorthand: type its parts as the model reads them
    else:
        raise AssertionError(f"the form has no input for {prefix}")


def _filled(kind_name: str, ws: Workspace, **changes: str) -> tuple[list[FormField], dict[str, str]]:
    """Every input as the browser submits it (untouched ones with their shown value), the example typed in."""
    kind = get_kind(kind_name)
    fields = form_fields(kind, ws.profile)
    example = kind.dated_example()
    dumped = _validate(kind_name, example, ws).model_dump(mode="json")
    typed: dict[str, str] = {}
    _flatten(example, dumped, "", {f.name for f in fields}, typed)
    return fields, {f.name: f.value for f in fields} | typed | changes


def _by_name(fields: list[FormField]) -> dict[str, FormField]:
    return {f.name: f for f in fields}


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_the_form_can_express_every_kinds_example(kind_name: str, ws: Workspace) -> None:
    _, values = _filled(kind_name, ws)
    from_form = _validate(kind_name, form_data(get_kind(kind_name), values), ws)
    from_example = _validate(kind_name, get_kind(kind_name).dated_example(), ws)
    assert from_form.model_dump(mode="json") == from_example.model_dump(mode="json")


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_every_input_name_is_unique_and_every_top_field_has_an_input(kind_name: str, ws: Workspace) -> None:
    kind = get_kind(kind_name)
    names = [f.name for f in form_fields(kind, ws.profile)]
    assert len(names) == len(set(names))
    assert {name.split(".")[0] for name in names} == set(kind.model.model_fields)


def test_a_missing_required_field_and_an_impossible_date_are_shown_at_their_inputs(ws: Workspace) -> None:
    kind = get_kind("surat-keluar")
    fields, values = _filled("surat-keluar", ws, hal="", tanggal="2026-02-30")
    with pytest.raises(RequestError) as caught:
        _validate("surat-keluar", form_data(kind, values), ws)
    errors = field_errors(caught.value, [f.name for f in fields])
    assert set(errors) == {"hal", "tanggal"}
    assert errors["hal"] == "wajib diisi"
    assert "tidak ada di kalender" in errors["tanggal"] and "hal" not in errors["tanggal"]
    shown = _by_name(form_fields(kind, ws.profile, values=values, errors=errors))
    assert shown["tanggal"].value == "2026-02-30" and shown["tanggal"].error == errors["tanggal"]
    assert shown["hal"].error == "wajib diisi" and shown["isi"].error == ""


def test_an_error_in_a_list_row_is_shown_at_that_rows_input(ws: Workspace) -> None:
    kind = get_kind("bap")
    fields, values = _filled("bap", ws, **{"tim.2.nama": ""})
    with pytest.raises(RequestError) as caught:
        _validate("bap", form_data(kind, values), ws)
    assert field_errors(caught.value, [f.name for f in fields]) == {"tim.2.nama": "wajib diisi"}


def test_an_error_in_one_textarea_line_names_the_line(ws: Workspace) -> None:
    kind = get_kind("surat-keluar")
    fields, values = _filled("surat-keluar", ws, isi="Paragraf satu.\n" + "x" * 100_000)
    with pytest.raises(RequestError) as caught:
        _validate("surat-keluar", form_data(kind, values), ws)
    errors = field_errors(caught.value, [f.name for f in fields])
    assert list(errors) == ["isi"] and errors["isi"].startswith("'isi[2]' terlalu panjang")


def test_an_error_of_the_whole_request_is_shown_at_the_top_of_the_form() -> None:
    error = RequestError(
        "Permintaan spp salah: '(seluruh isi)' peran keuangan.pptk menunjuk 'x'", fields=("(seluruh isi)",)
    )
    assert field_errors(error, ["jenis"]) == {"": "peran keuangan.pptk menunjuk 'x'"}
    plain = RequestError("Permintaan spp terlalu dalam")
    assert field_errors(plain, ["jenis"]) == {"": "Permintaan spp terlalu dalam"}


def test_a_message_that_will_not_split_is_shown_whole_at_each_field_and_the_top() -> None:
    error = RequestError("Permintaan bap salah: hal dan tempat keliru", fields=("hal", "tempat"))
    assert field_errors(error, ["hal", "tempat"]) == {"hal": error.message, "tempat": error.message, "": error.message}


def test_blank_extra_list_rows_add_nothing(ws: Workspace) -> None:
    fields, values = _filled("bap", ws)
    assert {"tim.4.nama", "tim.5.nama", "foto.4.berkas"} <= set(values)  # spare rows exist and are submitted blank
    data = form_data(get_kind("bap"), values)
    assert len(data["tim"]) == 3 and len(data["foto"]) == 2
    assert "perbaikan" not in data and "ukuran" in data["objek"]


def test_an_untouched_optional_part_stays_unset(ws: Workspace) -> None:
    fields, values = _filled("spm", ws, **{"penerima.nama": "", "penerima.bank": "", "penerima.rekening": ""})
    values["penerima.npwp"] = "  "
    assert "penerima" not in form_data(get_kind("spm"), values)


def test_a_textarea_gives_one_item_per_line_and_keeps_semicolons(ws: Workspace) -> None:
    kind = get_kind("surat-keluar")
    _, values = _filled("surat-keluar", ws, isi="Satu.\r\nDua; masih dua.\n\n  Tiga.  ")
    assert form_data(kind, values)["isi"] == ["Satu.", "Dua; masih dua.", "Tiga."]
    _, values = _filled("surat-keluar", ws, tembusan="Wali Kota; Sekda")
    assert form_data(kind, values)["tembusan"] == ["Wali Kota; Sekda"]


def test_inputs_that_are_not_fields_of_the_kind_are_left_out(ws: Workspace) -> None:
    _, values = _filled("surat-masuk", ws, csrftoken="abc", jenis="surat-masuk")
    assert set(form_data(get_kind("surat-masuk"), values)) <= set(get_kind("surat-masuk").model.model_fields)


def test_select_choices_are_the_literal_values(ws: Workspace) -> None:
    fields = _by_name(form_fields(get_kind("surat-keluar"), ws.profile))
    sifat = typing.get_args(get_kind("surat-keluar").model.model_fields["sifat"].annotation)
    assert fields["sifat"].widget == "select" and fields["sifat"].choices == sifat
    assert fields["sifat"].value == "Biasa" and not fields["sifat"].required
    bap = _by_name(form_fields(get_kind("bap"), ws.profile))
    # nothing preset: an empty first choice, so the browser cannot pick "sesuai" on the clerk's behalf
    assert bap["kesimpulan"].choices == ("", "sesuai", "tidak sesuai") and bap["kesimpulan"].required


def test_profile_keys_are_offered_for_the_signer_and_the_permit_type(ws: Workspace) -> None:
    fields = _by_name(form_fields(get_kind("rekomendasi"), ws.profile))
    assert fields["penandatangan.pejabat"].choices == ("", *ws.profile.officials)
    assert fields["jenis_izin"].choices == ("", *ws.profile.izin)
    preset = _by_name(form_fields(get_kind("sertifikat-standar"), ws.profile))["penandatangan.pejabat"]
    assert preset.value == "kadis" and not preset.required


def test_widgets_follow_the_field_types(ws: Workspace) -> None:
    bap = _by_name(form_fields(get_kind("bap"), ws.profile))
    assert bap["tanggal"].widget == "date" and bap["tanggal"].required
    assert bap["temuan"].widget == "textarea" and bap["temuan"].help.endswith("(satu per baris)")
    assert bap["foto.1.berkas"].widget == "file" and not bap["foto.1.berkas"].required
    assert bap["objek.ukuran.sisi"].widget == "number" and bap["objek.ukuran.sisi"].group == "Objek: ukuran"
    assert bap["tim.1.nama"].required and not bap["tim.2.nama"].required
    assert bap["tim.2.nama"].label == "Tim 2: nama" and bap["tim.2.nama"].help == ""
    assert bap["pemohon.nama"].help == get_kind("bap").field_help["pemohon"] and bap["pemohon.alamat"].help == ""
    spp = _by_name(form_fields(get_kind("spp"), ws.profile))
    assert spp["jumlah"].widget == "text" and spp["jumlah"].required
    assert not spp["penerima.nama"].required  # the payee as a whole may be left out


def test_list_rows_cover_the_values_being_reshown_up_to_the_limit(ws: Workspace) -> None:
    kind = get_kind("spj")
    names = {f.name for f in form_fields(kind, ws.profile, values={"rincian.9.uraian": "x"})}
    assert "rincian.9.uraian" in names and "rincian.10.uraian" not in names
    names = {f.name for f in form_fields(kind, ws.profile, values={"rincian.40.uraian": "x"})}
    assert f"rincian.{MAX_ROWS}.uraian" in names and f"rincian.{MAX_ROWS + 1}.uraian" not in names


def test_money_typed_the_indonesian_way_is_accepted(ws: Workspace) -> None:
    _, values = _filled("spm", ws, jumlah="Rp 12.500.000,00")
    assert str(_validate("spm", form_data(get_kind("spm"), values), ws).jumlah) == "12500000.00"


def test_a_saved_upload_name_is_passed_on_as_the_picture(ws: Workspace, tmp_path: Path) -> None:
    _, values = _filled("bap", ws, **{"foto.3.berkas": "templates/contoh-foto-1.jpg", "foto.3.keterangan": "Lagi"})
    request = _validate("bap", form_data(get_kind("bap"), values), ws)
    assert [f.keterangan for f in request.foto][-1] == "Lagi"
