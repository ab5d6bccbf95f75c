"""Values duplicated anywhere in an input too large for memory, found with bounded memory.

The first pass reads only the unique columns and keeps one 64-bit hash per non-null value
(8 bytes a row), split by the hash's top bits into partitions that are sorted one at a time;
equal neighbours are the duplicated hashes. A second pass gathers the values behind those
hashes and compares them exactly, so a hash collision never flags a row (as in
:func:`credit_ledger._kernels.duplicated`, which the in-memory validator uses).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import polars as pl

from credit_ledger._parse import normalized_text, parsed
from credit_ledger.kinds import RecordKind

__all__ = ["duplicated_values", "repeated_hashes"]

_BITS = 4  # 16 partitions: the sort of one holds 1/16 of the hashes on top of them all
_SHIFT = np.uint64(64 - _BITS)
_BOUNDS = np.arange(1, 1 << _BITS, dtype=np.uint64) << _SHIFT
_HashArray = npt.NDArray[np.uint64]


def typed_value(kind: RecordKind, name: str, present: pl.Schema) -> pl.Expr:
    """The value of column ``name`` as :func:`credit_ledger.validate` types it before its
    unique check (normalised and parsed; a missing record id derived from the content)."""
    f = kind.field(name)
    target = f.polars_dtype
    raw_dtype: pl.DataType | type[pl.DataType] = pl.String
    if name in present:
        raw, raw_dtype = pl.col(name), present[name]
    elif name == kind.key:
        raw = kind.content_id([c for c in kind.columns if c in present])
    else:  # an absent optional column is all null: nothing to be duplicated
        return pl.lit(None, dtype=target).alias(name)
    if target != pl.String and raw_dtype == target:
        return raw.alias(name)
    return parsed(f, normalized_text(f, raw)).cast(target, strict=False).alias(name)


class _Hashes:
    """Hashes of one column's non-null values, by partition."""

    def __init__(self) -> None:
        self.parts: list[list[_HashArray]] = [[] for _ in range(1 << _BITS)]

    def add(self, hashes: pl.Series) -> None:
        values = np.sort(hashes.drop_nulls().to_numpy())
        cuts = np.searchsorted(values, _BOUNDS)
        for part, chunk in zip(self.parts, np.split(values, cuts), strict=True):
            if len(chunk):
                part.append(chunk)

    def duplicated(self) -> pl.Series:
        """The hashes seen more than once (each once); frees the partitions."""
        found: list[_HashArray] = []
        for i, part in enumerate(self.parts):
            if not part:
                continue
            values = np.concatenate(part)
            self.parts[i] = []
            values.sort()
            repeated = values[1:][values[1:] == values[:-1]]
            found.append(np.unique(repeated))
        merged = np.concatenate(found) if found else np.empty(0, dtype=np.uint64)
        return pl.Series("hash", merged, dtype=pl.UInt64)


def repeated_hashes(
    queries: Iterable[pl.LazyFrame], *, columns: list[str], batch_rows: int
) -> dict[str, pl.Series]:
    """Per column of ``columns`` (which every query selects), the hashes (``hash(seed=0)``) of
    its non-null values occurring more than once over all ``queries``, each once: a superset
    of the repeated values' hashes, found with 8 bytes a row. Each query is scanned in batches
    of ``batch_rows``."""
    hashes = {name: _Hashes() for name in columns}
    for query in queries:
        hashed = query.select(
            pl.when(pl.col(n).is_not_null()).then(pl.col(n).hash(seed=0)).alias(n) for n in columns
        )
        for batch in hashed.collect_batches(chunk_size=batch_rows):
            for name in columns:
                hashes[name].add(batch[name])
    return {name: h.duplicated() for name, h in hashes.items()}


def duplicated_values(
    frames: Iterable[pl.LazyFrame],
    *,
    kind: RecordKind,
    batch_rows: int,
) -> dict[str, pl.Series]:
    """Per unique column of ``kind``, the typed values occurring more than once over all
    ``frames`` together (each value once; empty when there are none).

    ``frames`` is iterated twice at most; each frame is scanned in batches of ``batch_rows``.
    """
    names = list(kind.unique_columns)
    lazy = list(frames)
    typed = (lf.select(typed_value(kind, n, lf.collect_schema()) for n in names) for lf in lazy)
    suspects = repeated_hashes(typed, columns=names, batch_rows=batch_rows)
    return {name: _confirmed(lazy, kind=kind, name=name, suspects=suspects[name]) for name in names}


def _confirmed(
    frames: list[pl.LazyFrame],
    *,
    kind: RecordKind,
    name: str,
    suspects: pl.Series,
) -> pl.Series:
    """The values behind the repeated hashes that really repeat (exact comparison)."""
    dtype = kind.field(name).polars_dtype
    if suspects.is_empty():
        return pl.Series(name, [], dtype=dtype)
    suspect = suspects.implode()
    candidates = pl.concat(
        [
            lf.select(typed_value(kind, name, lf.collect_schema()))
            .filter(pl.col(name).is_not_null() & pl.col(name).hash(seed=0).is_in(suspect))
            .collect(engine="streaming")
            for lf in frames
        ]
    ).to_series()
    return candidates.filter(candidates.is_duplicated()).unique(maintain_order=True)
