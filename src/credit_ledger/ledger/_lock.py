"""An exclusive lock on a ledger directory, so two runs never write it at once.

The lock is an ``flock`` on ``<ledger>/_lock``: the kernel releases it when the holding process
ends in any way (``kill -9`` included), so a crashed run never leaves a stale lock behind. The
file's content (pid, host, start time, job) only serves the message another run prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from credit_ledger._files import PRIVATE_FILE, make_dirs
from credit_ledger.errors import LedgerLockedError

__all__ = ["LOCK_FILE", "ledger_lock"]

LOCK_FILE = "_lock"


def _holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        info = json.loads(raw) if raw.strip() else {}
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or not info:
        return "another process"
    return (
        f"pid {info.get('pid', '?')} on {info.get('host', '?')} "
        f"(job {info.get('job', '?')!s}, started {info.get('started_at', '?')})"
    )


@contextlib.contextmanager
def ledger_lock(root: Path, *, job: str = "") -> Iterator[None]:
    """Hold the exclusive lock of the ledger at ``root`` for the ``with`` block.

    Args:
        root: the ledger directory (created if missing).
        job: a label of the run, shown to a run that finds the ledger locked.

    Raises:
        LedgerLockedError: another process holds the lock; the message names it.
        LedgerError: the lock file cannot be created.
    """
    make_dirs(root)
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LedgerLockedError(
                f"ledger {root} is locked by {_holder(fd)}: runs on one ledger cannot overlap; "
                "wait for that run to finish (the lock is released when its process ends)"
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "job": job,
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
