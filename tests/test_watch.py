"""The folder watcher: dropped files become numbered documents, and nothing is lost or made twice.

Three layers are tested. The StabilityTracker alone, with a fake clock, for when a file counts as
complete. The watcher in this process (``Watcher(...).run(once=True)``, or ``run()`` in a thread
stopped with ``.stop()``) for what becomes of each kind of input. And ``docgen watch`` as a real
subprocess for the lock, SIGTERM and the command line. Expected numbers are written by hand from
docgen.toml ([series.surat-keluar], [series.agenda-masuk]) and the kinds' examples.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from conftest import signed_draft
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from docgen.cli import app
from docgen.kinds import get_kind, made_kinds
from docgen.profile import Workspace
from docgen.register import Register, check_register
from docgen.watch import Watcher
from docgen.watch.stability import StabilityTracker

KIND = "surat-keluar"
# every other kind 'docgen new' makes has its watched folders too (BAP, permits, decrees, payments...)
PERMIT_KINDS = tuple(k.name for k in made_kinds() if k.name != KIND)
FIRST = "500.16.7.2/1/423.105/2026"
SECOND = "500.16.7.2/2/423.105/2026"
THIRD = "500.16.7.2/3/423.105/2026"
DOCGEN = str(Path(sys.executable).parent / "docgen")
CSV_COLUMNS = ("hal", "tanggal", "sifat", "lampiran", "kepada", "di", "isi", "tembusan", "penandatangan", "kka")
IGNORED_NAMES = (".~lock.a.yaml#", "~$b.xlsx", "c.yaml.part", "d.tmp", ".hidden.yaml")

runner = CliRunner()


# -- helpers ---------------------------------------------------------------------------------


class FakeClock:
    """A monotonic clock the test steps by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += seconds


def request(hal: str | None = None) -> dict:
    """The surat-keluar example, with its own ``hal`` (so its own content) when given."""
    data = copy.deepcopy(get_kind(KIND).example)
    if hal is not None:
        data["hal"] = hal
    return data


def yaml_text(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def inbox(ws: Workspace, folder: str = KIND) -> Path:
    return ws.root / "inbox" / folder


def drop(path: Path, content: str | bytes) -> Path:
    """Put a complete file into place the way careful programs do: hidden temp file, then rename."""
    tmp = path.with_name(f".{path.name}.incoming")
    if isinstance(content, str):
        tmp.write_text(content, encoding="utf-8")
    else:
        tmp.write_bytes(content)
    os.replace(tmp, path)
    return path


def listing(folder: Path) -> list[str]:
    """Every file under ``folder`` (BACA-SAYA.txt left out), as sorted relative paths."""
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "BACA-SAYA.txt"
    )


def documents(ws: Workspace) -> list:
    with Register.open(ws) as reg:
        return reg.documents()


def outbox_docx(ws: Workspace) -> list[Path]:
    return sorted((ws.root / "outbox").rglob("*.docx"))


def csv_text(rows: list[dict]) -> str:
    """Requests as a CSV, one letter per row; list fields joined with ``|``."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(["|".join(row[c]) if isinstance(row.get(c), list) else row.get(c, "") for c in CSV_COLUMNS])
    return buf.getvalue()


def scan_pdf(label: str) -> bytes:
    """A one-page PDF standing in for a scanner's output; ``label`` makes its bytes its own."""
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.drawString(72, 760, label)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def run_once(ws: Workspace, settle_s: float = 0.2):
    return Watcher(ws, settle_s=settle_s).run(once=True)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


@contextmanager
def watching(ws: Workspace, **options) -> Iterator[Watcher]:
    """``Watcher(ws, **options).run()`` in a thread; stopped (and its error raised) on exit."""
    watcher = Watcher(ws, **options)
    box: dict = {}

    def run() -> None:
        try:
            box["summary"] = watcher.run()
        except BaseException as exc:  # surfaced in the test below
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield watcher
    finally:
        watcher.stop()
        thread.join(timeout=30)
    assert not thread.is_alive(), "the watcher did not stop within 30 s of stop()"
    if "error" in box:
        raise box["error"]


