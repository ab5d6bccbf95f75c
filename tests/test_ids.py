"""Tests for credit_ledger.ids: real published codes, python-stdnum as an oracle, and
property tests that the expressions (and the kernel behind them) agree with the plain-Python
reference formulas of ``tests/ids_reference.py``."""

from __future__ import annotations

import datetime as dt
import doctest
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from credit_ledger import ids
from tests import ids_reference as ref

# database=None: no .hypothesis/ directory in the source tree.
PROPS = settings(max_examples=30, deadline=None, database=None)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REAL_USCC = [
    line.strip()
    for line in (Path(__file__).parent / "data" / "uscc_real.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
# python-stdnum's tests/test_cn_ric.doctest and docs/domain.md §1.2. The last number has an unknown
# region, but its checksum and date are valid. We do not check regions.
REAL_RIC = [
    "360426199101010071",
    "44011320141005001X",
    "412723199010050012",
    "110102199101010078",
    "120110198012010073",
    "120110199212010072",
    "990426199112010074",
]


def run_raw(
    expr_fn: Callable[..., pl.Expr], values: Sequence[str | None], **kwargs: Any
) -> list[Any]:
    """Apply an expression to a String column holding ``values`` as they are."""
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(expr_fn(pl.col("v"), **kwargs))["v"].to_list()


def run(expr_fn: Callable[..., pl.Expr], values: Sequence[str | None], **kwargs: Any) -> list[Any]:
    """Apply an expression to ``values`` after :func:`ids.normalize_code_expr`."""
    return run_raw(lambda e, **kw: expr_fn(ids.normalize_code_expr(e), **kw), values, **kwargs)


# ------------------------------------------------------------------ scalar reference formulas
def test_weights_are_the_powers_the_kernels_rely_on() -> None:
    assert list(ids._USCC_WEIGHTS) == [pow(3, i, 31) for i in range(17)]
    assert list(ids._ORG_WEIGHTS) == [pow(2, 8 - i, 11) for i in range(8)]
    assert list(ids._RIC_WEIGHTS) == [pow(2, 17 - i, 11) for i in range(17)]
    assert (21 * 3) % 31 == 1
    assert 35 % 11 == 2
    assert 13 % 11 == 2


def test_worked_examples_from_domain() -> None:
    assert ids.uscc_check_char("91110000600037341") == "L"
    assert ids.uscc_check_char("11140800558745220") == "K"
    assert ids.org_code_check_char("60003734") == "1"
    assert ids.org_code_check_char("MA2PBM9H") == "X"
    assert ids.ric_check_char("36042619910101007") == "1"
    assert ids.ric_check_char("44011320141005001") == "X"


@pytest.mark.parametrize(
    ("fn", "bad"),
    [
        (ids.uscc_check_char, "9111000060003734"),
        (ids.uscc_check_char, "9111000060003734I"),
        (ids.org_code_check_char, "6000373"),
        (ids.org_code_check_char, "6000373*"),
        (ids.ric_check_char, "3604261991010100X"),
    ],
)
def test_check_char_helpers_reject_bad_input(fn: Callable[[str], str], bad: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        fn(bad)


def test_unknown_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="level"):
        ids.uscc_expr(pl.col("c"), "loose")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level"):
        ids.uscc_is_valid("91110000600037341L", "loose")  # type: ignore[arg-type]


# ------------------------------------------------------------------ real codes
def test_real_usccs_valid_at_every_level() -> None:
    assert len(REAL_USCC) > 350
    for level in ("format", "checksum", "strict"):
        assert all(run(ids.uscc_expr, REAL_USCC, level=level)), level
        assert all(ids.uscc_is_valid(c, level) for c in REAL_USCC), level
    assert all(stdnum_uscc.is_valid(c) for c in REAL_USCC)
    # Positions 9-17 of a real USCC are a real organisation code.
    orgs = [c[8:17] for c in REAL_USCC]
    assert all(run(ids.org_code_expr, orgs))
    assert all(ids.org_code_is_valid(o) for o in orgs)
    assert not any(run(ids.uscc_masked_expr, REAL_USCC))


@pytest.mark.parametrize(
    ("code", "fmt", "checksum", "strict"),
    [
        ("91110000600037341L", True, True, True),
        ("12345", False, False, False),
        ("9111000060003IOZSV", False, False, False),
        ("91110000600037341N", True, False, False),
        ("123456789012345678", True, True, False),
        ("01110000600037341L", False, False, False),  # pos 1 '0' is not an authority
        ("9A110000600037341L", False, False, False),  # pos 2 must be a digit
        ("91110000600037341L0", False, False, False),
        ("91110000600037341O", False, False, False),
    ],
)
def test_uscc_levels(code: str, fmt: bool, checksum: bool, strict: bool) -> None:
    for level, want in (("format", fmt), ("checksum", checksum), ("strict", strict)):
        assert run(ids.uscc_expr, [code], level=level) == [want], level
        assert ids.uscc_is_valid(code, level) is want, level


@pytest.mark.parametrize("authority", ["A1", "N1", "N3", "Y1"])
def test_letter_authorities_accepted_unlike_stdnum(authority: str) -> None:
    body = "60003734"
    first17 = authority + "110000" + body + ids.org_code_check_char(body)
    code = first17 + ids.uscc_check_char(first17)
    assert run(ids.uscc_expr, [code]) == [True]
    assert ids.uscc_is_valid(code)
    assert not stdnum_uscc.is_valid(code)  # the deliberate difference (docs/domain.md §1.1)
    assert not ids.uscc_is_valid("A1110000600037341L")  # the stdnum vector: wrong check char


def test_normalisation_of_messy_input() -> None:
    messy = [
        "91110000600037341l",
        " 91 110000 600037341L ",
        "９１１１００００６０００３７３４１Ｌ",
        "911100-006000-37341L",
        "\ufeff91110000\u3000600037341L\t",
    ]
    assert all(ids.uscc_is_valid(m) for m in messy)
    assert run(ids.uscc_expr, messy) == [True] * len(messy)
    assert run_raw(ids.uscc_expr, messy) == [False] * len(messy)  # expressions do not normalise
    assert run_raw(ids.normalize_code_expr, ["", "  - ", None, "ａｂ-c"]) == [
        None,
        None,
        None,
        "ABC",
    ]


def test_nulls_propagate() -> None:
    exprs = [
        ids.uscc_expr,
        ids.uscc_masked_expr,
        ids.org_code_expr,
        ids.ric_expr,
        ids.case_no_expr,
        ids.execution_case_no_expr,
        ids.region_code_expr,
        ids.subject_kind_expr,
        ids.normalize_code_expr,
    ]
    for fn in exprs:
        assert run_raw(fn, [None, "x"])[0] is None, fn.__name__
    for level in ("format", "checksum"):
        assert run_raw(ids.uscc_expr, [None], level=level) == [None]
    assert run_raw(ids.ric_expr, [None], allow_masked=False) == [None]


def test_output_keeps_the_input_name() -> None:
    frame = pl.DataFrame({"code": ["91110000600037341L"]})
    assert frame.select(ids.uscc_expr(pl.col("code"))).columns == ["code"]
    assert frame.select(ids.subject_kind_expr(pl.col("code"))).columns == ["code"]


def test_lazy_frame_with_several_checks() -> None:
    code = ids.normalize_code_expr(pl.col("raw"))
    out = (
        pl.LazyFrame({"raw": ["91110000600037341L", "3423011964****3224", "55269853-1", None]})
        .with_columns(
            uscc=ids.uscc_expr(code),
            ric=ids.ric_expr(code),
            org=ids.org_code_expr(code),
            kind=ids.subject_kind_expr(code),
        )
        .collect()
    )
    assert out["uscc"].to_list() == [True, False, False, None]
    assert out["ric"].to_list() == [False, True, False, None]
    assert out["org"].to_list() == [False, False, True, None]  # a real hyphenated code (§8)
    assert out["kind"].to_list() == ["enterprise", "natural_person", "other", None]


# ------------------------------------------------------------------ masked codes
def test_masked_uscc() -> None:
    good = ["9114082306****333G", "9141042155****5884", "91110000*00037341L", "91110000********1L"]
    bad = [
        "91110000600037341L",  # unmasked
        "911400****06333G33",  # stars in positions 7-8
        "91140823*********G",  # all nine of positions 9-17
        "9114082306**3**33G",  # two runs
        "9114082306****333*",  # check character masked
        "9114082306****333",  # 17 characters
        "9114082306****33IG",  # I is not a USCC character
    ]
    assert run(ids.uscc_masked_expr, good) == [True] * len(good)
    assert run(ids.uscc_masked_expr, bad) == [False] * len(bad)
    assert run(ids.uscc_expr, good, level="format") == [False] * len(good)


def test_masked_ric() -> None:
    good = ["3423011964****3224", "342301**********24", "34230119********2X", "3423012*********24"]
    bad = [
        "3423011864****3224",  # year 18xx
        "342301*964****3224",  # two runs
        "34230*1964*****224",  # region masked
        "3423011964****322*",  # last character masked
        "3423013***********4",  # 19 characters
        "3423011964****322A",
    ]
    assert run(ids.ric_expr, good) == [True] * len(good)
    assert all(ids.ric_is_valid(g) for g in good)
    assert run(ids.ric_expr, good, allow_masked=False) == [False] * len(good)
    assert run(ids.ric_expr, bad) == [False] * len(bad)
    assert not any(ids.ric_is_valid(b) for b in bad)


# ------------------------------------------------------------------ resident ID numbers
def test_real_rics() -> None:
    assert run(ids.ric_expr, REAL_RIC, allow_masked=False) == [True] * len(REAL_RIC)
    assert all(ids.ric_is_valid(n) for n in REAL_RIC)
    assert run(ids.ric_expr, ["44011320141005001x"]) == [True]


@pytest.mark.parametrize(
    "number",
    [
        "T60426199101010078",  # format
        "360426199113010079",  # month 13
        "360426199102300071",  # 30 February
        "36042619910102009X",  # checksum
        "360426189101010071",  # year 1891 is outside 1900-2099
        "36042619910101007",
        "",
    ],
)
def test_invalid_rics(number: str) -> None:
    assert run(ids.ric_expr, [number]) == [None if number == "" else False]
    assert not ids.ric_is_valid(number)


# ------------------------------------------------------------------ case numbers, regions
GOOD_CASES = [
    "(2019)皖1122执1194号",
    "（2023）冀0105执恢1977号",
    "〔2015〕京0108执123号",
    "[2024]冀01执保5号",
    "(2019)最高法执监12号",
    "(2021)黔0502执1234号",
]
NON_EXECUTION_CASES = ["(2019)皖1122民初1103号", "(1990)兵0101刑终1号"]
BAD_CASES = [
    "(1989)京0108执1号",
    "(2019)京0108执1",
    "(2019)京0108执号",
    "2019京0108执1号",
    "(2019)X0108执1号",
    "(2019)京010执1号",
    "(2019)京0108执恢保监复1号",  # type code longer than 4
    "(19)京0108执1号",
]


def test_case_numbers() -> None:
    assert run(ids.case_no_expr, GOOD_CASES + NON_EXECUTION_CASES) == [True] * 8
    assert run(ids.execution_case_no_expr, GOOD_CASES) == [True] * 6
    assert run(ids.execution_case_no_expr, NON_EXECUTION_CASES) == [False] * 2
    assert run(ids.case_no_expr, BAD_CASES) == [False] * len(BAD_CASES)
    assert all(ids.case_no_is_valid(c) for c in GOOD_CASES + NON_EXECUTION_CASES)
    assert not any(ids.case_no_is_valid(c) for c in BAD_CASES)
    assert ids.case_no_is_valid(" （２０２３）冀０１０５执恢１９７７号 ")


def test_region_codes() -> None:
    good = ["130105", "110000", "100000", "820000", "710000", "654301"]
    bad = ["990105", "160105", "13010", "1301050", "13010A", "000000", "200000"]
    assert run(ids.region_code_expr, good) == [True] * len(good)
    assert run(ids.region_code_expr, bad) == [False] * len(bad)


# ------------------------------------------------------------------ subject kind
@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("91110000600037341L", "enterprise"),
        ("11140800558745220K", "government_organ"),
        ("12100000470095016Q", "public_institution"),
        ("51310110501144395U", "social_organization"),
        ("53100000500019795A", "social_organization"),
        ("92340602MA2PBQAH7E", "individual_business"),
        ("9114082306****333G", "enterprise"),
        ("360426199101010071", "natural_person"),
        ("44011320141005001X", "natural_person"),
        ("110102199101010078", "natural_person"),  # a Beijing ID, not a government organ
        ("110102199101010079", "natural_person"),  # wrong ID checksum, still ID-shaped
        ("1101021991****0078", "natural_person"),
        ("3423011964****3224", "natural_person"),
        ("123456789012345678", "public_institution"),  # USCC-shaped, map by prefix
        ("81110000600037341L", "other"),
        ("600037341", "other"),
        ("hello", "other"),
    ],
)
def test_subject_kind(code: str, kind: str) -> None:
    assert ids.subject_kind(code) == kind
    assert run(ids.subject_kind_expr, [code]) == [kind]


