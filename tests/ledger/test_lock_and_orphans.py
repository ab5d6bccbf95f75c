"""The lock where the filesystem cannot lock, ``--wait``, and data files no Delta version
references (a run killed while writing one): deleted after the grace period, never before."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import threading
import time
from pathlib import Path

import pytest

from credit_ledger.cli import main
from credit_ledger.errors import ConfigError
from credit_ledger.ledger import Ledger, LedgerLockedError, _delta, records_table
from tests.ledger.test_ledger import _commit, _records

KIND = records_table("toy")


def test_lock_refused_where_the_filesystem_cannot_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(fd: int, op: int) -> None:  # what flock gives on such a filesystem
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", unsupported)
    with (
        pytest.raises(ConfigError, match=r"does not support file locks.*local or POSIX-locking"),
        Ledger(tmp_path / "ledger").lock(job="x"),
    ):
        pytest.fail("the ledger was locked on a filesystem without locks")


def test_wait_takes_the_lock_once_released(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    release = threading.Event()

    def hold() -> None:
        with ledger.lock(job="first"):
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.2)
    with (
        pytest.raises(LedgerLockedError, match=r"\(job first\) since .* after waiting 0.3 s"),
        ledger.lock(job="second", wait=0.3),
    ):
        pytest.fail("the lock was taken while held")
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    with ledger.lock(job="second", wait=10):
        assert time.monotonic() - started >= 0.2
    holder.join()


def _stray(ledger: Path, age_hours: float) -> Path:
    """A data file as a run killed mid-write leaves it: in the table, in no Delta version."""
    path = _delta.table_dir(ledger, KIND) / "part-00000-killed-c000.zstd.parquet"
    path.write_bytes(b"PAR1 half written")
    then = time.time() - age_hours * 3600
    os.utime(path, (then, then))
    return path


def test_next_run_removes_unreferenced_files_older_than_the_grace(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger", orphan_grace_hours=1)
    _commit(ledger, "run1", _records(["a"], ["open"]))
    young = _stray(tmp_path / "ledger", 0.5)
    _commit(ledger, "run2", _records(["b"], ["open"]), day=2)
    assert young.exists()  # younger than the grace: a writer may still commit it
    os.utime(young, (time.time() - 7200, time.time() - 7200))
    _commit(ledger, "run3", _records(["c"], ["open"]), day=3)
    assert not young.exists()
    assert ledger.state().records("toy").collect()["record_id"].sort().to_list() == ["a", "b", "c"]
    assert ledger.as_of_run("run1").records("toy").collect()["record_id"].to_list() == ["a"]


def test_compact_spares_young_unreferenced_files(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    _commit(ledger, "run1", _records(["a"], ["open"]))
    young = _stray(tmp_path / "ledger", 0.1)
    done = ledger.compact(orphan_grace_hours=1)
    assert young.exists()
    assert young.name not in done.deleted[KIND]
    done = ledger.compact(orphan_grace_hours=0)
    assert not young.exists()
    assert young.name in done.deleted[KIND]
    assert ledger.state().records("toy").collect()["record_id"].to_list() == ["a"]


def test_compact_command_takes_the_grace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = Ledger(tmp_path / "ledger")
    _commit(ledger, "run1", _records(["a"], ["open"]))
    young = _stray(tmp_path / "ledger", 0.5)
    assert main(["compact", "--ledger", str(tmp_path / "ledger"), "--json"]) == 0
    assert young.exists()  # the default grace is an hour
    argv = ["compact", "--ledger", str(tmp_path / "ledger"), "--orphan-grace-hours", "0.25"]
    assert main([*argv, "--json"]) == 0
    assert not young.exists()
    assert young.name in json.loads(capsys.readouterr().out.splitlines()[-1])["deleted"][KIND]
