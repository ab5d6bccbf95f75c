"""Map source headers (Chinese, English, standard field codes, feed keys) to canonical columns.

A header matches, in this order: the user's mapping (``columns=`` / ``--map``), the kind's own
names and aliases (``exact``), the shipped header profiles (``alias``). Nothing here rejects a
file for its shape: duplicated headers are renamed, missing columns are left to the validator,
and what does not match is kept as an extra column. Each such decision is a warning.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from credit_ledger.errors import ConfigError, MissingColumnError
from credit_ledger.ingest._profiles import profile_aliases
from credit_ledger.kinds import RecordKind

How = Literal["mapped", "exact", "alias", "unmapped"]


def header_key(header: str) -> str:
    """The comparison key of a header: NFKC-folded, trimmed, lower-case, without spaces."""
    return "".join(unicodedata.normalize("NFKC", header).split()).lower()


@dataclass(frozen=True, kw_only=True)
class ColumnMatch:
    """How one source column maps.

    Attributes:
        header: the source header (renamed with a suffix when it repeated an earlier one).
        column: the canonical column it fills, or None (kept under its own name).
        how: ``mapped`` (user mapping), ``exact`` (kind's names), ``alias`` (a header profile)
            or ``unmapped``.
        profile: the header profile that matched (``how == "alias"``).
        suggestion: for an unmapped header, the closest canonical column (never applied).
    """

    header: str
    column: str | None
    how: How
    profile: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True, kw_only=True)
class HeaderMap:
    """How the columns of one source map onto a record kind.

    Attributes:
        renames: source header → canonical column name.
        wan: canonical columns whose source values are in 万元 (converted to yuan).
        missing: canonical columns absent from the source (added as nulls, the record id
            excepted: the validator derives it).
        extra: source headers that map to no column (kept alongside each row).
        matches: one entry per source column, in source order.
        warnings: what was decided about the header (renamed, ignored, missing).
    """

    renames: dict[str, str]
    wan: frozenset[str]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    matches: tuple[ColumnMatch, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Hit:
    column: str
    in_wan: bool
    how: How
    profile: str | None = None


def _label(kind: RecordKind, column: str) -> str:
    aliases = kind.field(column).aliases
    return f"{column} ({aliases[0]})" if aliases else column


def check_columns(columns: Mapping[str, str] | None, kind: RecordKind) -> dict[str, str]:
    """A user's mapping (source header → canonical column), checked against ``kind``.

    Raises:
        ConfigError: a canonical column ``kind`` does not have (names the closest one).
    """
    if not columns:
        return {}
    for header, column in columns.items():
        if column not in kind.columns:
            close = difflib.get_close_matches(column, kind.columns, n=1, cutoff=0.0)
            hint = f"; closest: {close[0]!r}" if close else ""
            raise ConfigError(
                f"mapping {header}={column}: record kind {kind.name!r} has no column "
                f"{column!r}{hint}"
            )
    return dict(columns)


def lookup_for(kind: RecordKind, columns: Mapping[str, str] | None = None) -> dict[str, _Hit]:
    """Header key → what it maps to, for ``kind`` under a user's mapping."""
    lookup: dict[str, _Hit] = {
        header_key(h): _Hit(c, False, "mapped") for h, c in (columns or {}).items()
    }
    for f in kind.fields:
        for alias in (f.name, *f.aliases):
            lookup.setdefault(header_key(alias), _Hit(f.name, False, "exact"))
        for alias in f.wan_aliases:
            lookup.setdefault(header_key(alias), _Hit(f.name, True, "exact"))
    for alias, column, profile in profile_aliases(kind.name, kind.columns):
        lookup.setdefault(header_key(alias), _Hit(column, False, "alias", profile))
    return lookup


def header_score(cells: Sequence[str | None], lookup: Mapping[str, _Hit]) -> int:
    """How many distinct canonical columns a candidate header row names."""
    return len({lookup[k].column for c in cells if c and (k := header_key(c)) in lookup})


def deduplicated(headers: Sequence[str | None], source: str) -> tuple[list[str], list[str]]:
    """Headers made unique and non-empty: a repeat (after folding width, case and spaces) gets
    a ``_2``, ``_3``... suffix, an empty one the name ``column_<n>``; with a warning each."""
    out: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(headers, start=1):
        h = (raw or "").strip()
        if not h:
            h = f"column_{i}"
            warnings.append(f"{source}: header column {i} has no name; kept as {h!r}")
        if header_key(h) in seen:
            n = 2
            while header_key(f"{h}_{n}") in seen:
                n += 1
            warnings.append(
                f"{source}: header {h!r} repeats an earlier one; the later column is kept as "
                f"{h}_{n!s}"
            )
            h = f"{h}_{n}"
        seen.add(header_key(h))
        out.append(h)
    return out, warnings


_SUGGESTED = 500
"""Unmapped headers get a suggestion up to this many (a 10,000-column file gets none)."""


def _suggestion(header: str, lookup: Mapping[str, _Hit]) -> str | None:
    close = difflib.get_close_matches(header_key(header), list(lookup), n=1, cutoff=0.7)
    return lookup[close[0]].column if close else None


def map_headers(
    headers: Sequence[str],
    kind: RecordKind,
    source: str,
    columns: Mapping[str, str] | None = None,
) -> HeaderMap:
    """Match ``headers`` (unique, as :func:`deduplicated` gives them) against ``kind``.

    Raises:
        ConfigError: ``columns`` names a column ``kind`` does not have.
        MissingColumnError: no header names any column of ``kind`` (nothing can be read).
    """
    mapping = check_columns(columns, kind)
    lookup = lookup_for(kind, mapping)
    renames: dict[str, str] = {}
    wan: set[str] = set()
    by_canonical: dict[str, str] = {}
    extra: list[str] = []
    matches: list[ColumnMatch] = []
    warnings: list[str] = []
    for h in headers:
        hit = lookup.get(header_key(h))
        if hit is not None and hit.column in by_canonical:
            warnings.append(
                f"{source}: headers {by_canonical[hit.column]!r} and {h!r} both mean column "
                f"{hit.column!r}; the first is used, {h!r} is kept as an extra column"
            )
            hit = None
        if hit is None:
            extra.append(h)
            matches.append(ColumnMatch(header=h, column=None, how="unmapped"))
            continue
        by_canonical[hit.column] = h
        renames[h] = hit.column
        if hit.in_wan:
            wan.add(hit.column)
        matches.append(ColumnMatch(header=h, column=hit.column, how=hit.how, profile=hit.profile))
    if len(extra) <= _SUGGESTED:
        matches = [
            m
            if m.column is not None
            else ColumnMatch(
                header=m.header,
                column=None,
                how="unmapped",
                suggestion=_suggestion(m.header, lookup),
            )
            for m in matches
        ]
    keys = {header_key(h) for h in headers}
    for header in mapping:
        if header_key(header) not in keys:
            warnings.append(f"{source}: the mapping names header {header!r}, which is absent")
    if not by_canonical:
        wanted = ", ".join(_label(kind, f.name) for f in kind.fields if f.required)
        raise MissingColumnError(
            f"{source}: no header names a column of record kind {kind.name!r} "
            f"(looked for {wanted}); give the header row (--header-row N) or map headers "
            f"(--map HEADER=column)"
        )
    missing = tuple(f.name for f in kind.fields if f.name not in by_canonical)
    required = [c for c in missing if kind.field(c).required]
    if required:
        hints = []
        for c in required:
            close = [m.header for m in matches if m.column is None and m.suggestion == c]
            hints.append(_label(kind, c) + (f" (closest header {close[0]!r})" if close else ""))
        warnings.append(f"{source}: column(s) missing: {', '.join(hints)}")
    return HeaderMap(
        renames=renames,
        wan=frozenset(wan),
        missing=missing,
        extra=tuple(extra),
        matches=tuple(matches),
        warnings=tuple(warnings),
    )
