"""Shared fixtures for the register tests.

Every test works in its own workspace under ``tmp_path``; the repository's own ``registers/``
and ``outbox/`` folders are watched and must come out of every test exactly as they went in.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import select
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from docgen.inbox import create_inbox
from docgen.kinds import get_kind
from docgen.pipeline import create_workspace
from docgen.profile import Workspace, copy_defaults, load_workspace
from docgen.register import Register

REPO = Path(__file__).resolve().parents[1]
PROTECTED = (REPO / "registers", REPO / "outbox")


def _snapshot(folders: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    seen: dict[str, tuple[int, int]] = {}
    for folder in folders:
        if not folder.exists():
            seen[str(folder)] = (-1, -1)
            continue
        for path in folder.rglob("*"):
            st = path.lstat()
            seen[str(path)] = (st.st_size, st.st_mtime_ns)
    return seen


@pytest.fixture(autouse=True)
def _stay_out_of_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run each test from ``tmp_path`` with no DOCGEN_* settings, and prove the repo's books untouched."""
    for var in list(os.environ):
        if var.startswith("DOCGEN_"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(PROTECTED)
    yield
    assert _snapshot(PROTECTED) == before, "a test wrote into the repository's registers/ or outbox/"


# -- the register's two backends: SQLite (a file) and PostgreSQL (a server) -------------------

#: Test modules whose every workspace test runs once per backend (issue 9: the same promises on both).
BOTH_BACKENDS = ("test_register_", "test_incoming", "test_archive", "test_watch", "test_batch")
BACKENDS = ("sqlite", "postgresql")
#: The server the tests use: trust authentication for user postgres on the local machine.
PG_SERVER = os.environ.get("PG_TEST_SERVER", "postgresql://postgres@127.0.0.1:5432")
_pg_answer: list[str | None] = []  # memo of the one reachability probe: [None] = answers, [reason] = not


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): about the SQLite file itself; runs on SQLite only")
    config.addinivalue_line("markers", "postgresql_only(reason): about the server; runs on PostgreSQL only")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each workspace test of the register, intake, archive and watcher modules on both backends."""
    if "backend" not in metafunc.fixturenames:
        return
    if not metafunc.module.__name__.rpartition(".")[2].startswith(BOTH_BACKENDS):
        return
    chosen = list(BACKENDS)
    for mark in metafunc.definition.iter_markers():  # the closest one wins: a test's over its module's
        if mark.name in ("sqlite_only", "postgresql_only"):
            chosen = [mark.name.removesuffix("_only")]
            break
    metafunc.parametrize("backend", chosen, indirect=True)


def require_postgres() -> None:
    """Skip when no PostgreSQL answers at PG_SERVER, except under CI (``CI=true``), where it fails."""
    if not _pg_answer:
        import psycopg

        try:
            psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
            _pg_answer.append(None)
        except psycopg.Error as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            _pg_answer.append(
                f"PostgreSQL tidak menjawab di {PG_SERVER} ({first}); jalankan tools/install-system-deps.sh"
            )
    reason = _pg_answer[0]
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: which register the test's workspaces get (SQLite elsewhere)."""
    name: str = getattr(request, "param", "sqlite")
    if name == "postgresql":
        require_postgres()
    return name


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def use_postgres(root: Path) -> str:
    """Give the workspace at ``root`` a fresh database of its own; return its name (drop it later).

    The url goes into the workspace's docgen.toml, so every process that loads the workspace
    (holders, watcher subprocesses, the CLI) reaches the same register.
    """
    name = f"docgen_test_{uuid.uuid4().hex[:16]}"
    _pg_admin(f"CREATE DATABASE {name}")
    profile = root / "docgen.toml"
    text = profile.read_text(encoding="utf-8")
    assert "\n[register]\n" in text, "the shipped profile lost its [register] section"
    url = f'url = "{PG_SERVER}/{name}"'
    profile.write_text(text.replace("\n[register]\n", f"\n[register]\n{url}\n", 1), encoding="utf-8")
    return name


def drop_database(name: str) -> None:
    """Drop a database a test created; WITH (FORCE) ends connections left open (watcher subprocesses)."""
    assert name.startswith("docgen_test_")
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def make_workspace(backend: str) -> Iterator[Callable[..., Workspace]]:
    """``docgen init`` at a path, on the test's backend: a fresh database per workspace on PostgreSQL."""
    created: list[str] = []

    def make(target: Path, *, register: bool = True) -> Workspace:
        """With ``register=False``: a copy of the shipped folder, no register yet (an empty database)."""
        if backend == "sqlite" and register:
            return create_workspace(target)
        root = copy_defaults(target)
        if backend == "postgresql":
            created.append(use_postgres(root))
        ws = load_workspace(root, env={})
        if register:
            Register.create(ws).close()
            create_inbox(ws)
        return ws

    yield make
    for name in created:
        drop_database(name)


