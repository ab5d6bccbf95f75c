"""Defect injection and ground truth.

Each defective row gets exactly one defect, and each defect is built to trip exactly one
validator reason (``"<column>:<check>"`` or ``"row:<check>"``, as :mod:`credit_ledger.validate`
reports them). Where a defect could also trip a second check, it only applies to rows where it
cannot: an unparseable ``closed_on`` only goes on open cases (a null closing date on a closed
case would also fail ``row:closed_case_has_date``), a wrong party type makes the person/entity
row checks vacuous, and so on. Unique columns are never duplicated (that would flag two rows).

The same mechanism places the value shapes of real exports (docs/domain.md §8) that validation
keeps: a shape that stays valid with exactly one warning has the reason
``"warning:<column>:<check>"``; one that stays valid without any has ``"valid:<column>:<shape>"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import polars as pl

from credit_ledger.synth._codes import USCC_ALPHABET, wrong_check_char
from credit_ledger.synth._rng import Rng, cat
from credit_ledger.synth._values import add_days, fmt_dates, money
from credit_ledger.synth._world import Draft

Inject = Callable[[pl.DataFrame, Rng], dict[str, pl.Series]]
_F = "f."  # prefix of fact columns in the combined frame


@dataclass(frozen=True, kw_only=True)
class Defect:
    """One kind of injected error.

    Attributes:
        name: defect id, e.g. ``"bad_check_char"``.
        reason: the one reason the validator must report for it.
        applies: rows it may go on (over frame columns and ``f.<fact>`` columns); None = all.
        inject: new text of the changed columns, computed for the chosen rows.
    """

    name: str
    reason: str
    inject: Inject
    applies: pl.Expr | None = None


def fact(name: str) -> pl.Expr:
    """A fact column in ``Defect.applies`` expressions."""
    return pl.col(_F + name)


def _clean(s: pl.Series) -> pl.Series:
    return s.str.normalize("NFKC").str.to_uppercase().str.replace_all(r"[\s\-]", "")


def check_char(
    column: str, check: str, applies: pl.Expr | None = None, *, ric: bool = False
) -> Defect:
    """A code whose last (check) character is wrong; the reason is ``<column>:<check>`` or, with
    ``check`` starting with ``row:``, that row check."""
    alphabet = "0123456789X" if ric else USCC_ALPHABET

    def inject(sub: pl.DataFrame, rng: Rng) -> dict[str, pl.Series]:
        del rng
        return {column: wrong_check_char(_clean(sub[column]), alphabet)}

    reason = check if check.startswith("row:") else f"{column}:{check}"
    return Defect(name=f"bad_check_char:{column}", reason=reason, inject=inject, applies=applies)


def value(
    column: str, values: tuple[str, ...], reason: str, name: str, applies: pl.Expr | None = None
) -> Defect:
    """``column`` set to one of ``values``; ``reason`` is ``<column>:<reason>`` or ``row:…``."""

    def inject(sub: pl.DataFrame, rng: Rng) -> dict[str, pl.Series]:
        return {column: rng.choice(values, sub.height)}

    full = reason if reason.startswith("row:") else f"{column}:{reason}"
    return Defect(name=name, reason=full, inject=inject, applies=applies)


WARNING = "warning:"
VALID = "valid:"


def warned(defect: Defect, reason: str) -> Defect:
    """``defect`` as a shape that validation keeps with the one warning ``reason``."""
    return replace(defect, reason=WARNING + reason)


def shape(
    column: str, name: str, build: Callable[[pl.DataFrame], pl.Series], applies: pl.Expr | None
) -> Defect:
    """A real-world spelling of ``column`` that validation keeps without a warning:
    ``build(rows)`` gives the new text from the rows' values and facts."""

    def inject(sub: pl.DataFrame, rng: Rng) -> dict[str, pl.Series]:
        del rng
        return {column: build(sub)}

    return Defect(name=f"shape:{name}", reason=f"{VALID}{column}:{name}", inject=inject,
                  applies=applies)  # fmt: skip


