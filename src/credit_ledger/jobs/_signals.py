"""How a run answers SIGINT and SIGTERM: it stops at once before its ledger commit, and
finishes first when the signal comes during the commit.

Before its commit a run stops at once on a signal (nothing of it is in the ledger; its staged
outputs are discarded). From the start of its ledger commit to the last output, the signal
waits: the run finishes, then the signal takes effect as it would have (KeyboardInterrupt, or
whatever the process's SIGTERM handler does). A ``kill -9`` cannot be held back; the next
run's recovery covers it.

The exception a signal handler raises is not always the one that ends the run: Polars calls
back into Python from Rust, and a KeyboardInterrupt raised there can be printed and dropped
("Exception ignored in ...") or come out as an error of the library's own; a plugin's
``except BaseException`` can do the same. :func:`watched` keeps the exception each handler
raised and puts it back: over whatever exception ended the block, at the start of the commit
(so a dropped signal still stops the run before it), and at the end of a block it did not end.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

__all__ = ["deferred", "watched"]

_HELD = (signal.SIGINT, signal.SIGTERM)
_raised: list[list[BaseException]] = []  # per open watched() block: what its handlers raised

_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _restore(previous: dict[signal.Signals, _Handler]) -> None:
    for s, handler in previous.items():
        signal.signal(s, signal.SIG_DFL if handler is None else handler)


@contextlib.contextmanager
def watched() -> Iterator[None]:
    """Pass SIGINT and SIGTERM on to the handlers in place, keeping what they raise; leave the
    block with that exception however the code inside met it. In any thread but the main one
    (the only one Python runs handlers in) this does nothing."""
    if not _main_thread():
        yield
        return
    raised: list[BaseException] = []
    previous: dict[signal.Signals, _Handler] = {s: signal.getsignal(s) for s in _HELD}

    def relay(signum: int, frame: FrameType | None) -> None:
        handler = previous[signal.Signals(signum)]
        if callable(handler):
            try:
                handler(signum, frame)
            except BaseException as exc:
                raised.append(exc)
                raise
        elif handler != signal.SIG_IGN:  # the default action: the process ends
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)

    for s in _HELD:
        signal.signal(s, relay)
    _raised.append(raised)
    try:
        yield
    except BaseException as exc:
        if raised and exc is not raised[0]:
            raise raised[0] from exc
        raise
    finally:
        _raised.pop()
        _restore(previous)
    if raised:
        raise raised[0]


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the ``with`` block; the first that arrived meanwhile is
    raised again when it ends. A signal the surrounding :func:`watched` block saw and the code
    dropped is raised on entry, so the block does not start. Python runs signal handlers in
    the main thread only, so handlers are swapped rather than the thread's signal mask
    changed; in any other thread this does nothing."""
    if _raised and _raised[-1]:
        raise _raised[-1][0]
    if not _main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        del frame
        pending.append(signum)

    previous: dict[signal.Signals, _Handler] = {s: signal.signal(s, hold) for s in _HELD}
    try:
        yield
    finally:
        _restore(previous)
        if pending:
            signal.raise_signal(pending[0])
