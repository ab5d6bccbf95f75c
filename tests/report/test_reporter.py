"""The reporter contract: a reporter writes before the commit or after it, not both."""

from __future__ import annotations

from pathlib import Path

import pytest

from credit_ledger.plugins import CommittedRun, Reporter


def _after(run: CommittedRun, path: Path) -> None:
    path.write_text(run.run_id, encoding="utf-8")


def test_a_reporter_gives_exactly_one_writer() -> None:
    assert Reporter(name="x", suffix=".txt", after_commit=_after).write is None
    with pytest.raises(TypeError, match="write or after_commit"):
        Reporter(name="x", suffix=".txt")
    with pytest.raises(TypeError, match="write or after_commit"):
        Reporter(name="x", suffix=".txt", write=lambda r, p: None, after_commit=_after)
