"""Errors of the ledger, in the library's one exception tree (:mod:`credit_ledger.errors`).

::

    CreditLedgerError
    └── LedgerError (3)             the ledger cannot be read or written as asked
        ├── LedgerLockedError       another run holds the ledger's lock
        └── RunNotFoundError        no committed run with that id or version
"""

from __future__ import annotations

from credit_ledger.errors import CreditLedgerError

__all__ = ["LedgerError", "LedgerLockedError", "RunNotFoundError"]


class LedgerError(CreditLedgerError):
    """The ledger cannot be read or written as asked."""

    exit_code = 3


class LedgerLockedError(LedgerError):
    """Another run holds the ledger's lock: two runs on one ledger never overlap."""


class RunNotFoundError(LedgerError, KeyError):
    """No committed run with the given id or ledger version."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""
