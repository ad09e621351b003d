"""Deciding when a dropped file has finished arriving.

Three signals, in order of trust: the kernel said the writer closed it (inotify, local disks);
it was renamed into place (complete by construction); or its size and mtime stayed the same for
the settle time (network shares, files found by a scan). A file written while still open is
never taken on size alone when close events are available: a slow copy can pause longer than
any settle time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["StabilityTracker"]

QUICK_SETTLE_S = 0.05  # after a close: only guards against an immediate reopen


@dataclass
class _Tracked:
    signature: tuple[int, int]  # size, mtime_ns
    since: float  # clock time the signature was first seen
    open_write: bool = False  # modified under inotify and not yet closed
    closed: bool = False  # closed (or renamed into place) after its last change


class StabilityTracker:
    """Track candidate files; ``ready()`` returns those complete enough to take.

    ``clock`` is injectable so tests can step time; ``close_events`` says whether the watcher
    gets close notifications (inotify) or must rely on settling alone (polling).
    """

    def __init__(self, settle_s: float, *, close_events: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self.settle_s = settle_s
        self.close_events = close_events
        self.clock = clock
        self._files: dict[Path, _Tracked] = {}

    def _stat(self, path: Path) -> tuple[int, int] | None:
        try:
            st = path.lstat()  # the entry itself: a link is judged (and refused) as a link
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns)

    def observe(self, path: Path, *, modified: bool = False, closed: bool = False, released: bool = False) -> None:
        """Record a sighting: a scan (no flags), an open or modify event (``modified``), a close
        after writing or a rename into place (``closed``), or a close without writing (``released``).
        """
        signature = self._stat(path)
        if signature is None:
            self._files.pop(path, None)
            return
        now = self.clock()
        tracked = self._files.get(path)
        if tracked is None or tracked.signature != signature:
            tracked = _Tracked(signature, now, open_write=tracked.open_write if tracked else False)
            self._files[path] = tracked
        if modified and self.close_events:
            tracked.open_write, tracked.closed = True, False
        if closed:
            tracked.open_write, tracked.closed = False, True
            tracked.since = min(tracked.since, now)
        elif released and tracked.open_write and signature == tracked.signature:
            tracked.open_write = False  # opened by a reader only; settle as usual

    def is_ready(self, path: Path) -> bool:
        """Whether ``path`` may be taken now; a changed or vanished file starts over."""
        tracked = self._files.get(path)
        if tracked is None:
            return False
        signature = self._stat(path)
        if signature is None:
            del self._files[path]
            return False
        if signature != tracked.signature:
            self._files[path] = _Tracked(signature, self.clock(), tracked.open_write)
            return False
        if tracked.open_write:
            return False  # the writer still has it open
        wait = QUICK_SETTLE_S if tracked.closed else self.settle_s
        return self.clock() - tracked.since >= wait

    def ready(self) -> list[Path]:
        """Files to take now, oldest first; files that vanished are forgotten."""
        out = [(self._files[p].signature[1], p) for p in list(self._files) if self.is_ready(p)]
        return [path for _, path in sorted(out)]

    def paths(self) -> list[Path]:
        return list(self._files)

    def age(self, path: Path) -> float:
        """Seconds the file has looked the same (0 if untracked)."""
        tracked = self._files.get(path)
        return self.clock() - tracked.since if tracked else 0.0

    def forget(self, path: Path) -> None:
        self._files.pop(path, None)

    def pending(self) -> int:
        return len(self._files)

    def tracking(self, path: Path) -> bool:
        return path in self._files
