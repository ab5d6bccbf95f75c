"""The synthetic district: its market subjects, government bodies, authorities and courts.

Records of every kind draw their subjects from one pool, so one firm can hold licences, carry
penalties and be a judgment debtor: entity-scope rules (credit classes) see realistic histories.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from credit_ledger.synth import _codes, _values
from credit_ledger.synth._rng import Rng, apply_at, cat

DISTRICT = "130105"
#: (class, USCC prefixes with weights, 行政相对人类别)
SUBJECT_CLASSES: dict[str, tuple[dict[str, float], str]] = {
    "enterprise": ({"91": 1.0}, "法人及非法人组织"),
    "individual_business": ({"92": 1.0}, "个体工商户"),
    "natural_person": ({"": 1.0}, "自然人"),
    "social_organization": ({"51": 0.5, "52": 0.4, "53": 0.1}, "法人及非法人组织"),
    "farmer_cooperative": ({"93": 1.0}, "法人及非法人组织"),
    "government_body": ({"11": 0.6, "12": 0.4}, "法人及非法人组织"),
}
_ENTITY_REGIONS = {DISTRICT: 0.85, "130100": 0.1, "130102": 0.03, "130104": 0.02}
_PERSON_REGIONS = {
    DISTRICT: 0.6, "130102": 0.08, "130104": 0.08, "130108": 0.08, "130109": 0.04,
    "130110": 0.04, "130123": 0.03, "130181": 0.05,
}  # fmt: skip

_D = "石家庄市新华区"
#: Government organs (11): name, licence-number abbreviation, penalty abbreviation, licence and
#: penalty weights (0 = not an issuing authority).
_ORGANS: tuple[tuple[str, str, str, float, float], ...] = (
    (f"{_D}行政审批局", "新审批许", "", 0.55, 0.0),
    (f"{_D}市场监督管理局", "新市监许", "石新市监罚", 0.15, 0.35),
    (f"{_D}卫生健康局", "新卫健许", "新卫健罚", 0.08, 0.08),
    (f"{_D}住房和城乡建设局", "新住建许", "新住建罚", 0.05, 0.05),
    (f"{_D}城市管理综合行政执法局", "新城管许", "新城管罚", 0.05, 0.2),
    (f"{_D}交通运输局", "新交许", "新交罚", 0.04, 0.04),
    (f"{_D}文化广电和旅游局", "新文旅许", "新文旅罚", 0.04, 0.03),
    (f"{_D}教育局", "新教许", "", 0.04, 0.0),
    (f"{_D}应急管理局", "", "新应急罚", 0.0, 0.08),
    ("石家庄市公安局新华分局", "", "石公新行罚决字", 0.0, 0.08),
    ("石家庄市生态环境局新华区分局", "", "石环新罚", 0.0, 0.04),
    (f"{_D}消防救援大队", "", "新消行罚决字", 0.0, 0.05),
    (f"{_D}人民政府", "", "", 0.0, 0.0),
    (f"{_D}财政局", "", "", 0.0, 0.0),
    (f"{_D}民政局", "", "", 0.0, 0.0),
    (f"{_D}人力资源和社会保障局", "", "", 0.0, 0.0),
    (f"{_D}农业农村局", "", "", 0.0, 0.0),
    (f"{_D}商务局", "", "", 0.0, 0.0),
    (f"{_D}司法局", "", "", 0.0, 0.0),
    (f"{_D}革新街街道办事处", "", "", 0.0, 0.0),
    (f"{_D}东焦街道办事处", "", "", 0.0, 0.0),
    (f"{_D}西苑街道办事处", "", "", 0.0, 0.0),
    (f"{_D}合作路街道办事处", "", "", 0.0, 0.0),
    (f"{_D}联盟街道办事处", "", "", 0.0, 0.0),
    (f"{_D}石岗街道办事处", "", "", 0.0, 0.0),
    (f"{_D}天苑街道办事处", "", "", 0.0, 0.0),
    (f"{_D}赵陵铺镇人民政府", "", "", 0.0, 0.0),
)
_INSTITUTIONS = (
    "疾病预防控制中心", "妇幼保健院", "实验小学", "机关事务服务中心", "市政设施管理中心",
    "园林绿化服务中心", "环境卫生服务中心", "融媒体中心", "社区卫生服务中心", "退役军人服务中心",
    "政务服务中心", "档案馆", "第一中学", "职业技术教育中心",
)  # fmt: skip

_COURTS = (
    (f"{_D}人民法院", "新华区人民法院", "冀0105", DISTRICT, 0.75),
    ("石家庄市长安区人民法院", "长安区人民法院", "冀0102", "130102", 0.07),
    ("石家庄市桥西区人民法院", "桥西区人民法院", "冀0104", "130104", 0.07),
    ("石家庄市裕华区人民法院", "裕华区人民法院", "冀0108", "130108", 0.06),
    ("石家庄市中级人民法院", "石家庄中院", "冀01", "130100", 0.05),
)


def _regions(rng: Rng, table: Mapping[str, float], n: int) -> pl.Series:
    return rng.choice(list(table), n, list(table.values()))


def persons(
    rng: Rng, n: int, born: tuple[date, date] = (date(1955, 1, 1), date(2003, 12, 31))
) -> pl.DataFrame:
    """Natural persons: ``name``, ``male``, ``birth`` (Date), ``ric`` (valid, sex-consistent)."""
    male = rng.bernoulli(0.52, n)
    birth = _values.dates_between(rng, n, *born)
    seq = rng.integers(0, 500, n) * 2 + male.cast(pl.Int64)  # odd sequence = male
    ric = _codes.rics(_regions(rng, _PERSON_REGIONS, n), birth, seq)
    return pl.DataFrame(
        {"name": _values.person_names(rng, male), "male": male, "birth": birth, "ric": ric}
    )


def gov_bodies(rng: Rng) -> pl.DataFrame:
    """The district's organs (11) and public institutions (12), one USCC each, with their roles."""
    organs = pl.DataFrame(
        _ORGANS,
        schema=["name", "license_abbr", "penalty_abbr", "license_w", "penalty_w"],
        orient="row",
    ).with_columns(prefix=pl.lit("11"))
    inst = pl.DataFrame({"name": [f"{_D}{x}" for x in _INSTITUTIONS]}).with_columns(
        license_abbr=pl.lit(""), penalty_abbr=pl.lit(""), license_w=pl.lit(0.0),
        penalty_w=pl.lit(0.0), prefix=pl.lit("12"),
    )  # fmt: skip
    table = pl.concat([organs, inst])
    n = table.height
    body = _codes.org_bodies(rng, n)
    uscc = _codes.usccs(table["prefix"], pl.Series([DISTRICT] * n), body)
    return table.with_columns(uscc=uscc, org_code=_codes.org_codes(body))


