"""Several Polars tables through one Spark ``mapInArrow`` and back.

``mapInArrow`` gives each Python call one output schema, but a validation or rule pass yields
several tables (valid rows and quarantine; derived records, findings and outcomes). A
:class:`Layout` lays them side by side in one wide Arrow schema (columns named by position, so
any column name survives) plus a ``__table`` column naming the table each row belongs to;
Spark writes it partitioned by ``__table``, and :meth:`Layout.scan` reads one table back as a
lazy Polars scan with its own names and types.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

__all__ = ["TABLE", "Layout", "arrow_schema", "quoted", "spark_struct"]

TABLE = "__table"

# Arrow types Spark does not accept, and what they travel as (cast back by Layout.scan).
_STORED: dict[type[pl.DataType], pl.DataType] = {
    pl.UInt8: pl.Int64(),
    pl.UInt16: pl.Int64(),
    pl.UInt32: pl.Int64(),
    pl.UInt64: pl.Int64(),
    pl.Categorical: pl.String(),
    pl.Enum: pl.String(),
    pl.Null: pl.String(),
    pl.Object: pl.String(),
}


def _stored(dtype: pl.DataType) -> pl.DataType:
    return _STORED.get(type(dtype), dtype)


def _spark_arrow(t: pa.DataType) -> pa.DataType:
    """``t`` with the 64-bit-offset types Polars exports replaced by those Spark reads."""
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return pa.binary()
    if pa.types.is_large_list(t) or pa.types.is_list(t) or pa.types.is_list_view(t):
        return pa.list_(_spark_arrow(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_spark_arrow(f.type)) for f in t])
    return t


def arrow_schema(schema: pl.Schema) -> pa.Schema:
    """The Arrow schema Spark accepts for frames of the Polars ``schema``."""
    empty = pl.DataFrame(schema={n: _stored(d) for n, d in schema.items()})
    exported = empty.to_arrow(compat_level=pl.CompatLevel.oldest()).schema
    return pa.schema([pa.field(f.name, _spark_arrow(f.type), nullable=True) for f in exported])


def quoted(name: str) -> str:
    """``name`` as Spark's column parser reads it literally (dots, spaces, backticks)."""
    return "`" + name.replace("`", "``") + "`"


def spark_struct(schema: pl.Schema) -> StructType:
    """The Spark schema of frames of the Polars ``schema`` (what ``mapInArrow`` is told)."""
    from pyspark.sql.pandas.types import from_arrow_schema  # noqa: PLC0415 - the optional extra

    struct: StructType = from_arrow_schema(arrow_schema(schema))
    return struct


@dataclass(frozen=True)
class Layout:
    """Tables (name → Polars schema) laid side by side in one Arrow schema."""

    tables: Mapping[str, pl.Schema]

    def _name(self, table: str, i: int) -> str:
        return f"{table}_{i}"

    @property
    def arrow(self) -> pa.Schema:
        """The wide Arrow schema of the ``mapInArrow`` output."""
        fields = [pa.field(TABLE, pa.string(), nullable=True)]
        for table, schema in self.tables.items():
            part = arrow_schema(schema)
            fields += [f.with_name(self._name(table, i)) for i, f in enumerate(part)]
        return pa.schema(fields)

    def pack(self, frames: Mapping[str, pl.DataFrame]) -> Iterator[pa.RecordBatch]:
        """Record batches of the wide schema holding ``frames`` (table → rows), one table's
        rows at a time; the other tables' columns are null there."""
        wide = self.arrow
        for table, frame in frames.items():
            if not frame.height:
                continue
            schema = self.tables[table]
            typed = frame.select(pl.col(n).cast(_stored(d)) for n, d in schema.items())
            own = typed.to_arrow(compat_level=pl.CompatLevel.oldest())
            columns: list[pa.Array | pa.ChunkedArray] = []
            for field in wide:
                if field.name == TABLE:
                    columns.append(pa.array([table] * frame.height, pa.string()))
                elif field.name.rsplit("_", 1)[0] == table:
                    i = int(field.name.rsplit("_", 1)[1])
                    columns.append(own.column(i).cast(field.type))
                else:
                    columns.append(pa.nulls(frame.height, field.type))
            yield from pa.Table.from_arrays(columns, schema=wide).to_batches()

    def spark_columns(self, table: str) -> list[tuple[str, str]]:
        """(positional column, real name) of ``table``."""
        return [(self._name(table, i), n) for i, n in enumerate(self.tables[table])]

    def read(self, spark: SparkSession, out: Path, table: str) -> DataFrame:
        """``table``'s rows under ``out`` as a Spark frame with the table's own column names
        (an empty one when it got no rows)."""
        from pyspark.sql import functions as F  # noqa: N812, PLC0415 - the optional extra
        from pyspark.sql.pandas.types import from_arrow_schema  # noqa: PLC0415

        path = out / f"{TABLE}={table}"
        if not any(path.glob("*.parquet")):
            return spark.createDataFrame([], from_arrow_schema(arrow_schema(self.tables[table])))
        return spark.read.parquet(str(path)).select(
            *(F.col(pos).alias(name) for pos, name in self.spark_columns(table))
        )

    def spark_schema(self) -> StructType:
        """The Spark schema of :attr:`arrow` (what ``mapInArrow`` is told it returns)."""
        from pyspark.sql.pandas.types import from_arrow_schema  # noqa: PLC0415

        schema: StructType = from_arrow_schema(self.arrow)
        return schema

    def scan(self, out: Path, table: str) -> pl.LazyFrame:
        """``table``'s rows, as Spark wrote them under ``out``, as a lazy scan with the
        table's own names and types (an empty frame when it got no rows)."""
        schema = self.tables[table]
        files = sorted((out / f"{TABLE}={table}").glob("*.parquet"))
        if not files:
            return pl.LazyFrame(schema=schema)
        return pl.scan_parquet(files, hive_partitioning=False).select(
            pl.col(self._name(table, i)).cast(d).alias(n) for i, (n, d) in enumerate(schema.items())
        )
