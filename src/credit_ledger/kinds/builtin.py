"""The built-in record kinds (docs/domain.md §2): licences, penalties, court lists and arrears.

Headers: each field lists the Chinese header of the double-publicity standard or the SPC open
data, the standard field code and the JSON key where one is known.

Columns are *identifying* (without them the record is unusable: the subject's name, the case or
decision number, the date that places it in time; a blank one quarantines the row) or
*standard* (the rest of the 双公示 / SPC list: a blank one is a completeness warning, a missing
one a warning for the file).

Values marked [A] in docs/domain.md (enumerations not taken from a fetched source) are plain data
here and can be replaced by contributing a record kind of the same name and a higher version
through the plugin API.
"""

from __future__ import annotations

import polars as pl

from credit_ledger import ids
from credit_ledger.contracts._kind import ColumnCheck, Derived, Field, RecordKind, RowCheck
from credit_ledger.kinds._text import (
    DISHONEST_CONDUCT,
    PERFORMANCE,
    conduct_expr,
    fine_in_text,
    performance_expr,
)

# -- reusable column checks -------------------------------------------------------------------

USCC_STRICT = ColumnCheck(
    name="uscc",
    build=lambda c: ids.uscc_expr(c, level="strict"),
    description="unified social credit code (GB 32100 check character and GB 11714 code)",
)
ORG_CODE = ColumnCheck(
    name="org_code", build=ids.org_code_expr, description="organisation code (GB 11714)"
)
CASE_NO = ColumnCheck(
    name="case_no", build=ids.case_no_expr, description="court case number (案号) format"
)
EXECUTION_CASE_NO = ColumnCheck(
    name="execution_case_no",
    build=ids.execution_case_no_expr,
    description="court case number (案号) of an execution case type (执, 执恢, ...)",
)
LEGACY_STYLE = ColumnCheck(
    name="legacy_style",
    build=lambda c: ids.case_no_style_expr(c) != "legacy",
    description="case number in the style before 2016 (a warning: still a valid listing)",
    warn=True,
)
NON_NEGATIVE = ColumnCheck(name="non_negative", build=lambda c: c >= 0, description="≥ 0")
POSITIVE = ColumnCheck(name="positive", build=lambda c: c > 0, description="> 0")


def _text(name: str, *aliases: str, nullable: bool = False, **kw: object) -> Field:
    return Field(name=name, aliases=aliases, nullable=nullable, **kw)  # type: ignore[arg-type]


def _opt_text(name: str, *aliases: str, **kw: object) -> Field:
    return Field(name=name, aliases=aliases, nullable=True, required=False, **kw)  # type: ignore[arg-type]


def _std(name: str, *aliases: str, **kw: object) -> Field:
    """A standard (non-identifying) column: blank or absent gives a warning, never quarantine."""
    return Field(name=name, aliases=aliases, nullable=True, required=False, standard=True, **kw)  # type: ignore[arg-type]


def _uscc(
    name: str, *aliases: str, nullable: bool = False, required: bool = True, standard: bool = False
) -> Field:
    return Field(
        name=name,
        aliases=aliases,
        nullable=nullable or standard,
        required=required and not standard,
        normalize="code",
        checks=(USCC_STRICT,),
        standard=standard,
    )


def _date(
    name: str,
    *aliases: str,
    nullable: bool = False,
    required: bool = True,
    standard: bool = False,
) -> Field:
    return Field(
        name=name,
        dtype="date",
        aliases=aliases,
        nullable=nullable or standard,
        required=required and not standard,
        standard=standard,
    )


def _before(earlier: str, later: str, name: str | None = None) -> RowCheck:
    return RowCheck(
        name=name or f"{earlier}_not_after_{later}",
        expr=pl.col(earlier) <= pl.col(later),
        columns=(earlier, later),
        description=f"{earlier} ≤ {later}",
    )


