"""A pool of warm LibreOffice processes (unoserver), started and stopped by docgen itself.

Starting LibreOffice costs seconds; a warm one converts a letter in a fraction of a second.
Each server gets its own profile directory and ports that were checked free (another program
may hold unoserver's default port, and a client would silently convert through it). The
unoserver *server* must run under a Python that can ``import uno`` (Debian's system Python
with python3-uno); the package itself is lent to it from this environment.

unoserver's own start-up sleeps a fixed 5 s (then 2 s more) before it serves, although
LibreOffice answers in about a second. So each server is a small launcher (``_LAUNCHER``) that
starts LibreOffice itself, connects as soon as the UNO socket answers and then runs unoserver's
XML-RPC part; the pool starts every launcher at once and polls each one with a cheap call.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from docgen.errors import RenderError
from docgen.pdf.convert import INSTALL_HINT, check_docx, find_soffice

__all__ = ["ConverterPool", "uno_python"]

_UNO_CANDIDATES = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")
_POLL_S = 0.02  # between readiness polls; LibreOffice starts in ~1 s, so coarse steps waste a visible share

# Run by the uno Python as a session leader: argv = soffice, profile URI, UNO port, XML-RPC port, start-up
# limit in seconds. LibreOffice is started before ``import uno`` so the two overlap. On SIGTERM, when
# LibreOffice dies, when serving fails or when docgen itself is gone (SIGKILL of a batch), it closes
# LibreOffice once (a second SIGTERM to oosplash while it shuts down can hang it), waits a little, and
# ends by killing its own process group so that no soffice.bin outlives it.
_LAUNCHER = """\
import os, signal, subprocess, sys, threading, time
soffice, profile, uno_port, port, limit = sys.argv[1:6]
parent, closing = os.getppid(), []
accept = f"socket,host=127.0.0.1,port={uno_port},tcpNoDelay=1;urp;StarOffice.ComponentContext"
office = subprocess.Popen([soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
    "--nofirststartwizard", "--norestore", f"-env:UserInstallation={profile}", f"--accept={accept}"])
def close(*_):
    if not closing:
        closing.append(time.monotonic())
        office.terminate()
signal.signal(signal.SIGTERM, close)
import uno
from com.sun.star.connection import NoConnectException
from unoserver.server import UnoServer
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
deadline = time.monotonic() + float(limit)
while True:
    try:
        resolver.resolve(f"uno:{accept}")
        break
    except NoConnectException:
        if office.poll() is not None or closing or time.monotonic() > deadline:
            os.killpg(0, signal.SIGKILL)
        time.sleep(0.02)
server = UnoServer("127.0.0.1", port, "127.0.0.1", uno_port, profile)
server.libreoffice_process = office
serving = threading.Thread(target=server.serve, daemon=True)
serving.start()
while office.poll() is None and (not closing or time.monotonic() - closing[0] < 5):
    if not serving.is_alive() or os.getppid() != parent:
        close()
    try:
        office.wait(timeout=0.25)
    except subprocess.TimeoutExpired:
        pass
