"""The ledger: history across runs on Delta Lake (``deltalake``, read and written via Polars).

A ledger is a directory of Delta tables (see :mod:`credit_ledger.ledger._schema` for the
layout). Case state per record kind is upserted by record id; per-run tables (inputs,
quarantine, findings, rule outcomes, persisted summaries) are append-only; the ``runs`` table
holds one row per committed run with its manifest and the version of every table.

Consistency: a table version exists for readers only once a committed run names it. The runs
row is written last (the commit point), so a crash at any moment leaves the previous run's
state; the next run restores what the crashed one had written before writing anything, and
deletes data files no Delta version references once older than a grace period. Readers outside
this library get the same guarantee by reading each table at the version the last runs row
records (``docs/scheduling.md`` shows how with Polars, deltalake and Spark); the latest version
of a table other than ``runs`` may hold an uncommitted run's rows until the next run.

Example:
    >>> from credit_ledger.ledger import Ledger
    >>> ledger = Ledger("var/ledger")  # doctest: +SKIP
    >>> first = ledger.runs()["run_id"][0]  # doctest: +SKIP
    >>> ledger.as_of_run(first).findings().collect()  # doctest: +SKIP
    >>> ledger.summary("mypack.fines_per_authority", all_runs=True).collect()  # doctest: +SKIP
"""

from __future__ import annotations

from credit_ledger.errors import LedgerError, LedgerLockedError, RunNotFoundError
from credit_ledger.ledger._commit import Commit
from credit_ledger.ledger._delta import MergeStats
from credit_ledger.ledger._history import History, history
from credit_ledger.ledger._lock import HeldLock
from credit_ledger.ledger._maintenance import Maintenance, compact
from credit_ledger.ledger._schema import (
    FINDINGS,
    INPUTS,
    QUARANTINE,
    RULE_OUTCOMES,
    RUNS,
    SUMMARIES,
    quarantine_department,
    records_table,
)
from credit_ledger.ledger._state import LedgerState, RunRecord
from credit_ledger.ledger._store import Ledger
from credit_ledger.ledger._summaries import persisted_rows, persisted_tables

__all__ = [
    "FINDINGS",
    "INPUTS",
    "QUARANTINE",
    "RULE_OUTCOMES",
    "RUNS",
    "SUMMARIES",
    "Commit",
    "HeldLock",
    "History",
    "Ledger",
    "LedgerError",
    "LedgerLockedError",
    "LedgerState",
    "Maintenance",
    "MergeStats",
    "RunNotFoundError",
    "RunRecord",
    "compact",
    "history",
    "persisted_rows",
    "persisted_tables",
    "quarantine_department",
    "records_table",
]