def pool(rng: Rng, n: int, mix: Mapping[str, float], gov: pl.DataFrame) -> pl.DataFrame:
    """``n`` market subjects drawn with the class ``mix`` (keys of :data:`SUBJECT_CLASSES`).

    Columns: ``klass``, ``category``, ``prefix``, ``name``, ``uscc`` (null for persons),
    ``org_code``, ``rep_name``, ``rep_ric``, ``rep_male``, ``rep_birth`` (the legal
    representative, or the person).
    """
    classes = list(SUBJECT_CLASSES)
    idx = rng.categories([mix.get(c, 0.0) for c in classes], n)
    counts = idx.value_counts().sort(idx.name)
    sizes = dict.fromkeys(range(len(classes)), 0) | dict(counts.iter_rows())
    parts = [_named(rng, c, sizes[i], gov) for i, c in enumerate(classes) if sizes[i] > 0]
    frame = pl.concat(parts)
    # Codes and representatives for all rows at once: fewer, larger queries.
    h = frame.height
    reps = persons(rng, h)
    body = _codes.org_bodies(rng, h)
    prefix = frame["prefix"].replace("", "91")  # persons get no code; any prefix computes
    uscc = _codes.usccs(prefix, _regions(rng, _ENTITY_REGIONS, h), body)
    own = ~frame["klass"].is_in(["natural_person", "government_body"])
    person = frame["klass"] == "natural_person"
    frame = frame.with_columns(
        name=apply_at(frame["name"], person, reps["name"]),
        uscc=apply_at(frame["uscc"], own, uscc),
        org_code=apply_at(frame["org_code"], own, _codes.org_codes(body)),
        rep_name=reps["name"],
        rep_ric=reps["ric"],
        rep_male=reps["male"],
        rep_birth=reps["birth"],
    )
    return frame[rng.uniform(h).arg_sort()]  # interleave the classes


