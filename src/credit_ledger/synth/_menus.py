"""The defect menu of each kind: which errors the generator injects, and the reason each trips.

Every menu starts with defects that apply to any row (so any chosen row can take one).
"""

from __future__ import annotations

from credit_ledger.synth._defects import (
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
    value,
)


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
        enum("subject_category", "企业", "个人独资企业", applies=fact("org")),
        value("subject_uscc", ("",), "row:uscc_required_for_organisations",
              "missing_uscc", fact("org")),
        value("person_id_no", ("", " "), "row:id_required_for_natural_persons",
              "missing_person_id", fact("person")),
        check_char("person_id_no", "row:person_id_no_is_ric", fact("person"), ric=True),
    )  # fmt: skip


ADMIN_LICENSE: tuple[Defect, ...] = (
    *_subject_defects(),
    enum("license_category", "一般", "特殊许可", "备案"),
    enum("status", "3", "注销"),
    blank("content"),
    bad_date("valid_to"),
    dates_out_of_order("valid_to", "valid_from", (-365, -1), "row:valid_from_not_after_valid_to"),
)

ADMIN_PENALTY: tuple[Defect, ...] = (
    *_subject_defects(),
    bad_decimal("fine_yuan"),
    value("fine_yuan", ("-2000", "-500.00", "-15000"), "non_negative", "negative:fine_yuan"),
    enum("penalty_types", "警告,罚没款", "处罚", "罚款,记过"),
    enum("severity", "较重", "特别严重"),
    blank("violation_facts"),
    bad_date("penalty_valid_to"),
    dates_out_of_order(
        "penalty_valid_to", "decision", (-365, -1), "row:decision_date_not_after_penalty_valid_to"
    ),
)

DISHONEST_DEBTOR: tuple[Defect, ...] = (
    enum("party_type", "2", "其他"),
    enum("performance", "部分履行", "未履行"),
    enum("dishonest_conduct", "拒不履行", "违反限制消费令,逃避执行"),
    bad_date("filed_on"),
    bad_date("published_on"),
    value("term_years", ("8", "0"), "term_range", "bad_term:term_years"),
    value("term_years", ("两年",), "int", "bad_int:term_years"),
    blank("court"),
    blank("duty"),
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