def test_subject_kind_collective_prefix() -> None:
    first17 = "N2130105" + "60003734" + ids.org_code_check_char("60003734")
    code = first17 + ids.uscc_check_char(first17)
    assert ids.subject_kind(code) == "collective_economic_org"
    assert run(ids.subject_kind_expr, [code]) == ["collective_economic_org"]


# ------------------------------------------------------------------ properties
NOISY = ALPHABET + "IOZSVxa*-  \u3000０９Ｌｘ"
uscc_chars = st.sampled_from(ALPHABET)


@st.composite
def uscc_like(draw: st.DrawFn) -> str:
    """USCC-shaped strings: right check characters most of the time, sometimes wrong or masked."""
    head = draw(st.sampled_from("123456789ANY0")) + draw(
        st.text("0123456789", min_size=7, max_size=7)
    )
    body = draw(st.text(uscc_chars, min_size=8, max_size=8))
    org = body + (ids.org_code_check_char(body) if draw(st.booleans()) else draw(uscc_chars))
    first17 = head + org
    valid = draw(st.integers(0, 3)) > 0
    code = first17 + (ids.uscc_check_char(first17) if valid else draw(uscc_chars))
    if draw(st.integers(0, 5)) == 0:
        start = draw(st.integers(8, 16))
        stop = draw(st.integers(start + 1, 17))
        code = code[:start] + "*" * (stop - start) + code[stop:]
    return code


