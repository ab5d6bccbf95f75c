"""The pandera ``DataFrameSchema`` of a :class:`RecordKind`, generated from its rules.

Types, nullability and uniqueness are pandera's own column properties; every other check is a
``pa.Check`` whose function evaluates the rule the kind declares
(:meth:`Field.check_rules`, :meth:`RecordKind.row_rules`), the very expression
:func:`credit_ledger.validate` evaluates in its one pass. pandera runs them one query each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandera.polars as pa
import polars as pl

if TYPE_CHECKING:
    from credit_ledger.contracts._kind import Field, RecordKind


def _check(reason: str, passes: pl.Expr, *, warn: bool, about: str = "") -> pa.Check:
    """A pandera check evaluating ``passes`` (never null) over the frame; named after the part
    of ``reason`` after ``:``. With ``warn``, pandera warns instead of failing."""

    def check_fn(data: Any) -> pl.LazyFrame:
        frame: pl.LazyFrame = data.lazyframe
        return frame.select(passes)

    name = reason.partition(":")[2]
    return pa.Check(check_fn, name=name, description=about or None, raise_warning=warn)


def _column(f: Field) -> pa.Column:
    col = pl.col(f.name)
    about = {f"{f.name}:{c.name}": c.description for c in f.checks}
    if f.enum is not None:
        about[f"{f.name}:enum"] = f"one of {list(f.enum)}"
    checks = [
        _check(reason, passes, warn=warn, about=about.get(reason, ""))
        for warn in (False, True)
        for reason, passes in f.check_rules(col, warnings=warn).items()
        if reason != f"{f.name}:unique"  # pandera's own ``unique``
    ]
    return pa.Column(
        f.polars_dtype,
        nullable=f.may_be_null,
        unique=f.unique,
        checks=checks,
        required=True,
        description=f.description or None,
        title=f.aliases[0] if f.aliases else None,
    )


def build_schema(kind: RecordKind) -> pa.DataFrameSchema:
    """The pandera schema of ``kind`` over its typed canonical columns."""
    about = {f"row:{c.name}": c.description for c in kind.row_checks}
    return pa.DataFrameSchema(
        {f.name: _column(f) for f in kind.fields},
        checks=[
            _check(reason, passes, warn=warn, about=about.get(reason, ""))
            for warn in (False, True)
            for reason, passes in kind.row_rules(warnings=warn).items()
        ],
        name=kind.name,
        title=kind.title,
        description=kind.description or None,
        strict=False,
        metadata={"credit_ledger": {"kind": kind.name, "version": kind.version}},
    )
