"""Library noise stays out of the user's streams.

Polars, fastexcel, deltalake and pandera report some conditions as Python warnings printed
to stderr in their own words (``Could not determine dtype for column 23, falling back to
string``). Inside :func:`quiet_libraries` they become debug records of the ``credit_ledger``
logger instead; what matters to the user is reported by credit_ledger itself.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["quiet_libraries"]

log = logging.getLogger("credit_ledger.libraries")


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """Turn the warnings raised inside the block into debug log records."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for w in caught:
                log.debug("%s: %s", w.category.__name__, w.message)
