"""The folder watcher under load and after crashes: nothing lost, nothing made twice.

``docgen watch`` runs as a real process. Soak: four writer processes drop a few hundred files at
once, valid requests, invalid ones, exact copies, files written slowly in chunks while kept open,
and temp files renamed into place; afterwards every input is in exactly one outcome folder and
every distinct request has exactly one numbered document with its DOCX. Kill: the watcher is
SIGKILLed while it works (at random, and at the worst moments, by a patched copy of itself) and
restarted; the same promises must hold. The soak runs again under ``--polling``.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from test_watch import (
    DOCGEN,
    FIRST,
    SECOND,
    child_env,
    documents,
    drop,
    inbox,
    listing,
    masuk_sidecar,
    request,
    scan_pdf,
    start_cli_watcher,
    started,
    wait_for,
    yaml_text,
)

from docgen.kinds import get_kind
from docgen.profile import Workspace
from docgen.register import Register, check_register
from docgen.watch import watch_status

pytestmark = pytest.mark.slow

KIND = "surat-keluar"
TEMP_ENDINGS = (".tmp", ".part", ".crdownload")


# -- the writers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drop:
    """One file a writer puts into the inbox, and how."""

    name: str
    kind: str  # valid, slow, renamed, invalid, copy
    content: bytes
    seconds: float = 0.0  # how long a slow write takes
    original: str = ""  # for a copy: the name of the file it copies
    hal: str = ""  # for a valid request and its copies


def write(folder: Path, item: Drop, rng: random.Random) -> None:
    target = folder / item.name
    if item.kind == "slow":  # kept open between chunks, no pause longer than 0.25 s
        chunks = max(4, int(item.seconds / 0.2) + 1)
        step = -(-len(item.content) // chunks)
        with target.open("wb") as fh:
            for start in range(0, len(item.content), step):
                fh.write(item.content[start : start + step])
                fh.flush()
                time.sleep(item.seconds / chunks)
    elif item.kind == "renamed":
        ending = rng.choice(TEMP_ENDINGS)
        temp = folder / (f".{item.name}" if ending == ".tmp" and rng.random() < 0.5 else item.name + ending)
        temp.write_bytes(item.content)
        time.sleep(rng.uniform(0, 0.05))
        os.replace(temp, target)
    else:
        target.write_bytes(item.content)


def writer(folder: str, plan: list[Drop], seed: int) -> None:
    """Drop ``plan`` in order, a few milliseconds apart; copies come last, after a pause."""
    rng = random.Random(seed)
    copies_started = False
    for item in plan:
        if item.kind == "copy" and not copies_started:
            copies_started = True
            time.sleep(0.3)  # the originals are closed and older than any copy
        write(Path(folder), item, rng)
        time.sleep(rng.uniform(0, 0.02))


def make_plans(writers: int, valid: int, slow: int, renamed: int, invalid: int, copies: int) -> list[list[Drop]]:
    """Per writer: distinct valid requests (YAML, some JSON), slow and renamed ones, invalid ones
    (no ``hal``, or broken YAML), and exact copies of some of its valid ones under new names."""
    plans = []
    for w in range(writers):
        rng = random.Random(1000 + w)
        items: list[Drop] = []
        for i in range(valid + slow + renamed):
            data = request(f"Uji beban penulis {w} surat {i:03d}")
            kind = "valid" if i < valid else "slow" if i < valid + slow else "renamed"
            if kind == "valid" and i % 5 == 4:
                name, content = f"w{w}-{i:03d}-{kind}.json", json.dumps(data, ensure_ascii=False).encode()
            else:
                name, content = f"w{w}-{i:03d}-{kind}.yaml", yaml_text(data).encode()
            seconds = rng.uniform(1.0, 3.0) if kind == "slow" else 0.0
            items.append(Drop(name, kind, content, seconds=seconds, hal=data["hal"]))
        for i in range(invalid):
            if i % 4 == 3:
                content = b"hal: 'tanda kutip tidak ditutup\nkka: 500.16.7.2\n"
            else:
                data = request()
                del data["hal"]
                data["lampiran"] = f"{i + 1} berkas (penulis {w})"
                content = yaml_text(data).encode()
            items.append(Drop(f"w{w}-{i:03d}-invalid.yaml", "invalid", content))
        rng.shuffle(items)
        sources = [d for d in items if d.kind in ("valid", "renamed")]
        for i, original in enumerate(rng.sample(sources, copies)):
            name = f"w{w}-{i:03d}-copy{Path(original.name).suffix}"
            items.append(Drop(name, "copy", original.content, original=original.name, hal=original.hal))
        plans.append(items)
    return plans


def run_writers(folder: Path, plans: list[list[Drop]]) -> None:
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=writer, args=(str(folder), plan, seed)) for seed, plan in enumerate(plans)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]


# -- checks -----------------------------------------------------------------------------------------


def filed(ws: Workspace) -> int:
    """Inputs that reached an outcome folder of inbox/surat-keluar."""
    row = next(r for r in watch_status(ws) if r["folder"] == f"inbox/{KIND}")
    return row["done"] + row["failed"] + row["duplicate"]


def stop(proc: subprocess.Popen, log: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, text[-3000:]
    assert "Traceback" not in text and "Galat" not in text, text[-3000:]


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def assert_each_request_made_once(ws: Workspace, hals: set[str]) -> None:
    """One issued document per distinct request (by hal), each with its DOCX, and nothing else."""
    with Register.open(ws) as reg:
        docs = [d for d in reg.documents(kind=KIND) if d.number_status == "issued"]
        by_hal: dict[str, list] = {}
        for d in docs:
            by_hal.setdefault(d.subject, []).append(d.number)
        twice = {h: n for h, n in by_hal.items() if len(n) > 1}
        assert not twice, f"requests numbered more than once: {twice}"
        assert set(by_hal) == hals, (
            f"missing {sorted(hals - set(by_hal))[:5]}, unexpected {sorted(set(by_hal) - hals)[:5]}"
        )
        assert len({d.number for d in docs}) == len(docs)
        recorded = set()
        for d in docs:
            [docx] = [f["path"] for f in reg.files(d.id, current_only=True) if f["role"] == "docx"]
            recorded.add(docx)
            assert escape(d.subject) in docx_text(ws.outbox / docx), f"{docx} does not carry '{d.subject}'"
        report = check_register(reg)
        assert report.ok, report.problems
        assert not [n for n in reg.numbers() if n["status"] == "reserved"], "a number was left reserved"
    on_disk = {p.relative_to(ws.outbox).as_posix() for p in ws.outbox.rglob("*.docx")}
    assert {p for p in on_disk if not p.startswith("_yatim/")} == recorded, "a DOCX the register does not know"


def soak(ws: Workspace, tmp_path: Path, processes: list, options: list[str], sizes: dict[str, int]) -> None:
    folder = inbox(ws)
    log = tmp_path / "watch.log"
    proc = start_cli_watcher(ws, log, *options)
    processes.append(proc)
    started(ws)  # probe.json -> failed/
    plans = make_plans(4, **sizes)
    items = [d for plan in plans for d in plan]
    assert len(items) == len({d.name for d in items})

    began = time.monotonic()
    run_writers(folder, plans)
    wait_for(lambda: filed(ws) == len(items) + 1, 90, f"all {len(items)} inputs to be filed ({log})")
    took = time.monotonic() - began
    stop(proc, log)

    outcome = {"valid": "done", "slow": "done", "renamed": "done", "invalid": "failed", "copy": "duplicate"}
    names = listing(folder)
    left = [n for n in names if "/" not in n]
    assert not left, f"left in the inbox: {left}"
    for item in items:
        where = [n.split("/")[0] for n in names if n.split("/")[-1] == item.name]
        assert where == [outcome[item.kind]], f"{item.name} ({item.kind}) is in {where}"
        stored = folder / outcome[item.kind] / item.name
        assert stored.read_bytes() == item.content, f"{item.name} changed on its way"
    expected_files = {f"{outcome[d.kind]}/{d.name}" for d in items}
    expected_files |= {f"failed/{d.name}.error.txt" for d in items if d.kind == "invalid"}
    expected_files |= {f"duplicate/{d.name}.duplikat.txt" for d in items if d.kind == "copy"}
    expected_files |= {"failed/probe.json", "failed/probe.json.error.txt"}
    assert set(names) == expected_files

    for item in items:
        if item.kind == "invalid":
            note = (folder / "failed" / f"{item.name}.error.txt").read_text(encoding="utf-8")
            assert note.startswith(f"{item.name} GAGAL diproses."), note
            assert "'hal' wajib diisi" in note or "tidak sah (baris" in note, note
    assert_each_request_made_once(ws, {d.hal for d in items if d.kind in ("valid", "slow", "renamed")})
    with Register.open(ws) as reg:
        number_of = {d.subject: d.number for d in reg.documents()}
    for item in items:
        if item.kind == "copy":
            note = (folder / "duplicate" / f"{item.name}.duplikat.txt").read_text(encoding="utf-8")
            assert f"- {number_of[item.hal]}" in note, (item.name, item.original, note)
    print(f"{len(items)} files filed in {took:.1f} s ({' '.join(options) or 'inotify'})")


# -- soak ---------------------------------------------------------------------------------------


def test_soak_four_writers_a_few_hundred_files(workspace, tmp_path, processes):
    soak(workspace, tmp_path, processes, [], dict(valid=38, slow=5, renamed=7, invalid=8, copies=8))


def test_soak_under_polling(workspace, tmp_path, processes):
    soak(workspace, tmp_path, processes, ["--polling", "--settle", "0.5"],
         dict(valid=15, slow=3, renamed=3, invalid=4, copies=4))  # fmt: skip


# -- kill -------------------------------------------------------------------------------------------


def restart_once(ws: Workspace) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [DOCGEN, "--workspace", str(ws.root), "watch", "--once", "--settle", "0.2"],
        capture_output=True, text=True, timeout=120, env=child_env(), cwd=ws.root,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_sigkill_in_the_middle_loses_nothing_and_makes_nothing_twice(workspace, tmp_path, processes):
    folder = inbox(workspace)
    proc = start_cli_watcher(workspace, tmp_path / "watch.log")
    processes.append(proc)
    started(workspace)
    hals = {f"Surat sebelum mati {i:03d}" for i in range(100)}
    for hal in sorted(hals):
        drop(folder / f"{hal.split()[-1]}.yaml", yaml_text(request(hal)))
    wait_for(lambda: len(list((folder / "done").glob("*.yaml"))) >= 25, 30, "25 files in done/")

    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    at_kill = len(list((folder / "done").glob("*.yaml")))
    assert 0 < at_kill < 100, "all files were done before the kill: nothing was tested"

    restart_once(workspace)

    assert sorted(listing(folder)) == sorted(
        ["failed/probe.json", "failed/probe.json.error.txt", *(f"done/{h.split()[-1]}.yaml" for h in hals)]
    ), "an input did not end in done/"
    assert_each_request_made_once(workspace, hals)
    with Register.open(workspace) as reg:
        unfinished = [d for d in reg.documents() if d.number_status != "issued"]
        assert len(unfinished) <= 1, unfinished  # at most the one in hand, voided as interrupted
        assert all(d.state == "batal" for d in unfinished), unfinished
        voided = [(n["doc_id"], n["reason"]) for n in reg.numbers() if n["status"] != "issued"]
        assert voided == [(d.id, "interrupted") for d in unfinished]


KILLER = """
import os, signal, sys
from docgen.profile import load_workspace
from docgen.register import Register
import docgen.watch.intake as intake
import docgen.watch.service as service

