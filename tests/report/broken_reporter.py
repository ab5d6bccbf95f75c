"""A plugin module for report tests: a reporter that fails once the run is committed."""

from __future__ import annotations

from pathlib import Path

from credit_ledger.plugins import CommittedRun, Reporter, hookimpl


def _fail(run: CommittedRun, path: Path) -> None:
    path.write_text("half", encoding="utf-8")
    raise RuntimeError(f"cannot draw {run.run_id}")


@hookimpl
def credit_ledger_reporters() -> list[Reporter]:
    """``broken``: always fails."""
    return [Reporter(name="broken", suffix=".txt", after_commit=_fail)]