def _envelope(*, source_org_required: bool = False) -> tuple[Field, ...]:
    """Envelope columns shared by every kind (docs/domain.md §2) [A]; the source organisation is a
    standard column of the 双公示 kinds (``source_org_required``)."""
    return (
        Field(
            name="record_id",
            aliases=("记录编号", "记录ID", "id"),
            required=False,
            unique=True,
            description="record id; derived from the row's content when the source has none",
        ),
        Field(
            name="region_code",
            aliases=("行政区划代码", "地区编码"),
            nullable=True,
            required=False,
            normalize="code",
            description="GB/T 2260 region code (checked as a warning by rules)",
        ),
        Field(
            name="source_org",
            aliases=("数据来源单位", "数据来源", "XK_LYDW", "CF_SJLY"),
            nullable=True,
            required=False,
            standard=source_org_required,
        ),
        Field(
            name="source_org_uscc",
            aliases=("数据来源单位统一社会信用代码", "XK_LYDWDM", "CF_SJLYDM"),
            nullable=True,
            required=False,
            normalize="code",
            checks=(USCC_STRICT,),
            standard=source_org_required,
        ),
        _date("collected_on", "归集日期", "采集日期", nullable=True, required=False),
    )


SUBJECT_CATEGORIES = ("法人及非法人组织", "自然人", "个体工商户")


def _subject_fields() -> tuple[Field, ...]:
    """行政相对人 columns shared by licences and penalties (docs/domain.md §2.1)."""
    return (
        _text("subject_name", "行政相对人名称", "XK_XDR_MC", "CF_XDR_MC", personal=True),
        _std(
            "subject_category",
            "行政相对人类别",
            "XK_XDR_TYPE",
            "CF_XDR_TYPE",
            enum=SUBJECT_CATEGORIES,
            enum_warn=True,
        ),
        _uscc(
            "subject_uscc",
            "统一社会信用代码",
            "行政相对人代码_1(统一社会信用代码)",
            "行政相对人代码_1",
            "CF_XDR_SHXYM",
            nullable=True,
        ),
        _opt_text("reg_no", "工商注册号", "行政相对人代码_2(工商注册号)", "xkxdrgszc"),
        Field(
            name="org_code",
            aliases=("组织机构代码", "行政相对人代码_3(组织机构代码)"),
            nullable=True,
            required=False,
            normalize="code",
            checks=(ORG_CODE,),
        ),
        _opt_text("tax_reg_no", "税务登记号", "行政相对人代码_4(税务登记号)"),
        _opt_text(
            "public_inst_cert_no",
            "事业单位证书号",
            "行政相对人代码_5(事业单位证书号)",
            "XK_XDR_SYDW",
        ),
        _opt_text(
            "social_org_cert_no",
            "社会组织登记证号",
            "行政相对人代码_6(社会组织登记证号)",
            "XK_XDR_SHZZ",
        ),
        _opt_text("legal_rep", "法定代表人", "XK_FDDB", "CF_FRDB", personal=True),
        _opt_text("legal_rep_id_type", "法定代表人证件类型", "XK_FR_ZJLX", "CF_FR_ZJLX"),
        Field(
            name="legal_rep_id_no",
            aliases=("法定代表人身份证号", "法定代表人证件号码", "XK_FR_SFZH", "CF_FR_ZJHM"),
            nullable=True,
            required=False,
            normalize="code",
            personal=True,
        ),
        _opt_text("person_id_type", "证件类型", "XK_XDR_ZJLX", "CF_XDR_ZJLX"),
        Field(
            name="person_id_no",
            aliases=("证件号码", "XK_XDR_ZJHM", "CF_XDR_ZJHM"),
            nullable=True,
            required=False,
            normalize="code",
            personal=True,
        ),
    )


ID_CARD_TYPES = ("身份证", "居民身份证", "001")
"""Document types whose number is a resident ID number (GB 11643) [A]."""


def _ric_when_id_card(id_type: str, number: str) -> RowCheck:
    return RowCheck(
        name=f"{number}_is_ric",
        expr=~pl.col(id_type).is_in(ID_CARD_TYPES)
        | ids.ric_expr(pl.col(number), allow_masked=True),
        columns=(id_type, number),
        description=f"{number} is a valid resident ID number when {id_type} is an ID card",
    )


