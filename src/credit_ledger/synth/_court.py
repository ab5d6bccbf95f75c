"""Column builders of the court kinds: dishonest debtors (失信被执行人) and judgment cases."""

from __future__ import annotations

from datetime import date

import polars as pl

from credit_ledger.synth import _subjects
from credit_ledger.synth._codes import uuids
from credit_ledger.synth._rng import Rng, apply_at, cat
from credit_ledger.synth._values import (
    add_days,
    blank_out,
    clip_end,
    code_noise,
    dates_between,
    fmt_dates,
    lognormal_cents,
    money,
    optional,
    person_names,
    text_noise,
)
from credit_ledger.synth._world import Draft, World, gov_debtor_count

#: Situations of SPC rules Art. 1 used here, with weights. Items (2) and (3) are left out on
#: purpose: their wording contains "、", which the ingest folds into the "," separator of
#: multi-valued columns, so a correct listing would be split and fail its enum check.
_CONDUCT = (
    ("有履行能力而拒不履行生效法律文书确定义务", 0.7),
    ("违反财产报告制度", 0.15),
    ("违反限制消费令", 0.1),
    ("无正当理由拒不履行执行和解协议", 0.05),
)
_REMOVAL = (
    ("performed", 0.5),
    ("settlement_performed", 0.2),
    ("creditor_request", 0.1),
    ("no_assets_after_termination", 0.1),
    ("enforcement_terminated", 0.05),
    ("revoked_wrongly_listed", 0.05),
)
_CLOSED = (
    ("已结案", "执行完毕", 0.3),
    ("终本", "终结本次执行程序", 0.3),
    ("执行完毕", "执行完毕", 0.3),
    ("终结执行", "终结执行", 0.07),
    ("不予执行", "裁定不予执行", 0.03),
)
_DUTY = ("被执行人于判决生效之日起十日内支付申请执行人货款", "被执行人偿还申请执行人借款本金",
         "被执行人支付申请执行人工程款")  # fmt: skip
_ENTITY_CLASSES = ("enterprise", "individual_business", "farmer_cooperative", "social_organization")


def _filing_dates(rng: Rng, n: int, end: date) -> pl.Series:
    """Filing dates spanning 2023-``end``, with a tail back to 2021 (listings open in 2024)."""
    recent = dates_between(rng, n, date(2023, 1, 1), end)
    return apply_at(recent, rng.bernoulli(0.15, n), dates_between(rng, n, date(2021, 1, 1), end))


def _debtors(rng: Rng, world: World, n: int, gov_share: str, person_share: str) -> pl.DataFrame:
    """Debtors of court records: government bodies, natural persons and other entities.

    Columns: ``name``, ``uscc`` / ``org_code`` (null for persons), ``ric``, ``birth``, ``male``,
    ``rep_name``, ``person``, ``gov``; rows shuffled.
    """
    n_gov = gov_debtor_count(n, world.shares[gov_share], world.rows)
    n_person = round((n - n_gov) * world.shares[person_share])
    n_entity = n - n_gov - n_person
    persons = _subjects.persons(rng, n_person, (date(1955, 1, 1), date(2000, 12, 31)))
    entities = world.pool.filter(pl.col("klass").is_in(_ENTITY_CLASSES))
    if entities.height == 0:
        entities = _subjects.class_part(rng, "enterprise", 50, world.gov)
    ent = _subjects.pick(rng, entities, n_entity)
    gov = _subjects.pick(rng, world.gov, n_gov)
    null_s = pl.lit(None, pl.String)
    parts = [
        persons.select(
            "name", uscc=null_s, org_code=null_s, ric="ric", birth="birth", male="male",
            rep_name=null_s, person=pl.lit(True), gov=pl.lit(False),
        ),
        ent.select(
            "name", "uscc", "org_code", ric=null_s, birth=pl.lit(None, pl.Date),
            male=pl.lit(None, pl.Boolean), rep_name="rep_name", person=pl.lit(False),
            gov=pl.lit(False),
        ),
        gov.select(
            "name", "uscc", "org_code", ric=null_s, birth=pl.lit(None, pl.Date),
            male=pl.lit(None, pl.Boolean), rep_name=person_names(rng, rng.bernoulli(0.8, n_gov)),
            person=pl.lit(False), gov=pl.lit(True),
        ),
    ]  # fmt: skip
    frame = pl.concat(parts, how="vertical_relaxed")
    return frame[rng.uniform(frame.height).arg_sort()]


