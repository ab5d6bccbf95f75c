"""Column builders of the double-publicity kinds: licences (行政许可) and penalties (行政处罚)."""

from __future__ import annotations

from datetime import date

import polars as pl

from credit_ledger.synth import _subjects
from credit_ledger.synth._codes import uuids
from credit_ledger.synth._rng import Rng, apply_at, cat
from credit_ledger.synth._values import (
    END,
    add_days,
    blank_out,
    clip_end,
    code_noise,
    dates_between,
    fmt_dates,
    lognormal_cents,
    money,
    optional,
    text_noise,
)
from credit_ledger.synth._world import Draft, World

_OPEN = ("〔", "[", "（", "(")
_CLOSE = ("〕", "]", "）", ")")

#: Licence types: certificate, decision document, content, 许可类别, validity years (0 = none),
#: number prefix, weight.
_LICENSES = pl.DataFrame(
    [
        ("食品经营许可证", "食品经营许可决定书", "准予食品经营许可", "普通", 5, "JY11301050", 0.30),
        ("营业执照", "准予设立登记通知书", "准予设立登记", "登记", 0, "", 0.25),
        ("公共场所卫生许可证", "卫生许可决定书", "准予公共场所卫生许可", "普通", 4,
         "冀卫公证字", 0.1),
        ("道路运输经营许可证", "道路运输经营许可决定书", "准予道路普通货物运输经营", "普通", 4,
         "冀交运管许可石字", 0.07),
        ("建筑工程施工许可证", "建筑工程施工许可决定书", "准予建筑工程施工", "核准", 3,
         "130105202", 0.05),
        ("药品经营许可证", "药品经营许可决定书", "准予药品零售经营", "普通", 5, "冀DB311", 0.05),
        ("民办学校办学许可证", "民办学校办学许可决定书", "准予设立民办培训学校", "认可", 3,
         "教民11301057", 0.03),
        ("娱乐经营许可证", "娱乐经营许可决定书", "准予娱乐场所经营", "特许", 2, "13010520", 0.03),
        ("户外广告设施设置许可", "行政许可决定书", "准予设置户外广告设施", "其他", 1, "", 0.07),
        ("排污许可证", "排污许可决定书", "准予排污许可", "核准", 5, "91130105", 0.05),
    ],
    schema=["cert", "doc", "content", "category", "years", "no_prefix", "w"],
    orient="row",
)  # fmt: skip

#: Violations with their legal basis.
_VIOLATIONS = (
    ("未取得食品经营许可从事食品经营活动", "《中华人民共和国食品安全法》第一百二十二条"),
    ("经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条"),
    ("未按规定公示年度报告", "《企业信息公示暂行条例》第十八条"),
    ("占道经营", "《河北省城市市容和环境卫生条例》第五十一条"),
    ("违反消防安全管理规定", "《中华人民共和国消防法》第六十条"),
    ("违规排放大气污染物", "《中华人民共和国大气污染防治法》第一百一十七条"),
    ("不执行政府指导价", "《价格违法行为行政处罚规定》第九条"),
    ("发布虚假广告", "《中华人民共和国广告法》第五十五条"),
    ("未按规定落实安全生产责任", "《中华人民共和国安全生产法》第九十七条"),
    ("擅自设置户外广告", "《城市市容和环境卫生管理条例》第三十六条"),
    ("未取得道路运输经营许可擅自从事道路运输经营", "《中华人民共和国道路运输条例》第六十三条"),
    ("使用未经检定的计量器具", "《中华人民共和国计量法实施细则》第四十三条"),
)
#: Penalty-type combinations: text, has fine, has confiscation, weights (minor, general, serious).
_COMBOS = (
    ("警告", False, False, (0.5, 0.0, 0.0)),
    ("警告,罚款", True, False, (0.25, 0.1, 0.0)),
    ("罚款", True, False, (0.25, 0.6, 0.0)),
    ("罚款,没收违法所得", True, True, (0.0, 0.3, 0.4)),
    ("罚款,责令停产停业", True, False, (0.0, 0.0, 0.3)),
    ("吊销许可证件", False, False, (0.0, 0.0, 0.15)),
    ("罚款,没收违法所得,没收非法财物", True, True, (0.0, 0.0, 0.15)),
)
_SEVERITIES = ("轻微", "一般", "严重")
_FINE_MEDIAN = (2_000.0, 20_000.0, 150_000.0)  # yuan, by severity
_PUBLICITY_DAYS = (90, 365, 1095)  # shown until decision + this, by severity
_SEPARATORS = (",", "、", "；")


