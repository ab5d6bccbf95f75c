"""Plugins on the executors: a plugin the driver has but an executor cannot import fails the
run with an error naming it; shipped with ``addPyFile`` it runs there."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import sys
from pathlib import Path

import polars as pl
import pytest

from credit_ledger.errors import ConfigError
from credit_ledger.kinds import Field, RecordKind
from credit_ledger.pipeline import EvaluationRequest
from credit_ledger.pipeline._spark import SparkMode
from credit_ledger.rules import Rule, RuleSet

pytestmark = pytest.mark.spark

PLUGIN = """
import polars as pl


def fine_positive(ctx):
    return pl.col("fine") > 0
"""

TOY = RecordKind(
    name="toy_penalty",
    version=1,
    title="toy",
    fields=(Field(name="record_id", dtype="str"), Field(name="fine", dtype="int")),
    key="record_id",
)


def _request(module_name: str) -> EvaluationRequest:
    module = importlib.import_module(module_name)
    rule = Rule(
        id="driveronly.fine_positive",
        title="a fine is positive",
        kind=TOY.name,
        check=module.fine_positive,
    )
    rules = dataclasses.replace(
        RuleSet.of([rule]), providers={rule.id: "driveronly"}, kinds={TOY.name: TOY}
    )
    return EvaluationRequest(as_of=dt.date(2025, 1, 31), rules=rules, kinds=(TOY,))


def test_a_plugin_only_the_driver_can_import_fails_the_run_naming_it(
    spark_mode: SparkMode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "driveronly_plugin.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # the driver only: workers are running
    frames = {TOY.name: pl.LazyFrame({"record_id": ["a", "b"], "fine": [5, -1]})}
    with pytest.raises(ConfigError, match=r"plugin 'driveronly': module 'driveronly_plugin'"):
        spark_mode.evaluate(frames, _request("driveronly_plugin"))
    sys.modules.pop("driveronly_plugin", None)


def test_a_plugin_shipped_with_add_py_file_runs_on_the_executors(
    spark_mode: SparkMode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = tmp_path / "shipped_plugin.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    spark_mode.session.sparkContext.addPyFile(str(plugin))
    frames = {TOY.name: pl.LazyFrame({"record_id": ["a", "b"], "fine": [5, -1]})}
    result = spark_mode.evaluate(frames, _request("shipped_plugin"))
    assert result.findings.select("rule_id", "record_id").rows() == [
        ("driveronly.fine_positive", "b")
    ]
    assert result.outcomes.select("status", "evaluated", "failed").rows() == [("fail", 2, 1)]
    sys.modules.pop("shipped_plugin", None)
