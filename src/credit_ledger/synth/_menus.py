"""The defect menu of each kind: which errors the generator injects, and the reason each trips;
and the real-world shapes validation keeps (with their one warning, or none).

Every menu starts with defects that apply to any row (so any chosen row can take one).
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from credit_ledger.synth._defects import (
    Blemish,
    Defect,
    amounts_over,
    bad_date,
    bad_decimal,
    blank,
    check_char,
    civil_case_no,
    dates_out_of_order,
    enum,
    fact,
    minor_listed,
    shape,
    spelled,
    value,
    warned,
)
from credit_ledger.synth._rng import cat
from credit_ledger.synth._values import END, full_width


def _subject_defects() -> tuple[Defect, ...]:
    """行政相对人 defects shared by licences and penalties."""
    return (
        check_char("authority_uscc", "uscc"),
        blank("subject_name"),
        bad_date("decision_date"),
        check_char("subject_uscc", "uscc", fact("org")),
        check_char("source_org_uscc", "uscc", fact("has_source_uscc")),
        check_char("org_code", "org_code", fact("has_org_code")),
        check_char("legal_rep_id_no", "row:legal_rep_id_no_is_ric", fact("has_rep_ric"), ric=True),
        warned(enum("subject_category", "企业", "个人独资企业", applies=fact("org")),
               "subject_category:enum"),
        warned(value("subject_uscc", ("",), "row:uscc_required_for_organisations",
                     "missing_uscc", fact("org")), "row:uscc_required_for_organisations"),
        warned(value("person_id_no", ("", " "), "row:id_required_for_natural_persons",
                     "missing_person_id", fact("person")), "row:id_required_for_natural_persons"),
        check_char("person_id_no", "row:person_id_no_is_ric", fact("person"), ric=True),
    )  # fmt: skip


_CONDUCT_SPELLINGS = (
    "违反财产报告制度的",
    "其他有履行能力而拒不履行生效法律文书确定义务",
    "被执行人有履行能力而拒不履行生效法律文书确定义务的",
    "违反财产报告制度,违反限制消费令",
    "违反财产报告制度、违反限制消费令",
    "(一)有履行能力而拒不履行生效法律文书确定义务",
    "1.违反限制消费令",
)
"""How real lists write the statutory situations (docs/domain.md §2.3, issue 17)."""


def _clean(s: pl.Series) -> pl.Series:
    return s.str.normalize("NFKC").str.to_uppercase().str.replace_all(r"[\s\-]", "")


def _legacy_case_no(rows: pl.DataFrame) -> pl.Series:
    """The style before 2016: ``(2014)石执字第05679号``, court abbreviated in Han characters."""
    year = rows["f.filed"].dt.year().clip(upper_bound=2015).cast(pl.String)
    serial = rows["f.filed"].dt.ordinal_day().cast(pl.String).str.zfill(5)
    return cat("(", year, ")石新执字第", serial, "号")


def _closed_on_while_open(rows: pl.DataFrame) -> pl.Series:
    """A closing date 30 days after filing (at most the generator's end) on an open case."""
    filed = rows["f.filed"]
    return pl.select(
        pl.min_horizontal(filed + pl.duration(days=30), pl.lit(END)).dt.strftime("%Y-%m-%d")
    ).to_series()


def _case_no_variants(rows: pl.DataFrame) -> pl.Series:
    """A later part (之一), 【】 brackets, full-width digits: the same valid case number."""
    no = rows["case_no"].str.strip_chars()
    bracketed = no.str.replace(r"^[(（〔]", "【").str.replace(r"[)）〕]", "】")
    return full_width(cat(bracketed, "之一"))


def _masked_19(rows: pl.DataFrame) -> pl.Series:
    """``91230199744****927K``: 11 visible, 4 stars, the last 4 (older feeds, docs/domain.md §8)."""
    code = _clean(rows["id_or_uscc"])
    return cat(code.str.slice(0, 11), "****", code.str.slice(14, 4))


def _org_code_hyphen(rows: pl.DataFrame) -> pl.Series:
    """The organisation code inside the credit code, ``55269853-1``, check character lower-case
    where it is a letter."""
    code = _clean(rows["id_or_uscc"])
    return cat(code.str.slice(8, 8), "-", code.str.slice(16, 1).str.to_lowercase())


def _ric_masked_last(rows: pl.DataFrame) -> pl.Series:
    """An ID number whose last four characters, check character included, are masked."""
    return cat(rows["f.ric"].str.slice(0, 14), "****")


def _ric15(rows: pl.DataFrame) -> pl.Series:
    """The 15-digit number issued before 1999: no century digits, no check character."""
    ric = rows["f.ric"]
    return cat(ric.str.slice(0, 6), ric.str.slice(8, 9))


def _date_time(rows: pl.DataFrame) -> pl.Series:
    """A date as a spreadsheet prints a date-time, the time glued on: 2003/04/1000:00:00.000."""
    return rows["f.published"].dt.strftime("%Y/%m/%d00:00:00.000")


def _epoch(rows: pl.DataFrame) -> pl.Series:
    """Epoch seconds as text (publishDateStamp, docs/domain.md §8), 10:00 China time that day."""
    days = rows["f.published"].cast(pl.Int64)
    return (days * 86_400 + 2 * 3600).cast(pl.String)


def _unpadded(rows: pl.DataFrame) -> pl.Series:
    """``2026年3月25日``: month and day without leading zeros."""
    d = rows["f.published"]
    return cat(d.dt.year().cast(pl.String), "年", d.dt.month().cast(pl.String), "月",
               d.dt.day().cast(pl.String), "日")  # fmt: skip


def _spaced_yuan(rows: pl.DataFrame) -> pl.Series:
    """Whole yuan grouped by spaces with the unit: ``2 018 000元``."""
    y = rows["f.amount"] // 100
    m, t, u = y // 1_000_000, (y // 1000) % 1000, y % 1000

    def pad(v: pl.Series) -> pl.Series:
        return v.cast(pl.String).str.zfill(3)

    return pl.select(
        pl.when(m > 0).then(cat(m.cast(pl.String), " ", pad(t), " ", pad(u), "元"))
        .when(t > 0).then(cat(t.cast(pl.String), " ", pad(u), "元"))
        .otherwise(cat(u.cast(pl.String), "元"))
    ).to_series()  # fmt: skip


def _float_noise(rows: pl.DataFrame) -> pl.Series:
    """A spreadsheet float's noise after the yuan: ``2018000.00000000000003``."""
    return cat((rows["f.amount"] // 100).cast(pl.String), ".00000000000003")


ADMIN_LICENSE: tuple[Defect, ...] = (
    *_subject_defects(),
    warned(enum("license_category", "一般", "特殊许可", "备案"), "license_category:enum"),
    enum("status", "3", "注销"),
    warned(blank("content"), "content:incomplete"),
    bad_date("valid_to"),
    dates_out_of_order("valid_to", "valid_from", (-365, -1), "row:valid_from_not_after_valid_to"),
)

ADMIN_PENALTY: tuple[Defect, ...] = (
    *_subject_defects(),
    warned(
        value(
            "fine_yuan",
            ("", " "),
            "from_text",
            "fine_only_in_text",
            fact("fine_cents").is_not_null(),
        ),
        "fine_yuan:from_text",
    ),
    bad_decimal("fine_yuan"),
    value("fine_yuan", ("-2000", "-500.00", "-15000"), "non_negative", "negative:fine_yuan"),
    warned(enum("penalty_types", "警告,罚没款", "处罚", "罚款,记过"), "penalty_types:enum"),
    warned(enum("severity", "较重", "特别严重"), "severity:enum"),
    warned(blank("violation_facts"), "violation_facts:incomplete"),
    bad_date("penalty_valid_to"),
    dates_out_of_order(
        "penalty_valid_to", "decision", (-365, -1), "row:decision_date_not_after_penalty_valid_to"
    ),
)

DISHONEST_DEBTOR: tuple[Defect, ...] = (
    enum("party_type", "2", "其他"),
    spelled("performance", "real_spelling", ("部分履行", "未履行", "已全部履行", "尚未履行")),
    warned(value("performance", ("不详", "见执行依据"), "unrecognised", "unknown_performance"),
           "performance:unrecognised"),
    spelled("dishonest_conduct", "real_spelling", _CONDUCT_SPELLINGS),
    warned(value("dishonest_conduct", ("拒不履行", "逃避执行"), "unrecognised", "unknown_conduct"),
           "dishonest_conduct:unrecognised"),
    warned(shape("case_no", "legacy", _legacy_case_no, None), "case_no:legacy_style"),
    shape("case_no", "part_and_brackets", _case_no_variants, None),
    spelled("party_type", "blank", ("", " ")),
    shape("id_or_uscc", "masked_19", _masked_19, fact("full_uscc")),
    shape("id_or_uscc", "org_code", _org_code_hyphen, fact("full_uscc")),
    shape("id_or_uscc", "ric_masked_last", _ric_masked_last, fact("person")),
    shape("id_or_uscc", "ric15", _ric15,
          fact("person") & (pl.col("f.ric").str.slice(6, 2) == "19")),
    shape("published_on", "date_time", _date_time, None),
    shape("published_on", "epoch_seconds", _epoch, None),
    shape("published_on", "unpadded", _unpadded, None),
    bad_date("filed_on"),
    bad_date("published_on"),
    value("term_years", ("8", "0"), "term_range", "bad_term:term_years"),
    value("term_years", ("两年",), "int", "bad_int:term_years"),
    blank("court"),
    warned(blank("duty"), "duty:incomplete"),
    civil_case_no(),
    dates_out_of_order("filed_on", "published", (1, 60), "row:filed_on_not_after_published_on"),
    value("age", ("四十五", "约50"), "int", "bad_int:age", fact("person")),
    enum("gender", "未知", "男女", applies=fact("person")),
    minor_listed(),
    check_char("id_or_uscc", "row:person_id", fact("person") & ~fact("masked_person"), ric=True),
    check_char("id_or_uscc", "row:entity_code", fact("full_uscc")),
    value("id_or_uscc", ("",), "row:entity_code_required", "missing_entity_code", ~fact("person")),
    dates_out_of_order(
        "removed_on", "published", (-60, -1), "row:published_on_not_after_removed_on",
        fact("removed").is_not_null(),
    ),
    value("removal_reason", ("", " "), "row:removal_reason_with_removal", "missing_removal_reason",
          fact("removed").is_not_null()),
    enum("removal_reason", "已履行完毕", "其他", applies=fact("removed").is_not_null()),
)  # fmt: skip

JUDGMENT_DEBTOR_CASE: tuple[Defect, ...] = (
    bad_decimal("subject_amount"),
    shape("subject_amount", "spaced_yuan", _spaced_yuan, fact("amount") % 100 == 0),
    warned(
        shape("subject_amount", "float_noise", _float_noise, fact("amount") % 100 == 0),
        "subject_amount:rounded",
    ),
    bad_decimal("performed_amount"),
    enum("case_status", "已执结", "审查中"),
    bad_date("filed_on"),
    blank("court"),
    blank("debtor_name"),
    civil_case_no(),
    amounts_over("subject_amount", "performed_amount", "amount", "row:performed_within_subject"),
    check_char("debtor_uscc", "uscc", ~fact("person")),
    bad_date("closed_on", ~fact("closed")),
    dates_out_of_order(
        "filed_on", "closed_on", (1, 60), "row:filed_on_not_after_closed_on", fact("closed")
    ),
    value("closed_on", ("", " "), "row:closed_case_has_date", "missing_closed_on", fact("closed")),
)

ARREARS_CASE: tuple[Defect, ...] = (
    check_char("debtor_uscc", "uscc"),
    check_char("creditor_uscc", "uscc"),
    enum("creditor_size", "特大型", "超大型"),  # 大型 is a valid size (private creditors)
    enum("subject_matter", "租赁", "其他"),
    enum("status", "挂账", "暂缓"),
    enum("debtor_kind", "民营企业", "个人"),
    bad_decimal("amount_due"),
    bad_decimal("amount_paid"),
    value("acceptance_required", ("待定", "不确定"), "bool", "bad_bool:acceptance_required"),
    value("agreed_term_days", ("三十天", "两个月"), "int", "bad_int:agreed_term_days"),
    bad_date("contract_signed_on"),
    bad_date("reported_on"),
    blank("contract_no"),
    amounts_over("amount_due", "amount_paid", "due", "row:paid_within_due"),
    bad_date("closed_on", ~fact("closed")),
    value("closed_on", ("", " "), "row:closed_case_has_date", "missing_closed_on", fact("closed")),
    dates_out_of_order(
        "delivered_on", "signed", (-30, -1), "row:contract_signed_on_not_after_delivered_on",
        fact("delivered").is_not_null(),
    ),
)  # fmt: skip

MENUS: dict[str, tuple[Defect, ...]] = {
    "admin_license": ADMIN_LICENSE,
    "admin_penalty": ADMIN_PENALTY,
    "dishonest_debtor": DISHONEST_DEBTOR,
    "judgment_debtor_case": JUDGMENT_DEBTOR_CASE,
    "arrears_case": ARREARS_CASE,
}


def _gov(defect: Defect, name: str) -> Defect:
    return replace(defect, name=f"gov:{name}", applies=fact("gov"))


BLEMISHES: dict[str, tuple[Blemish, ...]] = {
    # Government-body listings as real court lists print them (issue 13): blank free-text
    # duty, a pre-2016 case number, the wording 部分履行; kept, with their warning if any.
    "dishonest_debtor": (
        Blemish(defect=_gov(warned(blank("duty"), "duty:incomplete"), "blank_duty"), share=0.2),
        Blemish(
            defect=_gov(
                warned(shape("case_no", "legacy", _legacy_case_no, None), "case_no:legacy_style"),
                "legacy_case_no",
            ),
            share=0.2,
        ),
        Blemish(
            defect=_gov(spelled("performance", "real_spelling", ("部分履行",)), "partly_performed"),
            share=0.2,
        ),
    ),
    # A closing date on a case whose status is still open: validation keeps it, the zeroing
    # rule zeroing.case_closed_on_with_open_status reports it, the ledger keeps it open.
    "judgment_debtor_case": (
        Blemish(
            defect=shape("closed_on", "open_status", _closed_on_while_open, ~fact("closed")),
            share=0.05,
        ),
    ),
}
"""Shapes placed on a share of the rows they apply to, beyond the defect rate (see
:class:`~credit_ledger.synth._defects.Blemish`)."""
