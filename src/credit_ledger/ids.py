"""Identifier checks for Chinese public credit records (docs/domain.md §1, §2.5, §5, §8).

Each check is a vectorised Polars expression over a String expression already passed through
:func:`normalize_code_expr`; null in, null out. The USCC (GB 32100 + GB 11714) and unmasked
resident-ID (GB 11643) checks run in one fast implementation, the C byte kernel
(:mod:`credit_ledger._kernels`); the plain-Python reference they are tested against lives in the
tests, cross-checked with python-stdnum. The scalar helpers (``uscc_is_valid`` ...) normalise
their input and call the same kernel on a one-element Series (the shapes of masked and
15-digit numbers are the patterns the expressions use); the ``*_check_char`` helpers compute
check characters, to generate codes.

GB 11714 (organisation code, mod 11) runs as a Polars expression: its weights 3,7,9,10,5,8,4,2
are ``2**(8-i)`` and 35 ≡ 2, and base 35 reads A..Y as their Latin values 10-34, which are the
GB 11714 values, so the 9 chars read in base 35 give the weighted sum plus the check value; a
check 'X' (33 ≡ 0) needs +10.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import partial
from typing import Final, Literal

import polars as pl

from credit_ledger import _kernels

__all__ = [
    "case_no_expr",
    "case_no_is_valid",
    "case_no_style_expr",
    "case_no_year_expr",
    "execution_case_no_expr",
    "id_style_expr",
    "normalize_code_expr",
    "org_code_check_char",
    "org_code_expr",
    "org_code_is_valid",
    "region_code_expr",
    "ric_check_char",
    "ric_expr",
    "ric_is_valid",
    "subject_kind",
    "subject_kind_expr",
    "uscc_check_char",
    "uscc_expr",
    "uscc_is_valid",
    "uscc_masked_expr",
    "uscc_subject_kind_expr",
]

_Level = Literal["format", "checksum", "strict"]
_LEVELS: Final = ("format", "checksum", "strict")

# --- reference tables (domain.md §1) -------------------------------------------------------------
_USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)
_RIC_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECKS: Final = "10X98765432"

_KIND_BY_PREFIX: Final = {
    "11": "government_organ",
    "12": "public_institution",
    "13": "mass_organization",
    "91": "enterprise",
    "92": "individual_business",
    "93": "farmer_cooperative",
    **dict.fromkeys(("51", "52", "53"), "social_organization"),
    **dict.fromkeys(("N1", "N2", "N3"), "collective_economic_org"),
}

# --- patterns, shared by Polars (Rust regex, anchored) and Python (re.fullmatch) ---------------
# [0-9] rather than \d: both engines treat \d as any Unicode digit, e.g. Arabic-Indic digits.
_C: Final = "[0-9A-HJ-NPQRTUWXY]"  # one USCC character
_USCC_FORMAT: Final = f"[1-9ANY][0-9]{{7}}{_C}{{10}}"
_USCC_STRICT_FORMAT: Final = f"[1-9ANY][0-9]{{7}}{_C}{{8}}[0-9X]{_C}"  # org check is [0-9X]
# One run of 1..8 stars inside positions 9-17. The length (18) is checked separately.
_USCC_MASKED: Final = rf"[1-9ANY][0-9]{{7}}{_C}*\*{{1,8}}{_C}*{_C}"
# Older feeds print 19 characters: 11 visible, 4 stars, 4 visible (docs/domain.md §8).
_USCC_MASKED_19: Final = rf"[1-9ANY][0-9]{{7}}{_C}{{3}}\*{{4}}{_C}{{4}}"
_ORG_FORMAT: Final = "[0-9A-Z]{8}[0-9X]"
_RIC_FORMAT: Final = "[0-9]{6}(?:19|20)[0-9]{9}[0-9X]"
# Region prefix and last character visible. The birth year (chars 7-10) must be able to lie in
# 1900..2099 given its visible digits. There must be exactly one run of stars (checked separately).
# The province must be a real one: a masked all-digit credit code (9131012035****8598) has the
# same shape, and its prefixes 9x are no province.
_PROVINCE: Final = "(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])"
_RIC_MASKED: Final = _PROVINCE + r"[0-9]{4}(?:19|20|[12]\*|\*[09*])[0-9*]{9}[0-9X*]"
# GB 11643-1989 numbers issued before 1999: region, YYMMDD (19YY), sequence; no check character.
_RIC_15: Final = "[0-9]{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}"
_REGION: Final = _PROVINCE + "[0-9]{4}|100000"
# domain.md §2.5 list plus 黔 and 滇, the other abbreviations of Guizhou and Yunnan (courts use 黔).
_COURT: Final = (
    "(?:最高法|[京津沪渝冀豫云滇辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙内陕吉闽贵黔粤青藏川宁琼军兵港澳台]"
    "(?:[0-9]{2}|[0-9]{4})?)"
)
_YEAR_IN: Final = r"[(（〔\[【](?:199[0-9]|20[0-9]{2})[)）〕\]】]"
_CASE_HEAD: Final = _YEAR_IN + _COURT
_HAN: Final = "[\u4e00-\u9fff]"
_PART: Final = "(?:之[一二三四五六七八九十]+)?"  # 之一, 之二: a later part of the same case
_CASE_NO: Final = f"{_CASE_HEAD}{_HAN}{{1,4}}[0-9]+号{_PART}"
_EXEC_CASE_NO: Final = f"{_CASE_HEAD}执{_HAN}{{0,3}}[0-9]+号{_PART}"
# Before 2016: court abbreviation in Han characters (石, 朝, 石新), type code ending in 字, 第.
_LEGACY_CASE_NO: Final = f"{_YEAR_IN}{_HAN}[\u4e00-\u9fff0-9]{{0,11}}字第?[0-9]+号{_PART}"
_LEGACY_EXEC_CASE_NO: Final = (
    f"{_YEAR_IN}{_HAN}[\u4e00-\u9fff0-9]{{0,10}}执[恢保异复监协他]?字第?[0-9]+号{_PART}"
)
_NOISE: Final = f"[{re.escape(_kernels.NOISE_CHARS)}]"
_NOISE_RE: Final = re.compile(_NOISE)


# ============================================================ expressions
def _anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _named_like(code: pl.Expr, out: pl.Expr) -> pl.Expr:
    """Name the result after its input, as Polars' own string methods do."""
    name = code.meta.output_name(raise_if_undetermined=False)
    return out if name is None else out.alias(name)