def _event_dates(rng: Rng, n: int) -> pl.Series:
    """Decision dates: mostly 2022-2025, a few back to 2019."""
    recent = dates_between(rng, n, date(2022, 1, 1), date(2025, 12, 20))
    old = dates_between(rng, n, date(2019, 1, 1), date(2021, 12, 31))
    return apply_at(recent, rng.bernoulli(0.03, n), old)


def _doc_no(rng: Rng, abbr: pl.Series, year: pl.Series) -> pl.Series:
    """Document numbers as clerks write them: ``新审批许〔2024〕123号``, ``…字[2024]第123号``."""
    n = len(abbr)
    bracket = rng.categories((0.7, 0.1, 0.1, 0.1), n)
    opens = pl.Series(_OPEN).gather(bracket)
    closes = pl.Series(_CLOSE).gather(bracket)
    zi = rng.choice(("", "字"), n, (0.7, 0.3))
    di = rng.choice(("", "第"), n, (0.6, 0.4))
    serial = rng.integers(1, 3000, n).cast(pl.String)
    return cat(abbr, zi, opens, year.cast(pl.String), closes, di, serial, "号")


def _authorities(rng: Rng, world: World, n: int, role: str) -> pl.DataFrame:
    table = world.gov.filter(pl.col(f"{role}_w") > 0)
    return table[rng.categories(table[f"{role}_w"].to_list(), n)]


def _subject_columns(rng: Rng, world: World, n: int) -> tuple[dict[str, pl.Series], pl.DataFrame]:
    """行政相对人 columns (shared by licences and penalties) and their facts."""
    s = _subjects.pick(rng, world.pool, n)
    noise = world.noise
    person = s["klass"] == "natural_person"
    prefix = s["prefix"]
    registered = prefix.is_in(["91", "92"])
    has_org = ~person & (prefix != "92") & rng.bernoulli(0.25, n)
    hyphen = rng.bernoulli(0.5, n)
    org = pl.select(
        pl.when(hyphen)
        .then(cat(s["org_code"].str.slice(0, 8), "-", s["org_code"].str.slice(8, 1)))
        .otherwise(s["org_code"])
    ).to_series()
    has_rep_ric = ~person & rng.bernoulli(0.15, n)
    region = s["uscc"].str.slice(2, 6)
    cols = {
        "subject_name": text_noise(s["name"], rng, noise),
        "subject_category": s["category"],
        "subject_uscc": blank_out(code_noise(s["uscc"].fill_null(""), rng, noise), person, rng),
        "reg_no": blank_out(
            cat(region, rng.integers(0, 10**9, n).cast(pl.String).str.zfill(9)),
            ~(registered & rng.bernoulli(0.2, n)),
            rng,
        ),
        "org_code": blank_out(code_noise(org, rng, noise), ~has_org, rng),
        "tax_reg_no": blank_out(
            cat(region, s["org_code"]), ~((prefix == "91") & rng.bernoulli(0.1, n)), rng
        ),
        "public_inst_cert_no": blank_out(
            cat("事证第113010500", rng.integers(0, 10**4, n).cast(pl.String).str.zfill(4), "号"),
            ~((prefix == "12") & rng.bernoulli(0.5, n)),
            rng,
        ),
        "social_org_cert_no": blank_out(
            cat("冀新民证字第", rng.integers(1, 10**4, n).cast(pl.String).str.zfill(4), "号"),
            ~(prefix.str.starts_with("5") & rng.bernoulli(0.5, n)),
            rng,
        ),
        "legal_rep": blank_out(
            text_noise(s["rep_name"], rng, noise), person | rng.bernoulli(0.15, n), rng
        ),
        "legal_rep_id_type": blank_out(pl.Series(["身份证"] * n), ~has_rep_ric, rng),
        "legal_rep_id_no": blank_out(code_noise(s["rep_ric"], rng, noise), ~has_rep_ric, rng),
        "person_id_type": blank_out(
            rng.choice(("身份证", "居民身份证"), n, (0.85, 0.15)), ~person, rng
        ),
        "person_id_no": blank_out(code_noise(s["rep_ric"], rng, noise), ~person, rng),
    }
    facts = pl.DataFrame(
        {
            "person": person,
            "org": ~person,
            "has_org_code": has_org,
            "has_rep_ric": has_rep_ric,
            "subject_uscc": s["uscc"],
            "person_ric": s["rep_ric"],
        }
    )
    return cols, facts