def class_part(rng: Rng, klass: str, n: int, gov: pl.DataFrame) -> pl.DataFrame:
    """``n`` subjects of one class (columns as in :func:`pool`)."""
    return pool(rng, n, {klass: 1.0}, gov)


def _named(rng: Rng, klass: str, n: int, gov: pl.DataFrame) -> pl.DataFrame:
    """Class, category, prefix and name of ``n`` subjects of one class (codes of government
    bodies included; other codes are added by :func:`pool`)."""
    prefixes, category = SUBJECT_CLASSES[klass]
    null = pl.repeat(None, n, dtype=pl.String, eager=True)
    base = pl.DataFrame(
        {"klass": pl.repeat(klass, n, eager=True), "category": pl.repeat(category, n, eager=True)}
    )
    if klass == "natural_person":
        return base.with_columns(prefix=pl.lit(""), name=null, uscc=null, org_code=null)
    if klass == "government_body":
        chosen = gov[rng.integers(0, gov.height, n)]
        return base.with_columns(chosen.select("prefix", "name", "uscc", "org_code"))
    prefix = rng.choice(list(prefixes), n, list(prefixes.values()))
    name = {
        "enterprise": lambda: _values.enterprise_names(rng, n),
        "individual_business": lambda: _values.shop_names(rng, n),
        "farmer_cooperative": lambda: _values.coop_names(rng, n),
        "social_organization": lambda: _values.social_org_names(rng, prefix),
    }[klass]()
    return base.with_columns(prefix=prefix, name=name, uscc=null, org_code=null)


def pick(rng: Rng, frame: pl.DataFrame, n: int) -> pl.DataFrame:
    """``n`` rows of ``frame`` drawn with replacement."""
    return frame[rng.integers(0, frame.height, n)]


def courts(rng: Rng) -> pl.DataFrame:
    """Courts: ``court`` (full name), ``court_short``, ``court_code`` (案号 代字), ``court_uscc``,
    ``w`` (share of cases)."""
    table = pl.DataFrame(
        _COURTS, schema=["court", "court_short", "court_code", "region", "w"], orient="row"
    )
    body = _codes.org_bodies(rng, table.height)
    uscc = _codes.usccs(pl.Series(["11"] * table.height), table["region"], body)
    return table.with_columns(court_uscc=uscc).drop("region")


def court_cases(
    rng: Rng, table: pl.DataFrame, filed: pl.Series, resumed: float = 0.0
) -> pl.DataFrame:
    """Courts and well-formed execution case numbers ``(2024)冀0105执1234号`` for filing dates;
    a share ``resumed`` of them are resumed enforcement (执恢)."""
    n = len(filed)
    court = table[rng.categories(table["w"].to_list(), n)]
    kind = rng.choice(("执", "执恢"), n, (1 - resumed, resumed))
    serial = rng.integers(1, 9000, n).cast(pl.String)
    case_no = cat(
        "(", filed.dt.year().cast(pl.String), ")", court["court_code"], kind, serial, "号"
    )
    return court.with_columns(case_no=case_no)


def case_no_noise(case_no: pl.Series, rng: Rng) -> pl.Series:
    """Case numbers with full-width brackets ``（2024）`` or ``〔2024〕`` in some rows."""
    style = rng.categories((0.7, 0.2, 0.1), len(case_no))
    full = case_no.str.replace("(", "（", literal=True).str.replace(")", "）", literal=True)
    tortoise = case_no.str.replace("(", "〔", literal=True).str.replace(")", "〕", literal=True)
    return pl.select(
        pl.when(style == 1).then(full).when(style == 2).then(tortoise).otherwise(case_no)
    ).to_series()
