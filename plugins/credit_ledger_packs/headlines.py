"""Headline figures of the four packs for one ``as_of``: what ``credit-ledger demo`` prints.

Example:
    >>> import datetime as dt
    >>> figures = headlines(valid_frames, as_of=dt.date(2024, 12, 31))  # doctest: +SKIP
    >>> figures["zeroing"]["dishonest_debtor"]["closing"]  # doctest: +SKIP
    3
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import polars as pl

from credit_ledger_packs import _settings
from credit_ledger_packs._arrears import KIND as ARREARS
from credit_ledger_packs._arrears import aging_table
from credit_ledger_packs._publicity import with_publicity_columns
from credit_ledger_packs.classes import credit_classes
from credit_ledger_packs.zeroing import zeroing_table

__all__ = ["headlines"]

Frames = Mapping[str, pl.DataFrame | pl.LazyFrame]


def _zeroing(
    frames: Frames, as_of: dt.date, settings: _settings.SettingsSource
) -> dict[str, object]:
    table = zeroing_table(frames, as_of=as_of, period="year", settings=settings)
    out: dict[str, object] = {}
    for row in table.iter_rows(named=True):
        out[row["ledger"]] = {
            "year": row["period"],
            "opening": row["opening"],
            "new": row["new"],
            "closed": row["closed"],
            "closing": row["closing"],
            "zeroed": row["zeroed"],
            "exit_rate": round(row["exit_rate"], 4),
            "closing_amount": row["closing_amount"],
        }
    return out


def _arrears(
    frame: pl.DataFrame | pl.LazyFrame, as_of: dt.date, settings: _settings.SettingsSource
) -> dict[str, object]:
    table = aging_table(frame, as_of=as_of, settings=settings)
    overdue = table.filter(~pl.col("aging_bucket").is_in(["not_due", "paid", "closed", "awaiting"]))
    gov = overdue.filter(pl.col("is_gov_body"))
    return {
        "overdue_cases": int(overdue["cases"].sum()),
        "overdue_amount": Decimal(str(overdue["outstanding_amount"].sum() or 0)),
        "late_interest": Decimal(str(overdue["late_interest"].sum() or 0)),
        "gov_body_overdue_cases": int(gov["cases"].sum()),
        "awaiting_cases": int(table.filter(pl.col("aging_bucket") == "awaiting")["cases"].sum()),
    }


def headlines(
    frames: Frames, *, as_of: dt.date, settings: _settings.SettingsSource = None
) -> dict[str, object]:
    """One small JSON-ready dict per pack: zeroing for the year to ``as_of``, overdue arrears,
    the class distribution, penalties per publicity state. Packs whose kinds are missing from
    ``frames`` are left out.
    """
    out: dict[str, object] = {"as_of": as_of.isoformat()}
    out["zeroing"] = _zeroing(frames, as_of, settings)
    if ARREARS in frames:
        out["arrears"] = _arrears(frames[ARREARS], as_of, settings)
    classes = credit_classes(frames, as_of=as_of, settings=settings)
    if classes.height:
        counts = classes.group_by("credit_class").len().sort("credit_class")
        out["classes"] = dict(zip(counts["credit_class"], counts["len"], strict=True))
    if "admin_penalty" in frames:
        shown = with_publicity_columns(frames["admin_penalty"], as_of=as_of, settings=settings)
        states = shown.group_by("publicity_state").len().sort("publicity_state")
        out["publicity"] = dict(zip(states["publicity_state"], states["len"], strict=True))
    return out