def _envelope(
    rng: Rng, world: World, n: int, auth: pl.DataFrame, decision: pl.Series
) -> tuple[dict[str, pl.Series], pl.Series]:
    """record_id, region, source organisation and collection date; and which rows carry the
    source organisation's USCC."""
    has_source_uscc = rng.bernoulli(1.0, n)  # required for licences and penalties
    collected = clip_end(add_days(decision, rng.integers(2, 40, n)))
    cols = {
        "record_id": uuids(rng, n),
        "region_code": optional(pl.Series(["130105"] * n), rng, 0.85),
        "source_org": text_noise(auth["name"], rng, world.noise),
        "source_org_uscc": blank_out(
            code_noise(auth["uscc"], rng, world.noise), ~has_source_uscc, rng
        ),
        "collected_on": optional(fmt_dates(collected, rng), rng, 0.7),
    }
    return cols, has_source_uscc


def _published(rng: Rng, decision: pl.Series) -> pl.Series:
    published = clip_end(add_days(decision, rng.integers(1, 8, len(decision))))
    return optional(fmt_dates(published, rng), rng, 0.85)


def admin_license(rng: Rng, world: World, n: int) -> Draft:
    """Licence records."""
    subject, facts = _subject_columns(rng, world, n)
    lic = _LICENSES[rng.categories(_LICENSES["w"].to_list(), n)]
    auth = _authorities(rng, world, n, "license")
    decision = _event_dates(rng, n)
    valid_from = add_days(decision, apply_at(rng.integers(0, 16, n), rng.bernoulli(0.8, n), 0))
    years = lic["years"]
    valid_to = pl.select(
        pl.when(years == 0)
        .then(pl.lit(date(2099, 12, 31)))
        .otherwise(add_days(valid_from, years * 365 - 1))
    ).to_series()
    active = (valid_to >= END) & ~rng.bernoulli(0.03, n)
    status = pl.select(pl.when(active).then(pl.lit("有效")).otherwise(pl.lit("无效"))).to_series()
    coded = status.replace_strict({"有效": "1", "无效": "2"})
    year = decision.dt.year()
    serial = rng.integers(1, 10**6, n).cast(pl.String).str.zfill(6)
    license_no = pl.select(
        pl.when(lic["cert"] == "营业执照")
        .then(facts["subject_uscc"])
        .otherwise(cat(lic["no_prefix"], year.cast(pl.String), serial))
    ).to_series()
    envelope, has_source_uscc = _envelope(rng, world, n, auth, decision)
    frame = pl.DataFrame(
        {
            **envelope,
            **subject,
            "decision_doc_name": lic["doc"],
            "decision_doc_no": _doc_no(rng, auth["license_abbr"], year),
            "license_category": lic["category"],
            "license_cert_name": optional(lic["cert"], rng, 0.9),
            "license_no": optional(license_no, rng, 0.85),
            "content": text_noise(lic["content"], rng, world.noise),
            "decision_date": fmt_dates(decision, rng),
            "valid_from": fmt_dates(valid_from, rng),
            "valid_to": fmt_dates(valid_to, rng),
            "authority": text_noise(auth["name"], rng, world.noise),
            "authority_uscc": code_noise(auth["uscc"], rng, world.noise),
            "status": apply_at(status, rng.bernoulli(0.4, n), coded),
            "published_on": _published(rng, decision),
            "remarks": optional(rng.choice(("补录数据", "无", "变更"), n), rng, 0.05),
        }
    )
    facts = facts.with_columns(
        decision=decision, valid_from=valid_from, valid_to=valid_to, has_source_uscc=has_source_uscc
    )
    return Draft(frame=frame, facts=facts)


