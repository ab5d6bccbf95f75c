"""Peer libraries on the same data: pandera (whole schemas), and a small check subset through
credit_ledger, hand-written Polars, pandera, dataframely and pointblank.

Every peer gets frames already parsed to the schema's types (``typed/``), loaded before the
timing starts: none of them parses text, so parsing is left out of their figures.

The **subset** (``admin_penalty``, 7 columns, 15 checks: 7 dtypes, 5 not-null, 2 USCC
regex, 1 range), the same in every library:

* dtypes: ``record_id``, ``subject_name``, ``subject_uscc``, ``authority_uscc`` String;
  ``fine_yuan`` Decimal(38, 2); ``decision_date``, ``penalty_valid_to`` Date;
* not null: ``record_id``, ``subject_name``, ``authority_uscc``, ``decision_date``,
  ``penalty_valid_to`` (``subject_uscc`` and ``fine_yuan`` nullable);
* USCC format regex (:data:`USCC_FORMAT`, no check digit) on ``subject_uscc`` and
  ``authority_uscc``, null passing;
* range: ``fine_yuan >= 0``, null passing. pointblank's ``col_vals_ge`` fails on a Decimal
  column (it calls ``is_nan``), so pointblank gets that one check as ``col_vals_expr``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from benchmarks._cases import Case, Context, Prepared

__all__ = ["SUBSET_COLUMNS", "USCC_FORMAT", "peer_cases"]

KIND = "admin_penalty"
USCC_FORMAT = "^[1-9ANY][0-9]{7}[0-9A-HJ-NPQRTUWXY]{10}$"
SUBSET_COLUMNS = (
    "record_id",
    "subject_name",
    "subject_uscc",
    "authority_uscc",
    "fine_yuan",
    "decision_date",
    "penalty_valid_to",
)
NOT_NULL = ("record_id", "subject_name", "authority_uscc", "decision_date", "penalty_valid_to")
REGEX = ("subject_uscc", "authority_uscc")
DTYPES: dict[str, pl.DataType] = {
    "record_id": pl.String(),
    "subject_name": pl.String(),
    "subject_uscc": pl.String(),
    "authority_uscc": pl.String(),
    "fine_yuan": pl.Decimal(38, 2),
    "decision_date": pl.Date(),
    "penalty_valid_to": pl.Date(),
}


def _typed(ctx: Context, kinds: list[str] | None = None) -> dict[str, pl.DataFrame]:
    files = ctx.data.files("typed")
    return {k: pl.read_parquet(p) for k, p in files.items() if kinds is None or k in kinds}


def _subset_frame(ctx: Context) -> pl.DataFrame:
    return _typed(ctx, [KIND])[KIND].select(SUBSET_COLUMNS)


def _pandera_full(ctx: Context) -> Prepared:
    from pandera.config import ValidationDepth, config_context  # noqa: PLC0415
    from pandera.errors import SchemaErrors  # noqa: PLC0415

    import credit_ledger  # noqa: PLC0415

    frames = _typed(ctx)
    schemas = {k: credit_ledger.schema(k) for k in frames}

    def run() -> dict[str, Any]:
        failures = 0
        with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            for kind, frame in frames.items():
                try:
                    schemas[kind].validate(frame.lazy(), lazy=True).collect()
                except SchemaErrors as exc:
                    failures += exc.failure_cases.height
        return {"failure_cases": failures}

    return Prepared(run=run)


def _pandera_scan(ctx: Context) -> Prepared:
    """pandera on a Parquet scan of the typed files: how often it reads the source."""
    from pandera.config import ValidationDepth, config_context  # noqa: PLC0415
    from pandera.errors import SchemaErrors  # noqa: PLC0415

    import credit_ledger  # noqa: PLC0415

    files = ctx.data.files("typed")

    def run() -> dict[str, Any]:
        failures = 0
        with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            for kind, path in files.items():
                try:
                    credit_ledger.schema(kind).validate(pl.scan_parquet(path), lazy=True).collect()
                except SchemaErrors as exc:
                    failures += exc.failure_cases.height
        return {"failure_cases": failures}

    return Prepared(run=run)


def subset_pandera_schema() -> Any:
    """The subset as a pandera schema, with pandera's built-in checks."""
    import pandera.polars as pa  # noqa: PLC0415

    def column(name: str) -> Any:
        checks = []
        if name in REGEX:
            checks.append(pa.Check.str_matches(USCC_FORMAT))
        if name == "fine_yuan":
            checks.append(pa.Check.ge(0))
        return pa.Column(DTYPES[name], checks, nullable=name not in NOT_NULL)

    return pa.DataFrameSchema({name: column(name) for name in SUBSET_COLUMNS})


