"""Validation: one pass over a frame, every row ends valid or quarantined with its reasons.

The record kind is the single source of truth: each field yields its rules as named Polars
expressions (:meth:`Field.validation_rules`), the kind its row rules; they are evaluated in one
Polars query. The kind's pandera schema (:meth:`RecordKind.schema`) wraps the same expressions,
and pandera's own ``validate`` reaches the same verdicts, one query per check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final

import polars as pl
from pandera.config import get_config_context

from credit_ledger import _kernels, ids
from credit_ledger._parse import CONTROL, UNDECODABLE, inspected_text, parsed
from credit_ledger.errors import MissingColumnError, ValidationDisabledError
from credit_ledger.ingest import FAULT, OVERFLOW, ROW, SKIP, SOURCE
from credit_ledger.kinds import Field, RecordKind, get_kind

__all__ = ["REASONS", "WARNINGS", "ValidationResult", "ValidationSummary", "validate"]

REASONS = "_reasons"
"""Quarantine column: the list of reasons, each ``"<column>:<check>"`` or ``"row:<check>"``."""

WARNINGS = "_warnings"
"""Valid-row column: the list of warnings (same form as reasons), null when there are none.
A warning never quarantines: the record is usable, but not as the standard asks."""

_WARNED = "__warned__"
_WFLAG = "__warn__"

_RAW = "__raw__"
_INSPECTED = "__inspected__"
_NORM = "__norm__"
_FLAGS = "__flags__"
_NAMED_EXTRAS = 64
"""Beyond this many text columns the kind does not know, one ``row:control_char`` stands for
a control byte in any of them (a reason per column would cost more than the check)."""
_FAIL = "__fail__"
_QUARANTINED = "__quarantined__"
_CHECK = "__check__"
# The result is materialised anyway, and the in-memory engine evaluates the many
# per-column expressions (and the numpy kernels, once per column) faster than streaming.
_ENGINE: Final = "in-memory"
_CHUNKS_KEPT: Final = 8


@dataclass(frozen=True, kw_only=True)
class CheckPlan:
    """One check to evaluate: its reason text and the expression that is True on failure."""

    reason: str
    failed: pl.Expr
    warn: bool = False


def _plans(rules: Mapping[str, pl.Expr], *, warn: bool = False) -> list[CheckPlan]:
    return [CheckPlan(reason=r, failed=~passes, warn=warn) for r, passes in rules.items()]


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
        warnings: number of valid rows with each warning (a row may have several).
        missing_standard: per source (``_source``), the standard columns its file lacks: one
            entry per file and column, never one per row.
    """

    kind: str
    rows_in: int
    rows_valid: int
    rows_quarantined: int
    by_reason: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    missing_standard: dict[str, list[str]] = field(default_factory=dict)

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
            "warnings": dict(self.warnings),
            "missing_standard": {k: list(v) for k, v in self.missing_standard.items()},
        }