@st.composite
def ric_like(draw: st.DrawFn) -> str:
    digits = draw(st.text("0123456789", min_size=6, max_size=6))
    born = draw(st.dates(min_value=dt.date(1880, 1, 1), max_value=dt.date(2110, 12, 31)))
    first17 = digits + born.strftime("%Y%m%d") + draw(st.text("0123456789", min_size=3, max_size=3))
    check = (
        ids.ric_check_char(first17) if draw(st.booleans()) else draw(st.sampled_from("0123456789X"))
    )
    number = first17 + check
    if draw(st.integers(0, 4)) == 0:
        start = draw(st.integers(6, 16))
        stop = draw(st.integers(start + 1, 17))
        number = number[:start] + "*" * (stop - start) + number[stop:]
    return number


codes = st.one_of(uscc_like(), ric_like(), st.text(NOISY, max_size=20))


@PROPS
@given(st.lists(codes, min_size=1, max_size=40))
def test_expressions_agree_with_scalars(values: list[str]) -> None:
    frame = pl.DataFrame({"v": values, "o": [v[8:17] for v in values]})
    code, org = ids.normalize_code_expr(pl.col("v")), ids.normalize_code_expr(pl.col("o"))
    got = frame.select(
        code.alias("normalised"),
        ids.uscc_expr(code, "format").alias("format"),
        ids.uscc_expr(code, "checksum").alias("checksum"),
        ids.uscc_expr(code, "strict").alias("strict"),
        ids.ric_expr(code).alias("ric"),
        ids.ric_expr(code, allow_masked=False).alias("ric_unmasked"),
        ids.org_code_expr(org).alias("org"),
        ids.subject_kind_expr(code).alias("kind"),
    ).to_dict(as_series=False)

    def want(check: Callable[[str], object], raw: list[str] = values) -> list[object]:
        return [check(ids._normalize(v)) if ids._normalize(v) else None for v in raw]

    assert got["normalised"] == want(lambda v: v)
    for level in ("format", "checksum", "strict"):
        assert got[level] == want(lambda v, lv=level: ref.uscc_valid(v, lv)), level
    assert got["ric"] == want(ref.ric_valid)
    assert got["ric_unmasked"] == want(ref.ric_unmasked_valid)
    assert got["org"] == want(ref.org_valid, [v[8:17] for v in values])
    assert got["kind"] == want(ref.subject_kind)
    # The scalar API evaluates the same expressions.
    assert [ids.uscc_is_valid(v) for v in values] == [bool(w) for w in want(ref.uscc_valid)]
    assert [ids.ric_is_valid(v) for v in values] == [bool(w) for w in want(ref.ric_valid)]
    assert [ids.subject_kind(v) for v in values] == [w or "other" for w in want(ref.subject_kind)]


