"""Validation: one pass over a frame, every row ends valid or quarantined with its reasons.

The record kind's pandera schema is the single source of truth: its columns give types and
nullability, its checks give the rules. They are compiled into one Polars query (see
:mod:`credit_ledger._compile`); pandera's own ``validate`` reaches the same verdicts, one
query per check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pandera.polars as pa
import polars as pl
from pandera.config import get_config_context

from credit_ledger import _kernels, ids
from credit_ledger._compile import CheckPlan, check_plans
from credit_ledger._parse import UNDECODABLE, inspected_text, parsed
from credit_ledger.errors import MissingColumnError, ValidationDisabledError
from credit_ledger.ingest import FAULT, OVERFLOW, ROW, SKIP, SOURCE
from credit_ledger.kinds import Field, RecordKind, get_kind

__all__ = ["REASONS", "ValidationResult", "ValidationSummary", "validate"]

REASONS = "_reasons"
"""Quarantine column: the list of reasons, each ``"<column>:<check>"`` or ``"row:<check>"``."""

_RAW = "__raw__"
_INSPECTED = "__inspected__"
_NORM = "__norm__"
_FAIL = "__fail__"
_QUARANTINED = "__quarantined__"
_CHECK = "__check__"
# The result is materialised anyway, and the in-memory engine evaluates the many
# per-column expressions (and the numpy kernels, once per column) faster than streaming.
_ENGINE: Final = "in-memory"
_PARSE_REASON = {
    "date": "date",
    "int": "int",
    "decimal": "decimal",
    "rate": "decimal",
    "bool": "bool",
}


@dataclass(frozen=True, kw_only=True)
class ValidationSummary:
    """Row accounting and failure counts of one validation.

    Attributes:
        kind: the record kind validated.
        rows_in: rows given; always ``rows_valid + rows_quarantined``.
        rows_valid: rows that passed every check.
        rows_quarantined: rows that failed at least one check.
        by_reason: number of rows failing each reason (a row may fail several).
        skipped: rows of the source that are not records and were not read, by why
            (``blank_line``, ``title_row``, ``repeated_header``); not in ``rows_in``.
    """

    kind: str
    rows_in: int
    rows_valid: int
    rows_quarantined: int
    by_reason: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def blank_lines(self) -> int:
        """Blank lines of the source (skipped, never records)."""
        return self.skipped.get("blank_line", 0)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "kind": self.kind,
            "rows_in": self.rows_in,
            "rows_valid": self.rows_valid,
            "rows_quarantined": self.rows_quarantined,
            "by_reason": dict(self.by_reason),
            "blank_lines": self.blank_lines,
            "skipped": dict(self.skipped),
        }


@dataclass(frozen=True, kw_only=True)
class ValidationResult:
    """The outcome of :func:`validate`.

    Attributes:
        valid: typed canonical columns of the rows that passed, plus derived ``subject_kind``,
            unknown source columns, ``_source`` and ``_row``.
        quarantine: the rows that failed, with their original values (as given), unknown
            columns, ``_source``, ``_row`` and ``_reasons`` (list of ``"<column>:<check>"``).
        summary: row accounting and counts per reason.
    """

    valid: pl.DataFrame
    quarantine: pl.DataFrame
    summary: ValidationSummary


def _require_pandera_enabled() -> None:
    if not get_config_context().validation_enabled:
        raise ValidationDisabledError(
            "pandera validation is disabled (PANDERA_VALIDATION_ENABLED=False); "
            "credit_ledger will not report unvalidated data as valid"
        )


def _field_for(kind: RecordKind, name: str, column: pa.Column) -> Field:
    try:
        return kind.field(name)
    except KeyError:
        return Field(name=name, nullable=bool(column.nullable))


@dataclass
class _Inputs:
    """Per-column input handling: byte inspection, normalised text, typed value, and the
    failures they can show (encoding per column, parse and null)."""

    inspections: list[pl.Expr] = field(default_factory=list)
    norms: list[pl.Expr] = field(default_factory=list)
    typed: list[pl.Expr] = field(default_factory=list)
    plans: list[CheckPlan] = field(default_factory=list)
    encoding: dict[str, CheckPlan] = field(default_factory=dict)


def _input_plans(kind: RecordKind, schema: pa.DataFrameSchema, present: pl.Schema) -> _Inputs:
    inputs = _Inputs()
    for name, column in schema.columns.items():
        f = _field_for(kind, name, column)
        target = column.dtype.type
        raw = pl.col(_RAW + name)
        if target != pl.String and present[_RAW + name] == target:
            inputs.typed.append(raw.alias(name))
            value_missing = raw.is_null()
        else:
            inspected, finish = inspected_text(f, raw)
            inputs.inspections.append(inspected.alias(_INSPECTED + name))
            if present[_RAW + name] == pl.String:
                inputs.encoding[name] = CheckPlan(
                    reason=f"{name}:encoding",
                    failed=pl.col(_INSPECTED + name).struct.field(UNDECODABLE),
                )
            inputs.norms.append(finish(pl.col(_INSPECTED + name)).alias(_NORM + name))
            norm = pl.col(_NORM + name)
            inputs.typed.append(parsed(f, norm).cast(target, strict=False).alias(name))
            value_missing = norm.is_null()
            if f.dtype in _PARSE_REASON:
                inputs.plans.append(
                    CheckPlan(
                        reason=f"{name}:{_PARSE_REASON[f.dtype]}",
                        failed=norm.is_not_null() & pl.col(name).is_null(),
                    )
                )
        if not column.nullable:
            inputs.plans.append(CheckPlan(reason=f"{name}:not_null", failed=value_missing))
    return inputs


@dataclass(frozen=True)
class _Plans:
    kind: RecordKind  # kept with the entry, so its id stays its own
    schema: pa.DataFrameSchema  # idem
    inputs: _Inputs
    checks: tuple[CheckPlan, ...]
    derived: tuple[pl.Expr, ...]


_PLANS: dict[tuple[int, int, tuple[tuple[str, pl.DataType], ...]], _Plans] = {}
_PLANS_KEPT = 64


def _plans_for(kind: RecordKind, schema: pa.DataFrameSchema, present: pl.Schema) -> _Plans:
    """The input handling, check plans and derived columns of ``kind`` under ``schema`` for
    input columns ``present``, built once per combination (about 5 ms per kind, paid on every
    batch of a streamed validation otherwise)."""
    key = (id(kind), id(schema), tuple(present.items()))
    hit = _PLANS.get(key)
    if hit is None:
        inputs = _input_plans(kind, schema, present)
        hit = _Plans(
            kind=kind,
            schema=schema,
            inputs=inputs,
            checks=(*inputs.plans, *check_plans(schema)),
            derived=tuple(_derived(kind, list(schema.columns))),
        )
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.pop(next(iter(_PLANS)), None)
        _PLANS[key] = hit
    return hit


def _encoding_plan(inputs: _Inputs, column: str, raw: str, present: pl.Schema) -> CheckPlan | None:
    """Undecodable bytes arrive as U+FFFD (lossy decoding): quarantine them, naming the column."""
    if column in inputs.encoding:
        return inputs.encoding[column]
    if present[raw] != pl.String:
        return None
    failed = pl.col(raw).map_batches(
        _kernels.replacement_char_rows, return_dtype=pl.Boolean, is_elementwise=True
    )
    return CheckPlan(reason=f"{column}:encoding", failed=failed)


def _derived(kind: RecordKind, canonical: list[str]) -> list[pl.Expr]:
    """``subject_kind`` from the subject's code: by prefix where the column is checked as a
    credit code, otherwise by the full rules (ID numbers, masked codes)."""
    code = kind.subject_code
    if code is None or code not in canonical:
        return []
    holds_uscc = any(c.name == "uscc" for c in kind.field(code).checks)
    kind_of = ids.uscc_subject_kind_expr if holds_uscc else ids.subject_kind_expr
    return [kind_of(pl.col(code)).alias("subject_kind")]


def _content_id(kind: RecordKind, present: list[str]) -> pl.Expr:
    """A record id derived from the row's content, for sources without one: the same record
    delivered twice gets the same id (stable for one polars version)."""
    content = pl.concat_str(
        [pl.lit(kind.name), *(pl.col(c).cast(pl.String) for c in present)],
        separator="\x1f",
        ignore_nulls=True,
    )
    return pl.lit("h").add(content.hash(seed=0).cast(pl.String)).alias(kind.key)


def _known_duplicates(
    plan: CheckPlan, schema: pa.DataFrameSchema, duplicates: Mapping[str, pl.Series]
) -> CheckPlan:
    """A unique check that fails the rows holding a value known to be duplicated."""
    column = plan.reason.removesuffix(":unique")
    if column not in duplicates or column == plan.reason or not schema.columns[column].unique:
        return plan
    known = pl.col(column).is_in(duplicates[column].implode()).fill_null(False)
    return CheckPlan(reason=plan.reason, failed=known)


def _reasons(flags: pl.DataFrame, plans: list[CheckPlan]) -> tuple[pl.Series, dict[str, int]]:
    """The reasons of each failing row, in the order of ``plans``, and the number of rows per
    reason, from the rows' failure flags (one column per plan).

    The flags in long form, one row per failure, are grouped back by row and counted by
    reason, in one query. A list built per row from every plan would cost more than the rest
    of the validation.
    """
    if flags.height == 0:
        return pl.Series(REASONS, [], dtype=pl.List(pl.String)), {}
    reason_of = {c: p.reason for p, c in zip(plans, flags.columns, strict=True)}
    rows = flags.lazy().with_row_index(_QUARANTINED)
    failures = (
        rows.unpivot(index=_QUARANTINED, variable_name=_CHECK, value_name=_FAIL)
        .filter(pl.col(_FAIL))
        .select(
            _QUARANTINED,
            pl.col(_CHECK).replace_strict(reason_of, return_dtype=pl.String).alias(REASONS),
        )
    )
    # Rows keep their order within a group, and the flags were unpivoted plan by plan.
    per_row = rows.select(_QUARANTINED).join(
        failures.group_by(_QUARANTINED).agg(REASONS), on=_QUARANTINED, how="left"
    )
    counts = failures.group_by(REASONS).len().sort(["len", REASONS], descending=[True, False])
    reasons, counted = pl.collect_all(
        [per_row.sort(_QUARANTINED).select(REASONS), counts], engine=_ENGINE
    )
    return reasons[REASONS], dict(
        zip(counted[REASONS].to_list(), counted["len"].to_list(), strict=True)
    )


def validate(
    frame: pl.LazyFrame | pl.DataFrame,
    *,
    kind: str | RecordKind,
    schema: pa.DataFrameSchema | None = None,
    duplicates: Mapping[str, pl.Series] | None = None,
) -> ValidationResult:
    """Validate records of ``kind``: every row ends in ``valid`` or ``quarantine``.

    Text is normalised (trimmed; codes NFKC-folded, upper-cased and compacted; dates in
    ``YYYY-MM-DD``, ``YYYYMMDD`` or ``YYYY年MM月DD日``) and parsed to the schema's types. A value
    that does not parse quarantines its row with ``"<column>:<dtype>"``; it never becomes a
    silent null. A LazyFrame is validated in full (schema and data), in one query.

    Args:
        frame: records with the kind's canonical columns (e.g. from :func:`credit_ledger.read`);
            values may be text or already typed.
        kind: record kind name or declaration.
        schema: a pandera schema to use instead of the kind's own (e.g. with extra checks).
        duplicates: for a frame that is one batch of a larger input (see
            :func:`credit_ledger.validate_to_parquet`): per unique column, the typed values
            that occur more than once in the whole input. That column's unique check then
            fails exactly the rows holding one of them, instead of looking within ``frame``.

    Returns:
        :class:`ValidationResult` with ``valid``, ``quarantine`` and ``summary``.

    Raises:
        MissingColumnError: a required column is absent.
        ValidationDisabledError: pandera validation is disabled by the environment.

    Example:
        >>> result = validate(read("debtors.csv", kind="dishonest_debtor"),
        ...                   kind="dishonest_debtor")  # doctest: +SKIP
        >>> result.summary.rows_in == result.summary.rows_valid + result.summary.rows_quarantined
        True
    """
    _require_pandera_enabled()
    record_kind = get_kind(kind)
    schema = schema if schema is not None else record_kind.cached_schema()
    # Materialise the input once, in one chunk per column: the checks below read every column
    # several times, and Polars string kernels run much slower over many small chunks.
    data = frame.collect(engine=_ENGINE) if isinstance(frame, pl.LazyFrame) else frame
    skipped: dict[str, int] = {}
    if SKIP in data.columns:
        # Rows that are not records (blank lines, title rows): counted, never validated.
        counts = data.get_column(SKIP).drop_nulls().value_counts(sort=True)
        skipped = dict(zip(counts[SKIP].to_list(), counts["count"].to_list(), strict=True))
        data = (data.filter(pl.col(SKIP).is_null()) if skipped else data).drop(SKIP)
    lf = data.rechunk().lazy()
    names = lf.collect_schema().names()
    missing = [c for c in schema.columns if c not in names]
    required_missing = [
        c for c in missing if c not in record_kind.columns or record_kind.field(c).required
    ]
    if required_missing:
        raise MissingColumnError(
            f"record kind {record_kind.name!r} needs column(s) {', '.join(required_missing)}"
        )
    key = record_kind.key
    if key in missing:
        lf = lf.with_columns(_content_id(record_kind, [c for c in schema.columns if c in names]))
        missing.remove(key)
    if missing:
        lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
    if ROW not in names:
        lf = lf.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    if SOURCE not in names:
        lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias(SOURCE))

    canonical = list(schema.columns)
    faults = [c for c in names if c.startswith(FAULT)]
    internal = (ROW, SOURCE, OVERFLOW, *faults)
    extras = [c for c in names if c not in canonical and c not in internal]
    lf = lf.rename({c: _RAW + c for c in canonical})
    present = lf.collect_schema()
    cached = _plans_for(record_kind, schema, present)
    inputs, plans, derived = cached.inputs, list(cached.checks), list(cached.derived)
    if duplicates:
        plans = [_known_duplicates(p, schema, duplicates) for p in plans]
    for c in [*canonical, *extras]:
        plan = _encoding_plan(inputs, c, _RAW + c if c in canonical else c, present)
        if plan is not None:
            plans.append(plan)
    plans.extend(
        CheckPlan(reason=c.removeprefix(FAULT), failed=pl.col(c).fill_null(value=False))
        for c in faults
    )
    if OVERFLOW in names:
        plans.append(
            CheckPlan(
                reason="row:ragged", failed=pl.col(OVERFLOW).fill_null("").str.len_bytes() > 0
            )
        )
    fail_cols = [f"{_FAIL}{i}" for i in range(len(plans))]
    tail = [c for c in (OVERFLOW,) if c in names]
    # Normalised text is dropped before collecting: only raw values (for the quarantine),
    # typed and derived values and the failure flags leave the query.
    checked = (
        lf.with_columns(inputs.inspections)
        .with_columns(inputs.norms)
        .with_columns(inputs.typed)
        .select(
            *(_RAW + c for c in canonical),
            *canonical,
            *derived,
            *extras,
            SOURCE,
            ROW,
            *tail,
            *(p.failed.alias(c) for p, c in zip(plans, fail_cols, strict=True)),
        )
        .with_columns(pl.any_horizontal(fail_cols).alias(_FAIL))
    )
    kept = [*canonical, *(d.meta.output_name() for d in derived), *extras, SOURCE, ROW]
    # One query for both outputs: the checks run once (common subplan), the two filters after.
    valid, failing = pl.collect_all(
        [
            checked.filter(~pl.col(_FAIL)).select(kept),
            checked.filter(pl.col(_FAIL)).select(
                *(pl.col(_RAW + c).alias(c) for c in canonical),
                *extras,
                SOURCE,
                ROW,
                *tail,
                *fail_cols,
            ),
        ],
        engine=_ENGINE,
    )
    reasons, by_reason = _reasons(failing.select(fail_cols), plans)
    quarantine = failing.drop(fail_cols).with_columns(reasons)
    summary = ValidationSummary(
        kind=record_kind.name,
        rows_in=valid.height + quarantine.height,
        rows_valid=valid.height,
        rows_quarantined=quarantine.height,
        by_reason=by_reason,
        skipped=skipped,
    )
    return ValidationResult(valid=valid, quarantine=quarantine, summary=summary)
