"""What each cleaning mode of :func:`credit_ledger._kernels.cleaned` does, in Polars: the
definition both implementations follow, and the fold of the rows they leave to Polars."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from credit_ledger._kernels._flags import EDGE_SPACE, UNCLEAN, WIDE

Mode = Literal["trim", "fold_width", "code"]

NOISE_CHARS: Final = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff\u2212-"
    + "".join(map(chr, range(0x2000, 0x200E)))
    + "".join(map(chr, range(0x2010, 0x2016)))
)
"""What a code loses: white space (listed, so Python and Rust agree), zero-width characters,
the BOM, hyphens and dashes."""
_NOISE_LIST: Final = list(NOISE_CHARS)  # for str.replace_many, cheaper than the regex


def fold_code(series: pl.Series) -> pl.Series:
    """Codes NFKC-folded, upper-cased and without :data:`NOISE_CHARS`."""
    return (
        series.str.normalize("NFKC")
        .str.to_uppercase()
        .str.replace_many(_NOISE_LIST, [""] * len(_NOISE_LIST))
    )


def fold_width(series: pl.Series) -> pl.Series:
    """Text NFKC-folded (full-width forms become ASCII) and stripped of white space."""
    return series.str.normalize("NFKC").str.strip_chars()


@dataclass(frozen=True)
class Cleaning:
    """What one mode of :func:`credit_ledger._kernels.cleaned` does besides nulling empty
    values: strip white space (``trims``), and replace the values flagged ``refold`` by their
    ``fold``."""

    trims: bool
    refold: int
    fold: Callable[[pl.Series], pl.Series] | None

    @property
    def rewrites(self) -> int:
        """The flags of the values the mode changes, besides empty ones."""
        return self.refold | (EDGE_SPACE if self.trims else 0)


CLEANING: Final[dict[Mode, Cleaning]] = {
    "trim": Cleaning(trims=True, refold=0, fold=None),
    "fold_width": Cleaning(trims=True, refold=WIDE, fold=fold_width),
    "code": Cleaning(trims=False, refold=UNCLEAN, fold=fold_code),
}