def _subject_checks() -> tuple[RowCheck, ...]:
    is_person = pl.col("subject_category") == "自然人"
    return (
        RowCheck(
            name="uscc_required_for_organisations",
            expr=is_person | pl.col("subject_uscc").is_not_null(),
            columns=("subject_category", "subject_uscc"),
            description="subject_uscc is required unless the subject is a natural person "
            "(a warning: the name still identifies the record)",
            warn=True,
        ),
        RowCheck(
            name="id_required_for_natural_persons",
            expr=~is_person | pl.col("person_id_no").is_not_null(),
            columns=("subject_category", "person_id_no"),
            description="person_id_no is required when the subject is a natural person "
            "(a warning: the name still identifies the record)",
            warn=True,
        ),
        _ric_when_id_card("person_id_type", "person_id_no"),
        _ric_when_id_card("legal_rep_id_type", "legal_rep_id_no"),
    )


ADMIN_LICENSE = RecordKind(
    name="admin_license",
    version=1,
    title="行政许可 administrative licence",
    subject_code="subject_uscc",
    subject_name="subject_name",
    fields=(
        *_envelope(source_org_required=True),
        *_subject_fields(),
        _std("decision_doc_name", "行政许可决定文书名称", "XK_XKWS"),
        _text("decision_doc_no", "行政许可决定文书号", "XK_WSH"),
        _std(
            "license_category",
            "许可类别",
            "XK_XKLB",
            enum=("普通", "特许", "认可", "核准", "登记", "其他"),
            enum_warn=True,
        ),
        _opt_text("license_cert_name", "许可证书名称", "XK_XKZS"),
        _opt_text("license_no", "许可编号", "XK_XKBH"),
        _std("content", "许可内容", "XK_NR"),
        _date("decision_date", "许可决定日期", "XK_JDRQ"),
        _date("valid_from", "有效期自", "XK_YXQZ", standard=True),
        _date("valid_to", "有效期至", "XK_YXQZI", standard=True),
        _std("authority", "许可机关", "XK_XKJG"),
        _uscc("authority_uscc", "许可机关统一社会信用代码", "XK_XKJGDM", standard=True),
        _std(
            "status",
            "当前状态",
            "XK_ZT",
            enum=("有效", "无效"),
            value_map={"1": "有效", "2": "无效"},
            description="licence status [A: coding 1 有效 / 2 无效]",
        ),
        _date("published_on", "公示日期", "公开日期", nullable=True, required=False),
        _opt_text("remarks", "备注", "BZ"),
    ),
    row_checks=(*_subject_checks(), _before("valid_from", "valid_to")),
)

PENALTY_TYPES = (
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "没收非法财物",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "行政拘留",
    "其他",
)
"""Penalty types of the Administrative Penalty Law (2021) Art. 9 [A: not verified here]."""

ADMIN_PENALTY = RecordKind(
    name="admin_penalty",
    version=1,
    title="行政处罚 administrative penalty",
    subject_code="subject_uscc",
    subject_name="subject_name",
    fields=(
        *_envelope(source_org_required=True),
        *_subject_fields(),
        _text("decision_no", "行政处罚决定书文号", "CF_WSH"),
        _std("violation_type", "违法行为类型", "CF_WFXW"),
        _std("violation_facts", "违法事实", "CF_SY"),
        _std("legal_basis", "处罚依据", "CF_YJ"),
        _std(
            "penalty_types",
            "处罚类别",
            "CF_CFLB",
            enum=PENALTY_TYPES,
            enum_warn=True,
            multi=",",
            separators=",，;；、",
            description="one or more penalty types, separated by , ; or 、",
        ),
        _std("penalty_content", "处罚内容", "CF_NR"),
        Field(
            name="fine_yuan",
            dtype="decimal",
            aliases=("罚款金额（元）", "罚款金额(元)"),
            wan_aliases=("罚款金额（万元）", "罚款金额(万元)", "CF_NR_FK", "fine_wan"),
            nullable=True,
            required=False,
            checks=(NON_NEGATIVE,),
            description="fine in yuan (inputs in 万元 are converted)",
        ),
        Field(
            name="confiscation_yuan",
            dtype="decimal",
            aliases=("confiscation",),
            wan_aliases=(
                "没收违法所得、没收非法财物的金额（万元）",
                "没收违法所得、没收非法财物的金额(万元)",
                "CF_NR_WFFF",
                "confiscation_wan",
            ),
            nullable=True,
            required=False,
            checks=(NON_NEGATIVE,),
        ),
        _opt_text("licence_suspended", "暂扣或吊销证照名称及编号", "CF_NR_ZKDX"),
        _date("decision_date", "处罚决定日期", "CF_JDRQ"),
        _date("penalty_valid_to", "处罚有效期", "CF_YXQ", standard=True),
        _date("publicity_end", "公示截止期", "CF_GSJZQ", nullable=True, required=False),
        _std("authority", "处罚机关", "CF_CFJG"),
        _uscc("authority_uscc", "处罚机关统一社会信用代码", "CF_CFJGDM", standard=True),
        Field(
            name="severity",
            aliases=("违法情节", "严重程度", "处罚程度"),
            enum=("轻微", "一般", "严重"),
            enum_warn=True,
            nullable=True,
            required=False,
            description="轻微/一般/严重; derived by the publicity rules when absent [A]",
        ),
        _date("published_on", "公示日期", "公开日期", nullable=True, required=False),
        _opt_text("remarks", "备注", "BZ"),
    ),
    row_checks=(*_subject_checks(), _before("decision_date", "penalty_valid_to")),
    derived=(
        Derived(
            name="fine_from_text",
            expr=fine_in_text(pl.col("fine_yuan"), pl.col("penalty_content")),
            description="the fine stated in 处罚内容 where fine_yuan is blank (罚款三十五万元)",
            warning="fine_yuan:from_text",
        ),
    ),
)


