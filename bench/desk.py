"""Benchmark: ``docgen meja`` with 20 logged-in clients against a register of 50,000 documents.

- A temporary workspace (``create_workspace``) whose register is filled in one transaction with N
  documents (default 50,000, ``--documents``) written straight into the register's own tables
  (generate() would take hours): 70% surat keluar (most numbered, sent or archived; a few hundred
  drafts, verified and signed ones waiting; some batal with their number void), 24% surat masuk
  with agenda row and disposition (most done; about 2.5% not yet disposed, 2% not received, 2.5%
  not followed up) and 6% Sertifikat Standar, dated over the last three years. Every number is its
  own ``numbers`` row, unique per (series, year, seq), pointed to by ``documents.number_id``; the
  counters hold the last seq. One ``document.created`` event per document through ``append_event``
  keeps the hash chain valid. No files: a document page lists none, with the same query.
- Accounts spread over umum, pimpinan and bidang (Kepala Bidang Pelayanan Terpadu Satu Pintu).
- The real desk as a subprocess: ``docgen meja --host 127.0.0.1 --port <free>`` in the workspace.
- C clients (default 20, ``--clients``), threads with one keep-alive connection each, log in (not
  timed), then for S seconds (default 30, ``--seconds``), back to back or ``--think`` seconds
  apart, ask in turn: the home page (queues), a document page (a random document the account may
  read), the search page (``?hal=<word>`` or ``?nomor=<digits>``), another document page.

It prints pages/s, p50/p95/p99 latency per page type and overall, errors (non-200 answers), the
desk's CPU, the goal (p95 < 200 ms), and then the register calls behind those pages timed in this
process on the same register (opening it, the queues, the searches): where the time goes.
Run from the repository root: ``.venv/bin/python bench/desk.py [--clients 20 --seconds 30
--documents 50000 --think 0]``. It uses a temporary workspace only and stops the desk it started.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from serve import cpu_seconds, free_port  # bench/ is the script's folder

from docgen.desk.roles import KIND_MAKERS
from docgen.kinds import get_kind
from docgen.pattern import NumberParts, format_number
from docgen.pipeline import create_workspace
from docgen.profile import Profile, Workspace, load_workspace
from docgen.register import Register
from docgen.register.agenda import dedup_key, queue
from docgen.register.books import new_token
from docgen.register.events import append_event
from docgen.register.search import SearchQuery, search_documents
from docgen.register.users import add_user, get_user
from docgen.store.db import atomic

DOCGEN = str(Path(sys.executable).parent / "docgen")
GOAL_P95_MS = 200.0
UNIT = "Kepala Bidang Pelayanan Terpadu Satu Pintu"
PASSWORD = "bench-sandi-meja-2026"
ROLES = ("umum", "pimpinan", "bidang")  # clients take them in turn
PAGES = ("beranda", "dokumen", "cari", "dokumen")
TOPICS = ["Perizinan Berusaha Berbasis Risiko", "OSS RBA", "Laporan Kegiatan Penanaman Modal (LKPM)",
          "Izin Reklame", "Persetujuan Bangunan Gedung", "Pengaduan Masyarakat", "Survei Kepuasan Masyarakat",
          "Pelayanan Publik", "Rencana Kerja Tahunan", "Anggaran Perubahan", "Data Investasi Triwulan"]  # fmt: skip
OPENINGS = ["Undangan Rapat Koordinasi", "Permohonan Data", "Sosialisasi", "Penyampaian", "Pemberitahuan",
            "Undangan Rapat Evaluasi", "Laporan", "Tindak Lanjut", "Permohonan Narasumber"]  # fmt: skip
SENDERS = ["Dinas Lingkungan Hidup", "Badan Pendapatan Daerah", "Dinas Pekerjaan Umum dan Penataan Ruang",
           "Inspektorat", "Bagian Organisasi Setda", "Kementerian Investasi/BKPM", "DPMPTSP Provinsi Jawa Timur",
           "Kecamatan Gadingrejo", "Dinas Koperasi dan Usaha Mikro"]  # fmt: skip
WORDS = ["rapat", "sosialisasi", "reklame", "lkpm", "pengaduan", "data investasi", "narasumber", "anggaran"]


def _stamp(day: date, hour: int = 3) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00.000000+00:00"


def _number(profile: Profile, seqs: dict, kind: str, day: date, kka: str | None) -> tuple:
    """The next number of ``kind``'s series on ``day``: (series, year, seq, number as printed)."""
    series = get_kind(kind).series_for(profile)
    year = day.year if profile.series[series].restart == "yearly" else 0
    seqs[series, year] += 1
    parts = NumberParts(seqs[series, year], day.year, day.month, kka or "", profile.office.unit_code)
    return series, year, seqs[series, year], format_number(profile.series[series].pattern, parts)


