"""Property: whatever sequence of batches arrives, the ledger holds each record once with its
last delivered content, and every committed run's state stays readable as it was."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_ledger.ledger import Ledger

IDS = st.sampled_from(["a", "b", "c", "d", "e"])
VALUES = st.sampled_from(["open", "closed", "reopened"])
BATCH = st.dictionaries(IDS, VALUES, min_size=0, max_size=5)


def _frame(batch: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"record_id": list(batch), "status": list(batch.values())},
        schema={"record_id": pl.String, "status": pl.String},
    ).with_columns(pl.lit("f.csv").alias("_source"), pl.lit(1, pl.Int64).alias("_row"))


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(BATCH, min_size=1, max_size=4))
def test_last_delivery_wins_and_history_is_kept(batches: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(Path(tmp) / "ledger")
        expected: dict[str, str] = {}
        states: list[dict[str, str]] = []
        for i, batch in enumerate(batches, start=1):
            with ledger.lock():
                commit = ledger.begin(f"run{i}")
                stats = commit.upsert_records("toy", _frame(batch), key="record_id")
                commit.finish(
                    {
                        "run_key": f"k{i}",
                        "job": "p",
                        "as_of": dt.date(2025, 1, i),
                        "started_at": dt.datetime(2025, 1, i, tzinfo=dt.UTC),
                        "forced": False,
                        "status": "ok",
                    },
                    {},
                )
            new = sum(1 for k in batch if k not in expected)
            changed = sum(1 for k, v in batch.items() if k in expected and expected[k] != v)
            assert (stats.inserted, stats.updated) == (new, changed)
            assert stats.unchanged == len(batch) - new - changed
            expected.update(batch)
            states.append(dict(expected))
        for i, state in enumerate(states, start=1):
            then = ledger.as_of_version(i)
            if not state:
                continue
            frame = then.records("toy").collect()
            assert frame["record_id"].n_unique() == frame.height
            assert dict(zip(frame["record_id"], frame["status"], strict=True)) == state
