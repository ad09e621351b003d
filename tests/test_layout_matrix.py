"""Every kind, at every length that moves a page break, on A4 and F4, measured by the layout checker.

A clerk signs a document as it is: pages numbered after the first, no signature block or
tembusan left alone on a page, nothing under 8 pt or cut with "...", every font embedded, the
profile's one kop (issue 23). The Word kinds are made once with the most paragraphs (40) to
find where each page break falls (the body items carry markers: "Butir 07"); then each break is
straddled (the signature block placed just before, across and after it) with 1 to 12 tembusan,
every third case a Rahasia letter (marked at the top and bottom of each page), and the SK's
lampiran the same way with up to 60 rows. The drawn forms, the disposition sheet
and the packet cover are made short and with the longest values. Pages of the short and long
documents are saved as PNG under test-artifacts/pages/ for a person to look at.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import require, verified, without_docgen_env
from layoutcases import (
    LONG_NAME,
    LONG_PERSON,
    LS_ATTACHMENTS,
    attachment,
    every_official,
    for_permit,
    form_request,
    izin_request,
    report,
    request,
    save_pages,
    signer,
    spm_on,
    values,
)
from layoutcheck import (
    Finding,
    Furniture,
    ellipsis_cuts,
    evidence_clause,
    kop_differs,
    marks_over_text,
    missing_page_numbers,
    missing_rahasia,
    numbered_single_tembusan,
    read_layout,
    separated_signatures,
    small_text,
    split_tembusan,
    stranded_pages,
    unembedded_fonts,
    wrong_paper,
)

from docgen.errors import RequestError
from docgen.kinds import get_kind, validate_request
from docgen.paket import assemble_packet
from docgen.pdf.pool import ConverterPool
from docgen.pipeline import create_workspace, generate
from docgen.profile import Workspace, load_workspace, printed_kop
from docgen.render.forms import load_form_layout
from docgen.render.forms.disposition_layout import PAPERS as SHEETS
from docgen.text import tanggal

PAPERS = ("A4", "F4")
MOST = 40  # body paragraphs
ROWS = 60  # lampiran rows of an SK
COPIES = (1, 12, 2, 10, 5, 11, 3, 8, 4, 9, 6, 7)  # tembusan per case, cycled: 1 to 12 all come up
WORD_KINDS = ("surat-keluar", "keputusan", "bap", "rekomendasi")


@pytest.fixture(scope="module")
def pool():
    require("soffice", "pdftoppm")
    with ConverterPool(2) as converters:
        yield converters


@pytest.fixture(scope="module")
def offices(tmp_path_factory) -> dict[str, Workspace]:
    """One workspace per paper: the shipped profile with ``[page] paper`` set."""
    require("pdftoppm")  # every test saves its pages as PNG
    env = without_docgen_env()
    try:
        made = {}
        for paper in PAPERS:
            root = tmp_path_factory.mktemp(f"kantor-{paper}") / "ws"
            create_workspace(root)
            text = (root / "docgen.toml").read_text(encoding="utf-8")
            text, found = re.subn(r"^paper = .*$", f'paper = "{paper}"', text, count=1, flags=re.M)
            assert found == 1, "the shipped docgen.toml lost [page] paper"
            (root / "docgen.toml").write_text(text, encoding="utf-8")
            made[paper] = load_workspace(root, env={})
            assert made[paper].profile.page.paper == paper
    finally:
        env.undo()
    return made


# -- what each document must show, and the check of one PDF -------------------------------------


def furniture(ws: Workspace, agency: str | None = None) -> Furniture:
    """Kop, page numbers and the footer's wording, from the profile: whatever footer a document
    prints (verification, electronic signature, paper signature), its words are in there. The kop
    and the name in the footer are the issuing ``agency``'s ([instansi] key; None: this office)."""
    profile = ws.profile
    office = profile.agency_name(agency)
    kop = tuple(line.text for line in printed_kop(profile.agency(agency)).lines)
    wording = [*_sentences(profile.verification.model_dump()), *_sentences(profile.signing.model_dump())]
    return Furniture(kop=kop, footer=tuple(wording), office=office, label=profile.page.page_label)


def _sentences(settings: Any) -> list[str]:
    """Every setting that reads as a sentence (five words or more): the footers' wording."""
    if isinstance(settings, dict):
        return [text for value in settings.values() for text in _sentences(value)]
    if isinstance(settings, list):
        return [text for value in settings for text in _sentences(value)]
    return [settings] if isinstance(settings, str) and len(settings.split()) >= 5 else []