def _disposition(doc_id: int, unit: str, day: date, pending: float, head: str) -> tuple:
    """Round 1 to ``unit``: received and followed up, unless ``pending`` says it is still open."""
    made, received, done = (_stamp(day + timedelta(days=d)) for d in (1, 2, 4))
    received, done = (None, None) if pending < 0.45 else (received, None) if pending < 0.70 else (received, done)
    return (doc_id, 1, head, json.dumps([unit]), json.dumps(["Proses lebih lanjut"]), made,
            received and f"Staf {unit}", received, done, done and "Sudah ditindaklanjuti")  # fmt: skip


def seed(ws: Workspace, total: int, rng: random.Random) -> dict[str, list[int]]:
    """Fill the register in one transaction; the ids each kind of account may open."""
    profile, units = ws.profile, list(ws.profile.disposition.units)
    counts = {"surat-keluar": round(total * 0.70), "surat-masuk": round(total * 0.24)}
    counts["sertifikat-standar"] = total - sum(counts.values())
    order = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(order)
    today, span, seen = date.today(), 3 * 365, dict.fromkeys(counts, 0)
    seqs: dict[tuple[str, int], int] = defaultdict(int)
    docs, numbers, incoming, rounds = [], [], [], []
    readable: dict[str, list[int]] = {"all": list(range(1, total + 1)), "bidang": []}
    for doc_id, kind in enumerate(order, start=1):
        day = today - timedelta(days=span - (doc_id - 1) * span // total)  # ids grow with the date
        seen[kind] += 1
        recent = seen[kind] > counts[kind] * 0.9  # the last tenth of each kind: where pending work is
        subject, pick = f"{rng.choice(OPENINGS)} {rng.choice(TOPICS)}", rng.random()
        request = dict(get_kind(kind).example, tanggal=day.isoformat())
        kka = profile.kinds[kind].kka if kind in profile.kinds else None
        signer, sifat, state, status = profile.officials[profile.head].name, "Biasa", "numbered", "issued"
        if kind == "surat-keluar":
            addressee = f"Kepala {rng.choice(SENDERS)} Kota Pasuruan"
            request.update(hal=subject, kepada=[addressee])
            readable["bidang"].append(doc_id)
            if recent and pick < 0.15:
                state, status = rng.choice(["draft", "draft", "verified", "signed"]), None
            elif pick < 0.003:
                state, status = "batal", "void"
            else:
                state = "archived" if pick < 0.45 else "sent" if pick < 0.85 else "numbered"
        elif kind == "surat-masuk":
            addressee, signer, sifat = f"{rng.choice(SENDERS)} Kota Pasuruan", "", "Segera"
            nomor = f"{rng.randint(100, 999)}/{rng.randint(1, 900)}/423.{rng.randint(100, 120)}/{day.year}"
            letter_day = day - timedelta(days=rng.randint(1, 7))
            request.update(dari=addressee, hal=subject, diterima=day.isoformat(), nomor=nomor)
            key = dedup_key(addressee, nomor, letter_day)
            incoming.append((doc_id, addressee, nomor, letter_day.isoformat(), day.isoformat(), key, None))
            unit = UNIT if rng.random() < 0.3 else rng.choice(units)
            if not recent or pick >= 0.25:  # a quarter of the recent tenth is not yet disposed
                rounds.append(_disposition(doc_id, unit, day, pick if recent else 1.0, profile.head))
                if unit == UNIT:
                    readable["bidang"].append(doc_id)
            state = "numbered" if recent else "archived"
        else:
            addressee, sifat = f"CV USAHA {doc_id} (NIB 91{doc_id:011d})", ""
            subject = "Sertifikat Standar KBLI 56101 Restoran (MR)"
            request.update(nama_usaha=f"CV USAHA {doc_id}", nib=f"91{doc_id:011d}")
        number_id, reason = (len(numbers) + 1, None) if status else (None, None)
        if status:
            reason, voided = ("Salah alamat", _stamp(day, 5)) if status == "void" else (None, None)
            number = _number(profile, seqs, kind, day, kka)
            numbers.append((number_id, *number, status, doc_id, reason, _stamp(day), _stamp(day, 4), voided))
        text, stamp = json.dumps(request, ensure_ascii=False), _stamp(day)
        docs.append((doc_id, kind, state, number_id, kka, subject, addressee, day.isoformat(), signer, sifat, text,
                     reason, stamp, stamp, new_token()))  # fmt: skip
    with Register.open(ws) as reg, atomic(reg.conn):
        conn = reg.conn
        conn.execute("PRAGMA defer_foreign_keys = ON")  # documents and numbers point at each other
        conn.executemany(
            "INSERT INTO documents (id, kind, state, number_id, kka, subject, addressee, doc_date, signer, sifat,"
            " request_json, void_reason, created_at, updated_at, token) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            docs,
        )
        conn.executemany(
            "INSERT INTO numbers (id, series, year, seq, number, status, doc_id, reason, reserved_at, issued_at,"
            " voided_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            numbers,
        )
        conn.executemany("INSERT INTO incoming VALUES (?,?,?,?,?,?,?)", incoming)
        conn.executemany(
            "INSERT INTO dispositions (doc_id, round, by_official, to_units, instructions, created_at, received_by,"
            " received_at, done_at, follow_up) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rounds,
        )
        conn.executemany("INSERT INTO counters VALUES (?,?,?)", [(s, y, n) for (s, y), n in seqs.items()])
        for doc_id, kind, state, *_ in docs:  # the chain through the register's own append_event
            append_event(conn, "document.created", doc_id=doc_id, kind=kind, state=state, seeded="bench")
    return readable


def make_users(ws: Workspace, clients: int) -> list[tuple[str, str]]:
    accounts = []
    with Register.open(ws) as reg:
        for i in range(clients):
            role = ROLES[i % len(ROLES)]
            name = f"{role}{i:02d}"
            add_user(reg, name, f"Pegawai {role} {i}", [role], PASSWORD, unit=UNIT if role == "bidang" else "")
            accounts.append((name, role))
    return accounts


def start_desk(root: Path, port: int, log: Path) -> subprocess.Popen:
    """The desk's output goes to a file: a pipe nobody reads would stop it once full."""
    with log.open("wb") as out:
        return subprocess.Popen([DOCGEN, "meja", "--host", "127.0.0.1", "--port", str(port)], cwd=root,
                                env={**os.environ, "DOCGEN_WORKSPACE": str(root)}, stdout=out, stderr=out,
                                start_new_session=True)  # fmt: skip


def wait_ready(desk: subprocess.Popen, port: int, log: Path, timeout: float = 60.0) -> None:
    """serve.py's wait, reading the desk's log file instead of its stderr."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if desk.poll() is not None:
            raise SystemExit(f"desk exited ({desk.returncode}): {log.read_text(errors='replace')[-1500:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/masuk")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"desk did not answer on port {port} within {timeout:.0f} s")


class Client:
    """One browser: a keep-alive connection and the session cookie it sends back itself."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": f"meja_sesi={self.cookie}"} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        answer = self.conn.getresponse()
        data = answer.read()
        for cookie in answer.headers.get_all("set-cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if name == "meja_sesi":
                self.cookie = value
        return answer.status, data

    def login(self, username: str) -> None:
        status, page = self.request("GET", "/masuk")
        csrf = re.search(rb'name="csrf" value="([^"]+)"', page)
        if status != 200 or csrf is None:
            raise SystemExit(f"login page answered {status} without a CSRF token")
        form = urlencode({"nama": username, "sandi": PASSWORD, "csrf": csrf.group(1).decode(), "lanjut": "/"})
        status, page = self.request("POST", "/masuk", form)
        if status != 303:
            raise SystemExit(f"login of {username} answered {status}: {page[:300]!r}")


def browse(client: Client, ids: list[int], rng: random.Random, start: threading.Barrier, window: list[float],
           think: float, out: list[tuple[str, float, int]]) -> None:  # fmt: skip
    start.wait()
    turn = rng.randrange(len(PAGES))
    while time.perf_counter() < window[0]:
        page = PAGES[turn % len(PAGES)]
        turn += 1
        if page == "beranda":
            path = "/"
        elif page == "dokumen":
            path = f"/dokumen/{rng.choice(ids)}"
        elif rng.random() < 0.5:
            path = "/cari?" + urlencode({"hal": rng.choice(WORDS)})
        else:
            path = "/cari?" + urlencode({"nomor": str(rng.randint(1, 999))})
        began = time.perf_counter()
        try:
            status, _ = client.request("GET", path)
        except (OSError, http.client.HTTPException):
            status = 0
            client.conn.close()
        if time.perf_counter() <= window[0]:
            out.append((page, time.perf_counter() - began, status))
        if think:
            time.sleep(rng.uniform(0.5, 1.5) * think)


def logged_in(port: int, accounts: list[tuple[str, str]]) -> list[Client]:
    clients = [Client(port) for _ in accounts]
    for client, (name, _) in zip(clients, accounts, strict=True):
        client.login(name)
    return clients


def load(clients: list[Client], ids: list[list[int]], seconds: float, think: float) -> list[tuple[str, float, int]]:
    """Every client browses at once for ``seconds``; (page, latency, status) of each answer in the window."""
    start, window = threading.Barrier(len(clients) + 1), [time.perf_counter() + seconds + 0.05]
    results: list[list[tuple[str, float, int]]] = [[] for _ in clients]
    runs = [(c, ids[i], random.Random(i), start, window, think, results[i]) for i, c in enumerate(clients)]
    threads = [threading.Thread(target=browse, args=run) for run in runs]
    for t in threads:
        t.start()
    start.wait()
    for t in threads:
        t.join()
    return [r for rs in results for r in rs]


def pct(values: list[float], p: float) -> float:
    return sorted(values)[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")


def timed(call, repeat: int = 5) -> float:  # noqa: ANN001
    """Milliseconds per call, the best of ``repeat`` (the register's pages are in the OS cache)."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - began)
    return best * 1000


def breakdown(ws: Workspace, readable: dict[str, list[int]]) -> list[tuple[str, float]]:
    """The register calls behind the pages, timed in this process on the same register."""
    today, every = date.today(), list(KIND_MAKERS)
    with Register.open(ws) as reg:
        masuk = next(d for d in readable["bidang"] if reg.document(d).kind == "surat-masuk")
        rows = [
            ("Register.open + close (once per desk thread, then kept)", timed(lambda: Register.open(ws).close())),
            ("get_user (every page)", timed(lambda: get_user(reg, "umum00"))),
        ]
        for name in ("belum-disposisi", "belum-diterima", "belum-selesai"):
            count = len(queue(reg, name, today=today))
            rows.append((f"queue('{name}') -> {count} items", timed(lambda n=name: queue(reg, n, today=today))))
        for state in ("draft", "verified", "signed"):
            q = SearchQuery(status=[state], per_halaman=50)
            rows.append(
                (f"home tray search status={state} (COUNT + page)", timed(lambda q=q: search_documents(reg, q)))
            )
        for asked in ({"hal": "rapat"}, {"nomor": "123"}, {"hal": "data investasi"}):
            q = SearchQuery(**asked, jenis=every, per_halaman=50)
            total = search_documents(reg, q)[1]
            rows.append((f"search {asked} over all kinds -> {total}", timed(lambda q=q: search_documents(reg, q))))
        rows.append((f"document page reads (surat masuk {masuk})",
                     timed(lambda: (reg.document(masuk), reg.files(masuk), reg.events(masuk)))))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a client's pages, seconds")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="docgen-bench-desk-") as tmp:
        root = Path(tmp) / "ws"
        create_workspace(root)
        profile = root / "docgen.toml"  # every client logs in from 127.0.0.1: lift the per-address throttle
        text = profile.read_text(encoding="utf-8").replace("logins_per_minute = 10 ", "logins_per_minute = 100000 ")
        profile.write_text(text, encoding="utf-8")
        ws = load_workspace(root, env={})
        t0 = time.perf_counter()
        readable = seed(ws, args.documents, random.Random(16))
        seeded = time.perf_counter() - t0
        accounts = make_users(ws, args.clients)
        with Register.open(ws) as reg:
            total = reg.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            by_kind = dict(reg.conn.execute("SELECT kind, COUNT(*) FROM documents GROUP BY kind").fetchall())
        size = ws.register_path.stat().st_size / 1e6
        print(f"register: {total} documents {by_kind}, {size:.0f} MB, seeded in {seeded:.1f} s")
        port = free_port()
        log = Path(tmp) / "meja.log"
        desk = start_desk(root, port, log)
        try:
            wait_ready(desk, port, log)
            clients = logged_in(port, accounts)
            ids = [readable["bidang" if role == "bidang" else "all"] for _, role in accounts]
            load(clients, ids, 2.0, 0.0)  # warm-up: imports, templates, the register's pages in the OS cache
            cpu0, own0 = cpu_seconds(desk.pid), time.process_time()
            results = load(clients, ids, args.seconds, args.think)
            desk_cpu, own_cpu = cpu_seconds(desk.pid) - cpu0, time.process_time() - own0
        finally:
            os.killpg(desk.pid, signal.SIGTERM)
            try:
                desk.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(desk.pid, signal.SIGKILL)
                desk.wait()
        rows = breakdown(ws, readable)
    roles = ", ".join(f"{sum(r == role for _, r in accounts)} {role}" for role in ROLES)
    pause = f"{args.think:g} s mean think time" if args.think else "back to back"
    print(f"{args.clients} clients ({roles}), {args.seconds:g} s, pages {pause}; desk: uvicorn, one process")
    ok = [r for r in results if r[2] == 200]
    errors = len(results) - len(ok)
    print(f"  {len(ok)} pages served, {len(ok) / args.seconds:.1f} pages/s, errors (non-200): {errors}")
    print(f"  {'page':<8} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page in ("beranda", "dokumen", "cari", "all"):
        lat = [r[1] for r in ok if page in (r[0], "all")]
        print(f"  {page:<8} {len(lat):>6} {pct(lat, 0.5):>8.1f} {pct(lat, 0.95):>8.1f} {pct(lat, 0.99):>8.1f}")
    print(f"  desk CPU: {desk_cpu / args.seconds * 100:.0f}% of one core, {desk_cpu / max(1, len(results)) * 1e3:.1f}"
          f" ms per page; this client: {own_cpu / args.seconds * 100:.0f}% of one core")  # fmt: skip
    p95 = pct([r[1] for r in ok], 0.95)
    print(f"goal: p95 < {GOAL_P95_MS:.0f} ms: {'met' if p95 < GOAL_P95_MS else 'NOT met'} ({p95:.0f} ms)")
    print("register calls behind the pages (this process, best of 5):")
    for label, ms in rows:
        print(f"  {ms:8.1f} ms  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
