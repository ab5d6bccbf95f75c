"""A seeded, vectorised random source built on ``pyarrow.compute.random``, and column helpers.

numpy is not a dependency of credit_ledger, so randomness comes from pyarrow (already a
dependency): ``pc.random(n, initializer=k)`` is deterministic for a given ``k``. Each call of a
:class:`Rng` method derives a fresh ``k`` from ``(seed, stream, call number)``, so a stream's
output depends only on its seed and on the sequence of calls made on it, never on other streams.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence

import polars as pl
import pyarrow.compute as pc


class Rng:
    """Deterministic random columns for one named stream.

    Args:
        seed: the user's seed.
        stream: a name separating independent streams (one per record kind).
    """

    def __init__(self, seed: int, stream: str) -> None:
        self._seed = seed
        self._stream = stream
        self._calls = 0

    def _initializer(self) -> int:
        key = f"{self._seed}/{self._stream}/{self._calls}".encode()
        self._calls += 1
        # 63 bits: pyarrow takes the initializer as a signed 64-bit integer.
        return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") >> 1

    def uniform(self, n: int) -> pl.Series:
        """``n`` floats uniform in [0, 1)."""
        arr = pc.random(n, initializer=self._initializer())
        return pl.Series("u", arr, dtype=pl.Float64)

    def integers(self, low: int, high: int, n: int) -> pl.Series:
        """``n`` integers uniform in ``[low, high)`` (Int64)."""
        return (self.uniform(n) * (high - low)).floor().cast(pl.Int64) + low

    def bernoulli(self, p: float, n: int) -> pl.Series:
        """``n`` Booleans, each True with probability ``p``."""
        return self.uniform(n) < p

    def categories(self, weights: Sequence[float], n: int) -> pl.Series:
        """``n`` indices into ``weights`` (UInt32), drawn in proportion to the weights."""
        total = float(sum(weights))
        if total <= 0:
            raise ValueError("weights must have a positive sum")
        edges: list[float] = []
        acc = 0.0
        for w in weights[:-1]:
            acc += w / total
            edges.append(acc)
        if not edges:
            return pl.repeat(0, n, dtype=pl.UInt32, eager=True)
        return pl.Series(edges, dtype=pl.Float64).search_sorted(self.uniform(n), side="right")

    def choice(
        self, values: Sequence[str], n: int, weights: Sequence[float] | None = None
    ) -> pl.Series:
        """``n`` strings drawn from ``values`` (uniformly, or with ``weights``)."""
        idx = (
            self.categories(weights, n)
            if weights is not None
            else self.integers(0, len(values), n).cast(pl.UInt32)
        )
        return pl.Series("s", values, dtype=pl.String).gather(idx)

    def normal(self, n: int) -> pl.Series:
        """``n`` standard normal floats (Box-Muller)."""
        u1 = 1.0 - self.uniform(n)  # (0, 1]: log() stays finite
        u2 = self.uniform(n)
        return (-2.0 * u1.log()).sqrt() * (u2 * (2 * math.pi)).cos()

    def sample_rows(self, n: int, k: int) -> pl.Series:
        """``k`` distinct row positions out of ``n`` (UInt32, ascending)."""
        k = max(0, min(k, n))
        return self.uniform(n).arg_sort().head(k).sort().cast(pl.UInt32)


def patch(s: pl.Series, mask: pl.Series, make: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """``s`` with the rows where ``mask`` is True replaced by ``make(row_indices)``.

    Only the masked rows are computed, which keeps rare noise cheap on large columns.
    """
    idx = mask.fill_null(False).arg_true()
    out = s.clone()
    if idx.len() > 0:
        out.scatter(idx, make(idx).cast(s.dtype))
    return out


def apply_at(s: pl.Series, mask: pl.Series, values: pl.Series | str | float | None) -> pl.Series:
    """``s`` with the rows where ``mask`` is True replaced by ``values`` (a full-length Series
    or one scalar; None gives null)."""
    if isinstance(values, pl.Series):
        return patch(s, mask, values.gather)
    return patch(s, mask, lambda idx: pl.repeat(values, idx.len(), dtype=s.dtype, eager=True))


def transform_at(s: pl.Series, mask: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """``s`` with ``fn`` applied to the rows where ``mask`` is True."""
    return patch(s, mask, lambda idx: fn(s.gather(idx)))


def cat(*parts: pl.Series | str, name: str = "s") -> pl.Series:
    """Concatenate string Series and literals row-wise (a null part gives null)."""
    exprs = [pl.lit(p) if isinstance(p, str) else pl.lit(p).cast(pl.String) for p in parts]
    height = max((len(p) for p in parts if isinstance(p, pl.Series)), default=1)
    out = pl.select(pl.concat_str(exprs)).to_series()
    if len(out) != height:  # only literals given
        out = pl.repeat(out[0], height, dtype=pl.String, eager=True)
    return out.rename(name)
