"""Worker processes: fork where the platform has it (workers start at once and inherit what is loaded), spawn
elsewhere (Windows), one helper to run a job beside the caller without pickling its arguments, and the rule that
no child outlives its parent (a `kill -9` of a command leaves no worker behind); and the garbage collector paused
while a process piles up objects that live on."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import traceback
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Callable, Iterator

from thidua_xlsx.errors import ThiduaError


def fork_context() -> multiprocessing.context.BaseContext | None:
    """The fork start method where the platform has one, else None."""
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method for a process pool: fork where there is one, else spawn (jobs are then pickled)."""
    return fork_context() or multiprocessing.get_context("spawn")


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """In a child: ask the kernel to kill this process when its parent dies (Linux), and exit at once if the parent
    is already gone. Elsewhere a child notices its parent's death only when the pipe to it closes."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:
        os._exit(1)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block: while many objects that live on pile up (a
    consolidation's answers, xlsxwriter's cells), it would walk them again and again; they hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Beside:
    """A job running in a forked child while the caller works on; join() returns once it is done and raises the
    child's ThiduaError as it is, RuntimeError with any other error of the child. Without fork, the job runs
    inside join()."""

    def __init__(self, job: Callable[[], None]) -> None:
        self._job = job
        self._process = None
        context = fork_context()
        if context is not None:
            self._reader, writer = context.Pipe(duplex=False)
            self._process = context.Process(target=_run_child, args=(job, writer, os.getpid()), daemon=True)
            self._process.start()  # forked: the job and what it refers to are inherited, never pickled
            writer.close()

    def join(self) -> None:
        """Wait for the job; raise if it failed."""
        if self._process is None:
            self._job()
            return
        try:
            error = self._reader.recv() if self._reader.poll(None) else ""
        except EOFError:
            error = ""
        self._process.join()
        self._reader.close()
        if isinstance(error, ThiduaError):
            raise error
        if error or self._process.exitcode:
            raise RuntimeError(error or f"tiến trình con dừng với mã {self._process.exitcode}")

    def kill(self) -> None:
        """Stop the job (the caller failed): no child outlives it."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()


def _run_child(job: Callable[[], None], writer: Connection, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    try:
        job()
        writer.send("")
    except ThiduaError as exc:  # a message for the clerk: the parent raises it as it is
        writer.send(exc)
    except BaseException as exc:  # the parent raises it; the child must not print a traceback of its own
        writer.send(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
    finally:
        writer.close()