@pytest.fixture
def workspace(tmp_path: Path, make_workspace: Callable[..., Workspace]) -> Workspace:
    """A fresh workspace (shipped profile and templates, empty register) under ``tmp_path``."""
    ws = make_workspace(tmp_path / "ws")
    assert ws.root.is_relative_to(tmp_path.resolve())
    assert ws.register_path.is_relative_to(tmp_path.resolve())
    return ws


class RawRegister:
    """A plain connection to the register behind docgen's back, as someone tampering with it opens it.

    SQLite: ``sqlite3`` on the file; PostgreSQL: ``psycopg`` on the database, both in autocommit
    and both taking ``?`` placeholders, so one tamper test serves both backends.
    """

    def __init__(self, ws: Workspace) -> None:
        self.url = ws.profile.books.url
        if self.url:
            import psycopg

            self.conn: Any = psycopg.connect(self.url, autocommit=True)
        else:
            import sqlite3

            self.conn = sqlite3.connect(ws.register_path, isolation_level=None)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s") if self.url else sql, params)

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.execute(sql, params).fetchone()[0]

    def drop_append_only(self) -> None:
        """Remove the triggers that keep the event log append-only; the hash chain must still tell."""
        if self.url:
            self.execute("DROP TRIGGER events_no_update ON events")
            self.execute("DROP TRIGGER events_no_truncate ON events")
        else:
            self.execute("DROP TRIGGER events_no_update")
            self.execute("DROP TRIGGER events_no_delete")

    @property
    def schema_version(self) -> int:
        return int(self.one("SELECT version FROM docgen_schema" if self.url else "PRAGMA user_version"))

    @schema_version.setter
    def schema_version(self, version: int) -> None:
        self.execute(
            f"UPDATE docgen_schema SET version = {int(version)}"
            if self.url
            else f"PRAGMA user_version = {int(version)}"
        )

    def __enter__(self) -> RawRegister:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def register_tables(ws: Workspace) -> list[str] | None:
    """The tables of a PostgreSQL register's database, sorted; None when the database is gone."""
    import psycopg

    assert ws.profile.books.url
    try:
        with psycopg.connect(ws.profile.books.url, autocommit=True, connect_timeout=10) as conn:
            rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return [row[0] for row in rows]


def has_register(ws: Workspace) -> bool:
    """Whether a register exists: the SQLite file, or tables in the PostgreSQL database."""
    if ws.profile.books.url:
        return bool(register_tables(ws))
    return ws.register_path.exists()


def lose_register(ws: Workspace) -> None:
    """What a careless clean-up does: the SQLite file and its WAL files deleted, or every table
    of the PostgreSQL database dropped (the database itself stays, empty)."""
    if ws.profile.books.url:
        with RawRegister(ws) as raw:
            raw.execute("DROP SCHEMA public CASCADE")
            raw.execute("CREATE SCHEMA public")
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ws.register_path}{suffix}").unlink(missing_ok=True)


def set_aside(ws: Workspace) -> Callable[[], None]:
    """Move the register out of reach (the file renamed, or the tables moved to another schema);
    return what puts it back, as restoring a copy would."""
    if ws.profile.books.url:
        with RawRegister(ws) as raw:
            raw.execute("ALTER SCHEMA public RENAME TO salinan")
            raw.execute("CREATE SCHEMA public")

        def back() -> None:
            with RawRegister(ws) as raw:
                raw.execute("DROP SCHEMA public CASCADE")
                raw.execute("ALTER SCHEMA salinan RENAME TO public")

        return back
    saved = ws.register_path.with_name("salinan.sqlite")
    for suffix in ("", "-wal", "-shm"):  # moved together, as the README's restore procedure says
        if Path(f"{ws.register_path}{suffix}").exists():
            os.replace(f"{ws.register_path}{suffix}", f"{saved}{suffix}")

    def put_back() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ws.register_path}{suffix}").unlink(missing_ok=True)
            if Path(f"{saved}{suffix}").exists():
                os.replace(f"{saved}{suffix}", f"{ws.register_path}{suffix}")

    return put_back


def raw_errors() -> tuple[type[Exception], ...]:
    """What a plain connection raises when the database refuses a statement, on either backend."""
    import sqlite3

    import psycopg

    return (sqlite3.DatabaseError, psycopg.Error)


