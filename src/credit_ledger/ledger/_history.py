"""The ledger across runs: record counts, per-period ledger balances and drift of each source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from credit_ledger.contracts import PERIOD_LEDGER_SCHEMA
from credit_ledger.errors import LedgerError
from credit_ledger.ledger._schema import RECORDS_PREFIX

if TYPE_CHECKING:
    from credit_ledger.ledger._store import Ledger

__all__ = ["History", "history"]

_PERIODS = pl.Schema(
    {"run_id": pl.String(), "as_of": pl.Date(), "summary": pl.String(), **PERIOD_LEDGER_SCHEMA}
)
"""The columns of :attr:`History.periods` when no run persisted a per-period ledger."""


@dataclass(frozen=True, kw_only=True)
class History:
    """What :meth:`Ledger.history` returns.

    Attributes:
        runs: one row per committed run: ``ledger_version``, ``run_id``, ``as_of``, ``status``,
            rows in/valid/quarantined, records inserted/updated, findings, and ``records``
            (records held after the run, in the kinds asked for).
        periods: the rows of every persisted per-period ledger summary
            (``Persist(periods=True)``) of every run: ``run_id``, ``as_of``, ``summary``,
            ``ledger_version``, the :data:`~credit_ledger.rules.PERIOD_LEDGER_COLUMNS`
            (``ledger`` is the kind) and the summary's further columns.
        sources: one row per run and source: ``rows_in``, ``quarantine_rate``, the medians of
            the previous ``window`` runs and the drift flags ``rows_drift`` and
            ``quarantine_drift``.
        window: how many earlier runs a source is compared with.
        rows_threshold: relative change of the row count that counts as drift.
        quarantine_threshold: change of the quarantine rate (absolute) that counts as drift.
    """

    runs: pl.DataFrame
    periods: pl.DataFrame
    sources: pl.DataFrame
    window: int
    rows_threshold: float
    quarantine_threshold: float

    @property
    def drift(self) -> pl.DataFrame:
        """The rows of :attr:`sources` flagged as drifting."""
        return self.sources.filter(pl.col("rows_drift") | pl.col("quarantine_drift"))


def _record_counts(ledger: Ledger, runs: pl.DataFrame, kind: str | None) -> list[int]:
    counts: list[int] = []
    for row in runs.iter_rows(named=True):
        state = ledger.as_of_version(int(row["ledger_version"]))
        kinds = [kind] if kind is not None else list(state.kinds())
        total = 0
        for k in kinds:
            if RECORDS_PREFIX + k in state.tables:
                total += int(state.records(k).select(pl.len()).collect().item())
        counts.append(total)
    return counts


def history(
    ledger: Ledger,
    *,
    kind: str | None = None,
    window: int = 5,
    rows_threshold: float = 0.5,
    quarantine_threshold: float = 0.05,
) -> History:
    """Per-run record counts, per-period ledger balances and source drift of ``ledger``.

    A source drifts in a run when its row count differs from the median of its previous
    ``window`` runs by more than ``rows_threshold`` (relative), or its quarantine rate by more
    than ``quarantine_threshold`` (absolute, 0.05 = 5 percentage points).

    Args:
        ledger: the ledger.
        kind: only this record kind (ledger balances, sources and record counts).
        window: number of earlier runs compared with.
        rows_threshold: relative row-count change flagged.
        quarantine_threshold: absolute quarantine-rate change flagged.

    Example:
        >>> h = Ledger("var/ledger").history(kind="dishonest_debtor")  # doctest: +SKIP
        >>> h.periods.select("as_of", "period", "opening", "closed", "closing")  # doctest: +SKIP
    """
    if window < 1:
        raise LedgerError("history window must be at least 1 run")
    runs = ledger.runs().drop("manifest", "tables")
    state = ledger.state()
    named = state.summaries(all_runs=True).filter(pl.col("periods"))["summary"]
    periods = (
        pl.concat(
            [state.summary(name, all_runs=True).collect() for name in named],
            how="diagonal_relaxed",
        )
        if len(named)
        else pl.DataFrame(schema=_PERIODS)
    )
    inputs = state.inputs(all_runs=True).collect()
    if kind is not None:
        periods = periods.filter(pl.col("ledger") == kind)
        inputs = inputs.filter(pl.col("kind") == kind)
    runs = runs.with_columns(pl.Series("records", _record_counts(ledger, runs, kind), pl.Int64))
    order = runs.select("run_id", "ledger_version")
    periods = periods.join(order, on="run_id", how="left").sort(
        "ledger_version", "summary", "ledger", "group", "period_start", nulls_last=True
    )
    prev = {"min_samples": 1, "window_size": window}
    sources = (
        inputs.group_by("run_id", "source", "kind")
        .agg(pl.col("rows_in").sum(), pl.col("rows_quarantined").sum())
        .join(order, on="run_id", how="left")
        .sort("source", "ledger_version")
        .with_columns(
            (pl.col("rows_quarantined") / pl.col("rows_in"))
            .fill_nan(0.0)
            .fill_null(0.0)
            .alias("quarantine_rate")
        )
        .with_columns(
            pl.col("rows_in")
            .cast(pl.Float64)
            .shift(1)
            .rolling_median(**prev)  # type: ignore[arg-type]
            .over("source")
            .alias("rows_median"),
            pl.col("quarantine_rate")
            .shift(1)
            .rolling_median(**prev)  # type: ignore[arg-type]
            .over("source")
            .alias("quarantine_median"),
        )
        .with_columns(
            pl.when(pl.col("rows_median").is_null())
            .then(False)
            .when(pl.col("rows_median") == 0)
            .then(pl.col("rows_in") > 0)
            .otherwise(
                (pl.col("rows_in") - pl.col("rows_median")).abs() / pl.col("rows_median")
                > rows_threshold
            )
            .alias("rows_drift"),
            ((pl.col("quarantine_rate") - pl.col("quarantine_median")).abs() > quarantine_threshold)
            .fill_null(False)
            .alias("quarantine_drift"),
        )
        .select(
            "ledger_version",
            "run_id",
            "source",
            "kind",
            "rows_in",
            "rows_quarantined",
            "quarantine_rate",
            "rows_median",
            "quarantine_median",
            "rows_drift",
            "quarantine_drift",
        )
    )
    return History(
        runs=runs,
        periods=periods,
        sources=sources,
        window=window,
        rows_threshold=rows_threshold,
        quarantine_threshold=quarantine_threshold,
    )