def _null_if_null(code: pl.Expr, out: pl.Expr) -> pl.Expr:
    # `is_not_null()` inside a kernel answers False for a null input, and Kleene `&` then gives
    # False. This restores "null in, null out".
    return _named_like(code, pl.when(code.is_not_null()).then(out))


def _org_checksum(org: pl.Expr, *, may_contain_z: bool) -> pl.Expr:
    """GB 11714 check character, for 9 characters already in organisation-code format."""
    # Z (35) is not a base-35 digit. It only occurs in stand-alone codes, and 35 ≡ 2 (mod 11).
    digits = org.str.replace_all("Z", "2", literal=True) if may_contain_z else org
    value = digits.str.to_integer(base=35, strict=False)
    return (value + 10 * org.str.ends_with("X").cast(pl.Int64)) % 11 == 0


def _ric_full(number: pl.Expr) -> pl.Expr:
    return number.map_batches(_kernels.ric_valid, return_dtype=pl.Boolean, is_elementwise=True)


def _ric_masked(number: pl.Expr) -> pl.Expr:
    return number.str.contains(_anchored(_RIC_MASKED)) & (number.str.count_matches(r"\*+") == 1)


def _uscc_masked(code: pl.Expr) -> pl.Expr:
    return (code.str.contains(_anchored(_USCC_MASKED)) & (code.str.len_bytes() == 18)) | (
        code.str.contains(_anchored(_USCC_MASKED_19))
    )


