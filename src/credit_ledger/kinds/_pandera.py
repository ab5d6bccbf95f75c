"""Build a ``pandera.polars.DataFrameSchema`` from a :class:`RecordKind`.

Every check carries its Polars expression (attribute :data:`EXPR_ATTR`), so
:mod:`credit_ledger.validate` can evaluate all checks of a schema in one pass while pandera's
own ``validate`` runs the very same expressions one query at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandera.polars as pa
import polars as pl

from credit_ledger.contracts._kind import enum_build

if TYPE_CHECKING:
    from credit_ledger.contracts._kind import Field, RecordKind

#: Attribute set on every ``pa.Check`` built here: a function ``(column expr) -> Boolean expr``
#: for column checks, or a Boolean ``pl.Expr`` for dataframe-level checks.
EXPR_ATTR = "credit_ledger_expr"


def column_check(
    name: str, build: Callable[[pl.Expr], pl.Expr], error: str = "", *, warn: bool = False
) -> pa.Check:
    """A pandera column check defined by a Polars expression builder; null passes. With
    ``warn``, pandera raises a warning instead of an error (``raise_warning``)."""

    def check_fn(data: Any) -> pl.LazyFrame:
        frame: pl.LazyFrame = data.lazyframe
        return frame.select(build(pl.col(data.key)).fill_null(True))

    check = pa.Check(check_fn, name=name, description=error or None, raise_warning=warn)
    setattr(check, EXPR_ATTR, build)
    return check


def frame_check(name: str, expr: pl.Expr, error: str = "", *, warn: bool = False) -> pa.Check:
    """A pandera dataframe-level check defined by one Boolean Polars expression; null passes."""

    def check_fn(data: Any) -> pl.LazyFrame:
        frame: pl.LazyFrame = data.lazyframe
        return frame.select(expr.fill_null(True))

    check = pa.Check(check_fn, name=name, description=error or None, raise_warning=warn)
    setattr(check, EXPR_ATTR, expr)
    return check


def _column(f: Field) -> pa.Column:
    checks: list[pa.Check] = []
    if f.enum is not None:
        build = enum_build(f.enum, f.multi)
        checks.append(column_check("enum", build, f"one of {list(f.enum)}", warn=f.enum_warn))
    checks.extend(column_check(c.name, c.build, c.description, warn=c.warn) for c in f.checks)
    return pa.Column(
        f.polars_dtype,
        nullable=f.nullable or f.standard or f.fallback is not None,
        unique=f.unique,
        checks=checks,
        required=True,
        description=f.description or None,
        title=f.aliases[0] if f.aliases else None,
    )


def build_schema(kind: RecordKind) -> pa.DataFrameSchema:
    """The pandera schema of ``kind`` over its typed canonical columns."""
    return pa.DataFrameSchema(
        {f.name: _column(f) for f in kind.fields},
        checks=[frame_check(c.name, c.expr, c.description, warn=c.warn) for c in kind.row_checks],
        name=kind.name,
        title=kind.title,
        description=kind.description or None,
        strict=False,
        metadata={"credit_ledger": {"kind": kind.name, "version": kind.version}},
    )
