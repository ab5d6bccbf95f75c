"""Real exports as they come (issues 13 and 17): every row a real court list or penalty table
would carry stays valid; what falls short of the standard is a warning, never a quarantine.

The fixtures are written by hand in the shapes of published feeds (docs/domain.md §8); the codes
are the real public codes of tests/conftest.py, the names and ID numbers invented.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import credit_ledger
from tests.conftest import ENTERPRISE, ORGAN, RIC, debtor

KIND = "dishonest_debtor"
AS_OF = dt.date(2024, 12, 31)

# The SPC feed's keys, as a crawler saves them: no partyTypeName, no areaName, no gistUnit.
CRAWLER_HEADERS = ("iname", "cardNum", "caseCode", "courtName", "gistId", "duty",
                   "performance", "disruptTypeName", "regDate", "publishDate")  # fmt: skip
COURT = "石家庄市新华区人民法院"
CRAWLER_ROWS = [
    # issue 13's blemished government listing: masked 19-character code, legacy case number,
    # blank duty, 部分履行
    ("石家庄市某某局", "11140800558****220K", "(2015)石新执字第00501号", COURT,
     "(2014)石新民初字第12号", "", "部分履行", "违反财产报告制度的", "20150114",
     "2015年07月13日"),
    ("石家庄某某商贸有限公司", "60003734-1", "（2013）石执字第1号", COURT, "(2012)石民初字第8号",
     "支付货款10000元", "全部未履行", "其他有履行能力而拒不履行生效法律文书确定义务",
     "20130301", "2013年03月20日"),
    ("石家庄某某建材有限公司", ENTERPRISE.lower(), "【2019】冀0105执保12号之一", COURT,
     "(2018)冀0105民初3号", "支付货款5000元", "部分未履行", "违反财产报告制度,违反限制消费令",
     "20190601", "1563000000"),
    ("张某", "360426910101007", "(2014)朝执字第05679号", "北京市朝阳区人民法院",
     "(2013)朝民初字第77号", "支付借款2万元", "全部未履行",
     "被执行人无正当理由拒不履行执行和解协议的", "20030301", "2003/04/1000:00:00.000"),
    ("李某", "36042619910101****", "(２０２０)冀０１０５执恢３号", COURT, "(2019)冀0105民初9号",
     "支付货款800元", "未履行", "(五)", "20200105", "2020-02-01 09:30:00"),
    ("王某", RIC, "(2021)冀0105执7号", COURT, "(2020)冀0105民初1号", "支付货款900元", "不详",
     "逃避执行", "20210105", "2021年2月1日"),
]  # fmt: skip


def _write(path: Path, headers: tuple[str, ...], rows: list[tuple[str, ...]], enc: str) -> Path:
    with path.open("w", encoding=enc, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


@pytest.fixture
def crawled(tmp_path: Path) -> credit_ledger.ValidationResult:
    path = _write(tmp_path / "crawled.csv", CRAWLER_HEADERS, CRAWLER_ROWS, "gbk")
    frame = credit_ledger.read(path, kind=KIND, encoding="gbk")
    return credit_ledger.validate(frame, kind=KIND, as_of=AS_OF)


def test_crawler_list_without_party_type_is_read_and_every_row_kept(
    crawled: credit_ledger.ValidationResult,
) -> None:
    s = crawled.summary
    assert (s.rows_in, s.rows_valid, s.rows_quarantined) == (6, 6, 0)
    valid = crawled.valid.sort("_row")
    assert valid["party_type"].to_list() == ["legal_entity"] * 3 + ["natural_person"] * 3
    assert valid["subject_kind"][0] == "government_organ"  # the masked code still shows 11
    assert valid["id_style"].to_list() == [
        "uscc_masked", "org_code", "uscc", "ric15", "ric_masked", "ric"
    ]  # fmt: skip
    assert valid["case_no_style"].to_list() == [
        "legacy",
        "legacy",
        "2016",
        "legacy",
        "2016",
        "2016",
    ]
    assert valid["published_on"].to_list() == [
        dt.date(2015, 7, 13), dt.date(2013, 3, 20), dt.date(2019, 7, 13),
        dt.date(2003, 4, 10), dt.date(2020, 2, 1), dt.date(2021, 2, 1),
    ]  # fmt: skip


def test_statutory_situations_and_performance_parsed_with_the_text_kept(
    crawled: credit_ledger.ValidationResult,
) -> None:
    valid = crawled.valid.sort("_row")
    assert valid["dishonest_conduct"].to_list() == [
        "违反财产报告制度",
        "有履行能力而拒不履行生效法律文书确定义务",
        "违反财产报告制度,违反限制消费令",
        "无正当理由拒不履行执行和解协议",
        "违反限制消费令",
        None,
    ]
    assert valid["dishonest_conduct_raw"].to_list() == [r[7] for r in CRAWLER_ROWS]
    assert valid["performance"].to_list() == [
        "部分履行", "全部未履行", "部分未履行", "全部未履行", "全部未履行", None
    ]  # fmt: skip


def test_warnings_per_row_and_per_file(crawled: credit_ledger.ValidationResult) -> None:
    valid = crawled.valid.sort("_row")
    assert valid["_warnings"].to_list() == [
        ["duty:incomplete", "case_no:legacy_style"],
        ["case_no:legacy_style"],
        None,
        ["case_no:legacy_style"],
        None,
        ["performance:unrecognised", "dishonest_conduct:unrecognised"],
    ]
    assert crawled.summary.warnings == {
        "case_no:legacy_style": 3,
        "duty:incomplete": 1,
        "dishonest_conduct:unrecognised": 1,
        "performance:unrecognised": 1,
    }
    (missing,) = crawled.summary.missing_standard.values()
    assert missing == ["province", "basis_issuer"]


def test_quality_findings_one_per_file_and_column(crawled: credit_ledger.ValidationResult) -> None:
    evaluation = credit_ledger.evaluate(crawled.valid, kind=KIND, as_of=AS_OF)
    assert not evaluation.errors
    quality = evaluation.findings.filter(pl.col("rule_id").str.starts_with("quality."))
    per_file = quality.filter(pl.col("rule_id").str.starts_with("quality.standard_column."))
    assert sorted(per_file["rule_id"].to_list()) == [
        "quality.standard_column.dishonest_debtor.basis_issuer",
        "quality.standard_column.dishonest_debtor.province",
    ]
    per_row = dict(
        quality.filter(pl.col("rule_id").str.starts_with("quality.warning."))
        .group_by("rule_id")
        .len()
        .iter_rows()
    )
    assert per_row == {
        "quality.warning.dishonest_debtor.case_no.legacy_style": 3,
        "quality.warning.dishonest_debtor.duty.incomplete": 1,
        # a text naming no situation is blank once parsed
        "quality.warning.dishonest_debtor.dishonest_conduct.incomplete": 1,
        "quality.warning.dishonest_debtor.performance.incomplete": 1,
    }
    assert (quality["severity"] == "warning").all()


def _validate(rows: list[dict[str, str]], **kw: object) -> credit_ledger.ValidationResult:
    return credit_ledger.validate(pl.DataFrame(rows).lazy(), kind=KIND, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case_no", "style"),
    [
        ("(2014)朝执字第05679号", "legacy"),
        ("（2013）石执字第1号", "legacy"),
        ("(2015)石新执字第00123号", "legacy"),
        ("(2019)冀0105执1194号之二", "2016"),
        ("〔2019〕冀0105执1194号", "2016"),
        ("【2019】冀0105执1194号", "2016"),
        ("(２０１９)冀０１０５执１１９４号", "2016"),
        *(
            ((f"(2023)冀0105{t}1977号"), "2016")
            for t in ("执恢", "执保", "执异", "执复", "执监", "执协")
        ),
    ],
)
def test_case_numbers_real_courts_print(case_no: str, style: str) -> None:
    result = _validate([debtor(case_no=case_no)], as_of=AS_OF)
    assert result.summary.rows_valid == 1, result.quarantine["_reasons"].to_list()
    assert result.valid["case_no_style"].to_list() == [style]


def test_case_number_filed_after_as_of_is_quarantined() -> None:
    rows = [debtor(case_no="(2025)冀0105执12号", record_id="a"), debtor(record_id="b")]
    result = _validate(rows, as_of=AS_OF)
    assert result.quarantine["_reasons"].to_list() == [["case_no:future_year"]]
    assert _validate(rows, as_of=dt.date(2025, 1, 1)).summary.rows_valid == 2


@pytest.mark.parametrize(
    ("number", "style"),
    [("36042619910101****", "ric_masked"), ("360426910101007", "ric15"), (RIC, "ric")],
)
def test_person_numbers_as_published(number: str, style: str) -> None:
    result = _validate([debtor(party_type="0", id_or_uscc=number)])
    assert result.summary.rows_valid == 1, result.quarantine["_reasons"].to_list()
    assert result.valid["id_style"].to_list() == [style]


@pytest.mark.parametrize(
    ("code", "style", "kind"),
    [
        ("11140800558****220K", "uscc_masked", "government_organ"),  # 11 + 4 + 4
        ("1114080055****220K", "uscc_masked", "government_organ"),  # 10 + 4 + 4
        ("60003734-1", "org_code", "other"),
        ("600037341", "org_code", "other"),
        (ORGAN.lower(), "uscc", "government_organ"),
    ],
)
def test_entity_codes_as_published(code: str, style: str, kind: str) -> None:
    result = _validate([debtor(party_type="", id_or_uscc=code)])
    assert result.summary.rows_valid == 1, result.quarantine["_reasons"].to_list()
    row = result.valid.row(0, named=True)
    assert (row["id_style"], row["subject_kind"], row["party_type"]) == (
        style, kind, "legal_entity"
    )  # fmt: skip


def test_wrong_check_character_of_an_organisation_code_still_quarantines() -> None:
    result = _validate([debtor(id_or_uscc="60003734-2")])
    assert result.quarantine["_reasons"].to_list() == [["row:entity_code"]]


def test_unknown_party_without_identifier_is_a_warning() -> None:
    result = _validate([debtor(party_type="", id_or_uscc="")])
    assert result.valid["_warnings"].to_list() == [["party_type:underived"]]


def test_undecodable_byte_free_text_warns_identifier_quarantines() -> None:
    rows = [
        debtor(duty="支付货款\ufffd元", record_id="a"),
        debtor(id_or_uscc=ENTERPRISE[:-1] + "\ufffd", record_id="b"),
        debtor(filed_on="2024-01-0\ufffd", record_id="c"),
    ]
    result = _validate(rows)
    assert result.valid["_warnings"].to_list() == [["duty:encoding"]]
    reasons = dict(
        zip(result.quarantine["record_id"], result.quarantine["_reasons"].to_list(), strict=True)
    )
    assert "id_or_uscc:encoding" in reasons["b"]
    assert "filed_on:encoding" in reasons["c"]


def penalty(**overrides: str) -> dict[str, str]:
    row = {
        "source_org": "石家庄市新华区市场监督管理局",
        "source_org_uscc": ORGAN,
        "subject_name": "石家庄市新华区某某商贸有限公司",
        "subject_category": "法人及非法人组织",
        "subject_uscc": ENTERPRISE,
        "decision_no": "石新市监罚〔2024〕12号",
        "penalty_types": "罚款",
        "penalty_content": "罚款",
        "fine_yuan": "",
        "decision_date": "2024-05-31",
        "authority_uscc": ORGAN,
    }
    row.update(overrides)
    return row


def test_amounts_as_written(tmp_path: Path) -> None:
    rows = [
        penalty(record_id="a", fine_yuan="2 018 000元"),
        penalty(record_id="b", fine_yuan="1,234.50"),
        penalty(record_id="c", fine_yuan="0.21844700000000003"),
        penalty(record_id="d", penalty_content="罚款三十五万元"),
        penalty(record_id="e", penalty_content="警告，罚款：7.5万元"),
        penalty(record_id="f", penalty_content="罚款１０００元"),
    ]
    path = tmp_path / "penalties.csv"
    pl.DataFrame(rows).write_csv(path)
    result = credit_ledger.validate(
        credit_ledger.read(path, kind="admin_penalty"), kind="admin_penalty"
    )
    assert result.summary.rows_valid == 6, result.quarantine["_reasons"].to_list()
    valid = result.valid.sort("record_id")
    assert valid["fine_yuan"].to_list()[:3] == [
        Decimal("2018000.00"), Decimal("1234.50"), Decimal("0.22")
    ]  # fmt: skip
    assert valid["fine_from_text"].to_list() == [
        None, None, None, Decimal("350000.00"), Decimal("75000.00"), Decimal("1000.00")
    ]  # fmt: skip
    assert result.summary.warnings["fine_yuan:rounded"] == 1
    assert result.summary.warnings["fine_yuan:from_text"] == 3
    # the standard columns this table lacks: one entry for the file
    (missing,) = result.summary.missing_standard.values()
    assert "violation_facts" in missing
    assert "legal_basis" in missing
