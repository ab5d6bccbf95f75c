"""Map source headers (Chinese, English, standard field codes) to canonical column names."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from credit_ledger.errors import FormatError, MissingColumnError
from credit_ledger.kinds import RecordKind


def header_key(header: str) -> str:
    """The comparison key of a header: NFKC-folded, trimmed, lower-case, without spaces."""
    return "".join(unicodedata.normalize("NFKC", header).split()).lower()


@dataclass(frozen=True, kw_only=True)
class HeaderMap:
    """How the columns of one source map onto a record kind.

    Attributes:
        renames: source header → canonical column name.
        wan: canonical columns whose source values are in 万元 (converted to yuan).
        missing_optional: canonical columns absent from the source (added as nulls).
        extra: source headers that map to no column (kept alongside each row).
    """

    renames: dict[str, str]
    wan: frozenset[str]
    missing_optional: tuple[str, ...]
    extra: tuple[str, ...]


def map_headers(headers: Sequence[str], kind: RecordKind, source: str) -> HeaderMap:
    """Match ``headers`` against the names and aliases of ``kind``.

    Raises:
        FormatError: duplicated headers, or two headers meaning the same column.
        MissingColumnError: a required column is absent (names the closest header found).
    """
    seen: dict[str, str] = {}
    for h in headers:
        key = header_key(h)
        if key in seen:
            raise FormatError(f"{source}: duplicated header {h!r}")
        seen[key] = h

    lookup: dict[str, tuple[str, bool]] = {}
    for f in kind.fields:
        for alias in (f.name, *f.aliases):
            lookup.setdefault(header_key(alias), (f.name, False))
        for alias in f.wan_aliases:
            lookup.setdefault(header_key(alias), (f.name, True))

    renames: dict[str, str] = {}
    wan: set[str] = set()
    by_canonical: dict[str, str] = {}
    extra: list[str] = []
    for h in headers:
        hit = lookup.get(header_key(h))
        if hit is None:
            extra.append(h)
            continue
        name, in_wan = hit
        if name in by_canonical:
            raise FormatError(
                f"{source}: headers {by_canonical[name]!r} and {h!r} both mean column {name!r}"
            )
        by_canonical[name] = h
        renames[h] = name
        if in_wan:
            wan.add(name)

    missing = [f for f in kind.fields if f.name not in by_canonical]
    required = [f for f in missing if f.required]
    if required:
        f = required[0]
        label = f"{f.name} ({f.aliases[0]})" if f.aliases else f.name
        wanted = [header_key(a) for a in (f.name, *f.aliases, *f.wan_aliases)]
        keys = {header_key(h): h for h in extra}
        close = [
            keys[m]
            for w in wanted
            for m in difflib.get_close_matches(w, list(keys), n=1, cutoff=0.5)
        ]
        hint = f"; closest header found: {close[0]!r}" if close else ""
        more = f" (and {len(required) - 1} more)" if len(required) > 1 else ""
        raise MissingColumnError(
            f"{source}: record kind {kind.name!r} needs column {label}{more}, "
            f"which is missing{hint}"
        )
    return HeaderMap(
        renames=renames,
        wan=frozenset(wan),
        missing_optional=tuple(f.name for f in missing),
        extra=tuple(extra),
    )
