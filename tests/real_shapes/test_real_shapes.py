"""Files in the shapes real exports come in (issue 17): each is read with every row accounted
for, through the Python API and the command line, and ``inspect`` shows how it maps."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import credit_ledger
from credit_ledger.errors import ConfigError, FormatError
from credit_ledger.ingest import SKIP
from tests.cli import run_cli
from tests.real_shapes.make_fixtures import EXPECTED, HERE

FIXTURES = sorted(EXPECTED)
# Fixtures that carry every required column of their kind today; the crawler's list lacks
# 主体类型, which the validator is to derive from the identifier (issue 17 item 3).
COMPLETE = [f for f in FIXTURES if f != "dishonest_crawler_gbk.csv"]


@pytest.mark.parametrize("name", FIXTURES)
def test_every_row_read_is_accounted_for(name: str) -> None:
    kind, records, skipped, options = EXPECTED[name]
    frame = credit_ledger.read(HERE / name, kind=kind, **options).collect()  # type: ignore[arg-type]
    assert frame.filter(pl.col(SKIP).is_null()).height == records
    assert frame.filter(pl.col(SKIP).is_not_null()).height == skipped


@pytest.mark.parametrize("name", COMPLETE)
def test_realistic_fixtures_are_all_valid(name: str) -> None:
    kind, records, skipped, options = EXPECTED[name]
    result = credit_ledger.validate(
        credit_ledger.read(HERE / name, kind=kind, **options),  # type: ignore[arg-type]
        kind=kind,
    )
    assert result.summary.rows_in == records
    assert result.summary.rows_valid == records, result.summary.by_reason
    assert sum(result.summary.skipped.values()) == skipped


def test_crawler_list_maps_every_feed_key() -> None:
    frame = credit_ledger.read(HERE / "dishonest_crawler_gbk.csv", kind="dishonest_debtor")
    names = frame.collect_schema().names()
    assert {"debtor_name", "id_or_uscc", "case_no", "dishonest_conduct"} <= set(names)
    # no 主体类型 column: an optional column the validator derives from the identifier
    assert frame.select("party_type").collect()["party_type"].null_count() == 12
    typed = credit_ledger.validate(frame, kind="dishonest_debtor").valid
    assert typed["party_type"].null_count() == 0
    assert "focusNumber" in names  # an unknown column is kept


def test_workbook_with_title_repeated_header_and_footer() -> None:
    frame = credit_ledger.read(HERE / "penalty_regulator.xlsx", kind="admin_penalty").collect()
    assert frame[SKIP].drop_nulls().to_list() == ["repeated_header", "title_row"]
    records = frame.filter(pl.col(SKIP).is_null())
    assert records["行政处罚 内容_2"].to_list() == records["penalty_content"].to_list()


def test_xls_reads_as_the_xlsx() -> None:
    xlsx = credit_ledger.read(HERE / "penalty_regulator.xlsx", kind="admin_penalty").collect()
    xls = credit_ledger.read(HERE / "penalty_regulator.xls", kind="admin_penalty").collect()
    assert xls.drop("_source").equals(xlsx.drop("_source"))


def test_header_row_given_explicitly() -> None:
    path = HERE / "dishonest_profile_block.csv"
    frame = credit_ledger.read(path, kind="dishonest_debtor", header_row=6).collect()
    assert frame.height == 10
    with pytest.raises(FormatError, match="header row 99 is out of range"):
        credit_ledger.read(path, kind="dishonest_debtor", header_row=99)


def test_records_path_chooses_the_records(tmp_path: Path) -> None:
    path = HERE / "penalties_nested.json"
    frame = credit_ledger.read(path, kind="admin_penalty", records_path="data.0.result")
    assert frame.collect().height == 15
    with pytest.raises(FormatError, match=r"no records at 'data.1.result'"):
        credit_ledger.read(path, kind="admin_penalty", records_path="data.1.result")


def test_a_mapping_overrides_and_unknown_columns_name_the_closest(tmp_path: Path) -> None:
    path = HERE / "penalty_regulator.xlsx"
    frame = credit_ledger.read(
        path, kind="admin_penalty", columns={"行政处罚 内容_2": "remarks"}
    ).collect()
    assert frame.filter(pl.col(SKIP).is_null())["remarks"].drop_nulls().len() == 30
    with pytest.raises(ConfigError, match="closest: 'subject_name'"):
        credit_ledger.read(path, kind="admin_penalty", columns={"当事人名称": "subject_nam"})


@pytest.mark.integration
@pytest.mark.parametrize("name", FIXTURES)
def test_inspect_json(name: str) -> None:
    kind, _, _, options = EXPECTED[name]
    extra = ["--records-path", str(options["records_path"])] if options else []
    proc = run_cli("inspect", HERE / name, "--kind", kind, "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    report = json.loads(proc.stdout)
    assert report["file"] == name
    mapped = {c["header"]: c["column"] for c in report["columns"]}
    assert all(
        c is None or c in credit_ledger.kinds.get_kind(kind).columns for c in mapped.values()
    )
    if name.startswith("penalty_regulator"):
        assert report["header_row"] == 2
        assert mapped["当事人名称"] == "subject_name"
        assert report["mapping"]["作出决定机关"] == "authority"
        assert report["missing"]["required"] == []
    if name == "dishonest_crawler_gbk.csv":
        assert report["missing"]["required"] == []
        assert "party_type" in report["missing"]["optional"]


@pytest.mark.integration
def test_map_option_and_its_errors() -> None:
    path = HERE / "penalty_regulator.xlsx"
    proc = run_cli(
        "validate", path, "--kind", "admin_penalty", "--json", "--map", "行政处罚 内容_2=remarks"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows_valid"] == 30
    proc = run_cli("inspect", path, "--kind", "admin_penalty", "--map", "当事人名称=subjectname")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "credit-ledger: error: mapping 当事人名称=subjectname: record kind 'admin_penalty' has "
        "no column 'subjectname'; closest: 'subject_name'"
    ]
