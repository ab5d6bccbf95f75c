"""Validation on Spark: each input's Arrow batches through :func:`credit_ledger.validate` on
the executors, valid rows and quarantine written as Parquet by Spark.

Per input: the rows (read on the driver by the source's reader, which knows encodings, sheets
and headers) are written once as Parquet into the run's scratch and read by Spark. The values
a unique column holds more than once anywhere in the input are found by a Spark aggregate
(``groupBy(value).count() > 1``) and handed to every batch, so a duplicate is caught across
batches and partitions exactly as the streamed engine catches it. Inputs of one kind are then
joined into the batch by record id in Spark (the last delivery wins, as in memory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from credit_ledger.errors import CreditLedgerError, InputError, describe
from credit_ledger.kinds import RecordKind
from credit_ledger.pipeline._results import Batch, Input, InputSummary, Validated
from credit_ledger.pipeline._spark_layout import TABLE, Layout, arrow_schema, quoted, spark_struct
from credit_ledger.streaming._duplicates import typed_value
from credit_ledger.validate import validate

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["validate_on_spark"]

_INPUT = "__input"
JOBS = 4  # Spark jobs submitted at once (one per input or kind)


def _typed_uniques(
    kind: RecordKind, present: pl.Schema, schema: pl.Schema
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    arrow = arrow_schema(schema)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        exprs = [typed_value(kind, n, present) for n in schema]
        for batch in batches:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            typed = frame.select(exprs).to_arrow(compat_level=pl.CompatLevel.oldest())
            yield from typed.cast(arrow).to_batches()

    return run


def _duplicates(rows: DataFrame, kind: RecordKind, present: pl.Schema) -> dict[str, pl.Series]:
    """Per unique column, the typed values it holds more than once over all of ``rows``."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415 - the optional extra

    names = kind.unique_columns
    if not names:
        return {}
    schema = pl.Schema({n: kind.field(n).polars_dtype for n in names})
    # Only the columns the typed values come from cross to Python (mapInArrow reads them all).
    needed = {root for n in names for root in typed_value(kind, n, present).meta.root_names()}
    source = rows.select(*(F.col(quoted(c)) for c in present if c in needed or not needed))
    typed = source.mapInArrow(_typed_uniques(kind, present, schema), spark_struct(schema))
    found: dict[str, pl.Series] = {}
    for name in names:
        repeated = (
            typed.where(F.col(name).isNotNull())
            .groupBy(name)
            .count()
            .where(F.col("count") > 1)
            .select(name)
        )
        values = pl.from_arrow(repeated.toArrow())
        assert isinstance(values, pl.DataFrame)
        found[name] = values.to_series().cast(schema[name])
    return found


