"""Reading returns in isolation: each file is read in a worker process under a memory limit and a time limit, so a
file that crashes the spreadsheet library (an abort, a panic), exhausts memory or runs too long becomes a finding on
that file; the worker is replaced and every other return is still read.

Each worker is handed a few jobs ahead through a pipe of its own, answers them in order, and is replaced after any
failure: the job it was on when it died or overran (the oldest unanswered) is the one to blame, the jobs queued
behind it go back to the queue. The answers are read by a thread of this process, so workers never wait on it.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import queue
import signal
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from thidua_xlsx.cache import decode, encode
from thidua_xlsx.catalogue import Catalogue
from thidua_xlsx.findings import finding
from thidua_xlsx.processes import collector_paused, die_with_parent, pool_context
from thidua_xlsx.reader import ParsedReturn, read_return

MEMORY_LIMIT = 1 << 30  # bytes of address space a worker may add to what it started with, reading one file
TIME_LIMIT = 120.0      # seconds one file may take
AHEAD = 8               # jobs queued to a worker at once: it keeps reading while this process is busy
PER_WORKER = 16         # below this many files per worker, another worker costs more than it saves


@dataclass(frozen=True)
class Job:
    """One file to read: its position in the caller's list, its path, the name it is shown by, its hash."""

    index: int
    path: Path
    name: str
    sha256: str