def die():
    os.kill(os.getpid(), signal.SIGKILL)

{patch}
service.Watcher(load_workspace(sys.argv[1], env={{}}), settle_s=0.1).run(once=True)
"""


def run_killer(ws: Workspace, patch: str) -> None:
    """Run the watcher (--once) in a child with ``patch`` applied; it must die by SIGKILL."""
    done = subprocess.run(
        [sys.executable, "-c", KILLER.format(patch=patch), str(ws.root)],
        capture_output=True, text=True, timeout=120, env=child_env(), cwd=ws.root,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr


def three_requests(ws: Workspace) -> None:
    base = 1_790_000_000
    for i, name in enumerate(("a", "b", "c")):
        path = drop(inbox(ws) / f"{name}.yaml", yaml_text(request(f"Surat {name}")))
        os.utime(path, (base + i, base + i))  # taken in this order


def test_kill_after_recording_before_filing_away_ends_in_done_not_duplicate(workspace):
    three_requests(workspace)
    run_killer(workspace, """
real = service.file_away
def file_away(path, outcome):
    if path.name == "b.yaml":
        die()
    return real(path, outcome)
service.file_away = file_away
""")  # fmt: skip
    assert listing(inbox(workspace)) == ["b.yaml", "c.yaml", "done/a.yaml"]
    assert [d.subject for d in documents(workspace)] == ["Surat a", "Surat b"]  # b recorded, not filed

    restart_once(workspace)

    assert listing(inbox(workspace)) == ["done/a.yaml", "done/b.yaml", "done/c.yaml"]
    assert [(d.subject, d.number_status) for d in documents(workspace)] == [
        ("Surat a", "issued"), ("Surat b", "issued"), ("Surat c", "issued"),
    ]  # fmt: skip
    with Register.open(workspace) as reg:
        assert check_register(reg).ok


def kill_between_writing_and_recording(ws: Workspace) -> None:
    drop(inbox(ws) / "a.yaml", yaml_text(request("Surat a")))
    run_killer(ws, """
