"""Issue 5, must show: three runs over three generated daily batches, with cases closing
between them; the history shows the zeroing figures moving per run, and ``as_of_run`` on the
first run returns its state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from credit_ledger.cli._history import render
from credit_ledger.jobs import run
from credit_ledger.ledger import Ledger
from credit_ledger.synth import generate_frames
from tests.jobs.conftest import manager

PACKS = ("credit_ledger_packs.common", "credit_ledger_packs.zeroing")
DAYS = ("2026-01-05", "2026-01-06", "2026-01-07")
SHARES = {
    "admin_license": 0.0,
    "admin_penalty": 0.0,
    "arrears_case": 0.0,
    "dishonest_debtor": 0.8,
    "judgment_debtor_case": 0.2,
    "dishonest_debtor.government_body": 0.05,
    "judgment_debtor_case.government_body": 0.1,
}


def _close(frame: pl.DataFrame, ids: list[str], day: str) -> pl.DataFrame:
    hit = pl.col("record_id").is_in(ids)
    return frame.with_columns(
        pl.when(hit).then(pl.lit(day)).otherwise(pl.col("removed_on")).alias("removed_on"),
        pl.when(hit)
        .then(pl.lit("performed"))
        .otherwise(pl.col("removal_reason"))
        .alias("removal_reason"),
        pl.when(hit).then(pl.lit("全部履行")).otherwise(pl.col("performance")).alias("performance"),
    )


def _zeroing(ledger: Ledger) -> list[tuple[int, int, int, int]]:
    table = ledger.history(kind="dishonest_debtor").periods
    main = table.filter(
        (pl.col("summary") == "zeroing.dishonest_debtor") & (pl.col("period") == "2026-01")
    ).sort("ledger_version")
    return [tuple(r) for r in main.select("opening", "new", "closed", "closing").rows()]  # type: ignore[misc]


def test_three_daily_batches_move_the_zeroing_figures(
    tmp_path: Path, make_job: Callable[..., Path]
) -> None:
    synthetic = generate_frames(1500, seed=11, shares=SHARES, defect_rate=0.02)
    debtors = synthetic.frames["dishonest_debtor"]
    cases = synthetic.frames["judgment_debtor_case"]
    job = make_job(
        sources=[
            {"name": "debtors", "kind": "dishonest_debtor", "path": "in/{as_of}/debtors.csv"},
            {"name": "cases", "kind": "judgment_debtor_case", "path": "in/{as_of}/cases.csv"},
        ],
        extra=f"[plugins]\nmodules = {list(PACKS)!r}\n".replace("'", '"'),
    )
    packs = manager(modules=PACKS)

    # day 1: the full export
    day1 = tmp_path / "in" / DAYS[0]
    day1.mkdir(parents=True)
    debtors.write_csv(day1 / "debtors.csv")
    cases.write_csv(day1 / "cases.csv")
    first = run(job, as_of=DAYS[0], plugins=packs)
    assert first.status == "completed"
    ledger = Ledger(tmp_path / "ledger")
    state1 = ledger.state().records("dishonest_debtor").collect()
    outstanding = (
        state1.filter(
            pl.col("id_or_uscc").str.contains(r"^1[12][0-9A-Z]{16}$")
            & (pl.col("party_type") == "legal_entity")
            & pl.col("removed_on").is_null()
        )
        .sort("record_id")["record_id"]
        .to_list()
    )
    assert len(outstanding) >= 5, "the generator should give a few outstanding listings"
    closing_day2, closing_day3 = outstanding[:2], outstanding[2:5]

    # day 2: only what changed: two listings removed, one new listing
    changed = _close(debtors.filter(pl.col("record_id").is_in(closing_day2)), closing_day2, DAYS[1])
    new = debtors.filter(pl.col("record_id") == outstanding[5 % len(outstanding)]).with_columns(
        pl.lit("NEW-0001").alias("record_id"),
        pl.lit(DAYS[1]).alias("published_on"),
        pl.lit("(2026)冀0105执9999号").alias("case_no"),  # a new case: one case per 案号 + court
    )
    day2 = tmp_path / "in" / DAYS[1]
    day2.mkdir()
    pl.concat([changed, new]).write_csv(day2 / "debtors.csv")
    cases.head(0).write_csv(day2 / "cases.csv")
    second = run(job, as_of=DAYS[1], plugins=packs)
    assert second.records["dishonest_debtor"] == {
        "inserted": 1,
        "updated": 2,
        "unchanged": 0,
        "duplicates": 0,
    }

    # day 3: a full snapshot again: yesterday's state plus three more removals
    snapshot = _close(_close(debtors, closing_day2, DAYS[1]), closing_day3, DAYS[2])
    day3 = tmp_path / "in" / DAYS[2]
    day3.mkdir()
    pl.concat([snapshot, new]).write_csv(day3 / "debtors.csv")
    cases.write_csv(day3 / "cases.csv")
    third = run(job, as_of=DAYS[2], plugins=packs)
    records = third.records["dishonest_debtor"]
    assert (records["inserted"], records["updated"]) == (0, 3)
    assert third.records["judgment_debtor_case"]["inserted"] == 0  # redelivered, no duplicates

    # the figures move run by run: opening + new - closed = closing
    (o1, n1, c1, z1), (o2, n2, c2, z2), (o3, n3, c3, z3) = _zeroing(ledger)
    assert (n1, c1) == (0, 0)
    assert (n2, c2, z2) == (1, 2, z1 + 1 - 2)
    assert (n3, c3, z3) == (1, 5, z1 + 1 - 5)
    assert o1 == o2 == o3 == z1
    text = render(ledger.history(kind="dishonest_debtor"))
    assert f"zeroing.dishonest_debtor 2026-01: {o1} + 0 - 0 = {z1}" in text
    assert f"zeroing.dishonest_debtor 2026-01: {o1} + 1 - 2 = {z2}" in text
    assert f"zeroing.dishonest_debtor 2026-01: {o1} + 1 - 5 = {z3}" in text
    runs = ledger.history(kind="dishonest_debtor").runs
    assert runs["records"].to_list() == [state1.height, state1.height + 1, state1.height + 1]

    # time travel: the first run's state, as it was
    then = ledger.as_of_run(first.run_id)  # type: ignore[arg-type]
    assert then.records("dishonest_debtor").collect().height == state1.height
    closed_then = then.records("dishonest_debtor").filter(
        pl.col("record_id").is_in(closing_day2 + closing_day3)
    )
    assert closed_then.select(pl.col("removed_on").is_null().all()).collect().item()
    then_figures = then.summary("zeroing.dishonest_debtor").collect()
    assert then_figures.filter(pl.col("period") == "2026-01")["closing"].to_list() == [z1]
    now = (
        ledger.state()
        .records("dishonest_debtor")
        .filter(pl.col("record_id").is_in(closing_day2 + closing_day3))
    )
    assert now.select(pl.col("removed_on").is_not_null().all()).collect().item()