def check(
    ws: Workspace,
    pdf: Path,
    data: Any,
    *,
    signatures: list[tuple[tuple[str, ...], tuple[str, ...]]] = (),
    blocks: list[str] = (),
    copies: list[str] = (),
    label: Callable[[int], str] | None = None,
    sheet_mm: tuple[float, float] | None = None,
    stamped: bool = True,
    agency: str | None = None,
) -> list[Finding]:
    """Every rule on one PDF. ``signatures``: (the block's lines, other block lines not counted as body);
    ``stamped``: the QR code and footer were stamped on, so nothing may lie under them; ``agency``:
    who issued it (an OPD teknis' rekomendasi), whose kop it opens with."""
    profile = ws.profile
    doc = layout_of(pdf)
    fixtures = furniture(ws, agency)
    kop = fixtures.kop
    if label is None:
        numbers = missing_page_numbers(doc, profile.page.page_label, position=profile.page.number_position)
    else:  # a packet keeps its own "hal. n dari N" on every page, wherever it prints it
        numbers = missing_page_numbers(doc, label, position="bottom", first_page=True, centre_mm=200)
        fixtures = Furniture(kop=kop, footer=fixtures.footer, office=fixtures.office, label=label)
    found = [
        *small_text(doc),
        *ellipsis_cuts(doc, values(data)),
        *numbers,
        *unembedded_fonts(pdf),
        *kop_differs(doc, kop, fixtures),
        *wrong_paper(doc, sheet_mm or profile.page.size_mm),
        *(marks_over_text(pdf, doc, fixtures) if stamped else ()),
    ]
    if blocks or copies:
        found += stranded_pages(doc, [*blocks, *(["Tembusan:", *copies] if copies else [])], fixtures)
    for lines, others in signatures:
        found += separated_signatures(doc, [lines], fixtures, others=others)
    found += split_tembusan(doc, copies, fixtures)
    found += numbered_single_tembusan(doc, copies, fixtures)
    found += evidence_clause(doc)  # nothing in the matrix is signed electronically
    if any(value == "Rahasia" for value in values(data)):
        found += missing_rahasia(doc)
    return found


def pdf_of(ws: Workspace, result: Any) -> Path:
    return ws.root / next(f["path"] for f in result.files if f["role"] in ("pdf", "disposisi"))


# -- the Word kinds, straddling every page break --------------------------------------------------


@functools.lru_cache(maxsize=8)
def layout_of(pdf: Path):
    """The PDF's text runs, read once though the break finder and the rules both need them."""
    return read_layout(pdf)


def first_markers(pdf: Path, marker: str) -> list[int]:
    """For each page after the first, the first numbered item ("Butir 07") that begins on it."""
    found = []
    for page in layout_of(pdf).pages[1:]:
        numbers = [int(m.group(1)) for line in page.lines for m in re.finditer(rf"{marker} (\d\d)\b", line.text)]
        if numbers:
            found.append(min(numbers))
    return found


def around(breaks: list[int], most: int) -> list[int]:
    """The lengths that put the block before, across and just after the first breaks, and 1.

    The signature block with its tembusan is as tall as about four short items, so the four
    lengths before the first break's first item move it from just above the break to just below
    it; at the next two breaks the two that split or strand it, on a numbered page (a BAP's first
    page may end before its first finding, so its first break gives no length). Later breaks
    repeat what those show.
    """
    near = [n for f, steps in zip(breaks, ((4, 3, 2, 1), (2, 1), (2, 1)), strict=False) for n in (f - s for s in steps)]
    return sorted({1, *(n for n in near if 1 <= n < most)})


