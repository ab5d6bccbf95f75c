"""Issue 13: the generator produces the zeroing cases of real court lists, with their truth,
and the packs read them as the issue says: blemished government-body listings are kept (with
their warning) and listed; a judgment case with a closing date but an open status is a finding
and stays open; 终本 cases are on hold, not closed."""

from __future__ import annotations

import datetime as dt

import polars as pl

from credit_ledger import evaluate_many
from credit_ledger.ingest import read_frame
from credit_ledger.synth import generate_frames
from credit_ledger.validate import validate
from tests.jobs.conftest import manager

PACKS = ("credit_ledger_packs.common", "credit_ledger_packs.zeroing")
KINDS = ("dishonest_debtor", "judgment_debtor_case")
SHARES = {
    "admin_license": 0.0,
    "admin_penalty": 0.0,
    "arrears_case": 0.0,
    "dishonest_debtor": 0.5,
    "judgment_debtor_case": 0.5,
    "dishonest_debtor.government_body": 0.1,
    "judgment_debtor_case.government_body": 0.1,
}
AS_OF = dt.date(2025, 12, 31)


def test_generated_zeroing_cases_match_their_truth() -> None:
    synthetic = generate_frames(4000, seed=5, shares=SHARES, defect_rate=0.02)
    truth = synthetic.truth
    results = {
        k: validate(read_frame(synthetic.frames[k], kind=k, source=k), kind=k) for k in KINDS
    }
    evaluation = evaluate_many(
        {k: r.valid for k, r in results.items()},
        as_of=AS_OF,
        plugins=manager(modules=PACKS),
        quarantine={k: r.quarantine for k, r in results.items()},
    )

    # Government-body listings with a blank duty, a pre-2016 case number or 部分履行: every one
    # kept, with the warning its truth names (none for 部分履行).
    gov = truth.filter(pl.col("defect").str.starts_with("gov:"))
    assert set(gov["defect"]) == {"gov:blank_duty", "gov:legacy_case_no", "gov:partly_performed"}
    valid = results["dishonest_debtor"].valid.select(
        "_row", "_warnings", "id_or_uscc", "removed_on"
    )
    kept = gov.join(valid, left_on="row", right_on="_row", how="left")
    assert kept["id_or_uscc"].null_count() == 0
    warned = kept.filter(pl.col("reason").str.starts_with("warning:"))
    assert (
        warned.select(
            pl.col("_warnings").list.contains(pl.col("reason").str.strip_prefix("warning:"))
        )
        .to_series()
        .all()
    )
    # They are in scope: the bodies of those still listed are among those the ledger lists.
    bodies = evaluation.summaries["zeroing.dishonest_debtor_bodies"]
    listed = kept.filter(pl.col("removed_on").is_null())
    assert listed.height > 0
    assert set(listed["id_or_uscc"]) <= set(bodies["code"])

    # Open judgment cases with a closing date: each one (and only those) is a finding.
    open_closed = truth.filter(pl.col("reason") == "valid:closed_on:open_status")
    assert open_closed.height > 0
    flagged = evaluation.findings.filter(
        pl.col("rule_id") == "zeroing.case_closed_on_with_open_status"
    )
    assert sorted(flagged["_row"]) == sorted(open_closed["row"])

    # 终本 cases: generated, and reported as on hold, not closed.
    cases = results["judgment_debtor_case"].valid
    assert cases.filter(pl.col("case_status") == "终本").height > 0
    ledger = evaluation.summaries["zeroing.judgment_debtor_case"]
    assert ledger["closing_on_hold"].max() > 0
