"""Build the report's content (:class:`Report`) from a committed run of the ledger."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any

import polars as pl

from credit_ledger.errors import LedgerError
from credit_ledger.ledger import Ledger, LedgerState, quarantine_department
from credit_ledger.plugins import get_kind
from credit_ledger.report._mask import mask_row, mask_text
from credit_ledger.report._model import SCHEMA_VERSION, Header, LedgerPanel, Report, Table

__all__ = ["ROW_CAP", "SIZE_BUDGET", "build_report"]

ROW_CAP = 1000
"""Rows of one table embedded in the page (the rest is counted, not shown): this keeps a run
with 100,000 findings within the page's size budget (:data:`SIZE_BUDGET`)."""
SIZE_BUDGET = 2_500_000
"""Bytes the HTML page stays under, however many findings and quarantined rows a run has."""

_SEVERITY_RANK = {"critical": 4, "error": 3, "warning": 2, "info": 1}
_EMPTY = Table(columns=(), rows=(), total=0)


def build_report(
    ledger: Ledger | str | PathLike[str],
    *,
    run_id: str | None = None,
    summaries: Mapping[str, pl.DataFrame] | None = None,
    references: Mapping[str, Sequence[str]] | None = None,
    row_cap: int = ROW_CAP,
) -> Report:
    """The run report of ``run_id`` (default: the last committed run) as data.

    Args:
        ledger: the ledger (or its directory).
        run_id: the committed run to report on.
        summaries: summary tables of the run the ledger does not persist (``arrears.aging``,
            ``classes.credit_class``), e.g. ``EvaluationResult.summaries``.
        references: legal references per rule id (shown beside failing rules).
        row_cap: rows embedded per table.

    Raises:
        RunNotFoundError: no committed run has that id.

    Example:
        >>> report = build_report("var/ledger")  # doctest: +SKIP
        >>> report.header.rows_in == report.header.rows_valid + report.header.rows_quarantined
        True
    """
    ledger = ledger if isinstance(ledger, Ledger) else Ledger(ledger)
    if not ledger.runs().height:
        if run_id is not None:
            ledger.run(run_id)  # raises RunNotFoundError
        return _empty()
    state = ledger.as_of_run(run_id) if run_id is not None else ledger.state()
    assert state.run is not None  # a ledger with runs has a last one
    previous = ledger.as_of_version(state.ledger_version - 1) if state.ledger_version > 1 else None
    findings = state.findings().collect()
    records = _records(state)
    return Report(
        schema=SCHEMA_VERSION,
        header=_header(state),
        records=records,
        ledgers=_ledgers(ledger, state, findings, records, row_cap),
        aging=_summary(summaries, "arrears.aging"),
        quality_by_reason=_by_reason(state, previous),
        quality_by_source=_by_source(state, previous),
        quarantine=_quarantine_rows(state, row_cap),
        classes=_classes(summaries),
        rules=_rules(state, references or {}),
        top_failing=_top_failing(state, references or {}),
        findings=_findings(findings, row_cap),
        drift=_drift(ledger, state),
    )


def _empty() -> Report:
    return Report(
        schema=SCHEMA_VERSION,
        header=None,
        records=_EMPTY,
        ledgers=(),
        aging=None,
        quality_by_reason=_EMPTY,
        quality_by_source=_EMPTY,
        quarantine=_EMPTY,
        classes=None,
        rules=_EMPTY,
        top_failing=_EMPTY,
        findings=_EMPTY,
        drift=_EMPTY,
    )


def _summary(summaries: Mapping[str, pl.DataFrame] | None, name: str) -> Table | None:
    # None: not known (the ledger keeps no such summary); an empty table: the run had none.
    if summaries is None:
        return None
    frame = summaries.get(name)
    return _EMPTY if frame is None else Table.of(frame)


def _header(state: LedgerState) -> Header:
    run = state.run
    assert run is not None
    inputs = (
        state.inputs()
        .collect()
        .select("source", "kind", "location", "rows_in", "rows_valid", "rows_quarantined", "sha256")
        .join(
            _corrected(run.manifest), on=["source", "location"], how="left", maintain_order="left"
        )
        .with_columns(pl.col("sha256").str.slice(0, 8), pl.col("rows_corrected").fill_null(0))
        .drop("location")
    )
    plugins = pl.DataFrame(
        [
            {"name": p.get("name"), "version": p.get("version"), "status": p.get("status")}
            for p in run.manifest.get("plugins", [])
        ],
        schema={"name": pl.String, "version": pl.String, "status": pl.String},
    )
    return Header(
        run_id=run.run_id,
        job=run.job,
        as_of=run.as_of.isoformat(),
        ledger_version=run.ledger_version,
        status=run.status,
        committed_at=run.committed_at.isoformat(timespec="seconds"),
        rows_in=run.counts["rows_in"],
        rows_valid=run.counts["rows_valid"],
        rows_quarantined=run.counts["rows_quarantined"],
        findings=run.counts["findings"],
        inputs=Table.of(inputs),
        plugins=Table.of(plugins),
        rows_corrected=run.counts["rows_corrected"],
    )