@dataclass(frozen=True, kw_only=True)
class ValidationResult:
    """The outcome of :func:`validate`.

    Attributes:
        valid: typed canonical columns of the rows that passed, plus derived ``subject_kind``
            and the kind's derived columns, unknown source columns, ``_source``, ``_row`` and
            ``_warnings`` (list of ``"<column>:<check>"``, null when none).
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


@dataclass
class _Inputs:
    """Per-column input handling: byte inspection, normalised text, typed value, and the
    failures they can show (encoding and control bytes per column, parse and null)."""

    inspections: list[pl.Expr] = field(default_factory=list)
    norms: list[pl.Expr] = field(default_factory=list)
    typed: list[pl.Expr] = field(default_factory=list)
    plans: list[CheckPlan] = field(default_factory=list)
    encoding: dict[str, CheckPlan] = field(default_factory=dict)
    control: list[CheckPlan] = field(default_factory=list)
    fallbacks: list[pl.Expr] = field(default_factory=list)
    raw: list[pl.Expr] = field(default_factory=list)


def _input_plans(kind: RecordKind, present: pl.Schema, absent: frozenset[str]) -> _Inputs:
    inputs = _Inputs()
    for f in kind.fields:
        name, target = f.name, f.polars_dtype
        raw = pl.col(_RAW + name)
        text: pl.Expr | None = None
        if target != pl.String and present[_RAW + name] == target:
            inputs.typed.append(raw.alias(name))
        else:
            inspected, finish = inspected_text(f, raw)
            inputs.inspections.append(inspected.alias(_INSPECTED + name))
            if present[_RAW + name] == pl.String:
                inputs.encoding[name] = CheckPlan(
                    reason=f"{name}:encoding",
                    failed=pl.col(_INSPECTED + name).struct.field(UNDECODABLE),
                    warn=_free_text(f),
                )
                inputs.control.append(
                    CheckPlan(
                        reason=f"{name}:control_char",
                        failed=pl.col(_INSPECTED + name).struct.field(CONTROL),
                    )
                )
            inputs.norms.append(finish(pl.col(_INSPECTED + name)).alias(_NORM + name))
            text = pl.col(_NORM + name)
            value = f.parse(text) if f.parse is not None else parsed(f, text)
            inputs.typed.append(value.cast(target, strict=False).alias(name))
        if f.fallback is not None:
            inputs.fallbacks.append(pl.coalesce(pl.col(name), f.fallback).alias(name))
        warnings = f.value_rules(pl.col(name), text=text, warnings=True)
        warnings.pop(f"{name}:incomplete" if name in absent else "", None)
        # Reasons after warnings, per column, as reported since the first release.
        inputs.plans.extend(_plans(warnings, warn=True))
        inputs.plans.extend(_plans(f.value_rules(pl.col(name), text=text)))
        if f.keep_raw:
            inputs.raw.append(pl.col(_RAW + name).cast(pl.String).alias(f"{name}_raw"))
    return inputs


@dataclass(frozen=True)
class _Plans:
    kind: RecordKind  # kept with the entry, so its id stays its own
    inputs: _Inputs
    checks: tuple[CheckPlan, ...]
    derived: tuple[pl.Expr, ...]
    early: tuple[pl.Expr, ...]


_PLANS: dict[
    tuple[int, tuple[tuple[str, pl.DataType], ...], frozenset[str], int | None], _Plans
] = {}
_PLANS_KEPT = 64


def _plans_for(
    kind: RecordKind, present: pl.Schema, absent: frozenset[str], latest_year: int | None
) -> _Plans:
    """The input handling, check plans and derived columns of ``kind`` for input columns
    ``present`` (``absent``: added as nulls), built once per combination (paid on every batch
    of a streamed validation otherwise)."""
    key = (id(kind), tuple(present.items()), absent, latest_year)
    hit = _PLANS.get(key)
    if hit is None:
        inputs = _input_plans(kind, present, absent)
        declared: list[CheckPlan] = []
        for f in kind.fields:
            declared.extend(_plans(f.check_rules(pl.col(f.name))))
            declared.extend(_plans(f.check_rules(pl.col(f.name), warnings=True), warn=True))
        hit = _Plans(
            kind=kind,
            inputs=inputs,
            checks=(
                *inputs.plans,
                *declared,
                *_plans(kind.row_rules()),
                *_plans(kind.row_rules(warnings=True), warn=True),
                *_future_years(kind, latest_year),
                *(
                    CheckPlan(reason=d.warning, failed=pl.col(d.name).is_not_null(), warn=True)
                    for d in kind.derived
                    if d.warning is not None
                ),
            ),
            derived=(
                *_derived(kind),
                *inputs.raw,
                *(
                    pl.col(d.name) if d.warning is not None else d.expr.alias(d.name)
                    for d in kind.derived
                ),
            ),
            # Derived values with a warning are computed once, before the checks read them.
            early=tuple(d.expr.alias(d.name) for d in kind.derived if d.warning is not None),
        )
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.pop(next(iter(_PLANS)), None)
        _PLANS[key] = hit
    return hit


def _free_text(f: Field) -> bool:
    """Text that does not identify the record (not a name, code, number or date): an
    undecodable byte in it is a warning, elsewhere a reason."""
    identifying = not (f.nullable or f.standard) or f.fallback is not None
    return f.dtype == "str" and f.normalize == "text" and not identifying


def _extra_plans(
    extras: list[str], present: pl.Schema
) -> tuple[list[pl.Expr], list[CheckPlan], list[CheckPlan]]:
    """For the text columns the kind does not know: their kernel flags (one pass over each
    column's bytes), the encoding warnings and the control-byte reasons they give.

    Undecodable bytes arrive as U+FFFD (lossy decoding): a warning naming the column. A control
    byte (a NUL, an escape) quarantines the row, naming the column; beyond
    :data:`_NAMED_EXTRAS` such columns, as ``row:control_char``.
    """
    text = [c for c in extras if present[c] == pl.String]
    wanted = _kernels.REPLACEMENT | _kernels.CONTROL
    flags = [
        pl.col(c)
        .map_batches(
            partial(_kernels.flag_column, wanted=wanted),
            return_dtype=pl.UInt8,
            is_elementwise=True,
        )
        .alias(_FLAGS + c)
        for c in text
    ]

    def has(c: str, bit: int) -> pl.Expr:
        return (pl.col(_FLAGS + c) & bit) != 0

    encoding = [
        CheckPlan(reason=f"{c}:encoding", failed=has(c, _kernels.REPLACEMENT), warn=True)
        for c in text
    ]
    if len(text) > _NAMED_EXTRAS:
        failed = pl.any_horizontal(has(c, _kernels.CONTROL) for c in text)
        control = [CheckPlan(reason="row:control_char", failed=failed)]
    else:
        control = [
            CheckPlan(reason=f"{c}:control_char", failed=has(c, _kernels.CONTROL)) for c in text
        ]
    return flags, encoding, control


def _derived(kind: RecordKind) -> list[pl.Expr]:
    """``subject_kind`` from the subject's code: by prefix where the column is checked as a
    credit code, otherwise by the full rules (ID numbers, masked codes)."""
    code = kind.subject_code
    if code is None or code not in kind.columns:
        return []
    holds_uscc = any(c.name == "uscc" for c in kind.field(code).checks)
    kind_of = ids.uscc_subject_kind_expr if holds_uscc else ids.subject_kind_expr
    return [kind_of(pl.col(code)).alias("subject_kind")]


def _future_years(kind: RecordKind, latest: int | None) -> list[CheckPlan]:
    """Case numbers filed in a year after the run's ``as_of`` cannot exist (a typing error)."""
    if latest is None:
        return []
    return [
        CheckPlan(
            reason=f"{f.name}:future_year", failed=ids.case_no_year_expr(pl.col(f.name)) > latest
        )
        for f in kind.fields
        if f.normalize == "case_no"
    ]


def _known_duplicates(
    plan: CheckPlan, kind: RecordKind, duplicates: Mapping[str, pl.Series]
) -> CheckPlan:
    """A unique check that fails the rows holding a value known to be duplicated."""
    column = plan.reason.removesuffix(":unique")
    if column not in duplicates or column == plan.reason or not kind.field(column).unique:
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


def _with_warnings(
    valid: pl.DataFrame, warn_cols: list[str], warn_plans: list[CheckPlan]
) -> tuple[pl.DataFrame, dict[str, int]]:
    """``valid`` with its warning flags folded into the ``_warnings`` list column (built only
    for the rows that have one: few, in most sources) and the number of rows per warning."""
    empty = pl.lit(None, dtype=pl.List(pl.String)).alias(WARNINGS)
    if not warn_cols:
        return valid.with_columns(empty), {}
    warned = valid.select(pl.any_horizontal(warn_cols)).to_series().arg_true()
    if len(warned) == 0:
        return valid.drop(warn_cols).with_columns(empty), {}
    lists, counts = _reasons(valid.select(warn_cols).gather(warned), warn_plans)
    at = pl.DataFrame({_WARNED: warned, WARNINGS: lists})
    out = (
        valid.drop(warn_cols)
        .with_row_index(_WARNED)
        .join(at, on=_WARNED, how="left", maintain_order="left")
        .drop(_WARNED)
    )
    return out, counts


def _missing_standard(
    kind: RecordKind, absent: frozenset[str], data: pl.DataFrame, names: list[str]
) -> dict[str, list[str]]:
    """The standard columns absent from the input, once per source file in it."""
    lacking = [f.name for f in kind.fields if f.standard and f.name in absent]
    if not lacking:
        return {}
    sources = data[SOURCE].drop_nulls().unique().sort().to_list() if SOURCE in names else []
    return {str(s): lacking for s in sources or ["<frame>"]}


def validate(
    frame: pl.LazyFrame | pl.DataFrame,
    *,
    kind: str | RecordKind,
    duplicates: Mapping[str, pl.Series] | None = None,
    as_of: dt.date | None = None,
) -> ValidationResult:
    """Validate records of ``kind``: every row ends in ``valid`` or ``quarantine``.

    Text is normalised (trimmed; codes NFKC-folded, upper-cased and compacted; dates in
    ``YYYY-MM-DD``, ``YYYYMMDD`` or ``YYYY年MM月DD日``) and parsed to the kind's types. A value
    that does not parse quarantines its row with ``"<column>:<dtype>"``; it never becomes a
    silent null. A LazyFrame is validated in full (schema and data), in one query.

    Args:
        frame: records with the kind's canonical columns (e.g. from :func:`credit_ledger.read`);
            values may be text or already typed.
        kind: record kind name or declaration (a declaration of your own may add checks).
        duplicates: for a frame that is one batch of a larger input (see
            :func:`credit_ledger.validate_to_parquet`): per unique column, the typed values
            that occur more than once in the whole input. That column's unique check then
            fails exactly the rows holding one of them, instead of looking within ``frame``.
        as_of: the run date: a case number filed in a later year is quarantined
            (``<column>:future_year``). Without it, years up to 2099 pass.

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
    canonical = list(record_kind.columns)
    # Materialise the input once, in few chunks per column: the checks below read every column
    # several times, and Polars string kernels run much slower over many small chunks (a
    # few large ones, as a Parquet file's row groups give, cost less than copying them).
    data = frame.collect(engine=_ENGINE) if isinstance(frame, pl.LazyFrame) else frame
    data, skipped = _without_skipped(data)
    if data.width and max(data.n_chunks("all")) > _CHUNKS_KEPT:
        data = data.rechunk()
    lf = data.lazy()
    names = lf.collect_schema().names()
    missing = [c for c in canonical if c not in names]
    required_missing = [c for c in missing if record_kind.field(c).required]
    if required_missing:
        raise MissingColumnError(
            f"record kind {record_kind.name!r} needs column(s) {', '.join(required_missing)}"
        )
    # A standard column a reader added empty (the file lacks it) is absent too: reported once
    # for the file, not as a blank value on every row. Null counts are known without a pass.
    empty = [
        c for c in names if c in record_kind.columns and record_kind.field(c).standard
        and data.height and data[c].null_count() == data.height
    ]  # fmt: skip
    absent = frozenset([*missing, *empty])
    key = record_kind.key
    if key in missing:
        lf = lf.with_columns(record_kind.content_id([c for c in canonical if c in names]))
        missing.remove(key)
    if missing:
        lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
    lf = _with_provenance(lf, names)

    faults = [c for c in names if c.startswith(FAULT)]
    internal = (ROW, SOURCE, OVERFLOW, *faults)
    extras = [c for c in names if c not in canonical and c not in internal]
    lf = lf.rename({c: _RAW + c for c in canonical})
    present = lf.collect_schema()
    latest_year = None if as_of is None else as_of.year
    cached = _plans_for(record_kind, present, absent, latest_year)
    inputs, derived, early = cached.inputs, list(cached.derived), list(cached.early)
    plans = [p for p in cached.checks if not p.warn]
    warn_plans = [p for p in cached.checks if p.warn]
    if duplicates:
        plans = [_known_duplicates(p, record_kind, duplicates) for p in plans]
    extra_flags, extra_encoding, extra_control = _extra_plans(extras, present)
    # Undecodable bytes: a reason in an identifying column, a warning in free text.
    for plan in [*(inputs.encoding[c] for c in canonical if c in inputs.encoding), *extra_encoding]:
        (warn_plans if plan.warn else plans).append(plan)
    plans.extend([*inputs.control, *extra_control])
    plans.extend(_shape_plans(faults, ragged=OVERFLOW in names))
    fail_cols = [f"{_FAIL}{i}" for i in range(len(plans))]
    warn_cols = [f"{_WFLAG}{i}" for i in range(len(warn_plans))]
    tail = [c for c in (OVERFLOW,) if c in names]
    # Normalised text is dropped before collecting: only raw values (for the quarantine),
    # typed and derived values and the failure flags leave the query.
    checked = (
        lf.with_columns(*inputs.inspections, *extra_flags)
        .with_columns(inputs.norms)
        .with_columns(inputs.typed)
        .with_columns(inputs.fallbacks)
        .with_columns(early)
        .select(
            *(_RAW + c for c in canonical),
            *canonical,
            *derived,
            *extras,
            SOURCE,
            ROW,
            *tail,
            *(p.failed.alias(c) for p, c in zip(plans, fail_cols, strict=True)),
            *(
                p.failed.fill_null(False).alias(c)
                for p, c in zip(warn_plans, warn_cols, strict=True)
            ),
        )
        .with_columns(pl.any_horizontal(fail_cols).alias(_FAIL))
    )
    kept = [*canonical, *(d.meta.output_name() for d in derived), *extras, SOURCE, ROW]
    valid, failing = _split(
        checked,
        [*kept, *warn_cols],
        [*(pl.col(_RAW + c).alias(c) for c in canonical), *extras, SOURCE, ROW, *tail, *fail_cols],
    )
    reasons, by_reason = _reasons(failing.select(fail_cols), plans)
    quarantine = failing.drop(fail_cols).with_columns(reasons)
    valid, warnings = _with_warnings(valid, warn_cols, warn_plans)
    summary = ValidationSummary(
        kind=record_kind.name,
        rows_in=valid.height + quarantine.height,
        rows_valid=valid.height,
        rows_quarantined=quarantine.height,
        by_reason=by_reason,
        skipped=skipped,
        warnings=warnings,
        missing_standard=_missing_standard(record_kind, absent, data, names),
    )
    return ValidationResult(valid=valid, quarantine=quarantine, summary=summary)


def _split(
    checked: pl.LazyFrame, valid: list[str], failing: list[pl.Expr | str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The columns ``valid`` of the rows that pass and ``failing`` of those that fail.

    The checks run once; both outputs are filtered from their result (two lazy filters of
    one query re-ran much of it, and cost more than the checks of a clean frame).
    """
    flagged = checked.collect(engine=_ENGINE)
    failed = flagged.get_column(_FAIL)
    return flagged.select(valid).filter(~failed), flagged.select(failing).filter(failed)


def _without_skipped(data: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """Rows that are not records (blank lines, title rows): counted by why, never validated."""
    if SKIP not in data.columns:
        return data, {}
    counts = data.get_column(SKIP).drop_nulls().value_counts(sort=True)
    skipped = dict(zip(counts[SKIP].to_list(), counts["count"].to_list(), strict=True))
    return (data.filter(pl.col(SKIP).is_null()) if skipped else data).drop(SKIP), skipped


def _shape_plans(faults: list[str], *, ragged: bool) -> list[CheckPlan]:
    """Damage the reader found in a row (a broken JSON line, a surplus field)."""
    plans = [
        CheckPlan(reason=c.removeprefix(FAULT), failed=pl.col(c).fill_null(value=False))
        for c in faults
    ]
    if ragged:
        failed = pl.col(OVERFLOW).fill_null("").str.len_bytes() > 0
        plans.append(CheckPlan(reason="row:ragged", failed=failed))
    return plans


def _with_provenance(lf: pl.LazyFrame, names: list[str]) -> pl.LazyFrame:
    """``_row`` and ``_source`` for a frame that did not come from a reader."""
    if ROW not in names:
        lf = lf.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    if SOURCE not in names:
        lf = lf.with_columns(pl.lit(None, dtype=pl.String).alias(SOURCE))
    return lf
