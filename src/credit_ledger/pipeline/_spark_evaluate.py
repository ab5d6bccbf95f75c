"""Rules, derived columns and summaries on Spark.

Per kind, the records go to Spark once (Parquet in the run's scratch) and then:

1. **row rules and the entity rules of one key** run in one ``mapInArrow`` pass after
   ``repartition(n, key)``: every entity's rows are in one partition, and each Python call
   evaluates a whole partition (many entities) with the same engine
   (:func:`credit_ledger.rules.evaluate_many`) the other modes use;
2. **entity rules of other keys** (a case number, the source file) run the same way, each
   over the records repartitioned by its key; a key that is itself a derived column is
   computed by a ``mapInArrow`` step just before the shuffle;
3. **derived columns** of row scope are computed inside every pass that needs them, and the
   derived records handed on are a lazy plan over the records, once a streaming pass on the
   driver proved every column computes (so they never cross to Spark and back). Entity-scope
   derived columns of one key are computed by the first pass, by that key, which then writes
   the derived records the other passes read;
4. **dataset rules and summaries** are arbitrary Polars aggregates and callables, which cannot
   be split into partial aggregates in general: they run on the driver over lazy scans of the
   derived records (Polars' streaming engine), and only when the rows they need are at most
   ``driver_rows``; above it the rule or summary is an error saying so, never a wrong figure.
   So does a whole kind whose derived columns cannot be computed partition by partition
   (a dataset-scope derived column, or entity-scope ones over several keys).

Rules with pre-flight errors (schema-level, no data needed) are found once on the driver
against empty frames, exactly as the in-memory engine reports them; the passes add counts.
Derived records, findings and outcomes are written as Parquet by Spark into the scratch.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from polars.io.plugins import register_io_source

from credit_ledger.ingest import ROW, SOURCE
from credit_ledger.kinds import RecordKind, get_kind
from credit_ledger.pipeline._results import EvaluationRequest
from credit_ledger.pipeline._spark_layout import TABLE, Layout, arrow_schema, quoted, spark_struct
from credit_ledger.pipeline._spark_validate import JOBS
from credit_ledger.rules import (
    FINDINGS_SCHEMA,
    OUTCOMES_SCHEMA,
    DerivedColumn,
    EvaluationResult,
    Rule,
    RulePolicy,
    RuleSet,
    RunError,
    RunInfo,
    Scope,
    evaluate_many,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkPlan", "evaluate_on_spark"]

_SAMPLE_ROWS = 1_000  # records a pass's columns are found on (see _KindOnSpark._read_by)

ERRORS_SCHEMA = pl.Schema(
    {
        "what": pl.String(),
        "name": pl.String(),
        "plugin": pl.String(),
        "message": pl.String(),
        "kind": pl.String(),
    }
)
_RESULTS = {"findings": FINDINGS_SCHEMA, "outcomes": OUTCOMES_SCHEMA, "errors": ERRORS_SCHEMA}


@dataclass(frozen=True, kw_only=True)
class SparkPlan:
    """How a Spark evaluation divides its work.

    Attributes:
        partition_rows: rows per partition a rule pass aims at (each partition is one Python
            call holding its rows in memory); the partition count is at least the session's
            default parallelism.
        driver_rows: the most rows a dataset rule or summary may read on the driver.
    """

    partition_rows: int
    driver_rows: int


def _errors_frame(errors: Iterable[RunError]) -> pl.DataFrame:
    rows = [dataclasses.asdict(e) for e in errors]
    return pl.DataFrame(rows, schema=ERRORS_SCHEMA)


@contextmanager
def _partition(
    batches: Iterator[pa.RecordBatch], spool_rows: int | None
) -> Iterator[pl.DataFrame | pl.LazyFrame | None]:
    """A partition's rows: in memory up to ``spool_rows``; past that spooled to a Parquet file
    on the executor's local disk and scanned, so that Polars' streaming engine evaluates a
    partition of any size (one key with millions of rows) in bounded memory."""
    held: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        held.append(batch)
        rows += batch.num_rows
        if spool_rows is not None and rows > spool_rows:
            break
    else:
        frame = pl.from_arrow(pa.Table.from_batches(held)) if held else None
        assert frame is None or isinstance(frame, pl.DataFrame)
        yield frame
        return
    with tempfile.TemporaryDirectory(prefix="credit-ledger-partition-") as spool:
        path = Path(spool) / "rows.parquet"
        with pq.ParquetWriter(path, held[0].schema) as writer:
            for batch in held:
                writer.write_batch(batch)
            held.clear()
            for batch in batches:
                writer.write_batch(batch)
        yield pl.scan_parquet(path)


def _evaluator(
    kind: RecordKind,
    ruleset: RuleSet,
    request: EvaluationRequest,
    schema: pl.Schema,
    layout: Layout,
    *,
    spool_rows: int,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The ``mapInArrow`` function of one rule pass: a whole partition per call (spooled to
    disk past ``spool_rows`` rows, unless the pass writes the derived records)."""
    as_of, policy, fail_on = request.as_of, request.policy, request.fail_on
    limit = None if "derived" in layout.tables else spool_rows

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        with _partition(batches, limit) as rows:
            if rows is None:
                return
            result = evaluate_many(
                {kind.name: rows.select(pl.col(n).cast(d) for n, d in schema.items())},
                as_of=as_of,
                rules=ruleset,
                policy=policy,
                fail_on=fail_on,
                kinds=[kind],
                streaming=isinstance(rows, pl.LazyFrame),
            )
            out = {
                "findings": result.findings,
                "outcomes": result.outcomes,
                "errors": _errors_frame(result.errors),
            }
            if "derived" in layout.tables:
                derived = result.derived[kind.name]
                assert isinstance(derived, pl.DataFrame)
                # A derived column that failed on this partition's data is null here; the driver
                # sees its error and evaluates the kind again without it (_KindOnSpark.run).
                absent = [n for n in layout.tables["derived"] if n not in derived.columns]
                out["derived"] = derived.with_columns(
                    pl.lit(None, layout.tables["derived"][n]).alias(n) for n in absent
                )
            yield from layout.pack(out)

    return run


