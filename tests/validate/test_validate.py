"""Validation: typed output, quarantine with reasons, row accounting, pandera equivalence."""

from __future__ import annotations

import datetime as dt
import warnings
from decimal import Decimal
from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandera.config import ValidationDepth, config_context

import credit_ledger
from credit_ledger._parse import normalized_text, parsed
from credit_ledger.errors import MissingColumnError, ValidationDisabledError
from tests.conftest import ENTERPRISE, ORGAN, RIC, debtor

KIND = "dishonest_debtor"


def penalty(**overrides: str) -> dict[str, str]:
    """One valid administrative-penalty record as text (canonical names; ``fine`` in 万元)."""
    row = {
        "source_org": "石家庄市新华区市场监督管理局",
        "source_org_uscc": ORGAN,
        "subject_name": "石家庄市新华区某某商贸有限公司",
        "subject_category": "法人及非法人组织",
        "subject_uscc": ENTERPRISE,
        "decision_no": "石新市监罚〔2024〕12号",
        "violation_type": "虚假宣传",
        "violation_facts": "发布虚假广告",
        "legal_basis": "《中华人民共和国广告法》第五十五条",
        "penalty_types": "警告，罚款",
        "penalty_content": "警告并处罚款",
        "fine": "1.5",
        "decision_date": "2024-05-31",
        "penalty_valid_to": "2025-05-31",
        "authority": "石家庄市新华区市场监督管理局",
        "authority_uscc": ORGAN,
    }
    row.update(overrides)
    return row


def _validate(rows: list[dict[str, str]], kind: str = KIND) -> credit_ledger.ValidationResult:
    return credit_ledger.validate(pl.DataFrame(rows).lazy(), kind=kind)


def test_typed_output() -> None:
    result = _validate([debtor()])
    row = result.valid.row(0, named=True)
    assert row["filed_on"] == dt.date(2024, 1, 5)
    assert row["published_on"] == dt.date(2024, 2, 1)
    assert row["party_type"] == "legal_entity"
    assert row["subject_kind"] == "enterprise"
    assert result.valid.schema["filed_on"] == pl.Date


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"filed_on": "2024-13-45"}, "filed_on:date"),
        ({"filed_on": "昨天"}, "filed_on:date"),
        ({"court": "   "}, "court:not_null"),
        ({"id_or_uscc": "91110000600037341N"}, "row:entity_code"),
        ({"case_no": "(2024)冀0105民初12号"}, "case_no:execution_case_no"),
        (
            {"filed_on": "2024-03-01", "published_on": "2024-02-01"},
            "row:filed_on_not_after_published_on",
        ),
        ({"party_type": "0", "id_or_uscc": "360426199101010072"}, "row:person_id"),
        ({"party_type": "0", "id_or_uscc": RIC, "age": "16"}, "row:minor_listed"),
        ({"age": "十六"}, "age:int"),
    ],
)
def test_each_defect_quarantines_with_its_reason(overrides: dict[str, str], reason: str) -> None:
    rows = [debtor(age="0"), debtor(**{"age": "0", **overrides})]
    result = _validate(rows)
    assert result.summary.rows_valid == 1
    assert result.quarantine["_row"].to_list() == [2]
    assert reason in result.quarantine["_reasons"][0].to_list()
    assert result.summary.by_reason[reason] == 1


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341l",
        " 91110000600037341L ",
        "９１１１００００６０００３７３４１Ｌ",
        "9111-0000-6000-3734-1L",
    ],
)
def test_messy_but_valid_codes_are_normalised(code: str) -> None:
    result = _validate([debtor(id_or_uscc=code)])
    assert result.valid["id_or_uscc"].to_list() == [ENTERPRISE]


def test_masked_and_old_codes_accepted() -> None:
    rows = [
        debtor(id_or_uscc="9114082306****333G"),
        debtor(id_or_uscc="55269853-1"),
        debtor(party_type="0", id_or_uscc="3423011964****3224", debtor_name="张三", age="60"),
    ]
    assert _validate(rows).summary.rows_valid == 3


def test_identifiers_with_forbidden_letters_fail() -> None:
    result = _validate([debtor(id_or_uscc="9111000060003IOZSV")])
    assert result.quarantine["_reasons"][0].to_list() == ["row:entity_code"]


def test_dates_in_three_formats_and_full_width_brackets() -> None:
    result = _validate(
        [
            debtor(filed_on="2024-01-05", published_on="20240201", case_no="（2024）冀0105执1号"),
            debtor(
                filed_on="2024年1月5日", published_on="2024/02/01", case_no="〔2024〕冀0105执恢2号"
            ),
        ]
    )
    assert result.summary.rows_valid == 2
    assert result.valid["case_no"].to_list() == ["(2024)冀0105执1号", "(2024)冀0105执恢2号"]


def test_penalty_amounts_are_decimal_yuan() -> None:
    rows = [penalty(fine_yuan="15000.50"), penalty(fine_yuan="十万元")]
    for r in rows:
        r.pop("fine")
    result = _validate(rows, kind="admin_penalty")
    assert result.valid["fine_yuan"].to_list() == [Decimal("15000.50")]
    assert result.quarantine["_reasons"][0].to_list() == ["fine_yuan:decimal"]
    assert result.valid.schema["fine_yuan"] == pl.Decimal(38, 2)


