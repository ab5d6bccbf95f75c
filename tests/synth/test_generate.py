"""Sizes, proportions, determinism and parameters of the generator."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit_ledger import ids
from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger.synth import DEFAULT_SHARES, SyntheticSet, generate, generate_frames, write
from credit_ledger.synth._world import KINDS, kind_counts, resolve_shares
from tests.synth.conftest import ROWS

DECLARED = {k.name: k for k in BUILTIN_KINDS}


def _digests(paths: dict[str, Path]) -> dict[str, str]:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in paths.items()}


def test_same_seed_same_bytes_different_seed_different(small: SyntheticSet, tmp_path: Path) -> None:
    first = _digests(write(small, tmp_path / "a"))
    again = _digests(generate(tmp_path / "b", rows=400, seed=9, defect_rate=0.05))
    other = generate_frames(400, seed=10, defect_rate=0.05)
    assert first == again
    assert all(not other.frames[k].equals(small.frames[k]) for k in KINDS)
    assert all(f.height >= 1 for f in small.frames.values())  # ≥ 1 per kind from 100 rows


def test_frames_are_all_string_with_canonical_columns(synthetic: SyntheticSet) -> None:
    assert list(synthetic.frames) == list(KINDS)
    for kind, frame in synthetic.frames.items():
        assert frame.columns == list(DECLARED[kind].columns)
        assert set(frame.dtypes) == {pl.String}


def test_rows_split_by_default_shares(synthetic: SyntheticSet) -> None:
    heights = {k: f.height for k, f in synthetic.frames.items()}
    assert sum(heights.values()) == ROWS == synthetic.rows
    total = sum(DEFAULT_SHARES[k] for k in KINDS)
    for kind in KINDS:
        assert abs(heights[kind] - ROWS * DEFAULT_SHARES[kind] / total) <= 1


@given(st.integers(min_value=0, max_value=2_000_000))
def test_kind_counts_sum_and_minimum(rows: int) -> None:
    counts = kind_counts(rows, resolve_shares(None))
    assert sum(counts.values()) == rows
    if rows >= 100:
        assert min(counts.values()) >= 1


@pytest.fixture(scope="module")
def arrears_heavy() -> SyntheticSet:
    """Licences and penalties switched off; the other kinds renormalised (0.8, 0.15, 1)."""
    shares = {"admin_license": 0.0, "admin_penalty": 0.0, "arrears_case": 1.0}
    return generate_frames(800, seed=5, shares=shares)


def test_shares_override_and_errors(arrears_heavy: SyntheticSet) -> None:
    heights = {k: f.height for k, f in arrears_heavy.frames.items()}
    assert heights["admin_license"] == heights["admin_penalty"] == 0
    assert heights["arrears_case"] == pytest.approx(800 * 1.0 / 1.95, abs=1)
    assert heights["dishonest_debtor"] == pytest.approx(800 * 0.8 / 1.95, abs=1)
    with pytest.raises(ValueError, match="unknown share"):
        generate_frames(10, shares={"admin_licence": 1.0})
    with pytest.raises(ValueError, match="≥ 0"):
        generate_frames(10, shares={"noise": -1.0})
    with pytest.raises(ValueError, match="defect_rate"):
        generate_frames(10, defect_rate=1.5)


def test_empty_set() -> None:
    empty = generate_frames(0)
    assert empty.rows == 0
    assert empty.truth.height == 0
    assert all(f.columns == list(DECLARED[k].columns) for k, f in empty.frames.items())


def _prefix(code: pl.Expr) -> pl.Expr:
    return ids.normalize_code_expr(code).str.slice(0, 2)


def test_subject_prefix_mix(clean: SyntheticSet) -> None:
    subjects = pl.concat(
        [clean.frames[k].select("subject_category", "subject_uscc") for k in KINDS[:2]]
    )
    prefix = subjects.select(
        pl.when(pl.col("subject_category") == "自然人")
        .then(pl.lit("person"))
        .otherwise(_prefix(pl.col("subject_uscc")))
        .replace({"51": "5x", "52": "5x", "53": "5x", "11": "gov", "12": "gov"})
        .alias("p")
    )["p"]
    share = prefix.value_counts(normalize=True)
    got = dict(zip(share["p"].to_list(), share["proportion"].to_list(), strict=True))
    expected = {"91": 0.55, "92": 0.30, "person": 0.10, "5x": 0.02, "93": 0.01, "gov": 0.02}
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=0.025), key
    categories = subjects.group_by("subject_category").len()
    assert set(categories["subject_category"]) == {"法人及非法人组织", "个体工商户", "自然人"}


def test_severity_mix(clean: SyntheticSet) -> None:
    severity = clean.frames["admin_penalty"]["severity"].replace("", None).drop_nulls()
    share = severity.value_counts(normalize=True)
    got = dict(zip(share["severity"].to_list(), share["proportion"].to_list(), strict=True))
    assert got == pytest.approx({"轻微": 0.60, "一般": 0.35, "严重": 0.05}, abs=0.03)


def test_government_debtors_are_few_but_present(clean: SyntheticSet) -> None:
    columns = {"dishonest_debtor": "id_or_uscc", "judgment_debtor_case": "debtor_uscc"}
    for kind, column in columns.items():
        codes = clean.frames[kind].select(ids.normalize_code_expr(pl.col(column)).alias("c"))
        gov = codes.filter(
            (pl.col("c").str.len_chars() == 18) & pl.col("c").str.slice(0, 2).is_in(["11", "12"])
        )
        assert 3 <= gov.height <= 20, kind


def test_court_lists_span_2023_to_2025_with_removals(clean: SyntheticSet) -> None:
    debtors = clean.frames["dishonest_debtor"]
    years = debtors["published_on"].str.slice(0, 4).unique().to_list()
    assert {"2023", "2024", "2025"} <= set(years)
    assert debtors["removed_on"].replace("", None).drop_nulls().len() > debtors.height // 5
    cases = clean.frames["judgment_debtor_case"]
    assert {"执行中"} < set(cases["case_status"].to_list())


def test_arrears_debtor_mix_and_unique_ids(arrears_heavy: SyntheticSet) -> None:
    arrears = arrears_heavy.frames["arrears_case"]
    prefix = arrears.select(_prefix(pl.col("debtor_uscc")).alias("p"))["p"]
    gov_share = prefix.is_in(["11", "12"]).mean()
    assert gov_share == pytest.approx(0.70, abs=0.07)
    assert arrears["arrears_id"].is_unique().all()
    assert arrears["arrears_id"].str.contains(r"^QK20[0-9]{2}-[0-9]{6}$").all()


def test_record_ids_are_unique_uuids(synthetic: SyntheticSet) -> None:
    record_ids = pl.concat([f["record_id"] for f in synthetic.frames.values()])
    assert record_ids.is_unique().all()
    pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    assert record_ids.str.contains(pattern).all()


def test_messy_but_valid_noise_is_present(clean: SyntheticSet) -> None:
    penalty = clean.frames["admin_penalty"]
    dates = penalty["decision_date"]
    assert dates.str.contains(r"^\d{4}-\d{2}-\d{2}$").any()
    assert dates.str.contains(r"^\d{8}$").any()
    assert dates.str.contains(r"^\d{4}年\d{2}月\d{2}日$").any()
    uscc = penalty["authority_uscc"]
    assert uscc.str.contains("[０-９]").any()
    assert (uscc != uscc.str.strip_chars()).any()
    assert penalty["penalty_types"].str.contains(",").any()
    assert penalty["remarks"].is_null().any()
    assert (penalty["remarks"] == "").any()
    debtors = clean.frames["dishonest_debtor"]
    assert set(debtors["party_type"].unique().drop_nulls()) >= {"0", "1"}
    assert debtors["id_or_uscc"].str.contains(r"^\s*\d{10}\*{4}").any()
    assert debtors["id_or_uscc"].str.contains(r"^\s*[0-9A-Z]{8}-[0-9X]\s*$").any()
    assert debtors["case_no"].str.contains("（|〔").any()
    assert set(clean.frames["admin_license"]["status"].unique()) >= {"1", "2", "有效", "无效"}
