"""Holding SIGINT and SIGTERM back while a run commits, so a stop request never lands between
the ledger's commit point and the outputs that go with it.

Before its commit a run stops at once on a signal (nothing of it is in the ledger; its staged
outputs are discarded). From the start of its ledger commit to the last output, the signal
waits: the run finishes, then the signal takes effect as it would have (KeyboardInterrupt, or
whatever the process's SIGTERM handler does). A ``kill -9`` cannot be held back; the next
run's recovery covers it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["deferred"]

_HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the ``with`` block; the first that arrived meanwhile is
    raised again when it ends. Python runs signal handlers in the main thread only (whichever
    thread the kernel interrupts), so handlers are swapped rather than the thread's signal mask
    changed; in any other thread this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        del frame
        pending.append(signum)

    previous = {s: signal.signal(s, hold) for s in _HELD}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        if pending:
            signal.raise_signal(pending[0])
