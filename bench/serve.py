"""Benchmark: ``docgen serve``, verifications per second and latency under 50 concurrent clients.

A citizen scans a QR code and the phone opens ``<base>/<token>``; another office's system asks
``/api<base>/<token>``. This script measures how many such answers the real server gives on this
machine, and how long the slowest of them take:

- a temporary workspace (``create_workspace``) with N Sertifikat Standar (default 200,
  ``--documents``; each its own nama_usaha and NIB) made through ``generate``, their QR tokens
  read from the register; the rate limits of its ``docgen.toml`` (``requests_per_minute``,
  ``unknown_per_hour``) raised so the bench, all from 127.0.0.1, is not refused;
- the real server as a subprocess: ``docgen serve --host 127.0.0.1 --port <free>`` with
  ``DOCGEN_WORKSPACE``, waited for until it answers;
- C clients (default 50, ``--clients``) on keep-alive HTTP/1.1 connections for S seconds (default
  20, ``--seconds``), each sending its next request as soon as the last answer is read, alternating
  page GETs (``/verifikasi/<token>``) and API GETs (``/api/verifikasi/<token>``) over the tokens.
  The load comes from ``wrk`` (Debian's package) when it is installed, else from a lean asyncio
  client over raw sockets in this process (``--tool python`` forces it). Either way the client
  shares the 2 cores with the server.

It prints requests/s, p50/p95/p99 latency, errors (non-200 answers, broken connections), the
server's CPU use, and the goals. Every answer is checked to be 200 with the expected body marker
(the Python client; wrk counts non-2xx). Run from the repository root:
``.venv/bin/python bench/serve.py [--seconds 20 --clients 50 --documents 200 --tool auto]``.
It uses a temporary workspace only and stops the server it started.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from certificates import KIND, request  # bench/ is the script's folder: the same distinct requests

from docgen.pipeline import create_workspace, generate
from docgen.register import Register

DOCGEN = str(Path(sys.executable).parent / "docgen")
GOAL_RATE, GOAL_P99_MS = 500, 50.0
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %%d %%d %%d %%.1f %%.1f %%.1f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def prepare(root: Path, documents: int) -> tuple[str, list[str]]:
    """A workspace with ``documents`` certificates; its verification path and their tokens."""
    ws = create_workspace(root)
    profile = ws.root / "docgen.toml"
    text = profile.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^requests_per_minute = \d+", "requests_per_minute = 100000000", text)
    text = re.sub(r"(?m)^unknown_per_hour = \d+", "unknown_per_hour = 100000000", text)
    profile.write_text(text, encoding="utf-8")
    with Register.open(ws) as reg:
        for i in range(documents):
            generate(ws, KIND, request(i), register=reg)
        tokens = [r[0] for r in reg.conn.execute("SELECT token FROM documents WHERE kind = ? ORDER BY id", (KIND,))]
    from docgen.web.app import base_path

    return base_path(ws.profile.verification.base_url), tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(root: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "DOCGEN_WORKSPACE": str(root)}
    return subprocess.Popen(
        [DOCGEN, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_ready(server: subprocess.Popen, url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited ({server.returncode}): {server.stderr.read().decode()[-1500:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server did not answer {url} within {timeout:.0f} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (from /proc, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _client(
    port: int, requests: list[tuple[bytes, bytes]], offset: int, stop: float, latencies: list[float], errors: list[int]
) -> None:
    """One keep-alive connection: request, read headers and Content-Length bytes, repeat until ``stop``."""
    clock = time.perf_counter
    i = offset
    reader = writer = None
    while clock() < stop:
        if writer is None:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                errors[0] += 1
                await asyncio.sleep(0.01)
                continue
        raw, marker = requests[i % len(requests)]
        i += 1
        start = clock()
        try:
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
                    break
            body = await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            errors[0] += 1
            writer.close()
            reader = writer = None
            continue
        if head[9:12] != b"200" or marker not in body:
            errors[0] += 1
        if clock() <= stop:  # an answer that ended after the window is not counted
            latencies.append(clock() - start)
    if writer is not None:
        writer.close()


async def _python_load(port: int, requests: list[tuple[bytes, bytes]], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    start = time.perf_counter()
    stop = start + seconds
    step = max(1, len(requests) // clients)
    await asyncio.gather(*(_client(port, requests, c * step, stop, latencies, errors) for c in range(clients)))
    latencies.sort()
    n = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(n - 1, int(p * n))] * 1000 if n else float("nan")

    percentiles = {"p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99)}
    return {"requests": n, "seconds": seconds, "errors": errors[0], **percentiles}


def python_load(port: int, paths: list[tuple[str, bytes]], clients: int, seconds: float) -> dict:
    requests = [
        (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: bench\r\n\r\n".encode(), marker)
        for path, marker in paths
    ]
    try:
        import uvloop  # a faster loop leaves more of the shared CPU to the server, when it is installed

        return uvloop.run(_python_load(port, requests, clients, seconds))
    except ImportError:
        return asyncio.run(_python_load(port, requests, clients, seconds))


def wrk_load(wrk: str, port: int, paths: list[tuple[str, bytes]], clients: int, seconds: float, tmp: Path) -> dict:
    script = tmp / "mix.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p, _ in paths), encoding="utf-8")
    out = subprocess.run(
        [wrk, "-t", "1", "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "5s", "-s", str(script),
         f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    req, dur, errors, p50, p95, p99 = line.split()[1:]
    return {
        "requests": int(req),
        "seconds": int(dur) / 1e6,
        "errors": int(errors),
        "p50": float(p50) / 1000,
        "p95": float(p95) / 1000,
        "p99": float(p99) / 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk") if args.tool != "python" else None
    if args.tool == "wrk" and not wrk:
        raise SystemExit("wrk is not installed (apt-get install wrk); use --tool python")
    with tempfile.TemporaryDirectory(prefix="docgen-bench-serve-") as tmp:
        root = Path(tmp) / "ws"
        t0 = time.perf_counter()
        base, tokens = prepare(root, args.documents)
        print(f"{len(tokens)} Sertifikat Standar made in {time.perf_counter() - t0:.1f} s; server on 127.0.0.1")
        paths: list[tuple[str, bytes]] = []
        for token in tokens:
            paths += [(f"{base}/{token}", b'id="status">ASLI<'), (f"/api{base}/{token}", b'"status":"ASLI"')]
        port = free_port()
        server = start_server(root, port)
        try:
            wait_ready(server, f"http://127.0.0.1:{port}/api{base}/{tokens[0]}")
            python_load(port, paths, args.clients, 1.0)  # warm-up: imports, template, connections
            cpu0 = cpu_seconds(server.pid)
            if wrk:
                tool = "wrk (1 thread)"
                result = wrk_load(wrk, port, paths, args.clients, args.seconds, Path(tmp))
            else:
                tool = "asyncio client in this process"
                result = python_load(port, paths, args.clients, args.seconds)
            server_cpu = cpu_seconds(server.pid) - cpu0
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    rate = result["requests"] / result["seconds"]
    print(
        f"{args.clients} clients, {result['seconds']:.1f} s, half page GETs and half API GETs over {len(tokens)} "
        f"tokens, load from {tool}"
    )
    print(f"  {result['requests']} answers, {rate:.0f} verifications/s, errors: {result['errors']}")
    print(f"  latency p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms")
    print(
        f"  server CPU: {server_cpu / result['seconds'] * 100:.0f}% of one core, "
        f"{server_cpu / max(1, result['requests']) * 1e6:.0f} µs per answer"
    )
    print(f"goal: >= {GOAL_RATE} verifications/s on 2 cores: {'met' if rate >= GOAL_RATE else 'NOT met'}")
    print(f"goal: p99 < {GOAL_P99_MS:.0f} ms: {'met' if result['p99'] < GOAL_P99_MS else 'NOT met'}")
    ok = result["errors"] == 0 and result["requests"] > 0
    print(f"sanity: {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
