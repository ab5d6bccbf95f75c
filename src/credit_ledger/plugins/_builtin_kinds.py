"""Built-in plugin ``builtin.kinds``: the record kinds of :mod:`credit_ledger.kinds.builtin`."""

from __future__ import annotations

from collections.abc import Sequence

from credit_ledger.contracts._kind import RecordKind
from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger.plugins.hookspecs import hookimpl


@hookimpl
def credit_ledger_record_kinds() -> Sequence[RecordKind]:
    """Licences, penalties, dishonest debtors, judgment-debtor cases, arrears (domain.md §2)."""
    return BUILTIN_KINDS
