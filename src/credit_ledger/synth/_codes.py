"""Vectorised identifiers: USCC (GB 32100 + GB 11714), organisation codes, RICs, UUIDs.

The check-character math is docs/domain.md §1; it is written again here over whole Polars columns
(``credit_ledger.ids`` holds the scalar and validating versions, and the tests check one against
the other).
"""

from __future__ import annotations

from functools import cache

import polars as pl

from credit_ledger.synth._rng import Rng, cat

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_RIC_CHECK = "10X98765432"
_ORG_CHECK = {10: "X", 11: "0", **{r: str(r) for r in range(1, 10)}}


def _char_value(byte: pl.Expr, scale: str) -> pl.Expr:
    """Value of an ASCII character code: ``latin`` 0-9 then A=10 … Z=35 (GB 11714), ``uscc``
    the index in :data:`USCC_ALPHABET` (the Latin value minus the skipped I, O, S and V)."""
    b = byte.cast(pl.Int64)
    latin = b - 48 - 7 * (b >= ord("A")).cast(pl.Int64)
    if scale == "latin":
        return latin
    skipped = [(b > ord(c)).cast(pl.Int64) for c in "IOSV"]
    return latin - pl.sum_horizontal(skipped)


def _weighted_sum(s: pl.Series, weights: list[int], scale: str) -> pl.Series:
    """Sum of ``value(char) * weight`` over the first ``len(weights)`` characters.

    Every string must be ASCII and at least ``len(weights)`` long (generated codes are).
    """
    width = len(weights)
    chars = s.str.slice(0, width).cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, width))
    terms = [_char_value(pl.col("a").arr.get(i), scale) * w for i, w in enumerate(weights)]
    return pl.DataFrame({"a": chars}).select(pl.sum_horizontal(terms)).to_series()


def org_check(body8: pl.Series) -> pl.Series:
    """GB 11714 check characters of 8-character organisation-code bodies."""
    r = 11 - _weighted_sum(body8, _ORG_WEIGHTS, "latin") % 11
    return r.replace_strict(_ORG_CHECK, return_dtype=pl.String)


def uscc_check(first17: pl.Series) -> pl.Series:
    """GB 32100 check characters of the first 17 USCC characters."""
    idx = (31 - _weighted_sum(first17, _USCC_WEIGHTS, "uscc") % 31) % 31
    return pl.Series(list(USCC_ALPHABET), dtype=pl.String).gather(idx.cast(pl.UInt32))


def ric_check(first17: pl.Series) -> pl.Series:
    """GB 11643 check characters of the first 17 digits of resident ID numbers."""
    idx = _weighted_sum(first17, _RIC_WEIGHTS, "latin") % 11
    return pl.Series(list(_RIC_CHECK), dtype=pl.String).gather(idx.cast(pl.UInt32))


@cache
def _pairs() -> pl.Series:
    """All two-character strings over the USCC alphabet (961)."""
    return pl.Series([a + b for a in USCC_ALPHABET for b in USCC_ALPHABET], dtype=pl.String)


@cache
def _hex4() -> pl.Series:
    """All 65,536 four-digit lower-case hex strings, indexed by value."""
    return pl.Series([f"{i:04x}" for i in range(65536)], dtype=pl.String)


def org_bodies(rng: Rng, n: int) -> pl.Series:
    """Organisation-code bodies: old all-digit codes and new ``MA…`` ones (8 characters)."""
    digits = rng.integers(0, 10**8, n).cast(pl.String).str.zfill(8)
    pairs = _pairs()
    idx = [rng.integers(0, len(pairs), n).cast(pl.UInt32) for _ in range(3)]
    ma = cat("MA", pairs.gather(idx[0]), pairs.gather(idx[1]), pairs.gather(idx[2]))
    newer = rng.bernoulli(0.3, n)
    return pl.select(pl.when(newer).then(ma).otherwise(digits)).to_series().rename("body")


def org_codes(body8: pl.Series) -> pl.Series:
    """Nine-character organisation codes (body + GB 11714 check character)."""
    return cat(body8, org_check(body8))


def usccs(prefix: pl.Series, region: pl.Series, body8: pl.Series) -> pl.Series:
    """Valid USCCs from 2-character prefixes, 6-digit regions and 8-character bodies."""
    first17 = cat(prefix, region, body8, org_check(body8))
    return cat(first17, uscc_check(first17), name="uscc")


def rics(region: pl.Series, birth: pl.Series, seq: pl.Series) -> pl.Series:
    """Valid resident ID numbers from regions, birth dates (Date) and sequence numbers 0-999."""
    first17 = cat(region, birth.dt.strftime("%Y%m%d"), seq.cast(pl.String).str.zfill(3))
    return cat(first17, ric_check(first17), name="ric")


def uuids(rng: Rng, n: int) -> pl.Series:
    """Random version-4 UUID strings (122 random bits each)."""
    table = _hex4()

    def block() -> pl.Series:
        return table.gather(rng.integers(0, 65536, n).cast(pl.UInt32))

    version = cat("4", block().str.slice(1, 3))
    variant = cat(rng.choice(list("89ab"), n), block().str.slice(1, 3))
    return cat(
        block(),
        block(),
        "-",
        block(),
        "-",
        version,
        "-",
        variant,
        "-",
        block(),
        block(),
        block(),
        name="record_id",
    )


def wrong_check_char(codes: pl.Series, alphabet: str = USCC_ALPHABET) -> pl.Series:
    """``codes`` with the last character replaced by a different character of ``alphabet``."""
    shift = {c: alphabet[(i + 7) % len(alphabet)] for i, c in enumerate(alphabet)}
    head = codes.str.slice(0, codes.str.len_chars() - 1)
    last = codes.str.slice(-1, 1).str.to_uppercase()
    return cat(head, last.replace_strict(shift, default="0", return_dtype=pl.String))
