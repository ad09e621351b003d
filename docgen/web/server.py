"""Running the public page and the desk under uvicorn, with the bounds on slow clients it lacks.

uvicorn (httptools) arms no timer on a connection until its first answer: a client that connects
and sends one header byte every few seconds (slowloris), or a body at a byte a minute, holds its
connection for ever, and the parser keeps whatever header bytes arrive. Both servers run with
:class:`GuardedHttp`, which gives every request a deadline for its headers, a minimum rate for its
body, an idle bound after every exchange, a bound on header bytes and on open connections
(``[verification]``/``[desk]`` header_timeout_s, body_timeout_s, body_min_rate, keep_alive_s,
max_connections; issue 21). Each refusal is one Indonesian line, then the connection closes.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from docgen.profile import ServerLimits

__all__ = ["MAX_HEAD_BYTES", "GuardedHttp", "run_server"]

#: Request line and headers of one request. A browser's are 1-4 kB; the parser keeps them all
#: in memory until the blank line, so more is refused (431) rather than kept.
MAX_HEAD_BYTES = 64 * 1024
#: Body bytes still read after an early answer (a 413 before the upload ended): reading them lets
#: the client see the answer instead of a reset, up to this much; then the connection closes.
DRAIN_BYTES = 32 * 1024 * 1024

_SLOW_HEAD = "Permintaan terlalu lambat dikirim; periksa sambungan lalu coba lagi"
_SLOW_BODY = "Unggahan terlalu lambat; periksa sambungan lalu unggah lagi"
_BIG_HEAD = "Kepala permintaan (header) terlalu besar; hapus cookie situs ini lalu coba lagi"
_BUSY = "Server sedang melayani terlalu banyak sambungan; coba lagi sebentar lagi"
_BAD = "Permintaan HTTP tidak sah; buka lagi alamatnya dari peramban"


class GuardedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol with deadlines: headers, body rate, idle, header bytes, connections.

    A connection is in one phase at a time: ``head`` (connected, or the first byte of a request
    came: the head must be complete by ``header_timeout_s``), ``body`` (the body must keep
    ``body_min_rate`` after ``body_timeout_s``; while the application is not reading, the client is
    not to blame and its clock restarts), ``app`` (the application works: no deadline) and
    ``idle`` (uvicorn's keep-alive timer, also after a body drained past an early answer).
    """

    limits: ServerLimits = ServerLimits()  # run_server sets the profile's on a subclass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._phase = "head"
        self._timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._body_start = 0.0
        self._body_bytes = 0
        self._drained = 0

    # -- connection ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._answer(503, _BUSY)
            return
        self._start_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._phase == "idle":
            self._start_head()
        in_head = self._phase == "head"
        super().data_received(data)
        if in_head and self._phase == "head" and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._answer(431, _BIG_HEAD)

    def send_400_response(self, msg: str) -> None:
        if not self.transport.is_closing():
            self._answer(400, _BAD)

    # -- parser callbacks ------------------------------------------------------------------------

    def on_headers_complete(self) -> None:
        self._cancel()
        self._phase = "body"
        self._body_start, self._body_bytes, self._drained = time.monotonic(), 0, 0
        super().on_headers_complete()
        if self._phase == "body":
            self._schedule(self.limits.body_timeout_s)

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        if self.cycle is not None and self.cycle.response_complete:
            self._drained += len(body)
            if self._drained > DRAIN_BYTES:
                self.transport.close()
                return
        super().on_body(body)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._cancel()
        if self.cycle is not None and self.cycle.response_complete:
            self._idle()  # the answer went out before the body ended: now idle, with a bound
        else:
            self._phase = "app"

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._phase == "app":
            self._phase = "idle"  # uvicorn's keep-alive timer bounds it

    # -- deadlines -------------------------------------------------------------------------------

    def _start_head(self) -> None:
        self._phase, self._head_bytes = "head", 0
        self._cancel()
        self._schedule(self.limits.header_timeout_s)

    def _idle(self) -> None:
        self._phase = "idle"
        self._unset_keepalive_if_required()
        if not self.transport.is_closing():
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

    def _schedule(self, delay: float) -> None:
        self._cancel()
        self._timer = self.loop.call_later(max(delay, 0.05), self._expired)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        if self._phase == "head":
            self._answer(408, _SLOW_HEAD)
        elif self._phase == "body":
            self._body_expired()

    def _body_expired(self) -> None:
        now = time.monotonic()
        if self.flow.read_paused:  # the application is not reading: the client waits on us
            self._body_start, self._body_bytes = now, 0
            self._schedule(self.limits.body_timeout_s)
            return
        deadline = self._body_start + self.limits.body_timeout_s + self._body_bytes / self.limits.body_min_rate
        if now < deadline:
            self._schedule(deadline - now)
            return
        started = self.cycle is not None and self.cycle.response_started
        if self.cycle is not None:  # the application's reads end and its answer goes nowhere
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        if started:
            self.transport.close()
        else:
            self._answer(408, _SLOW_BODY)

    def _answer(self, status: int, message: str) -> None:
        """Write one Indonesian line with ``status`` and close (no application is answering)."""
        self._cancel()
        body = (message + "\n").encode()
        head = b"content-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
        self.transport.write(STATUS_LINE[status] + head % len(body) + body)
        self.transport.close()


def run_server(app: Any, *, host: str, port: int, limits: ServerLimits) -> None:
    """Serve ``app`` on ``host:port`` with :class:`GuardedHttp` bound by ``limits`` (blocks)."""
    import uvicorn

    protocol = type("GuardedHttp", (GuardedHttp,), {"limits": limits})
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False,
                http=protocol, timeout_keep_alive=limits.keep_alive_s)  # type: ignore[arg-type]  # fmt: skip
