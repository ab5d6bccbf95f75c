"""Identifiers: the vectorised check characters agree with ``credit_ledger.ids``, and every code
in a defect-free row is valid there."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_ledger import ids
from credit_ledger.synth import SyntheticSet, _codes

_ALPHA = _codes.USCC_ALPHABET


@settings(max_examples=10, deadline=None)  # one vectorised call per example
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["91", "92", "93", "11", "12", "51", "52", "53", "Y1", "N2"]),
            st.text(alphabet="0123456789", min_size=6, max_size=6),
            st.text(alphabet=_ALPHA, min_size=8, max_size=8),
        ),
        min_size=1,
        max_size=200,
    )
)
def test_vectorised_uscc_matches_scalar(parts: list[tuple[str, str, str]]) -> None:
    prefix, region, body = (pl.Series([p[i] for p in parts]) for i in range(3))
    codes = _codes.usccs(prefix, region, body).to_list()
    for (p, r, b), code in zip(parts, codes, strict=True):
        org = ids.org_code_check_char(b)
        assert code == p + r + b + org + ids.uscc_check_char(p + r + b + org)


@settings(max_examples=10, deadline=None)  # one vectorised call per example
@given(st.lists(st.text(alphabet="0123456789", min_size=17, max_size=17), min_size=1))
def test_vectorised_ric_check_matches_scalar(first17: list[str]) -> None:
    got = _codes.ric_check(pl.Series(first17)).to_list()
    assert got == [ids.ric_check_char(x) for x in first17]


def test_wrong_check_char_always_differs() -> None:
    codes = pl.Series([f"9113010560003734{c}{d}" for c in "0123456789" for d in _ALPHA])
    assert (_codes.wrong_check_char(codes).str.slice(-1) != codes.str.slice(-1)).all()


def _values(frame: pl.DataFrame, column: str) -> list[str]:
    """Distinct non-empty values (codes recur: subjects and authorities appear many times)."""
    return frame[column].replace("", None).drop_nulls().unique(maintain_order=True).to_list()


def _check_codes(frames: dict[str, pl.DataFrame]) -> None:
    uscc_columns = {
        "admin_license": ("subject_uscc", "authority_uscc", "source_org_uscc"),
        "admin_penalty": ("subject_uscc", "authority_uscc", "source_org_uscc"),
        "dishonest_debtor": ("source_org_uscc",),
        "judgment_debtor_case": ("debtor_uscc", "source_org_uscc"),
        "arrears_case": ("debtor_uscc", "creditor_uscc"),
    }
    for kind, columns in uscc_columns.items():
        for column in columns:
            bad = [c for c in _values(frames[kind], column) if not ids.uscc_is_valid(c)]
            assert not bad, (kind, column, bad[:3])
    for kind in ("admin_license", "admin_penalty"):
        frame = frames[kind]
        assert all(map(ids.org_code_is_valid, _values(frame, "org_code")))
        assert all(map(ids.ric_is_valid, _values(frame, "legal_rep_id_no")))
        persons = frame.filter(pl.col("subject_category") == "自然人")
        assert persons["person_id_no"].replace("", None).null_count() == 0
        assert all(ids.ric_is_valid(n) and "*" not in n for n in _values(persons, "person_id_no"))
    debtors = frames["dishonest_debtor"]
    for party, code in debtors.select("party_type", "id_or_uscc").unique().iter_rows():
        if party in ("0", "自然人"):
            assert ids.ric_is_valid(code), code
        else:
            visible = ids.normalize_code_expr(pl.lit(code))
            masked = pl.select(ids.uscc_masked_expr(visible)).item()
            assert ids.uscc_is_valid(code) or ids.org_code_is_valid(code) or masked, code
    for kind in ("dishonest_debtor", "judgment_debtor_case"):
        cases = _values(frames[kind], "case_no")
        assert all(ids.case_no_is_valid(c) and "执" in c for c in cases)


def test_codes_valid_in_rows_without_defects(synthetic: SyntheticSet) -> None:
    frames = {}
    for kind, frame in synthetic.frames.items():
        bad = synthetic.truth.filter(pl.col("kind") == kind)["row"]
        frames[kind] = frame.with_row_index("_r", 1).filter(~pl.col("_r").is_in(bad)).drop("_r")
    _check_codes(frames)


def test_listed_persons_are_adults_with_consistent_age(clean: SyntheticSet) -> None:
    debtors = clean.frames["dishonest_debtor"].with_columns(
        code=ids.normalize_code_expr(pl.col("id_or_uscc"))
    )
    persons = debtors.filter(pl.col("party_type").is_in(["0", "自然人"]))
    assert persons.height > 0
    for code, age, published, gender in persons.select(
        "code", "age", "published_on", "gender"
    ).iter_rows():
        pub = _parse_date(published)
        assert int(age) >= 18
        if "*" in code:
            assert int(age) in {pub.year - int(code[6:10]) - 1, pub.year - int(code[6:10])}
            continue
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
        years = pub.year - born.year - ((pub.month, pub.day) < (born.month, born.day))
        assert int(age) == years
        assert gender.startswith("男" if int(code[16]) % 2 else "女")


def _parse_date(text: str) -> date:
    digits = "".join(ch for ch in text if ch.isdigit())
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