def uscc_expr(code: pl.Expr, level: _Level = "strict") -> pl.Expr:
    """Check a Unified Social Credit Code (GB 32100-2015, docs/domain.md §1.1).

    Unlike python-stdnum, it accepts authorities A, N and Y in position 1. The region (positions
    3-8) is not looked up, so the national code 100000 passes.

    Args:
        code: Normalised String expression.
        level: ``"format"``: length 18, charset, ``[1-9ANY]`` then 7 digits. ``"checksum"``: also
            the GB 32100 check character. ``"strict"``: also the GB 11714 check (positions 9-17).

    Example:
        >>> df = pl.DataFrame({"c": ["91110000600037341L", "91110000600037341N", None]})
        >>> df.select(uscc_expr(pl.col("c")))["c"].to_list()
        [True, False, None]
    """
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}, got {level!r}")
    out = code.map_batches(
        partial(_kernels.uscc_valid, level=level), return_dtype=pl.Boolean, is_elementwise=True
    )
    return _named_like(code, out)


def uscc_masked_expr(code: pl.Expr) -> pl.Expr:
    """Recognise a masked USCC such as ``9114082306****333G`` (docs/domain.md §8).

    18 characters, one run of 1-8 ``*`` inside positions 9-17, valid positions 1-8, visible
    characters in the USCC charset; or the 19-character style of older feeds, 11 visible, 4
    ``*``, 4 visible (``91230199744****927K``). Check characters are never tested. Unmasked
    codes give False.

    Example:
        >>> df = pl.DataFrame({"c": ["9114082306****333G", "91110000600037341L"]})
        >>> df.select(uscc_masked_expr(pl.col("c")))["c"].to_list()
        [True, False]
    """
    return _named_like(code, _uscc_masked(code))


def org_code_expr(code: pl.Expr) -> pl.Expr:
    """Check a 9-character GB 11714 organisation code (hyphen already removed).

    Example:
        >>> df = pl.DataFrame({"c": ["600037341", "600037342", "MA2PBM9HX"]})
        >>> df.select(org_code_expr(pl.col("c")))["c"].to_list()
        [True, False, True]
    """
    out = code.str.contains(_anchored(_ORG_FORMAT)) & _org_checksum(code, may_contain_z=True)
    return _named_like(code, out)


def ric_expr(number: pl.Expr, *, allow_masked: bool = True) -> pl.Expr:
    """Check a GB 11643 resident ID number (docs/domain.md §1.2).

    Unmasked: 17 digits plus a digit or 'X', a real birth date in 1900-2099, ISO 7064 MOD 11-2.
    With ``allow_masked``, the forms published lists print also pass: a masked number such as
    ``3423011964****3224`` or ``342301196401******`` when its visible parts fit (6-digit region,
    a birth year that can lie in 1900-2099; its checksum is never tested), and a 15-digit number
    issued before 1999 (region, ``YYMMDD``, sequence; it has no check character).

    Example:
        >>> n = pl.Series("n", ["360426199101010071", "3423011964****3224", "360426199101010072"])
        >>> n.to_frame().select(ric_expr(pl.col("n")))["n"].to_list()
        [True, True, False]
    """
    if not allow_masked:
        return _null_if_null(number, _ric_full(number))
    out = number.map_batches(_ric_any, return_dtype=pl.Boolean, is_elementwise=True)
    return _named_like(number, out)


def _ric_any(series: pl.Series) -> pl.Series:
    # The masked-number patterns run only over the few values holding a '*'.
    valid = _kernels.ric_valid(series)
    other = (
        (series.str.contains("*", literal=True) | (series.str.len_bytes() == 15)) & ~valid
    ).fill_null(False)
    starred = other.arg_true()
    if len(starred) == 0:
        return valid
    rest = pl.lit(series.gather(starred))
    masked = pl.select(_ric_masked(rest) | _ric_15(rest)).to_series()
    return valid.scatter(starred, masked)


def _ric_15(number: pl.Expr) -> pl.Expr:
    birth = ("19" + number.str.slice(6, 6)).str.to_date("%Y%m%d", strict=False, cache=False)
    return number.str.contains(_anchored(_RIC_15)) & birth.is_not_null()


