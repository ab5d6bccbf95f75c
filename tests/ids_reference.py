"""The plain-Python reference of the identifier checks, from the textbook formulas.

The fast kernel (C, :mod:`credit_ledger._kernels`) and the expressions of
:mod:`credit_ledger.ids` are tested against these functions, and these against python-stdnum
(``tests/test_ids.py``). The patterns are those of :mod:`credit_ledger.ids` (declarations, not
logic); check characters, dates and masking are computed here, one character at a time.
Functions named ``*_valid`` take normalised text; ``*_is_valid`` normalise it first.
"""

from __future__ import annotations

import datetime as dt
import re

from credit_ledger import ids

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
RIC_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7, 9, 10, 5, 8, 4, 2, 1, 6, ...
RIC_CHECKS = "10X98765432"


def _fits(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None


def uscc_check(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check(body8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def ric_check(first17: str) -> str:
    return RIC_CHECKS[sum(int(c) * w for c, w in zip(first17, RIC_WEIGHTS, strict=True)) % 11]


def uscc_valid(c: str, level: str = "strict") -> bool:
    if not _fits(ids._USCC_FORMAT, c):
        return False
    if level != "format" and uscc_check(c[:17]) != c[17]:
        return False
    return level != "strict" or (
        _fits("[0-9A-Z]{8}[0-9X]", c[8:17]) and org_check(c[8:16]) == c[16]
    )


def org_valid(c: str) -> bool:
    return _fits(ids._ORG_FORMAT, c) and org_check(c[:8]) == c[8]


def _date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def ric_unmasked_valid(n: str) -> bool:
    """18 characters, a real birth date in 1900-2099, ISO 7064 MOD 11-2."""
    return (
        _fits("[0-9]{17}[0-9X]", n)
        and 1900 <= int(n[6:10]) <= 2099
        and _date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
        and ric_check(n[:17]) == n[17]
    )


def ric_valid(n: str) -> bool:
    """Unmasked, masked (one run of stars, visible parts fit) or a 15-digit number."""
    masked = _fits(ids._RIC_MASKED, n) and len(re.findall(r"\*+", n)) == 1
    old = _fits(ids._RIC_15, n) and _date(1900 + int(n[6:8]), int(n[8:10]), int(n[10:12]))
    return masked or old or ric_unmasked_valid(n)


def subject_kind(c: str) -> str:
    by_prefix = ids._KIND_BY_PREFIX.get(c[:2], "other")
    if ric_unmasked_valid(c):
        return "natural_person"
    if uscc_valid(c, "strict"):
        return by_prefix
    shaped = _fits(ids._RIC_FORMAT, c) and _date(int(c[6:10]), int(c[10:12]), int(c[12:14]))
    if shaped or ric_valid(c):
        return "natural_person"
    masked = (_fits(ids._USCC_MASKED, c) and len(c) == 18) or _fits(ids._USCC_MASKED_19, c)
    if _fits(ids._USCC_FORMAT, c) or masked:
        return by_prefix
    return "other"
