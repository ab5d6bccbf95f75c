"""The declaration model of a record kind: fields, header aliases, types and checks.

A :class:`RecordKind` is plain data. :func:`credit_ledger.kinds.schema` turns it into a real
``pandera.polars.DataFrameSchema``; that schema is the single source of truth for what is
checked, and :mod:`credit_ledger.validate` compiles it into one Polars pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Dtype = Literal["str", "date", "int", "decimal", "rate", "bool"]
Normalize = Literal["text", "code", "case_no", "none"]

#: Polars type of each declared dtype. Money is ``Decimal(38, 2)`` in yuan, never a float.
POLARS_DTYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "date": pl.Date(),
    "int": pl.Int64(),
    "decimal": pl.Decimal(38, 2),
    "rate": pl.Decimal(38, 8),
    "bool": pl.Boolean(),
}


@dataclass(frozen=True, kw_only=True)
class ColumnCheck:
    """A check on one column: ``build(pl.col(name))`` gives a Boolean expression.

    True passes, False fails, and null passes (nullability is checked separately).
    """

    name: str
    build: Callable[[pl.Expr], pl.Expr]
    description: str = ""
    warn: bool = False
    """A failure is a warning on a valid row (``_warnings``), not a quarantine reason."""


@dataclass(frozen=True, kw_only=True)
class RowCheck:
    """A check across several columns of one record; True and null pass."""

    name: str
    expr: pl.Expr
    columns: tuple[str, ...]
    description: str = ""
    warn: bool = False
    """A failure is a warning on a valid row (``_warnings``), not a quarantine reason."""


@dataclass(frozen=True, kw_only=True)
class Derived:
    """A column derived at validation from the typed columns of a valid row (a flag, a style)."""

    name: str
    expr: pl.Expr
    description: str = ""
    warning: str | None = None
    """When set, a row where the value is not null has this warning (``"<column>:<check>"``):
    e.g. an amount read from free text, never taken silently."""


@dataclass(frozen=True, kw_only=True)
class Field:
    """One canonical column of a record kind.

    Attributes:
        name: canonical (English, snake_case) column name.
        dtype: declared type; input text is parsed into it.
        aliases: other headers that mean this column (Chinese headers, standard codes, JSON keys).
        wan_aliases: headers whose values are in 万元 (10,000 yuan); they are converted to yuan.
        nullable: whether a missing value is allowed.
        required: whether the column must be present in the input (absent optional columns are
            added as nulls).
        unique: whether values must be unique within one validated frame.
        normalize: how input text is cleaned before parsing (``code`` folds full-width characters,
            upper-cases and removes spaces and ``-``; ``case_no`` also folds 〔〕 to ()).
        enum: allowed values, if the column is an enumeration.
        multi: separator for multi-valued enumerations (each item must be in ``enum``).
        separators: characters accepted between items of a multi-valued enumeration; they
            are rewritten to ``multi``.
        value_map: input spellings mapped to canonical values before checks
            (e.g. ``{"0": "natural_person"}``); unmapped values pass through unchanged.
        checks: further column checks.
        personal: the column may hold personal data (names, ID numbers of natural persons) and is
            masked in logs, reports and error messages.
        standard: a column of the publication standard (双公示 / SPC list) that does not identify
            the record: a blank value is the warning ``<name>:incomplete``, and a file without
            the column is reported once per file (``ValidationSummary.missing_standard``).
        enum_warn: a value outside ``enum`` is the warning ``<name>:enum``, not a reason (free
            text that real sources spell their own way).
        parse: text → value of a ``str`` field recognised by content (e.g. the statutory
            situations in free text); null where nothing is recognised, which is the warning
            ``<name>:unrecognised``.
        keep_raw: keep the given text beside the parsed value, as ``<name>_raw``.
        fallback: the value where the source gives none (column absent or blank), from the
            row's other typed columns (e.g. the party type from the identifier).
    """

    name: str
    dtype: Dtype = "str"
    aliases: tuple[str, ...] = ()
    wan_aliases: tuple[str, ...] = ()
    nullable: bool = False
    required: bool = True
    unique: bool = False
    normalize: Normalize = "text"
    enum: tuple[str, ...] | None = None
    multi: str | None = None
    separators: str = ",，;；"
    value_map: Mapping[str, str] | None = None
    checks: tuple[ColumnCheck, ...] = ()
    personal: bool = False
    description: str = ""
    standard: bool = False
    enum_warn: bool = False
    parse: Callable[[pl.Expr], pl.Expr] | None = None
    keep_raw: bool = False
    fallback: pl.Expr | None = None

    @property
    def polars_dtype(self) -> pl.DataType:
        """The Polars type of the validated column."""
        return POLARS_DTYPES[self.dtype]


@dataclass(frozen=True, kw_only=True)
class RecordKind:
    """A kind of public credit record (行政许可, 失信被执行人, ...).

    Attributes:
        name: the kind's id, e.g. ``"dishonest_debtor"``; also the ``record_type`` value.
        version: bumped whenever the meaning of a field or check changes.
        title: human title (Chinese and English).
        fields: the canonical columns, in output order.
        row_checks: checks across columns of one record.
        subject_code: column holding the subject's credit code (drives ``subject_kind``).
        subject_name: column holding the subject's name.
        key: column that identifies a record (unique per kind).
        derived: columns derived at validation on valid rows (flags such as ``case_no_style``).
    """

    name: str
    version: int
    title: str
    fields: tuple[Field, ...]
    row_checks: tuple[RowCheck, ...] = ()
    subject_code: str | None = None
    subject_name: str | None = None
    key: str = "record_id"
    description: str = ""
    derived: tuple[Derived, ...] = ()
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        by_name = {f.name: f for f in self.fields}
        if len(by_name) != len(self.fields):
            raise ValueError(f"record kind {self.name!r} declares a column twice")
        object.__setattr__(self, "_by_name", by_name)

    @property
    def columns(self) -> tuple[str, ...]:
        """Canonical column names, in order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        """The field called ``name`` (raises ``KeyError``)."""
        return self._by_name[name]

    @property
    def personal_columns(self) -> tuple[str, ...]:
        """Columns that may hold personal data and are masked in logs and reports."""
        return tuple(f.name for f in self.fields if f.personal)


