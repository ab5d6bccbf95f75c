"""What a quarantine reason code means, in Chinese and in English.

A reason is ``"<column>:<check>"`` or ``"row:<check>"`` (see
:data:`credit_ledger.validate.REASONS`). :func:`explain` describes any of them for a clerk: the
column under its Chinese header, what the check asks, and the check's own description from the
record kind's schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from credit_ledger.errors import UsageError
from credit_ledger.kinds import RecordKind, schema

__all__ = ["ReasonText", "explain", "label_zh"]

_CJK = re.compile(r"[\u4e00-\u9fff]")

# Checks the validator adds itself (parsing, presence, bytes, uniqueness, ragged rows) and the
# reusable column checks of the built-in kinds. ``{col}`` is the column's Chinese header.
_COLUMN_ZH = {
    "date": "{col}不是可识别的日期（应为 YYYY-MM-DD、YYYYMMDD 或 YYYY年MM月DD日）",
    "int": "{col}不是整数",
    "decimal": "{col}不是数值",
    "bool": "{col}不是“是/否”值",
    "not_null": "{col}为必填项，但为空",
    "unique": "{col}在本批数据中重复",
    "encoding": "{col}含无法解码的字节（乱码），请检查文件编码",
    "enum": "{col}不在允许的取值范围内",
    "uscc": "{col}无效（不符合 GB 32100 统一社会信用代码的校验规则）",
    "org_code": "{col}无效（不符合 GB 11714 组织机构代码的校验规则）",
    "case_no": "{col}不是规范的案号格式",
    "execution_case_no": "{col}不是规范的执行案号格式",
    "non_negative": "{col}不能为负数",
    "positive": "{col}必须大于零",
    "age_range": "{col}超出允许的范围",
    "term_range": "{col}超出允许的范围",
    "future_year": "{col}的收案年度晚于本次运行日期",
    # warnings on valid rows (the record is kept)
    "incomplete": "{col}为空（标准要求填写，记录仍保留）",
    "unrecognised": "{col}的内容无法归入已知类别（原文保留）",
    "rounded": "{col}的小数超过两位，已四舍五入到分",
    "from_text": "{col}为空，金额取自文字内容",
    "underived": "{col}未给出，也无法由证件号码推得",
    "legacy_style": "{col}为2016年以前的案号格式",
}
_COLUMN_EN = {
    "date": "not a date (YYYY-MM-DD, YYYYMMDD or YYYY年MM月DD日)",
    "int": "not an integer",
    "decimal": "not a number",
    "bool": "not a yes/no value",
    "not_null": "required, but empty",
    "unique": "repeated within the data validated together",
    "encoding": "holds bytes that are not text in the file's encoding",
    "future_year": "filed in a year after the run's as_of",
    "incomplete": "blank (a standard column; the record is kept)",
    "unrecognised": "names no known category (the text is kept)",
    "rounded": "more decimals than fen, rounded half away from zero",
    "from_text": "blank; the amount was read from the text",
    "underived": "not given and not derivable from the identifier",
}
_ROW_ZH = {
    "ragged": "该行的字段数多于表头（列错位），请检查分隔符或引号",
    "uscc_required_for_organisations": "非自然人主体缺少统一社会信用代码",
    "id_required_for_natural_persons": "自然人主体缺少身份证件号码",
    "entity_code": "法人及非法人组织的代码不是统一社会信用代码或组织机构代码",
    "person_id": "自然人的证件号码不是有效的居民身份证号码",
    "entity_code_required": "法人及非法人组织缺少统一社会信用代码",
    "minor_listed": "未成年人不得被列为失信被执行人",
    "removal_reason_with_removal": "已移除的失信记录缺少移除原因",
    "closed_case_has_date": "已结案件缺少结案日期",
    "paid_within_due": "已付金额应在 0 与应付金额之间",
    "disputed_within_outstanding": "争议金额超过未付金额",
    "performed_within_subject": "已履行金额超过执行标的金额",
}
_ROW_EN = {"ragged": "the row has more fields than the header (a shifted column)"}
_NOT_AFTER = re.compile(r"^(?P<a>\w+?)_not_after_(?P<b>\w+)$")
_IS_RIC = re.compile(r"^(?P<a>\w+)_is_ric$")


@dataclass(frozen=True, kw_only=True)
class ReasonText:
    """A reason code explained.

    Attributes:
        code: the reason, e.g. ``"filed_on:date"``.
        kind: the record kind it was looked up in (None: the check is the same for every kind).
        column: the canonical column, or None for a row check.
        zh: the explanation in Chinese, naming the column by its Chinese header.
        en: the explanation in English.
    """

    code: str
    kind: str | None
    column: str | None
    zh: str
    en: str

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready mapping."""
        return {"code": self.code, "kind": self.kind, "column": self.column, "zh": self.zh,
                "en": self.en}  # fmt: skip


