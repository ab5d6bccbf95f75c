"""The reporter contract: a reporter writes before the commit or after it, not both."""

from __future__ import annotations

from pathlib import Path

import pytest

from credit_ledger.ledger import Ledger
from credit_ledger.plugins import CommittedRun, Reporter
from tests.report.conftest import DAYS, cli, write_job


def _after(run: CommittedRun, path: Path) -> None:
    path.write_text(run.run_id, encoding="utf-8")


def test_a_reporter_gives_exactly_one_writer() -> None:
    assert Reporter(name="x", suffix=".txt", after_commit=_after).write is None
    with pytest.raises(TypeError, match="write or after_commit"):
        Reporter(name="x", suffix=".txt")
    with pytest.raises(TypeError, match="write or after_commit"):
        Reporter(name="x", suffix=".txt", write=lambda r, p: None, after_commit=_after)


def test_a_failing_after_commit_reporter_publishes_nothing_and_says_so(tmp_path: Path) -> None:
    root = tmp_path
    job = write_job(root, reporters=("report", "broken"), modules=("tests.report.broken_reporter",))
    cli("generate", "--rows", "500", "--out", root / "in" / DAYS[0])
    done = cli("run", job, "--as-of", DAYS[0], check=False)
    assert done.returncode == 4
    assert "reporter 'broken' failed (RuntimeError: cannot draw" in done.stderr
    assert "Traceback" not in done.stderr
    assert Ledger(root / "ledger").runs().height == 1  # the run is committed
    out = root / "out" / DAYS[0]
    assert [p.name for p in out.iterdir()] == []  # no half output, no staging left behind
