"""The public functions that take kinds and rules from the plugins.

The layers below know only the kinds and rules they are given; here, at the top, a kind given by
name is looked up among every installed plugin's kinds (the active plugin manager, see
:func:`credit_ledger.plugins.activate`) and rules default to the plugins' rule set. The
functions are re-exported by :mod:`credit_ledger`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from os import PathLike
from typing import Any, ParamSpec, TypeVar

import pandera.polars as pa
import polars as pl

from credit_ledger import ingest
from credit_ledger.contracts import (
    EvaluationResult,
    RecordKind,
    Rule,
    RuleSet,
    SettingValue,
    Severity,
)
from credit_ledger.kinds import schema as _schema
from credit_ledger.pipeline import CheckResult, _check
from credit_ledger.plugins import PluginManager, active_manager, get_kind
from credit_ledger.rules import RulePolicy, _engine
from credit_ledger.streaming import validate_to_parquet as _validate_to_parquet
from credit_ledger.validate import validate as _validate

__all__ = [
    "check",
    "evaluate",
    "evaluate_many",
    "read",
    "read_frame",
    "schema",
    "validate",
    "validate_to_parquet",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")
Frame = pl.DataFrame | pl.LazyFrame


def _plugin_kinds(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn`` with its ``kind`` argument, when a name, looked up among the plugins' kinds."""

    @functools.wraps(fn)
    def resolved(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if isinstance(kwargs.get("kind"), str):
            kwargs["kind"] = get_kind(str(kwargs["kind"]))
        return fn(*args, **kwargs)

    return resolved


def _plugin_formats(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """``fn`` reading with the active plugins' source formats unless ``formats`` is given."""

    @functools.wraps(fn)
    def with_formats(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        kwargs.setdefault("formats", active_manager().source_formats())
        return fn(*args, **kwargs)

    return with_formats


read = _plugin_kinds(_plugin_formats(ingest.read))
read_frame = _plugin_kinds(ingest.read_frame)
validate = _plugin_kinds(_validate)
validate_to_parquet = _plugin_kinds(_plugin_formats(_validate_to_parquet))


def schema(kind: str | RecordKind) -> pa.DataFrameSchema:
    """The ``pandera.polars.DataFrameSchema`` of ``kind`` (a name of any installed plugin's
    kind, or a declaration) over its typed canonical columns.

    Example:
        >>> schema("arrears_case").columns["amount_due"].dtype
        DataType(Decimal(precision=38, scale=2))
    """
    return _schema(get_kind(kind))


def _rules(
    rules: RuleSet | Iterable[Rule] | None,
    manager: PluginManager,
    settings: Mapping[str, SettingValue] | None,
) -> tuple[RuleSet | Iterable[Rule], Mapping[str, SettingValue] | None]:
    """The rules to evaluate and the settings still to lay over them: the caller's, or the
    plugins' rule set with ``settings`` coerced to their declared types."""
    if rules is not None:
        return rules, settings
    manager.ensure_ready()
    return manager.ruleset(settings), None


def _kind(kind: str | RecordKind, rules: object, manager: PluginManager) -> RecordKind:
    if isinstance(kind, str) and isinstance(rules, RuleSet) and kind in rules.kinds:
        return rules.kinds[kind]
    return manager.kind(kind)


def evaluate(
    frame: Frame,
    *,
    kind: str | RecordKind,
    as_of: dt.date,
    rules: RuleSet | Iterable[Rule] | None = None,
    policy: RulePolicy | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    fail_on: Severity = Severity.ERROR,
    plugins: PluginManager | None = None,
    streaming: bool = False,
    quarantine: Frame | None = None,
) -> EvaluationResult:
    """:func:`credit_ledger.rules.evaluate` with the rules (when ``rules`` is None) and a kind
    given by name taken from ``plugins`` (default: the active plugin manager).

    Raises:
        ConfigError: a required plugin is missing or failed, or the allowlist names an unknown
            plugin (only when rules come from plugins); a setting is unknown or mistyped.
        UnknownKindError: no plugin declares ``kind``.
    """
    manager = plugins if plugins is not None else active_manager()
    ruleset, settings = _rules(rules, manager, settings)
    return _engine.evaluate(
        frame,
        kind=_kind(kind, ruleset, manager),
        as_of=as_of,
        rules=ruleset,
        policy=policy,
        settings=settings,
        fail_on=fail_on,
        streaming=streaming,
        quarantine=quarantine,
    )


def evaluate_many(
    frames: Mapping[str, Frame],
    *,
    as_of: dt.date,
    rules: RuleSet | Iterable[Rule] | None = None,
    policy: RulePolicy | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    fail_on: Severity = Severity.ERROR,
    plugins: PluginManager | None = None,
    kinds: Iterable[RecordKind] = (),
    streaming: bool = False,
    quarantine: Mapping[str, Frame] | None = None,
    history: Mapping[str, pl.LazyFrame] | None = None,
) -> EvaluationResult:
    """:func:`credit_ledger.rules.evaluate_many` with the rules (when ``rules`` is None) and the
    kinds not given in ``kinds`` taken from ``plugins`` (default: the active plugin manager).

    Raises:
        ConfigError: as :func:`evaluate`.
        UnknownKindError: a frame's name is no plugin's kind.
    """
    manager = plugins if plugins is not None else active_manager()
    ruleset, settings = _rules(rules, manager, settings)
    given = {k.name: k for k in kinds}
    return _engine.evaluate_many(
        frames,
        as_of=as_of,
        rules=ruleset,
        policy=policy,
        settings=settings,
        fail_on=fail_on,
        kinds=[given.get(name) or _kind(name, ruleset, manager) for name in frames],
        streaming=streaming,
        quarantine=quarantine,
        history=history,
    )


def check(
    source: str | PathLike[str],
    *,
    kind: str | RecordKind,
    as_of: dt.date,
    encoding: str | None = None,
    sheet: str | None = None,
    rules: RuleSet | Iterable[Rule] | None = None,
    policy: RulePolicy | None = None,
    fail_on: Severity = Severity.ERROR,
    plugins: PluginManager | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> CheckResult:
    """:func:`credit_ledger.pipeline.check` (read, validate, evaluate one source) with the kind
    and, when ``rules`` is None, the rules taken from ``plugins`` (default: the active plugin
    manager).

    Raises:
        ConfigError: a required plugin is missing or failed, or the allowlist is wrong.
        InputError: the source cannot be read.

    Example:
        >>> res = check("penalties.csv", kind="admin_penalty",
        ...             as_of=dt.date(2025, 6, 30))  # doctest: +SKIP
        >>> res.status()  # doctest: +SKIP
        'findings'
    """
    manager = plugins if plugins is not None else active_manager()
    ruleset, settings = _rules(rules, manager, settings)
    return _check.check(
        source,
        kind=_kind(kind, ruleset, manager),
        as_of=as_of,
        encoding=encoding,
        sheet=sheet,
        rules=ruleset,
        policy=policy,
        fail_on=fail_on,
        settings=settings,
        read_options={"formats": manager.source_formats(), **(read_options or {})},
    )
