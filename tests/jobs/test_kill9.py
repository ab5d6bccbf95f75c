"""A real ``kill -9`` of ``credit-ledger run`` in the middle of its ledger commit, then a rerun
that completes normally."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from credit_ledger.ledger import PAUSE_ENV, Ledger, _delta, records_table
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


def _cli(job: Path, as_of: str, **env: str) -> subprocess.Popen[str]:
    environ = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "plugins"), str(ROOT)]),
        "CREDIT_LEDGER_PLUGINS_DENY": other_plugins(),
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "credit_ledger", "run", str(job), "--as-of", as_of],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


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

    marker = tmp_path / "paused"
    victim = _cli(job, DAY2, **{PAUSE_ENV: str(marker)})
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert victim.poll() is None, victim.communicate()[1]
        assert time.monotonic() < deadline, "the run never reached its commit"
        time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=30)
    assert victim.returncode == -signal.SIGKILL

    # the killed run wrote a table version, but readers still see the first run's state
    name = records_table("dishonest_debtor")
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
