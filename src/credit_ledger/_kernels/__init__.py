"""Byte kernels over Polars string columns: text inspection, identifier checks, dates.

Written as Polars string expressions, a credit code check or a trim-and-fold pass costs more
than reading the file. These kernels read each column's bytes once instead.

- The identifier checks (:func:`uscc_valid`, :func:`ric_valid`) have one fast implementation,
  ``_native`` (C, compiled when the package is installed; releases the GIL). The tests compare
  it with the plain-Python reference of ``tests/ids_reference.py``.
- The text and date kernels have two: ``_native``, and :mod:`._numpy` (numpy over Arrow
  buffers), used where no C compiler was available or with ``CREDIT_LEDGER_KERNELS=numpy``.
  Tests compare both with plain Polars expressions (:mod:`credit_ledger._parse`).

The functions take and return ``pl.Series`` and run inside ``Expr.map_batches``.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from credit_ledger._kernels import _numpy
from credit_ledger._kernels._arrays import arrow_array
from credit_ledger._kernels._flags import (
    ALL,
    CONTROL,
    EDGE_SPACE,
    EMPTY,
    NON_ASCII,
    REPLACEMENT,
    UNCLEAN,
    WIDE,
)
from credit_ledger._kernels._fold import NOISE_CHARS, Mode

__all__ = [
    "ALL",
    "BACKEND",
    "CONTROL",
    "EDGE_SPACE",
    "EMPTY",
    "NOISE_CHARS",
    "NON_ASCII",
    "REPLACEMENT",
    "UNCLEAN",
    "WIDE",
    "arrow_array",
    "cleaned",
    "duplicated",
    "flag_column",
    "iso_dates",
    "ric_is_valid",
    "ric_valid",
    "text_flags",
    "uscc_is_valid",
    "uscc_valid",
]


def _backend() -> tuple[str, ModuleType]:
    if os.environ.get("CREDIT_LEDGER_KERNELS", "").lower() != "numpy":
        try:
            from credit_ledger._kernels import _compiled  # noqa: PLC0415
        except ImportError:
            pass
        else:
            return "native", _compiled
    return "numpy", _numpy


BACKEND, _impl = _backend()
"""Which implementation runs: ``"native"`` or ``"numpy"``."""


def text_flags(series: pl.Series, wanted: int = ALL) -> npt.NDArray[np.uint8]:
    """One byte of flags per row (``EMPTY``, ``EDGE_SPACE``, ``WIDE``, ``REPLACEMENT``,
    ``UNCLEAN``, ``NON_ASCII``, ``CONTROL``); 0 for nulls. Flags not ``wanted`` may be left unset.
    ``EDGE_SPACE`` may over-report (the numpy fallback): callers strip the flagged rows and
    keep what does not change."""
    flags: npt.NDArray[np.uint8] = _impl.text_flags(series, wanted)
    return flags


def _identifiers() -> ModuleType:
    try:
        from credit_ledger._kernels import _compiled  # noqa: PLC0415
    except ImportError as exc:
        raise RuntimeError(
            "credit_ledger's compiled kernels are missing (the identifier checks need them): "
            "reinstall credit_ledger where a C compiler is available"
        ) from exc
    return _compiled


def uscc_valid(series: pl.Series, level: Literal["format", "checksum", "strict"]) -> pl.Series:
    """USCC validity of each (normalised) value at ``level``; null in, null out."""
    valid: pl.Series = _identifiers().uscc_valid(series, level)
    return valid


def ric_valid(series: pl.Series) -> pl.Series:
    """Validity of each unmasked resident ID number (format, birth date, check character)."""
    valid: pl.Series = _identifiers().ric_valid(series)
    return valid


def uscc_is_valid(value: str, level: Literal["format", "checksum", "strict"]) -> bool:
    """:func:`uscc_valid` of one (normalised) value."""
    valid: bool = _identifiers().uscc_is_valid(value, level)
    return valid


def ric_is_valid(value: str) -> bool:
    """:func:`ric_valid` of one value."""
    valid: bool = _identifiers().ric_is_valid(value)
    return valid


def iso_dates(series: pl.Series) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
    """Parse ``YYYY-MM-DD``, ``YYYYMMDD`` and ``YYYY年MM月DD日`` values; returns the day
    numbers (since 1970-01-01) and whether each value parsed: False for the values left to a
    slower parser (other spellings, invalid dates) and for nulls."""
    parsed: tuple[npt.NDArray[np.int32], npt.NDArray[np.bool_]] = _impl.iso_dates(series)
    return parsed


def flag_column(series: pl.Series, wanted: int = ALL) -> pl.Series:
    """:func:`text_flags` as a ``UInt8`` Series of the same name (for ``Expr.map_batches``)."""
    return pl.Series(series.name, text_flags(series, wanted), dtype=pl.UInt8)


def cleaned(series: pl.Series, mode: Mode) -> tuple[pl.Series, npt.NDArray[np.uint8]]:
    """``series`` cleaned, and its :func:`text_flags` (``EMPTY``, ``REPLACEMENT`` and
    ``CONTROL`` always set, the others where the mode needs them). ``series`` itself is never
    changed.

    Empty values become null, and so do values the mode leaves empty. Modes:

    - ``"trim"``: white space stripped at both ends;
    - ``"fold_width"``: the same, after NFKC where a value holds a full-width form or an
      ideographic space (``WIDE``);
    - ``"code"``: NFKC, upper case and :data:`NOISE_CHARS` removed, where a value holds
      anything but ``0-9``, ``A-Z`` and ``*`` (``UNCLEAN``).

    :mod:`._fold` gives each mode in Polars terms.
    """
    result: tuple[pl.Series, npt.NDArray[np.uint8]] = _impl.cleaned(series, mode)
    return result


def duplicated(series: pl.Series) -> pl.Series:
    """True for non-null values that occur more than once (for ``Expr.map_batches``).

    Hashes are compared first (fast, fixed width); only values whose hash repeats are compared
    exactly, so a hash collision never flags a row.
    """
    candidates = series.hash(seed=0).is_duplicated() & series.is_not_null()
    rows = candidates.arg_true()
    if len(rows) == 0:
        return candidates
    return candidates.scatter(rows, series.gather(rows).is_duplicated())
