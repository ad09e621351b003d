"""The folder watcher against hostile or careless entries: it never hangs, crashes or follows a link out.

Anyone who can save into the shared inbox can leave a FIFO named ``x.yaml``, a folder named
``d.yaml``, a name that is not UTF-8 or is 250 bytes long, a link to a file elsewhere, a YAML
alias bomb, an XLSX that declares the whole sheet as its size, a CSV of more rows than the
profile allows, or a sidecar with ``id: true``. Each must end in ``failed/`` with a note (or be
done, when it is a valid request under an odd name), consume no number, and leave the watcher
taking the next file. The first test drops all of them at once on a real ``docgen watch``.
"""

from __future__ import annotations

import copy
import io
import logging
import os
import re
import signal
import sqlite3
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import count_rows, set_aside
from test_watch import (
    CSV_COLUMNS,
    FIRST,
    SECOND,
    csv_text,
    documents,
    drop,
    inbox,
    listing,
    masuk_sidecar,
    request,
    run_once,
    scan_pdf,
    start_cli_watcher,
    started,
    wait_for,
    watching,
    yaml_text,
)

from docgen.profile import Workspace
from docgen.register import Register, check_register
from docgen.watch import Watcher

KIND = "surat-keluar"


# -- building odd entries ---------------------------------------------------------------------------


def alias_bomb() -> str:
    """The "billion laughs" in YAML: about 1 KB that expands to 9^9 strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    lines.append("hal: *i")
    return "\n".join(lines) + "\n"


def xlsx_bytes(rows: list[list], *, dimension: str | None = None) -> bytes:
    """An XLSX of ``rows`` (first row: column names); ``dimension`` overwrites the declared size."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    if dimension is None:
        return buf.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(), data)
                assert count == 1
            target.writestr(info, data)
    return out.getvalue()


def sheet_row(data: dict) -> list:
    return ["\n".join(data[c]) if isinstance(data.get(c), list) else data.get(c) for c in CSV_COLUMNS]


def counts(ws: Workspace) -> dict[str, int]:
    """Rows in the register's books: a refusal must leave every one of them as it was."""
    return {t: count_rows(ws, t) for t in ("numbers", "documents", "events")}


