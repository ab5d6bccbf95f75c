"""Plugin ``report``: the run report as a job output (``[outputs] reporters = ["report"]``
writes ``report.html`` beside the other outputs).

It is a reporter like a third party's, registered through the entry point ``report``: the core
cannot import the report (it sits above the plugin layer), and a pack can. The page is written
once the ledger holds the run (``after_commit``), since it reads the run, its history and its
quarantine from the ledger; the evaluation adds the summaries the ledger does not keep (arrears
aging, credit classes).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from credit_ledger.errors import ConfigError
from credit_ledger.plugins import CommittedRun, Reporter, hookimpl
from credit_ledger.report import build_report, write_report

__all__ = ["credit_ledger_reporters", "write"]


def write(run: CommittedRun, path: Path) -> None:
    """Write the HTML run report of ``run`` to ``path`` (Chinese)."""
    report = build_report(
        run.ledger,
        run_id=run.run_id,
        summaries=run.evaluation.summaries,
        references=run.references,
    )
    write_report(report, path, fmt="html", lang="zh")


@hookimpl
def credit_ledger_reporters() -> Sequence[Reporter]:
    """The ``report`` reporter (``report.html``); it needs the extra ``credit-ledger[report]``.

    Raises:
        ConfigError: the charting library is missing: the plugin is listed as failed with this
            message, and a job asking for the reporter stops before reading anything.
    """
    if importlib.util.find_spec("vl_convert") is None:
        raise ConfigError(
            "the run report needs the optional extra 'report': pip install 'credit-ledger[report]'"
        )
    return [
        Reporter(
            name="report",
            suffix=".html",
            after_commit=write,
            description="the run report: one self-contained HTML page with charts",
        )
    ]
