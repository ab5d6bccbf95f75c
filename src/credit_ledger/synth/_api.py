"""``generate_frames``: the synthetic record set in memory, with its ground truth."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger.synth import _admin, _arrears, _court, _defects, _subjects
from credit_ledger.synth._menus import BLEMISHES, MENUS
from credit_ledger.synth._rng import Rng
from credit_ledger.synth._world import KINDS, Draft, World, kind_counts, resolve_shares

_BUILDERS: dict[str, Callable[[Rng, World, int], Draft]] = {
    "admin_license": _admin.admin_license,
    "admin_penalty": _admin.admin_penalty,
    "dishonest_debtor": _court.dishonest_debtor,
    "judgment_debtor_case": _court.judgment_debtor_case,
    "arrears_case": _arrears.arrears_case,
}
_COLUMNS = {k.name: k.columns for k in BUILTIN_KINDS if k.name in KINDS}
TRUTH_SCHEMA = {"kind": pl.String, "row": pl.Int64, "defect": pl.String, "reason": pl.String}


@dataclass(frozen=True, kw_only=True)
class SyntheticSet:
    """A generated record set and the defects injected into it.

    Attributes:
        frames: one frame per record kind; every column is String, named by the kind's
            canonical column names, holding the text a department's export would hold.
        truth: one row per defective record: ``kind``, ``row`` (1-based data row in that
            kind's frame, header excluded), ``defect`` (what was injected) and ``reason`` (what
            :func:`credit_ledger.validate` must report, e.g. ``"subject_uscc:uscc"``).

    Example:
        >>> s = generate_frames(1_000, seed=1)
        >>> s.rows, s.frames["arrears_case"].columns[:3]
        (1000, ['record_id', 'region_code', 'source_org'])
        >>> s.truth.columns
        ['kind', 'row', 'defect', 'reason']
    """

    frames: dict[str, pl.DataFrame]
    truth: pl.DataFrame

    @property
    def rows(self) -> int:
        """Total number of records over all kinds."""
        return sum(f.height for f in self.frames.values())


def generate_frames(
    rows: int,
    *,
    seed: int = 0,
    defect_rate: float = 0.02,
    shares: Mapping[str, float] | None = None,
) -> SyntheticSet:
    """Generate ``rows`` records of the five built-in kinds, with injected defects.

    The same arguments always give the same frames. Rows are split over kinds by ``shares``
    (defaults: :data:`credit_ledger.synth.DEFAULT_SHARES`, docs/domain.md §6); every kind with a
    positive share gets at least one row once ``rows`` ≥ 100. Values carry the harmless mess of
    real exports (three date styles, lower-case or full-width codes, padding spaces, coded
    enumerations) that the ingest must normalise. A share ``defect_rate`` of each kind's rows
    gets exactly one defect each, listed in ``truth``; with a positive ``defect_rate``, the
    blemishes real lists carry (``BLEMISHES``: government-body listings with a blank duty, a
    pre-2016 case number or 部分履行; open judgment cases with a closing date) go on a share of
    the rows they apply to beyond that, each in ``truth`` too.

    Args:
        rows: total number of records.
        seed: random seed.
        defect_rate: share of rows (per kind) given one defect, in [0, 1].
        shares: overrides of :data:`~credit_ledger.synth.DEFAULT_SHARES`, key by key.

    Returns:
        A :class:`SyntheticSet`.

    Raises:
        ValueError: negative ``rows``, ``defect_rate`` outside [0, 1], or bad ``shares``.

    Example:
        >>> s = generate_frames(10_000, seed=7)
        >>> s.rows, s.frames["admin_penalty"].height
        (10000, 5637)
        >>> drawn = s.truth.filter(~pl.col("defect").str.starts_with("gov:"))
        >>> drawn.filter(pl.col("reason") != "valid:closed_on:open_status").height == sum(
        ...     round(0.02 * f.height) for f in s.frames.values()
        ... )
        True
    """
    if rows < 0:
        raise ValueError(f"rows must be ≥ 0, got {rows}")
    if not 0.0 <= defect_rate <= 1.0:
        raise ValueError(f"defect_rate must be in [0, 1], got {defect_rate}")
    resolved = resolve_shares(shares)
    counts = kind_counts(rows, resolved)
    rng = Rng(seed, "world")
    gov = _subjects.gov_bodies(rng)
    mix = {k.removeprefix("subject."): v for k, v in resolved.items() if k.startswith("subject.")}
    world = World(
        pool=_subjects.pool(rng, max(50, rows // 4), mix, gov),
        gov=gov,
        courts=_subjects.courts(rng),
        shares=resolved,
        rows=rows,
    )
    frames: dict[str, pl.DataFrame] = {}
    truths = [pl.DataFrame(schema=TRUTH_SCHEMA)]
    for kind in KINDS:
        columns = _COLUMNS[kind]
        if counts[kind] == 0:
            frames[kind] = pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
            continue
        draft = _BUILDERS[kind](Rng(seed, kind), world, counts[kind])
        frame, truth = _defects.inject(
            draft, MENUS[kind], Rng(seed, f"{kind}/defects"), defect_rate, kind
        )
        if defect_rate > 0:
            frame, truth = _defects.blemish(
                draft,
                (frame, truth),
                BLEMISHES.get(kind, ()),
                rng=Rng(seed, f"{kind}/blemish"),
                kind=kind,
            )
        if set(frame.columns) != set(columns):  # a builder out of step with the declaration
            raise AssertionError(f"{kind}: generated {sorted(frame.columns)}, declared {columns}")
        frames[kind] = frame.select(pl.col(c).cast(pl.String) for c in columns)
        truths.append(truth)
    return SyntheticSet(frames=frames, truth=pl.concat(truths))
