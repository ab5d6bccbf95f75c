"""The per-period ledgers a rule run computed and a plugin persists (``Persist(periods=True)``),
as text: for ``demo`` and any command that shows a run's headline figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from credit_ledger.rules import EvaluationResult

__all__ = ["closing_ledgers", "print_closing_ledgers", "print_period_ledgers"]


def _whole(ev: EvaluationResult) -> dict[str, tuple[str, pl.DataFrame]]:
    """English title and rows without breakdown of each per-period ledger with rows, by name."""
    out = {}
    for name, persist in sorted(ev.persist.items()):
        table = ev.summaries[name]
        if persist.periods and "group" in table.columns:
            table = table.filter(pl.col("group").is_null()).sort("period_start")
            if table.height:
                out[name] = (persist.title[1], table)
    return out


def print_period_ledgers(ev: EvaluationResult) -> None:
    """Each per-period ledger's balance per period, with ``exit_rate`` and ``zeroed`` where
    the ledger has them."""
    for name, (title, table) in _whole(ev).items():
        print(f"\n{name} ({title}): opening + new - closed = closing")
        for row in table.iter_rows(named=True):
            rate = row.get("exit_rate")
            print(
                f"  {row['period']:<8}{row['opening']:>5} +{row['new']:>4} -{row['closed']:>4}"
                f" ={row['closing']:>5}"
                + (f"   exit rate {rate:>6.1%}" if rate is not None else "")
                + ("  zeroed" if row.get("zeroed") else "")
            )


def closing_ledgers(ev: EvaluationResult) -> dict[str, dict[str, Any]]:
    """The last period of each per-period ledger: ``period``, ``closing``, ``zeroed``."""
    out = {}
    for name, (_, table) in _whole(ev).items():
        last = table.row(-1, named=True)
        out[name] = {
            "period": last["period"],
            "closing": last["closing"],
            "zeroed": bool(last.get("zeroed", last["closing"] == 0)),
        }
    return out


def print_closing_ledgers(closing: Mapping[str, Mapping[str, Any]]) -> None:
    """One line per ledger of :func:`closing_ledgers`."""
    for name, z in closing.items():
        state = "zeroed" if z["zeroed"] else f"{z['closing']} still open"
        print(f"  {name}: {state} ({z['period']})")