def _validator(
    kind: RecordKind, layout: Layout, duplicates: Mapping[str, pl.Series]
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    keep = list(layout.tables["valid"])

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            result = validate(frame, kind=kind, duplicates=duplicates)
            yield from layout.pack(
                {"valid": result.valid.select(keep), "quarantine": result.quarantine}
            )

    return run


def _validate_input(
    spark: SparkSession, item: Input, kind: RecordKind, out: Path
) -> tuple[InputSummary, Layout, pl.LazyFrame, pl.LazyFrame]:
    rows_file = out / "input.parquet"
    out.mkdir(parents=True, exist_ok=True)
    item.frame.lazy().sink_parquet(rows_file)
    present = pl.Schema(pl.read_parquet_schema(rows_file))
    empty = validate(pl.DataFrame(schema=present), kind=kind)
    layout = Layout(
        {
            # every column validation gives, as MemoryMode keeps them (the commit keeps the
            # ledger's own)
            "valid": empty.valid.schema,
            "quarantine": empty.quarantine.schema,
        }
    )
    rows = spark.read.parquet(str(rows_file))
    duplicates = _duplicates(rows, kind, present)
    checked = rows.mapInArrow(_validator(kind, layout, duplicates), layout.spark_schema())
    checked.write.mode("overwrite").partitionBy(TABLE).parquet(str(out / "validated"))
    valid = layout.scan(out / "validated", "valid")
    quarantine = layout.scan(out / "validated", "quarantine")
    n_in = pl.scan_parquet(rows_file).select(pl.len()).collect().item()
    n_valid = valid.select(pl.len()).collect().item()
    n_quarantined = quarantine.select(pl.len()).collect().item()
    if n_in != n_valid + n_quarantined:  # the promise every engine keeps: nothing is lost
        raise InputError(
            f"source {item.source!r}: {item.location}: {n_in} rows read but {n_valid} valid "
            f"and {n_quarantined} quarantined on Spark"
        )
    summary = InputSummary(
        source=item.source,
        kind=item.kind,
        location=item.location,
        sha256=item.sha256,
        bytes=item.bytes,
        rows_in=n_in,
        rows_valid=n_valid,
        rows_quarantined=n_quarantined,
    )
    return summary, layout, valid, quarantine


def _last_deliveries(
    kind: RecordKind, parts: list[tuple[pl.LazyFrame, DataFrame]], out: Path
) -> tuple[pl.LazyFrame, int]:
    """The valid rows of several inputs of ``kind`` with each record id once, from the last
    input holding it (joined by Spark), and how many rows that drops."""
    from pyspark.sql import Window  # noqa: PLC0415
    from pyspark.sql import functions as F  # noqa: N812, PLC0415

    frames = [rows.withColumn(_INPUT, F.lit(i)) for i, (_, rows) in enumerate(parts)]
    together = frames[0]
    for frame in frames[1:]:
        together = together.unionByName(frame, allowMissingColumns=True)
    latest = F.max(_INPUT).over(Window.partitionBy(kind.key))
    kept = together.withColumn("__latest", latest).where(F.col(_INPUT) == F.col("__latest"))
    kept.drop(_INPUT, "__latest").write.mode("overwrite").parquet(str(out))
    schema = pl.concat([p.head(0) for p, _ in parts], how="diagonal_relaxed").collect_schema()
    records = pl.scan_parquet(out / "*.parquet").select(
        pl.col(n).cast(d) for n, d in schema.items()
    )
    total = sum(p.select(pl.len()).collect().item() for p, _ in parts)
    return records, total - records.select(pl.len()).collect().item()


def _one(
    spark: SparkSession, item: Input, kind: RecordKind, out: Path
) -> tuple[InputSummary, Layout, pl.LazyFrame, pl.LazyFrame]:
    try:
        return _validate_input(spark, item, kind, out)
    except CreditLedgerError:
        raise
    except Exception as exc:
        raise InputError(
            f"source {item.source!r}: {item.location} failed while validating on Spark: "
            f"{describe(exc)}"
        ) from None


def validate_on_spark(
    spark: SparkSession, inputs: Sequence[Input], kinds: Mapping[str, RecordKind], scratch: Path
) -> Validated:
    """Validate every input on Spark (see the module's description). Inputs are submitted
    as concurrent Spark jobs, so small inputs do not leave the executors idle.

    Raises:
        InputError: an input fails while being read; the message names the source.
    """
    outs = [scratch / "validate" / f"{i:05d}" for i in range(len(inputs))]
    with ThreadPoolExecutor(max_workers=JOBS, thread_name_prefix="spark-validate") as pool:
        futures = [
            pool.submit(_one, spark, item, kinds[item.kind], out)
            for item, out in zip(inputs, outs, strict=True)
        ]
        done = [f.result() for f in futures]
    summaries = [summary for summary, *_ in done]
    several: dict[str, list[tuple[pl.LazyFrame, DataFrame]]] = {}
    batches: dict[str, Batch] = {}
    quarantined: dict[str, list[pl.LazyFrame]] = {}
    for item, out, (summary, layout, rows, rejected) in zip(inputs, outs, done, strict=True):
        if sum(other.kind == item.kind for other in inputs) > 1:
            in_spark = layout.read(spark, out / "validated", "valid")
            several.setdefault(item.kind, []).append((rows, in_spark))
        else:
            batches[item.kind] = Batch(kind=kinds[item.kind], records=rows, duplicates=0)
        if summary.rows_quarantined:
            quarantined.setdefault(item.kind, []).append(rejected)
    for name, parts in several.items():
        records, dropped = _last_deliveries(kinds[name], parts, scratch / "batches" / name)
        batches[name] = Batch(kind=kinds[name], records=records, duplicates=dropped)
    return Validated(
        inputs=tuple(summaries),
        batches={k: batches[k] for k in dict.fromkeys(item.kind for item in inputs)},
        quarantined={k: pl.concat(v, how="diagonal_relaxed") for k, v in quarantined.items()},
    )