def record_files(self, *args, **kwargs):
    die()
Register.record_files = record_files
""")  # fmt: skip
    assert (ws.root / "outbox/2026/surat-keluar/500.16.7.2-1-423.105-2026.docx").is_file()  # written, unrecorded
    restart_once(ws)


def test_kill_between_writing_and_recording_voids_the_number_and_makes_the_document_again(workspace):
    kill_between_writing_and_recording(workspace)

    assert listing(inbox(workspace)) == ["done/a.yaml"]
    docs = documents(workspace)
    assert [(d.subject, d.number, d.state) for d in docs] == [
        ("Surat a", None, "batal"),  # its number never issued
        ("Surat a", SECOND, "numbered"),
    ]
    with Register.open(workspace) as reg:
        numbers = [(n["number"], n["status"], n["doc_id"], n["reason"]) for n in reg.numbers()]
        assert numbers == [(FIRST, "void", docs[0].id, "interrupted"), (SECOND, "issued", docs[1].id, None)]
        assert check_register(reg).ok


def test_kill_between_writing_and_recording_leaves_nothing_for_a_later_audit(workspace):
    kill_between_writing_and_recording(workspace)
    leftover = workspace.root / "outbox/2026/surat-keluar/500.16.7.2-1-423.105-2026.docx"
    if leftover.exists():  # the audit an hour later: the file is no longer "just written"
        an_hour_ago = time.time() - 3600
        os.utime(leftover, (an_hour_ago, an_hour_ago))

    with Register.open(workspace) as reg:
        report = check_register(reg)
    assert report.ok, report.problems


def test_kill_after_the_sidecar_moved_before_its_scan_ends_in_done(workspace):
    folder = inbox(workspace, "masuk")
    drop(folder / "dlh.yaml", masuk_sidecar())
    drop(folder / "dlh.pdf", scan_pdf("Surat DLH"))
    run_killer(workspace, """
real = intake.os.replace
class OsProxy:
    def __getattr__(self, name):
        return getattr(os, name)
    def replace(self, src, dst):
        if str(src).endswith("dlh.pdf"):
            die()
        return real(src, dst)
intake.os = OsProxy()
""")  # fmt: skip
    assert listing(folder) == ["dlh.pdf", "done/dlh.yaml"]  # recorded; the sidecar moved, the scan not yet

    restart_once(workspace)

    assert listing(folder) == ["done/dlh.pdf", "done/dlh.yaml"]
    assert [d.subject for d in documents(workspace)] == [get_kind("surat-masuk").example["hal"]]