REMOVAL_REASONS = (
    "performed",
    "settlement_performed",
    "creditor_request",
    "no_assets_after_termination",
    "suspended_retrial_or_bankruptcy",
    "not_enforced",
    "enforcement_terminated",
    "term_expired",
    "revoked_wrongly_listed",
)
"""Removal grounds: SPC rules Art. 10 items 1-7, term expiry, Art. 9 revocation."""


def _party_from_id(code: pl.Expr) -> pl.Expr:
    """The party type an identifier implies: an ID number is a natural person's, a credit or
    organisation code a legal entity's; null when it is neither (docs/domain.md §1, §8)."""
    style = ids.id_style_expr(code)
    return (
        pl.when(style.str.starts_with("ric"))
        .then(pl.lit("natural_person"))
        .when(style.is_not_null())
        .then(pl.lit("legal_entity"))
    )


_is_person = pl.col("party_type") == "natural_person"
_is_entity = pl.col("party_type") == "legal_entity"

DISHONEST_DEBTOR = RecordKind(
    name="dishonest_debtor",
    version=1,
    title="失信被执行人 dishonest judgment debtor",
    subject_code="id_or_uscc",
    subject_name="debtor_name",
    fields=(
        *_envelope(),
        _text(
            "debtor_name",
            "被执行人姓名/名称",
            "被执行人姓名",
            "被执行人名称",
            "iname",
            personal=True,
        ),
        Field(
            name="party_type",
            aliases=("主体类型", "当事人类型", "partyTypeName"),
            required=False,
            fallback=_party_from_id(pl.col("id_or_uscc")),
            description="natural_person / legal_entity; from the identifier when not given",
            enum=("natural_person", "legal_entity"),
            value_map={
                "0": "natural_person",
                "1": "legal_entity",
                "自然人": "natural_person",
                "法人": "legal_entity",
                "法人或其他组织": "legal_entity",
                "法人及非法人组织": "legal_entity",
            },
        ),
        Field(
            name="id_or_uscc",
            aliases=(
                "身份证号码/组织机构代码",
                "身份证号码/统一社会信用代码",
                "证件号码",
                "cardNum",
            ),
            nullable=True,
            required=False,
            normalize="code",
            personal=True,
            description="USCC, 9-char organisation code, or (masked) resident ID number",
        ),
        Field(
            name="gender",
            aliases=("性别", "sexy"),
            enum=("男性", "女性"),
            value_map={"男": "男性", "女": "女性"},
            nullable=True,
            required=False,
        ),
        Field(
            name="age",
            dtype="int",
            aliases=("年龄",),
            nullable=True,
            required=False,
            checks=(
                ColumnCheck(
                    name="age_range",
                    build=lambda c: c.is_between(0, 150),
                    description="0 (legal entities) to 150",
                ),
            ),
        ),
        _opt_text("legal_rep", "法定代表人或者负责人姓名", "businessEntity", personal=True),
        Field(
            name="case_no",
            aliases=("案号", "caseCode"),
            normalize="case_no",
            checks=(CASE_NO, EXECUTION_CASE_NO, LEGACY_STYLE),
        ),
        _text("court", "执行法院", "courtName"),
        _std("province", "省份", "areaName"),
        _std("basis_doc_no", "执行依据文号", "gistId"),
        _std("basis_issuer", "做出执行依据单位", "gistUnit"),
        _std("duty", "生效法律文书确定的义务", "duty"),
        _std(
            "performance",
            "被执行人的履行情况",
            "履行情况",
            "performance",
            enum=PERFORMANCE,
            parse=performance_expr,
            description="全部未履行 / 部分未履行 / 部分履行 / 全部履行, from the text as written",
        ),
        _std(
            "dishonest_conduct",
            "失信被执行人行为具体情形",
            "disruptTypeName",
            enum=DISHONEST_CONDUCT,
            multi=",",
            parse=conduct_expr,
            keep_raw=True,
            description="the Art. 1 situations the text names, comma-joined; the text as given"
            " is kept in dishonest_conduct_raw",
        ),
        _opt_text("performed_part", "已履行部分", "performedPart"),
        _opt_text("unperformed_part", "未履行部分", "unperformPart"),
        _date("filed_on", "立案时间", "regDate", standard=True),
        _date("published_on", "发布时间", "publishDate"),
        Field(
            name="term_years",
            dtype="int",
            aliases=("纳入期限", "纳入期限（年）"),
            nullable=True,
            required=False,
            checks=(
                ColumnCheck(
                    name="term_range",
                    build=lambda c: c.is_between(2, 5),
                    description="2 years, extended by 1-3 years at most (Art. 2)",
                ),
            ),
        ),
        _date("removal_ground_on", "删除事由发生日期", nullable=True, required=False),
        _date("removed_on", "删除日期", "撤销日期", "删除/撤销日期", nullable=True, required=False),
        Field(
            name="removal_reason",
            aliases=("删除事由", "删除原因"),
            enum=REMOVAL_REASONS,
            nullable=True,
            required=False,
        ),
    ),
    row_checks=(
        _before("filed_on", "published_on"),
        _before("published_on", "removed_on"),
        RowCheck(
            name="entity_code",
            expr=~_is_entity
            | pl.col("id_or_uscc").is_null()
            | ids.uscc_expr(pl.col("id_or_uscc"), level="strict")
            | ids.uscc_masked_expr(pl.col("id_or_uscc"))
            | ids.org_code_expr(pl.col("id_or_uscc")),
            columns=("party_type", "id_or_uscc"),
            description="a legal entity's code is a USCC, a masked USCC or an organisation code",
        ),
        RowCheck(
            name="person_id",
            expr=~_is_person | ids.ric_expr(pl.col("id_or_uscc"), allow_masked=True),
            columns=("party_type", "id_or_uscc"),
            description="a natural person's number is a (masked) resident ID number",
        ),
        RowCheck(
            name="entity_code_required",
            expr=~_is_entity | pl.col("id_or_uscc").is_not_null(),
            columns=("party_type", "id_or_uscc"),
            description="a legal entity carries its credit code (Art. 6)",
        ),
        RowCheck(
            name="minor_listed",
            expr=~_is_person | pl.col("age").is_null() | (pl.col("age") >= 18),
            columns=("party_type", "age"),
            description="minors must not be listed as dishonest debtors",
        ),
        RowCheck(
            name="removal_reason_with_removal",
            expr=pl.col("removed_on").is_null() | pl.col("removal_reason").is_not_null(),
            columns=("removed_on", "removal_reason"),
            description="a removed listing states its removal reason",
        ),
    ),
    derived=(
        Derived(
            name="case_no_style",
            expr=ids.case_no_style_expr(pl.col("case_no")),
            description="2016 (法〔2015〕137号) or legacy",
        ),
        Derived(
            name="id_style",
            expr=ids.id_style_expr(pl.col("id_or_uscc")),
            description="uscc, uscc_masked, org_code, ric, ric_masked or ric15",
        ),
    ),
)