def started(ws: Workspace) -> None:
    """Prove the watcher's loop runs (events included): a broken probe file must reach failed/."""
    drop(inbox(ws) / "probe.json", "[")
    wait_for(lambda: (inbox(ws) / "failed" / "probe.json").is_file(), 15, "the probe file to be filed")


def child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}


def start_cli_watcher(ws: Workspace, log: Path, *options: str) -> subprocess.Popen:
    """``docgen --workspace WS watch OPTIONS`` as a real process, output into ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [DOCGEN, "--workspace", str(ws.root), "watch", *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=child_env(),
            cwd=ws.root,
        )


# -- StabilityTracker: when a file has finished arriving --------------------------------------


def test_file_seen_by_a_scan_is_ready_only_after_settle_time_unchanged(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(1.0, close_events=True, clock=clock)
    path = tmp_path / "a.yaml"
    path.write_text("hal: a\n")

    tracker.observe(path)
    assert tracker.ready() == []
    clock.step(0.99)
    tracker.observe(path)  # the next rescan sees it unchanged: the wait is not restarted
    assert tracker.ready() == []
    clock.step(0.02)
    assert tracker.ready() == [path]


def test_size_change_restarts_the_settle_wait(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(1.0, close_events=False, clock=clock)
    path = tmp_path / "a.yaml"
    path.write_text("hal: a\n")
    tracker.observe(path)
    clock.step(0.8)

    with path.open("a") as fh:
        fh.write("kka: 500\n")
    assert tracker.ready() == []  # noticed by ready() itself: a fresh wait starts now
    clock.step(0.8)
    assert tracker.ready() == []
    clock.step(0.25)
    assert tracker.ready() == [path]

    with path.open("a") as fh:
        fh.write("sifat: Biasa\n")
    tracker.observe(path)  # noticed by a scan: the same
    clock.step(0.99)
    assert tracker.ready() == []
    clock.step(0.02)
    assert tracker.ready() == [path]


def test_file_with_a_modify_event_waits_for_its_close_however_long(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(1.0, close_events=True, clock=clock)
    path = tmp_path / "slow.yaml"
    path.write_text("hal: sebagian\n")

    tracker.observe(path, modified=True)
    for _ in range(5):
        clock.step(3600)
        tracker.observe(path)  # rescans do not take it on size alone
        assert tracker.ready() == []
    tracker.observe(path, closed=True)
    clock.step(0.06)
    assert tracker.ready() == [path]


def test_closed_file_is_ready_after_a_very_short_wait(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(30.0, close_events=True, clock=clock)
    path = tmp_path / "a.yaml"
    path.write_text("hal: a\n")

    tracker.observe(path, modified=True)
    tracker.observe(path, closed=True)
    assert tracker.ready() == []  # not in the very same instant: a writer may reopen it
    clock.step(0.1)
    assert tracker.ready() == [path]  # far below the 30 s settle time


def test_without_close_events_a_modified_file_settles_on_time_alone(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(2.0, close_events=False, clock=clock)
    path = tmp_path / "a.yaml"
    path.write_text("hal: a\n")

    tracker.observe(path, modified=True)  # polling: "modified" is only a hint
    clock.step(1.9)
    assert tracker.ready() == []
    clock.step(0.2)
    assert tracker.ready() == [path]


def test_vanished_file_is_forgotten(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(1.0, close_events=True, clock=clock)
    gone, kept = tmp_path / "gone.yaml", tmp_path / "kept.yaml"
    gone.write_text("hal: a\n")
    kept.write_text("hal: b\n")
    tracker.observe(gone)
    tracker.observe(kept)
    assert tracker.pending() == 2

    gone.unlink()
    clock.step(2)
    assert tracker.ready() == [kept]
    assert not tracker.tracking(gone)
    assert tracker.pending() == 1

    kept.unlink()
    tracker.observe(kept)  # an event for a file already gone forgets it too
    assert tracker.pending() == 0


def test_ready_lists_oldest_mtime_first(tmp_path):
    clock = FakeClock()
    tracker = StabilityTracker(1.0, close_events=True, clock=clock)
    base = 1_790_000_000_000_000_000
    ages = {"a.yaml": 3, "b.yaml": 1, "c.yaml": 2}  # b is the oldest, then c, then a
    for name, order in ages.items():
        path = tmp_path / name
        path.write_text(f"hal: {name}\n")
        os.utime(path, ns=(base + order * 1_000_000, base + order * 1_000_000))
    for name in ("a.yaml", "c.yaml", "b.yaml"):
        tracker.observe(tmp_path / name)
    clock.step(1.5)
    assert tracker.ready() == [tmp_path / "b.yaml", tmp_path / "c.yaml", tmp_path / "a.yaml"]


# -- --once: what becomes of each input ---------------------------------------------------------


def test_valid_yaml_goes_to_done_with_one_docx_and_one_numbered_document(workspace):
    drop(inbox(workspace) / "undangan.yaml", yaml_text(request()))

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 0}
    assert listing(inbox(workspace)) == ["done/undangan.yaml"]
    docs = documents(workspace)
    assert [(d.number, d.state, d.subject) for d in docs] == [(FIRST, "numbered", request()["hal"])]
    assert [p.name for p in outbox_docx(workspace)] == ["500.16.7.2-1-423.105-2026.docx"]
    with Register.open(workspace) as reg:
        assert [f["path"] for f in reg.files(docs[0].id)] == ["2026/surat-keluar/500.16.7.2-1-423.105-2026.docx"]
        assert check_register(reg).ok


def test_once_from_the_command_line_prints_what_it_did(workspace):
    drop(inbox(workspace) / "undangan.yaml", yaml_text(request()))
    result = runner.invoke(app, ["--workspace", str(workspace.root), "watch", "--once", "--settle", "0.2"])
    assert result.exit_code == 0, result.output
    assert "1 berkas: 1 selesai, 0 gagal, 0 duplikat." in result.output
    assert listing(inbox(workspace)) == ["done/undangan.yaml"]


def test_broken_yaml_goes_to_failed_with_an_indonesian_note_naming_the_problem(workspace):
    text = yaml_text(request()).replace("hal: Undangan", "hal: 'Undangan", 1)  # an unclosed quote
    drop(inbox(workspace) / "rusak.yaml", text)

    summary = run_once(workspace)

    assert summary.counts == {"done": 0, "failed": 1, "duplicate": 0}
    assert listing(inbox(workspace)) == ["failed/rusak.yaml", "failed/rusak.yaml.error.txt"]
    note = (inbox(workspace) / "failed" / "rusak.yaml.error.txt").read_text(encoding="utf-8")
    assert note.startswith("rusak.yaml GAGAL diproses. Perbaiki lalu letakkan lagi di folder yang sama:")
    assert "tidak sah (baris" in note
    assert "periksa titik dua dan tanda kutip" in note
    assert documents(workspace) == []
    assert outbox_docx(workspace) == []


def test_missing_field_names_the_field_in_the_note(workspace):
    data = request()
    del data["hal"]
    drop(inbox(workspace) / "tanpa-hal.yaml", yaml_text(data))

    run_once(workspace)

    note = (inbox(workspace) / "failed" / "tanpa-hal.yaml.error.txt").read_text(encoding="utf-8")
    assert "'hal' wajib diisi" in note
    assert documents(workspace) == []


def test_exact_copy_under_another_name_goes_to_duplicate_naming_the_first_number(workspace):
    text = yaml_text(request())
    drop(inbox(workspace) / "asli.yaml", text)
    run_once(workspace)
    drop(inbox(workspace) / "salinan.yaml", text)

    summary = run_once(workspace)

    assert summary.counts == {"done": 0, "failed": 0, "duplicate": 1}
    assert listing(inbox(workspace)) == [
        "done/asli.yaml",
        "duplicate/salinan.yaml",
        "duplicate/salinan.yaml.duplikat.txt",
    ]
    note = (inbox(workspace) / "duplicate" / "salinan.yaml.duplikat.txt").read_text(encoding="utf-8")
    assert "Sudah pernah dibuat sebelumnya (tidak diberi nomor lagi):" in note
    assert f"- {FIRST}" in note
    assert [d.number for d in documents(workspace)] == [FIRST]
    assert len(outbox_docx(workspace)) == 1


def test_copy_dropped_together_with_its_original_is_a_duplicate_too(workspace):
    text = yaml_text(request())
    drop(inbox(workspace) / "a.yaml", text)
    drop(inbox(workspace) / "b.yaml", text)

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 1}
    assert len(documents(workspace)) == 1


def test_csv_with_a_row_missing_hal_fails_listing_that_row_and_the_numbers_made(workspace):
    rows = [request("Undangan Rapat Koordinasi"), request(""), request("Permohonan Data Investasi")]
    drop(inbox(workspace) / "kiriman.csv", csv_text(rows))

    summary = run_once(workspace)

    assert summary.counts == {"done": 0, "failed": 1, "duplicate": 0}
    assert listing(inbox(workspace)) == ["failed/kiriman.csv", "failed/kiriman.csv.error.txt"]
    note = (inbox(workspace) / "failed" / "kiriman.csv.error.txt").read_text(encoding="utf-8")
    assert note == (
        "kiriman.csv GAGAL diproses. Perbaiki lalu letakkan lagi di folder yang sama:\n"
        "- baris 3: Permintaan surat-keluar (baris 3) salah: 'hal' wajib diisi\n"
        "Sudah dibuat dari berkas ini (tidak akan dibuat lagi):\n"
        f"- baris 2: {FIRST}\n"
        f"- baris 4: {SECOND}\n"
    )
    docs = documents(workspace)
    assert [(d.number, d.subject) for d in docs] == [
        (FIRST, "Undangan Rapat Koordinasi"),
        (SECOND, "Permohonan Data Investasi"),
    ]
    assert len(outbox_docx(workspace)) == 2


def test_fixed_csv_dropped_again_makes_only_the_fixed_row(workspace):
    rows = [request("Undangan Rapat Koordinasi"), request(""), request("Permohonan Data Investasi")]
    drop(inbox(workspace) / "kiriman.csv", csv_text(rows))
    run_once(workspace)

    rows[1] = request("Pemberitahuan Jadwal Pelayanan")
    drop(inbox(workspace) / "kiriman.csv", csv_text(rows))
    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 0}
    assert listing(inbox(workspace)) == ["done/kiriman.csv", "failed/kiriman.csv", "failed/kiriman.csv.error.txt"]
    assert [(d.number, d.subject) for d in documents(workspace)] == [
        (FIRST, "Undangan Rapat Koordinasi"),
        (SECOND, "Permohonan Data Investasi"),
        (THIRD, "Pemberitahuan Jadwal Pelayanan"),
    ]
    assert len(outbox_docx(workspace)) == 3


def test_xlsx_makes_one_letter_per_row(workspace):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(CSV_COLUMNS)
    for hal in ("Undangan Rapat Koordinasi", "Permohonan Data Investasi"):
        row = request(hal)
        sheet.append(["\n".join(row[c]) if isinstance(row[c], list) else row[c] for c in CSV_COLUMNS])
    tmp = inbox(workspace) / ".kiriman.xlsx.incoming"
    book.save(tmp)
    os.replace(tmp, inbox(workspace) / "kiriman.xlsx")

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 0}
    docs = documents(workspace)
    assert [(d.number, d.subject) for d in docs] == [
        (FIRST, "Undangan Rapat Koordinasi"),
        (SECOND, "Permohonan Data Investasi"),
    ]
    assert docs[0].request["tembusan"] == request()["tembusan"]  # list cells split on newlines


def test_temp_and_lock_files_are_left_untouched(workspace):
    folder = inbox(workspace)
    for name in IGNORED_NAMES:
        (folder / name).write_text(yaml_text(request(f"Sementara {name}")), encoding="utf-8")
    before = {name: (folder / name).read_bytes() for name in IGNORED_NAMES}
    drop(folder / "asli.yaml", yaml_text(request()))

    summary = run_once(workspace)
    with watching(workspace, settle_s=0.2):  # and a running watcher, events and all
        started(workspace)
        for name in IGNORED_NAMES:
            (folder / name).touch()  # an event for each: still not an input
        time.sleep(1.0)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 0}
    for name in IGNORED_NAMES:
        assert (folder / name).is_file(), f"{name} was moved"
        assert (folder / name).read_bytes() == before[name]
    assert listing(folder) == sorted(
        ["done/asli.yaml", "failed/probe.json", "failed/probe.json.error.txt", *IGNORED_NAMES]
    )
    assert len(documents(workspace)) == 1


# -- incoming scans and signed PDFs ---------------------------------------------------------------


def masuk_sidecar() -> str:
    return yaml_text(get_kind("surat-masuk").example)


def test_masuk_scan_with_sidecar_enters_the_agenda_with_a_disposition_sheet(workspace):
    folder = inbox(workspace, "masuk")
    drop(folder / "dlh.yaml", masuk_sidecar())
    drop(folder / "dlh.pdf", scan_pdf("Surat DLH"))

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 0}
    assert listing(folder) == ["done/dlh.pdf", "done/dlh.yaml"]
    [doc] = documents(workspace)
    assert (doc.kind, doc.number, doc.subject) == ("surat-masuk", "1/2026", get_kind("surat-masuk").example["hal"])
    with Register.open(workspace) as reg:
        files = {f["role"]: f["path"] for f in reg.files(doc.id)}
        assert check_register(reg).ok
    assert files["disposisi"] == "2026/surat-masuk/1-2026-disposisi.pdf"  # relative to the outbox
    assert len(PdfReader(workspace.outbox / files["disposisi"]).pages) >= 1
    assert (workspace.outbox / files["scan"]).read_bytes() == (folder / "done" / "dlh.pdf").read_bytes()


def test_same_masuk_scan_again_goes_to_duplicate(workspace):
    folder = inbox(workspace, "masuk")
    scan = scan_pdf("Surat DLH")
    drop(folder / "dlh.yaml", masuk_sidecar())
    drop(folder / "dlh.pdf", scan)
    run_once(workspace)
    drop(folder / "dlh-lagi.yaml", masuk_sidecar())
    drop(folder / "dlh-lagi.pdf", scan)

    summary = run_once(workspace)

    assert summary.counts == {"done": 0, "failed": 0, "duplicate": 1}
    assert listing(folder) == [
        "done/dlh.pdf",
        "done/dlh.yaml",
        "duplicate/dlh-lagi.pdf",
        "duplicate/dlh-lagi.pdf.duplikat.txt",
        "duplicate/dlh-lagi.yaml",
    ]
    assert "- 1/2026" in (folder / "duplicate" / "dlh-lagi.pdf.duplikat.txt").read_text(encoding="utf-8")
    assert [d.number for d in documents(workspace)] == ["1/2026"]


def test_stamp_pdf_with_id_sidecar_numbers_and_stamps_the_signed_draft(workspace):
    doc_id = signed_draft(workspace, request())
    folder = inbox(workspace, f"stamp/{KIND}")
    signed_pdf = scan_pdf("Surat yang sudah ditandatangani")
    drop(folder / "ttd.yaml", f"id: {doc_id}\n")
    drop(folder / "ttd.pdf", signed_pdf)

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 0}
    assert listing(folder) == ["done/ttd.pdf", "done/ttd.yaml"]
    [doc] = documents(workspace)
    assert (doc.id, doc.number, doc.state) == (doc_id, FIRST, "numbered")
    with Register.open(workspace) as reg:
        [stamped] = [f for f in reg.files(doc_id, current_only=True) if f["role"] == "pdf"]
        assert check_register(reg).ok
    assert stamped["path"] == "2026/surat-keluar/500.16.7.2-1-423.105-2026.pdf"  # relative to the outbox
    text = " ".join(PdfReader(workspace.outbox / stamped["path"]).pages[0].extract_text().split())
    assert FIRST in text
    assert (folder / "done" / "ttd.pdf").read_bytes() == signed_pdf  # the original is not changed


# -- a running watcher (inotify): when it takes a file ------------------------------------------


def test_slowly_written_file_is_taken_only_when_complete(workspace):
    data = request("Undangan Rapat Koordinasi Perizinan Berusaha Berbasis Risiko Tahun 2026")
    data = {k: v for k, v in data.items() if k != "hal"} | {"hal": data["hal"]}  # hal last
    text = yaml_text(data)
    half = text.index("Berusaha")  # the first part alone is a valid request with a cut-off hal
    assert workspace.profile.watch.settle_s < 1.5

    with watching(workspace):
        started(workspace)
        with (inbox(workspace) / "lambat.yaml").open("w", encoding="utf-8") as fh:
            fh.write(text[:half])
            fh.flush()
            time.sleep(1.5)  # longer than the settle time: only the missing close event holds it
            fh.write(text[half:])
        wait_for(lambda: (inbox(workspace) / "done" / "lambat.yaml").exists(), 10, "lambat.yaml in done/")

    docs = documents(workspace)
    assert [(d.number, d.subject) for d in docs] == [(FIRST, data["hal"])]
    assert (inbox(workspace) / "done" / "lambat.yaml").read_text(encoding="utf-8") == text


def test_file_created_and_held_open_before_its_first_write_is_not_taken_early(workspace):
    text = yaml_text(request())
    with watching(workspace):
        started(workspace)
        with (inbox(workspace) / "tertunda.yaml").open("w", encoding="utf-8") as fh:
            time.sleep(1.5)  # created, still open and empty: e.g. a copy waiting for its first block
            fh.write(text)
        wait_for(lambda: not (inbox(workspace) / "tertunda.yaml").exists(), 10, "tertunda.yaml filed")

    assert "done/tertunda.yaml" in listing(inbox(workspace)), listing(inbox(workspace))
    assert [d.number for d in documents(workspace)] == [FIRST]


def test_temp_file_renamed_into_place_is_processed(workspace):
    folder = inbox(workspace)
    with watching(workspace):
        started(workspace)
        (folder / "x.yaml.tmp").write_text(yaml_text(request()), encoding="utf-8")
        time.sleep(0.3)
        assert (folder / "x.yaml.tmp").is_file()  # the temp name itself is never taken
        os.replace(folder / "x.yaml.tmp", folder / "x.yaml")
        wait_for(lambda: (folder / "done" / "x.yaml").exists(), 10, "x.yaml in done/")

    assert listing(folder) == ["done/x.yaml", "failed/probe.json", "failed/probe.json.error.txt"]
    assert [d.number for d in documents(workspace)] == [FIRST]


def test_files_present_before_the_watcher_starts_are_processed_at_start(workspace):
    folder = inbox(workspace)
    for i in range(3):
        drop(folder / f"lama-{i}.yaml", yaml_text(request(f"Surat yang menunggu {i}")))

    with watching(workspace, settle_s=0.2):
        wait_for(lambda: len(list((folder / "done").glob("*.yaml"))) == 3, 10, "the three waiting files in done/")

    assert listing(folder) == ["done/lama-0.yaml", "done/lama-1.yaml", "done/lama-2.yaml"]
    assert sorted(d.subject for d in documents(workspace)) == [f"Surat yang menunggu {i}" for i in range(3)]


def test_sidecar_written_after_its_scan_is_read_only_when_complete(workspace):
    folder = inbox(workspace, "masuk")
    sidecar = masuk_sidecar()
    cut = sidecar.index("Tahun 2026")  # before it, a complete-looking entry with a cut-off hal
    with watching(workspace):
        started(workspace)
        drop(folder / "dlh.pdf", scan_pdf("Surat DLH"))
        time.sleep(0.5)
        with (folder / "dlh.yaml").open("w", encoding="utf-8") as fh:
            fh.write(sidecar[:cut])
            fh.flush()
            time.sleep(1.5)
            fh.write(sidecar[cut:])
        wait_for(lambda: not (folder / "dlh.pdf").exists(), 15, "dlh.pdf filed")

    assert listing(folder) == ["done/dlh.pdf", "done/dlh.yaml"]
    assert [d.subject for d in documents(workspace)] == [get_kind("surat-masuk").example["hal"]]


# -- inputs that break the reader must fail alone, not stop the watcher ------------------------


def test_impossible_date_goes_to_failed_and_the_other_files_are_still_processed(workspace):
    text = yaml_text(request("Tanggal salah ketik")).replace("'2026-11-28'", "2026-11-31")
    drop(inbox(workspace) / "a-tanggal.yaml", text)  # 31 November: YAML itself cannot make a date of it
    drop(inbox(workspace) / "b-benar.yaml", yaml_text(request()))

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 1, "duplicate": 0}
    assert listing(inbox(workspace)) == [
        "done/b-benar.yaml",
        "failed/a-tanggal.yaml",
        "failed/a-tanggal.yaml.error.txt",
    ]
    note = (inbox(workspace) / "failed" / "a-tanggal.yaml.error.txt").read_text(encoding="utf-8")
    assert "GAGAL" in note


def test_damaged_xlsx_goes_to_failed_and_the_other_files_are_still_processed(workspace):
    drop(inbox(workspace) / "a-rusak.xlsx", b"PK\x03\x04 not really a workbook")  # a cut-off copy
    drop(inbox(workspace) / "b-benar.yaml", yaml_text(request()))

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 1, "duplicate": 0}
    assert listing(inbox(workspace)) == ["done/b-benar.yaml", "failed/a-rusak.xlsx", "failed/a-rusak.xlsx.error.txt"]
    note = (inbox(workspace) / "failed" / "a-rusak.xlsx.error.txt").read_text(encoding="utf-8")
    assert "a-rusak.xlsx" in note and "XLSX" in note


# -- --status -----------------------------------------------------------------------------------


def status_workspace(ws: Workspace) -> None:
    """1 done, 1 failed, 1 duplicate in surat-keluar, then 2 waiting (and a temp file, not counted)."""
    folder = inbox(ws)
    text = yaml_text(request())
    drop(folder / "a.yaml", text)
    run_once(ws)
    drop(folder / "b.yaml", text)
    drop(folder / "c.yaml", "hal: [")
    run_once(ws)
    drop(folder / "d.yaml", yaml_text(request("Menunggu satu")))
    drop(folder / "e.csv", csv_text([request("Menunggu dua")]))
    (folder / "f.yaml.part").write_text("hal: sebagian")


def test_status_shows_counts_per_folder(workspace):
    status_workspace(workspace)
    result = runner.invoke(app, ["--workspace", str(workspace.root), "watch", "--status"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = {}
    for line in result.output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if cells and cells[0].startswith("inbox/"):
            rows[cells[0]] = cells[1:5]
    quiet = ["0", "0", "0", "0"]
    assert rows == {
        "inbox/surat-keluar": ["2", "1", "1", "1"],
        "inbox/stamp/surat-keluar": quiet,
        "inbox/masuk": quiet,
        **{f"inbox/{kind}": quiet for kind in PERMIT_KINDS},
        **{f"inbox/stamp/{kind}": quiet for kind in PERMIT_KINDS},
    }


def test_status_json_gives_numbers_to_check(workspace):
    status_workspace(workspace)
    result = runner.invoke(app, ["--workspace", str(workspace.root), "watch", "--status", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["folder"]: row for row in json.loads(result.output)}
    permits = {f"inbox/{kind}" for kind in PERMIT_KINDS} | {f"inbox/stamp/{kind}" for kind in PERMIT_KINDS}
    assert set(rows) == {"inbox/surat-keluar", "inbox/stamp/surat-keluar", "inbox/masuk"} | permits
    keluar = rows["inbox/surat-keluar"]
    assert (keluar["menunggu"], keluar["done"], keluar["failed"], keluar["duplicate"]) == (2, 1, 1, 1)
    assert time.strptime(keluar["terakhir"], "%Y-%m-%d %H:%M:%S")
    assert rows["inbox/masuk"] | {"folder": ""} == {
        "folder": "", "menunggu": 0, "done": 0, "failed": 0, "duplicate": 0, "terakhir": "-",
    }  # fmt: skip


# -- docgen watch as a process: the lock and SIGTERM ----------------------------------------------


@pytest.mark.parametrize("options", [["--once"], []], ids=["once", "service"])
def test_second_watcher_exits_1_with_a_one_line_message(workspace, tmp_path, processes, options):
    first = start_cli_watcher(workspace, tmp_path / "first.log")
    processes.append(first)
    started(workspace)

    second = subprocess.run(
        [DOCGEN, "--workspace", str(workspace.root), "watch", *options],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(),
        cwd=workspace.root,
    )

    output = (second.stdout + second.stderr).strip()
    assert second.returncode == 1, output
    assert len(output.splitlines()) == 1, f"a second 'docgen watch {' '.join(options)}' said:\n{output}"
    assert "Watcher lain sedang memantau" in output
    assert first.poll() is None, "the first watcher must keep running"


def test_sigterm_finishes_the_file_in_hand_and_exits_0(workspace, tmp_path, processes):
    folder = inbox(workspace)
    proc = start_cli_watcher(workspace, tmp_path / "watch.log")
    processes.append(proc)
    started(workspace)
    texts = {f"s{i:03d}.yaml": yaml_text(request(f"Surat saat berhenti {i:03d}")) for i in range(80)}
    for name, text in texts.items():
        drop(folder / name, text)
    wait_for(lambda: len(list((folder / "done").glob("s*.yaml"))) >= 3, 20, "the first files in done/")

    proc.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    code = proc.wait(timeout=30)
    took = time.monotonic() - sent

    log = (tmp_path / "watch.log").read_text(encoding="utf-8", errors="replace")
    assert code == 0, log
    assert took < 10, f"stopped {took:.1f} s after SIGTERM"
    done = {p.name for p in (folder / "done").glob("s*.yaml")}
    waiting = {p.name for p in folder.glob("s*.yaml")}
    assert done | waiting == set(texts), "an input was lost"
    assert not done & waiting
    assert waiting, "the watcher finished everything before SIGTERM: nothing proves it stopped early"
    for name in waiting:
        assert (folder / name).read_text(encoding="utf-8") == texts[name]
    made = sorted(d.subject for d in documents(workspace))
    assert made == sorted(f"Surat saat berhenti {n[1:4]}" for n in done), "a document without its input in done/"
    with Register.open(workspace) as reg:
        assert check_register(reg).ok

    summary = run_once(workspace)  # the rest, later
    assert summary.counts["done"] == len(waiting)
    assert sorted(d.subject for d in documents(workspace)) == sorted(f"Surat saat berhenti {i:03d}" for i in range(80))
