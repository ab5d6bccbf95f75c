"""pandera's own ``validate`` on the kind's generated schema reaches the verdicts of
:func:`credit_ledger.validate`, on generated demo data of every built-in kind.

Both evaluate the same rules (:meth:`Field.validation_rules`, :meth:`RecordKind.row_rules`):
credit_ledger in one Polars pass, pandera one query per check. pandera sees the typed frame, so
the comparison covers every row whose values all parse: a value that does not parse, or text
with an undecodable or control byte, is a reason pandera cannot see (to it the value is null,
or the text is already clean). Warnings are not compared: pandera reports a warning check once
per schema (``SchemaWarning``), not per row.
"""

from __future__ import annotations

import dataclasses
import warnings

import pandera.polars as pa
import polars as pl
import pytest
from pandera.config import ValidationDepth, config_context

import credit_ledger
from credit_ledger._parse import normalized_text, parsed
from credit_ledger.kinds import RecordKind
from credit_ledger.synth import generate_frames
from credit_ledger.synth._api import KINDS

_UNSEEN = (":date", ":int", ":decimal", ":bool", ":encoding", ":control_char")


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    # Equal shares: each kind gets enough rows for its defects to show.
    shares = dict.fromkeys(KINDS, 1.0)
    return generate_frames(6_000, seed=14, defect_rate=0.1, shares=shares).frames


def _typed(kind: RecordKind, frame: pl.DataFrame) -> pl.DataFrame:
    """The typed frame pandera sees: credit_ledger's parsing, no checks."""
    exprs = []
    for f in kind.fields:
        if f.name in frame.columns:
            text = normalized_text(f, pl.col(f.name))
            value = f.parse(text) if f.parse is not None else parsed(f, text)
            exprs.append(value.cast(f.polars_dtype, strict=False).alias(f.name))
        else:
            exprs.append(pl.lit(None, dtype=f.polars_dtype).alias(f.name))
    fallbacks = [pl.coalesce(f.name, f.fallback) for f in kind.fields if f.fallback is not None]
    return frame.select(exprs).with_columns(fallbacks)


def _pandera_failures(kind: RecordKind, typed: pl.DataFrame) -> dict[int, set[str]]:
    """Per row (1-based), the reasons pandera reports, named as credit_ledger names them."""
    failures: dict[int, set[str]] = {}
    try:
        with (
            config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore", pa.errors.SchemaWarning)
            credit_ledger.schema(kind).validate(typed.lazy(), lazy=True).collect()
    except pa.errors.SchemaErrors as exc:
        for case in exc.failure_cases.iter_rows(named=True):
            assert case["index"] is not None, case  # a schema-level failure: types differ
            column = "row" if case["schema_context"] == "DataFrameSchema" else case["column"]
            check = {"not_nullable": "not_null", "field_uniqueness": "unique"}.get(
                case["check"], case["check"]
            )
            failures.setdefault(case["index"] + 1, set()).add(f"{column}:{check}")
    return failures


@pytest.mark.parametrize("name", credit_ledger.record_kinds())
def test_pandera_reaches_the_same_verdicts_on_demo_data(
    name: str, demo: dict[str, pl.DataFrame]
) -> None:
    if name not in demo:
        pytest.skip(f"the generator draws no {name} records")
    kind = credit_ledger.get_kind(name)
    frame = demo[name]
    result = credit_ledger.validate(frame, kind=kind)
    ours = dict(
        zip(
            result.quarantine["_row"].to_list(),
            map(set, result.quarantine["_reasons"].to_list()),
            strict=True,
        )
    )
    theirs = _pandera_failures(kind, _typed(kind, frame))
    compared = [
        row
        for row in range(1, frame.height + 1)
        if not any(r.endswith(_UNSEEN) for r in ours.get(row, set()))
    ]
    assert len(compared) > 0.8 * frame.height
    assert any(ours.get(row) for row in compared), "the demo data quarantines some rows"
    differing = {
        row: (ours.get(row, set()), theirs.get(row, set()))
        for row in compared
        if ours.get(row, set()) != theirs.get(row, set())
    }
    assert differing == {}


def test_every_reason_is_a_rule_the_kind_declares(demo: dict[str, pl.DataFrame]) -> None:
    """The reasons validation reports are the names of the fields' and the kind's rules (or
    of the byte-level checks of the input text)."""
    for name, frame in demo.items():
        kind = credit_ledger.get_kind(name)
        declared: set[str] = set(kind.row_rules()) | set(kind.row_rules(warnings=True))
        for f in kind.fields:
            text = pl.col(f.name).cast(pl.String)
            for warn in (False, True):
                declared |= set(f.validation_rules(pl.col(f.name), text=text, warnings=warn))
        result = credit_ledger.validate(frame, kind=kind)
        reported = set(result.summary.by_reason) | set(result.summary.warnings)
        byte_level = {r for r in reported if r.endswith((":encoding", ":control_char"))}
        derived = {d.warning for d in kind.derived}
        assert reported - byte_level - derived <= declared, name


def test_validation_does_not_build_the_pandera_schema(
    demo: dict[str, pl.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation compiles the rules straight from the kind: no pandera schema on the way."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("validation built a pandera schema")

    # A copy of the declaration: nothing built for the registered one can be reused.
    kind = dataclasses.replace(credit_ledger.get_kind("admin_penalty"))
    monkeypatch.setattr(pa.DataFrameSchema, "__init__", refuse)
    result = credit_ledger.validate(demo["admin_penalty"], kind=kind)
    assert result.summary.rows_quarantined > 0