def case_no_expr(case_no: pl.Expr) -> pl.Expr:
    """Check a court case number (案号) against the permissive pattern of docs/domain.md §2.5.

    Brackets may be ASCII, full-width ``（）``, ``〔〕``, ``【】`` or ``[]``. The year must be
    1990-2099. The style of 2016 (``(2019)皖1122执1194号``) and the style before it
    (``(2014)朝执字第05679号``) pass, with a part suffix ``之一``, ``之二`` … (docs/domain.md §2.5).

    Example:
        >>> a = ["(2019)皖1122执1194号", "(2019)皖1122执1194", "(2013)石执字第1号"]
        >>> df = pl.DataFrame({"a": a})
        >>> df.select(case_no_expr(pl.col("a")))["a"].to_list()
        [True, False, True]
    """
    out = case_no.str.contains(_anchored(f"{_CASE_NO}|{_LEGACY_CASE_NO}"))
    return _named_like(case_no, out)


def case_no_style_expr(case_no: pl.Expr) -> pl.Expr:
    """The style of a case number: ``"2016"`` (法〔2015〕137号), ``"legacy"`` (before 2016), or
    null when it is neither.

    Example:
        >>> df = pl.DataFrame({"a": ["(2019)皖1122执1194号", "(2015)石新执字第00123号", "x"]})
        >>> df.select(case_no_style_expr(pl.col("a")))["a"].to_list()
        ['2016', 'legacy', None]
    """
    out = (
        pl.when(case_no.str.contains(_anchored(_CASE_NO)))
        .then(pl.lit("2016"))
        .when(case_no.str.contains(_anchored(_LEGACY_CASE_NO)))
        .then(pl.lit("legacy"))
    )
    return _named_like(case_no, out)


def case_no_year_expr(case_no: pl.Expr) -> pl.Expr:
    """The filing year (收案年度) at the head of a case number, null when there is none.

    Example:
        >>> df = pl.DataFrame({"a": ["【2019】皖1122执1194号", "x"]})
        >>> df.select(case_no_year_expr(pl.col("a")))["a"].to_list()
        [2019, None]
    """
    year = case_no.str.extract(r"^[(（〔\[【]([0-9]{4})[)）〕\]】]", 1).cast(pl.Int32, strict=False)
    return _named_like(case_no, year)


def execution_case_no_expr(case_no: pl.Expr) -> pl.Expr:
    """Check a case number whose type code starts with 执 (an enforcement case: 执, 执恢, 执保,
    执异, 执复, 执监, 执协, ...), in the style of 2016 or the one before (``执字``).

    Example:
        >>> df = pl.DataFrame({"a": ["（2023）冀0105执恢1977号", "(2019)皖1122民初1103号"]})
        >>> df.select(execution_case_no_expr(pl.col("a")))["a"].to_list()
        [True, False]
    """
    out = case_no.str.contains(_anchored(f"{_EXEC_CASE_NO}|{_LEGACY_EXEC_CASE_NO}"))
    return _named_like(case_no, out)


def region_code_expr(code: pl.Expr) -> pl.Expr:
    """Check a 6-digit GB/T 2260 region code: known province prefix, or ``100000`` (domain.md §5).

    Example:
        >>> df = pl.DataFrame({"r": ["130105", "100000", "990105"]})
        >>> df.select(region_code_expr(pl.col("r")))["r"].to_list()
        [True, True, False]
    """
    return _named_like(code, code.str.contains(_anchored(_REGION)))


def uscc_subject_kind_expr(code: pl.Expr) -> pl.Expr:
    """Subject kind of a column known to hold credit codes: by the first two characters.

    Example:
        >>> c = pl.Series("c", ["11140800558745220K", "91110000600037341L", None])
        >>> c.to_frame().select(uscc_subject_kind_expr(pl.col("c")))["c"].to_list()
        ['government_organ', 'enterprise', None]
    """
    out = code.str.head(2).replace_strict(_KIND_BY_PREFIX, default="other", return_dtype=pl.String)
    return _null_if_null(code, out)


