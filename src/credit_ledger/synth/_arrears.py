"""Column builder of the arrears ledger (拖欠中小企业账款台账)."""

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

#: status, its Chinese spelling (None: none in use), weight, closed
_STATUSES = (
    ("open", "未支付", 0.30, False),
    ("partially_paid", "部分支付", 0.20, False),
    ("paid", "已清偿", 0.25, True),
    ("settled", "已和解", 0.10, True),
    ("in_litigation", "诉讼中", 0.10, False),
    ("written_off", "已核销", 0.03, True),
    ("closed_other", None, 0.02, True),
)
_SIZES = (("medium", "中型", 0.2), ("small", "小型", 0.5), ("micro", "微型", 0.3))
_MATTERS = (("goods", "货物"), ("works", "工程"), ("services", "服务"))
_KIND_ZH = {"organ": "机关", "public_institution": "事业单位", "large_enterprise": "大型企业"}
_BOOL = (("是", "否"), ("1", "0"), ("true", "false"))


def _date_or_blank(d: pl.Series, rng: Rng) -> pl.Series:
    """Dates as text, missing ones as ``""`` or null."""
    return blank_out(fmt_dates(d, rng).fill_null(""), d.is_null(), rng)


def _min_date(d: pl.Series, end: date = END) -> pl.Series:
    return pl.select(pl.min_horizontal(pl.lit(d), pl.lit(end))).to_series()


def arrears_case(rng: Rng, world: World, n: int) -> Draft:
    """Arrears cases: organs and institutions (and large firms) owing SMEs."""
    is_gov = rng.bernoulli(world.shares["arrears_debtor.government_body"], n)
    gov = _subjects.pick(rng, world.gov, n)
    firms = world.pool.filter(pl.col("prefix") == "91")
    if firms.height == 0:
        firms = _subjects.class_part(rng, "enterprise", 50, world.gov)
    large = _subjects.pick(rng, firms, n)
    debtor_name = apply_at(large["name"], is_gov, gov["name"])
    debtor_uscc = apply_at(large["uscc"], is_gov, gov["uscc"])
    kind = pl.select(
        pl.when(~is_gov)
        .then(pl.lit("large_enterprise"))
        .when(gov["prefix"] == "11")
        .then(pl.lit("organ"))
        .otherwise(pl.lit("public_institution"))
    ).to_series()
    kind_text = apply_at(kind, rng.bernoulli(0.5, n), kind.replace_strict(_KIND_ZH))
    kind_text = blank_out(kind_text, is_gov & rng.bernoulli(0.1, n), rng)  # defaults from prefix
    creditor = _subjects.pick(rng, firms, n)
    size_idx = rng.categories([s[2] for s in _SIZES], n)
    size = pl.Series([s[0] for s in _SIZES]).gather(size_idx)
    size = apply_at(size, rng.bernoulli(0.5, n), pl.Series([s[1] for s in _SIZES]).gather(size_idx))
    matter_idx = rng.integers(0, 3, n).cast(pl.UInt32)
    matter = pl.Series([m[0] for m in _MATTERS]).gather(matter_idx)
    matter = apply_at(
        matter, rng.bernoulli(0.6, n), pl.Series([m[1] for m in _MATTERS]).gather(matter_idx)
    )

    signed = dates_between(rng, n, date(2022, 1, 1), date(2025, 6, 30))
    delivered = clip_end(add_days(signed, rng.integers(10, 181, n)))
    delivered = apply_at(delivered, rng.bernoulli(0.05, n), None)
    needs_acceptance = rng.bernoulli(0.4, n)
    accepted = clip_end(add_days(delivered, rng.integers(5, 31, n)))
    accepted = apply_at(accepted, ~needs_acceptance, None)
    bool_style = rng.categories((0.7, 0.15, 0.15), n)
    yes = pl.Series([b[0] for b in _BOOL]).gather(bool_style)
    no = pl.Series([b[1] for b in _BOOL]).gather(bool_style)
    start = pl.select(pl.coalesce(pl.lit(delivered), pl.lit(signed))).to_series()
    reported = _min_date(add_days(start, rng.integers(40, 301, n)))

    status_idx = rng.categories([s[2] for s in _STATUSES], n)
    status = pl.Series([s[0] for s in _STATUSES]).gather(status_idx)
    status_zh = pl.Series([s[1] for s in _STATUSES], dtype=pl.String).gather(status_idx)
    status_text = apply_at(status, rng.bernoulli(0.5, n) & status_zh.is_not_null(), status_zh)
    closed = pl.Series([s[3] for s in _STATUSES]).gather(status_idx)
    closed_on = apply_at(_min_date(add_days(reported, rng.integers(10, 301, n))), ~closed, None)

    due = lognormal_cents(rng, n, 150_000.0, 1.0, 1)
    fraction = pl.select(
        pl.when(status == "open").then(0.0)
        .when(status.is_in(["paid", "settled"])).then(1.0)
        .otherwise(pl.lit(rng.uniform(n) * 0.9))
    ).to_series()  # fmt: skip
    paid = (due.cast(pl.Float64) * fraction).floor().cast(pl.Int64)
    disputed = ((due - paid).cast(pl.Float64) * rng.uniform(n) * 0.3).floor().cast(pl.Int64)
    term = rng.choice(("30", "60", "90"), n, (0.5, 0.4, 0.1))
    rate = rng.choice(("0.0365", "3.65%", "0.05", "0.1825"), n)
    year = reported.dt.year().cast(pl.String)
    serial = pl.int_range(1, n + 1, eager=True).cast(pl.String).str.zfill(6)  # unique
    contract = rng.integers(1, 10**4, n).cast(pl.String).str.zfill(4)
    frame = pl.DataFrame(
        {
            "record_id": uuids(rng, n),
            "region_code": optional(pl.Series(["130105"] * n), rng, 0.9),
            "source_org": optional(pl.Series(["石家庄市新华区工业和信息化局"] * n), rng, 0.7),
            "source_org_uscc": pl.Series([None] * n, dtype=pl.String),
            "collected_on": optional(fmt_dates(reported, rng), rng, 0.5),
            "arrears_id": cat("QK", year, "-", serial),
            "debtor_name": text_noise(debtor_name, rng, world.noise),
            "debtor_uscc": code_noise(debtor_uscc, rng, world.noise),
            "debtor_kind": kind_text,
            "creditor_name": text_noise(creditor["name"], rng, world.noise),
            "creditor_uscc": code_noise(creditor["uscc"], rng, world.noise),
            "creditor_size": size,
            "contract_no": cat("HT", signed.dt.year().cast(pl.String), "-", contract),
            "contract_signed_on": fmt_dates(signed, rng),
            "subject_matter": matter,
            "delivered_on": _date_or_blank(delivered, rng),
            "acceptance_required": apply_at(no, needs_acceptance, yes),
            "accepted_on": _date_or_blank(accepted, rng),
            "agreed_term_days": optional(term, rng, 0.7),
            "agreed_interest_rate": optional(rate, rng, 0.3),
            "amount_due": money(due, rng),
            "amount_paid": money(paid, rng),
            "disputed_amount": optional(money(disputed, rng), rng, 0.1),
            "status": status_text,
            "closed_on": _date_or_blank(closed_on, rng),
            "reported_on": fmt_dates(reported, rng),
        }
    )  # fmt: skip
    facts = pl.DataFrame(
        {
            "closed": closed,
            "delivered": delivered,
            "signed": signed,
            "due": due,
            "debtor_uscc": debtor_uscc,
            "creditor_uscc": creditor["uscc"],
            "gov": is_gov,
        }
    )
    return Draft(frame=frame, facts=facts)
