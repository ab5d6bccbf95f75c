"""The declaration model of a record kind: fields, header aliases, types and checks.

A :class:`RecordKind` is plain data, and the single source of truth for what is checked: each
:class:`Field` yields its checks as named Polars expressions (:meth:`Field.validation_rules`,
the dataframely pattern), the kind its row checks (:meth:`RecordKind.row_rules`).
:mod:`credit_ledger.validate` evaluates them in one Polars pass;
:func:`credit_ledger.kinds.schema` wraps the same expressions in a real
``pandera.polars.DataFrameSchema`` (the declaration itself knows nothing of pandera).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from credit_ledger import _kernels

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

_NOISY_DIGITS = r"\.[0-9]{3,}"
"""More decimals than fen: spreadsheet float noise (``0.21844700000000003``), rounded with the
warning ``<column>:rounded``."""

#: The check named by a value that does not parse into its declared type.
PARSE_REASONS: dict[str, str] = {
    "date": "date",
    "int": "int",
    "decimal": "decimal",
    "rate": "decimal",
    "bool": "bool",
}


def enum_rule(values: tuple[str, ...], separator: str | None) -> Callable[[pl.Expr], pl.Expr]:
    """Expression builder: the value (or, with ``separator``, every item) is in ``values``."""
    allowed = pl.Series(values, dtype=pl.String)
    if separator is None:
        return lambda col: col.is_in(allowed.implode())

    def build(col: pl.Expr) -> pl.Expr:
        items = col.str.split(separator).list.eval(pl.element().str.strip_chars())
        return items.list.eval(pl.element().is_in(allowed.implode())).list.all()

    return build


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

    @property
    def may_be_null(self) -> bool:
        """Whether a row may lack a value: nullable, standard (a warning) or derived."""
        return self.nullable or self.standard or self.fallback is not None

    def validation_rules(
        self, col: pl.Expr, *, text: pl.Expr | None = None, warnings: bool = False
    ) -> dict[str, pl.Expr]:
        """Every check of this column as ``{"<column>:<check>": passes}``, where ``passes`` is a
        Boolean expression that is never null (null values pass all but ``not_null``).

        The rules of :meth:`value_rules` come first, then those of :meth:`check_rules`.
        """
        return {
            **self.value_rules(col, text=text, warnings=warnings),
            **self.check_rules(col, warnings=warnings),
        }

    def value_rules(
        self, col: pl.Expr, *, text: pl.Expr | None = None, warnings: bool = False
    ) -> dict[str, pl.Expr]:
        """What the given value allows: it parses (``<column>:<dtype>``) and is present
        (``not_null``); with ``warnings``, ``unrecognised``, ``rounded``, ``underived`` and
        ``incomplete``.

        Args:
            col: the typed value.
            text: the normalised input text it was parsed from; None when the column arrived
                typed (no parse rules then, and presence is the typed value's).
            warnings: give the warning rules instead of the quarantine rules.
        """
        given = col if text is None else text
        rules: dict[str, pl.Expr] = {}
        if warnings:
            if text is not None and self.parse is not None:
                rules[f"{self.name}:unrecognised"] = text.is_null() | col.is_not_null()
            if text is not None and self.dtype == "decimal":
                noisy = text.str.contains(_NOISY_DIGITS) & col.is_not_null()
                rules[f"{self.name}:rounded"] = ~noisy.fill_null(False)
            if self.fallback is not None:
                rules[f"{self.name}:underived"] = col.is_not_null()
            elif self.standard:
                rules[f"{self.name}:incomplete"] = given.is_not_null()
            return rules
        if text is not None and self.dtype in PARSE_REASONS:
            rules[f"{self.name}:{PARSE_REASONS[self.dtype]}"] = text.is_null() | col.is_not_null()
        if not self.may_be_null:
            rules[f"{self.name}:not_null"] = given.is_not_null()
        return rules

    def check_rules(self, col: pl.Expr, *, warnings: bool = False) -> dict[str, pl.Expr]:
        """The declared checks of the typed value: ``enum``, the :attr:`checks` and
        ``unique`` (null passes); with ``warnings``, the checks that only warn."""
        rules: dict[str, pl.Expr] = {}
        if self.enum is not None and self.enum_warn == warnings:
            rules[f"{self.name}:enum"] = enum_rule(self.enum, self.multi)(col).fill_null(True)
        for c in self.checks:
            if c.warn == warnings:
                rules[f"{self.name}:{c.name}"] = c.build(col).fill_null(True)
        if self.unique and not warnings:
            rules[f"{self.name}:unique"] = ~col.map_batches(
                _kernels.duplicated, return_dtype=pl.Boolean
            )
        return rules


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

    @property
    def unique_columns(self) -> tuple[str, ...]:
        """Columns whose values must be unique."""
        return tuple(f.name for f in self.fields if f.unique)

    def row_rules(self, *, warnings: bool = False) -> dict[str, pl.Expr]:
        """The row checks as ``{"row:<check>": passes}`` (never null; null passes); with
        ``warnings``, the row checks that only warn."""
        return {
            f"row:{c.name}": c.expr.fill_null(True) for c in self.row_checks if c.warn == warnings
        }

    def content_id(self, present: list[str]) -> pl.Expr:
        """A record id (column :attr:`key`) derived from the row's content in the columns
        ``present``, for sources without one: the same record delivered twice gets the same id
        (stable for one polars version)."""
        content = pl.concat_str(
            [pl.lit(self.name), *(pl.col(c).cast(pl.String) for c in present)],
            separator="\x1f",
            ignore_nulls=True,
        )
        return pl.lit("h").add(content.hash(seed=0).cast(pl.String)).alias(self.key)


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
            out.append((f"{f.name}:enum", ~enum_rule(f.enum, f.multi)(col).fill_null(True)))
        out.extend(
            (f"{f.name}:{c.name}", ~c.build(col).fill_null(True)) for c in f.checks if c.warn
        )
    out.extend((f"row:{c.name}", ~c.expr.fill_null(True)) for c in kind.row_checks if c.warn)
    out.extend((d.warning, d.expr.is_not_null()) for d in kind.derived if d.warning is not None)
    return tuple(out)
