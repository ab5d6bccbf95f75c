"""Write the fixtures of ``tests/data/real_shapes``: files in the shapes real exports come in,
with synthetic records (no real person's data; every code is generated with a valid check
character).

    python -m tests.real_shapes.make_fixtures            # rewrites tests/data/real_shapes

The ``.xls`` copy needs ``xlwt`` (not a dependency of the project; the file is committed).
Each fixture's data rows and how many rows are not records are in ``EXPECTED``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import polars as pl

from credit_ledger.synth import generate_frames

HERE = Path(__file__).resolve().parents[1] / "data" / "real_shapes"

#: file → (kind, records, rows below the header that are not records, read options)
EXPECTED: dict[str, tuple[str, int, int, dict[str, object]]] = {
    "dishonest_crawler_gbk.csv": ("dishonest_debtor", 12, 0, {}),
    "penalty_regulator.xlsx": ("admin_penalty", 30, 2, {}),
    "penalty_regulator.xls": ("admin_penalty", 30, 2, {}),
    "dishonest_profile_block.csv": ("dishonest_debtor", 10, 0, {}),
    "penalties_nested.json": ("admin_penalty", 15, 0, {"records_path": "data.0.result"}),
}

#: The public dishonest-debtor feed's JSON keys, as crawlers save them (no partyTypeName).
_SPC_KEYS = {
    "debtor_name": "iname",
    "case_no": "caseCode",
    "age": "age",
    "gender": "sexy",
    "id_or_uscc": "cardNum",
    "legal_rep": "businessEntity",
    "court": "courtName",
    "province": "areaName",
    "basis_doc_no": "gistId",
    "filed_on": "regDate",
    "basis_issuer": "gistUnit",
    "duty": "duty",
    "performance": "performance",
    "performed_part": "performedPart",
    "unperformed_part": "unperformPart",
    "dishonest_conduct": "disruptTypeName",
    "published_on": "publishDate",
}

#: A regulator's penalty table: its own captions, and two scraped columns that fold to one.
_REGULATOR = {
    "subject_name": "当事人名称",
    "subject_category": "行政相对人类别",
    "subject_uscc": "统一社会信用代码",
    "person_id_type": "证件类型",
    "person_id_no": "证件号码",
    "legal_rep": "法定代表人",
    "decision_no": "行政处罚决定书文号",
    "violation_type": "违法行为类型",
    "violation_facts": "违法事实",
    "legal_basis": "行政处罚依据",
    "penalty_types": "处罚类型",
    "penalty_content": "行政处罚内容",
    "fine_yuan": "罚款金额(元)",
    "decision_date": "作出处罚决定的日期",
    "penalty_valid_to": "处罚有效期",
    "authority": "作出决定机关",
    "authority_uscc": "处罚机关统一社会信用代码",
    "source_org": "数据来源单位",
    "source_org_uscc": "数据来源单位统一社会信用代码",
    "published_on": "发布日期",
}
_DEBTOR_ZH = {
    "debtor_name": "被执行人姓名/名称",
    "party_type": "主体类型",
    "id_or_uscc": "身份证号码/组织机构代码",
    "legal_rep": "法定代表人或者负责人姓名",
    "case_no": "案号",
    "court": "执行法院",
    "province": "省份",
    "basis_doc_no": "执行依据文号",
    "basis_issuer": "做出执行依据单位",
    "duty": "生效法律文书确定的义务",
    "performance": "被执行人的履行情况",
    "dishonest_conduct": "失信被执行人行为具体情形",
    "filed_on": "立案时间",
    "published_on": "发布时间",
}
_PENALTY_CODES = {
    "decision_no": "CF_WSH",
    "subject_name": "CF_XDR_MC",
    "subject_category": "CF_XDR_TYPE",
    "subject_uscc": "CF_XDR_SHXYM",
    "person_id_type": "CF_XDR_ZJLX",
    "person_id_no": "CF_XDR_ZJHM",
    "legal_rep": "CF_FRDB",
    "violation_type": "CF_WFXW",
    "violation_facts": "CF_SY",
    "legal_basis": "CF_YJ",
    "penalty_types": "CF_CFLB",
    "penalty_content": "CF_NR",
    "decision_date": "CF_JDRQ",
    "penalty_valid_to": "CF_YXQ",
    "authority": "CF_CFJG",
    "authority_uscc": "CF_CFJGDM",
    "source_org": "CF_SJLY",
    "source_org_uscc": "CF_SJLYDM",
}


def _frames() -> dict[str, pl.DataFrame]:
    frames = generate_frames(12_000, seed=11, defect_rate=0.0).frames
    return {k: f.fill_null("") for k, f in frames.items()}


def _under(frame: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    return frame.select(pl.col(c).alias(h) for c, h in headers.items())


def _crawler(frame: pl.DataFrame) -> None:
    table = _under(frame.head(12), _SPC_KEYS).with_columns(focusNumber=pl.lit("0"))
    path = HERE / "dishonest_crawler_gbk.csv"
    path.write_bytes(table.write_csv().encode("gbk"))


def _regulator_rows(frame: pl.DataFrame) -> list[list[str]]:
    table = _under(frame.head(30), _REGULATOR)
    # The scraper kept the content twice, once under a caption with a space.
    table = table.with_columns(pl.col("行政处罚内容").alias("行政处罚 内容"))
    header = table.columns
    data = [list(r) for r in table.rows()]
    return [
        ["某市市场监督管理局行政处罚信息公示表（第1页）"],
        header,
        *data[:20],
        header,  # page 2 repeats the header
        *data[20:],
        ["制表单位：某市市场监督管理局　　制表日期：2025年1月6日"],
    ]


def _regulator_xlsx(rows: list[list[str]]) -> None:
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: PLC0415

    path = HERE / "penalty_regulator.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.set_properties({"created": dt.datetime(2025, 1, 6, tzinfo=dt.UTC)})
        sheet = book.add_worksheet("行政处罚")
        for i, row in enumerate(rows):
            sheet.write_row(i, 0, row)


def _regulator_xls(rows: list[list[str]]) -> None:
    try:
        import xlwt  # type: ignore[import-not-found]  # noqa: PLC0415
    except ImportError:
        print("xlwt missing: penalty_regulator.xls left as it is", file=sys.stderr)
        return
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("行政处罚")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    book.save(str(HERE / "penalty_regulator.xls"))


def _profile_block(frame: pl.DataFrame) -> None:
    table = _under(frame.slice(12, 10), _DEBTOR_ZH)
    profile = (
        "企业信用信息查询结果\n"
        "查询对象,某某信用服务平台导出\n"
        "查询日期,2025-01-06\n"
        "数据来源,公开信息\n"
        "\n"
    )
    (HERE / "dishonest_profile_block.csv").write_text(profile + table.write_csv(), encoding="utf-8")


def _nested_json(frame: pl.DataFrame) -> None:
    table = _under(frame.slice(30, 15), _PENALTY_CODES)
    document = {
        "code": 200,
        "msg": "success",
        "data": [{"total": table.height, "page": 1, "result": table.to_dicts()}],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    (HERE / "penalties_nested.json").write_text(text + "\n", encoding="utf-8")


def main() -> None:
    """Write every fixture."""
    HERE.mkdir(parents=True, exist_ok=True)
    frames = _frames()
    debtors, penalties = frames["dishonest_debtor"], frames["admin_penalty"]
    _crawler(debtors)
    rows = _regulator_rows(penalties)
    _regulator_xlsx(rows)
    _regulator_xls(rows)
    _profile_block(debtors)
    _nested_json(penalties)


if __name__ == "__main__":
    main()
