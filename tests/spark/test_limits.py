"""Dataset rules and summaries run on the driver only up to ``driver_rows``: above it they are
errors saying so, never a figure computed from part of the data."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from credit_ledger.kinds import Field, RecordKind
from credit_ledger.pipeline import EvaluationRequest
from credit_ledger.pipeline._spark import SparkMode
from credit_ledger.rules import Rule, RuleSet, Scope, Summary

pytestmark = pytest.mark.spark

TOY = RecordKind(
    name="toy_fine",
    version=1,
    title="toy",
    fields=(Field(name="record_id", dtype="str"), Field(name="fine", dtype="int")),
)
RULES = RuleSet.of(
    [
        Rule(
            id="toy.fines_mostly_positive",
            title="most fines are positive",
            kind=TOY.name,
            check=(pl.col("fine") > 0).mean() > 0.9,
            scope=Scope.DATASET,
        ),
        Rule(
            id="toy.fine_positive",
            title="a fine is positive",
            kind=TOY.name,
            check=pl.col("fine") > 0,
        ),
    ],
    summaries=[
        Summary(
            name="toy.total",
            kinds=(TOY.name,),
            compute=lambda ctx, frames: frames[TOY.name].select(pl.col("fine").sum()).collect(),
        )
    ],
)
FRAMES = {TOY.name: pl.LazyFrame({"record_id": ["a", "b", "c"], "fine": [5, -1, 7]})}
REQUEST = EvaluationRequest(as_of=dt.date(2025, 1, 31), rules=RULES, kinds=(TOY,))


def test_within_the_limit_the_driver_computes_them(spark_mode: SparkMode) -> None:
    result = SparkMode(spark_mode.session, driver_rows=3).evaluate(FRAMES, REQUEST)
    assert not result.errors
    statuses = dict(result.outcomes.select("rule_id", "status").rows())
    assert statuses == {"toy.fine_positive": "fail", "toy.fines_mostly_positive": "fail"}
    assert result.summaries["toy.total"].item() == 11


def test_above_the_limit_they_are_errors_naming_it(spark_mode: SparkMode) -> None:
    result = SparkMode(spark_mode.session, driver_rows=2).evaluate(FRAMES, REQUEST)
    errors = {(e.what, e.name): e.message for e in result.errors}
    assert set(errors) == {("rule", "toy.fines_mostly_positive"), ("summary", "toy.total")}
    assert all("at most 2 rows" in m for m in errors.values())
    assert "toy.total" not in result.summaries
    outcomes = dict(result.outcomes.select("rule_id", "status").rows())
    assert outcomes == {"toy.fine_positive": "fail", "toy.fines_mostly_positive": "error"}


def test_a_callers_session_gets_its_options_back(spark_mode: SparkMode) -> None:
    session = spark_mode.session
    before = session.conf.get("spark.sql.optimizer.plannedWrite.enabled")
    SparkMode(session, driver_rows=3).evaluate(FRAMES, REQUEST)
    assert session.conf.get("spark.sql.optimizer.plannedWrite.enabled") == before
    assert session.conf.get("spark.sql.maxConcurrentOutputFileWriters", None) is None
    assert "POLARS_MAX_THREADS" not in session.sparkContext.environment