def spelled(
    column: str, name: str, values: tuple[str, ...], applies: pl.Expr | None = None
) -> Defect:
    """A shape from a list of real spellings (kept without a warning)."""

    def inject(sub: pl.DataFrame, rng: Rng) -> dict[str, pl.Series]:
        return {column: rng.choice(values, sub.height)}

    return Defect(name=f"shape:{name}", reason=f"{VALID}{column}:{name}", inject=inject,
                  applies=applies)  # fmt: skip


def bad_date(column: str, applies: pl.Expr | None = None) -> Defect:
    """An impossible or non-date value in a date column."""
    bad = ("2024-13-45", "昨天", "2023-02-30", "2024年02月30日", "20241301", "待定")
    return value(column, bad, "date", f"bad_date:{column}", applies)


def bad_decimal(column: str) -> Defect:
    """A non-numeric amount."""
    return value(
        column, ("十万元", "壹拾万元整", "待核实", "5千"), "decimal", f"bad_amount:{column}"
    )


def blank(column: str) -> Defect:
    """A required text left empty (or only spaces)."""
    return value(column, ("", "   "), "not_null", f"blank:{column}")


def enum(column: str, *values: str, applies: pl.Expr | None = None) -> Defect:
    """A value outside the column's enumeration."""
    return value(column, values, "enum", f"bad_enum:{column}", applies)


def dates_out_of_order(
    column: str, anchor: str, shift: tuple[int, int], reason: str, applies: pl.Expr | None = None
) -> Defect:
    """``column`` set to the date in fact ``anchor`` shifted by ``shift`` days (lo, hi)."""

    def inject(sub: pl.DataFrame, rng: Rng) -> dict[str, pl.Series]:
        days = rng.integers(shift[0], shift[1] + 1, sub.height)
        return {column: fmt_dates(add_days(sub[_F + anchor], days), rng)}

    return Defect(name=f"out_of_order:{column}", reason=reason, inject=inject, applies=applies)


def amounts_over(low: str, high: str, fact_cents: str, reason: str) -> Defect:
    """``high`` set above ``low``: low = fact amount, high = low + 1 to 10,000 yuan."""

    def inject(sub: pl.DataFrame, rng: Rng) -> dict[str, pl.Series]:
        base = sub[_F + fact_cents]
        over = base + rng.integers(1, 10_001, sub.height) * 100
        return {low: money(base, rng), high: money(over, rng)}

    return Defect(name=f"over:{high}", reason=reason, inject=inject)


def civil_case_no() -> Defect:
    """A well-formed case number of a civil (民初) rather than an enforcement (执) case."""

    def inject(sub: pl.DataFrame, rng: Rng) -> dict[str, pl.Series]:
        del rng
        return {"case_no": sub["case_no"].str.replace(r"执恢?", "民初")}

    return Defect(name="civil_case_no", reason="case_no:execution_case_no", inject=inject)


def minor_listed() -> Defect:
    """A natural person listed at 16, with a masked ID whose visible birth year agrees."""

    def inject(sub: pl.DataFrame, rng: Rng) -> dict[str, pl.Series]:
        del rng
        year = (sub[_F + "published"].dt.year() - 16).cast(pl.String)
        ric = sub[_F + "ric"]
        masked = cat(ric.str.slice(0, 6), year, "****", ric.str.slice(14, 4))
        return {"age": pl.Series(["16"] * sub.height), "id_or_uscc": masked}

    return Defect(
        name="minor_listed",
        reason="row:minor_listed",
        inject=inject,
        applies=fact("masked_person"),
    )