def _court_envelope(
    rng: Rng, world: World, court: pl.DataFrame, when: pl.Series
) -> dict[str, pl.Series]:
    n = court.height
    collected = clip_end(add_days(when, rng.integers(1, 30, n)))
    return {
        "record_id": uuids(rng, n),
        "region_code": optional(pl.Series(["130105"] * n), rng, 0.8),
        "source_org": optional(court["court"], rng, 0.8),
        "source_org_uscc": optional(code_noise(court["court_uscc"], rng, world.noise), rng, 0.4),
        "collected_on": optional(fmt_dates(collected, rng), rng, 0.6),
    }


def _masked(code: pl.Series) -> pl.Series:
    """``1301051964****3224``: birth month/day (or USCC chars 11-14) hidden, as the SPC shows."""
    return cat(code.str.slice(0, 10), "****", code.str.slice(14, 4))


REDELIVERED = 0.01
"""Share of court rows that repeat another row's case under a new record id: courts deliver
the same case twice (docs/domain.md §4.1), and a ledger must count it once."""


def redeliver(draft: Draft, rng: Rng, share: float = REDELIVERED) -> Draft:
    """``draft`` with ``round(share * n)`` rows replaced by copies of other rows (values and
    facts), each keeping its own ``record_id``; the copy's source is in the fact
    ``redelivery_of`` (null for first deliveries)."""
    n = draft.frame.height
    k = round(share * n)
    index = pl.int_range(n, eager=True)
    facts = draft.facts.with_columns(pl.lit(None, dtype=pl.Int64).alias("redelivery_of"))
    if k == 0 or n < 2:
        return Draft(frame=draft.frame, facts=facts)
    targets = rng.sample_rows(n, k)
    sources = (targets + 1 + rng.integers(0, n - 1, k)) % n  # never the row itself
    source = index.scatter(targets, sources)
    frame = draft.frame[source].with_columns(draft.frame["record_id"])
    facts = draft.facts[source].with_columns(
        pl.Series("redelivery_of", [None] * n, dtype=pl.Int64).scatter(targets, sources)
    )
    return Draft(frame=frame, facts=facts)


