"""Batch jobs: a TOML job file → read → validate → rules → ledger commit → outputs.

:func:`run` is what ``credit-ledger run JOB.toml`` calls; it never exits the process. A run
is identified by its run key (a hash of the input contents, the resolved configuration, the
rules and plugins with their versions, and ``as_of``): the same key again does nothing unless
forced, and the ledger's upsert by record id means an input delivered twice adds no records.

Example:
    >>> from credit_ledger.jobs import run
    >>> result = run("examples/job.toml", as_of="2025-01-31")  # doctest: +SKIP
    >>> result.status, result.run_id  # doctest: +SKIP
    ('completed', 'r00001-20250131-5f2c9a1e')
"""

from __future__ import annotations

from credit_ledger.jobs._config import (
    OUTPUT_NAMES,
    HistoryConfig,
    Job,
    OutputConfig,
    SourceConfig,
    load_job,
    mask_uri,
    parse_job,
)
from credit_ledger.jobs._manifest import MANIFEST_VERSION, run_key
from credit_ledger.jobs._result import InputSummary, RunResult, RunStatus
from credit_ledger.jobs._runner import Progress, run

__all__ = [
    "MANIFEST_VERSION",
    "OUTPUT_NAMES",
    "HistoryConfig",
    "InputSummary",
    "Job",
    "OutputConfig",
    "Progress",
    "RunResult",
    "RunStatus",
    "SourceConfig",
    "load_job",
    "mask_uri",
    "parse_job",
    "run",
    "run_key",
]
