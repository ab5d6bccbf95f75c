"""Ground truth: every truth row carries its defect, and no other row was touched.

Defects are drawn from their own random stream, so the same seed with ``defect_rate=0`` gives
the same records without defects; comparing the two locates every injected change without
relying on the validator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import polars as pl

from credit_ledger import ids
from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger.synth import SyntheticSet
from credit_ledger.synth._menus import BLEMISHES

DECLARED = {k.name: k for k in BUILTIN_KINDS}
_REASON = re.compile(r"^(?:warning:|valid:)?(row|[a-z_]+):[a-z_0-9]+$")


def _unprefixed(reason: str) -> str:
    return reason.removeprefix("warning:").removeprefix("valid:")


def _changes(a: pl.DataFrame, b: pl.DataFrame) -> dict[int, set[str]]:
    """1-based rows that differ between ``a`` and ``b``, with the columns that differ."""
    flags = pl.DataFrame({c: ~a[c].eq_missing(b[c]) for c in a.columns})
    changed = flags.with_row_index("row", 1).filter(pl.any_horizontal(pl.exclude("row")))
    return {r["row"]: {c for c in a.columns if r[c]} for r in changed.iter_rows(named=True)}


def test_truth_shape(synthetic: SyntheticSet) -> None:
    truth = synthetic.truth
    assert truth.columns == ["kind", "row", "defect", "reason"]
    assert truth.select("kind", "row").is_unique().all()
    for kind, frame in synthetic.frames.items():
        rows = truth.filter(pl.col("kind") == kind)
        beyond_rate = {b.defect.name for b in BLEMISHES.get(kind, ())}
        assert rows.filter(~pl.col("defect").is_in(beyond_rate)).height == round(
            0.02 * frame.height
        )
        assert rows["row"].is_between(1, frame.height).all()
    for reason in truth["reason"]:
        assert _REASON.match(reason), reason


def test_truth_rows_are_exactly_the_changed_rows(
    synthetic: SyntheticSet, clean: SyntheticSet
) -> None:
    for kind, frame in synthetic.frames.items():
        decl = DECLARED[kind]
        row_checks = {c.name: set(c.columns) for c in decl.row_checks}
        changes = _changes(frame, clean.frames[kind])
        truth = synthetic.truth.filter(pl.col("kind") == kind)
        assert set(changes) == set(truth["row"]), kind
        for row, reason in truth.select("row", "reason").iter_rows():
            where, _, check = _unprefixed(reason).partition(":")
            if where == "row":
                assert changes[row] & row_checks[check], (kind, row, reason, changes[row])
            else:
                assert changes[row] == {where}, (kind, row, reason, changes[row])


def _date_ok(text: str) -> bool:
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return True
    return False


def _number_ok(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_BOOLS = {"是", "否", "true", "false", "1", "0", "yes", "no", "有", "无"}


def _enum_breaks(kind: str, column: str, text: str) -> bool:
    field = DECLARED[kind].field(column)
    allowed = set(field.enum or ()) | set(field.value_map or {})
    items = text.split(field.multi) if field.multi else [text]
    return any(i.strip() not in allowed for i in items)


#: check → does ``text`` fail it? Judged independently of the validator.
_BREAKS: dict[str, Callable[[str, str, str], bool]] = {
    "not_null": lambda k, c, t: t == "",
    "uscc": lambda k, c, t: not ids.uscc_is_valid(t),
    "org_code": lambda k, c, t: not ids.org_code_is_valid(t),
    "ric": lambda k, c, t: not ids.ric_is_valid(t),
    "date": lambda k, c, t: not _date_ok(t),
    "decimal": lambda k, c, t: not _number_ok(t),
    "int": lambda k, c, t: not _number_ok(t),
    "bool": lambda k, c, t: t.lower() not in _BOOLS,
    "enum": _enum_breaks,
    "non_negative": lambda k, c, t: float(t) < 0,
    "term_range": lambda k, c, t: not 1 <= int(t) <= 5,
    "execution_case_no": lambda k, c, t: ids.case_no_is_valid(t) and "执" not in t,
    "incomplete": lambda k, c, t: t == "",
    "unrecognised": lambda k, c, t: _recognised(c, t) is None,
    "legacy_style": lambda k, c, t: ids.case_no_is_valid(t) and "字" in t,
    "rounded": lambda k, c, t: re.search(r"\.[0-9]{3,}", t) is not None,
    "from_text": lambda k, c, t: t == "",
}


def _recognised(column: str, text: str) -> str | None:
    parse = DECLARED["dishonest_debtor"].field(column).parse
    assert parse is not None
    value: str | None = pl.select(parse(pl.lit(text))).item()
    return value


def test_column_defects_break_their_check(synthetic: SyntheticSet) -> None:
    for kind, row, reason in synthetic.truth.select("kind", "row", "reason").iter_rows():
        column, _, check = _unprefixed(reason).partition(":")
        if column == "row" or reason.startswith("valid:"):
            continue
        value = synthetic.frames[kind][column][row - 1]
        assert _BREAKS[check](kind, column, (value or "").strip()), (kind, row, reason, value)


def test_every_kind_has_varied_defects(synthetic: SyntheticSet) -> None:
    per_kind = synthetic.truth.group_by("kind").agg(pl.col("reason").n_unique())
    reasons = dict(per_kind.iter_rows())
    assert reasons["admin_license"] >= 10
    assert reasons["admin_penalty"] >= 10
