"""Record kinds: declarations (:class:`RecordKind`), registries of them, and their pandera
schemas.

Built-in kinds are declared in :mod:`credit_ledger.kinds.builtin`; plugins contribute more
through the ``credit_ledger_record_kinds`` hook. This layer knows only the kinds it is given: a
name is resolved against the registry passed in (default: the built-in kinds). The public
:func:`credit_ledger.get_kind` resolves names through the plugin manager.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandera.polars as pa

from credit_ledger.contracts._kind import (
    ColumnCheck,
    Derived,
    Field,
    RecordKind,
    RowCheck,
    warning_checks,
)
from credit_ledger.kinds._pandera import build_schema
from credit_ledger.kinds._registry import KindRegistry

__all__ = [
    "ColumnCheck",
    "Derived",
    "Field",
    "KindRegistry",
    "RecordKind",
    "RowCheck",
    "builtin_kinds",
    "get_kind",
    "record_kinds",
    "schema",
    "warning_checks",
]


@functools.cache
def builtin_kinds() -> KindRegistry:
    """The kinds that ship with credit_ledger (built on first use, not at import)."""
    from credit_ledger.kinds.builtin import BUILTIN_KINDS  # noqa: PLC0415 - built on first use

    return KindRegistry(BUILTIN_KINDS)


def record_kinds(kinds: Mapping[str, RecordKind] | None = None) -> tuple[str, ...]:
    """Names of the kinds in ``kinds`` (default: the built-in kinds), sorted.

    Example:
        >>> "dishonest_debtor" in record_kinds()
        True
    """
    return tuple(sorted(kinds if kinds is not None else builtin_kinds()))


def get_kind(kind: str | RecordKind, kinds: Mapping[str, RecordKind] | None = None) -> RecordKind:
    """The declaration of ``kind``: a :class:`RecordKind` is returned as is, a name is looked
    up in ``kinds`` (default: the built-in kinds).

    Raises:
        UnknownKindError: no such kind; the message lists the closest known names.
    """
    registry = kinds if isinstance(kinds, KindRegistry) else KindRegistry(kinds or builtin_kinds())
    return registry.kind(kind)


def schema(kind: str | RecordKind) -> pa.DataFrameSchema:
    """The ``pandera.polars.DataFrameSchema`` of ``kind`` over its typed canonical columns.

    Calling ``.validate(frame, lazy=True)`` on it gives the same verdicts as
    :func:`credit_ledger.validate` for frames whose values already parse.

    Example:
        >>> schema("arrears_case").columns["amount_due"].dtype
        DataType(Decimal(precision=38, scale=2))
    """
    return build_schema(get_kind(kind))
