"""The byte kernels behind text normalisation agree with plain Polars on arbitrary text.

Every value list is also checked as a slice, since an Arrow array may start at an offset.
"""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_ledger import _kernels
from credit_ledger._parse import fold_width, parse_dates, trim

PROPS = settings(max_examples=150, deadline=None, database=None)

# White space of every UTF-8 length, full-width forms, U+FFFD, CJK text and punctuation whose
# last byte looks like white space (局 ends in 0x80, 、 starts with 0xE3).
_CHARS = list(
    "aZ09*- 中文局、。（）ＡｚＯ１\t\n\r\x0b\x0c\u0085\u00a0\u1680\u2003\u200a\u2028\u202f"
    "\u205f\u3000\ufffd\uff5e\uff61\u3001"
)
_TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(_CHARS), max_size=8))
_VALUES = st.lists(_TEXT, min_size=1, max_size=25)


def _both_layouts(values: list[str | None]) -> list[pl.Series]:
    series = pl.Series("c", ["pad", *values], dtype=pl.String)
    return [pl.Series("c", values, dtype=pl.String), series.slice(1)]


@PROPS
@given(_VALUES)
def test_trim_matches_strip_chars(values: list[str | None]) -> None:
    for s in _both_layouts(values):
        stripped = s.str.strip_chars()
        want = pl.select(pl.when(stripped.str.len_bytes() > 0).then(stripped)).to_series()
        assert trim(s).to_list() == want.to_list()


@PROPS
@given(_VALUES)
def test_full_width_and_replacement_rows_match_regex(values: list[str | None]) -> None:
    for s in _both_layouts(values):
        wide = s.str.contains("[\uff00-\uff7f\u3000]").fill_null(False)
        assert _kernels.full_width_rows(s).tolist() == wide.arg_true().to_list()
        folded = pl.select(pl.when(wide).then(s.str.normalize("NFKC")).otherwise(s)).to_series()
        assert fold_width(s).to_list() == folded.to_list()
        bad = s.str.contains("\ufffd", literal=True).fill_null(False)
        assert _kernels.replacement_char_rows(s).to_list() == bad.to_list()


@PROPS
@given(_VALUES)
def test_unclean_code_rows_match_regex(values: list[str | None]) -> None:
    for s in _both_layouts(values):
        rows, empty = _kernels.unclean_code_rows(s)
        assert rows.tolist() == s.str.contains("[^0-9A-Z*]").fill_null(False).arg_true().to_list()
        assert empty.tolist() == (s == "").fill_null(False).arg_true().to_list()


_DATE_TEXT = st.builds(
    lambda y, m, d, layout: layout.format(y=y, m=m, d=d),
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(
        ["{y:04d}-{m:02d}-{d:02d}", "{y:04d}{m:02d}{d:02d}", "{y:04d}年{m:02d}月{d:02d}日"]
    ),
)


@PROPS
@given(st.lists(st.one_of(st.none(), _DATE_TEXT, st.text("0123456789-年月日", max_size=11))))
def test_date_kernel_matches_polars_parsing(values: list[str | None]) -> None:
    for s in _both_layouts(values):
        compact = s.str.contains(r"^\d{8}$").fill_null(False)
        dashed = s.str.strip_suffix("日").str.replace_all("[年月]", "-")
        want = pl.select(
            pl.when(compact)
            .then(s.str.to_date("%Y%m%d", strict=False))
            .otherwise(dashed.str.to_date("%Y-%m-%d", strict=False))
        ).to_series()
        # As day numbers: Python's date has no year 0.
        assert parse_dates(s).cast(pl.Int32).to_list() == want.cast(pl.Int32).to_list()
