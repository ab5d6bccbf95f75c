"""The one mapping from outcomes to process exit codes (STYLE.md §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credit_ledger.errors import CreditLedgerError

if TYPE_CHECKING:
    from credit_ledger.jobs import RunResult
    from credit_ledger.rules import Severity

OK = 0
FINDINGS = 1
USAGE = 2
RUNTIME = 3
OUTPUT = 4
INTERRUPTED = 130
TERMINATED = 143


class Terminated(BaseException):
    """SIGTERM reached a command that turns it into an exception (``credit-ledger run``):
    like KeyboardInterrupt, not an Exception, so no ``except Exception`` swallows it."""


def exit_code_for(exc: BaseException) -> int:
    """The exit code for an exception that ended a command."""
    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(exc, Terminated):
        return TERMINATED
    if isinstance(exc, CreditLedgerError):
        return exc.exit_code
    if isinstance(exc, OSError):
        return OUTPUT
    return RUNTIME


def exit_code_for_result(result: RunResult, fail_on: Severity | str | None = None) -> int:
    """The exit code of a batch run that returned ``result``.

    3 when a rule, summary or plugin could not be evaluated (an unevaluated rule is not a
    pass), 1 when unwaived findings are at or above ``fail_on`` (default: the job's), else 0.
    A run that changed nothing (same run key) exits 0: its findings were reported by the run
    it repeats; only that run's errors still exit 3, so a retry never hides them.
    """
    if result.errors or result.rules_status == "error":
        return RUNTIME
    if result.status == "unchanged":
        return OK
    if result.failing(fail_on):
        return FINDINGS
    return OK
