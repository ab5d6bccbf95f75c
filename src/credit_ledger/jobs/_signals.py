"""Holding SIGINT and SIGTERM back while a run commits, so a stop request never lands between
the ledger's commit point and the outputs that go with it.

Before its commit a run stops at once on a signal (nothing of it is in the ledger; its staged
outputs are discarded). From the start of its ledger commit to the last output, the signal
waits: the run finishes, then the signal takes effect (KeyboardInterrupt, or whatever the
process's SIGTERM handler does). A ``kill -9`` cannot be held back; recovery covers it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["deferred"]

_HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Block SIGINT and SIGTERM for the ``with`` block; one that arrived meanwhile is
    delivered when it ends. Only the main thread receives Python's signal handlers, so in any
    other thread this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
