"""Library noise stays out of the user's streams.

Polars, fastexcel, deltalake and pandera report some conditions as Python warnings, or as
records of their own loggers that Python prints bare on stderr when nobody configured
logging (fastexcel's ``Could not determine dtype for column 23, falling back to string``).
Inside :func:`quiet_libraries` both become debug records of the ``credit_ledger.libraries``
logger; what matters to the user is reported by credit_ledger itself, in its own words.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

__all__ = ["LIBRARIES", "quiet_libraries"]

log = logging.getLogger("credit_ledger.libraries")
LIBRARIES = ("fastexcel", "polars", "deltalake", "pandera", "pyarrow")
"""Loggers whose records are turned into debug records of ``credit_ledger.libraries``."""


class _ToDebug(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log.debug("%s: %s", record.name, record.getMessage())


@contextmanager
def _library_loggers() -> Iterator[None]:
    handler = _ToDebug()
    saved = []
    for name in LIBRARIES:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate))
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield
    finally:
        for logger, propagate in saved:
            logger.removeHandler(handler)
            logger.propagate = propagate


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """Turn the warnings and library log records raised inside the block into debug logs."""
    with ExitStack() as stack:
        stack.enter_context(_library_loggers())
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for w in caught:
                log.debug("%s: %s", w.category.__name__, w.message)
