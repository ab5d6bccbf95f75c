"""A registry of record kinds: an immutable mapping name → :class:`RecordKind` passed to the
code that needs kinds, instead of a process-wide lookup."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from credit_ledger.contracts import RecordKind
from credit_ledger.errors import UnknownKindError

__all__ = ["KindRegistry"]


class KindRegistry(Mapping[str, RecordKind]):
    """Record kinds by name, immutable.

    ``registry[name]`` raises ``KeyError`` like any mapping; :meth:`kind` raises
    :class:`~credit_ledger.errors.UnknownKindError` naming the closest known kinds.

    Example:
        >>> from credit_ledger.kinds import Field
        >>> toy = RecordKind(name="toy", version=1, title="toy", fields=(Field(name="x"),))
        >>> reg = KindRegistry([toy])
        >>> reg.kind("toy") is toy, list(reg)
        (True, ['toy'])
        >>> reg.kind("tyo")  # doctest: +ELLIPSIS, +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        credit_ledger.errors.UnknownKindError: unknown record kind ...; did you mean toy? ...
    """

    __slots__ = ("_kinds", "_unavailable")

    def __init__(
        self,
        kinds: Iterable[RecordKind] | Mapping[str, RecordKind] = (),
        *,
        unavailable: Mapping[str, str] | None = None,
    ) -> None:
        """``kinds`` by their names; ``unavailable`` maps names nobody may use (two plugins
        declare them at one version) to the message :meth:`kind` raises for them."""
        items = kinds.values() if isinstance(kinds, Mapping) else kinds
        by_name: dict[str, RecordKind] = {}
        for k in items:
            if k.name in by_name and by_name[k.name] is not k:
                raise ValueError(f"record kind {k.name!r} given twice")
            by_name[k.name] = k
        self._kinds = MappingProxyType(by_name)
        self._unavailable = MappingProxyType(dict(unavailable or {}))

    def __getitem__(self, name: str) -> RecordKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def __repr__(self) -> str:
        return f"KindRegistry({sorted(self._kinds)})"

    def kind(self, kind: str | RecordKind) -> RecordKind:
        """The declaration of ``kind`` (a name, or a :class:`RecordKind` returned as is).

        Raises:
            UnknownKindError: no such kind; the message lists the closest known names.
        """
        if isinstance(kind, RecordKind):
            return kind
        try:
            return self._kinds[kind]
        except KeyError:
            if kind in self._unavailable:
                raise UnknownKindError(self._unavailable[kind]) from None
            close = difflib.get_close_matches(kind, list(self._kinds), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            known = ", ".join(sorted(self._kinds))
            raise UnknownKindError(f"unknown record kind {kind!r}{hint} (known: {known})") from None