def dishonest_debtor(rng: Rng, world: World, n: int) -> Draft:
    """Dishonest-debtor listings."""
    d = _debtors(
        rng, world, n, "dishonest_debtor.government_body", "dishonest_debtor.natural_person"
    )
    person = d["person"]
    filed = _filing_dates(rng, n, date(2025, 6, 30))
    published = add_days(filed, rng.integers(10, 181, n))
    bday = d["birth"].dt.month().cast(pl.Int32) * 100 + d["birth"].dt.day().cast(pl.Int32)
    pday = published.dt.month().cast(pl.Int32) * 100 + published.dt.day().cast(pl.Int32)
    age = (
        published.dt.year().cast(pl.Int32)
        - d["birth"].dt.year().cast(pl.Int32)
        - (pday < bday).cast(pl.Int32)
    )
    masked_person = person & rng.bernoulli(0.7, n)
    style = rng.categories((0.5, 0.35, 0.15), n)  # entity: USCC, masked USCC, organisation code
    style = apply_at(style, d["gov"] & (style == 2), 1)
    org_hyphen = cat(d["org_code"].str.slice(0, 8), "-", d["org_code"].str.slice(8, 1))
    entity_id = pl.select(
        pl.when(style == 1).then(_masked(d["uscc"])).when(style == 2).then(org_hyphen)
        .otherwise(d["uscc"])
    ).to_series()  # fmt: skip
    person_id = pl.select(pl.when(masked_person).then(_masked(d["ric"])).otherwise(d["ric"]))
    id_or_uscc = code_noise(
        pl.select(pl.when(person).then(person_id.to_series()).otherwise(entity_id)).to_series(),
        rng, world.noise,
    )  # fmt: skip
    gender = pl.select(
        pl.when(d["male"]).then(pl.lit("男性")).otherwise(pl.lit("女性"))
    ).to_series()
    gender = apply_at(gender, rng.bernoulli(0.2, n), gender.str.slice(0, 1))
    court = _subjects.court_cases(rng, world.courts, filed, resumed=0.1)
    basis_year = filed.dt.year() - rng.integers(0, 2, n).cast(pl.Int32)
    basis_no = cat("(", basis_year.cast(pl.String), ")", court["court_code"], "民初",
                   rng.integers(1, 20000, n).cast(pl.String), "号")  # fmt: skip
    conduct = rng.choice([c for c, _ in _CONDUCT], n, [w for _, w in _CONDUCT])
    two = (conduct == "违反财产报告制度") & rng.bernoulli(0.3, n)
    conduct = apply_at(conduct, two, "违反财产报告制度,违反限制消费令")
    fixed_term = conduct != _CONDUCT[0][0]
    term = apply_at(rng.choice(("2", "3"), n, (0.85, 0.15)), ~fixed_term, None)
    partly = rng.bernoulli(0.15, n)
    amount = lognormal_cents(rng, n, 150_000.0, 1.0, 1)
    paid = (amount.cast(pl.Float64) * rng.uniform(n) * 0.8).cast(pl.Int64) // 100 * 100
    paid = apply_at(paid, ~partly, 0)
    removed = clip_end(add_days(published, rng.integers(30, 701, n)))
    removed = apply_at(removed, ~rng.bernoulli(0.45, n), None)
    is_removed = removed.is_not_null()
    reason = apply_at(
        rng.choice([r for r, _ in _REMOVAL], n, [w for _, w in _REMOVAL]), ~is_removed, None
    )
    ground = add_days(removed, -rng.integers(0, 3, n))
    ground = pl.select(pl.max_horizontal(pl.lit(ground), pl.lit(published))).to_series()
    no_ground = ~is_removed | rng.bernoulli(0.3, n)
    no_rep = person | rng.bernoulli(0.1, n)
    frame = pl.DataFrame(
        {
            **_court_envelope(rng, world, court, published),
            "debtor_name": text_noise(d["name"], rng, world.noise),
            "party_type": apply_at(
                pl.select(pl.when(person).then(pl.lit("0")).otherwise(pl.lit("1"))).to_series(),
                rng.bernoulli(0.1, n),
                pl.select(pl.when(person).then(pl.lit("自然人")).otherwise(pl.lit("法人或其他组织"))).to_series(),
            ),
            "id_or_uscc": id_or_uscc,
            "gender": apply_at(gender, ~person, ""),
            "age": apply_at(age.cast(pl.String), ~person, "0"),
            "legal_rep": blank_out(d["rep_name"].fill_null(""), no_rep, rng),
            "case_no": _subjects.case_no_noise(court["case_no"], rng),
            "court": court["court"],
            "province": rng.choice(("河北", "河北省"), n, (0.6, 0.4)),
            "basis_doc_no": _subjects.case_no_noise(basis_no, rng),
            "basis_issuer": apply_at(court["court"], rng.bernoulli(0.3, n), court["court_short"]),
            "duty": cat(rng.choice(_DUTY, n), (amount // 100).cast(pl.String), "元及利息"),
            "performance": apply_at(pl.Series(["全部未履行"] * n), partly, "部分未履行"),
            "dishonest_conduct": conduct,
            "performed_part": apply_at(rng.choice(("暂无", ""), n), partly, money(paid, rng)),
            "unperformed_part": optional(money(amount - paid, rng), rng, 0.8),
            "filed_on": fmt_dates(filed, rng),
            "published_on": fmt_dates(published, rng),
            "term_years": blank_out(term.fill_null(""), term.is_null(), rng),
            "removal_ground_on": blank_out(fmt_dates(ground, rng), no_ground, rng),
            "removed_on": blank_out(fmt_dates(removed, rng).fill_null(""), ~is_removed, rng),
            "removal_reason": blank_out(reason.fill_null(""), ~is_removed, rng),
        }
    )  # fmt: skip
    facts = pl.DataFrame(
        {
            "person": person,
            "masked_person": masked_person,
            "full_uscc": ~person & (style == 0),
            "gov": d["gov"],
            "filed": filed,
            "published": published,
            "removed": removed,
            "ric": d["ric"],
        }
    )
    return redeliver(Draft(frame=frame, facts=facts), rng)


def judgment_debtor_case(rng: Rng, world: World, n: int) -> Draft:
    """Judgment-debtor (被执行人) cases."""
    shares = ("judgment_debtor_case.government_body", "judgment_debtor_case.natural_person")
    d = _debtors(rng, world, n, *shares)
    person = d["person"]
    filed = _filing_dates(rng, n, date(2025, 11, 30))
    court = _subjects.court_cases(rng, world.courts, filed, resumed=0.15)
    closed_on = clip_end(add_days(filed, rng.integers(20, 601, n)))
    closed_on = apply_at(closed_on, ~rng.bernoulli(0.55, n), None)
    closed = closed_on.is_not_null()
    pick = pl.DataFrame(list(_CLOSED), schema=["status", "mode", "w"], orient="row")[
        rng.categories([c[2] for c in _CLOSED], n)
    ]
    status = apply_at(pick["status"], ~closed, "执行中")
    mode = apply_at(pick["mode"], ~closed, None)
    amount = lognormal_cents(rng, n, 150_000.0, 1.0, 1)
    done = status.is_in(["已结案", "执行完毕"])
    part = (amount.cast(pl.Float64) * rng.uniform(n) * 0.8).cast(pl.Int64)
    performed = apply_at(part, done, amount)
    creditor = pl.select(
        pl.when(rng.bernoulli(0.5, n))
        .then(person_names(rng, rng.bernoulli(0.5, n)))
        .otherwise(_subjects.pick(rng, world.pool, n)["name"])
    ).to_series()
    uscc = code_noise(d["uscc"].fill_null(""), rng, world.noise)
    frame = pl.DataFrame(
        {
            **_court_envelope(rng, world, court, filed),
            "case_no": _subjects.case_no_noise(court["case_no"], rng),
            "court": court["court"],
            "debtor_name": text_noise(d["name"], rng, world.noise),
            "debtor_uscc": blank_out(uscc, person, rng),
            "creditor_name": optional(creditor, rng, 0.9),
            "filed_on": fmt_dates(filed, rng),
            "subject_amount": optional(money(amount, rng), rng, 0.97),
            "performed_amount": optional(money(performed, rng), rng, 0.8),
            "case_status": status,
            "closed_on": blank_out(fmt_dates(closed_on, rng).fill_null(""), ~closed, rng),
            "closing_mode": blank_out(mode.fill_null(""), ~closed, rng),
        }
    )  # fmt: skip
    facts = pl.DataFrame(
        {
            "person": person,
            "gov": d["gov"],
            "filed": filed,
            "closed": closed,
            "closed_on": closed_on,
            "amount": amount,
            "uscc": d["uscc"],
        }
    )
    return redeliver(Draft(frame=frame, facts=facts), rng)