def enum_build(values: tuple[str, ...], separator: str | None) -> Callable[[pl.Expr], pl.Expr]:
    """Expression builder: the value (or, with ``separator``, every item) is in ``values``."""
    allowed = pl.Series(values, dtype=pl.String)
    if separator is None:
        return lambda col: col.is_in(allowed.implode())

    def build(col: pl.Expr) -> pl.Expr:
        items = col.str.split(separator).list.eval(pl.element().str.strip_chars())
        return items.list.eval(pl.element().is_in(allowed.implode())).list.all()

    return build


def warning_checks(kind: RecordKind) -> tuple[tuple[str, pl.Expr], ...]:
    """The warnings of ``kind`` that can be told from its typed columns (and ``_source``), as
    ``(reason, failed)`` pairs: blank standard values (in a source whose file has the column),
    values outside a free-text list, warning checks, underived fallbacks, derived warnings.

    Validation reports the same warnings in ``_warnings``; this form serves rules that run on
    records without that column (a ledger's state, frames built by hand).
    """
    out: list[tuple[str, pl.Expr]] = []
    for f in kind.fields:
        col = pl.col(f.name)
        if f.fallback is not None:
            out.append((f"{f.name}:underived", col.is_null()))
        elif f.standard:
            out.append(
                (f"{f.name}:incomplete", col.is_null() & col.is_not_null().any().over("_source"))
            )
        if f.enum is not None and f.enum_warn:
            out.append((f"{f.name}:enum", ~enum_build(f.enum, f.multi)(col).fill_null(True)))
        out.extend(
            (f"{f.name}:{c.name}", ~c.build(col).fill_null(True)) for c in f.checks if c.warn
        )
    out.extend((f"row:{c.name}", ~c.expr.fill_null(True)) for c in kind.row_checks if c.warn)
    out.extend((d.warning, d.expr.is_not_null()) for d in kind.derived if d.warning is not None)
    return tuple(out)
