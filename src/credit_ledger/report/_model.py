"""The report's content as data: typed, frozen, JSON-serialisable (``schemas/report.v1.json``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import polars as pl

__all__ = ["SCHEMA_VERSION", "Cell", "Header", "LedgerPanel", "Report", "Table"]

SCHEMA_VERSION = "credit_ledger.report/1"
"""Names the JSON Schema (``schemas/report.v1.json``); bumped when a field changes meaning."""

Cell = str | int | float | bool | None


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Decimal):
        return str(value)  # exact money, never a binary float
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True, kw_only=True)
class Table:
    """Rows behind a figure: ``rows`` holds at most the report's row cap, ``total`` all of them.

    Example:
        >>> Table.of(pl.DataFrame({"a": [1, 2]}), cap=1)
        Table(columns=('a',), rows=((1,),), total=2)
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: int

    @classmethod
    def of(cls, frame: pl.DataFrame, *, cap: int | None = None) -> Table:
        """The first ``cap`` rows of ``frame`` (all when ``cap`` is None)."""
        shown = frame if cap is None else frame.head(cap)
        rows = tuple(tuple(_cell(v) for v in row) for row in shown.iter_rows())
        return cls(columns=tuple(frame.columns), rows=rows, total=frame.height)

    @property
    def truncated(self) -> bool:
        """Whether rows were left out (the page says how many)."""
        return self.total > len(self.rows)

    def column(self, name: str) -> list[Cell]:
        """The values of one column."""
        i = self.columns.index(name)
        return [r[i] for r in self.rows]


@dataclass(frozen=True, kw_only=True)
class Header:
    """Which run the report is about and its row accounting (in = valid + quarantined);
    ``rows_corrected``: valid rows read from returned correction workbooks (also per input)."""

    run_id: str
    job: str
    as_of: str
    ledger_version: int
    status: str
    committed_at: str
    rows_in: int
    rows_valid: int
    rows_quarantined: int
    findings: int
    inputs: Table
    plugins: Table
    rows_corrected: int = 0

    @property
    def balanced(self) -> bool:
        """Every row read ended in exactly one of valid or quarantined."""
        return self.rows_in == self.rows_valid + self.rows_quarantined


@dataclass(frozen=True, kw_only=True)
class LedgerPanel:
    """One per-period ledger a plugin persists (``Summary(persist=Persist(periods=True))``)
    of one record kind; panels with one title share a section headed by it.

    ``zeroed`` is False while ``unplaced`` rows (in scope but not placeable in a period) exist,
    whatever the closing count says. ``unplaced``/``distinct_bodies`` are None when the ledger
    does not record them.
    """

    summary: str
    title_zh: str
    title_en: str
    kind: str
    records: int | None
    period: str | None
    closing: int
    closing_amount: str | None
    unplaced: int | None
    distinct_bodies: int | None
    zeroed: bool
    months: Table
    runs: Table
    cases: Table


@dataclass(frozen=True, kw_only=True)
class Report:
    """Everything the run report shows, in the order it shows it.

    Attributes:
        schema: :data:`SCHEMA_VERSION`.
        header: None for an empty ledger (no committed run yet).
        records: records held per kind after the run.
        ledgers: one panel per persisted per-period ledger summary.
        aging: arrears per aging bucket: None when not known (the ledger keeps no such
            summary; a job's report has it), no rows when the run had none.
        quality_by_reason / quality_by_source: quarantined rows, worst first, with the change
            since the previous run.
        quarantine: the quarantined rows (masked).
        classes: subjects per credit class (None or no rows as for ``aging``).
        rules: one row per rule and kind with its status and references.
        top_failing: failing rules, most failures first.
        findings: the findings (masked), most severe first.
        drift: sources flagged as drifting in this run.
    """

    schema: str
    header: Header | None
    records: Table
    ledgers: tuple[LedgerPanel, ...]
    aging: Table | None
    quality_by_reason: Table
    quality_by_source: Table
    quarantine: Table
    classes: Table | None
    rules: Table
    top_failing: Table
    findings: Table
    drift: Table

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (``json.dumps(report.to_dict())``)."""
        return asdict(self)