def test_duplicate_record_ids_quarantine_both() -> None:
    result = _validate([debtor(record_id="a"), debtor(record_id="a"), debtor(record_id="b")])
    assert result.quarantine["_row"].to_list() == [1, 2]
    assert result.summary.by_reason == {"record_id:unique": 2}


def test_missing_required_column_in_a_frame() -> None:
    row = debtor()
    del row["court"]
    with pytest.raises(MissingColumnError, match="court"):
        _validate([row])


def test_refuses_to_run_when_pandera_is_disabled() -> None:
    with config_context(validation_enabled=False), pytest.raises(ValidationDisabledError):
        _validate([debtor()])


def test_schema_is_a_real_pandera_schema() -> None:
    schema = credit_ledger.schema(KIND)
    assert isinstance(schema, pa.DataFrameSchema)
    assert "dishonest_debtor" in credit_ledger.record_kinds()


# -- equivalence with pandera's own validate ---------------------------------------------------


def _pandera_failures(typed: pl.DataFrame) -> dict[int, set[str]]:
    schema = credit_ledger.schema(KIND)
    failures: dict[int, set[str]] = {}
    try:
        with (
            config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA),
            warnings.catch_warnings(),
        ):
            # Warning checks (raise_warning) are warnings in pandera too, not failures.
            warnings.simplefilter("ignore", pa.errors.SchemaWarning)
            schema.validate(typed.lazy(), lazy=True).collect()
    except pa.errors.SchemaErrors as exc:
        for case in exc.failure_cases.iter_rows(named=True):
            if case["index"] is None:
                continue
            is_frame_check = case["schema_context"] == "DataFrameSchema"
            column = "row" if is_frame_check else case["column"]
            check = "not_null" if case["check"] == "not_nullable" else case["check"]
            check = "unique" if check == "field_uniqueness" else check
            failures.setdefault(case["index"], set()).add(f"{column}:{check}")
    return failures


MESSY = st.fixed_dictionaries(
    {
        "id_or_uscc": st.sampled_from(
            [ENTERPRISE, ORGAN, "91110000600037341N", "9114082306****333G", "", "x", "55269853-1"]
        ),
        "party_type": st.sampled_from(["0", "1", "legal_entity", "外星人", ""]),
        "filed_on": st.sampled_from(["2024-01-05", "20240105", "2024年1月5日", "2024-02-30", ""]),
        "published_on": st.sampled_from(["2024-02-01", "2023-12-31", "", "soon"]),
        "case_no": st.sampled_from(
            ["(2024)冀0105执1234号", "（2024）冀0105执恢2号", "2024执1", ""]
        ),
        "age": st.sampled_from(["", "0", "16", "45", "x"]),
        "performance": st.sampled_from(["全部未履行", "部分未履行", "其他"]),
        "record_id": st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MESSY, min_size=1, max_size=12))
def test_row_accounting_and_pandera_agreement(messy: list[dict[str, str]]) -> None:
    rows = [debtor(**m) for m in messy]
    result = _validate(rows)
    s = result.summary
    # Every input row lands in exactly one of valid or quarantine.
    assert s.rows_in == len(rows) == s.rows_valid + s.rows_quarantined
    seen = sorted(result.valid["_row"].to_list() + result.quarantine["_row"].to_list())
    assert seen == list(range(1, len(rows) + 1))
    assert all(len(r) > 0 for r in result.quarantine["_reasons"].to_list())

    # pandera's own validate, on the typed frame, reaches the same verdicts for every row
    # whose values all parse (a value that does not parse is null for pandera).
    parse_failures = (":date", ":int", ":decimal", ":bool", ":encoding")
    ours = dict(
        zip(
            result.quarantine["_row"],
            map(set, result.quarantine["_reasons"].to_list()),
            strict=True,
        )
    )
    theirs = _pandera_failures(_typed(rows))
    for row in range(1, len(rows) + 1):
        reasons = ours.get(row, set())
        if not any(r.endswith(parse_failures) for r in reasons):
            assert theirs.get(row - 1, set()) == reasons, row


def _typed(rows: list[dict[str, str]]) -> pl.DataFrame:
    """The typed frame both validators see: credit_ledger's parsing, no checks."""
    kind = credit_ledger.get_kind(KIND)
    frame = pl.DataFrame(rows)
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


def test_quarantine_parquet_roundtrip(tmp_path: Path) -> None:
    result = _validate([debtor(), debtor(filed_on="bad")])
    out = tmp_path / "q.parquet"
    result.quarantine.write_parquet(out)
    back = pl.read_parquet(out)
    assert back["_reasons"].to_list() == [["filed_on:date"]]


def test_content_id_is_public_and_the_validator_uses_it() -> None:
    """A source without record ids: each id derives from the row's content
    (``RecordKind.content_id``), so the same record delivered twice gets the same id."""
    kind = credit_ledger.get_kind(KIND)
    rows = [debtor(), debtor(case_no="(2024)冀0105执99号"), debtor()]
    frame = pl.DataFrame(rows)
    result = credit_ledger.validate(frame, kind=KIND)
    ids = frame.select(kind.content_id(frame.columns))[kind.key].to_list()
    assert ids[0] == ids[2] != ids[1]
    assert result.quarantine["_reasons"].to_list() == [["record_id:unique"]] * 2
    assert set(result.valid["record_id"]) == {ids[1]}
