"""The Spark mode against the in-memory engine on the same generated data (issue 16): the same
row accounting, valid rows, quarantine reasons, findings, outcomes and summaries for every
built-in pack, on a real local Spark."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from credit_ledger.ingest import read
from credit_ledger.kinds import RecordKind, get_kind
from credit_ledger.pipeline import EvaluationRequest, FileInput, Input, MemoryMode, Validated
from credit_ledger.pipeline._spark import SparkMode
from credit_ledger.pipeline._stages import quarantine_rows
from credit_ledger.plugins import active_manager
from credit_ledger.rules import EvaluationResult, RuleSet
from credit_ledger.synth import generate

pytestmark = pytest.mark.spark

AS_OF = dt.date(2025, 1, 31)
BUILT_IN = {"packs", "zeroing", "arrears", "classes", "publicity", "quality", "report"}


def _sorted(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    df = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    return df.sort(df.columns, nulls_last=True)


def _equal(expected: pl.DataFrame | pl.LazyFrame, got: pl.DataFrame | pl.LazyFrame) -> None:
    a, b = _sorted(expected), _sorted(got)
    assert a.schema == b.schema
    assert a.height == b.height
    assert a.equals(b)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Input]:
    """5,000 generated records of the five kinds as CSV, and a second delivery of some
    dishonest debtors (the last delivery of a record id wins)."""
    root = tmp_path_factory.mktemp("spark-data")
    paths = generate(root / "in", rows=5_000, seed=7)
    paths.pop("ground_truth")
    again = root / "again" / "dishonest_debtor.csv"
    again.parent.mkdir()
    pl.read_csv(paths["dishonest_debtor"], infer_schema=False).head(25).write_csv(again)
    files = [*paths.items(), ("dishonest_debtor", again)]
    return [
        FileInput(
            source=f"{kind}-{i}",
            kind=kind,
            location=str(path),
            sha256=f"{i:064d}",
            bytes=path.stat().st_size,
            frame=read(path, kind=get_kind(kind)).collect().lazy(),
        )
        for i, (kind, path) in enumerate(files)
    ]


@pytest.fixture(scope="module")
def kinds(inputs: list[Input]) -> dict[str, RecordKind]:
    return {item.kind: get_kind(item.kind) for item in inputs}


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    manager = active_manager()
    manager.ensure_ready()
    rules = manager.ruleset()
    assert set(rules.plugins) >= BUILT_IN  # every built-in pack takes part
    return rules


@pytest.fixture(scope="module")
def in_memory(
    inputs: list[Input],
    kinds: dict[str, RecordKind],
    ruleset: RuleSet,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Validated, EvaluationResult]:
    mode = MemoryMode()
    validated = mode.validate(inputs, kinds, tmp_path_factory.mktemp("memory-scratch"))
    request = EvaluationRequest(
        as_of=AS_OF,
        rules=ruleset,
        kinds=tuple(kinds.values()),
        quarantine=validated.quarantined,
    )
    frames = {k: b.records for k, b in validated.batches.items()}
    return validated, mode.evaluate(frames, request)


@pytest.fixture(scope="module")
def on_spark(
    spark_mode: SparkMode,
    inputs: list[Input],
    kinds: dict[str, RecordKind],
    ruleset: RuleSet,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Validated, EvaluationResult]:
    validated = spark_mode.validate(inputs, kinds, tmp_path_factory.mktemp("spark-scratch"))
    request = EvaluationRequest(
        as_of=AS_OF,
        rules=ruleset,
        kinds=tuple(kinds.values()),
        quarantine=validated.quarantined,
    )
    frames = {k: b.records.lazy() for k, b in validated.batches.items()}
    return validated, spark_mode.evaluate(frames, request)


def test_row_accounting_is_the_same(
    in_memory: tuple[Validated, EvaluationResult], on_spark: tuple[Validated, EvaluationResult]
) -> None:
    assert on_spark[0].inputs == in_memory[0].inputs
    assert sum(s.rows_quarantined for s in on_spark[0].inputs) > 0  # the data has defects


def test_valid_rows_are_the_same(
    in_memory: tuple[Validated, EvaluationResult], on_spark: tuple[Validated, EvaluationResult]
) -> None:
    expected, got = in_memory[0].batches, on_spark[0].batches
    assert set(got) == set(expected)
    for name, batch in expected.items():
        _equal(batch.records, got[name].records)
        assert got[name].duplicates == batch.duplicates
    assert got["dishonest_debtor"].duplicates > 0  # the second delivery replaced records


def test_quarantine_and_its_reasons_are_the_same(
    in_memory: tuple[Validated, EvaluationResult], on_spark: tuple[Validated, EvaluationResult]
) -> None:
    expected, got = in_memory[0].quarantined, on_spark[0].quarantined
    assert set(got) == set(expected)
    for name, rows in expected.items():
        _equal(rows, got[name])
    _equal(quarantine_rows(expected), quarantine_rows(got))


def test_findings_outcomes_and_errors_are_the_same(
    in_memory: tuple[Validated, EvaluationResult], on_spark: tuple[Validated, EvaluationResult]
) -> None:
    expected, got = in_memory[1], on_spark[1]
    assert expected.findings.height > 0
    assert {"row", "entity"} <= set(expected.findings["scope"])
    _equal(expected.findings, got.findings)
    _equal(expected.outcomes.drop("duration_ms"), got.outcomes.drop("duration_ms"))
    assert got.errors == expected.errors
    assert got.notices == expected.notices


def test_summaries_are_the_same(
    in_memory: tuple[Validated, EvaluationResult], on_spark: tuple[Validated, EvaluationResult]
) -> None:
    expected, got = in_memory[1], on_spark[1]
    assert expected.summaries
    assert set(got.summaries) == set(expected.summaries)
    for name, table in expected.summaries.items():
        _equal(table, got.summaries[name])


def test_derived_records_are_the_same(
    in_memory: tuple[Validated, EvaluationResult], on_spark: tuple[Validated, EvaluationResult]
) -> None:
    expected, got = in_memory[1].derived, on_spark[1].derived
    assert set(got) == set(expected)
    for name, frame in expected.items():
        _equal(frame, got[name])
