"""A real ``kill -9`` of ``credit-ledger run`` in the middle of its ledger commit (found by
watching its log: the records table written, the runs row not yet), then a rerun that completes
normally."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from credit_ledger.ledger import Ledger, _delta, records_table
from tests.jobs.conftest import (
    AS_OF,
    closed,
    listing,
    organ_listing,
    other_plugins,
    visible,
    write_rows,
)

ROOT = Path(__file__).resolve().parents[2]
DAY2 = "2025-04-01"


def _cli(job: Path, as_of: str, *extra: str) -> subprocess.Popen[str]:
    environ = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "plugins"), str(ROOT)]),
        "CREDIT_LEDGER_PLUGINS_DENY": other_plugins(),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "credit_ledger", "run", str(job), "--as-of", as_of, *extra],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_after_records(job: Path) -> None:
    """Run day 2 and SIGKILL it as soon as its log says the records table was written."""
    victim = _cli(job, DAY2, "--log-format", "json")
    assert victim.stderr is not None
    for line in victim.stderr:
        if "ledger: wrote records/dishonest_debtor" in line:
            victim.send_signal(signal.SIGKILL)
            break
    victim.communicate(timeout=60)


@pytest.mark.integration
def test_kill_9_during_commit_then_rerun(tmp_path: Path, make_job: Callable[..., Path]) -> None:
    write_rows(tmp_path / "in" / AS_OF / "a.csv", [listing(1), organ_listing(2)])
    write_rows(
        tmp_path / "in" / DAY2 / "a.csv", [closed(organ_listing(2), DAY2), listing(3), listing(4)]
    )
    job = make_job(
        sources=[{"name": "debtors", "kind": "dishonest_debtor", "path": "in/{as_of}/*.csv"}]
    )
    first = _cli(job, AS_OF)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    before = visible(tmp_path / "ledger")

    # The kill must land between the records write and the runs row: on a busy machine the
    # run may get there first, so try again from the first run's ledger (a few times at most).
    name = records_table("dishonest_debtor")
    saved = tmp_path / "ledger-day1"
    shutil.copytree(tmp_path / "ledger", saved)
    for _ in range(10):
        _kill_after_records(job)
        if Ledger(tmp_path / "ledger").runs().height == 1:
            break
        shutil.rmtree(tmp_path / "ledger")
        shutil.copytree(saved, tmp_path / "ledger")
    else:
        pytest.fail("in 10 tries the kill never landed before the runs row")

    # the killed run wrote a table version, but readers still see the first run's state
    assert _delta.version(tmp_path / "ledger", name) > before["tables"][name]
    assert visible(tmp_path / "ledger") == before

    rerun = _cli(job, DAY2)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert "recovery: restored records/dishonest_debtor" in err
    assert "ledger version 2" in out
    state = Ledger(tmp_path / "ledger").state()
    records = state.records("dishonest_debtor").collect().sort("record_id")
    assert records["record_id"].to_list() == ["D0001", "D0002", "D0003", "D0004"]
    assert records["removal_reason"].to_list()[1] == "performed"
    assert Ledger(tmp_path / "ledger").runs().height == 2
