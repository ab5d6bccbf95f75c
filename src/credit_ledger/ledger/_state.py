"""Committed runs and the ledger state they describe (read side)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import polars as pl

from credit_ledger.errors import LedgerError, describe
from credit_ledger.ledger import _delta
from credit_ledger.ledger._schema import (
    FINDINGS,
    INPUTS,
    INPUTS_SCHEMA,
    QUARANTINE,
    QUARANTINE_SCHEMA,
    RECORDS_PREFIX,
    RULE_OUTCOMES,
    RUN_ID,
    SUMMARIES,
    SUMMARIES_SCHEMA,
    records_table,
)
from credit_ledger.ledger._summaries import decode
from credit_ledger.rules import FINDINGS_SCHEMA, OUTCOMES_SCHEMA

__all__ = ["LedgerState", "RunRecord"]


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """One committed run, as its row in the ``runs`` table says.

    Attributes:
        run_id: the run's id.
        ledger_version: 1 for the first committed run, then 2, 3, ...
        run_key: the content-addressed key (inputs, config, rules, plugins, as_of).
        job: the job's name.
        as_of: the run date.
        started_at: when the run started (UTC).
        committed_at: when its runs row was written (UTC).
        forced: whether ``--force`` recomputed an already committed key.
        status: the rules' status at the job's ``fail_on``: ``ok``, ``findings`` or ``error``.
        counts: rows in/valid/quarantined, records inserted/updated, findings, rule errors.
        worst_severity: the highest severity among unwaived findings, if any.
        tables: ``{table name: Delta version}`` written or carried by this run.
        manifest_json: the run manifest (JSON text).
    """

    run_id: str
    ledger_version: int
    run_key: str
    job: str
    as_of: dt.date
    started_at: dt.datetime
    committed_at: dt.datetime
    forced: bool
    status: str
    counts: Mapping[str, int]
    worst_severity: str | None
    tables: Mapping[str, int]
    manifest_json: str = field(repr=False)

    @property
    def manifest(self) -> dict[str, Any]:
        """The run manifest (see ``schemas/manifest.v1.json``)."""
        data: dict[str, Any] = json.loads(self.manifest_json)
        return data

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RunRecord:
        """Build from a ``runs`` table row."""
        count_cols = (
            "rows_in",
            "rows_valid",
            "rows_quarantined",
            "records_inserted",
            "records_updated",
            "findings",
            "rule_errors",
            "rows_corrected",
        )
        return cls(
            run_id=str(row["run_id"]),
            ledger_version=int(row["ledger_version"]),
            run_key=str(row["run_key"]),
            job=str(row["job"]),
            as_of=row["as_of"],
            started_at=row["started_at"],
            committed_at=row["committed_at"],
            forced=bool(row["forced"]),
            status=str(row["status"]),
            counts=MappingProxyType({c: int(row.get(c) or 0) for c in count_cols}),
            worst_severity=row["worst_severity"],
            tables=MappingProxyType({str(k): int(v) for k, v in json.loads(row["tables"]).items()}),
            manifest_json=str(row["manifest"]),
        )


_PER_RUN_SCHEMAS: dict[str, pl.Schema] = {
    INPUTS: INPUTS_SCHEMA,
    QUARANTINE: QUARANTINE_SCHEMA,
    SUMMARIES: SUMMARIES_SCHEMA,
}


def _rules_schema(name: str) -> pl.Schema:
    base = FINDINGS_SCHEMA if name == FINDINGS else OUTCOMES_SCHEMA
    return pl.Schema({RUN_ID: pl.String(), **dict(base)})


@dataclass(frozen=True, kw_only=True)
class LedgerState:
    """The ledger as one committed run left it: every table at the version that run recorded.

    Obtained from :meth:`Ledger.state`, :meth:`Ledger.as_of_run` or
    :meth:`Ledger.as_of_version`. Frames are lazy: nothing is read until collected.

    Attributes:
        path: the ledger directory.
        run: the run this state belongs to (None for an empty ledger).

    Example:
        >>> state = Ledger("var/ledger").as_of_run(first_run_id)  # doctest: +SKIP
        >>> state.records("dishonest_debtor").select(pl.len()).collect().item()  # doctest: +SKIP
        1200
    """

    path: Path
    run: RunRecord | None

    @property
    def tables(self) -> Mapping[str, int]:
        """``{table name: Delta version}`` of this state."""
        return self.run.tables if self.run is not None else MappingProxyType({})

    @property
    def ledger_version(self) -> int:
        """The ledger version (0 for an empty ledger)."""
        return self.run.ledger_version if self.run is not None else 0

    def kinds(self) -> tuple[str, ...]:
        """Record kinds with a records table in this state, sorted."""
        n = len(RECORDS_PREFIX)
        return tuple(sorted(t[n:] for t in self.tables if t.startswith(RECORDS_PREFIX)))

    def _scan(self, name: str) -> pl.LazyFrame | None:
        at = self.tables.get(name)
        if at is None:
            return None
        try:
            return _delta.scan(self.path, name, at)
        except Exception as exc:  # deltalake raises its own untyped errors
            raise LedgerError(
                f"ledger {self.path}: cannot read table {name!r} at version {at} "
                f"(run {self.run.run_id if self.run else '-'}): {describe(exc)}"
            ) from exc

    def records(self, kind: str) -> pl.LazyFrame:
        """The case state of ``kind``: one row per record id, with provenance columns
        ``_source``, ``_row``, ``_batch`` (run that delivered this content) and
        ``_first_batch`` (run that first delivered the record).

        Raises:
            LedgerError: the ledger holds no records of ``kind`` in this state.
        """
        lf = self._scan(records_table(kind))
        if lf is None:
            known = ", ".join(self.kinds()) or "none"
            raise LedgerError(
                f"ledger {self.path} holds no {kind!r} records at ledger version "
                f"{self.ledger_version} (kinds: {known})"
            )
        return lf

    def table(self, name: str, *, all_runs: bool = False) -> pl.LazyFrame:
        """A per-run table (``inputs``, ``quarantine``, ``findings``, ``rule_outcomes``,
        ``summaries``): rows of this state's run only, or of every run up to it."""
        lf = self._scan(name)
        if lf is None:
            schema = (
                _rules_schema(name)
                if name in (FINDINGS, RULE_OUTCOMES)
                else _PER_RUN_SCHEMAS.get(name)
            )
            if schema is None:
                raise LedgerError(f"unknown ledger table {name!r}")
            return pl.LazyFrame(schema=schema)
        if all_runs or self.run is None:
            return lf
        return lf.filter(pl.col(RUN_ID) == self.run.run_id)

    def findings(self, *, all_runs: bool = False) -> pl.LazyFrame:
        """Rule findings of this run (or of every run up to it)."""
        return self.table(FINDINGS, all_runs=all_runs)

    def rule_outcomes(self, *, all_runs: bool = False) -> pl.LazyFrame:
        """Per-rule outcomes of this run (or of every run up to it)."""
        return self.table(RULE_OUTCOMES, all_runs=all_runs)

    def quarantine(self, *, all_runs: bool = False) -> pl.LazyFrame:
        """Rows this run rejected (or every run up to it), with ``_reasons``."""
        return self.table(QUARANTINE, all_runs=all_runs)

    def summaries(self, *, all_runs: bool = False) -> pl.DataFrame:
        """The persisted summaries of this run (or of every run up to it): one row per
        summary with ``summary``, ``title_zh``, ``title_en``, ``periods`` (a per-period
        ledger) and ``runs`` (how many runs stored it), by name."""
        return (
            self.table(SUMMARIES, all_runs=all_runs)
            .group_by("summary")
            .agg(
                pl.col("title_zh", "title_en", "periods").last(),
                pl.col(RUN_ID).n_unique().cast(pl.Int64).alias("runs"),
            )
            .sort("summary")
            .collect()
        )

    def summary(self, name: str, *, all_runs: bool = False) -> pl.LazyFrame:
        """The persisted summary ``name`` of this run (or of every run up to it), typed as
        the summary declared it, with ``run_id``, ``as_of`` and ``summary`` in front, ordered
        by ``as_of`` and run (each run's rows in the summary's order); only those three
        columns when no run stored it (the plugin was not active).

        Example:
            >>> state.summary("mypack.fines_per_authority").collect()  # doctest: +SKIP
        """
        stored = self.table(SUMMARIES, all_runs=all_runs).filter(pl.col("summary") == name)
        return decode(stored.collect()).sort("as_of", RUN_ID, maintain_order=True).lazy()

    def inputs(self, *, all_runs: bool = False) -> pl.LazyFrame:
        """Sources read by this run (or by every run up to it), with digests and counts."""
        return self.table(INPUTS, all_runs=all_runs)