def admin_penalty(rng: Rng, world: World, n: int) -> Draft:
    """Penalty records; ``fine_yuan`` and ``confiscation_yuan`` hold yuan (written in 万元)."""
    shares = world.shares
    subject, facts = _subject_columns(rng, world, n)
    severity = rng.categories([shares[f"severity.{k}"] for k in ("minor", "general", "serious")], n)
    combo_idx = pl.Series([0] * n, dtype=pl.UInt32)
    for sev in range(3):
        drawn = rng.categories([c[3][sev] for c in _COMBOS], n)
        combo_idx = apply_at(combo_idx, severity == sev, drawn)
    combos = pl.DataFrame(
        [c[:3] for c in _COMBOS], schema=["types", "fine", "confiscation"], orient="row"
    )[combo_idx]
    median = pl.Series(_FINE_MEDIAN).gather(severity)
    # Whole hundreds of yuan, so the 万元 figure written for these has at most 2 decimals.
    fine_cents = apply_at(lognormal_cents(rng, n, median, 0.8, 100), ~combos["fine"], None)
    conf_cents = lognormal_cents(rng, n, 30_000.0, 0.8, step_yuan=100)
    conf_cents = apply_at(conf_cents, ~combos["confiscation"], None)
    sep = rng.choice(_SEPARATORS, n, (0.85, 0.1, 0.05))
    types = pl.DataFrame({"t": combos["types"], "s": sep}).select(
        pl.col("t").str.split(",").list.join(pl.col("s"))
    )[:, 0]
    warned = combos["types"].str.contains("警告")
    fined = cat("罚款人民币", (fine_cents // 100).cast(pl.String), "元")
    content = apply_at(combos["types"].str.replace_all(",", "，"), fine_cents.is_not_null(), fined)
    content = apply_at(content, warned & fine_cents.is_not_null(), cat("警告，", fined))
    violation = pl.DataFrame(list(_VIOLATIONS), schema=["type", "basis"], orient="row")[
        rng.integers(0, len(_VIOLATIONS), n)
    ]
    auth = _authorities(rng, world, n, "penalty")
    decision = _event_dates(rng, n)
    valid_to = add_days(decision, pl.Series(_PUBLICITY_DAYS).gather(severity))
    year = decision.dt.year()
    revoked = combos["types"].str.contains("吊销")
    suspended = cat("吊销食品经营许可证（编号：JY11301050", year.cast(pl.String), "）")
    envelope, has_source_uscc = _envelope(rng, world, n, auth, decision)
    frame = pl.DataFrame(
        {
            **envelope,
            **subject,
            "decision_no": _doc_no(rng, auth["penalty_abbr"], year),
            "violation_type": violation["type"],
            "violation_facts": text_noise(
                cat("经查，当事人存在", violation["type"], "的违法行为，事实清楚，证据确凿。"),
                rng,
                world.noise,
            ),
            "legal_basis": violation["basis"],
            "penalty_types": types,
            "penalty_content": content,
            "fine_yuan": blank_out(money(fine_cents.fill_null(0), rng), fine_cents.is_null(), rng),
            "confiscation_yuan": blank_out(
                money(conf_cents.fill_null(0), rng), conf_cents.is_null(), rng
            ),
            "licence_suspended": blank_out(suspended, ~revoked, rng),
            "decision_date": fmt_dates(decision, rng),
            "penalty_valid_to": fmt_dates(valid_to, rng),
            "publicity_end": optional(fmt_dates(valid_to, rng), rng, 0.5),
            "authority": text_noise(auth["name"], rng, world.noise),
            "authority_uscc": code_noise(auth["uscc"], rng, world.noise),
            "severity": optional(pl.Series(_SEVERITIES).gather(severity), rng, 0.95),
            "published_on": _published(rng, decision),
            "remarks": optional(rng.choice(("补录数据", "无"), n), rng, 0.05),
        }
    )
    facts = facts.with_columns(
        decision=decision,
        valid_to=valid_to,
        severity=severity,
        fine_cents=fine_cents,
        has_source_uscc=has_source_uscc,
    )
    return Draft(frame=frame, facts=facts)
