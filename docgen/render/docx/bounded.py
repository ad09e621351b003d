"""One template render kept inside its time and output limits, and the cause said in words.

A template is office data, edited in Word by someone who is not a programmer: a loop over a
large ``range`` or a macro calling itself must stop the render, not hang ``docgen new`` or the
folder watcher with a number already reserved. On the main thread a SIGALRM timer interrupts
the render wherever it is; on any thread the sandbox checks the clock on every call, attribute
lookup, ``range`` step and output chunk. The limits are the profile's ``limits.render_s`` and
``limits.output_bytes``.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import SecurityError, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

from docgen.render.docx.filters import FilterError, unknown_filter_hint

__all__ = ["BoundedEnvironment", "Bounds", "RenderStopped", "bounded", "explain"]

_local = threading.local()  # deadline (monotonic seconds) and limit of the render on this thread


class RenderStopped(Exception):
    """Raised inside a render that went past its limits; never leaves this package as such."""


@dataclass(frozen=True)
class Bounds:
    """How long one render may take and how much it may write (uncompressed XML, bytes)."""

    render_s: float = 20.0
    output_bytes: int = 50_000_000
    picture_dpi: int = 200  # pictures are scaled down to this resolution at their printed size

    @classmethod
    def of(cls, limits: Any) -> Bounds:
        """The bounds of a profile's ``[limits]`` section."""
        return cls(
            render_s=float(limits.render_s), output_bytes=int(limits.output_bytes), picture_dpi=int(limits.picture_dpi)
        )

    def check(self) -> None:
        _check()


def _check() -> None:
    deadline = getattr(_local, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise RenderStopped(f"pengisian melebihi {_local.limit:g} detik (limits.render_s)")


@contextmanager
def bounded(bounds: Bounds) -> Iterator[None]:
    """Run the body with a deadline; on the main thread a timer enforces it even inside a loop.

    Any timer and SIGALRM handler the caller had are put back afterwards, the remaining time of
    an earlier timer included.
    """
    outer = getattr(_local, "deadline", None), getattr(_local, "limit", None)
    started = time.monotonic()
    _local.deadline = started + bounds.render_s if outer[0] is None else min(outer[0], started + bounds.render_s)
    _local.limit = bounds.render_s if outer[1] is None else min(outer[1], bounds.render_s)
    use_timer = (
        outer[0] is None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    armed = [use_timer]

    def _alarm(signum: int, frame: Any) -> None:
        if armed[0]:
            raise RenderStopped(f"pengisian melebihi {bounds.render_s:g} detik (limits.render_s)")

    if use_timer:
        previous_handler = signal.signal(signal.SIGALRM, _alarm)
        previous_timer = signal.setitimer(signal.ITIMER_REAL, bounds.render_s)
    try:
        yield
    finally:
        if use_timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            armed[0] = False
            signal.signal(signal.SIGALRM, previous_handler)
            delay, interval = previous_timer
            if delay > 0:
                signal.setitimer(signal.ITIMER_REAL, max(delay - (time.monotonic() - started), 0.001), interval)
        _local.deadline, _local.limit = outer


class _Range:
    """``range`` for templates: the sandbox's size cap, and a clock check every 1024 steps."""

    def __init__(self, inner: range) -> None:
        self._inner = inner

    def __len__(self) -> int:
        return len(self._inner)

    def __getitem__(self, index: Any) -> Any:
        return self._inner[index]

    def __iter__(self) -> Iterator[int]:
        for step, value in enumerate(self._inner):
            if not step & 1023:
                _check()
            yield value


def _range(*args: int) -> _Range:
    inner = range(*args)
    if len(inner) > MAX_RANGE:
        raise OverflowError(f"range({', '.join(map(str, args))}) melebihi {MAX_RANGE} langkah")
    return _Range(inner)


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox docgen renders templates in, checking the render's deadline as it goes."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _range

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check()
        if type(obj) is dict and attribute in obj and not hasattr(dict, attribute):
            return obj[attribute]  # ``r.nama`` on request data: what Jinja returns, without its failed getattr
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check()
        return super().getitem(obj, argument)


_FIX = "perbaiki templat di Word lalu jalankan 'docgen template check'"


def explain(template: str, exc: BaseException) -> str:
    """One line naming the template, what stopped its render, and what to do about it."""
    if isinstance(exc, RenderStopped):
        return (
            f"Templat {template} dihentikan: {exc}; periksa perulangan {{% for %}} dan makro di templat, "
            "lalu jalankan 'docgen template check'"
        )
    if isinstance(exc, RecursionError):
        cause = "makro memanggil dirinya sendiri tanpa akhir (rekursi)"
    elif isinstance(exc, ZeroDivisionError):
        cause = "pembagian dengan nol"
    elif isinstance(exc, OverflowError):
        cause = f"angka atau range terlalu besar ({exc})"
    elif isinstance(exc, TemplateNotFound | TemplateSyntaxError) or "no loader" in str(exc):
        cause = "{% include %}, {% import %} dan {% extends %} tidak didukung (salin isinya ke templat ini)"
    elif isinstance(exc, SecurityError):
        cause = f"perintah yang tidak diizinkan di templat ({exc})"
    elif isinstance(exc, UndefinedError):
        cause = f"nama yang tidak dikenal ({exc})"
    elif isinstance(exc, MemoryError):
        cause = "memori habis saat mengisi templat"
    elif isinstance(exc, FilterError):  # already one line naming the filter, the value and the fix
        cause = str(exc)
    elif isinstance(exc, Exception) and (hint := unknown_filter_hint(exc)):  # a misspelt filter in {% if %}
        cause = hint
    else:
        cause = f"{type(exc).__name__}: {exc}"
    cause = " ".join(cause.split())
    if len(cause) > 240:
        cause = cause[:240] + "..."
    return f"Templat {template} gagal diisi: {cause}; {_FIX}"
