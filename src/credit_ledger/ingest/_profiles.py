"""Header profiles: the column names of published feeds, per source family and record kind.

The kinds declare the headers of the national standards (双公示 field names and codes, the SPC
list's columns). Real exports name the same columns otherwise: crawlers keep the court-list
API's JSON keys, 信用中国 and the local 双公示 pages print their own captions, regulators'
penalty tables say ``当事人名称`` and ``作出决定机关``. These are matched as aliases after the
kind's own names; a user's mapping (``columns=`` / ``--map``) overrides both.

Every header here was seen in a published layout; none carries data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["PROFILES", "HeaderProfile", "profile_aliases"]


@dataclass(frozen=True, kw_only=True)
class HeaderProfile:
    """The headers of one family of published sources.

    Attributes:
        name: the family (``spc_api``, ``penalty_regulator``...).
        kind: the record kind its files hold.
        aliases: canonical column → the headers that family uses for it.
    """

    name: str
    kind: str
    aliases: Mapping[str, tuple[str, ...]]


_COMMON: Mapping[str, tuple[str, ...]] = {
    "region_code": ("区划代码", "地区代码", "行政区划"),
    "source_org": ("来源单位", "信息来源", "报送单位"),
    "collected_on": ("入库时间", "更新时间", "数据更新时间"),
}

PROFILES: tuple[HeaderProfile, ...] = (
    HeaderProfile(
        name="spc_api",
        kind="dishonest_debtor",
        aliases={
            # JSON keys of the public dishonest-debtor feed, as crawlers save them (domain.md §8).
            "debtor_name": ("pname", "name", "被执行人姓名或名称", "失信被执行人姓名/名称"),
            "id_or_uscc": (
                "cardnumber",
                "partyCardNum",
                "身份证号码/组织机构代码/统一社会信用代码",
            ),
            "case_no": ("caseNo", "案件号码"),
            "court": ("execCourtName", "法院名称"),
            "province": ("省份名称", "所在省份", "地域"),
            "basis_doc_no": ("执行依据文书编号", "执行依据编号"),
            "basis_issuer": ("作出执行依据单位", "做出执行依据的单位"),
            "duty": ("生效法律文书确定的义务内容", "法律文书确定的义务"),
            "performance": ("履行情况说明",),
            "dishonest_conduct": ("失信行为具体情形", "失信情形", "具体情形"),
            "filed_on": ("立案日期", "caseCreateTime"),
            "published_on": ("发布日期", "publishDateStamp"),
            "legal_rep": ("法定代表人", "法定代表人或负责人姓名"),
            "gender": ("sex", "sexname"),
        },
    ),
    HeaderProfile(
        name="penalty_regulator",
        kind="admin_penalty",
        aliases={
            # Regulators' penalty tables and 信用中国 / local 双公示 penalty pages.
            "subject_name": ("当事人名称", "当事人", "行政相对人", "企业名称", "单位名称"),
            "subject_category": ("当事人类型", "相对人类别", "行政相对人类型"),
            "subject_uscc": ("当事人统一社会信用代码", "统一社会信用代码/注册号", "社会信用代码"),
            "legal_rep": ("法定代表人(负责人)", "法定代表人（负责人）", "负责人"),
            "decision_no": (
                "行政处罚决定书文号",
                "处罚决定书文号",
                "决定书文号",
                "行政处罚决定文书号",
                "处罚文书号",
                "文书号",
            ),
            "violation_type": ("违法行为", "违法类型"),
            "violation_facts": ("主要违法事实", "违法事实描述", "案件名称"),
            "legal_basis": ("行政处罚依据", "处罚依据及内容"),
            "penalty_types": ("处罚类型", "处罚种类", "行政处罚种类", "处罚类别1"),
            "penalty_content": ("行政处罚内容", "处罚结果", "处罚决定内容"),
            "fine_yuan": ("罚款金额", "罚款(元)", "罚款（元）"),
            "confiscation_yuan": (
                "没收违法所得、没收非法财物的金额(元)",
                "没收违法所得、没收非法财物的金额（元）",
                "没收金额(元)",
            ),
            "decision_date": (
                "作出处罚决定的日期",
                "处罚决定日期",
                "决定日期",
                "处罚日期",
                "作出行政处罚决定日期",
            ),
            "penalty_valid_to": ("处罚有效期至", "公示期限"),
            "authority": (
                "作出决定机关",
                "处罚决定机关",
                "作出处罚决定的机关名称",
                "作出处罚的机关名称",
                "处罚机关名称",
                "执法机关",
            ),
            "authority_uscc": (
                "作出处罚决定的机关统一社会信用代码",
                "处罚决定机关统一社会信用代码",
            ),
            "published_on": ("发布日期", "发布时间", "公示时间"),
            "source_org_uscc": ("数据来源单位代码",),
        },
    ),
    HeaderProfile(
        name="license_shuanggongshi",
        kind="admin_license",
        aliases={
            "subject_name": ("当事人名称", "行政相对人", "企业名称"),
            "decision_doc_no": ("行政许可决定书文号", "许可决定书文号", "许可文书号"),
            "decision_doc_name": ("许可决定书名称", "行政许可决定书名称"),
            "license_category": ("许可类型", "审批类别"),
            "content": ("行政许可内容", "许可事项"),
            "decision_date": ("许可日期", "作出许可决定的日期", "决定日期"),
            "valid_from": ("许可有效期自", "有效期起"),
            "valid_to": ("许可有效期至", "许可截止期", "有效期止"),
            "authority": ("许可决定机关", "作出许可决定的机关", "审批机关"),
            "authority_uscc": ("许可决定机关统一社会信用代码",),
            "published_on": ("发布日期", "发布时间"),
        },
    ),
    HeaderProfile(
        name="court_enforcement",
        kind="judgment_debtor_case",
        aliases={
            # Keys of the court list of persons subject to enforcement, as crawlers save them.
            "debtor_name": ("pname", "被执行人名称/姓名"),
            "debtor_uscc": ("partyCardNum", "证照号码"),
            "case_no": ("caseCode", "caseNo"),
            "court": ("execCourtName", "执行法院名称"),
            "filed_on": ("caseCreateTime", "立案时间"),
            "subject_amount": ("execMoney", "执行标的(元)", "执行标的（元）"),
        },
    ),
    HeaderProfile(name="common", kind="*", aliases=_COMMON),
)
"""The shipped profiles; ``kind="*"`` applies to every kind that has the column."""


def profile_aliases(kind: str, columns: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """The profile aliases that apply to ``kind``: ``(header, canonical column, profile)``,
    for canonical columns the kind has, in profile order."""
    return [
        (alias, column, p.name)
        for p in PROFILES
        if p.kind in (kind, "*")
        for column, aliases in p.aliases.items()
        if column in columns
        for alias in aliases
    ]
