"""Long actions (collect of many files, report, send) run off the request, under the campaign's lock; the page
polls their progress."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from thidua_xlsx import lock
from thidua_xlsx.errors import ThiduaError


@dataclass
class Job:
    """One action running or done: its progress and, once done, what it did (lines, a table, links)."""

    id: str
    slug: str
    title: str
    started: datetime = field(default_factory=datetime.now)
    done: int = 0
    total: int | None = None
    step: str = ""
    state: str = "running"  # running, done, failed
    error: str = ""
    result: dict = field(default_factory=dict)

    def progress(self, done: int, total: int | None = None, step: str | None = None) -> None:
        """Called by the action as it goes."""
        self.done, self.total = done, total if total is not None else self.total
        if step is not None:
            self.step = step

    def advance(self, n: int = 1) -> None:
        """n more items done (the steps' progress callbacks count this way)."""
        self.done += n


class Jobs:
    """The actions of this server, by id; at most one per campaign at a time (the lock file)."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}

    def get(self, job_id: str) -> Job | None:
        """A job by id."""
        return self.jobs.get(job_id)

    def start(self, slug: str, root: Path, title: str, action: Callable[[Job], dict],
              after: Callable[[], None] | None = None) -> Job:
        """Take the campaign's lock (LockedError at once if another action holds it) and run the action in a
        thread; after runs when it ends, even on failure (the page drops what it had cached)."""
        lock.acquire(root, title)
        job = Job(secrets.token_urlsafe(8), slug, title)
        self.jobs[job.id] = job

        def run() -> None:
            try:
                job.result = action(job) or {}
                job.state = "done"
            except ThiduaError as exc:
                job.error, job.state = str(exc), "failed"
            except Exception as exc:  # a sentence for the clerk, never a traceback on the page
                job.error, job.state = f"Lỗi không mong đợi: {type(exc).__name__}: {exc}", "failed"
            finally:
                lock.release(root)
                if after:
                    after()

        threading.Thread(target=run, name=f"thidua-{title}", daemon=True).start()
        return job
