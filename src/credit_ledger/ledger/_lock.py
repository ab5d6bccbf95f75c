"""An exclusive lock on a ledger directory, so two runs never write it at once.

The lock is an ``flock`` on ``<ledger>/_lock``: the kernel releases it when the holding process
ends in any way (``kill -9`` included), so a crashed run never leaves a stale lock behind. The
file's content (pid, host, job, run, start time) only serves the message another run prints.

The lock needs a filesystem that implements it (a local one, or NFSv4 and others with POSIX
locks). Where ``flock`` is refused as unsupported, the ledger is not written unlocked: the
error says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from credit_ledger._files import PRIVATE_FILE, make_dirs
from credit_ledger.errors import ConfigError, LedgerLockedError

__all__ = ["LOCK_FILE", "HeldLock", "ledger_lock"]

LOCK_FILE = "_lock"

log = logging.getLogger("credit_ledger.ledger")

_UNSUPPORTED = frozenset(
    {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EINVAL}
)
_POLL_SECONDS = 0.2


def _holder(fd: int) -> str:
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        info = json.loads(raw) if raw.strip() else {}
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or not info:
        return "another process"
    run = f", run {info['run']}" if info.get("run") else ""
    return (
        f"pid {info.get('pid', '?')} on {info.get('host', '?')} "
        f"(job {info.get('job', '?')!s}{run}) since {info.get('started_at', '?')}"
    )


class HeldLock:
    """The lock while it is held: :meth:`note_run` names the run in it for other runs' messages."""

    def __init__(self, fd: int, info: dict[str, object]) -> None:
        self._fd = fd
        self._info = info
        self._write()

    def _write(self) -> None:
        data = json.dumps(self._info).encode()
        os.pwrite(self._fd, data, 0)
        os.ftruncate(self._fd, len(data))

    def note_run(self, run_id: str) -> None:
        """Record the id of the run holding the lock (shown to a run that finds it locked)."""
        self._info["run"] = run_id
        self._write()


def _try_lock(fd: int, root: Path) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            raise ConfigError(
                f"ledger {root}: its filesystem does not support file locks "
                f"({exc.strerror or exc}); keep the ledger on a local or POSIX-locking "
                "filesystem (runs are never written unlocked)"
            ) from None
        raise
    return True


@contextlib.contextmanager
def ledger_lock(root: Path, *, job: str = "", wait: float = 0.0) -> Iterator[HeldLock]:
    """Hold the exclusive lock of the ledger at ``root`` for the ``with`` block.

    Args:
        root: the ledger directory (created if missing).
        job: a label of the run, shown to a run that finds the ledger locked.
        wait: seconds to wait for another holder to release the lock (0: fail at once).

    Raises:
        LedgerLockedError: another process still holds the lock after ``wait`` seconds; the
            message names it (pid, host, job, run, since when).
        ConfigError: the filesystem does not support locks.
        LedgerError: the lock file cannot be created.
    """
    make_dirs(root)
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        logged = False
        while not _try_lock(fd, root):
            if time.monotonic() >= deadline:
                waited = f" after waiting {wait:g} s" if wait > 0 else ""
                raise LedgerLockedError(
                    f"ledger {root} is locked by {_holder(fd)}{waited}: runs on one ledger "
                    "cannot overlap; retry later or wait for it (--wait SECONDS); the lock is "
                    "released when that process ends"
                )
            if not logged:
                log.info("ledger %s is locked by %s; waiting up to %g s", root, _holder(fd), wait)
                logged = True
            time.sleep(min(_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
        info: dict[str, object] = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "job": job,
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        try:
            yield HeldLock(fd, info)
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