def _corrected(manifest: Mapping[str, Any]) -> pl.DataFrame:
    """Rows corrected per input, as the manifest's input accounting gives them."""
    return pl.DataFrame(
        [
            {
                "source": i.get("source"),
                "location": i.get("location"),
                "rows_corrected": int(i.get("rows_corrected") or 0),
            }
            for i in manifest.get("inputs", [])
        ],
        schema={"source": pl.String, "location": pl.String, "rows_corrected": pl.Int64},
    ).unique(["source", "location"], keep="last")


def _records(state: LedgerState) -> Table:
    counts = [
        (kind, int(state.records(kind).select(pl.len()).collect().item())) for kind in state.kinds()
    ]
    return Table.of(pl.DataFrame(counts, schema=["kind", "records"], orient="row"))


def _last(frame: pl.DataFrame, column: str) -> int | None:
    if column not in frame.columns or not frame.height:
        return None
    value = frame[column][-1]
    return None if value is None else int(value)


def _most(frame: pl.DataFrame, column: str) -> int | None:
    # Recorded per period or once per summary: any unplaced row keeps the ledger from zero.
    if column not in frame.columns:
        return None
    value = frame[column].max()
    return None if value is None else int(str(value))


def _ledgers(
    ledger: Ledger, state: LedgerState, findings: pl.DataFrame, held: Table, cap: int
) -> tuple[LedgerPanel, ...]:
    declared = state.summaries(all_runs=True).filter(pl.col("periods"))
    if not declared.height:
        return ()
    titles = {
        str(r["summary"]): (str(r["title_zh"]), str(r["title_en"]))
        for r in declared.iter_rows(named=True)
    }
    everything = pl.concat(
        [state.summary(name, all_runs=True).collect() for name in titles], how="diagonal_relaxed"
    )
    order = ledger.runs().select("run_id", "ledger_version", "as_of")
    everything = everything.filter(pl.col("group").is_null()).join(
        order.drop("as_of"), on="run_id", how="inner"
    )
    everything = everything.filter(pl.col("ledger_version") <= state.ledger_version)
    now = everything.filter(pl.col("ledger_version") == state.ledger_version)
    records = {
        str(k): int(str(n))
        for k, n in zip(held.column("kind"), held.column("records"), strict=True)
    }
    panels = []
    for summary in sorted(now["summary"].unique().to_list()):
        rows = now.filter(pl.col("summary") == summary).sort("period_start")
        kind = str(rows["ledger"][0])
        last = rows.tail(1)
        unplaced = _most(rows, "unplaced")
        amount = "closing_amount" in rows.columns
        month_cols = ["period", "opening", "new", "closed", "closing"]
        month_cols += ["closing_amount"] if amount else []
        month_cols += ["unplaced"] if "unplaced" in rows.columns else []
        trend = (
            everything.filter(pl.col("summary") == summary)
            .sort("ledger_version", "period_start")
            .group_by("ledger_version", maintain_order=True)
            .last()
            .select(
                "as_of",
                "run_id",
                "closing",
                *(["unplaced"] if "unplaced" in everything.columns else []),
            )
        )
        namespace = summary.split(".", 1)[0] + "."
        cases = findings.filter(
            (pl.col("kind") == kind) & pl.col("rule_id").str.starts_with(namespace)
        )
        panels.append(
            LedgerPanel(
                summary=summary,
                title_zh=titles[summary][0],
                title_en=titles[summary][1],
                kind=kind,
                records=records.get(kind, 0),
                period=str(last["period"][0]),
                closing=_last(last, "closing") or 0,
                closing_amount=(
                    None
                    if not amount or last["closing_amount"][0] is None
                    else str(last["closing_amount"][0])
                ),
                unplaced=unplaced,
                distinct_bodies=_most(last, "distinct_bodies"),
                zeroed=bool(last["zeroed"][0]) and not unplaced,
                months=Table.of(rows.select(month_cols)),
                runs=Table.of(trend),
                cases=_findings(cases, cap),
            )
        )
    return tuple(panels)


def _with_change(now: pl.LazyFrame, before: pl.LazyFrame | None, key: str) -> Table:
    counts = now.group_by(key).agg(pl.len().cast(pl.Int64).alias("rows"))
    if before is None:
        prev = pl.LazyFrame(schema={key: pl.String, "previous": pl.Int64})
    else:
        prev = before.group_by(key).agg(pl.len().cast(pl.Int64).alias("previous"))
    joined = (
        counts.join(prev, on=key, how="full", coalesce=True)
        .with_columns(pl.col("rows", "previous").fill_null(0))
        .with_columns((pl.col("rows") - pl.col("previous")).alias("change"))
        .filter(pl.col("rows") > 0)
        .sort(["rows", key], descending=[True, False])
        .collect()
    )
    return Table.of(joined)


