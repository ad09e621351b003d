"""Each kind's example request stays usable on any day, whatever the profile's date window."""

from __future__ import annotations

from datetime import date

from docgen.kinds import KINDS, get_kind, validate_request
from docgen.pipeline import generate
from docgen.profile import Workspace, load_workspace


def test_every_date_field_of_an_example_takes_the_given_day() -> None:
    day = date(2031, 5, 1)
    for kind in KINDS.values():
        example = kind.dated_example(day)
        fields = kind.model.model_fields
        dates = {k: v for k, v in example.items() if k in fields and "date" in repr(fields[k].annotation)}
        assert dates, kind.name
        assert set(dates.values()) == {"2031-05-01"}, kind.name
        assert {k: v for k, v in example.items() if k not in dates} == {
            k: v for k, v in kind.example.items() if k not in dates
        }


def test_the_dated_example_is_valid_under_the_narrowest_date_window(workspace: Workspace) -> None:
    text = (workspace.root / "docgen.toml").read_text(encoding="utf-8")
    text = text.replace("years_back = 10", "years_back = 0").replace("years_ahead = 1", "years_ahead = 0")
    (workspace.root / "docgen.toml").write_text(text, encoding="utf-8")
    ws = load_workspace(workspace.root, env={})
    for kind in KINDS.values():
        validate_request(kind, kind.dated_example(), ws.profile, codes=ws.archive_codes, roots=(ws.root,))


def test_generating_works_when_the_shipped_example_date_is_outside_the_window(workspace: Workspace) -> None:
    """The trial render of a template uses the example; its fixed date must not refuse real letters."""
    text = (workspace.root / "docgen.toml").read_text(encoding="utf-8")
    text = text.replace("years_back = 10", "years_back = 0").replace("years_ahead = 1", "years_ahead = 0")
    (workspace.root / "docgen.toml").write_text(text, encoding="utf-8")
    ws = load_workspace(workspace.root, env={})
    kind = get_kind("surat-keluar")
    shipped = kind.example
    object.__setattr__(kind, "example", {**shipped, "tanggal": "2016-01-04"})  # the example in ten years
    try:
        result = generate(ws, "surat-keluar", kind.dated_example())
    finally:
        object.__setattr__(kind, "example", shipped)
    assert result.number is not None and result.number.endswith(f"/{date.today().year}")