os.killpg(0, signal.SIGKILL)
"""


@cache
def uno_python() -> str:
    """A Python interpreter that can ``import uno``, or a RenderError saying what to install."""
    for candidate in (os.environ.get("DOCGEN_UNO_PYTHON", ""), *_UNO_CANDIDATES):
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, check=False)
            if probe.returncode == 0:
                return candidate
    raise RenderError(f"Tidak ada Python yang bisa 'import uno' untuk LibreOffice; pasang dengan: {INSTALL_HINT}")


def _lend_unoserver(target: Path) -> Path:
    """Expose only the unoserver package (and its metadata) to the system Python."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        raise RenderError("Paket unoserver tidak terpasang; jalankan 'make test' atau 'pip install unoserver'")
    package = Path(next(iter(spec.submodule_search_locations)))
    dist = importlib.metadata.distribution("unoserver")
    info = Path(str(dist.locate_file(""))) / f"unoserver-{dist.version}.dist-info"
    target.mkdir(parents=True, exist_ok=True)
    for source in (package, info):
        link = target / source.name
        if source.exists() and not link.exists():
            link.symlink_to(source, target_is_directory=True)
    (target / "docgen_unoserver.py").write_text(_LAUNCHER, encoding="utf-8")
    return target


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Transport(xmlrpc.client.Transport):
    """XML-RPC with a socket timeout: the per-document time limit."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__()
        self.timeout_s = timeout_s

    def make_connection(self, host):  # type: ignore[no-untyped-def]
        connection = super().make_connection(host)
        connection.timeout = self.timeout_s
        return connection


class _Server:
    """One unoserver + LibreOffice pair with a private profile and its own ports."""

    def __init__(self, workdir: Path, lib: Path, index: int) -> None:
        self.workdir, self.lib, self.index = workdir, lib, index
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self, limit_s: float) -> None:
        profile = Path(tempfile.mkdtemp(prefix=f"profile-{self.index}-", dir=self.workdir))
        self.port, uno_port = _free_port(), _free_port()
        while uno_port == self.port:
            uno_port = _free_port()
        env = dict(os.environ, PYTHONPATH=str(self.lib))
        launcher = str(self.lib / "docgen_unoserver.py")
        cmd = [uno_python(), launcher, find_soffice(), profile.as_uri(), str(uno_port), str(self.port), str(limit_s)]
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RenderError("LibreOffice (unoserver) berhenti saat dinyalakan; periksa pemasangan LibreOffice")
            try:  # answered only once unoserver holds its UNO connection and serves
                self._proxy(2.0).system.listMethods()
                return
            except (OSError, xmlrpc.client.Error):
                time.sleep(_POLL_S)
        raise RenderError("LibreOffice (unoserver) tidak siap dalam batas waktu; coba lagi")

    def _proxy(self, timeout_s: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}", transport=_Transport(timeout_s), allow_none=True
        )

    def convert(self, docx: Path, pdf: Path, timeout_s: float) -> None:
        args = (str(docx.resolve()), None, str(pdf.resolve()), "pdf", None, [], True, None, None)
        self._proxy(timeout_s).convert(*args)

    def terminate(self) -> None:
        """Ask the launcher, not its whole group, to close LibreOffice (see ``_LAUNCHER``)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGTERM)

    def reap(self, deadline: float) -> None:
        """Wait for a terminated server, then kill its whole group (LibreOffice may outlive it)."""
        if self.proc is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        self.terminate()
        self.reap(time.monotonic() + 2.0)


class ConverterPool:
    """Warm converters, one per core by default; use as a context manager.

    Each document has a time limit; a failed or timed-out conversion restarts its server and
    is retried once before a RenderError names the file.
    """

    def __init__(self, size: int | None = None, *, timeout_s: float = 60.0, start_timeout_s: float = 120.0) -> None:
        self.size = size or os.cpu_count() or 1
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self._idle: queue.Queue[_Server] = queue.Queue()
        self._servers: list[_Server] = []
        self._workdir: Path | None = None

    def __enter__(self) -> ConverterPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        find_soffice()
        self._workdir = Path(tempfile.mkdtemp(prefix="docgen-pool-"))
        lib = _lend_unoserver(self._workdir / "lib")
        self._servers = [_Server(self._workdir, lib, i) for i in range(self.size)]
        try:
            for server in self._servers:
                server.start(self.start_timeout_s)
            deadline = time.monotonic() + self.start_timeout_s
            for server in self._servers:
                server.wait_ready(deadline)
                self._idle.put(server)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in self._servers:
            server.terminate()
        deadline = time.monotonic() + 2.0
        for server in self._servers:
            server.reap(deadline)
        self._servers = []
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def convert(self, docx: Path, outdir: Path) -> Path:
        """Convert one file on the next idle server; thread-safe."""
        check_docx(docx)
        outdir.mkdir(parents=True, exist_ok=True)
        pdf = outdir / f"{docx.stem}.pdf"
        server = self._idle.get()
        try:
            for attempt in (1, 2):
                try:
                    server.convert(docx, pdf, self.timeout_s)
                    if pdf.is_file() and pdf.stat().st_size > 0:
                        return pdf
                except (OSError, xmlrpc.client.Error):
                    pass
                if attempt == 1:  # restart this server and try once more
                    server.stop()
                    try:
                        server.start(self.start_timeout_s)
                        server.wait_ready(time.monotonic() + self.start_timeout_s)
                    except RenderError as exc:
                        server.stop()  # the next caller restarts it again
                        raise RenderError(f"LibreOffice gagal mengubah {docx.name} ke PDF: {exc}") from exc
            raise RenderError(f"LibreOffice gagal mengubah {docx.name} ke PDF dua kali; periksa berkas DOCX-nya")
        finally:
            self._idle.put(server)

    def convert_many(self, docx: list[Path], outdir: Path) -> list[Path]:
        with ThreadPoolExecutor(max_workers=self.size) as workers:
            return list(workers.map(lambda p: self.convert(p, outdir), docx))
