"""A job file maps headers per input (``columns``, ``header_row``, ``records_path``)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import credit_ledger
from credit_ledger.errors import ConfigError
from credit_ledger.jobs import load_job
from tests.real_shapes.make_fixtures import HERE

JOB = """
version = 1
[job]
name = "shapes"
ledger = "ledger"
kinds = ["admin_penalty"]

[[sources]]
name = "regulator"
kind = "admin_penalty"
path = "penalties.xlsx"
header_row = 2
columns = { "行政处罚 内容_2" = "remarks" }

[[sources]]
name = "api"
kind = "admin_penalty"
path = "penalties.json"
records_path = "data.0.result"
"""


def _job(tmp_path: Path, text: str = JOB) -> Path:
    shutil.copy(HERE / "penalty_regulator.xlsx", tmp_path / "penalties.xlsx")
    shutil.copy(HERE / "penalties_nested.json", tmp_path / "penalties.json")
    path = tmp_path / "job.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_job_columns_reach_the_reader(tmp_path: Path) -> None:
    job = load_job(_job(tmp_path))
    regulator = job.sources[0]
    assert regulator.read_options() == {
        "columns": {"行政处罚 内容_2": "remarks"},
        "header_row": 2,
        "records_path": None,
        "format": None,
    }
    result = credit_ledger.run(job, as_of=dt.date(2025, 1, 31))
    by_source = {i.source: i for i in result.inputs}
    assert (by_source["regulator"].rows_in, by_source["regulator"].rows_valid) == (30, 30)
    assert (by_source["api"].rows_in, by_source["api"].rows_valid) == (15, 15)


def test_job_mapping_to_an_unknown_column_names_the_closest(tmp_path: Path) -> None:
    path = _job(tmp_path, JOB.replace('"remarks"', '"remark"'))
    with pytest.raises(ConfigError, match="closest: 'remarks'"):
        credit_ledger.run(load_job(path), as_of=dt.date(2025, 1, 31))


def test_job_rejects_a_bad_header_row(tmp_path: Path) -> None:
    path = _job(tmp_path, JOB.replace("header_row = 2", "header_row = 0"))
    with pytest.raises(ConfigError, match="'header_row' must be a row number"):
        load_job(path)
