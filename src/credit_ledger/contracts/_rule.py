"""The declarations plugins contribute to the rule engine: rules, derived columns, summaries.

Everything here is plain, frozen data. The engine (:mod:`credit_ledger.rules._engine`) decides
when and how an expression is evaluated; a plugin only says *what* to compute.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

import polars as pl

if TYPE_CHECKING:
    from credit_ledger.contracts._kind import RecordKind

__all__ = [
    "HISTORY_AS_OF",
    "PERIOD_LEDGER_COLUMNS",
    "PERIOD_LEDGER_SCHEMA",
    "DerivedColumn",
    "Persist",
    "Rule",
    "RuleContext",
    "RunContext",
    "Scope",
    "SettingValue",
    "Severity",
    "Summary",
    "history_key",
    "quarantine_key",
]

#: A plugin setting's value: what a TOML job file can hold, plus ``Decimal`` for money.
SettingValue = str | int | float | bool | dt.date | Decimal | tuple[str, ...]

_T = TypeVar("_T")

#: Rule ids and other contributed names: lower-case, namespaced by at least one dot.
NAMESPACED_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class Severity(enum.StrEnum):
    """How serious a failed rule is, ordered ``info < warning < error < critical``.

    Example:
        >>> Severity.WARNING < Severity.ERROR
        True
    """

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 3 for critical."""
        return _SEVERITY_RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2, Severity.CRITICAL: 3}


class Scope(enum.StrEnum):
    """What a rule's expression is evaluated over.

    * ``row``: one Boolean per record (``select``).
    * ``entity``: one Boolean per subject, an aggregate in ``group_by(entity_key).agg(...)``.
    * ``dataset``: one Boolean for the whole frame, an aggregate in ``select``.
    """

    ROW = "row"
    ENTITY = "entity"
    DATASET = "dataset"


@dataclass(frozen=True, kw_only=True, eq=False)
class RunContext:
    """What every contributed callable may depend on: the run date and the settings.

    Nothing else: a rule never reads the clock, the environment or a file, so a rerun with the
    same inputs, settings and ``as_of`` gives the same result.

    Attributes:
        as_of: the run date, given by the caller (the scheduler), never ``date.today()``.
        settings: resolved plugin settings (declared defaults overridden by the job config).
    """

    as_of: dt.date
    settings: Mapping[str, SettingValue] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not isinstance(self.as_of, dt.date) or isinstance(self.as_of, dt.datetime):
            raise TypeError(f"as_of must be a datetime.date, got {type(self.as_of).__name__}")
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    def setting(self, name: str, typ: type[_T]) -> _T:
        """The setting ``name``, checked to be of type ``typ``.

        Example:
            >>> ctx = RunContext(as_of=dt.date(2025, 1, 1), settings={"example.limit": 5})
            >>> ctx.setting("example.limit", int)
            5
        """
        try:
            value = self.settings[name]
        except KeyError:
            known = ", ".join(sorted(self.settings)) or "none"
            raise KeyError(f"unknown setting {name!r} (known: {known})") from None
        if not isinstance(value, typ):
            raise TypeError(f"setting {name!r} is {type(value).__name__}, not {typ.__name__}")
        return value

    def date_lit(self) -> pl.Expr:
        """``as_of`` as a Polars date literal, for comparisons in expressions."""
        return pl.lit(self.as_of, dtype=pl.Date)


@dataclass(frozen=True, kw_only=True, eq=False)
class RuleContext(RunContext):
    """The context of one rule or derived column: the run context plus the record kind."""

    kind: RecordKind


Check = pl.Expr | Callable[[RuleContext], pl.Expr]


def _build(what: str, value: Check, ctx: RuleContext) -> pl.Expr:
    expr = value(ctx) if callable(value) and not isinstance(value, pl.Expr) else value
    if not isinstance(expr, pl.Expr):
        raise TypeError(f"{what} gave {type(expr).__name__}, expected a polars Expr")
    return expr


