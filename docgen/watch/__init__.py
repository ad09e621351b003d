"""Watched folders: drop a file into ``inbox/``, get a numbered document in ``outbox/``."""

from docgen.inbox import Job, create_inbox, jobs
from docgen.watch.service import Summary, Watcher, watch_status

__all__ = ["Job", "Summary", "Watcher", "create_inbox", "jobs", "watch_status"]
