"""The report's words in Chinese (default) and English."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang", "words"]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("信用数据运行报告", "Credit data run report"),
    "empty": (
        "账本中还没有已提交的运行：暂无内容。",
        "The ledger holds no committed run yet: nothing to show.",
    ),
    "run": ("运行", "Run"),
    "job": ("任务", "Job"),
    "as_of": ("数据日期", "As of"),
    "status": ("状态", "Status"),
    "version": ("账本版本", "Ledger version"),
    "committed": ("提交时间", "Committed"),
    "accounting": ("行数核对：读入 = 有效 + 隔离", "Row accounting: in = valid + quarantined"),
    "balanced": ("平衡", "balanced"),
    "unbalanced": ("不平衡！", "NOT balanced!"),
    "rows_in": ("读入行数", "rows in"),
    "rows_valid": ("有效", "valid"),
    "rows_quarantined": ("隔离", "quarantined"),
    "findings": ("规则发现", "Findings"),
    "rows_corrected": ("经退回更正表更正", "corrected from returned workbooks"),
    "corrected_line": ("经退回更正表更正：{n} 行", "corrected from returned workbooks: {n}"),
    "inputs": ("输入", "Inputs"),
    "plugins": ("插件与版本", "Plugins and versions"),
    "records": ("账本记录数（按类型）", "Records held per kind"),
    "zeroed": ("已清零", "at zero"),
    "not_zeroed": ("未清零", "NOT at zero"),
    "closing": ("期末存量", "closing count"),
    "closing_amount": ("期末金额（元）", "closing amount (yuan)"),
    "unplaced": ("无法归期的记录", "unplaced rows"),
    "unplaced_note": (
        "存在无法归入任何期间的记录，台账不能视为清零。",
        "Rows in scope could not be placed in a period: the ledger is not at zero.",
    ),
    "distinct_bodies": ("涉及政府机构数", "government bodies"),
    "not_recorded": ("账本未记录", "not recorded by the ledger"),
    "no_records": ("本账本中该类型没有记录。", "The ledger holds no records of this kind."),
    "period": ("期间", "period"),
    "trend_months": ("按月期末存量", "Closing count per month"),
    "trend_runs": ("各次运行的期末存量", "Closing count per run"),
    "cases": ("相关案件（规则发现）", "Cases flagged by the pack's rules"),
    "aging": ("欠款账龄", "Arrears aging"),
    "aging_none": ("本次运行没有欠款账龄汇总。", "This run has no arrears aging summary."),
    "aging_unknown": (
        "此处没有欠款账龄：账本不保存该汇总，任务运行时写出的报告中才有。",
        "No arrears aging here: the ledger does not keep that summary; the report a job writes"
        " has it.",
    ),
    "bucket": ("账龄段", "bucket"),
    "cases_n": ("案件数", "cases"),
    "late_interest": ("逾期利息（元）", "late interest (yuan)"),
    "quality": ("数据质量", "Data quality"),
    "by_reason": ("隔离原因（从多到少）", "Quarantine by reason, worst first"),
    "by_source": (
        "隔离行按数据来源单位（从多到少）",
        "Quarantine by source department, worst first",
    ),
    "reason": ("原因", "reason"),
    "department": ("数据来源单位", "department"),
    "rows": ("行数", "rows"),
    "previous": ("上次运行", "previous run"),
    "change": ("变化", "change"),
    "quarantine_rows": ("隔离行明细", "Quarantined rows"),
    "nothing_quarantined": ("本次运行没有隔离行。", "No row was quarantined in this run."),
    "classes": ("信用分类分布", "Credit-class distribution"),
    "classes_none": ("本次运行没有信用分类汇总。", "This run has no credit-class summary."),
    "classes_unknown": (
        "此处没有信用分类：账本不保存该汇总，任务运行时写出的报告中才有。",
        "No credit classes here: the ledger does not keep that summary; the report a job writes"
        " has it.",
    ),
    "subjects": ("主体数", "subjects"),
    "rules": ("规则结果", "Rule outcomes"),
    "rule_status": ("规则状态", "Rules by status"),
    "top_failing": ("未通过最多的规则（含法律依据）", "Top failing rules, with legal references"),
    "all_rules": ("全部规则", "All rules"),
    "drift": ("数据漂移提醒", "Drift alerts"),
    "no_drift": ("与近期运行相比没有漂移。", "No drift against recent runs."),
    "show_rows": ("查看明细", "Show the rows"),
    "download": ("下载 CSV", "Download CSV"),
    "shown_of": ("页面内含 {shown} 行，共 {total} 行", "{shown} of {total} rows in this page"),
    "page": ("页", "page"),
    "prev": ("上一页", "previous"),
    "next": ("下一页", "next"),
    "empty_table": ("无", "none"),
    "masked": (
        "自然人姓名与身份证号已脱敏；法人名称与统一社会信用代码保持可读。",
        "Natural persons' names and ID numbers are masked; "
        "legal entities' names and codes stay readable.",
    ),
    "count": ("数量", "count"),
}

_COLUMNS: dict[str, tuple[str, str]] = {
    "source": ("来源", "source"),
    "kind": ("类型", "kind"),
    "rows_in": ("读入", "in"),
    "rows_valid": ("有效", "valid"),
    "rows_quarantined": ("隔离", "quarantined"),
    "rows_corrected": ("已更正", "corrected"),
    "records": ("记录数", "records"),
    "name": ("插件", "plugin"),
    "version": ("版本", "version"),
    "status": ("状态", "status"),
    "period": ("期间", "period"),
    "opening": ("期初", "opening"),
    "new": ("新增", "new"),
    "closed": ("退出", "closed"),
    "closing": ("期末", "closing"),
    "closing_amount": ("期末金额", "closing amount"),
    "unplaced": ("无法归期", "unplaced"),
    "as_of": ("数据日期", "as of"),
    "run_id": ("运行", "run"),
    "reason": ("原因", "reason"),
    "rows": ("行数", "rows"),
    "previous": ("上次运行", "previous run"),
    "change": ("变化", "change"),
    "department": ("数据来源单位", "department"),
    "rule_id": ("规则", "rule"),
    "plugin": ("插件", "plugin"),
    "severity": ("级别", "severity"),
    "evaluated": ("检查数", "evaluated"),
    "failed": ("未通过", "failed"),
    "waived": ("豁免", "waived"),
    "references": ("法律依据", "legal references"),
    "credit_class": ("信用分类", "credit class"),
    "subjects": ("主体数", "subjects"),
    "is_gov_body": ("政府机构", "government body"),
    "aging_bucket": ("账龄段", "aging bucket"),
    "cases": ("案件数", "cases"),
    "outstanding_amount": ("欠款金额（元）", "outstanding (yuan)"),
    "late_interest": ("逾期利息（元）", "late interest (yuan)"),
    "record_id": ("记录编号", "record id"),
    "entity_key": ("主体", "subject"),
    "message": ("说明", "message"),
    "reasons": ("原因", "reasons"),
    "values": ("原始值（已脱敏）", "values as given (masked)"),
    "_source": ("文件", "file"),
    "_row": ("行号", "row"),
}


def words(lang: Lang) -> dict[str, str]:
    """Every phrase of the report in ``lang``; column headings under ``col.<column>``."""
    i = LANGS.index(lang)
    out = {key: pair[i] for key, pair in _WORDS.items()}
    out.update({f"col.{key}": pair[i] for key, pair in _COLUMNS.items()})
    return out