def notes(folder: Path) -> dict[str, str]:
    """Every note in ``folder``/failed, by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in (folder / "failed").glob("*.error.txt")}


def note_for(folder: Path, fragment: str) -> str:
    found = [text for name, text in notes(folder).items() if fragment in name]
    assert len(found) == 1, f"one note naming {fragment!r} expected in failed/, found {sorted(notes(folder))}"
    return found[0]


def remaining(folder: Path) -> list[str]:
    """Entries still waiting in a job folder (outcome folders and BACA-SAYA.txt left out)."""
    skip = {"done", "failed", "duplicate", "BACA-SAYA.txt"}
    return sorted(os.fsdecode(e) for e in os.listdir(os.fsencode(folder)) if os.fsdecode(e) not in skip)


def with_settings(ws: Workspace, section: str, **values) -> Workspace:
    """``ws`` with some settings of one profile section changed (as an edited docgen.toml would)."""
    part = getattr(ws.profile, section).model_copy(update=values)
    return Workspace(root=ws.root, profile=ws.profile.model_copy(update={section: part}))


def run_limited(ws: Workspace, **limits) -> None:
    """One ``--once`` run under a profile whose [limits] say ``limits``."""
    Watcher(with_settings(ws, "limits", **limits), settle_s=0.2).run(once=True)


def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "di-luar"
    folder.mkdir(exist_ok=True)
    return folder


# -- everything at once, on a real `docgen watch` ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("options", [[], ["--polling"]], ids=["inotify", "polling"])
def test_every_odd_entry_at_once_fails_alone_and_the_watcher_keeps_taking_files(
    workspace, tmp_path, processes, options
):
    folder, masuk, stamp = inbox(workspace), inbox(workspace, "masuk"), inbox(workspace, f"stamp/{KIND}")
    away = outside(tmp_path)
    secret_request = away / "rahasia.yaml"
    secret_request.write_text(yaml_text(request("Surat dari luar inbox")), encoding="utf-8")
    secret_csv = away / "rahasia.csv"
    secret_csv.write_text("RAHASIA-BARIS-PERTAMA,b\n1,2\n", encoding="utf-8")
    secret_pdf = away / "rahasia.pdf"
    secret_pdf.write_bytes(scan_pdf("Pindaian rahasia di luar inbox"))
    (away / "rahasia-pendamping.yaml").write_text(masuk_sidecar(), encoding="utf-8")
    outside_before = {p.name: p.read_bytes() for p in away.iterdir()}

    proc = start_cli_watcher(workspace, tmp_path / "watch.log", *options)
    processes.append(proc)
    started(workspace)
    before = counts(workspace)

    good = {f"baik-{i}.yaml": f"Surat baik {i}" for i in range(3)}
    for name, hal in good.items():
        drop(folder / name, yaml_text(request(hal)))
    broken = copy.deepcopy(request("Tanpa hal"))
    del broken["hal"]
    os.mkfifo(folder / "pipa.yaml")
    (folder / "folder.yaml").mkdir()
    (folder / "folder.yaml" / "isi.txt").write_text("bukan permintaan", encoding="utf-8")
    with open(os.fsencode(folder) + b"/nama-\xff\xfe.yaml", "wb") as handle:
        handle.write(yaml_text(broken).encode())
    long_name = "surat-dengan-nama-yang-sangat-panjang-" * 6 + "x" * 12 + ".yaml"  # 245 bytes
    assert 240 <= len(long_name.encode()) <= 250
    (folder / long_name).write_text(yaml_text(broken), encoding="utf-8")
    (folder / "tautan.yaml").symlink_to(secret_request)
    (folder / "tautan.csv").symlink_to(secret_csv)
    (folder / "buntu.yaml").symlink_to(away / "tidak-ada.yaml")
    drop(folder / "bom.yaml", alias_bomb())
    rows = [list(CSV_COLUMNS), sheet_row(broken)]
    drop(folder / "raksasa.xlsx", xlsx_bytes(rows, dimension="A1:XFD1048576"))
    too_many = workspace.profile.limits.rows + 1
    drop(folder / "banyak.csv", csv_text([request(f"Baris {i}") for i in range(too_many)]))
    (masuk / "tautan.pdf").symlink_to(secret_pdf)
    drop(masuk / "tautan.yaml", masuk_sidecar())
    drop(masuk / "pendamping.pdf", scan_pdf("Pindaian dengan pendamping tautan"))
    (masuk / "pendamping.yaml").symlink_to(away / "rahasia-pendamping.yaml")
    drop(stamp / "benar.yaml", "id: true\n")
    drop(stamp / "benar.pdf", scan_pdf("Surat ber-id true"))

    wait_for(lambda: not remaining(folder) and not remaining(masuk) and not remaining(stamp), 120, "an empty inbox")
    drop(folder / "sesudahnya.yaml", yaml_text(request("Surat sesudah semuanya")))  # the next file is still taken
    wait_for(lambda: (folder / "done" / "sesudahnya.yaml").is_file(), 60, "the file dropped after them all")
    assert proc.poll() is None, "the watcher stopped"

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    log = (tmp_path / "watch.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log

    made = sorted(d.subject for d in documents(workspace))
    assert made == sorted([*good.values(), "Surat sesudah semuanya"])
    with Register.open(workspace) as reg:
        numbers = reg.numbers()
        assert check_register(reg).ok
    assert [n["status"] for n in numbers] == ["issued"] * 4, "a number was voided"
    assert sorted(n["number"] for n in numbers) == sorted(f"500.16.7.2/{i}/423.105/2026" for i in range(1, 5))
    after = counts(workspace)
    assert after["numbers"] - before["numbers"] == 4 and after["documents"] - before["documents"] == 4

    assert sorted(p.name for p in (folder / "done").iterdir()) == sorted([*good, "sesudahnya.yaml"])
    assert "FIFO" in note_for(folder, "pipa.yaml")
    assert "folder" in note_for(folder, "folder.yaml")
    assert (folder / "failed" / "folder.yaml" / "isi.txt").is_file()
    assert "nama-\\xff\\xfe.yaml" in note_for(folder, "nama-_")
    long_note = note_for(folder, "surat-dengan-nama")
    assert long_name in long_note
    assert all(len(os.fsencode(p.name)) <= 255 for p in (folder / "failed").iterdir())
    for name in ("tautan.yaml", "tautan.csv", "buntu.yaml"):
        assert "tautan tidak diterima" in note_for(folder, name)
        assert (folder / "failed" / name).is_symlink()
    assert "RAHASIA" not in "".join(notes(folder).values()), "an outside file's content reached a note"
    assert note_for(folder, "bom.yaml")
    assert "baris 2" in note_for(folder, "raksasa.xlsx")
    assert "limits.rows" in note_for(folder, "banyak.csv")
    assert "tautan tidak diterima" in note_for(masuk, "tautan.pdf")
    assert "tautan tidak diterima" in note_for(masuk, "pendamping.pdf")
    assert "kolom id" in note_for(stamp, "benar.pdf")
    assert {p.name: p.read_bytes() for p in away.iterdir()} == outside_before
    outbox = [p.read_bytes() for p in (workspace.root / "outbox").rglob("*") if p.is_file()]
    assert secret_pdf.read_bytes() not in outbox, "a PDF from outside the inbox was copied into the outbox"


# -- one kind at a time, in this process -------------------------------------------------------------


def test_symlink_in_inbox_is_never_followed(workspace, tmp_path):
    secret = outside(tmp_path) / "rahasia.yaml"
    secret.write_text(yaml_text(request("Surat dari luar")), encoding="utf-8")
    (inbox(workspace) / "tautan.yaml").symlink_to(secret)
    before = counts(workspace)

    summary = run_once(workspace)

    assert summary.counts == {"done": 0, "failed": 1, "duplicate": 0}
    assert listing(inbox(workspace)) == ["failed/tautan.yaml", "failed/tautan.yaml.error.txt"]
    assert (inbox(workspace) / "failed" / "tautan.yaml").is_symlink()
    note = (inbox(workspace) / "failed" / "tautan.yaml.error.txt").read_text(encoding="utf-8")
    assert "tautan tidak diterima" in note and "salin berkas aslinya" in note
    assert counts(workspace) == before
    assert secret.read_text(encoding="utf-8") == yaml_text(request("Surat dari luar"))


def test_sidecar_that_is_a_link_fails_its_scan_without_reading_the_link(workspace, tmp_path):
    folder = inbox(workspace, "masuk")
    elsewhere = outside(tmp_path) / "pendamping.yaml"
    elsewhere.write_text(masuk_sidecar(), encoding="utf-8")
    drop(folder / "dlh.pdf", scan_pdf("Surat DLH"))
    (folder / "dlh.yaml").symlink_to(elsewhere)
    before = counts(workspace)

    run_once(workspace)

    assert "tautan tidak diterima" in note_for(folder, "dlh.pdf")
    assert (folder / "failed" / "dlh.yaml").is_symlink(), "the sidecar goes with its scan"
    assert counts(workspace) == before


def test_outcome_folder_replaced_by_a_link_is_not_written_through(workspace, tmp_path, caplog):
    folder = inbox(workspace)
    away = outside(tmp_path)
    (folder / "failed").rmdir()
    (folder / "failed").symlink_to(away, target_is_directory=True)
    drop(folder / "rusak.yaml", "hal: [\n")
    fast = with_settings(workspace, "watch", rescan_s=0.05)

    with caplog.at_level(logging.ERROR, logger="docgen.watch"), watching(fast, settle_s=0.05):
        wait_for(lambda: any("tidak bisa dipindah" in r.message for r in caplog.records), 15, "the error logged")
        time.sleep(1.0)  # twenty rescans: the entry must not be taken again

    assert list(away.iterdir()) == [], "a note or an input was written outside the inbox"
    assert (folder / "rusak.yaml").is_file(), "the input stays where it was"
    assert sum("tidak bisa dipindah" in r.message for r in caplog.records) == 1, "retried in a loop"


def test_fifo_named_like_a_request_goes_to_failed_without_being_opened(workspace):
    folder = inbox(workspace)
    os.mkfifo(folder / "pipa.yaml")
    drop(folder / "baik.yaml", yaml_text(request()))

    summary = run_once(workspace)  # opening the FIFO for reading would block here forever

    assert summary.counts == {"done": 1, "failed": 1, "duplicate": 0}
    assert (folder / "failed" / "pipa.yaml").is_fifo()
    assert "FIFO" in note_for(folder, "pipa.yaml")
    assert [d.number for d in documents(workspace)] == [FIRST]


def test_folder_named_like_a_request_goes_to_failed_with_its_content(workspace):
    folder = inbox(workspace)
    (folder / "kiriman.yaml").mkdir()
    (folder / "kiriman.yaml" / "surat.yaml").write_text(yaml_text(request()), encoding="utf-8")

    run_once(workspace)

    assert (folder / "failed" / "kiriman.yaml" / "surat.yaml").is_file()
    assert "sebuah folder" in note_for(folder, "kiriman.yaml")
    assert documents(workspace) == []


def test_valid_request_under_a_name_that_is_not_utf8_is_numbered_and_filed_under_a_safe_name(workspace):
    folder = inbox(workspace)
    with open(os.fsencode(folder) + b"/undangan-\xff.yaml", "wb") as handle:
        handle.write(yaml_text(request()).encode())

    summary = run_once(workspace)
    summary_again = run_once(workspace)  # a restart finds nothing left to crash on

    assert summary.counts["done"] == 1 and summary_again.total == 0
    [done] = [p.name for p in (folder / "done").iterdir()]
    assert done.startswith("undangan-_") and done.endswith(".yaml") and done.isprintable()
    with Register.open(workspace) as reg:
        assert [(n["number"], n["status"]) for n in reg.numbers()] == [(FIRST, "issued")]
        assert check_register(reg).ok


def test_long_name_gets_a_bounded_outcome_name_and_the_note_keeps_the_original(workspace):
    folder = inbox(workspace)
    bad = request()
    del bad["hal"]
    names = ["a" * 245 + ".yaml", "a" * 244 + "b.yaml"]  # same beginning: outcome names must differ
    for name in names:
        (folder / name).write_text(yaml_text(bad), encoding="utf-8")  # no room for a temp name

    summary = run_once(workspace)

    assert summary.counts["failed"] == 2
    failed = sorted(p.name for p in (folder / "failed").iterdir())
    assert len(failed) == 4 and all(len(name.encode()) <= 255 for name in failed)
    texts = notes(folder).values()
    for name in names:
        assert sum(name in text for text in texts) == 1
    assert all("hal" in text for text in texts)


def test_valid_request_under_a_long_name_is_done(workspace):
    folder = inbox(workspace)
    name = "undangan-" + "x" * 240 + ".yaml"
    (folder / name).write_text(yaml_text(request()), encoding="utf-8")

    run_once(workspace)

    [done] = list((folder / "done").iterdir())
    assert done.suffix == ".yaml" and len(done.name.encode()) <= 200
    assert [d.number for d in documents(workspace)] == [FIRST]


# -- limits before expansion ---------------------------------------------------------------------------


def test_yaml_alias_bomb_fails_alone_and_takes_no_number(workspace):
    folder = inbox(workspace)
    drop(folder / "bom.yaml", alias_bomb())
    drop(folder / "baik.yaml", yaml_text(request()))

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 1, "duplicate": 0}
    assert note_for(folder, "bom.yaml").startswith("bom.yaml GAGAL")
    assert [d.number for d in documents(workspace)] == [FIRST]


def test_request_file_over_request_bytes_is_refused_naming_the_limit(workspace):
    data = request()
    data["hal"] = "Surat panjang " + "x" * 2_000
    drop(inbox(workspace) / "besar.yaml", yaml_text(data))

    run_limited(workspace, request_bytes=1_000)

    note = note_for(inbox(workspace), "besar.yaml")
    assert "limits.request_bytes" in note and "1.000" in note
    assert documents(workspace) == []


def test_xlsx_declaring_the_whole_sheet_is_read_as_stored(workspace):
    rows = [list(CSV_COLUMNS), sheet_row(request("Undangan Rapat")), sheet_row(request("Permohonan Data"))]
    drop(inbox(workspace) / "raksasa.xlsx", xlsx_bytes(rows, dimension="A1:XFD1048576"))

    summary = run_once(workspace)

    assert summary.counts == {"done": 1, "failed": 0, "duplicate": 0}
    assert [(d.number, d.subject) for d in documents(workspace)] == [
        (FIRST, "Undangan Rapat"),
        (SECOND, "Permohonan Data"),
    ]


def test_xlsx_with_a_filled_cell_past_the_column_limit_is_refused(workspace):
    rows = [list(CSV_COLUMNS), [*sheet_row(request()), "sel ekstra"]]
    drop(inbox(workspace) / "lebar.xlsx", xlsx_bytes(rows))

    run_limited(workspace, columns=len(CSV_COLUMNS))

    note = note_for(inbox(workspace), "lebar.xlsx")
    assert "baris 2" in note and "limits.columns" in note
    assert documents(workspace) == []


def test_xlsx_unpacking_past_table_bytes_is_refused(workspace):
    padded = [list(CSV_COLUMNS), sheet_row(request()), *([["", "", "", "", "", "", "", "", "", " " * 200]] * 400)]
    content = xlsx_bytes(padded)
    assert len(content) < 50_000  # small on disk, large unpacked
    drop(inbox(workspace) / "bom.xlsx", content)

    run_limited(workspace, table_bytes=50_000)

    assert "limits.table_bytes" in note_for(inbox(workspace), "bom.xlsx")
    assert documents(workspace) == []


def test_csv_over_the_row_limit_is_refused_before_any_letter_is_made(workspace):
    drop(inbox(workspace) / "banyak.csv", csv_text([request(f"Baris {i}") for i in range(4)]))
    drop(inbox(workspace) / "cukup.csv", csv_text([request(f"Cukup {i}") for i in range(3)]))

    run_limited(workspace, rows=3)

    note = note_for(inbox(workspace), "banyak.csv")
    assert "lebih dari 3 baris" in note and "limits.rows" in note
    assert sorted(d.subject for d in documents(workspace)) == ["Cukup 0", "Cukup 1", "Cukup 2"]


def test_error_note_is_cut_at_note_bytes_with_a_count_of_the_rest(workspace):
    bad = []
    for i in range(200):
        data = request(f"Baris {i}")
        data["tanggal"] = "2026-02-30"
        bad.append(data)
    drop(inbox(workspace) / "salah.csv", csv_text(bad))

    run_limited(workspace, note_bytes=1_000)

    path = next((inbox(workspace) / "failed").glob("salah.csv.error.txt"))
    assert path.stat().st_size <= 1_000
    last = path.read_text(encoding="utf-8").splitlines()[-1]
    assert re.fullmatch(r"- \.\.\. dan \d+ kesalahan lagi \(tidak ditampilkan\)", last), last
    assert documents(workspace) == []


# -- the stamp sidecar, with strict types ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["true", '"1"', "1.0", "0", "-3", str(2**70), "null", "[1]"])
def test_stamp_sidecar_id_must_be_a_real_positive_integer(workspace, value):
    folder = inbox(workspace, f"stamp/{KIND}")
    drop(folder / "surat.yaml", f"id: {value}\n")
    drop(folder / "surat.pdf", scan_pdf("Surat yang ditandatangani"))
    before = counts(workspace)

    summary = run_once(workspace)

    assert summary.counts["failed"] == 1
    note = note_for(folder, "surat.pdf")
    assert "kolom id harus bilangan bulat positif" in note
    assert counts(workspace) == before


def test_stamp_sidecar_with_id_and_request_fields_is_refused_as_ambiguous(workspace):
    folder = inbox(workspace, f"stamp/{KIND}")
    drop(folder / "surat.yaml", yaml_text({"id": 1, "hal": "Undangan"}))
    drop(folder / "surat.pdf", scan_pdf("Surat yang ditandatangani"))

    run_once(workspace)

    assert "tidak boleh bersama kolom lain (hal)" in note_for(folder, "surat.pdf")
    assert documents(workspace) == []


# -- daily backup ------------------------------------------------------------------------------------------


def backups(ws: Workspace) -> list[Path]:
    folder = ws.root / "registers" / "cadangan"
    return sorted(folder.glob("*.sqlite")) if folder.is_dir() else []


@pytest.mark.sqlite_only("docgen's own backups are SQLite files; PostgreSQL is backed up with pg_dump")
def test_watcher_takes_one_register_backup_a_day(workspace):
    drop(inbox(workspace) / "a.yaml", yaml_text(request("Surat a")))
    run_once(workspace)
    drop(inbox(workspace) / "b.yaml", yaml_text(request("Surat b")))
    run_once(workspace)  # a restart the same day

    [backup] = backups(workspace)
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_daily_backup_can_be_turned_off(workspace):
    run_once(with_settings(workspace, "watch", backup_daily=False))
    assert backups(workspace) == []


@pytest.mark.postgresql_only("the server's register is backed up with pg_dump, outside docgen")
def test_the_watcher_leaves_a_server_register_to_pg_dump_and_logs_no_failure(workspace, caplog):
    drop(inbox(workspace) / "a.yaml", yaml_text(request()))
    with caplog.at_level(logging.ERROR, logger="docgen.watch"):
        summary = run_once(workspace)
    assert summary.counts["done"] == 1
    assert not (workspace.root / "registers" / "cadangan").exists()
    assert not [r.message for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.sqlite_only("docgen's own backups are SQLite files; PostgreSQL is backed up with pg_dump")
def test_failed_backup_is_logged_and_the_watcher_goes_on(workspace, caplog):
    blocked = workspace.root / "registers" / "cadangan"
    blocked.parent.mkdir(exist_ok=True)
    blocked.write_text("bukan folder", encoding="utf-8")  # the backup folder cannot be made
    drop(inbox(workspace) / "a.yaml", yaml_text(request()))

    with caplog.at_level(logging.ERROR, logger="docgen.watch"):
        summary = run_once(workspace)

    assert summary.counts["done"] == 1
    assert any("cadangan register harian gagal" in r.message for r in caplog.records)


def test_sigterm_with_a_fifo_in_the_inbox_still_stops_the_watcher(workspace, tmp_path, processes):
    proc = start_cli_watcher(workspace, tmp_path / "watch.log")
    processes.append(proc)
    started(workspace)
    os.mkfifo(inbox(workspace) / "pipa.yaml")
    wait_for(lambda: os.path.lexists(inbox(workspace) / "failed" / "pipa.yaml"), 30, "the FIFO filed")

    proc.send_signal(signal.SIGTERM)

    assert proc.wait(timeout=30) == 0


def damaged_under_the_watcher(ws: Workspace, log: Path, processes: list, damage: Callable[[], object]) -> None:
    """Start a watcher, ``damage`` the register, drop a letter: the watcher must say why and exit,
    leaving the letter waiting in the inbox (not the file's fault) and nothing numbered."""
    proc = start_cli_watcher(ws, log, "--settle", "0.2")
    processes.append(proc)
    started(ws)
    damage()

    drop(inbox(ws) / "surat.yaml", yaml_text(request("Surat saat register hilang")))

    assert proc.wait(timeout=60) == 1
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Galat:" in text and "Galat tak terduga" not in text and "Traceback" not in text, text
    assert (inbox(ws) / "surat.yaml").is_file()
    assert not (inbox(ws) / "failed" / "surat.yaml").exists()


def test_a_register_lost_under_a_running_watcher_stops_it_and_the_dropped_file_waits(workspace, tmp_path, processes):
    """The file moved aside, or on PostgreSQL the tables: restored, the register shows nothing numbered."""
    put_back: list[Callable[[], None]] = []
    damaged_under_the_watcher(
        workspace, tmp_path / "watch.log", processes, lambda: put_back.append(set_aside(workspace))
    )
    put_back[0]()
    with Register.open(workspace) as reg:
        assert [n["number"] for n in reg.numbers()] == []


@pytest.mark.sqlite_only("a file replaced under a running watcher; a server database has no file")
def test_a_register_replaced_under_a_running_watcher_stops_it_and_the_dropped_file_waits(
    workspace, tmp_path, processes
):
    put_back: list[Callable[[], None]] = []

    def replace() -> None:
        put_back.append(set_aside(workspace))
        saved = workspace.register_path.with_name("salinan.sqlite")
        with sqlite3.connect(saved) as old, sqlite3.connect(workspace.register_path) as new:
            old.backup(new)  # the same books in another file

    damaged_under_the_watcher(workspace, tmp_path / "watch.log", processes, replace)
    put_back[0]()
    with Register.open(workspace) as reg:
        assert [n["number"] for n in reg.numbers()] == []
