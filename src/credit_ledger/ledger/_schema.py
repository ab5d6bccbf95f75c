"""The ledger's tables and the columns of those the ledger itself defines.

::

    <ledger>/
      runs/                  one row per committed run, with its manifest (the commit point)
      records/<kind>/        case state: validated records, upserted by record id
      inputs/                per run: each source with digest and row counts
      quarantine/            per run: rejected rows with their reasons and original values
      findings/              per run: rule findings (rules engine's findings frame)
      rule_outcomes/         per run: one row per rule and kind
      summaries/             per run: the tables of the summaries that ask to be persisted
      manifests/<run>.json   the manifest of each committed run (a copy of the runs row's)
      _lock                  the exclusive lock of a running job

Per-run tables are append-only and every row carries ``run_id``.
"""

from __future__ import annotations

import polars as pl

__all__ = [
    "BATCH",
    "DIGEST",
    "FINDINGS",
    "FIRST_BATCH",
    "INPUTS",
    "INPUTS_SCHEMA",
    "PER_RUN_TABLES",
    "QUARANTINE",
    "QUARANTINE_SCHEMA",
    "RECORDS_PREFIX",
    "RULE_OUTCOMES",
    "RUNS",
    "RUNS_SCHEMA",
    "RUN_ID",
    "SUMMARIES",
    "SUMMARIES_SCHEMA",
    "quarantine_department",
    "records_table",
]

RUNS = "runs"
INPUTS = "inputs"
QUARANTINE = "quarantine"
FINDINGS = "findings"
RULE_OUTCOMES = "rule_outcomes"
SUMMARIES = "summaries"
RECORDS_PREFIX = "records/"
PER_RUN_TABLES = (INPUTS, QUARANTINE, FINDINGS, RULE_OUTCOMES, SUMMARIES)
"""Append-only tables, one batch of rows per run."""

RUN_ID = "run_id"
BATCH = "_batch"
"""Records column: the run whose batch delivered the current content of the record."""
FIRST_BATCH = "_first_batch"
"""Records column: the run whose batch first delivered the record (never updated)."""
DIGEST = "_digest"
"""Records column: a digest of the record's canonical values; a redelivery with the same
digest changes nothing."""


def records_table(kind: str) -> str:
    """The table name holding the case state of ``kind``."""
    return RECORDS_PREFIX + kind


_UTC = pl.Datetime("us", "UTC")

RUNS_SCHEMA = pl.Schema(
    {
        "run_id": pl.String(),
        "ledger_version": pl.Int64(),
        "run_key": pl.String(),
        "job": pl.String(),
        "as_of": pl.Date(),
        "started_at": _UTC,
        "committed_at": _UTC,
        "forced": pl.Boolean(),
        "status": pl.String(),
        "rows_in": pl.Int64(),
        "rows_valid": pl.Int64(),
        "rows_quarantined": pl.Int64(),
        "records_inserted": pl.Int64(),
        "records_updated": pl.Int64(),
        "findings": pl.Int64(),
        "worst_severity": pl.String(),
        "rule_errors": pl.Int64(),
        "tables": pl.String(),
        "manifest": pl.String(),
        "rows_corrected": pl.Int64(),
    }
)
"""``status`` is the rules' status (``ok``/``findings``/``error``) at the job's ``fail_on``;
``tables`` is JSON ``{table name: Delta version}``: the only versions readers trust.
``rows_corrected`` counts the rows read from returned correction workbooks that passed (a
column added later: a ledger written before it reads it as 0)."""

INPUTS_SCHEMA = pl.Schema(
    {
        "run_id": pl.String(),
        "source": pl.String(),
        "kind": pl.String(),
        "location": pl.String(),
        "sha256": pl.String(),
        "bytes": pl.Int64(),
        "rows_in": pl.Int64(),
        "rows_valid": pl.Int64(),
        "rows_quarantined": pl.Int64(),
    }
)
"""One row per file (or database query) read; ``source`` is the job's name for the source,
stable across runs (drift is tracked per source)."""

QUARANTINE_SCHEMA = pl.Schema(
    {
        "run_id": pl.String(),
        "kind": pl.String(),
        "record_id": pl.String(),
        "_source": pl.String(),
        "_row": pl.Int64(),
        "_reasons": pl.List(pl.String()),
        "values": pl.String(),
    }
)
"""``values`` is the rejected row as JSON, exactly as given (one schema for every kind)."""


def quarantine_department() -> pl.Expr:
    """The exporting department (数据来源单位) of a quarantine-table row, as the row gives it;
    the source file when the row names none. Aliased ``department``."""
    return (
        pl.col("values")
        .str.json_path_match("$.source_org")
        .str.strip_chars()
        .replace("", None)
        .fill_null(pl.col("_source"))
        .alias("department")
    )


SUMMARIES_SCHEMA = pl.Schema(
    {
        "run_id": pl.String(),
        "as_of": pl.Date(),
        "summary": pl.String(),
        "title_zh": pl.String(),
        "title_en": pl.String(),
        "periods": pl.Boolean(),
        "schema": pl.String(),
        "row": pl.String(),
    }
)
"""One row per row of each persisted summary (``Summary(persist=...)``) of each run: the
summary's name, how it is shown (``title_*``; ``periods``: a per-period ledger), ``schema``
(the summary's declared columns as a base64 Arrow IPC schema) and ``row``, the row as a JSON
object. One generic table holds every summary whatever its columns; JSON text stays readable
by any Delta reader (and by the privacy scans), nested columns included, and the schema reads
it back typed (decimals are exact: JSON text; a float NaN reads back as null)."""