class _KindOnSpark:
    """The Spark passes of one kind; gathers where their outputs are."""

    def __init__(
        self,
        *,
        spark: SparkSession,
        kind: RecordKind,
        request: EvaluationRequest,
        plan: SparkPlan,
        skeleton: EvaluationResult,
        out: Path,
    ) -> None:
        self.spark = spark
        self.kind = kind
        self.request = request
        self.plan = plan
        self.out = out
        self.source = out / "records.parquet"
        self.results: list[tuple[Layout, Path]] = []
        self.driver: list[EvaluationResult] = []
        self.errors: list[RunError] = []
        self.refused: list[pl.DataFrame] = []  # outcomes of the rules over driver_rows
        failed = {
            (o["kind"], o["rule_id"])
            for o in skeleton.outcomes.iter_rows(named=True)
            if o["status"] == "error"
        }
        self.rules = [
            r for r in request.rules.for_kind(kind.name) if (kind.name, r.id) not in failed
        ]
        self.failed_derived = {
            e.name for e in skeleton.errors if e.what == "derived_column" and e.kind == kind.name
        }
        self.derived_schema = skeleton.derived[kind.name].collect_schema()

    def _live_derived(self) -> tuple[DerivedColumn, ...]:
        """The kind's derived columns, less those that failed."""
        columns = self.request.rules.derived_for(self.kind.name)
        return tuple(d for d in columns if d.name not in self.failed_derived)

    def _ruleset(self, rules: Iterable[Rule], *, derived: bool) -> RuleSet:
        return dataclasses.replace(
            self.request.rules,
            rules=tuple(rules),
            derived=self._live_derived() if derived else (),
            summaries=(),
            kinds=MappingProxyType({}),  # the pass is given its kind; the others stay home
            conflicts=(),
            failed_plugins=(),
            notifier=None,
        )

    def _partitions(self, rows: int) -> int:
        slots = max(self.spark.sparkContext.defaultParallelism, 1)
        return max(slots, math.ceil(rows / self.plan.partition_rows))

    def _pass(
        self,
        data: DataFrame,
        schema: pl.Schema,
        key: str | None,
        rules: list[Rule],
        *,
        rows: int,
        name: str,
        derive: bool = True,
        emit: bool = False,
    ) -> Path:
        """One ``mapInArrow`` pass of ``rules`` over ``data`` spread by ``key``, computing the
        derived columns when ``derive`` and writing the derived records too when ``emit``."""
        tables = dict(_RESULTS)
        if emit:
            tables = {"derived": self.derived_schema, **tables}
        else:
            from pyspark.sql import functions as F  # noqa: N812, PLC0415 - the optional extra

            schema = self._read_by(schema, rules, key)
            data = data.select(*(F.col(quoted(n)) for n in schema))
        layout = Layout(tables)
        n = self._partitions(rows)
        if key is None:
            spread = data.repartition(n)
        elif key in schema:
            spread = data.repartition(n, key)
        elif key in self.derived_schema:  # a derived key: computed for the shuffle only
            spread = self._with_key(data, schema, key).repartition(n, key)
        else:  # a key that failed to derive: the rules say so, as in memory
            spread = data.repartition(n)
        fn = _evaluator(
            self.kind,
            self._ruleset(rules, derived=derive or emit),
            self.request,
            schema,
            layout,
            spool_rows=2 * self.plan.partition_rows,
        )
        out = self.out / name
        spread.mapInArrow(fn, layout.spark_schema()).write.mode("overwrite").partitionBy(
            TABLE
        ).parquet(str(out))
        self.results.append((layout, out))
        return out

    def _read_by(self, schema: pl.Schema, rules: list[Rule], key: str | None) -> pl.Schema:
        """The columns of ``schema`` that ``rules`` and the derived columns read (so only
        those cross to Python and through the shuffle), as Polars' own projection pushdown
        finds them when the same evaluation runs over a few of the records; all of ``schema``
        when some expression reads every column."""
        sample = pl.read_parquet(self.source, n_rows=_SAMPLE_ROWS)
        if not sample.height:
            return schema
        # Columns the records do not have are derived ones a later pass reads: kept.
        read: set[str] = {self.kind.key, SOURCE, ROW, *(set(schema) - set(sample.columns))}
        read.update(k for k in (key, *(r.key_for(self.kind) for r in rules)) if k is not None)
        everything = False

        def scan(
            columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, _: int | None
        ) -> Iterator[pl.DataFrame]:
            nonlocal everything
            everything |= columns is None
            frame = sample if columns is None else sample.select(columns)
            read.update(frame.columns)
            if predicate is not None:
                frame = frame.filter(predicate)
            yield frame if n_rows is None else frame.head(n_rows)

        evaluate_many(
            {self.kind.name: register_io_source(scan, schema=sample.schema)},
            as_of=self.request.as_of,
            rules=self._ruleset(rules, derived=True),
            policy=self.request.policy,
            kinds=[self.kind],
            streaming=True,
        )
        if everything:
            return schema
        return pl.Schema({n: d for n, d in schema.items() if n in read})

    def _with_key(self, data: DataFrame, schema: pl.Schema, key: str) -> DataFrame:
        """``data`` with the derived column ``key`` added by a ``mapInArrow`` pass."""
        keyed = pl.Schema({**schema, key: self.derived_schema[key]})
        arrow = arrow_schema(keyed)
        ruleset, kind, as_of = self._ruleset((), derived=True), self.kind, self.request.as_of

        def add(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                frame = pl.from_arrow(batch)
                assert isinstance(frame, pl.DataFrame)
                frame = frame.select(pl.col(n).cast(d) for n, d in schema.items())
                result = evaluate_many({kind.name: frame}, as_of=as_of, rules=ruleset, kinds=[kind])
                derived = result.derived[kind.name]
                assert isinstance(derived, pl.DataFrame)
                out = derived.select(keyed.names()).to_arrow(compat_level=pl.CompatLevel.oldest())
                yield from out.cast(arrow).to_batches()

        return data.mapInArrow(add, spark_struct(keyed))

    def _on_driver(
        self, frame: pl.LazyFrame, rows: int, rules: list[Rule], *, derived: bool
    ) -> EvaluationResult | None:
        if rows > self.plan.driver_rows:
            message = (
                f"runs on the Spark driver, which reads at most {self.plan.driver_rows}"
                f" rows (SparkMode driver_rows); kind {self.kind.name!r} has {rows}"
            )
            for r in rules:
                plugin = self.request.rules.providers.get(r.id)
                self.errors.append(
                    RunError(
                        what="rule", name=r.id, plugin=plugin, message=message, kind=self.kind.name
                    )
                )
            self.refused.append(
                pl.DataFrame(
                    {"rule_id": [r.id for r in rules], "kind": self.kind.name, "error": message},
                    schema_overrides={"kind": pl.String},
                )
            )
            return None
        result = evaluate_many(
            {self.kind.name: frame},
            as_of=self.request.as_of,
            rules=self._ruleset(rules, derived=derived),
            policy=self.request.policy,
            fail_on=self.request.fail_on,
            kinds=[self.kind],
            streaming=True,
        )
        self.driver.append(result)
        return result

    def _forget(self, errors: Iterable[RunError]) -> None:
        """Keep the errors of derived columns that failed on the data; drop those columns."""
        for error in errors:
            self.errors.append(error)
            self.failed_derived.add(error.name)
        self.derived_schema = pl.Schema(
            {n: d for n, d in self.derived_schema.items() if n not in self.failed_derived}
        )

    def _derived_failed_on_data(self, out: Path) -> bool:
        """Whether a derived column failed on some partition's data in the pass written to
        ``out``. If so it fails for the whole kind, as it does in memory: its error is kept, and
        the column leaves the derived records, so the pass must run again without it."""
        layout = self.results[-1][0]
        failed = (
            layout.scan(out, "errors")
            .filter(pl.col("what") == "derived_column", pl.col("kind") == self.kind.name)
            .filter(~pl.col("name").is_in(list(self.failed_derived)))
            .group_by("name")
            .agg(pl.col("plugin").first(), pl.col("message").sort().first())
            .sort("name")
            .collect()
        )
        self._forget(
            RunError(what="derived_column", kind=self.kind.name, **row)
            for row in failed.iter_rows(named=True)
        )
        return failed.height > 0

    def _derive_on_driver(self, source: Path) -> pl.LazyFrame:
        """The derived records of row-scope derived columns: a plan over ``source``, once a
        streaming pass proved every column computes on all rows (one that fails on any row
        fails for the kind, with the message the in-memory engine gives)."""
        records = pl.scan_parquet(source)
        ruleset = self._ruleset((), derived=True)
        if not ruleset.derived:
            return records
        result = evaluate_many(
            {self.kind.name: records},
            as_of=self.request.as_of,
            rules=ruleset,
            kinds=[self.kind],
            streaming=True,
        )
        self._forget(e for e in result.errors if e.what == "derived_column")
        return result.derived[self.kind.name].lazy()

    def run(self, records: pl.LazyFrame) -> pl.LazyFrame:
        """Evaluate the kind over ``records``; returns the derived records (a lazy scan)."""
        self.out.mkdir(parents=True, exist_ok=True)
        source = self.source
        records.sink_parquet(source)
        schema = pl.Schema(pl.read_parquet_schema(source))
        rows = pl.scan_parquet(source).select(pl.len()).collect().item()
        derived = self._live_derived()
        keys = {d.entity_key or self.kind.subject_code for d in derived if d.scope is Scope.ENTITY}
        if len(keys) > 1 or any(d.scope is Scope.DATASET for d in derived):
            result = self._on_driver(pl.scan_parquet(source), rows, self.rules, derived=True)
            if result is None:
                return pl.scan_parquet(source)
            frame = result.derived[self.kind.name].lazy()
            frame.sink_parquet(self.out / "derived.parquet")
            return pl.scan_parquet(self.out / "derived.parquet")
        by_key: dict[str, list[Rule]] = {}
        for r in self.rules:
            key = r.key_for(self.kind)
            if key is not None:
                by_key.setdefault(key, []).append(r)
        first = next(iter(keys), None)
        if first is None and by_key:
            subject = self.kind.subject_code
            first = subject if subject in by_key else sorted(by_key)[0]
        row_rules = [r for r in self.rules if r.scope is Scope.ROW]
        first_rules = row_rules + by_key.pop(first, []) if first else row_rules
        data = self.spark.read.parquet(str(source))
        if keys:
            # Entity-scope derived columns need each entity's rows together: the first pass,
            # by that key, computes them and writes the derived records the others read.
            out = self._pass(data, schema, first, first_rules, emit=True, rows=rows, name="pass-0")
            if self._derived_failed_on_data(out):
                self.results.pop()
                out = self._pass(
                    data, schema, first, first_rules, emit=True, rows=rows, name="pass-0"
                )
            layout = self.results[-1][0]
            derived_scan = layout.scan(out, "derived")
            data, schema = layout.read(self.spark, out, "derived"), self.derived_schema
        else:
            # Row-scope derived columns are computed in every pass that needs them, from the
            # records; the derived records themselves never cross to Spark and back.
            derived_scan = self._derive_on_driver(source)
            if first_rules:
                self._pass(data, schema, first, first_rules, rows=rows, name="pass-0")
        for i, (key, rules) in enumerate(sorted(by_key.items()), start=1):
            self._pass(data, schema, key, rules, derive=not keys, rows=rows, name=f"pass-{i}")
        dataset = [r for r in self.rules if r.scope is Scope.DATASET]
        if dataset:
            self._on_driver(derived_scan, rows, dataset, derived=False)
        return derived_scan

    def tables(self, table: str) -> list[pl.LazyFrame]:
        """``table`` of every pass (findings, outcomes or errors), lazy."""
        found = [layout.scan(out, table) for layout, out in self.results]
        for result in self.driver:
            if table == "findings":
                found.append(result.findings.lazy())
            elif table == "outcomes":
                found.append(result.outcomes.lazy())
            else:
                found.append(_errors_frame(result.errors).lazy())
        if table == "errors":
            found.append(_errors_frame(self.errors).lazy())
        if table == "outcomes":
            empty = pl.LazyFrame(schema=OUTCOMES_SCHEMA)
            found += [pl.concat([empty, r.lazy()], how="diagonal_relaxed") for r in self.refused]
        return found


def _merged_outcomes(skeleton: pl.DataFrame, parts: list[pl.LazyFrame]) -> pl.DataFrame:
    """The skeleton's outcomes (every rule, pre-flight errors set) with the passes' counts."""
    if not parts:
        return skeleton
    summed = (
        pl.concat(parts)
        .group_by("kind", "rule_id")
        .agg(
            pl.col("evaluated", "failed", "waived", "duration_ms").sum().name.suffix("_p"),
            pl.col("error").drop_nulls().first().alias("error_p"),
        )
        .collect()
    )
    joined = skeleton.join(summed, on=["kind", "rule_id"], how="left")
    preflight_error = pl.col("status") == "error"
    return joined.select(
        *[
            c
            for c in OUTCOMES_SCHEMA
            if c not in ("status", "evaluated", "failed", "waived", "duration_ms", "error")
        ],
        pl.when(preflight_error | pl.col("error_p").is_not_null())
        .then(pl.lit("error"))
        .when(pl.col("failed_p").fill_null(0) > pl.col("waived_p").fill_null(0))
        .then(pl.lit("fail"))
        .otherwise(pl.lit("pass"))
        .alias("status"),
        *[
            pl.when(preflight_error)
            .then(pl.col(c))
            .otherwise(pl.col(f"{c}_p").fill_null(0))
            .alias(c)
            for c in ("evaluated", "failed", "waived")
        ],
        (pl.col("duration_ms") + pl.col("duration_ms_p").fill_null(0.0)).round(3),
        pl.coalesce("error", "error_p").alias("error"),
    ).select(OUTCOMES_SCHEMA.names())


def _summaries(
    derived: Mapping[str, pl.LazyFrame],
    rows: Mapping[str, int],
    request: EvaluationRequest,
    plan: SparkPlan,
) -> tuple[dict[str, pl.DataFrame], list[RunError]]:
    """The summaries, on the driver, those whose kinds hold at most ``driver_rows`` rows."""
    base = request.rules
    fits, errors = [], []
    for s in base.summaries:
        need = sum(rows.get(k, 0) for k in s.kinds)
        if set(s.kinds) <= set(derived) and need > plan.driver_rows:
            errors.append(
                RunError(
                    what="summary",
                    name=s.name,
                    plugin=base.providers.get(s.name),
                    message=(
                        f"runs on the Spark driver, which reads at most {plan.driver_rows} rows"
                        f" (SparkMode driver_rows); its kinds hold {need}"
                    ),
                )
            )
        else:
            fits.append(s)
    if not fits:
        return {}, errors
    only = dataclasses.replace(
        base,
        rules=(),
        derived=(),
        summaries=tuple(fits),
        conflicts=(),
        failed_plugins=(),
        notifier=None,
    )
    result = evaluate_many(
        derived,
        as_of=request.as_of,
        rules=only,
        policy=RulePolicy(),
        kinds=request.kinds,
        streaming=True,
        quarantine=request.quarantine,
        history=request.history,
    )
    return dict(result.summaries), [*errors, *result.errors]


def evaluate_on_spark(
    spark: SparkSession,
    frames: Mapping[str, pl.LazyFrame],
    request: EvaluationRequest,
    *,
    scratch: Path,
    plan: SparkPlan,
) -> EvaluationResult:
    """:func:`credit_ledger.rules.evaluate_many` of ``request`` over ``frames`` on Spark (see
    the module's description): the same findings, outcomes, summaries and errors."""
    ruleset = request.rules
    given = {k.name: k for k in request.kinds}
    kinds = {name: given.get(name) or get_kind(name) for name in frames}
    info = RunInfo(
        as_of=request.as_of,
        kinds=tuple(sorted(frames)),
        rules=tuple(sorted(r.id for r in ruleset.rules if r.kind in frames)),
        plugins=ruleset.plugins,
    )
    notifier = ruleset.notifier
    notices = notifier.run_started(info) if notifier is not None else []
    # Pre-flight on empty frames: the errors that need no data, and every rule's outcome row.
    skeleton = evaluate_many(
        {name: lf.head(0) for name, lf in frames.items()},
        as_of=request.as_of,
        rules=dataclasses.replace(ruleset, summaries=(), notifier=None),
        policy=request.policy,
        fail_on=request.fail_on,
        kinds=list(kinds.values()),
    )
    notices += skeleton.notices
    runs = [
        _KindOnSpark(
            spark=spark,
            kind=kinds[name],
            request=request,
            plan=plan,
            skeleton=skeleton,
            out=scratch / name,
        )
        for name in sorted(frames)
    ]
    # One kind's passes after another's would leave executors idle between small jobs.
    with ThreadPoolExecutor(max_workers=JOBS, thread_name_prefix="spark-evaluate") as pool:
        scans = list(pool.map(lambda run: run.run(frames[run.kind.name]), runs))
    derived = {run.kind.name: scan for run, scan in zip(runs, scans, strict=True)}
    rows = {name: scan.select(pl.len()).collect().item() for name, scan in derived.items()}
    found = [f for run in runs for f in run.tables("findings")]
    findings = (
        pl.concat(found, how="vertical_relaxed")
        .select(pl.col(n).cast(d) for n, d in FINDINGS_SCHEMA.items())
        .sort("kind", "rule_id", "record_id", "entity_key", "_source", "_row", nulls_last=True)
        .collect()
    )
    outcomes = _merged_outcomes(skeleton.outcomes, [o for r in runs for o in r.tables("outcomes")])
    errors = list(skeleton.errors)
    seen = {(e.what, e.name, e.kind, e.message) for e in errors}
    for table in (t for r in runs for t in r.tables("errors")):
        for row in table.collect().iter_rows(named=True):
            error = RunError(**row)
            if (error.what, error.name, error.kind, error.message) not in seen:
                seen.add((error.what, error.name, error.kind, error.message))
                errors.append(error)
    summaries, summary_errors = _summaries(derived, rows, request, plan)
    errors += summary_errors
    if notifier is not None:
        for e in errors:
            if e.what == "rule":
                notices += notifier.rule_error(info, e.name, e.plugin, e.message)
    result = EvaluationResult(
        as_of=request.as_of,
        findings=findings,
        outcomes=outcomes,
        derived=MappingProxyType(derived),
        summaries=MappingProxyType(summaries),
        persist=MappingProxyType(
            {
                s.name: s.persist
                for s in request.rules.summaries
                if s.persist and s.name in summaries
            }
        ),
        errors=tuple(errors),
        notices=tuple(notices),
        fail_on=request.fail_on,
    )
    if notifier is not None:
        late = notifier.run_finished(info, result.report)
        if late:
            result = dataclasses.replace(result, notices=(*result.notices, *late))
    return result
