"""Reading sources: encodings, formats, headers, provenance, and bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

import credit_ledger
from credit_ledger.cli import main
from credit_ledger.errors import (
    FormatError,
    MissingColumnError,
    SourceNotFoundError,
    UnknownKindError,
)
from tests.conftest import DEBTOR_HEADERS_ZH, debtor, write_csv
from tests.validate.test_validate import penalty

KIND = "dishonest_debtor"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_chinese_headers_in_every_encoding(debtor_csv: Callable[..., Path], encoding: str) -> None:
    path = debtor_csv([debtor(), debtor(debtor_name="另一家公司")], encoding=encoding)
    result = credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
    assert result.summary.rows_valid == 2
    assert result.valid["debtor_name"].to_list() == ["石家庄市新华区某某商贸有限公司", "另一家公司"]
    assert result.valid["_source"].to_list() == [path.name] * 2
    assert result.valid["_row"].to_list() == [1, 2]


def test_declared_encoding_is_used(debtor_csv: Callable[..., Path]) -> None:
    path = debtor_csv([debtor()], encoding="gbk")
    lf = credit_ledger.read(path, kind=KIND, encoding="GBK")
    assert lf.collect()["court"].to_list() == ["石家庄市新华区人民法院"]


def test_undecodable_bytes_quarantine_their_row(tmp_path: Path) -> None:
    rows = [debtor(), debtor(duty="另一项义务")]
    path = write_csv(tmp_path / "d.csv", rows, headers=DEBTOR_HEADERS_ZH, encoding="gbk")
    data = path.read_bytes().rsplit("石家庄市新华区人民法院".encode("gbk"), 2)
    # break the last court name (identifying: a reason) and the basis issuer after it (free
    # text: a warning on the valid row)
    path.write_bytes(data[0] + b"\xff\xff" + data[1] + b"\xff\xff" + data[2])
    result = credit_ledger.validate(credit_ledger.read(path, kind=KIND, encoding="gbk"), kind=KIND)
    assert result.summary.rows_in == 2
    assert result.quarantine["_row"].to_list() == [2]
    assert result.quarantine["_reasons"][0].to_list() == ["court:encoding"]


def test_english_headers_and_unknown_extra_columns(tmp_path: Path) -> None:
    good = {**debtor(), "经办人": "张三"}
    bad = {**debtor(filed_on="not a date"), "经办人": "李四"}
    path = write_csv(tmp_path / "d.csv", [good, bad])
    result = credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
    assert result.valid["经办人"].to_list() == ["张三"]
    assert result.quarantine["经办人"].to_list() == ["李四"]
    assert result.quarantine["filed_on"].to_list() == ["not a date"]  # original value kept


def test_missing_required_column_is_a_warning_naming_the_closest_header(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [debtor()]
    headers = dict(DEBTOR_HEADERS_ZH, case_no="案件号")
    path = write_csv(tmp_path / "d.csv", rows, headers=headers)
    frame = credit_ledger.read(path, kind=KIND).collect()  # not rejected whole
    assert "case_no" not in frame.columns  # the validator decides what its absence means
    assert frame["案件号"].to_list() == [debtor()["case_no"]]
    message = " ".join(caplog.messages)
    assert "case_no" in message
    assert "案件号" in message


def test_no_header_of_the_kind_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="no header names a column of record kind"):
        credit_ledger.read(path, kind=KIND)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(FormatError, match="empty file"):
        credit_ledger.read(path, kind=KIND)


def test_header_only_gives_zero_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(",".join(DEBTOR_HEADERS_ZH.values()) + "\n", encoding="utf-8")
    result = credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
    assert (result.summary.rows_in, result.summary.rows_valid) == (0, 0)


def test_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match="no such file"):
        credit_ledger.read(tmp_path / "missing.csv", kind=KIND)


def test_unknown_kind(debtor_csv: Callable[..., Path]) -> None:
    with pytest.raises(UnknownKindError, match="dishonest_debtor"):
        credit_ledger.read(debtor_csv([debtor()]), kind="dishonest_debtors")


def test_binary_file_given_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    pl.DataFrame({"a": [1, 2]}).write_parquet(path)
    with pytest.raises(FormatError, match="Parquet file, not CSV text"):
        credit_ledger.read(path, kind=KIND)


def test_binary_file_given_as_parquet(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    path.write_bytes(b"PAR1 this is not parquet at all")
    with pytest.raises(FormatError, match="Parquet"):
        credit_ledger.read(path, kind=KIND)


def test_duplicated_headers_are_kept_with_a_suffix(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "d.csv"
    header = [*DEBTOR_HEADERS_ZH.values(), "案号"]
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    frame = credit_ledger.read(path, kind=KIND).collect()
    assert "案号_2" in frame.columns
    assert "'案号' repeats an earlier one" in caplog.text


def test_two_aliases_of_one_column_keep_the_first(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "d.csv"
    header = [*DEBTOR_HEADERS_ZH.values(), "caseCode"]
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    frame = credit_ledger.read(path, kind=KIND).collect()
    assert "caseCode" in frame.columns
    assert "both mean column 'case_no'" in caplog.text


def test_ragged_rows_are_quarantined_not_lost(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", [debtor(), debtor()], headers=DEBTOR_HEADERS_ZH)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ",surplus"  # one field too many
    lines[2] = lines[2].rsplit(",", 2)[0]  # two fields too few
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
    assert result.summary.rows_in == 2
    assert result.summary.rows_quarantined == 2
    reasons = dict(
        zip(result.quarantine["_row"], result.quarantine["_reasons"].to_list(), strict=True)
    )
    assert reasons[1] == ["row:ragged"]
    assert "published_on:not_null" in reasons[2]


def test_ten_megabyte_field(tmp_path: Path) -> None:
    huge = "义务" * (5 * 1024 * 1024 // 3 + 1)
    path = write_csv(tmp_path / "d.csv", [debtor(duty=huge), debtor()], headers=DEBTOR_HEADERS_ZH)
    assert path.stat().st_size > 10_000_000 / 2
    result = credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
    assert result.summary.rows_valid == 2
    assert result.valid["duty"].str.len_chars()[0] == len(huge)


def test_xlsx_with_several_sheets(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    frame = pl.DataFrame([debtor()]).rename(DEBTOR_HEADERS_ZH)
    with xlsxwriter.Workbook(path) as wb:
        frame.write_excel(wb, worksheet="失信名单")
        frame.write_excel(wb, worksheet="副本")
    with pytest.raises(FormatError, match="2 sheets"):
        credit_ledger.read(path, kind=KIND)
    lf = credit_ledger.read(path, kind=KIND, sheet="副本")
    result = credit_ledger.validate(lf, kind=KIND)
    assert result.summary.rows_valid == 1


@pytest.mark.parametrize("suffix", [".parquet", ".ndjson", ".arrow"])
def test_columnar_and_json_formats(tmp_path: Path, suffix: str) -> None:
    frame = pl.DataFrame([debtor(), debtor(published_on="20240301")]).rename(DEBTOR_HEADERS_ZH)
    path = tmp_path / f"d{suffix}"
    {".parquet": frame.write_parquet, ".ndjson": frame.write_ndjson, ".arrow": frame.write_ipc}[
        suffix
    ](path)
    result = credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
    assert result.summary.rows_valid == 2
    assert result.valid["_row"].to_list() == [1, 2]


@pytest.mark.parametrize("suffix", [".parquet", ".arrow"])
def test_inspect_a_columnar_file(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pl.DataFrame([debtor(), debtor()]).rename(DEBTOR_HEADERS_ZH)
    path = tmp_path / f"d{suffix}"
    (frame.write_parquet if suffix == ".parquet" else frame.write_ipc)(path)
    assert main(["inspect", str(path), "--kind", KIND]) == 0
    assert capsys.readouterr().out.startswith(f"d{suffix}: kind {KIND}, 2 data rows")


def test_wan_amounts_become_yuan(tmp_path: Path) -> None:
    rows = [penalty(fine="1.5"), penalty(fine="０.０２")]
    path = write_csv(tmp_path / "p.csv", rows, headers={"fine": "罚款金额（万元）"})
    result = credit_ledger.validate(
        credit_ledger.read(path, kind="admin_penalty"), kind="admin_penalty"
    )
    assert [str(v) for v in result.valid["fine_yuan"].to_list()] == ["15000.00", "200.00"]


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "d.docx"
    path.write_text("x")
    with pytest.raises(FormatError, match="unknown file type"):
        credit_ledger.read(path, kind=KIND)


def test_invalid_utf8_bytes_quarantine_their_row(tmp_path: Path) -> None:
    rows = [debtor(court=f"第{i}法院") for i in range(3)]
    path = write_csv(tmp_path / "d.csv", rows, headers=DEBTOR_HEADERS_ZH)
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace("全部未履行".encode(), b"\xc3\x28")  # invalid UTF-8 sequence
    path.write_bytes(b"\n".join(lines))
    result = credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
    assert result.summary.rows_in == 3
    # performance is free text: the row stays valid, with the warnings
    assert result.quarantine.height == 0
    warned = result.valid.filter(pl.col("_row") == 2)["_warnings"][0].to_list()
    assert set(warned) == {"performance:encoding", "performance:unrecognised"}
