"""``docgen watch``: the loop that turns dropped files into numbered documents.

Events (inotify, or polling on network shares) are hints that trigger a look at the folder; a
periodic rescan catches anything missed, and files present at start are processed first. One
file is processed at a time; SIGTERM or Ctrl-C lets the file in hand finish, then stops.

Whatever is dropped (a link, a FIFO, a folder named like a request, a name that is not UTF-8 or
is 250 bytes long) ends in ``failed/`` with a note; an entry that cannot even be moved is logged
and left alone until it changes, so no entry can stop or spin the loop. Once a day the register
is backed up (``[watch] backup_daily``).
"""

from __future__ import annotations

import fcntl
import logging
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError
from docgen.inbox import OUTCOME_DIRS, Job, create_inbox
from docgen.pdf import Converter
from docgen.profile import Workspace
from docgen.register import Register, check_register
from docgen.watch.entries import entry_signature
from docgen.watch.intake import file_away, process_file, sidecar_of
from docgen.watch.names import shown

__all__ = ["Summary", "Watcher", "watch_status"]

log = logging.getLogger("docgen.watch")
_WORDS = {"done": "selesai", "failed": "gagal", "duplicate": "duplikat"}


@dataclass
class Summary:
    """Counts of what one run did, by outcome folder."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_DIRS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class _Events:
    """watchdog handler that only queues hints; all decisions happen in the main loop."""

    def __init__(self, sink: queue.Queue[tuple[str, str]]) -> None:
        self.sink = sink

    def dispatch(self, event: Any) -> None:
        if event.is_directory:
            return
        kind = event.event_type
        if kind == "moved":
            self.sink.put(("closed", event.dest_path))  # renamed into place: complete
        elif kind in ("created", "modified", "opened", "closed", "closed_no_write"):
            self.sink.put((kind, event.src_path))


class Watcher:
    """Watch ``inbox/`` of a workspace; ``run(once=True)`` processes what is there and returns."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        polling: bool = False,
        settle_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from docgen.watch.stability import StabilityTracker

        self.workspace = workspace
        self.settings = workspace.profile.watch
        self.polling = polling
        settle = (
            settle_s if settle_s is not None else (self.settings.poll_settle_s if polling else self.settings.settle_s)
        )
        self.tracker = StabilityTracker(settle, close_events=not polling, clock=clock)
        self.clock = clock
        self.jobs: list[Job] = []
        self._stop = threading.Event()
        self._hints: queue.Queue[tuple[str, str]] = queue.Queue()
        self._converter: Any = None
        self._stuck: dict[Path, tuple[int, int, int] | None] = {}  # could not be filed; skipped until changed
        self._backup_day: date | None = None

    def stop(self) -> None:
        """Ask the loop to stop after the file in hand."""
        self._stop.set()

    def _job_of(self, path: Path, *, tracked: bool = False) -> Job | None:
        """The job taking ``path`` as input (or, with ``tracked``, also as a PDF's sidecar)."""
        test = Job.tracks if tracked else Job.accepts
        return next((j for j in self.jobs if path.parent == j.folder and test(j, path)), None)

    def _stuck_still(self, path: Path) -> bool:
        """Whether ``path`` could not be filed and has not changed since (then it is not retried)."""
        if path not in self._stuck:
            return False
        if self._stuck[path] == entry_signature(path):
            return True
        del self._stuck[path]
        return False

    def _scan(self) -> None:
        """Track every entry named like an input, whatever its type: links, FIFOs and folders too
        are taken (to failed/, never opened), so none of them lingers unexplained in the inbox."""
        for job in self.jobs:
            try:
                entries = list(os.scandir(job.folder))
            except OSError:
                continue
            for entry in entries:
                path = Path(entry.path)
                if entry.name not in OUTCOME_DIRS and job.tracks(path) and not self._stuck_still(path):
                    self.tracker.observe(path)

    def _drain(self, timeout: float) -> None:
        try:
            kind, raw = self._hints.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            path = Path(raw)
            if self._job_of(path, tracked=True) is not None and not self._stuck_still(path):
                # An open may be a writer that has not written yet: wait for its close.
                self.tracker.observe(
                    path,
                    modified=kind in ("modified", "opened"),
                    closed=kind == "closed",
                    released=kind == "closed_no_write",
                )
            try:
                kind, raw = self._hints.get_nowait()
            except queue.Empty:
                return

    def _takeable(self, path: Path, job: Job) -> bool:
        """A PDF waits a little for its sidecar; everything else is taken when stable."""
        if job.action == "request":
            return True
        sidecar = sidecar_of(path)
        if sidecar is not None:
            if not self.tracker.tracking(sidecar):
                self.tracker.observe(sidecar)
            return self.tracker.is_ready(sidecar)  # a sidecar still being written is not read
        return self.tracker.age(path) >= self.settings.sidecar_wait_s

    def _converter_for(self) -> Converter | None:
        if not self.settings.pdf:
            return None
        if self._converter is None:
            from docgen.pdf import ConverterPool

            self._converter = ConverterPool()
            self._converter.start()
        return self._converter

    def _process(self, reg: Register, job: Job, path: Path, summary: Summary) -> None:
        started = time.perf_counter()
        outcome = process_file(
            self.workspace, job, path, reg, converter=self._converter_for(), retries=self.settings.retries
        )
        self.tracker.forget(path)
        if not outcome.made and not os.path.lexists(path):
            log.info("%s hilang sebelum diproses (dipindah atau dihapus orang lain)", shown(str(path)))
            return
        try:
            file_away(path, outcome)
        except Exception as exc:  # e.g. a folder that cannot be renamed: logged once, not retried in a loop
            self._stuck[path] = entry_signature(path)
            log.error(
                "%s tidak bisa dipindah ke %s/ (%s); dibiarkan sampai berkas itu diubah atau dihapus",
                shown(str(path)), outcome.folder, exc,
            )  # fmt: skip
            return
        summary.counts[outcome.folder] += 1
        numbers = ", ".join(r.number or f"dokumen {r.id}" for _, r in outcome.made)
        errors = "; ".join(f"{label + ': ' if label else ''}{m}" for label, m in outcome.errors)[:300]
        detail = (errors + (f" (dibuat: {numbers})" if numbers else "")) if errors else numbers or "sudah pernah dibuat"
        log.info(
            "%s/%s -> %s: %s (%.2f s)",
            job.folder.relative_to(self.workspace.root / "inbox"), shown(path.name), _WORDS[outcome.folder],
            shown(detail),
            time.perf_counter() - started,
        )  # fmt: skip

    def run(self, *, once: bool = False, on_start: Callable[[], None] | None = None) -> Summary:
        """Watch until stopped (or, with ``once``, until what was there is processed).

        ``on_start`` runs once the inbox is locked for this watcher (the CLI prints its banner).
        """
        lock = self._lock()
        summary = Summary()
        self.jobs = create_inbox(self.workspace)
        observer = None if once else self._observe()
        restore = self._handle_signals()
        try:
            with Register.open(self.workspace, long_running=True) as reg:
                for line in check_register(reg, fix=True).fixed:  # finish what a killed run left
                    log.warning("perbaikan saat mulai: %s", line)
                self._backup_if_due()
                if on_start is not None:
                    on_start()
                self._loop(reg, summary, once=once)
        finally:
            restore()
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)
            if self._converter is not None:
                self._converter.stop()
            lock.close()
        return summary

    def _loop(self, reg: Register, summary: Summary, *, once: bool) -> None:
        self._scan()
        next_scan = self.clock() + self.settings.rescan_s
        deadline = self.clock() + self.tracker.settle_s + self.settings.sidecar_wait_s + 5.0
        while not self._stop.is_set():
            for path in self.tracker.ready():
                job = self._job_of(path)
                if job is None:
                    if self._job_of(path, tracked=True) is None or not os.path.lexists(path):
                        self.tracker.forget(path)  # sidecars stay tracked until their PDF is taken
                elif self._takeable(path, job):
                    self._process(reg, job, path, summary)
                if self._stop.is_set():
                    return
            self._backup_if_due()
            waiting = any(self._job_of(p) is not None for p in self.tracker.paths())
            if once and (not waiting or self.clock() > deadline):
                return
            self._drain(timeout=0.05)
            if self.clock() >= next_scan:
                self._scan()
                next_scan = self.clock() + self.settings.rescan_s

    def _backup_if_due(self) -> None:
        """One register backup a day (checked each turn of the loop); a failure is logged, never fatal.

        A backup already taken today, by this watcher or by hand, counts: restarts do not pile up copies.
        """
        today = date.today()
        if not self.settings.backup_daily or self._backup_day == today or self.workspace.profile.books.url:
            return
        self._backup_day = today
        try:
            from docgen.register.backup import backup_register
            from docgen.register.backupfiles import latest_backup

            latest = latest_backup(self.workspace)
            if latest is not None and date.fromtimestamp(latest.stat().st_mtime) == today:
                return
            log.info("cadangan register harian: %s", backup_register(self.workspace))
        except Exception as exc:
            log.error("cadangan register harian gagal (%s); watcher tetap berjalan: periksa ruang disk", exc)

    def _observe(self) -> Any:
        if self.polling:
            from watchdog.observers.polling import PollingObserver

            observer = PollingObserver(timeout=1.0)
        else:
            from watchdog.observers import Observer

            observer = Observer()
        observer.schedule(_Events(self._hints), str(self.workspace.root / "inbox"), recursive=True)
        observer.start()
        return observer

    def _handle_signals(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
        for sig in previous:
            signal.signal(sig, lambda *_: self.stop())

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore

    def _lock(self) -> Any:
        """One watcher per inbox: a second would race the first for the same files."""
        path = self.workspace.root / "inbox" / ".docgen-watch.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ConfigError(f"Watcher lain sedang memantau {path.parent}; hentikan dulu yang itu") from None
        return handle


def watch_status(workspace: Workspace) -> list[dict[str, Any]]:
    """Per job folder: files waiting, and how many went to done, failed and duplicate."""
    from docgen.inbox import jobs

    rows = []
    for job in jobs(workspace):
        # Every entry named like an input counts (a link or a FIFO in failed/ too); none is followed.
        waiting = [p for p in job.folder.glob("*") if p.name not in OUTCOME_DIRS and job.accepts(p)]
        row: dict[str, Any] = {"folder": str(job.folder.relative_to(workspace.root)), "menunggu": len(waiting)}
        latest = 0.0
        for sub in OUTCOME_DIRS:
            files = [p for p in (job.folder / sub).glob("*") if job.accepts(p)]
            row[sub] = len(files)
            latest = max([latest, *(p.lstat().st_mtime for p in files)])
        row["terakhir"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(latest)) if latest else "-"
        rows.append(row)
    return rows