def read_isolated(jobs: list[Job], catalogue: Catalogue,
                  meanwhile: Callable[[], object] | None = None) -> Iterator[tuple[Job, ParsedReturn, bytes | None]]:
    """Read the jobs in worker processes; yield (job, parsed, data) as each is done, in any order. data is the
    parsed return as stored data (for the parse cache), or None when the reading failed (nothing to keep).
    meanwhile runs in this process once the workers have their jobs."""
    if not jobs:
        if meanwhile:
            meanwhile()
        return
    workers = min(os.cpu_count() or 1, max(1, len(jobs) // PER_WORKER))
    pool = _Pool(catalogue, workers)
    results: queue.Queue = queue.Queue()
    runner = threading.Thread(target=pool.run, args=(jobs, results.put), daemon=True)
    with collector_paused():  # the answers piling up here live on (the consolidation keeps them)
        try:
            runner.start()
            if meanwhile:
                meanwhile()
            for _ in range(len(jobs)):
                item = results.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            pool.stop()
            if runner.ident is not None:  # started
                runner.join()


@dataclass
class _Worker:
    """One worker process, its end of the pipe, the jobs it holds (first one in hand) and when it took it."""

    process: BaseProcess
    conn: Connection
    log: BinaryIO  # the worker's stderr, kept in a temporary file: what a crash says about itself
    jobs: deque = field(default_factory=deque)
    since: float = 0.0


class _Pool:
    """Worker processes reading jobs; a worker that fails is replaced."""

    def __init__(self, catalogue: Catalogue, size: int) -> None:
        import python_calamine  # noqa: F401 - imported once here, inherited by every forked worker

        self.catalogue = catalogue
        self.context = pool_context()
        self.stopping = False
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        log = tempfile.TemporaryFile()
        forked = self.context.get_start_method() == "fork"
        process = self.context.Process(target=_work, daemon=True, args=(
            child_end, self.catalogue, os.getpid(), log.fileno() if forked else None, MEMORY_LIMIT))
        process.start()
        child_end.close()
        return _Worker(process, parent_end, log)

    def run(self, jobs: list[Job], put: Callable[[object], None]) -> None:
        """Hand out the jobs, collect the answers, blame and replace failed workers; every job gets one answer."""
        try:
            todo = deque(jobs)
            while not self.stopping and (todo or any(w.jobs for w in self.workers)):
                self._hand_out(todo)
                busy = [w for w in self.workers if w.jobs]
                first_due = min(w.since for w in busy) + TIME_LIMIT
                ready = wait([w.conn for w in busy], timeout=min(0.5, max(0.0, first_due - time.monotonic())))
                for worker in busy:
                    if worker.conn in ready:
                        self._answer(worker, todo, put)
                    elif time.monotonic() >= worker.since + TIME_LIMIT:
                        self._replace(worker, todo, put, _overrun(worker.jobs[0]))
        except BaseException as exc:  # the caller re-raises it; no worker is left behind either way
            put(exc)
        finally:
            self._close()

    def _hand_out(self, todo: deque) -> None:
        for worker in self.workers:
            while todo and len(worker.jobs) < AHEAD:
                job = todo.popleft()
                if not worker.jobs:
                    worker.since = time.monotonic()
                worker.jobs.append(job)
                worker.conn.send((str(job.path), job.name, job.sha256))

    def _answer(self, worker: _Worker, todo: deque, put: Callable[[object], None]) -> None:
        job = worker.jobs[0]
        try:
            kind, payload = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join()
            self._replace(worker, todo, put, _crashed(job, worker))
            return
        if kind == "ok":
            worker.jobs.popleft()
            worker.since = time.monotonic()
            put((job, decode(payload), payload))
        else:
            self._replace(worker, todo, put, _failed(job, kind, payload))

    def _replace(self, worker: _Worker, todo: deque, put: Callable[[object], None], parsed: ParsedReturn) -> None:
        """Blame the worker's current job, give its queued jobs back, and start a fresh worker in its place."""
        blamed = worker.jobs.popleft()
        todo.extendleft(reversed(worker.jobs))
        worker.jobs.clear()
        _end(worker)
        self.workers[self.workers.index(worker)] = self._start()
        put((blamed, parsed, None))

    def stop(self) -> None:
        """Ask run() to stop early (the caller failed)."""
        self.stopping = True

    def _close(self) -> None:
        for worker in self.workers:
            _end(worker)


def _end(worker: _Worker) -> None:
    """Stop a worker: its pipe closed (an idle worker exits), killed if it is still busy."""
    worker.conn.close()
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()
    worker.log.close()


def _work(conn: Connection, catalogue: Catalogue, parent_pid: int, log_fd: int | None, memory: int) -> None:
    """A worker: read each job sent, answer ("ok", data) or (error kind, detail); exit when the pipe closes."""
    die_with_parent(parent_pid)
    gc.enable()  # forked while the parent held collection off (collector_paused): this process makes garbage
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the workers
    if log_fd is not None:
        os.dup2(log_fd, 2)  # what the spreadsheet library prints as it aborts goes to the parent, not the screen
    faulthandler.disable()  # an abort is answered by the parent; no dump of this process's stack on the screen
    _limit_memory(memory)
    while True:
        try:
            path, name, sha256 = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", encode(read_return(Path(path), catalogue, name=name, sha256=sha256))))
        except MemoryError:
            conn.send(("memory", ""))
            return
        except BaseException as exc:  # a panic of the Rust library is a BaseException; any failure is this file's
            conn.send(("error", f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"))
            return


def _limit_memory(extra: int) -> None:
    """Cap the worker's address space at what it has now plus extra (where the platform allows it)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (now + extra, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):
        pass


def _unreadable(job: Job, code: str, **fields: object) -> ParsedReturn:
    return ParsedReturn(file=job.name, sha256=job.sha256, readable=False,
                        findings=[finding(code, source_file=job.name, **fields)])


def _limit_mb() -> int:
    return MEMORY_LIMIT // 1048576


def _overrun(job: Job) -> ParsedReturn:
    return _unreadable(job, "TEP_QUA_LON", reason=f"đọc quá {TIME_LIMIT:g} giây, đã dừng")


def _failed(job: Job, kind: str, detail: str) -> ParsedReturn:
    if kind == "memory":
        return _unreadable(job, "TEP_QUA_LON", reason=f"đọc tệp cần quá {_limit_mb()} MB bộ nhớ, đã dừng")
    return _unreadable(job, "LOI_DOC_TEP", error=detail)


def _crashed(job: Job, worker: _Worker) -> ParsedReturn:
    """A worker that died: out of memory if the library said so as it aborted, else a crash named by its signal."""
    worker.log.seek(0)
    said = worker.log.read(1 << 16).decode("utf-8", "replace")  # the message comes first, a backtrace after it
    if "memory allocation of" in said or "MemoryError" in said:
        return _unreadable(job, "TEP_QUA_LON", reason=f"đọc tệp cần quá {_limit_mb()} MB bộ nhớ, đã dừng")
    code = worker.process.exitcode or 0
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return _unreadable(job, "LOI_DOC_TEP", error=f"tiến trình đọc bị dừng đột ngột (tín hiệu {name})")
    return _unreadable(job, "LOI_DOC_TEP", error=f"tiến trình đọc dừng với mã {code}")
