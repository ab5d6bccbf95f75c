"""The ledger on its own: commits, time travel, recovery, lock, compaction, history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from credit_ledger.ledger import (
    FINDINGS,
    INPUTS,
    Ledger,
    LedgerError,
    LedgerLockedError,
    RunNotFoundError,
    _delta,
    records_table,
)

KIND = "toy"


def _records(ids: list[str], status: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "record_id": ids,
            "status": status,
            "_source": ["f.csv"] * len(ids),
            "_row": list(range(1, len(ids) + 1)),
        },
        schema_overrides={"_row": pl.Int64},
    )


def _row(day: dt.date, key: str) -> dict[str, Any]:
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    return {
        "run_key": key,
        "job": "test",
        "as_of": day,
        "started_at": now,
        "forced": False,
        "status": "ok",
        "rows_in": 0,
        "rows_valid": 0,
        "rows_quarantined": 0,
        "records_inserted": 0,
        "records_updated": 0,
        "findings": 0,
        "worst_severity": None,
        "rule_errors": 0,
    }


def _commit(ledger: Ledger, run_id: str, frame: pl.DataFrame, day: int = 1) -> None:
    with ledger.lock(job="test"):
        ledger.recover()
        commit = ledger.begin(run_id)
        commit.upsert_records(KIND, frame, key="record_id")
        commit.append(INPUTS, pl.DataFrame({"source": ["s"], "rows_in": [frame.height]}))
        commit.finish(_row(dt.date(2025, 1, day), run_id), {"run_id": run_id})


def _ids(ledger_state: Any) -> dict[str, str]:
    frame = ledger_state.records(KIND).collect()
    return dict(zip(frame["record_id"], frame["status"], strict=True))


def test_upsert_time_travel_and_provenance(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    _commit(ledger, "run1", _records(["a", "b"], ["open", "open"]))
    _commit(ledger, "run2", _records(["b", "c"], ["closed", "open"]), day=2)
    _commit(ledger, "run3", _records(["b", "c"], ["closed", "open"]), day=3)  # redelivery
    assert _ids(ledger.state()) == {"a": "open", "b": "closed", "c": "open"}
    assert _ids(ledger.as_of_run("run1")) == {"a": "open", "b": "open"}
    assert _ids(ledger.as_of_version(2)) == _ids(ledger.state())
    assert ledger.as_of_version(0).kinds() == ()
    state = ledger.state().records(KIND).collect().sort("record_id")
    # b changed in run2 (first seen in run1); the identical redelivery in run3 changed nothing
    assert state["_first_batch"].to_list() == ["run1", "run1", "run2"]
    assert state["_batch"].to_list() == ["run1", "run2", "run2"]
    runs = ledger.runs()
    assert runs["ledger_version"].to_list() == [1, 2, 3]
    assert ledger.as_of_run("run2").inputs().collect()["run_id"].to_list() == ["run2"]
    assert ledger.state().inputs(all_runs=True).collect().height == 3
    manifest = json.loads((ledger.path / "manifests" / "run3.json").read_text())
    assert manifest["ledger_version"] == 3
    assert set(manifest["tables"]) == {records_table(KIND), INPUTS}


def test_unknown_run_and_version(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    _commit(ledger, "run1", _records(["a"], ["open"]))
    with pytest.raises(RunNotFoundError, match="no committed run 'nope'"):
        ledger.as_of_run("nope")
    with pytest.raises(RunNotFoundError, match=r"versions 0\.\.1"):
        ledger.as_of_version(5)
    with pytest.raises(LedgerError, match="holds no 'other' records"):
        ledger.state().records("other")
    assert ledger.state().findings().collect().height == 0  # table never written: empty


def test_uncommitted_writes_are_invisible_and_rolled_back(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    _commit(ledger, "run1", _records(["a"], ["open"]))
    with ledger.lock():
        commit = ledger.begin("crashed")
        commit.upsert_records(KIND, _records(["a", "z"], ["closed", "open"]), key="record_id")
        commit.append(FINDINGS, pl.DataFrame({"rule_id": ["x.y"]}))
        # no finish(): the process "dies" here
    assert _ids(ledger.state()) == {"a": "open"}  # readers trust only committed versions
    assert _delta.version(ledger.path, records_table(KIND)) == 1
    with ledger.lock():
        done = ledger.recover()
    assert any("restored records/toy" in line for line in done)
    assert any("removed uncommitted table findings" in line for line in done)
    assert _ids(ledger.state()) == {"a": "open"}
    assert pl.scan_delta(str(ledger.path / "records" / KIND)).collect().height == 1
    _commit(ledger, "run2", _records(["b"], ["open"]), day=2)  # the next run completes
    assert _ids(ledger.state()) == {"a": "open", "b": "open"}
    with ledger.lock():
        assert ledger.recover() == []


def test_abort_restores_and_missing_manifest_is_rewritten(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    _commit(ledger, "run1", _records(["a"], ["open"]))
    with ledger.lock():
        commit = ledger.begin("failing")
        commit.upsert_records(KIND, _records(["a"], ["closed"]), key="record_id")
        assert commit.abort()
    assert _delta.same_as(ledger.path, records_table(KIND), 0)
    (ledger.path / "manifests" / "run1.json").unlink()
    with ledger.lock():
        assert ledger.recover() == ["rewrote manifest of run run1"]
    assert json.loads((ledger.path / "manifests" / "run1.json").read_text())["run_id"] == "run1"


def test_lock_excludes_a_second_run(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    with (
        ledger.lock(job="nightly"),
        pytest.raises(LedgerLockedError, match=r"locked by pid \d+ .*job nightly"),
        Ledger(tmp_path / "ledger").lock(job="other"),
    ):
        pass
    with ledger.lock(job="again"):  # released
        pass


def test_compact_keeps_every_referenced_version(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    for i in range(1, 5):
        _commit(ledger, f"run{i}", _records([f"r{i}", "a"], ["open", f"v{i}"]), day=i)
    before = {f"run{i}": _ids(ledger.as_of_run(f"run{i}")) for i in range(1, 5)}
    done = ledger.compact()
    assert done.compacted[INPUTS] == 4  # one small file per run, merged into one
    for run_id, ids in before.items():  # all runs still readable
        assert _ids(ledger.as_of_run(run_id)) == ids
    _commit(ledger, "run5", _records(["r5"], ["open"]), day=5)  # compaction is not "uncommitted"
    assert len(_ids(ledger.state())) == 6  # r1..r5 and a
    done = ledger.compact(keep_runs=2)
    assert done.oldest_readable_version == 4
    assert sum(len(v) for v in done.deleted.values()) > 0
    assert _ids(ledger.as_of_run("run4")) == {**before["run4"]}
    assert len(_ids(ledger.as_of_run("run5"))) == 6
    with pytest.raises(LedgerError, match="was vacuumed"):
        ledger.as_of_run("run1")
    assert ledger.runs().height == 5  # the runs and their manifests stay listed
    with pytest.raises(LedgerError, match="at least 1"):
        ledger.compact(keep_runs=0)


def test_compact_dry_run_changes_nothing(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    _commit(ledger, "run1", _records(["a"], ["open"]))
    _commit(ledger, "run2", _records(["a"], ["closed"]), day=2)
    version = _delta.version(ledger.path, records_table(KIND))
    done = ledger.compact(keep_runs=1, dry_run=True)
    assert done.dry_run
    assert _delta.version(ledger.path, records_table(KIND)) == version
    assert _ids(ledger.as_of_run("run1")) == {"a": "open"}


def test_history_flags_drift(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    sizes = [(100, 1), (104, 2), (98, 1), (300, 3), (101, 40)]
    for i, (rows, quarantined) in enumerate(sizes, start=1):
        with ledger.lock():
            commit = ledger.begin(f"run{i}")
            commit.append(
                INPUTS,
                pl.DataFrame(
                    {
                        "source": ["daily"],
                        "kind": [KIND],
                        "rows_in": [rows],
                        "rows_valid": [rows - quarantined],
                        "rows_quarantined": [quarantined],
                    }
                ),
            )
            commit.finish(_row(dt.date(2025, 1, i), f"k{i}"), {})
    history = ledger.history(window=3)
    flags = history.sources.select("run_id", "rows_drift", "quarantine_drift").rows()
    assert flags == [
        ("run1", False, False),
        ("run2", False, False),
        ("run3", False, False),
        ("run4", True, False),  # 300 rows vs a median of 100
        ("run5", False, True),  # 40 % quarantined vs about 1 %
    ]
    assert history.drift["run_id"].to_list() == ["run4", "run5"]
    assert history.runs["records"].to_list() == [0] * 5