def inject(
    draft: Draft, menu: tuple[Defect, ...], rng: Rng, rate: float, kind: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Put defects on ``round(rate * rows)`` rows of ``draft``.

    Returns:
        The frame with defects, and the truth: ``kind``, ``row`` (1-based), ``defect``,
        ``reason``, one row per defective record, ordered by row.
    """
    frame = draft.frame
    n = frame.height
    rows = rng.sample_rows(n, round(rate * n))
    empty_truth = pl.DataFrame(
        schema={"kind": pl.String, "row": pl.Int64, "defect": pl.String, "reason": pl.String}
    )
    if rows.len() == 0 or not menu:
        return frame, empty_truth
    combined = pl.concat(
        [frame, draft.facts.rename({c: _F + c for c in draft.facts.columns})], how="horizontal"
    )[rows]
    k = combined.height
    scores = combined.select(
        pl.when((d.applies if d.applies is not None else pl.lit(True)).fill_null(False))
        .then(pl.lit(rng.uniform(k)))
        .otherwise(-1.0)
        .alias(str(i))
        for i, d in enumerate(menu)
    )
    if scores.select(pl.max_horizontal(pl.all()).min()).item() < 0:
        raise RuntimeError(
            f"{kind}: a chosen row has no applicable defect; menus need one "
            "defect that applies to every row"
        )
    chosen = scores.select(pl.concat_list(pl.all()).list.arg_max()).to_series()
    columns = {c: frame[c].clone() for c in frame.columns}
    for i, defect in enumerate(menu):
        mask = chosen == i
        if not mask.any():
            continue
        sub = combined.filter(mask)
        positions = rows.filter(mask)
        for column, new in defect.inject(sub, rng).items():
            columns[column].scatter(positions, new.cast(pl.String))
    names = pl.Series([d.name for d in menu]).gather(chosen)
    reasons = pl.Series([d.reason for d in menu]).gather(chosen)
    truth = pl.DataFrame(
        {
            "kind": [kind] * k,
            "row": rows.cast(pl.Int64) + 1,
            "defect": names,
            "reason": reasons,
        }
    )
    return pl.DataFrame(columns), truth


@dataclass(frozen=True, kw_only=True)
class Blemish:
    """A shape real lists carry on some rows more often than the defect rate would place it
    (the government-body listings of a court list): put on ``share`` of the rows it applies
    to that drew no defect, with its reason in the truth."""

    defect: Defect
    share: float


def blemish(
    draft: Draft,
    injected: tuple[pl.DataFrame, pl.DataFrame],
    blemishes: tuple[Blemish, ...],
    *,
    rng: Rng,
    kind: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``injected`` (the frame with its defects, and their truth) with ``blemishes`` added:
    each goes on its share of the applicable rows not yet in the truth, one per row, and each
    such row joins the truth (kind, 1-based row, defect, reason)."""
    frame, truth = injected
    n = frame.height
    if not blemishes or n == 0:
        return frame, truth
    combined = pl.concat(
        [draft.frame, draft.facts.rename({c: _F + c for c in draft.facts.columns})],
        how="horizontal",
    )
    free = ~pl.int_range(1, n + 1, eager=True).is_in(truth["row"].implode())
    columns = {c: frame[c].clone() for c in frame.columns}
    parts = [truth]
    for b in blemishes:
        d = b.defect
        applies = combined.select(
            (d.applies if d.applies is not None else pl.lit(True)).fill_null(False)
        ).to_series()
        mask = applies & free & rng.bernoulli(b.share, n)
        if not mask.any():
            continue
        positions = mask.arg_true()
        for column, new in d.inject(combined.filter(mask), rng).items():
            columns[column].scatter(positions, new.cast(pl.String))
        free &= ~mask
        parts.append(
            pl.DataFrame(
                {
                    "kind": [kind] * positions.len(),
                    "row": positions.cast(pl.Int64) + 1,
                    "defect": [d.name] * positions.len(),
                    "reason": [d.reason] * positions.len(),
                }
            )
        )
    return pl.DataFrame(columns), pl.concat(parts, how="vertical").sort("row")
