"""The data steps shared by every execution mode: the frames the rules see, the history and
quarantine they may ask for, and the engine's result turned into ledger rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import polars as pl

from credit_ledger.ingest import ROW, SOURCE
from credit_ledger.kinds import RecordKind
from credit_ledger.ledger import Ledger, LedgerState
from credit_ledger.ledger._maintenance import oldest_readable_version
from credit_ledger.ledger._schema import (
    BATCH,
    DIGEST,
    FIRST_BATCH,
    QUARANTINE_SCHEMA,
)
from credit_ledger.pipeline._results import Batch
from credit_ledger.rules import (
    FINDINGS_SCHEMA,
    HISTORY_AS_OF,
    RulePolicy,
    RuleSet,
    Severity,
)
from credit_ledger.validate import REASONS

__all__ = [
    "empty_frame",
    "expired_waiver_findings",
    "history_by_kind",
    "history_kinds",
    "ledger_records",
    "quarantine_rows",
    "state_frames",
]

SUBJECT_KIND = "subject_kind"


def ledger_records(batch: Batch) -> pl.LazyFrame:
    """The batch's records with the columns the ledger keeps: the kind's, ``subject_kind``
    and the provenance (``_source``, ``_row``)."""
    keep = [*batch.kind.columns, SUBJECT_KIND, SOURCE, ROW]
    names = set(batch.records.collect_schema().names())
    return batch.records.select([c for c in keep if c in names])


def empty_frame(kind: RecordKind) -> pl.DataFrame:
    """A typed frame of ``kind`` with no rows (what validation would give for no input)."""
    schema = {f.name: f.polars_dtype for f in kind.fields}
    if kind.subject_code is not None:
        schema[SUBJECT_KIND] = pl.String()
    return pl.DataFrame(schema={**schema, SOURCE: pl.String(), ROW: pl.Int64()})


def state_frames(
    kinds: Sequence[RecordKind],
    batches: Mapping[str, Batch],
    base: LedgerState | None,
    *,
    evaluate_on: str,
) -> dict[str, pl.LazyFrame]:
    """The frame the rules see per kind: this batch only, or (``state``) the ledger's records
    with this batch applied, as the ledger will hold them after the commit."""
    frames: dict[str, pl.LazyFrame] = {}
    have = set(base.kinds()) if base is not None and evaluate_on == "state" else set()
    for kind in kinds:
        batch = batches.get(kind.name)
        records = batch.records if batch is not None else empty_frame(kind).lazy()
        if base is not None and kind.name in have:
            previous = base.records(kind.name).drop(BATCH, FIRST_BATCH, DIGEST, strict=False)
            if batch is not None:
                previous = previous.join(records.select(kind.key), on=kind.key, how="anti")
            records = pl.concat([previous, records], how="diagonal_relaxed")
        frames[kind.name] = records
    return frames


def quarantine_rows(quarantined: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """Quarantined rows in the ledger's one schema: the original values as JSON."""
    parts: list[pl.LazyFrame] = []
    for kind, frame in quarantined.items():
        columns = frame.collect_schema().names()
        value_cols = [c for c in columns if c not in (SOURCE, ROW, REASONS)]
        record_id = (
            pl.col("record_id").cast(pl.String)
            if "record_id" in columns
            else pl.lit(None, pl.String)
        )
        parts.append(
            frame.select(
                pl.lit(kind).alias("kind"),
                record_id.alias("record_id"),
                pl.col(SOURCE).cast(pl.String),
                pl.col(ROW).cast(pl.Int64),
                pl.col(REASONS).cast(pl.List(pl.String)),
                pl.struct(pl.col(value_cols).cast(pl.String)).struct.json_encode().alias("values"),
            )
        )
    if not parts:
        return pl.LazyFrame(schema={k: v for k, v in QUARANTINE_SCHEMA.items() if k != "run_id"})
    return pl.concat(parts, how="vertical")


def history_kinds(ruleset: RuleSet) -> set[str]:
    """The kinds some summary wants the history of (``Summary(history=True)``)."""
    return {k for s in ruleset.summaries if s.history for k in s.kinds}


def history_by_kind(kinds: Sequence[RecordKind], base: LedgerState) -> dict[str, pl.LazyFrame]:
    """Each kind's records as every committed run up to ``base`` left them, one lazy scan per
    run (Delta time travel to the versions the ``runs`` table recorded), with the run's date
    in ``HISTORY_AS_OF``; kinds no run held are absent. Runs whose versions were vacuumed
    are left out (their period then falls back to the current amounts)."""
    if base.run is None:
        return {}
    ledger = Ledger(base.path)
    runs = ledger.runs().filter(pl.col("ledger_version") <= base.ledger_version)
    oldest = oldest_readable_version(base.path)
    parts: dict[str, list[pl.LazyFrame]] = {}
    for version, as_of in runs.select("ledger_version", "as_of").iter_rows():
        if version < oldest:
            continue
        state = ledger.as_of_version(version)
        held = set(state.kinds())
        for kind in kinds:
            if kind.name in held:
                records = state.records(kind.name).drop(BATCH, FIRST_BATCH, DIGEST, strict=False)
                parts.setdefault(kind.name, []).append(
                    records.with_columns(pl.lit(as_of, pl.Date).alias(HISTORY_AS_OF))
                )
    return {k: pl.concat(v, how="diagonal_relaxed") for k, v in parts.items()}


def expired_waiver_findings(policy: RulePolicy, ruleset: RuleSet, as_of: dt.date) -> pl.DataFrame:
    """One ``warning`` finding per waiver that expired before ``as_of``: the findings it
    covered are no longer waived, and someone should renew or remove it."""
    kinds = {r.id: r.kind for r in ruleset.rules}
    rows = [
        {
            "rule_id": "credit_ledger.waiver_expired",
            "rule_version": 1,
            "severity": Severity.WARNING.value,
            "scope": "dataset",
            "kind": kinds.get(w.rule_id),
            "record_id": None,
            "entity_key": None,
            "message": (
                f"waiver of {w.rule_id} ({w.reason}) expired on {w.until}; "
                "its findings are reported again"
            ),
            "waived": False,
            "waiver": None,
            SOURCE: None,
            ROW: None,
        }
        for w in policy.waivers
        if not w.active(as_of)
    ]
    return pl.DataFrame(rows, schema=FINDINGS_SCHEMA)