def _check_id(what: str, value: str) -> None:
    if not isinstance(value, str) or not NAMESPACED_ID.match(value):
        raise ValueError(
            f"{what} {value!r} must be lower-case and namespaced, e.g. 'mypack.fine_positive'"
        )


@dataclass(frozen=True, kw_only=True, eq=False)
class Rule:
    """A data-quality or compliance rule: a Boolean Polars expression where True means pass.

    Attributes:
        id: namespaced id (``"pack.name"``); it is API: never reused, and a change of meaning
            bumps ``version`` instead.
        version: the rule's version, reported with every finding.
        title: one line saying what a *passing* record looks like.
        violation: one line saying what is wrong when the rule fails (``"a government body
            is an active dishonest judgment debtor"``): the default finding message. Without
            it the message is the title prefixed with ``"not met: "``, never the title alone,
            which reads as the passing state.
        kind: the record kind the rule applies to.
        check: a Boolean ``pl.Expr`` or a function ``(RuleContext) -> pl.Expr``; use the
            function form whenever the rule depends on ``ctx.as_of`` or a setting.
        severity: how serious a failure is; the job config may override it.
        scope: ``row``, ``entity`` (grouped by ``entity_key``) or ``dataset``.
        entity_key: grouping column of an entity rule (default: the kind's ``subject_code``);
            rows where it is null are not part of any entity.
        null_passes: whether a null result counts as a pass (the default) or a failure.
        message: the finding's message: a fixed text (default: :attr:`default_message`) or
            a String expression (per row, per entity aggregate or per dataset; where it gives
            null, the default message). It must not use columns holding personal data.
        references: legal or standard references (article, document number).
        tags: free-form labels for selecting rules.
        description: longer explanation, shown by ``credit-ledger rules show``.

    Example:
        >>> rule = Rule(
        ...     id="example.fine_not_negative",
        ...     title="a fine is not negative",
        ...     violation="the fine is negative",
        ...     kind="admin_penalty",
        ...     check=pl.col("fine_yuan") >= 0,
        ... )
        >>> rule.scope
        <Scope.ROW: 'row'>
    """

    id: str
    title: str
    kind: str
    check: Check
    version: int = 1
    violation: str = ""
    severity: Severity = Severity.ERROR
    scope: Scope = Scope.ROW
    entity_key: str | None = None
    null_passes: bool = True
    message: str | pl.Expr | None = None
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        _check_id("rule id", self.id)
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 1:
            raise ValueError(f"rule {self.id!r}: version must be a positive int")
        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "scope", Scope(self.scope))
        object.__setattr__(self, "references", tuple(self.references))
        object.__setattr__(self, "tags", tuple(self.tags))
        if not (isinstance(self.check, pl.Expr) or callable(self.check)):
            raise TypeError(f"rule {self.id!r}: check must be a polars Expr or a callable")
        if self.entity_key is not None and self.scope is not Scope.ENTITY:
            raise ValueError(f"rule {self.id!r}: entity_key is only meaningful for entity scope")
        if not isinstance(self.violation, str):
            raise TypeError(f"rule {self.id!r}: violation must be a str")

    @property
    def default_message(self) -> str:
        """The finding's message when ``message`` gives none: the violation, else the title
        prefixed with ``"not met: "`` (a title describes the passing state).

        Example:
            >>> Rule(id="x.y", title="a fine is set", kind="k", check=pl.lit(True)).default_message
            'not met: a fine is set'
        """
        return self.violation or f"not met: {self.title}"

    def expr(self, ctx: RuleContext) -> pl.Expr:
        """The rule's Boolean expression for ``ctx`` (calls ``check`` if it is a function)."""
        return _build(f"rule {self.id!r}", self.check, ctx)

    def key_for(self, kind: RecordKind) -> str | None:
        """The grouping column of an entity rule over ``kind`` (None for other scopes)."""
        if self.scope is not Scope.ENTITY:
            return None
        return self.entity_key or kind.subject_code

    def to_dict(self) -> dict[str, object]:
        """JSON-ready description (the check is shown as Polars prints it)."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "violation": self.violation,
            "kind": self.kind,
            "severity": str(self.severity),
            "scope": str(self.scope),
            "entity_key": self.entity_key,
            "null_passes": self.null_passes,
            "references": list(self.references),
            "tags": list(self.tags),
            "description": self.description,
            "check": "<function>" if not isinstance(self.check, pl.Expr) else str(self.check),
        }


@dataclass(frozen=True, kw_only=True, eq=False)
class DerivedColumn:
    """A named column computed from a kind's columns, in the same pass as the rules.

    Row derived columns are plain expressions. An ``entity`` derived column is an aggregate
    over the rows of one subject, broadcast back to each of its rows (``expr.over(key)``), so
    a per-subject value such as a credit class sits next to every record. A ``dataset`` one is
    an aggregate over the whole frame. Derived columns may use other derived columns; the
    engine orders them by their inputs. Rules of any plugin may use them.

    Attributes:
        name: the new column (must not overwrite an input column).
        kind: the record kind it is added to.
        expr: a ``pl.Expr`` or a function ``(RuleContext) -> pl.Expr``.
        scope: ``row``, ``entity`` or ``dataset``.
        entity_key: grouping column for ``entity`` scope (default: the kind's subject_code).
        description: what the column means.

    Example:
        >>> due = DerivedColumn(
        ...     name="due_date",
        ...     kind="arrears_case",
        ...     expr=pl.col("delivered_on").dt.offset_by("30d"),
        ... )
    """

    name: str
    kind: str
    expr: Check
    scope: Scope = Scope.ROW
    entity_key: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not re.match(r"^[a-z][a-z0-9_]*$", self.name):
            raise ValueError(f"derived column name {self.name!r} must be snake_case")
        object.__setattr__(self, "scope", Scope(self.scope))
        if not (isinstance(self.expr, pl.Expr) or callable(self.expr)):
            raise TypeError(f"derived column {self.name!r}: expr must be a polars Expr or callable")

    def build(self, ctx: RuleContext) -> pl.Expr:
        """The column's expression for ``ctx``, wrapped for its scope and named."""
        expr = _build(f"derived column {self.name!r}", self.expr, ctx)
        if self.scope is Scope.ENTITY:
            key = self.entity_key or ctx.kind.subject_code
            if key is None:
                raise ValueError(
                    f"derived column {self.name!r}: kind {ctx.kind.name!r} has no subject_code;"
                    " set entity_key"
                )
            expr = pl.when(pl.col(key).is_not_null()).then(expr.over(key))
        return expr.alias(self.name)


QUARANTINE_SCHEMA = pl.Schema(
    {"_source": pl.String(), "_row": pl.Int64(), "_reasons": pl.List(pl.String())}
)
"""Columns every quarantine frame has; the record's own columns hold its values as given."""


def quarantine_key(kind: str) -> str:
    """The key under which a summary that asks for quarantine receives ``kind``'s rejected rows.

    Example:
        >>> quarantine_key("dishonest_debtor")
        'dishonest_debtor:quarantine'
    """
    return f"{kind}:quarantine"


HISTORY_AS_OF = "_as_of"
"""Column of a history frame: the run date of the committed run the row is as of."""


def history_key(kind: str) -> str:
    """The key under which a summary that asks for history receives ``kind``'s records as
    earlier committed runs left them.

    Example:
        >>> history_key("arrears")
        'arrears:history'
    """
    return f"{kind}:history"


SummaryCompute = Callable[[RunContext, Mapping[str, pl.LazyFrame]], pl.DataFrame | pl.LazyFrame]

PERIOD_LEDGER_SCHEMA = pl.Schema(
    {
        "ledger": pl.String(),
        "group": pl.String(),
        "period": pl.String(),
        "period_start": pl.Date(),
        "period_end": pl.Date(),
        "opening": pl.Int64(),
        "new": pl.Int64(),
        "closed": pl.Int64(),
        "closing": pl.Int64(),
    }
)
PERIOD_LEDGER_COLUMNS = tuple(PERIOD_LEDGER_SCHEMA)
"""Columns of a per-period ledger (``opening + new - closed = closing`` per ``period`` of one
``ledger``, the record kind, and ``group``, a breakdown value or null): a persisted summary
with ``Persist(periods=True)`` has them, and history and the run report show its balance.
Optional columns they show too: ``zeroed``, ``unplaced``, ``exit_rate``, ``distinct_bodies``,
``closing_amount``."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Persist:
    """How the ledger keeps a summary's table of each run, and how it is shown.

    Attributes:
        schema: the columns the summary promises; each run's table is stored with exactly
            these (cast to them; a missing column is an error of the summary).
        title: the heading in the run report and history, in Chinese and English.
        periods: the rows are a per-period ledger (:data:`PERIOD_LEDGER_COLUMNS`): history
            prints each run's balance, the run report draws a panel with its trend.

    Example:
        >>> Persist(schema=pl.Schema({"authority": pl.String(), "fines": pl.Int64()}),
        ...         title=("罚款", "Fines")).title[1]
        'Fines'
    """

    schema: pl.Schema
    title: tuple[str, str] = ("", "")
    periods: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "schema", pl.Schema(self.schema))
        missing = [c for c in PERIOD_LEDGER_COLUMNS if c not in self.schema] if self.periods else []
        if missing:
            raise ValueError(f"a per-period ledger needs the columns {', '.join(missing)}")
        if len(self.title) != 2:
            raise ValueError("title is (Chinese, English)")


@dataclass(frozen=True, kw_only=True, eq=False)
class Summary:
    """An aggregate table over the valid records (with derived columns) of one or more kinds.

    ``compute(ctx, frames)`` receives one ``LazyFrame`` per kind named in ``kinds`` and returns
    a table; it is computed when every one of those kinds is in the run.

    With ``quarantine=True`` it also receives, under :func:`quarantine_key` of each kind, the
    rows validation rejected: their values as given (text), ``_source``, ``_row`` and
    ``_reasons``; an empty frame when the caller passed none. A summary that must not look
    better for the rows it cannot read (a ledger that must reach zero) counts them from there.

    With ``history=True`` it also receives, under :func:`history_key` of each kind, the kind's
    records as every earlier committed run left them (one row per record and run, with
    :data:`HISTORY_AS_OF`, the run's date), when the caller has them (a job with a ledger);
    the key is absent otherwise. A summary of past periods reads amounts as of then from it.

    With ``persist`` (a :class:`Persist`) a job keeps its table of every run in the ledger,
    read back by name with ``Ledger(...).summary(name)``; the job's ``summaries`` output writes
    it as ``<name>.csv``.

    Example:
        >>> per_month = Summary(
        ...     name="example.penalties_per_month",
        ...     kinds=("admin_penalty",),
        ...     compute=lambda ctx, frames: frames["admin_penalty"]
        ...     .group_by(pl.col("decision_date").dt.truncate("1mo"))
        ...     .agg(pl.len().alias("penalties"))
        ...     .collect(),
        ... )
    """

    name: str
    kinds: tuple[str, ...]
    compute: SummaryCompute
    description: str = ""
    quarantine: bool = False
    history: bool = False
    persist: Persist | None = None

    def __post_init__(self) -> None:
        _check_id("summary name", self.name)
        if self.persist is not None and not isinstance(self.persist, Persist):
            raise TypeError(f"summary {self.name!r}: persist must be a Persist or None")
        if isinstance(self.kinds, str):
            object.__setattr__(self, "kinds", (self.kinds,))
        object.__setattr__(self, "kinds", tuple(self.kinds))
        if not self.kinds:
            raise ValueError(f"summary {self.name!r} names no record kind")
        if not callable(self.compute):
            raise TypeError(f"summary {self.name!r}: compute must be callable")