CASE_STATUSES = ("执行中", "已结案", "终本", "执行完毕", "终结执行", "不予执行")
CLOSED_CASE_STATUSES = ("已结案", "终本", "执行完毕", "终结执行", "不予执行")
"""Judgment-debtor case statuses [A]; the closed ones require ``closed_on``."""

JUDGMENT_DEBTOR_CASE = RecordKind(
    name="judgment_debtor_case",
    version=1,
    title="被执行人案件 judgment-debtor case",
    subject_code="debtor_uscc",
    subject_name="debtor_name",
    fields=(
        *_envelope(),
        Field(
            name="case_no",
            aliases=("执行案号", "案号", "caseCode"),
            normalize="case_no",
            checks=(CASE_NO, EXECUTION_CASE_NO),
        ),
        _text("court", "执行法院", "courtName"),
        _text("debtor_name", "被执行人", "被执行人名称", "被执行人姓名/名称", personal=True),
        _uscc("debtor_uscc", "被执行人统一社会信用代码", "统一社会信用代码", nullable=True),
        _opt_text("creditor_name", "申请执行人", "申请执行人名称"),
        _date("filed_on", "立案日期", "立案时间", "registerdate"),
        Field(
            name="subject_amount",
            dtype="decimal",
            aliases=("执行标的金额", "执行标的", "enforceobjectmoney"),
            wan_aliases=("执行标的金额（万元）", "执行标的金额(万元)"),
            nullable=True,
            checks=(NON_NEGATIVE,),
        ),
        Field(
            name="performed_amount",
            dtype="decimal",
            aliases=("已执行标的金额", "alreadyenforceobjectmoney"),
            wan_aliases=("已执行标的金额（万元）", "已执行标的金额(万元)"),
            nullable=True,
            required=False,
            checks=(NON_NEGATIVE,),
        ),
        Field(
            name="case_status",
            aliases=("案件状态", "执行状态", "casestate", "CaseState"),
            enum=CASE_STATUSES,
        ),
        _date("closed_on", "结案日期", "closeddate", nullable=True),
        _opt_text("closing_mode", "结案方式", "closedtype"),
    ),
    row_checks=(
        _before("filed_on", "closed_on"),
        RowCheck(
            name="closed_case_has_date",
            expr=~pl.col("case_status").is_in(CLOSED_CASE_STATUSES)
            | pl.col("closed_on").is_not_null(),
            columns=("case_status", "closed_on"),
            description="a closed case has its closing date",
        ),
        RowCheck(
            name="performed_within_subject",
            expr=pl.col("performed_amount") <= pl.col("subject_amount"),
            columns=("performed_amount", "subject_amount"),
            description="performed amount ≤ subject amount",
        ),
    ),
)

