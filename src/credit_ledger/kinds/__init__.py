"""Record kinds: declarations (:class:`RecordKind`) and their pandera schemas.

Built-in kinds are declared in :mod:`credit_ledger.kinds.builtin`; plugins contribute more
through the ``credit_ledger_record_kinds`` hook.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import pandera.polars as pa

from credit_ledger.errors import UnknownKindError
from credit_ledger.kinds._model import (
    ColumnCheck,
    Derived,
    Field,
    RecordKind,
    RowCheck,
    warning_checks,
)
from credit_ledger.kinds._pandera import build_schema

__all__ = [
    "ColumnCheck",
    "Derived",
    "Field",
    "RecordKind",
    "RowCheck",
    "get_kind",
    "record_kinds",
    "schema",
    "warning_checks",
]


def _registry() -> Mapping[str, RecordKind]:
    # Kinds come from the plugins (the built-in ones through the built-in plugin
    # ``builtin.kinds``, via the same hook a third party uses). The plugin manager is only
    # created and loaded here, on first use, never at ``import credit_ledger``.
    from credit_ledger.plugins import active_manager  # noqa: PLC0415 - plugins sit above kinds

    return active_manager().record_kinds()


def record_kinds() -> tuple[str, ...]:
    """Names of every record kind known to this installation, sorted.

    Example:
        >>> "dishonest_debtor" in record_kinds()
        True
    """
    return tuple(sorted(_registry()))


def get_kind(kind: str | RecordKind) -> RecordKind:
    """The declaration of ``kind`` (a name or a :class:`RecordKind`, returned as is).

    Raises:
        UnknownKindError: no such kind; the message lists the closest known names.
    """
    if isinstance(kind, RecordKind):
        return kind
    registry = _registry()
    try:
        return registry[kind]
    except KeyError:
        close = difflib.get_close_matches(kind, registry, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        known = ", ".join(sorted(registry))
        raise UnknownKindError(f"unknown record kind {kind!r}{hint} (known: {known})") from None


def schema(kind: str | RecordKind) -> pa.DataFrameSchema:
    """The ``pandera.polars.DataFrameSchema`` of ``kind`` over its typed canonical columns.

    Example:
        >>> schema("arrears_case").columns["amount_due"].dtype
        DataType(Decimal(precision=38, scale=2))
    """
    return build_schema(get_kind(kind))