def subset_kind(*, regex: bool = False) -> Any:
    """The subset as a record kind of its own, what credit_ledger validates against.

    The USCC format check is declared as the built-in kinds declare it
    (``ids.uscc_expr(level="format")``: the same rule as :data:`USCC_FORMAT`, run by the byte
    kernel); with ``regex``, as the regex itself (``str.contains``), as the other peers run it.
    """
    from credit_ledger import ids  # noqa: PLC0415
    from credit_ledger.kinds import ColumnCheck, Field, RecordKind  # noqa: PLC0415

    dtypes = {pl.String(): "str", pl.Decimal(38, 2): "decimal", pl.Date(): "date"}

    def uscc_format(c: pl.Expr) -> pl.Expr:
        return c.str.contains(USCC_FORMAT) if regex else ids.uscc_expr(c, level="format")

    def field(name: str) -> Any:
        checks = []
        if name in REGEX:
            checks.append(ColumnCheck(name="uscc_format", build=uscc_format))
        if name == "fine_yuan":
            checks.append(ColumnCheck(name="non_negative", build=lambda c: c >= 0))
        dtype = dtypes[DTYPES[name]]
        return Field(name=name, dtype=dtype, nullable=name not in NOT_NULL, checks=tuple(checks))

    fields = tuple(field(name) for name in SUBSET_COLUMNS)
    return RecordKind(name=KIND, version=1, title="check subset", fields=fields)


def _subset_credit_ledger(ctx: Context) -> Prepared:
    import credit_ledger  # noqa: PLC0415

    frame, kind = _subset_frame(ctx), subset_kind()

    def run() -> dict[str, Any]:
        result = credit_ledger.validate(frame, kind=kind)
        return {"rows_valid": result.summary.rows_valid}

    return Prepared(run=run)


def _subset_polars(ctx: Context) -> Prepared:
    frame = _subset_frame(ctx)
    failed = [pl.col(c).is_null() for c in NOT_NULL]
    failed += [~pl.col(c).str.contains(USCC_FORMAT).fill_null(True) for c in REGEX]
    failed.append(~(pl.col("fine_yuan") >= 0).fill_null(True))

    def run() -> dict[str, Any]:
        if frame.schema != pl.Schema(DTYPES):
            raise TypeError("dtypes differ")
        flagged = frame.lazy().with_columns(pl.any_horizontal(failed).alias("_failed")).collect()
        return {"rows_valid": flagged.filter(~pl.col("_failed")).height}

    return Prepared(run=run)


def _subset_pandera(ctx: Context) -> Prepared:
    from pandera.config import ValidationDepth, config_context  # noqa: PLC0415
    from pandera.errors import SchemaErrors  # noqa: PLC0415

    frame, schema = _subset_frame(ctx), subset_pandera_schema()

    def run() -> dict[str, Any]:
        with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
            try:
                schema.validate(frame.lazy(), lazy=True).collect()
            except SchemaErrors as exc:
                return {"failure_cases": exc.failure_cases.height}
        return {"failure_cases": 0}

    return Prepared(run=run)


def _subset_dataframely(ctx: Context) -> Prepared:
    import dataframely as dy  # noqa: PLC0415

    class PenaltySubset(dy.Schema):  # the same 15 checks as the other subsets
        record_id = dy.String()
        subject_name = dy.String()
        subject_uscc = dy.String(nullable=True, regex=USCC_FORMAT)
        authority_uscc = dy.String(regex=USCC_FORMAT)
        fine_yuan = dy.Decimal(38, 2, nullable=True, min=Decimal(0))
        decision_date = dy.Date()
        penalty_valid_to = dy.Date()

    frame = _subset_frame(ctx)

    def run() -> dict[str, Any]:
        valid, failure = PenaltySubset.filter(frame)
        return {"rows_valid": valid.height, "failures": sum(failure.counts().values())}

    return Prepared(run=run)


def _subset_pointblank(ctx: Context) -> Prepared:
    import pointblank as pb  # type: ignore[import-untyped]  # noqa: PLC0415 - no py.typed

    frame = _subset_frame(ctx)
    schema = pb.Schema(columns=[(c, str(d)) for c, d in DTYPES.items()])
    fine_ok = pl.col("fine_yuan").is_null() | (pl.col("fine_yuan") >= 0)

    def run() -> dict[str, Any]:
        v = (
            pb.Validate(data=frame)
            .col_schema_match(schema)
            .col_vals_not_null(columns=list(NOT_NULL))
            .col_vals_regex(columns=list(REGEX), pattern=USCC_FORMAT, na_pass=True)
            .col_vals_expr(expr=fine_ok)
            .interrogate()
        )
        return {"failed_test_units": sum(v.n_failed().values())}

    return Prepared(run=run)


def _subset(name: str, title: str, prepare: Any, requires: str | None = None) -> Case:
    return Case(
        name=f"subset.{name}",
        title=f"subset (admin_penalty, 15 checks): {title}",
        group="peer",
        prepare=prepare,
        kinds=(KIND,),
        requires=requires,
    )


def peer_cases() -> list[Case]:
    """pandera on whole schemas, then the subset in every library."""
    return [
        Case(
            name="pandera.full",
            title="pandera `validate(lazy=True)`, SCHEMA_AND_DATA, typed frames in memory",
            group="peer",
            prepare=_pandera_full,
        ),
        Case(
            name="pandera.scan",
            title="pandera `validate(lazy=True)` on `pl.scan_parquet` of the typed files",
            group="peer",
            prepare=_pandera_scan,
            inputs="typed",
        ),
        _subset("credit_ledger", "credit_ledger `validate` (a subset kind)", _subset_credit_ledger),
        _subset("polars", "hand-written Polars, one pass", _subset_polars),
        _subset("pandera", "pandera `validate(lazy=True)`", _subset_pandera),
        _subset("dataframely", "dataframely `Schema.filter`", _subset_dataframely, "dataframely"),
        _subset(
            "pointblank", "pointblank `Validate.interrogate`", _subset_pointblank, "pointblank"
        ),
    ]