ARREARS_STATUSES = (
    "open",
    "partially_paid",
    "paid",
    "settled",
    "in_litigation",
    "written_off",
    "closed_other",
)
CLOSED_ARREARS_STATUSES = ("paid", "settled", "written_off", "closed_other")

ARREARS_CASE = RecordKind(
    name="arrears_case",
    version=1,
    title="拖欠中小企业账款 arrears owed to SMEs",
    subject_code="debtor_uscc",
    subject_name="debtor_name",
    key="record_id",
    fields=(
        *_envelope(),
        Field(name="arrears_id", aliases=("台账编号",), unique=True),
        _text("debtor_name", "欠款主体", "欠款单位", "欠款主体名称"),
        _uscc("debtor_uscc", "欠款主体统一社会信用代码", "欠款单位统一社会信用代码"),
        Field(
            name="debtor_kind",
            aliases=("主体类型", "欠款主体类型"),
            enum=("organ", "public_institution", "large_enterprise", "soe"),
            value_map={
                "机关": "organ",
                "事业单位": "public_institution",
                "大型企业": "large_enterprise",
                "国有企业": "soe",
            },
            nullable=True,
            required=False,
            description="defaults from the debtor's credit code prefix (11 organ, 12 institution)",
        ),
        _text("creditor_name", "债权企业", "中小企业", "民营企业", "债权企业名称"),
        _uscc("creditor_uscc", "债权企业统一社会信用代码"),
        Field(
            name="creditor_size",
            aliases=("企业规模",),
            enum=("large", "medium", "small", "micro"),
            value_map={"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"},
            nullable=True,
            description="the creditor's size, kept as data: the commitment covers private firms"
            " (民营企业) of any size; a blank size is a rule warning, not a rejection",
        ),
        _text("contract_no", "合同编号"),
        _date("contract_signed_on", "合同签订日期", "签订日期"),
        Field(
            name="subject_matter",
            aliases=("采购标的", "标的类型"),
            enum=("goods", "works", "services"),
            value_map={"货物": "goods", "工程": "works", "服务": "services"},
        ),
        _date("delivered_on", "交付日期", nullable=True),
        Field(
            name="acceptance_required",
            dtype="bool",
            aliases=("以检验/验收合格为付款条件", "是否需验收"),
        ),
        _date("accepted_on", "检验/验收合格日期", "验收日期", nullable=True),
        Field(
            name="agreed_term_days",
            dtype="int",
            aliases=("合同约定付款期限(天)", "合同约定付款期限（天）", "约定付款期限"),
            nullable=True,
            checks=(NON_NEGATIVE,),
        ),
        Field(
            name="agreed_interest_rate",
            dtype="rate",
            aliases=("约定逾期利率(年化)", "约定逾期利率（年化）", "约定逾期利率"),
            nullable=True,
            required=False,
            checks=(NON_NEGATIVE,),
            description="agreed annual late-payment rate, as a fraction (0.0365 = 3.65 %)",
        ),
        Field(
            name="amount_due",
            dtype="decimal",
            aliases=("应付金额", "欠款金额"),
            wan_aliases=("应付金额（万元）", "应付金额(万元)"),
            checks=(POSITIVE,),
        ),
        Field(
            name="amount_paid",
            dtype="decimal",
            aliases=("已付金额", "已支付金额"),
            wan_aliases=("已付金额（万元）", "已付金额(万元)"),
            checks=(NON_NEGATIVE,),
        ),
        Field(
            name="disputed_amount",
            dtype="decimal",
            aliases=("有争议金额", "争议金额"),
            nullable=True,
            required=False,
            checks=(NON_NEGATIVE,),
        ),
        Field(
            name="status",
            aliases=("状态", "清偿状态"),
            enum=ARREARS_STATUSES,
            value_map={
                "未支付": "open",
                "部分支付": "partially_paid",
                "已支付": "paid",
                "已清偿": "paid",
                "已和解": "settled",
                "诉讼中": "in_litigation",
                "已核销": "written_off",
            },
        ),
        _date("closed_on", "清偿日期", "销号日期", "清偿/销号日期", nullable=True),
        _date("reported_on", "登记日期", "纳入台账日期", "登记/纳入台账日期"),
    ),
    row_checks=(
        RowCheck(
            name="paid_within_due",
            expr=pl.col("amount_paid") <= pl.col("amount_due"),
            columns=("amount_paid", "amount_due"),
            description="0 ≤ amount_paid ≤ amount_due",
        ),
        RowCheck(
            name="closed_case_has_date",
            expr=~pl.col("status").is_in(CLOSED_ARREARS_STATUSES)
            | pl.col("closed_on").is_not_null(),
            columns=("status", "closed_on"),
            description="a closed arrears case has its closing date",
        ),
        _before("contract_signed_on", "delivered_on"),
        _before("delivered_on", "accepted_on"),
        RowCheck(
            name="disputed_within_outstanding",
            # paid > due is its own failure (paid_within_due), not also this one
            expr=(pl.col("amount_paid") > pl.col("amount_due"))
            | (pl.col("disputed_amount") <= pl.col("amount_due") - pl.col("amount_paid")),
            columns=("disputed_amount", "amount_due", "amount_paid"),
            description="disputed_amount ≤ amount_due − amount_paid",
        ),
    ),
)

BUILTIN_KINDS: tuple[RecordKind, ...] = (
    ADMIN_LICENSE,
    ADMIN_PENALTY,
    DISHONEST_DEBTOR,
    JUDGMENT_DEBTOR_CASE,
    ARREARS_CASE,
)
