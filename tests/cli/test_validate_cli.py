"""`credit-ledger validate` as a scheduler runs it: a real process, exit codes, stdout JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl

from tests.cli import run_cli as _cli
from tests.conftest import debtor


def test_json_summary_and_outputs(debtor_csv: Callable[..., Path], tmp_path: Path) -> None:
    path = debtor_csv(
        [debtor(), debtor(filed_on="2024-13-01"), debtor(published_on="")], encoding="gbk"
    )
    valid, quarantine = tmp_path / "v.parquet", tmp_path / "q.parquet"
    proc = _cli(
        "validate",
        path,
        "--kind",
        "dishonest_debtor",
        "--json",
        "--valid",
        valid,
        "--quarantine",
        quarantine,
    )
    assert proc.returncode == 1, proc.stderr  # rows were quarantined
    summary = json.loads(proc.stdout)
    assert (summary["rows_in"], summary["rows_valid"], summary["rows_quarantined"]) == (3, 1, 2)
    assert summary["by_reason"] == {"filed_on:date": 1, "published_on:not_null": 1}
    assert pl.read_parquet(valid).height == 1
    assert pl.read_parquet(quarantine)["_row"].to_list() == [2, 3]


def test_all_valid_exits_zero(debtor_csv: Callable[..., Path]) -> None:
    proc = _cli("validate", debtor_csv([debtor()]), "--kind", "dishonest_debtor")
    assert proc.returncode == 0, proc.stderr
    assert "1 valid, 0 quarantined" in proc.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    proc = _cli("validate", tmp_path / "nope.csv", "--kind", "dishonest_debtor")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "Traceback" not in proc.stderr
    assert "no such file" in proc.stderr


def test_unknown_kind_is_a_usage_error(debtor_csv: Callable[..., Path]) -> None:
    proc = _cli("validate", debtor_csv([debtor()]), "--kind", "debtor")
    assert proc.returncode == 2
    assert "unknown record kind 'debtor'" in proc.stderr


def test_personal_data_not_in_error_messages(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("被执行人姓名/名称,案号\n张三,(2024)冀0105执1号\n", encoding="utf-8")
    proc = _cli("validate", path, "--kind", "dishonest_debtor")
    assert proc.returncode == 2
    assert "张三" not in proc.stderr
    assert "needs column" in proc.stderr


def test_unwritable_output_exits_4(debtor_csv: Callable[..., Path], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = _cli(
        "validate",
        debtor_csv([debtor()]),
        "--kind",
        "dishonest_debtor",
        "--valid",
        blocker / "v.parquet",
    )
    assert proc.returncode == 4, proc.stderr
    assert "cannot write" in proc.stderr
