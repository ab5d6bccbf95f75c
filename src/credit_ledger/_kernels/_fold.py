"""What each cleaning mode of :func:`credit_ledger._kernels.cleaned` does, in Polars: the
definition both implementations follow, and the fold of the rows they leave to Polars."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal

import polars as pl

from credit_ledger._kernels._flags import UNCLEAN, WIDE

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


REFOLD: Final[dict[Mode, tuple[int, Callable[[pl.Series], pl.Series] | None]]] = {
    "trim": (0, None),
    "fold_width": (WIDE, fold_width),
    "code": (UNCLEAN, fold_code),
}
"""Per mode: the flag of the rows to fold, and their fold (the other rows are only trimmed,
except codes, which are not)."""