@PROPS
@given(st.lists(uscc_like(), min_size=1, max_size=40))
def test_checksum_level_agrees_with_stdnum(values: list[str]) -> None:
    digit_first = [v for v in values if v[0] in "123456789" and "*" not in v]
    got = run(ids.uscc_expr, digit_first, level="checksum")
    assert got == [stdnum_uscc.is_valid(v) for v in digit_first]
    assert [ref.uscc_valid(v, "checksum") for v in digit_first] == got


def stdnum_ric_valid(number: str) -> bool:
    try:
        return bool(stdnum_ric.is_valid(number))
    except KeyError:  # stdnum 2.2 fails on region codes that name no county, e.g. 110001
        return False


@PROPS
@given(st.lists(ric_like(), min_size=1, max_size=40))
def test_ric_checksum_agrees_with_stdnum(values: list[str]) -> None:
    unmasked = [v for v in values if "*" not in v]
    for v in unmasked:
        assert (ids.ric_check_char(v[:17]) == v[17]) is (stdnum_ric.calc_check_digit(v) == v[17])
        assert ref.ric_check(v[:17]) == stdnum_ric.calc_check_digit(v)
    # stdnum also checks the region, so it accepts fewer numbers than we do, never more.
    got = run(ids.ric_expr, unmasked, allow_masked=False)
    for v, ok in zip(unmasked, got, strict=True):
        if not ok:
            assert not stdnum_ric_valid(v) or not 1900 <= int(v[6:10]) <= 2099, v