def _by_reason(state: LedgerState, previous: LedgerState | None) -> Table:
    def reasons(s: LedgerState) -> pl.LazyFrame:
        return s.quarantine().select(pl.col("_reasons").alias("reason")).explode("reason")

    return _with_change(reasons(state), reasons(previous) if previous else None, "reason")


def _by_source(state: LedgerState, previous: LedgerState | None) -> Table:
    def departments(s: LedgerState) -> pl.LazyFrame:
        return s.quarantine().select(quarantine_department())

    return _with_change(
        departments(state), departments(previous) if previous else None, "department"
    )


def _quarantine_rows(state: LedgerState, cap: int) -> Table:
    lf = state.quarantine()
    total = int(lf.select(pl.len()).collect().item())
    rows = (
        lf.select(
            "kind",
            "record_id",
            "_source",
            "_row",
            quarantine_department(),
            pl.col("_reasons").list.join("; ").alias("reasons"),
            "values",
        )
        .sort("kind", "_source", "_row")
        .head(cap)
        .collect()
    )
    personal = {k: get_kind(k).personal_columns for k in rows["kind"].unique().to_list()}
    # Absent (null) fields are left out: they carry nothing and would double the page.
    masked = [
        json.dumps(
            {f: x for f, x in mask_row(json.loads(v), personal[k]).items() if x is not None},
            ensure_ascii=False,
        )
        for k, v in zip(rows["kind"], rows["values"], strict=True)
    ]
    rows = rows.with_columns(
        pl.Series("values", masked, pl.String),
        pl.col("department").map_batches(_mask_series, return_dtype=pl.String),
    )
    table = Table.of(rows)
    return Table(columns=table.columns, rows=table.rows, total=total)


def _mask_series(series: pl.Series) -> pl.Series:
    return pl.Series(series.name, [mask_text(v) if v else v for v in series], pl.String)


def _findings(findings: pl.DataFrame, cap: int) -> Table:
    rank = pl.col("severity").replace_strict(_SEVERITY_RANK, default=0, return_dtype=pl.Int8)
    shown = (
        findings.sort(rank, "rule_id", "_source", "_row", descending=[True, False, False, False])
        .head(cap)
        .select(
            "rule_id",
            "severity",
            "kind",
            "record_id",
            pl.col("entity_key").map_batches(_mask_series, return_dtype=pl.String),
            pl.col("message").map_batches(_mask_series, return_dtype=pl.String),
            "waived",
            "_source",
            "_row",
        )
    )
    table = Table.of(shown)
    return Table(columns=table.columns, rows=table.rows, total=findings.height)


def _classes(summaries: Mapping[str, pl.DataFrame] | None) -> Table | None:
    if summaries is None:
        return None
    frame = summaries.get("classes.credit_class")
    if frame is None or "credit_class" not in frame.columns:
        return _EMPTY
    counts = frame.group_by("credit_class").agg(pl.len().cast(pl.Int64).alias("subjects"))
    return Table.of(counts.sort("credit_class"))


def _refs(references: Mapping[str, Sequence[str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "rule_id": list(references),
            "references": ["; ".join(v) for v in references.values()],
        },
        schema={"rule_id": pl.String, "references": pl.String},
    )


def _rules(state: LedgerState, references: Mapping[str, Sequence[str]]) -> Table:
    outcomes = (
        state.rule_outcomes()
        .collect()
        .select("rule_id", "kind", "plugin", "severity", "status", "evaluated", "failed", "waived")
        .join(_refs(references), on="rule_id", how="left")
        .sort("rule_id", "kind")
    )
    return Table.of(outcomes)


def _top_failing(state: LedgerState, references: Mapping[str, Sequence[str]], n: int = 10) -> Table:
    top = (
        state.rule_outcomes()
        .filter(pl.col("failed") > 0)
        .collect()
        .sort(["failed", "rule_id"], descending=[True, False])
        .head(n)
        .select("rule_id", "kind", "severity", "failed")
        .join(_refs(references), on="rule_id", how="left", maintain_order="left")
    )
    return Table.of(top)


def _drift(ledger: Ledger, state: LedgerState) -> Table:
    assert state.run is not None
    try:
        sources = ledger.history().sources
    except LedgerError:
        return _EMPTY
    flagged = sources.filter(
        (pl.col("run_id") == state.run.run_id) & (pl.col("rows_drift") | pl.col("quarantine_drift"))
    ).select(
        "source",
        "kind",
        "rows_in",
        "rows_median",
        "quarantine_rate",
        "quarantine_median",
        "rows_drift",
        "quarantine_drift",
    )
    return Table.of(flagged)