def subject_kind_expr(code: pl.Expr) -> pl.Expr:
    """Derive the subject kind from a USCC or ID number (docs/domain.md §1.1).

    An all-digit ID number is also USCC-shaped, so the rules apply in order: (1) a valid ID
    number gives ``natural_person``; (2) a strict-valid USCC maps by its first two characters
    (``11`` gives ``government_organ``; unknown prefixes give ``other``); (3) an ID-shaped value
    (real birth date, any check digit) or a masked ID number gives ``natural_person``; (4) a
    USCC-shaped or masked USCC maps by prefix; (5) anything else gives ``other``.

    Example:
        >>> c = pl.Series("c", ["11140800558745220K", "110101199003074477", "9114082306****333G"])
        >>> c.to_frame().select(subject_kind_expr(pl.col("c")))["c"].to_list()
        ['government_organ', 'natural_person', 'enterprise']
    """
    by_prefix = code.str.head(2).replace_strict(
        _KIND_BY_PREFIX, default="other", return_dtype=pl.String
    )
    birth_ok = code.str.slice(6, 8).str.to_date("%Y%m%d", strict=False, cache=False).is_not_null()
    ric_like = (
        (code.str.contains(_anchored(_RIC_FORMAT)) & birth_ok) | _ric_masked(code) | _ric_15(code)
    )
    person = pl.lit("natural_person")
    out = (
        pl.when(_ric_full(code))
        .then(person)
        .when(uscc_expr(code, "strict"))
        .then(by_prefix)
        .when(ric_like)
        .then(person)
        .when(code.str.contains(_anchored(_USCC_FORMAT)) | _uscc_masked(code))
        .then(by_prefix)
        .otherwise(pl.lit("other"))
    )
    return _null_if_null(code, out)


def id_style_expr(code: pl.Expr) -> pl.Expr:
    """What a subject's identifier is, as published lists print it: ``uscc``, ``uscc_masked``,
    ``org_code`` (9-character GB 11714 code), ``ric``, ``ric_masked``, ``ric15`` (issued
    before 1999), or null when it is none of them.

    Example:
        >>> c = pl.Series("c", ["91230199744****927K", "552698531", "110101800101001"])
        >>> c.to_frame().select(id_style_expr(pl.col("c")))["c"].to_list()
        ['uscc_masked', 'org_code', 'ric15']
    """
    out = (
        pl.when(_ric_full(code))
        .then(pl.lit("ric"))
        .when(uscc_expr(code, "strict"))
        .then(pl.lit("uscc"))
        .when(_ric_masked(code))
        .then(pl.lit("ric_masked"))
        .when(_ric_15(code))
        .then(pl.lit("ric15"))
        .when(_uscc_masked(code))
        .then(pl.lit("uscc_masked"))
        .when(org_code_expr(code))
        .then(pl.lit("org_code"))
    )
    return _null_if_null(code, out)


def normalize_code_expr(expr: pl.Expr) -> pl.Expr:
    """Normalise codes: NFKC (folds full-width), upper-case, drop whitespace and hyphens.

    An empty result becomes null.

    Example:
        >>> df = pl.DataFrame({"c": [" ９１１１ 0000-600037341l", "  "]})
        >>> df.select(normalize_code_expr(pl.col("c")))["c"].to_list()
        ['91110000600037341L', None]
    """
    out = expr.map_batches(_fold_codes, return_dtype=pl.String, is_elementwise=True)
    return _named_like(expr, out)


def _fold_codes(series: pl.Series) -> pl.Series:
    return _kernels.cleaned(series, "code")[0]


# ============================================================ scalar helpers
def _normalize(value: str) -> str:
    return _NOISE_RE.sub("", unicodedata.normalize("NFKC", value).upper())