def word_expectations(ws: Workspace, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    profile = ws.profile
    copies = list(data.get("tembusan") or [])
    if kind == "bap":
        team = [line for member in data["tim"] for line in _member(profile, member)]
        pemohon = ("Pemohon", data["pemohon"]["nama"], data["pemohon"].get("penanggung_jawab") or "")
        return {
            "signatures": [(("Tim pemeriksa:", *team), tuple(pemohon)), (pemohon, ())],
            "blocks": ["Tim pemeriksa:", "No Nama / NIP Jabatan Tanda tangan", *team, *pemohon],
        }
    key = data["penandatangan"] if isinstance(data["penandatangan"], str) else data["penandatangan"]["pejabat"]
    block = signer(profile, key)
    signatures = [(block, tuple(copies))]
    dated: list[str] = []
    if kind == "keputusan":
        day = tanggal(date.fromisoformat(data["tanggal"]))
        dated = [f"Ditetapkan di {profile.office.city}", f"pada tanggal {day}"]
        signatures.append(((*dated, *block), tuple(copies)))
    return {"signatures": signatures, "blocks": [*dated, *block], "copies": copies}


def _member(profile, member: Any) -> tuple[str, ...]:
    if isinstance(member, str):
        staff = profile.staff[member]
        return (staff.name, f"NIP {staff.nip}", staff.position)
    return (member["nama"], f"NIP {member.get('nip', '')}", member["jabatan"])


def bap_number(ws: Workspace, long: bool, jenis: str = "reklame") -> str:
    """A BAP for the rekomendasi to rest on, with the same applicant (no PDF: only its number counts)."""
    data = for_permit(request("bap", body=3, copies=0, long=long), ws.profile, jenis)
    return generate(ws, "bap", data).number


def make_word(ws: Workspace, pool: ConverterPool, kind: str, data: dict[str, Any]) -> tuple[Path, list[Finding]]:
    result = generate(ws, kind, data, pdf=True, converter=pool)
    pdf = pdf_of(ws, result)
    made = get_kind(kind)
    agency = made.issuer(validate_request(made, data, ws.profile), ws.profile) if made.issuer else None
    return pdf, check(ws, pdf, data, agency=agency, **word_expectations(ws, kind, data))


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("kind", WORD_KINDS)
def test_word_kinds_keep_every_page_rule_across_every_page_break(kind, paper, offices, pool):
    ws = offices[paper]
    bases = {True: bap_number(ws, True), False: bap_number(ws, False)} if kind == "rekomendasi" else {}

    def data_for(body: int, copies: int, *, rows: int = 0, long: bool = True) -> dict[str, Any]:
        data = request(kind, body=body, copies=copies, rows=rows, long=long)
        if kind == "rekomendasi":
            data["bap"] = bases[long]
        return data

    short = data_for(3, 2, rows=4, long=False)
    first, found = make_word(ws, pool, kind, data_for(MOST, 12))  # the longest: where do the pages break?
    made = {"panjang": (first, found)}
    cases: dict[str, dict[str, Any]] = {"pendek": short}
    for i, n in enumerate(around(first_markers(first, "Butir"), MOST)):
        cases[f"{n} butir, {COPIES[i % 12]} tembusan"] = data = data_for(n, COPIES[i % 12])
        if "sifat" in data and i % 3 == 2:  # a Rahasia letter: marked at the top and bottom of every page
            data["sifat"] = "Rahasia"
            cases[f"{n} butir, {COPIES[i % 12]} tembusan, Rahasia"] = cases.pop(f"{n} butir, {COPIES[i % 12]} tembusan")
    if kind == "keputusan":
        table, found = make_word(ws, pool, kind, data_for(2, 12, rows=ROWS))
        made[f"lampiran {ROWS} baris"] = (table, found)
        save_pages(table, f"keputusan-lampiran-long-{paper}")
        for i, n in enumerate(around(first_markers(table, "ANGGOTA"), ROWS)):
            cases[f"lampiran {n} baris, {COPIES[i % 12]} tembusan"] = data_for(2, COPIES[i % 12], rows=n)
    with ThreadPoolExecutor(max_workers=pool.size) as workers:
        made |= dict(zip(cases, workers.map(lambda d: make_word(ws, pool, kind, d), cases.values()), strict=True))
    for length in ("pendek", "panjang"):
        save_pages(made[length][0], f"{kind}-{'short' if length == 'pendek' else 'long'}-{paper}")
    findings = {f"{kind} {paper} {case}": found for case, (_, found) in made.items() if found}
    assert not findings, report(findings)
    assert len(made) >= 6, f"{kind} {paper}: only {len(made)} lengths; the page breaks were not found"


# -- the drawn forms, the disposition sheet and the packet --------------------------------------


def form_checks(ws: Workspace, pdf: Path, data: Any) -> list[Finding]:
    day = tanggal(_day(data))
    blocks = [f"{ws.profile.office.city}, {day}", "Mengetahui", *every_official(ws.profile)]
    return check(ws, pdf, data, signatures=[((blocks[0], *blocks[1:]), ())], blocks=blocks)


def _day(data: Any) -> date:
    return date.fromisoformat(data["tanggal"])


@pytest.mark.parametrize("paper", PAPERS)
def test_drawn_forms_keep_every_page_rule_short_and_with_the_longest_values(paper, offices):
    ws = offices[paper]
    made: dict[str, tuple[Path, Any]] = {}
    for long in (False, True):
        size = "long" if long else "short"
        for kind in ("sertifikat-standar", "spj"):
            data = form_request(kind, long=long, rows=12 if long else 2)
            made[f"{kind}-{size}"] = (pdf_of(ws, generate(ws, kind, data)), data)
        spp = form_request("spp", long=long, rows=12 if long else 2)
        issued = generate(ws, "spp", spp)
        number = verified(ws, issued.number)
        made[f"spp-{size}"] = (pdf_of(ws, issued), spp)
        spm = spm_on(spp, number)
        made[f"spm-{size}"] = (pdf_of(ws, generate(ws, "spm", spm)), spm)
        for jenis, permit in ws.profile.izin.items():
            basis = None
            rekomendasi = None
            if permit.requires_rekomendasi:
                basis = for_permit(request("rekomendasi", body=2, copies=1, long=long), ws.profile, jenis)
                basis["bap"] = bap_number(ws, long, jenis)
                rekomendasi = generate(ws, "rekomendasi", basis).number
            data = izin_request(jenis, basis, long=long, rekomendasi=rekomendasi)
            if not permit.validity_years:  # no validity of its own: the request names the end
                start = date.fromisoformat(data["berlaku_dari"])
                data["berlaku_sampai"] = start.replace(year=start.year + 5).isoformat()
            made[f"izin-{jenis}-{size}"] = most_conditions(ws, data)
    findings = {}
    for name, (pdf, data) in made.items():
        save_pages(pdf, f"{name.rsplit('-', 1)[0]}-{name.rsplit('-', 1)[1]}-{paper}")
        found = form_checks(ws, pdf, data)
        if found:
            findings[f"{name} {paper}"] = found
    assert not findings, report(findings)


def most_conditions(ws: Workspace, data: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    """The izin with as many of ``data``'s conditions as its box holds at 8 pt.

    More are refused before a number is taken, naming the field (tests/test_form_fit.py proves it);
    here the longest list that prints is checked page by page.
    """
    if "syarat" not in data:  # the short case: the example's own conditions
        return pdf_of(ws, generate(ws, "izin", data)), data
    for count in range(len(data["syarat"]), 0, -1):
        fitting = {**data, "syarat": data["syarat"][:count]}
        try:
            return pdf_of(ws, generate(ws, "izin", fitting)), fitting
        except RequestError as exc:
            if "'syarat'" not in str(exc):
                raise
    raise AssertionError("izin tidak muat satu ketentuan pun")


@pytest.mark.parametrize("paper", PAPERS)
def test_the_disposition_sheet_keeps_every_page_rule_through_several_rounds(paper, offices):
    from docgen.incoming import dispose, enter_incoming

    ws = offices[paper]
    units, orders = list(ws.profile.disposition.units), list(ws.profile.disposition.instructions)
    findings = {}
    for long in (False, True):
        data = get_kind("surat-masuk").dated_example()
        if long:
            data.update(
                dari=LONG_NAME, hal="Permohonan " + LONG_PERSON + " " + LONG_NAME, nomor="600.4/2150/423.109/2026"
            )
        result = enter_incoming(ws, data)
        pdf, notes = pdf_of(ws, result), []
        for round_ in range(4 if long else 1):
            note = f"Putaran {round_ + 1}: mohon ditelaah, dikoordinasikan dengan {LONG_NAME} dan dilaporkan."
            notes.append(note)
            done = dispose(ws, result.number, units=units[: round_ + 2], instructions=orders[:3], by="kadis",
                           note=note if long else "Mohon ditindaklanjuti", print_it=True)  # fmt: skip
            pdf = pdf_of(ws, done.sheet)
        size = "long" if long else "short"
        save_pages(pdf, f"disposisi-{size}-{paper}")
        # The sheet is on its own paper (half a folio, as the office cuts it), set in its layout file.
        layout = load_form_layout(ws.template("lembar-disposisi.toml"))
        # its QR code is the sheet's own, drawn in its date and paraf block, not stamped over text
        found = check(ws, pdf, [data, notes, units, orders], sheet_mm=SHEETS[layout.paper], stamped=False)
        if found:
            findings[f"disposisi-{size} {paper}"] = found
    assert not findings, report(findings)


@pytest.mark.parametrize("paper", PAPERS)
def test_the_packet_cover_keeps_the_kop_and_every_page_its_number(paper, offices, tmp_path):
    ws = offices[paper]
    findings = {}
    for long in (False, True):
        spp = form_request("spp", long=long, rows=12 if long else 2)
        number = verified(ws, generate(ws, "spp", spp).number)
        spm = spm_on(spp, number)
        generate(ws, "spm", spm)
        folder = tmp_path / f"lampiran-{long}"
        folder.mkdir()
        for name in LS_ATTACHMENTS:
            attachment(folder / f"{name}.pdf", name, ws.profile.page.size_mm, pages=3 if long else 1)
        result = assemble_packet(ws, number, folder)
        pdf = ws.root / result.path
        total = result.pages
        size = "long" if long else "short"
        save_pages(pdf, f"paket-{size}-{paper}")
        found = check(ws, pdf, [spp, spm], label=lambda n, total=total: f"hal. {n} dari {total}")
        if found:
            findings[f"paket-{size} {paper}"] = found
    assert not findings, report(findings)


def test_every_kind_is_in_the_matrix():
    """A kind added later must join the matrix (or say here why it has no page of its own)."""
    from docgen.kinds import KINDS

    covered = {*WORD_KINDS, "sertifikat-standar", "spj", "spp", "spm", "izin", "surat-masuk"}
    assert set(KINDS) == covered, f"jenis tanpa uji tata letak: {sorted(set(KINDS) - covered)}"
