"""The generator delivers some court cases twice under new record ids; the zeroing ledgers
count each case once (docs/domain.md §4.1 "Count cases")."""

from __future__ import annotations

import datetime as dt

import polars as pl

from credit_ledger.synth import generate_frames
from credit_ledger.validate import validate
from credit_ledger_packs import zeroing
from credit_ledger_packs.common import is_gov_body_expr

SHARES = {
    "admin_license": 0.0,
    "admin_penalty": 0.0,
    "arrears_case": 0.0,
    "dishonest_debtor": 0.5,
    "judgment_debtor_case": 0.5,
    "dishonest_debtor.government_body": 0.3,
    "judgment_debtor_case.government_body": 0.3,
}


def test_generated_redeliveries_are_counted_once() -> None:
    synthetic = generate_frames(6000, seed=5, shares=SHARES, defect_rate=0.0)
    for kind, start in (("dishonest_debtor", "published_on"), ("judgment_debtor_case", "filed_on")):
        valid = validate(synthetic.frames[kind], kind=kind).valid
        scoped = valid.filter(is_gov_body_expr(kind) & pl.col(start).is_not_null())
        cases = scoped.select("case_no", pl.col("court").str.replace_all(r"\s", "")).n_unique()
        assert cases < scoped.height, f"{kind}: the generator should repeat some cases"
        table = zeroing.zeroing_table(
            {kind: valid}, as_of=dt.date(2025, 12, 31), period="year", start=dt.date(2000, 1, 1)
        )
        assert table["new"].sum() == cases