def count_rows(ws: Workspace, table: str, where: str = "") -> int:
    """Rows of a register table, read through the register's own connection (either backend)."""
    from docgen.register import Register

    with Register.open(ws) as reg:
        return int(reg.conn.execute(f"SELECT COUNT(*) FROM {table} {where}").fetchone()[0])


def verified(ws: Workspace, spp: str | None) -> str:
    """The SPP ``spp`` (number or id) once the PPK-SKPD verified it: an SPM rests only on a verified SPP."""
    from docgen.sppverify import verify_spp

    assert spp is not None
    with Register.open(ws) as reg:
        verify_spp(reg, spp)
    return spp


@pytest.fixture
def letter() -> dict:
    """A fresh, valid surat-keluar request (dated 2026-11-28, signed by kadis)."""
    return copy.deepcopy(get_kind("surat-keluar").example)


# -- a process that reserves a number and is then killed ------------------------------------

HOLDER_PREAMBLE = """
import sys, time
from docgen.profile import load_workspace
from docgen.kinds import get_kind, validate_request
from docgen.register import Register, State
ws = load_workspace(sys.argv[1], env={})
kind = get_kind("surat-keluar")
reg = Register.open(ws)
"""


class Holder:
    """A child process that reserved a number, printed one line and now sleeps."""

    def __init__(self, proc: subprocess.Popen[str], line: str) -> None:
        self.proc = proc
        self.line = line
        self.pid = proc.pid

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)


@pytest.fixture
def start_holder(workspace: Workspace) -> Iterator[Callable[[str], Holder]]:
    """Start ``python -c PREAMBLE + body`` on the workspace; return once it printed its line.

    ``body`` runs with ``ws``, ``kind`` and ``reg`` (an open Register) in scope; it must print one
    line (flushed) after reserving, then sleep until the test kills it.
    """
    started: list[subprocess.Popen[str]] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}

    def start(body: str) -> Holder:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER_PREAMBLE + body, str(workspace.root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=workspace.root,
        )
        started.append(proc)
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline().strip() if ready else ""
        if not line:
            proc.kill()
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"holder process printed nothing; stderr:\n{err}")
        return Holder(proc, line)

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


# -- several real processes doing the same thing at the same moment ------------------------------


def run_together(target: Callable[..., None], *args: object, workers: int = 4) -> dict[int, Any]:
    """Start ``workers`` processes running ``target(*args, barrier, queue)``; collect what each put.

    Each worker waits on the barrier, then puts ``(pid, "ok", payload)`` (or ``(pid, "error",
    traceback)``) on the queue; any error fails the test with the workers' tracebacks.
    """
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    barrier = ctx.Barrier(workers)
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, queue)) for _ in range(workers)]
    for p in procs:
        p.start()
    try:
        results = [queue.get(timeout=180) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    errors = [payload for _, status, payload in results if status != "ok"]
    assert not errors, "a worker failed:\n" + "\n".join(errors)
    assert {pid for pid, _, _ in results} == {p.pid for p in procs}
    return {pid: payload for pid, _, payload in results}


# -- real external tools: LibreOffice, poppler (pdftoppm) and zbar (zbarimg) ----------------

TOOL_PACKAGES = {
    "soffice": "libreoffice-writer-nogui",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "zbarimg": "zbar-tools",
    "pdfsig": "poppler-utils",
    "chromedriver": "chromium-driver",
}


def require(*tools: str) -> None:
    """Skip the test when a tool is missing, except under CI (``CI=true``), where it fails."""
    import shutil

    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    packages = " ".join(sorted({TOOL_PACKAGES.get(tool, tool) for tool in missing}))
    message = f"{', '.join(missing)} tidak terpasang (apt-get install {packages})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


#: Where fonts-liberation puts its faces; docgen.render.forms.textfit embeds them from here, and
#: fonts-liberation2 (another folder) does not satisfy it, so the tests ask for these files.
LIBERATION = Path("/usr/share/fonts/truetype/liberation")


def require_font(name: str) -> Path:
    """The fonts-liberation face ``name``; skip when it is missing, except under CI, where it fails."""
    path = LIBERATION / name
    if not path.is_file():
        unavailable(f"{path} tidak ada (apt-get install fonts-liberation)")
    return path


@pytest.fixture
def soffice() -> None:
    require("soffice")


@pytest.fixture
def pdf_tools() -> None:
    """pdftoppm, pdftotext and zbarimg, for looking at a PDF the way a reader and a phone do."""
    require("pdftoppm", "pdftotext", "zbarimg")


def render_page(pdf: Path, page: int = 1, dpi: int = 150, out: Path | None = None) -> Path:
    """Render one page (1-based) to PNG with ``pdftoppm -r DPI -f N -l N -png``; return the PNG.

    ``-cropbox`` renders what a viewer shows (the crop box), not the whole media box.
    """
    base = str(out or pdf.parent / f"{pdf.name}-p{page}-{dpi}dpi")
    base = base.removesuffix(".png")  # pdftoppm adds ".png" itself (file names may hold dots)
    done = subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-cropbox",
            "-singlefile",
            str(pdf),
            base,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    png = Path(base + ".png")
    assert done.returncode == 0 and png.is_file(), f"pdftoppm failed on {pdf.name} page {page}: {done.stderr}"
    return png


def decode_qr(png: Path) -> list[str]:
    """Every code ``zbarimg -q --raw`` reads in ``png`` (empty when it finds none)."""
    done = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, timeout=120, check=False
    )
    # zbarimg: 0 = found, 4 = nothing found; anything else is an error of the tool itself
    assert done.returncode in (0, 4), f"zbarimg failed on {png.name} ({done.returncode}): {done.stderr}"
    return [line for line in done.stdout.splitlines() if line.strip()]


