"""Generator parameters (``shares``), row counts per kind, and the shared district ("world")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import polars as pl

KINDS = (
    "admin_license",
    "admin_penalty",
    "dishonest_debtor",
    "judgment_debtor_case",
    "arrears_case",
)

DEFAULT_SHARES: Mapping[str, float] = MappingProxyType(
    {
        # Record kinds (docs/domain.md §6, restricted to the generated kinds; renormalised).
        "admin_license": 30.0,
        "admin_penalty": 40.0,
        "dishonest_debtor": 0.8,
        "judgment_debtor_case": 0.15,
        "arrears_case": 0.01,
        # Subjects of licences and penalties by USCC prefix (renormalised).
        "subject.enterprise": 55.0,  # 91
        "subject.individual_business": 30.0,  # 92
        "subject.natural_person": 10.0,
        "subject.social_organization": 2.0,  # 51/52/53
        "subject.farmer_cooperative": 1.0,  # 93
        "subject.government_body": 2.0,  # 11/12
        # Penalty severity (renormalised).
        "severity.minor": 60.0,
        "severity.general": 35.0,
        "severity.serious": 5.0,
        # Arrears debtors (renormalised).
        "arrears_debtor.government_body": 70.0,
        "arrears_debtor.large_enterprise": 30.0,
        # Fractions of a kind's rows (not renormalised).
        "dishonest_debtor.government_body": 0.002,
        "dishonest_debtor.natural_person": 0.7,
        "judgment_debtor_case.government_body": 0.01,
        "judgment_debtor_case.natural_person": 0.4,
        "noise": 0.05,
    }
)
"""Default generator parameters. ``shares`` given to :func:`generate_frames` override them
key by key; the groups ``<kind>``, ``subject.*``, ``severity.*`` and ``arrears_debtor.*`` are
renormalised to sum to 1, the other keys are fractions in [0, 1]."""

_GROUPS = ("subject.", "severity.", "arrears_debtor.")
#: Minimum government-body debtors per court kind once ``rows`` reaches this size.
GOV_MIN_ROWS = 10_000
GOV_MIN = 3


def resolve_shares(shares: Mapping[str, float] | None) -> dict[str, float]:
    """Defaults overridden by ``shares``, with each group renormalised.

    Raises:
        ValueError: an unknown key, a negative value, a fraction above 1 or an all-zero group.
    """
    merged = dict(DEFAULT_SHARES)
    for key, value in (shares or {}).items():
        if key not in merged:
            raise ValueError(f"unknown share {key!r}; known: {', '.join(sorted(merged))}")
        if value < 0:
            raise ValueError(f"share {key!r} must be ≥ 0, got {value}")
        merged[key] = float(value)
    groups = [list(KINDS)] + [[k for k in merged if k.startswith(g)] for g in _GROUPS]
    for group in groups:
        total = sum(merged[k] for k in group)
        if total <= 0:
            raise ValueError(f"shares {', '.join(group)} must not all be 0")
        for k in group:
            merged[k] /= total
    grouped = {k for g in groups for k in g}
    for key in merged.keys() - grouped:
        if merged[key] > 1:
            raise ValueError(f"share {key!r} is a fraction and must be ≤ 1, got {merged[key]}")
    return merged


def kind_counts(rows: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Rows per kind summing to ``rows`` (largest remainder); ≥ 1 per kind with a positive
    share once ``rows`` ≥ 100."""
    exact = {k: rows * shares[k] for k in KINDS}
    counts = {k: int(v) for k, v in exact.items()}
    by_remainder = sorted(KINDS, key=lambda k: (-(exact[k] - counts[k]), KINDS.index(k)))
    for k in by_remainder[: rows - sum(counts.values())]:
        counts[k] += 1
    if rows >= 100:
        for k in KINDS:
            if shares[k] > 0 and counts[k] == 0:
                counts[max(counts, key=lambda c: counts[c])] -= 1
                counts[k] = 1
    return counts


def gov_debtor_count(n: int, fraction: float, rows: int) -> int:
    """Government-body debtors among ``n`` court records: ``fraction`` of them, at least
    :data:`GOV_MIN` once the whole set has :data:`GOV_MIN_ROWS` rows (so zeroing is testable)."""
    count = round(n * fraction)
    if rows >= GOV_MIN_ROWS and fraction > 0:
        count = max(count, GOV_MIN)
    return min(count, n)


@dataclass(frozen=True, kw_only=True)
class World:
    """What every kind draws from: market subjects, government bodies and the parameters."""

    pool: pl.DataFrame
    gov: pl.DataFrame
    courts: pl.DataFrame
    shares: Mapping[str, float]
    rows: int

    @property
    def noise(self) -> float:
        """Share of cells given messy-but-valid formatting."""
        return self.shares["noise"]


@dataclass(frozen=True, kw_only=True)
class Draft:
    """One kind's generated rows before defects.

    Attributes:
        frame: String columns named as the kind's canonical fields.
        facts: typed helper columns (same height) that defect injection needs, e.g. which rows
            are natural persons and the clean dates behind the text.
    """

    frame: pl.DataFrame
    facts: pl.DataFrame
