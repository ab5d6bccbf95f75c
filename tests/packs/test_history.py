"""Issue 13, item 6: past periods of the arrears ledger use the amounts as the ledger's run at
or before their end held them (``unpaid_basis`` ``history``); without a ledger, ``snapshot``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger import evaluate_many
from credit_ledger.ingest import read
from credit_ledger.jobs import run
from credit_ledger.ledger import Ledger
from credit_ledger.validate import validate
from tests.jobs.conftest import job_text, manager
from tests.packs.test_arrears import case

PACKS = ("credit_ledger_packs.common", "credit_ledger_packs.arrears")
SUMMARY = "arrears.gov_body_ledger"
DAYS = ("2024-01-31", "2024-02-29", "2024-03-31")
A1 = {"arrears_id": "A1", "reported_on": "2024-01-10"}
A2 = {"arrears_id": "A2", "reported_on": "2024-02-05", "contract_no": "C2"}
# (amount_due, amount_paid) of each case as each day's export gives it; A2 arrives in February.
EXPORTS: tuple[dict[str, tuple[str, str]], ...] = (
    {"A1": ("100000.00", "0")},
    {"A1": ("120000.00", "40000.00"), "A2": ("50000.00", "0")},
    {"A1": ("120000.00", "120000.00"), "A2": ("50000.00", "20000.00")},
)


def _export(day: dict[str, tuple[str, str]]) -> pl.DataFrame:
    rows: list[dict[str, Any]] = []
    for over in (A1, A2):
        if over["arrears_id"] in day:
            due, paid = day[over["arrears_id"]]
            rows.append(
                case(
                    **over,
                    record_id=over["arrears_id"],
                    amount_due=due,
                    amount_paid=paid,
                    closed_on=None,
                )
            )
    return pl.DataFrame(rows)


def _table(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    cols = ("period", "unpaid_basis", "opening_amount", "new_amount", "closed_amount")
    cols += ("closing_amount", "closing_unpaid")
    return [
        tuple(str(v) if isinstance(v, object) and not isinstance(v, str) else v for v in r)
        for r in frame.sort("period").select(cols).rows()
    ]


def test_past_periods_use_the_amounts_of_their_own_run(tmp_path: Path) -> None:
    job = tmp_path / "job.toml"
    job.write_text(
        job_text(
            sources=[{"name": "arrears", "kind": "arrears_case", "path": "in/{as_of}/arrears.csv"}],
            extra=f"[plugins]\nmodules = {list(PACKS)!r}\n".replace("'", '"'),
        ),
        encoding="utf-8",
    )
    packs = manager(modules=PACKS)
    for day, export in zip(DAYS, EXPORTS, strict=True):
        folder = tmp_path / "in" / day
        folder.mkdir(parents=True)
        _export(export).write_csv(folder / "arrears.csv")
        assert run(job, as_of=day, plugins=packs).status == "completed"

    table = Ledger(tmp_path / "ledger").summary(SUMMARY).collect()
    # January as run 1 held it, February as run 2, March (this run) from the data itself.
    assert _table(table) == [
        ("2024-01", "history", "0.00", "100000.00", "0.00", "100000.00", "100000.00"),
        ("2024-02", "history", "120000.00", "50000.00", "0.00", "170000.00", "130000.00"),
        ("2024-03", "snapshot", "170000.00", "0.00", "0.00", "170000.00", "30000.00"),
    ]
    amounts = table.select(
        (
            pl.col("opening_amount").cast(pl.Float64)
            + pl.col("new_amount").cast(pl.Float64)
            - pl.col("closed_amount").cast(pl.Float64)
            - pl.col("closing_amount").cast(pl.Float64)
        ).abs()
    )
    assert amounts.to_series().max() == 0

    # The same data evaluated without a ledger: every period from the data, said so.
    path = tmp_path / "in" / DAYS[-1] / "arrears.csv"
    valid = validate(read(path, kind="arrears_case"), kind="arrears_case").valid
    result = evaluate_many({"arrears_case": valid}, as_of=dt.date(2024, 3, 31), plugins=packs)
    assert _table(result.summaries[SUMMARY]) == [
        ("2024-01", "snapshot", "0.00", "120000.00", "0.00", "120000.00", "0.00"),
        ("2024-02", "snapshot", "120000.00", "50000.00", "0.00", "170000.00", "30000.00"),
        ("2024-03", "snapshot", "170000.00", "0.00", "0.00", "170000.00", "30000.00"),
    ]