def label_zh(kind: RecordKind | None, column: str) -> str:
    """The column's Chinese header (its first Chinese alias), else its canonical name."""
    if kind is not None and column in kind.columns:
        for alias in kind.field(column).aliases:
            if _CJK.search(alias):
                return alias
    return column


def _check_description(kind: RecordKind, column: str | None, check: str) -> str | None:
    s = schema(kind)
    checks = s.checks if column is None else s.columns[column].checks
    for c in checks:
        if c.name == check:
            return str(c.description or "") or None
    return None


def _row_zh(kind: RecordKind | None, check: str, en: str) -> str:
    if check in _ROW_ZH:
        return _ROW_ZH[check]
    if m := _NOT_AFTER.match(check):
        return f"{label_zh(kind, m['a'])}晚于{label_zh(kind, m['b'])}"
    if m := _IS_RIC.match(check):
        return f"{label_zh(kind, m['a'])}不是有效的居民身份证号码（GB 11643 校验位不符）"
    return f"记录未通过校验：{en}"


def _known(kind: RecordKind, column: str | None, check: str) -> bool:
    if column is None:
        return _check_description(kind, None, check) is not None
    if column not in kind.columns:
        return False
    return check in _COLUMN_EN or _check_description(kind, column, check) is not None


def explain(code: str, kinds: Iterable[RecordKind]) -> ReasonText:
    """Explain the reason ``code`` using the first of ``kinds`` that can produce it.

    Raises:
        UsageError: ``code`` is not ``column:check`` or no kind produces it (exit 2).

    Example:
        >>> explain("filed_on:date", [get_kind("dishonest_debtor")]).zh  # doctest: +SKIP
        '立案时间不是可识别的日期（应为 YYYY-MM-DD、YYYYMMDD 或 YYYY年MM月DD日）'
    """
    where, sep, check = code.partition(":")
    if not sep or not where or not check:
        raise UsageError(f"not a reason code: {code!r} (expected COLUMN:CHECK or row:CHECK)")
    column = None if where == "row" else where
    pool = list(kinds)
    kind = next((k for k in pool if _known(k, column, check)), None)
    if kind is None:
        if (column is None and check in _ROW_EN) or (column is not None and check in _COLUMN_EN):
            kind = None  # a check every kind has: explain it without one
        else:
            raise UsageError(f"unknown reason code {code!r}: no record kind has this check")
    described = _check_description(kind, column, check) if kind is not None else None
    if column is None:
        en = described or _ROW_EN.get(check, check)
        return ReasonText(
            code=code,
            kind=kind.name if kind else None,
            column=None,
            zh=_row_zh(kind, check, en),
            en=en,
        )
    label = label_zh(kind, column)
    en_check = _COLUMN_EN.get(check) or described or check
    zh = _COLUMN_ZH.get(check, "{col}未通过校验：" + en_check).format(col=label)
    if check == "enum" and described:
        zh += f"（{described.removeprefix('one of ')}）"
    return ReasonText(
        code=code,
        kind=kind.name if kind else None,
        column=column,
        zh=zh,
        en=f"{column}: {en_check}",
    )