def pdf_page_qr(pdf: Path, page: int = -1, dpi: int = 150) -> list[str]:
    """Render page ``page`` (1-based; -1 = last) and decode the QR codes on it."""
    from pypdf import PdfReader

    count = len(PdfReader(pdf).pages)
    number = count if page == -1 else page
    return decode_qr(render_page(pdf, number, dpi))


VERIFY_BASE = "https://dpmptsp.pasuruankota.go.id/verifikasi/"


def verification_url(ws: Workspace, doc_id: int) -> str:
    """The URL the QR code of document ``doc_id`` must carry: the base address and its token."""
    from docgen.register import Register

    with Register.open(ws) as reg:
        token = reg.document(doc_id).token
    assert token, f"document {doc_id} has no token"
    return VERIFY_BASE + token


def without_docgen_env() -> pytest.MonkeyPatch:
    """For module-scoped fixtures, which run before the autouse fixture clears DOCGEN_* settings.

    Returns the MonkeyPatch; call ``.undo()`` when the fixture is done.
    """
    mp = pytest.MonkeyPatch()
    for var in list(os.environ):
        if var.startswith("DOCGEN_"):
            mp.delenv(var)
    return mp


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Subprocesses a test starts; any still running at the end are killed (by their own id)."""
    started_procs: list[subprocess.Popen] = []
    yield started_procs
    for proc in started_procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def signed_draft(ws: Workspace, data: dict) -> int:
    """A surat-keluar draft taken through verification and signature: ready for its number."""
    from docgen.pipeline import generate
    from docgen.register import Register, State

    doc_id = generate(ws, "surat-keluar", data, draft=True).id
    with Register.open(ws) as reg:
        reg.set_state(doc_id, State.VERIFIED)
        reg.set_state(doc_id, State.SIGNED)
    return doc_id


def cli(ws: Workspace, *args: str) -> Any:
    """``docgen --workspace WS ARGS`` in-process (typer's CliRunner), for messages and exit codes."""
    from typer.testing import CliRunner

    from docgen.cli import app

    return CliRunner().invoke(app, ["--workspace", str(ws.root), *args])


def one_galat_line(result: Any) -> str:
    """The CLI's refusal: exit 1 and exactly one 'Galat:' line, never 'Galat tak terduga'."""
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Galat: ") and "tak terduga" not in lines[0], lines[0]
    return lines[0]


# -- a real full disk (a small tmpfs) ---------------------------------------------------------------


def unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 30 MB tmpfs mounted for this test (needs root and mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=30m", "tmpfs", str(mount)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        unavailable(f"tmpfs tidak bisa dipasang: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill ``disk`` until only ``leave`` bytes are free."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / "pengisi.bin"
    with filler.open("ab") as out:
        chunk = b"\0" * (1 << 20)
        remaining = free - leave
        try:
            while remaining > 0:
                remaining -= out.write(chunk[: min(len(chunk), remaining)])
                out.flush()
        except OSError:
            pass
    return filler


def configure(root: Path, settings: dict[str, object]) -> None:
    """Set keys in a workspace's docgen.toml: ``key`` where it is written once, ``section.key`` in that section."""
    import re

    profile = root / "docgen.toml"
    text = profile.read_text(encoding="utf-8")
    for key, value in settings.items():
        section, _, name = key.rpartition(".")
        start = text.index(f"\n[{section}]\n") if section else 0
        head, tail = text[:start], text[start:]
        tail, found = re.subn(rf"^{name} = .*$", f"{name} = {value}", tail, count=1, flags=re.M)
        assert found == 1, f"{key} is not in the shipped docgen.toml"
        text = head + tail
    profile.write_text(text, encoding="utf-8")