@PROPS
@given(st.text(ALPHABET, min_size=9, max_size=9))
def test_org_code_identity_in_plain_integers(org: str) -> None:
    """The base-35 identity behind the organisation-code expression, checked without Polars."""
    lat = [int(c, 36) for c in org]
    weighted = sum(lat[i] * w for i, w in enumerate(ids._ORG_WEIGHTS))
    check = 10 if org[8] == "X" else lat[8]
    assert ((weighted + check) % 11 == 0) is ((int(org, 35) + 10 * (org[8] == "X")) % 11 == 0)


def test_docstring_examples() -> None:
    result = doctest.testmod(ids, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 15
    assert result.failed == 0


# ------------------------------------------------------------------ shapes of published feeds
def test_real_codes_masked_as_feeds_print_them() -> None:
    # 10 + 4 + 4 (18 characters) and the 19-character style of older feeds, 11 + 4 + 4.
    masked_18 = [c[:10] + "****" + c[14:] for c in REAL_USCC]
    masked_19 = [c[:11] + "****" + c[14:] for c in REAL_USCC]
    for masked in (masked_18, masked_19):
        assert all(run(ids.uscc_masked_expr, masked))
        assert run(ids.id_style_expr, masked) == ["uscc_masked"] * len(masked)
        # the prefix stays visible: the subject kind is the one of the real code
        assert run(ids.subject_kind_expr, masked) == run(ids.uscc_subject_kind_expr, REAL_USCC)
    # 19 characters only as 11 + 4 + 4
    assert not any(run(ids.uscc_masked_expr, [c[:11] + "***" + c[13:] for c in REAL_USCC]))


def test_real_organisation_codes_with_and_without_hyphen() -> None:
    valid = [c for c in REAL_USCC if stdnum_uscc.is_valid(c) and ids.uscc_is_valid(c, "strict")]
    orgs = [c[8:17] for c in valid]
    hyphened = [f"{o[:8]}-{o[8]}".lower() for o in orgs]
    assert all(run(ids.org_code_expr, orgs))
    assert all(run(ids.org_code_expr, hyphened))
    assert run(ids.id_style_expr, hyphened) == ["org_code"] * len(orgs)
    assert all(ids.org_code_is_valid(o) for o in hyphened)
    wrong = [o[:8] + ("0" if o[8] != "0" else "1") for o in orgs]
    assert not any(run(ids.org_code_expr, wrong))


def test_lower_case_check_characters_pass() -> None:
    lower = [c.lower() for c in REAL_USCC if stdnum_uscc.is_valid(c)]
    assert all(run(ids.uscc_expr, lower))
    assert all(run(ids.ric_expr, ["44011320141005001x"]))


def test_ids_masked_to_the_last_character_and_15_digit_numbers() -> None:
    # a masked number shows a real province (99 is none: that number is valid only unmasked)
    last_masked = [r[:14] + "****" for r in REAL_RIC]
    assert run(ids.ric_expr, last_masked) == [not r.startswith("99") for r in REAL_RIC]
    known = [m for m in last_masked if not m.startswith("99")]
    assert run(ids.id_style_expr, known) == ["ric_masked"] * len(known)
    # 15 digits, issued before 1999: region + YYMMDD (19YY) + sequence, no check character
    old = [r[:6] + r[8:17] for r in REAL_RIC if r[6:8] == "19"]
    assert all(run(ids.ric_expr, old))
    assert all(ids.ric_is_valid(n) for n in old)
    assert run(ids.id_style_expr, old) == ["ric15"] * len(old)
    assert run(ids.subject_kind_expr, old) == ["natural_person"] * len(old)
    assert not any(run(ids.ric_expr, ["360426910231007", "36042691010100"]))  # 31 Feb; 14 digits
    assert not any(run(ids.ric_expr, [REAL_RIC[0][:14] + "**"]))  # still 18 characters


@pytest.mark.parametrize(
    ("case_no", "style", "execution"),
    [
        ("(2014)朝执字第05679号", "legacy", True),
        ("（2013）石执字第1号", "legacy", True),
        ("(2015)石新执字第00123号", "legacy", True),
        ("(2015)石新民初字第00123号", "legacy", False),
        ("(2019)皖1122执1194号之一", "2016", True),
        ("【2019】皖1122执1194号", "2016", True),
        ("(2019)皖1122执恢1194号", "2016", True),
        ("(2019)皖1122民初1103号", "2016", False),
        ("(2019)字第1号", None, False),
        ("(1989)朝执字第1号", None, False),
    ],
)
def test_case_number_styles(case_no: str, style: str | None, execution: bool) -> None:
    assert run(ids.case_no_style_expr, [case_no]) == [style]
    assert run(ids.case_no_expr, [case_no]) == [style is not None]
    assert run(ids.execution_case_no_expr, [case_no]) == [execution]
    assert ids.case_no_is_valid(case_no) is (style is not None)
