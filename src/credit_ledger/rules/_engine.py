"""The rule engine: pre-flight against the schema, then one lazy pass per scope per kind.

Per kind:

1. derived columns are built, ordered by their inputs and checked against the schema
   (``collect_schema()``, no data computed); the good ones are added in ``with_columns`` layers
   and the frame is materialised once. When streaming, nothing is materialised: a streaming
   query of each derived column's null count proves the layers compute, and the passes run on
   the plan. If that fails, each derived column is retried alone so only the culprit is
   ``error``;
2. every rule is checked against an empty frame of the schema: missing columns, non-Boolean
   result, wrong shape for its scope, personal columns in its message. A rule that fails is
   ``error`` with the reason;
3. all good row rules are evaluated in one ``select`` keeping only rows that fail one, entity
   rules in one ``group_by(key).agg`` per key, dataset rules in one ``select`` of aggregates.
   If a pass fails at collect time, each of its rules is retried alone so only the culprit is
   ``error``.

Nothing here reads the clock: the run date is ``as_of``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import polars as pl

from credit_ledger._redact import mask_code_expr
from credit_ledger.contracts._result import (
    FINDINGS_SCHEMA,
    OUTCOMES_SCHEMA,
    EvaluationResult,
    RunError,
    RunInfo,
)
from credit_ledger.contracts._rule import (
    QUARANTINE_SCHEMA,
    DerivedColumn,
    Rule,
    RuleContext,
    RunContext,
    Scope,
    SettingValue,
    Severity,
    history_key,
    quarantine_key,
)
from credit_ledger.contracts._ruleset import RuleSet
from credit_ledger.errors import ConfigError, describe
from credit_ledger.kinds import RecordKind, get_kind
from credit_ledger.rules._policy import RulePolicy

if TYPE_CHECKING:
    from credit_ledger.contracts._plugin import Conflict

__all__ = ["evaluate", "evaluate_many", "ruleset_of"]

Frame = pl.DataFrame | pl.LazyFrame
_first_line = partial(describe, typed=True)
Engine = Literal["auto", "streaming"]
_OUT = "__out__"
_CHECK = r"^__r\d+$"  # the check columns of a pass (see _pass_exprs), not their messages
_ENTITY = "__entity__"
SOURCE = "_source"
ROW = "_row"


@dataclass(kw_only=True)
class _Prepared:
    rule: Rule
    expr: pl.Expr
    message: pl.Expr | None
    key: str | None
    preflight_ms: float
    col: str = ""


@dataclass(kw_only=True)
class _Outcome:
    rule: Rule
    kind: str
    status: str = "pass"
    evaluated: int = 0
    failed: int = 0
    waived: int = 0
    duration_ms: float = 0.0
    error: str | None = None


class _KindRun:
    """Evaluation of every rule and derived column of one kind."""

    def __init__(
        self,
        *,
        kind: RecordKind,
        frame: Frame,
        ruleset: RuleSet,
        ctx: RuleContext,
        policy: RulePolicy,
        engine: Engine,
    ) -> None:
        self.kind = kind
        self.frame = frame
        self.ruleset = ruleset
        self.ctx = ctx
        self.policy = policy
        self.errors: list[RunError] = []
        self.outcomes: list[_Outcome] = []
        self.findings: list[tuple[str, pl.LazyFrame]] = []
        self.derived_failed: dict[str, str] = {}
        self.personal = set(kind.personal_columns)
        self.engine = engine

    @property
    def streaming(self) -> bool:
        return self.engine == "streaming"

    # -- derived columns ---------------------------------------------------------------------

    def _derived_error(self, d: DerivedColumn, message: str) -> None:
        self.derived_failed[d.name] = message
        plugin = self.ruleset.providers.get(f"{d.kind}:{d.name}")
        self.errors.append(
            RunError(
                what="derived_column", name=d.name, plugin=plugin, message=message, kind=d.kind
            )
        )

    def derive(self) -> Frame:  # noqa: PLR0912 - one dependency-ordering loop
        lf = self.frame.lazy()
        columns = set(lf.collect_schema().names())
        pending: dict[str, tuple[DerivedColumn, pl.Expr]] = {}
        for d in self.ruleset.derived_for(self.kind.name):
            if d.name in columns:
                self._derived_error(d, f"would overwrite the input column {d.name!r}")
                continue
            try:
                pending[d.name] = (d, d.build(self.ctx))
            except Exception as exc:
                self._derived_error(d, f"building the expression raised {_first_line(exc)}")
        layers: list[list[pl.Expr]] = []
        available = set(columns)
        while pending:
            ready: list[str] = []
            for name, (d, expr) in list(pending.items()):
                roots = set(expr.meta.root_names()) - {name}
                missing = roots - available - set(pending)
                if missing:
                    del pending[name]
                    self._derived_error(d, self._missing_message(missing))
                elif roots <= available:
                    ready.append(name)
            if not ready:
                for name, (d, _) in pending.items():
                    others = sorted(set(pending) - {name})
                    self._derived_error(d, f"circular dependency among {', '.join(others)}")
                break
            plan = lf
            for layer in layers:
                plan = plan.with_columns(layer)
            layer_ok: list[pl.Expr] = []
            for name in ready:
                d, expr = pending.pop(name)
                try:
                    plan.select(expr).collect_schema()
                except Exception as exc:
                    self._derived_error(d, _first_line(exc))
                    continue
                layer_ok.append(expr)
                available.add(name)
            if layer_ok:
                layers.append(layer_ok)
        if layers:
            return self._materialise(lf, layers)
        if self.streaming:
            return lf
        return self.frame if isinstance(self.frame, pl.DataFrame) else lf.collect()

    def _computed(self, plan: pl.LazyFrame, names: list[str]) -> Frame:
        """The frame of ``plan``, or when streaming the plan itself once a streaming query of
        the null counts of ``names`` proved they compute. Raises what computing raises."""
        if not self.streaming:
            return plan.collect()
        plan.select(pl.col(names).null_count()).collect(engine="streaming")
        return plan

    def _materialise(self, lf: pl.LazyFrame, layers: list[list[pl.Expr]]) -> Frame:
        plan = lf
        for layer in layers:
            plan = plan.with_columns(layer)
        try:
            return self._computed(plan, [e.meta.output_name() for ly in layers for e in ly])
        except Exception:
            pass
        by_name = {d.name: d for d in self.ruleset.derived_for(self.kind.name)}
        good: list[list[pl.Expr]] = []
        for layer in layers:
            kept: list[pl.Expr] = []
            for expr in layer:
                name = expr.meta.output_name()
                base = lf
                for done in good:
                    base = base.with_columns(done)
                failed_now = set(self.derived_failed) - set(lf.collect_schema().names())
                roots = set(expr.meta.root_names())
                if roots & failed_now:
                    failed = sorted(roots & failed_now)
                    self._derived_error(by_name[name], self._missing_message(set(failed)))
                    continue
                try:
                    self._computed(base.select(expr), [name])
                except Exception as exc:
                    self._derived_error(by_name[name], _first_line(exc))
                    continue
                kept.append(expr)
            if kept:
                good.append(kept)
        plan = lf
        for layer in good:
            plan = plan.with_columns(layer)
        return plan if self.streaming else plan.collect()

    def _missing_message(self, missing: set[str]) -> str:
        parts = []
        for col in sorted(missing):
            if col in self.derived_failed:
                parts.append(f"{col} (derived column failed: {self.derived_failed[col]})")
            else:
                parts.append(col)
        return "missing column(s): " + ", ".join(parts)

    # -- pre-flight ----------------------------------------------------------------------------

    def _fail(self, rule: Rule, message: str, duration_ms: float = 0.0) -> None:
        self.outcomes.append(
            _Outcome(
                rule=rule,
                kind=self.kind.name,
                status="error",
                error=message,
                duration_ms=duration_ms,
            )
        )
        self.errors.append(
            RunError(
                what="rule",
                name=rule.id,
                plugin=self.ruleset.providers.get(rule.id),
                message=message,
                kind=self.kind.name,
            )
        )

    def preflight(self, rule: Rule, empty: pl.LazyFrame, schema: pl.Schema) -> _Prepared | None:
        """``rule`` ready for its pass, or None once reported as error; ``empty`` is an empty
        frame of ``schema``: nothing here touches data."""
        t0 = time.perf_counter()
        try:
            expr = rule.expr(self.ctx)
        except Exception as exc:
            self._fail(rule, f"building the check raised {_first_line(exc)}")
            return None
        error, key = self._check_expr(rule, expr, empty, schema)
        message: pl.Expr | None = None
        if error is None and isinstance(rule.message, pl.Expr):
            message = rule.message
            error = self._check_message(rule, message, empty, schema, key)
        elapsed = (time.perf_counter() - t0) * 1000
        if error is not None:
            self._fail(rule, error, elapsed)
            return None
        return _Prepared(rule=rule, expr=expr, message=message, key=key, preflight_ms=elapsed)

    def _check_expr(  # noqa: PLR0911 - one return per pre-flight verdict
        self, rule: Rule, expr: pl.Expr, lf: pl.LazyFrame, schema: pl.Schema
    ) -> tuple[str | None, str | None]:
        if expr.meta.has_multiple_outputs():
            return "the check selects several columns; combine them into one Boolean", None
        missing = set(expr.meta.root_names()) - set(schema.names())
        if missing:
            return self._missing_message(missing), None
        key = rule.key_for(self.kind)
        try:
            if rule.scope is Scope.ENTITY:
                if key is None:
                    msg = f"kind {self.kind.name!r} has no subject_code; set entity_key"
                    return msg, None
                if key not in schema:
                    return self._missing_message({key}), None
                dtype = lf.group_by(key).agg(expr.alias(_OUT)).collect_schema()[_OUT]
            else:
                dtype = lf.select(expr.alias(_OUT)).collect_schema()[_OUT]
        except Exception as exc:
            return _first_line(exc), key
        if isinstance(dtype, pl.List) and rule.scope is Scope.ENTITY:
            return (
                f"an entity rule must aggregate to one value per entity, got {dtype}"
                " (use .all(), .any(), .sum() > 0, ...)"
            ), key
        if dtype != pl.Boolean:
            return f"the check returns {dtype}, not Boolean", key
        if rule.scope is not Scope.ENTITY and expr.meta.root_names():
            height = _empty_height(expr, lf)
            if rule.scope is Scope.ROW and height == 1:
                return "a row rule must give one value per record, not an aggregate", key
            if rule.scope is Scope.DATASET and height == 0:
                return "a dataset rule must aggregate to one value (use .all(), .mean(), ...)", key
        return None, key

    def _check_message(
        self, rule: Rule, message: pl.Expr, lf: pl.LazyFrame, schema: pl.Schema, key: str | None
    ) -> str | None:
        roots = set(message.meta.root_names())
        personal = roots & self.personal
        if personal:
            return f"the message uses personal column(s): {', '.join(sorted(personal))}"
        missing = roots - set(schema.names())
        if missing:
            return "the message: " + self._missing_message(missing)
        try:
            if rule.scope is Scope.ENTITY and key is not None:
                dtype = lf.group_by(key).agg(message.alias(_OUT)).collect_schema()[_OUT]
            else:
                dtype = lf.select(message.alias(_OUT)).collect_schema()[_OUT]
        except Exception as exc:
            return f"the message: {_first_line(exc)}"
        if dtype != pl.String:
            return f"the message returns {dtype}, not String"
        return None

    # -- passes --------------------------------------------------------------------------------

    def _pass_exprs(self, p: _Prepared, i: int) -> list[pl.Expr]:
        p.col = f"__r{i}"
        check = p.expr.fill_null(p.rule.null_passes).alias(p.col)
        out = [check]
        if p.message is not None:
            out.append(pl.when(~check).then(p.message).alias(f"{p.col}_msg"))
        return out

    def _run_pass(
        self,
        prepared: list[_Prepared],
        build: Callable[[list[pl.Expr]], pl.LazyFrame],
        fixed: list[pl.Expr],
    ) -> tuple[pl.DataFrame | None, list[_Prepared], float]:
        def exprs(ps: list[_Prepared]) -> list[pl.Expr]:
            return fixed + [e for i, p in enumerate(ps) for e in self._pass_exprs(p, i)]

        def collect(ps: list[_Prepared]) -> pl.DataFrame:
            return build(exprs(ps)).collect(engine=self.engine)

        t0 = time.perf_counter()
        try:
            return collect(prepared), prepared, (time.perf_counter() - t0) * 1000
        except Exception:
            pass
        good: list[_Prepared] = []
        for p in prepared:
            try:
                collect([p])
            except Exception as exc:
                self._fail(p.rule, f"evaluation failed: {_first_line(exc)}")
                continue
            good.append(p)
        if not good:
            return None, [], 0.0
        t0 = time.perf_counter()
        try:
            return collect(good), good, (time.perf_counter() - t0) * 1000
        except Exception as exc:
            for p in good:
                self._fail(p.rule, f"evaluation failed in the combined pass: {_first_line(exc)}")
            return None, [], 0.0

    def row_pass(self, data: Frame, prepared: list[_Prepared]) -> None:
        if not prepared:
            return
        schema = data.collect_schema()
        key = self.kind.key
        fixed = [
            (pl.col(SOURCE).cast(pl.String) if SOURCE in schema else pl.lit(None, pl.String)),
            (pl.col(ROW).cast(pl.Int64) if ROW in schema else pl.lit(None, pl.Int64)),
            (pl.col(key).cast(pl.String) if key in schema else pl.lit(None, pl.String)),
        ]
        fixed = [e.alias(n) for e, n in zip(fixed, (SOURCE, ROW, "record_id"), strict=True)]
        lf = data.lazy()
        # Only failing rows come back (checks are never null); passing rows count nothing.
        result, good, ms = self._run_pass(
            prepared, lambda exprs: lf.select(exprs).filter(~pl.all_horizontal(_CHECK)), fixed
        )
        if result is None:
            return
        if isinstance(data, pl.DataFrame):
            height = data.height
        else:
            height = lf.select(pl.len()).collect(engine=self.engine).item()
        self._collect_findings(result, good, ms, height, entity=None)

    def entity_pass(self, data: Frame, key: str, prepared: list[_Prepared]) -> None:
        lf = data.lazy().filter(pl.col(key).is_not_null())
        result, good, ms = self._run_pass(prepared, lambda exprs: lf.group_by(key).agg(exprs), [])
        if result is None:
            return
        result = result.with_columns(pl.col(key).cast(pl.String).alias(_ENTITY))
        # Provenance only for the entities that failed, after the pass (usually few): the
        # first source in sorted order and the smallest row number, whatever the row order.
        cols = [p.col for p in good]
        failing = result.filter(~pl.all_horizontal(cols)).get_column(key) if cols else None
        schema = data.collect_schema()
        if failing is not None and failing.len():
            prov = (
                data.lazy()
                .filter(pl.col(key).is_in(failing.implode()))
                .group_by(key)
                .agg(
                    (pl.col(SOURCE).min() if SOURCE in schema else pl.lit(None, pl.String))
                    .cast(pl.String)
                    .alias(SOURCE),
                    (pl.col(ROW).min() if ROW in schema else pl.lit(None, pl.Int64))
                    .cast(pl.Int64)
                    .alias(ROW),
                )
                .select(pl.col(key).cast(pl.String).alias(_ENTITY), SOURCE, ROW)
                .collect(engine=self.engine)
            )
            result = result.join(prov, on=_ENTITY, how="left")
        else:
            result = result.with_columns(
                pl.lit(None, pl.String).alias(SOURCE), pl.lit(None, pl.Int64).alias(ROW)
            )
        self._collect_findings(result, good, ms, result.height, entity=key)

    def dataset_pass(self, data: Frame, prepared: list[_Prepared]) -> None:
        lf = data.lazy()
        fixed = [pl.lit(None, pl.String).alias(SOURCE), pl.lit(None, pl.Int64).alias(ROW)]
        result, good, ms = self._run_pass(prepared, lf.select, fixed)
        if result is None:
            return
        if result.height != 1:
            for p in good:
                self._fail(p.rule, "a dataset rule must aggregate to one value")
            return
        self._collect_findings(result, good, ms, 1, entity=None)

    # -- findings ------------------------------------------------------------------------------

    def _collect_findings(
        self,
        result: pl.DataFrame,
        good: list[_Prepared],
        pass_ms: float,
        evaluated: int,
        entity: str | None,
    ) -> None:
        cols = [p.col for p in good]
        counts = result.select([(~pl.col(c)).sum().alias(c) for c in cols]).row(0) if cols else ()
        share = pass_ms / max(len(good), 1)
        for p, failed in zip(good, counts, strict=True):
            out = _Outcome(
                rule=p.rule,
                kind=self.kind.name,
                evaluated=evaluated,
                failed=int(failed),
                duration_ms=p.preflight_ms + share,
            )
            if failed:
                self.findings.append((p.rule.id, self._findings_of(result, p, entity)))
            self.outcomes.append(out)

    def finish_findings(self) -> pl.DataFrame:
        """Every finding of the kind, ordered by rule id, in one collect; waiver counts and
        statuses are set on the outcomes."""
        frames = [frame for _, frame in sorted(self.findings, key=lambda kv: kv[0])]
        findings = pl.concat(frames).collect() if frames else pl.DataFrame(schema=FINDINGS_SCHEMA)
        waived: dict[str, int] = {}
        if findings.height:
            counts = findings.filter(pl.col("waived")).group_by("rule_id").len()
            waived = {str(rid): int(n) for rid, n in counts.iter_rows()}
        for out in self.outcomes:
            if out.status == "error":
                continue
            out.waived = waived.get(out.rule.id, 0)
            out.status = "fail" if out.failed > out.waived else "pass"
        return findings

    def _findings_of(self, result: pl.DataFrame, p: _Prepared, entity: str | None) -> pl.LazyFrame:
        rule = p.rule
        severity = self.policy.effective_severity(rule.id, rule.severity)
        if isinstance(rule.message, pl.Expr):
            message = pl.col(f"{p.col}_msg").fill_null(rule.default_message)
        else:
            message = pl.lit(rule.message or rule.default_message, pl.String)
        ident = [
            pl.col("record_id") if entity is None and "record_id" in result.columns else None,
            pl.col(_ENTITY) if entity is not None else None,
        ]
        frame = result.lazy().filter(~pl.col(p.col))
        if entity is not None:
            frame = frame.sort(_ENTITY)
        frame = frame.select(
            pl.lit(rule.id, pl.String).alias("rule_id"),
            pl.lit(rule.version, pl.Int64).alias("rule_version"),
            pl.lit(severity.value, pl.String).alias("severity"),
            pl.lit(rule.scope.value, pl.String).alias("scope"),
            pl.lit(self.kind.name, pl.String).alias("kind"),
            (ident[0] if ident[0] is not None else pl.lit(None, pl.String)).alias("record_id"),
            (ident[1] if ident[1] is not None else pl.lit(None, pl.String)).alias("entity_key"),
            message.alias("message"),
            pl.col(SOURCE),
            pl.col(ROW),
        )
        waiver = self._waiver_expr(rule)
        frame = frame.with_columns(waiver.alias("waiver")).with_columns(
            pl.col("waiver").is_not_null().alias("waived")
        )
        if entity is not None and entity in self.personal:
            frame = frame.with_columns(mask_code_expr(pl.col("entity_key")).alias("entity_key"))
        return frame.select(FINDINGS_SCHEMA.names())

    def _waiver_expr(self, rule: Rule) -> pl.Expr:
        expr: pl.Expr = pl.lit(None, pl.String)
        # Build from the last waiver back so the first matching one gives the reason.
        for w in reversed(self.policy.waivers_for(rule.id, self.ctx.as_of)):
            if w.whole_rule:
                cond = pl.lit(True)
            else:
                cond = pl.lit(False)
                if w.records:
                    cond = cond | pl.col("record_id").is_in(list(w.records))
                if w.entities:
                    cond = cond | pl.col("entity_key").is_in(list(w.entities))
            expr = pl.when(cond).then(pl.lit(w.reason, pl.String)).otherwise(expr)
        return expr

    # -- driver --------------------------------------------------------------------------------

    def run(self) -> Frame:
        data = self.derive()
        schema = data.collect_schema()
        empty = pl.LazyFrame(schema=schema)
        prepared: dict[tuple[Scope, str | None], list[_Prepared]] = {}
        for rule in sorted(self.ruleset.for_kind(self.kind.name), key=lambda r: r.id):
            p = self.preflight(rule, empty, schema)
            if p is not None:
                prepared.setdefault((rule.scope, p.key), []).append(p)
        for (scope, key), group in sorted(
            prepared.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        ):
            if scope is Scope.ROW:
                self.row_pass(data, group)
            elif scope is Scope.ENTITY and key is not None:
                self.entity_pass(data, key, group)
            else:
                self.dataset_pass(data, group)
        return data


def _empty_height(expr: pl.Expr, empty: pl.LazyFrame) -> int | None:
    # On an empty frame an aggregate still gives one row and a per-record expression none:
    # the shape of the result without touching data.
    try:
        return empty.select(expr).collect().height
    except Exception:
        return None


# -- public API --------------------------------------------------------------------------------


def _resolve_kind(kind: str | RecordKind, ruleset: RuleSet) -> RecordKind:
    if isinstance(kind, RecordKind):
        return kind
    if kind in ruleset.kinds:
        return ruleset.kinds[kind]
    return get_kind(kind)


def ruleset_of(
    rules: RuleSet | Iterable[Rule], settings: Mapping[str, SettingValue] | None = None
) -> RuleSet:
    """``rules`` as a :class:`RuleSet` with ``settings`` laid over its own (what
    :func:`evaluate` does with its ``rules`` and ``settings``).

    Raises:
        ConfigError: ``settings`` names a setting the rule set does not declare.
    """
    if isinstance(rules, RuleSet):
        return _with_settings(rules, settings)
    return RuleSet.of(rules, settings=settings)


def _with_settings(ruleset: RuleSet, settings: Mapping[str, SettingValue] | None) -> RuleSet:
    """``ruleset`` with ``settings`` laid over its own: the caller's settings reach every rule
    and summary the same way the job's and the CLI's do (``PluginManager.ruleset(settings)``
    also coerces them to their declared types).

    Raises:
        ConfigError: the rule set has settings and ``settings`` names another one (naming the
            closest).
    """
    if not settings:
        return ruleset
    known = list(ruleset.settings)
    for name in settings:
        if known and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.0)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"unknown setting {name!r}{hint}")
    return dataclasses.replace(ruleset, settings=MappingProxyType({**ruleset.settings, **settings}))


def evaluate(
    frame: Frame,
    *,
    kind: str | RecordKind,
    as_of: dt.date,
    rules: RuleSet | Iterable[Rule],
    policy: RulePolicy | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    fail_on: Severity = Severity.ERROR,
    streaming: bool = False,
    quarantine: Frame | None = None,
) -> EvaluationResult:
    """Evaluate rules and derived columns over the valid records of one kind.

    Args:
        frame: typed canonical columns (``validate(...).valid``), with ``_source``/``_row``
            provenance if available; a ``LazyFrame`` (e.g. ``pl.scan_parquet``) with
            ``streaming=True`` for data larger than memory.
        kind: the record kind (name or declaration).
        as_of: the run date every rule sees; rules never read the clock.
        rules: a :class:`RuleSet` (e.g. ``PluginManager.ruleset()``) or rules you hold; the
            public :func:`credit_ledger.evaluate` takes them from the plugins by default.
        policy: severity overrides and waivers from configuration.
        settings: settings laid over the rule set's own.
        fail_on: default threshold of ``result.status()``.
        streaming: never materialise the kind: every pass and summary runs on the lazy plan
            with Polars' streaming engine, keeping only failing rows (and entity results) in
            memory. ``result.derived`` then holds ``LazyFrame`` plans, not DataFrames.
        quarantine: the rows validation rejected (``validate(...).quarantine``), for summaries
            that ask for them (:attr:`Summary.quarantine`).

    Returns:
        An :class:`EvaluationResult` (findings, outcomes, derived frame or plan, summaries,
        errors).

    Raises:
        ConfigError: a setting is not declared or does not fit its type.

    Example:
        >>> import datetime as dt, polars as pl
        >>> from credit_ledger.kinds import Field, RecordKind
        >>> x = Field(name="x", dtype="int")
        >>> k = RecordKind(name="toy", version=1, title="toy", fields=(x,))
        >>> r = Rule(id="toy.positive", title="x > 0", kind="toy", check=pl.col("x") > 0)
        >>> df = pl.DataFrame({"x": [1, -1]})
        >>> res = evaluate(df, kind=k, as_of=dt.date(2025, 1, 1), rules=[r])
        >>> res.outcomes.select("rule_id", "status", "failed").row(0)
        ('toy.positive', 'fail', 1)
    """
    ruleset = ruleset_of(rules, settings)
    k = _resolve_kind(kind, ruleset)
    return evaluate_many(
        {k.name: frame},
        as_of=as_of,
        rules=ruleset,
        policy=policy,
        fail_on=fail_on,
        kinds=[k],
        streaming=streaming,
        quarantine={k.name: quarantine} if quarantine is not None else None,
    )


def _load_errors(ruleset: RuleSet) -> tuple[list[RunError], list[Conflict]]:
    errors = [
        RunError(what="plugin", name=p.name, plugin=p.name, message=p.error or "failed")
        for p in ruleset.failed_plugins
    ]
    errors += [
        RunError(what="conflict", name=c.name, plugin=None, message=c.message)
        for c in ruleset.conflicts
    ]
    return errors, [c for c in ruleset.conflicts if c.what == "rule"]


def _policy_notices(policy: RulePolicy, ruleset: RuleSet, as_of: dt.date) -> list[str]:
    notices = [
        f"the rule policy names unknown rule {unknown!r}"
        for unknown in policy.unknown_rules(r.id for r in ruleset.rules)
    ]
    notices += [
        f"waiver of {w.rule_id!r} expired on {w.until}"
        for w in policy.waivers
        if not w.active(as_of)
    ]
    return notices


def _summary_inputs(
    kinds: tuple[str, ...],
    quarantine: Mapping[str, Frame] | None,
) -> dict[str, pl.LazyFrame]:
    out: dict[str, pl.LazyFrame] = {}
    for k in kinds:
        given = (quarantine or {}).get(k)
        out[quarantine_key(k)] = (
            given.lazy() if given is not None else pl.LazyFrame(schema=QUARANTINE_SCHEMA)
        )
    return out


def _summaries(
    ruleset: RuleSet,
    derived: Mapping[str, Frame],
    ctx: RunContext,
    engine: Engine,
    *,
    quarantine: Mapping[str, Frame] | None = None,
    history: Mapping[str, pl.LazyFrame] | None = None,
) -> tuple[dict[str, pl.DataFrame], list[RunError]]:
    out: dict[str, pl.DataFrame] = {}
    errors: list[RunError] = []
    for s in sorted(ruleset.summaries, key=lambda s: s.name):
        if not set(s.kinds) <= set(derived):
            continue  # computed only when every kind it needs is in the run
        try:
            inputs = {k: derived[k].lazy() for k in s.kinds}
            if s.quarantine:
                inputs |= _summary_inputs(s.kinds, quarantine)
            if s.history:
                given = history or {}
                inputs |= {history_key(k): given[k] for k in s.kinds if k in given}
            table = s.compute(ctx, MappingProxyType(inputs))
            if isinstance(table, pl.LazyFrame):
                table = table.collect(engine=engine)
            if not isinstance(table, pl.DataFrame):
                raise TypeError(f"returned {type(table).__name__}, expected a polars DataFrame")
            out[s.name] = table
        except Exception as exc:  # a plugin's callable may raise anything
            plugin = ruleset.providers.get(s.name)
            errors.append(
                RunError(what="summary", name=s.name, plugin=plugin, message=_first_line(exc))
            )
    return out, errors


def evaluate_many(
    frames: Mapping[str, Frame],
    *,
    as_of: dt.date,
    rules: RuleSet | Iterable[Rule],
    policy: RulePolicy | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    fail_on: Severity = Severity.ERROR,
    kinds: Iterable[RecordKind] = (),
    streaming: bool = False,
    quarantine: Mapping[str, Frame] | None = None,
    history: Mapping[str, pl.LazyFrame] | None = None,
) -> EvaluationResult:
    """Like :func:`evaluate` for several kinds at once (``{kind name: frame}``); summaries
    spanning several kinds are computed when all of them are given. With ``streaming=True``
    no kind is materialised and ``result.derived`` holds ``LazyFrame`` plans (see
    :func:`evaluate`). ``quarantine`` holds the rejected rows by kind name, for the summaries
    that ask for them; ``history`` the records as earlier runs left them, by kind name, each
    with :data:`HISTORY_AS_OF` (for the summaries that ask, :attr:`Summary.history`);
    ``settings`` are laid over the rule set's (an unknown name is a
    :class:`~credit_ledger.errors.ConfigError`)."""
    ruleset = ruleset_of(rules, settings)
    policy = policy or RulePolicy()
    given = {k.name: k for k in kinds}
    resolved = {name: given.get(name) or _resolve_kind(name, ruleset) for name in frames}
    errors, conflicts = _load_errors(ruleset)
    info = RunInfo(
        as_of=as_of,
        kinds=tuple(sorted(frames)),
        rules=tuple(sorted(r.id for r in ruleset.rules if r.kind in frames)),
        plugins=ruleset.plugins,
    )
    notifier = ruleset.notifier
    notices = notifier.run_started(info) if notifier is not None else []
    notices += _policy_notices(policy, ruleset, as_of)

    engine: Engine = "streaming" if streaming else "auto"
    outcomes: list[_Outcome] = []
    findings: list[pl.DataFrame] = []
    derived: dict[str, Frame] = {}
    for name in sorted(frames):
        kind = resolved[name]
        ctx = RuleContext(as_of=as_of, settings=ruleset.settings, kind=kind)
        run = _KindRun(
            kind=kind,
            frame=frames[name],
            ruleset=ruleset,
            ctx=ctx,
            policy=policy,
            engine=engine,
        )
        derived[name] = run.run()
        findings.append(run.finish_findings())
        outcomes.extend(run.outcomes)
        errors.extend(run.errors)
    summaries, summary_errors = _summaries(
        ruleset,
        derived,
        RunContext(as_of=as_of, settings=ruleset.settings),
        engine,
        quarantine=quarantine,
        history=history,
    )
    errors += summary_errors
    if notifier is not None:
        for e in errors:
            if e.what == "rule":
                notices += notifier.rule_error(info, e.name, e.plugin, e.message)

    findings_frame = pl.concat(findings, how="vertical") if findings else None
    result = EvaluationResult(
        as_of=as_of,
        findings=findings_frame
        if findings_frame is not None and findings_frame.height
        else pl.DataFrame(schema=FINDINGS_SCHEMA),
        outcomes=_outcome_frame(outcomes, policy, ruleset, conflicts),
        derived=MappingProxyType(derived),
        summaries=MappingProxyType(summaries),
        persist=MappingProxyType(
            {s.name: s.persist for s in ruleset.summaries if s.persist and s.name in summaries}
        ),
        errors=tuple(errors),
        notices=tuple(notices),
        fail_on=Severity(fail_on),
    )
    if notifier is not None:
        late = notifier.run_finished(info, result.report)
        if late:
            result = dataclasses.replace(result, notices=(*result.notices, *late))
    return result


def _outcome_frame(
    outcomes: list[_Outcome],
    policy: RulePolicy,
    ruleset: RuleSet,
    conflicts: list[Conflict],
) -> pl.DataFrame:
    rows: list[dict[str, object]] = []
    for o in sorted(outcomes, key=lambda o: (o.kind, o.rule.id)):
        rows.append(
            {
                "rule_id": o.rule.id,
                "rule_version": o.rule.version,
                "plugin": ruleset.providers.get(o.rule.id),
                "kind": o.kind,
                "scope": o.rule.scope.value,
                "severity": policy.effective_severity(o.rule.id, o.rule.severity).value,
                "declared_severity": o.rule.severity.value,
                "status": o.status,
                "evaluated": o.evaluated,
                "failed": o.failed,
                "waived": o.waived,
                "duration_ms": round(o.duration_ms, 3),
                "error": o.error,
            }
        )
    for c in conflicts:
        rows.append(
            {
                "rule_id": c.name,
                "plugin": ", ".join(c.providers),
                "status": "error",
                "evaluated": 0,
                "failed": 0,
                "waived": 0,
                "duration_ms": 0.0,
                "error": c.message,
            }
        )
    return (
        pl.DataFrame(rows, schema=OUTCOMES_SCHEMA) if rows else pl.DataFrame(schema=OUTCOMES_SCHEMA)
    )