def _fits(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None  # `re` caches the compiled patterns


def _uscc_kernel(c: str, level: _Level) -> bool:
    """The kernel's USCC check of one normalised value (the pattern first: most values that
    reach a scalar check are no code at all)."""
    return _fits(_USCC_FORMAT, c) and _kernels.uscc_is_valid(c, level)


def _ric_kernel(n: str) -> bool:
    """The kernel's unmasked ID-number check of one normalised value."""
    return _fits(_RIC_FORMAT, n) and _kernels.ric_is_valid(n)


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _is_ric_shaped(n: str) -> bool:
    """ID-number format and a real birth date; the check character is not tested."""
    return _fits(_RIC_FORMAT, n) and _real_date(int(n[6:10]), int(n[10:12]), int(n[12:14]))


def _is_ric_masked(n: str) -> bool:
    return _fits(_RIC_MASKED, n) and len(re.findall(r"\*+", n)) == 1


def _is_ric_15(n: str) -> bool:
    return _fits(_RIC_15, n) and _real_date(1900 + int(n[6:8]), int(n[8:10]), int(n[10:12]))


def uscc_check_char(first17: str) -> str:
    """Compute the GB 32100 check character (position 18) of a USCC.

    Raises:
        ValueError: if ``first17`` is not 17 characters from the USCC charset.

    Example:
        >>> uscc_check_char("91110000600037341")
        'L'
    """
    body = _normalize(first17)
    if len(body) != 17 or any(c not in _USCC_ALPHABET for c in body):
        raise ValueError(f"expected 17 USCC characters, got {first17!r}")
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """Compute the GB 11714 check character of an 8-character organisation-code body.

    Raises:
        ValueError: if ``body8`` is not 8 characters from ``[0-9A-Z]``.

    Example:
        >>> org_code_check_char("60003734"), org_code_check_char("MA2PBM9H")
        ('1', 'X')
    """
    body = _normalize(body8)
    if re.fullmatch("[0-9A-Z]{8}", body) is None:
        raise ValueError(f"expected 8 characters from [0-9A-Z], got {body8!r}")
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def ric_check_char(first17: str) -> str:
    """Compute the ISO 7064 MOD 11-2 check character of a resident ID number.

    Raises:
        ValueError: if ``first17`` is not 17 ASCII digits.

    Example:
        >>> ric_check_char("36042619910101007")
        '1'
    """
    body = _normalize(first17)
    if re.fullmatch("[0-9]{17}", body) is None:
        raise ValueError(f"expected 17 digits, got {first17!r}")
    return _RIC_CHECKS[sum(int(c) * w for c, w in zip(body, _RIC_WEIGHTS, strict=True)) % 11]


def uscc_is_valid(code: str, level: _Level = "strict") -> bool:
    """Scalar counterpart of :func:`uscc_expr`. The input is normalised first.

    Example:
        >>> uscc_is_valid("91110000600037341l"), uscc_is_valid("123456789012345678", "checksum")
        (True, True)
        >>> uscc_is_valid("123456789012345678")
        False
    """
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}, got {level!r}")
    return _uscc_kernel(_normalize(code), level)


def org_code_is_valid(code: str) -> bool:
    """Scalar counterpart of :func:`org_code_expr`. Also accepts the hyphenated form.

    Example:
        >>> org_code_is_valid("60003734-1"), org_code_is_valid("60003734-2")
        (True, False)
    """
    c = _normalize(code)
    return bool(_fits(_ORG_FORMAT, c) and pl.select(org_code_expr(pl.lit(c))).item())


def ric_is_valid(number: str) -> bool:
    """Scalar counterpart of ``ric_expr(allow_masked=True)``.

    Example:
        >>> ric_is_valid("44011320141005001x"), ric_is_valid("3423011964****3224")
        (True, True)
    """
    n = _normalize(number)
    return _is_ric_masked(n) or _is_ric_15(n) or _ric_kernel(n)


def case_no_is_valid(s: str) -> bool:
    """Scalar counterpart of :func:`case_no_expr`. The input is normalised first.

    Example:
        >>> case_no_is_valid("〔2015〕京0108执123号"), case_no_is_valid("(1989)京0108执1号")
        (True, False)
    """
    n = _normalize(s)
    return _fits(_CASE_NO, n) or _fits(_LEGACY_CASE_NO, n)


def subject_kind(code: str) -> str:
    """Scalar counterpart of :func:`subject_kind_expr`. An empty input gives ``"other"``.

    Example:
        >>> subject_kind("12100000470095016Q"), subject_kind("3423011964****3224")
        ('public_institution', 'natural_person')
    """
    c = _normalize(code)
    by_prefix = _KIND_BY_PREFIX.get(c[:2], "other")
    if _ric_kernel(c):
        return "natural_person"
    if _uscc_kernel(c, "strict"):
        return by_prefix
    if _is_ric_shaped(c) or _is_ric_masked(c) or _is_ric_15(c):
        return "natural_person"
    if (
        _fits(_USCC_FORMAT, c)
        or (_fits(_USCC_MASKED, c) and len(c) == 18)
        or _fits(_USCC_MASKED_19, c)
    ):
        return by_prefix
    return "other"
