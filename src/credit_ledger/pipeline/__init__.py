"""The pipeline: read → validate → evaluate → (commit) → outputs, with an execution mode."""

from __future__ import annotations

from credit_ledger.pipeline._check import CheckResult, check
from credit_ledger.pipeline._pipeline import Progress

__all__ = ["CheckResult", "Progress", "check"]
