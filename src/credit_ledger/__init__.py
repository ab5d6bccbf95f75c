"""credit_ledger: data quality for Chinese public credit records (公共信用信息).

Read records with :func:`read`, validate them against their kind's pandera schema with
:func:`validate` (every row ends valid or quarantined, with reasons).

Example:
    >>> import credit_ledger
    >>> lf = credit_ledger.read("dishonest_debtor.csv", kind="dishonest_debtor")  # doctest: +SKIP
    >>> result = credit_ledger.validate(lf, kind="dishonest_debtor")  # doctest: +SKIP
    >>> result.summary.rows_quarantined  # doctest: +SKIP
    3
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from credit_ledger import errors, ids
from credit_ledger.ingest import read
from credit_ledger.kinds import RecordKind, get_kind, record_kinds, schema
from credit_ledger.validate import ValidationResult, ValidationSummary, validate

try:
    __version__ = version("credit-ledger")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "RecordKind",
    "ValidationResult",
    "ValidationSummary",
    "__version__",
    "errors",
    "get_kind",
    "ids",
    "read",
    "record_kinds",
    "schema",
    "validate",
]
