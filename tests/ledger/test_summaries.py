"""Persisted summaries (``Summary(persist=...)``): one generic ledger table, read back by name,
typed as declared, per run; a summary that is not persisted leaves nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from credit_ledger.errors import RuleError
from credit_ledger.kinds import Field, RecordKind
from credit_ledger.ledger import SUMMARIES, Ledger, persisted_rows, persisted_tables
from credit_ledger.rules import Persist, RuleSet, RunContext, Summary, evaluate_many
from tests.ledger.test_ledger import _row

TOY = RecordKind(
    name="toy",
    version=1,
    title="toy",
    fields=(Field(name="record_id"), Field(name="office"), Field(name="fine", dtype="int")),
)
SCHEMA = pl.Schema(
    {
        "office": pl.String(),
        "day": pl.Date(),
        "total": pl.Decimal(38, 2),
        "reasons": pl.List(pl.Struct({"reason": pl.String(), "rows": pl.Int64()})),
    }
)


def _totals(ctx: RunContext, frames: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    return (
        frames["toy"]
        .group_by("office")
        .agg(pl.col("fine").sum().cast(pl.Decimal(38, 2)).alias("total"))
        .with_columns(
            pl.lit(ctx.as_of).alias("day"),
            pl.lit([{"reason": "fine:not_null", "rows": 2}]).alias("reasons"),
            pl.lit("not declared, not kept").alias("extra"),
        )
        .sort("office")
    )


PERSISTED = Summary(
    name="toy.totals",
    kinds=("toy",),
    compute=_totals,
    persist=Persist(schema=SCHEMA, title=("罚款合计", "Fine totals")),
)
TRANSIENT = Summary(name="toy.transient", kinds=("toy",), compute=_totals)


def _evaluate(day: dt.date, fines: list[int], *summaries: Summary) -> pl.DataFrame | None:
    frame = pl.DataFrame({"record_id": ["1", "2", "3"], "office": ["a", "b", "a"], "fine": fines})
    result = evaluate_many(
        {"toy": frame}, as_of=day, rules=RuleSet(summaries=summaries), kinds=[TOY]
    )
    assert not result.errors, result.errors
    return persisted_rows(result, day)


def _commit(ledger: Ledger, run_id: str, day: dt.date, rows: pl.DataFrame | None) -> None:
    with ledger.lock(job="test"):
        commit = ledger.begin(run_id)
        if rows is not None:
            commit.append(SUMMARIES, rows)
        commit.finish(_row(day, run_id), {"run_id": run_id})


def test_a_persisted_summary_reads_back_typed_per_run(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    d1, d2 = dt.date(2025, 1, 31), dt.date(2025, 2, 28)
    _commit(ledger, "r1", d1, _evaluate(d1, [100, 5, 7], PERSISTED, TRANSIENT))
    _commit(ledger, "r2", d2, _evaluate(d2, [1, 2, 3], PERSISTED, TRANSIENT))
    last = ledger.summary("toy.totals").collect()
    assert last.schema == pl.Schema(
        {"run_id": pl.String, "as_of": pl.Date, "summary": pl.String, **SCHEMA}
    )
    assert last.select("office", "total").rows() == [("a", Decimal("4.00")), ("b", Decimal("2.00"))]
    assert last["reasons"].to_list() == [[{"reason": "fine:not_null", "rows": 2}]] * 2
    every = ledger.summary("toy.totals", all_runs=True).collect()
    assert every.select("run_id", "day", "total").rows() == [
        ("r1", d1, Decimal("107.00")),
        ("r1", d1, Decimal("5.00")),
        ("r2", d2, Decimal("4.00")),
        ("r2", d2, Decimal("2.00")),
    ]
    first = ledger.as_of_run("r1").summary("toy.totals").collect()
    assert first["total"].to_list() == [Decimal("107.00"), Decimal("5.00")]
    listed = ledger.state().summaries(all_runs=True)
    assert listed.rows() == [("toy.totals", "罚款合计", "Fine totals", False, 2)]
    assert ledger.summary("toy.transient").collect().height == 0


def test_a_run_without_persisted_summaries_writes_no_table(tmp_path: Path) -> None:
    day = dt.date(2025, 1, 31)
    rows = _evaluate(day, [1, 2, 3], TRANSIENT)
    assert rows is None
    ledger = Ledger(tmp_path / "ledger")
    _commit(ledger, "r1", day, rows)
    assert not (tmp_path / "ledger" / SUMMARIES).exists()
    assert ledger.summary("toy.totals").collect().columns == ["run_id", "as_of", "summary"]


def test_the_outputs_read_the_same_tables_back() -> None:
    day = dt.date(2025, 1, 31)
    tables = persisted_tables(_evaluate(day, [1, 2, 3], PERSISTED))
    assert list(tables) == ["toy.totals"]
    assert tables["toy.totals"].schema == SCHEMA


def test_a_summary_missing_a_declared_column_is_an_error() -> None:
    wrong = Summary(
        name="toy.wrong",
        kinds=("toy",),
        compute=_totals,
        persist=Persist(schema=pl.Schema({"office": pl.String(), "absent": pl.Int64()})),
    )
    with pytest.raises(RuleError, match=r"toy\.wrong.*absent"):
        _evaluate(dt.date(2025, 1, 31), [1, 2, 3], wrong)


def test_a_per_period_ledger_declares_its_balance_columns() -> None:
    with pytest.raises(ValueError, match="opening"):
        Persist(schema=pl.Schema({"period": pl.String()}), periods=True)
