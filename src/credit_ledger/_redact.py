"""The one masking and redaction layer every output path goes through.

Natural persons only: a resident ID number keeps its region and its last four characters
(``130105********1234``, the length kept), a person's name its first character (``张*``), a
mobile number its first three and last four digits (``138****1234``). Legal entities' names
and codes (USCC, organisation code) are public and stay readable everywhere.

Free text that may hold data values (a plugin's exception, a library's error message) goes
through :func:`redact_text`: quoted values in Chinese, runs of ID-number shape, mobile numbers
and short runs of Chinese characters standing alone (a name) are masked; the rest of the text
(the exception's type, column names, rule ids) stays readable.

:func:`unmasked` switches all of it off for internal use (``--unmasked``); a run records it in
its manifest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

import polars as pl

from credit_ledger import ids

__all__ = [
    "is_unmasked",
    "mask_code",
    "mask_code_expr",
    "mask_id",
    "mask_name",
    "mask_name_expr",
    "mask_phone",
    "redact_text",
    "unmasked",
]

_HAN: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE: Final = re.compile(f"[{_HAN}]")
_UNMASKED: ContextVar[bool] = ContextVar("credit_ledger_unmasked", default=False)
_REGION = 6
_TAIL = 4


def is_unmasked() -> bool:
    """Whether masking is switched off in this context (see :func:`unmasked`)."""
    return _UNMASKED.get()


@contextmanager
def unmasked(enabled: bool = True) -> Iterator[None]:
    """Within the block, nothing is masked when ``enabled`` (internal use only).

    Example:
        >>> with unmasked():
        ...     mask_name("张晓燕")
        '张晓燕'
    """
    token = _UNMASKED.set(enabled)
    try:
        yield
    finally:
        _UNMASKED.reset(token)


def mask_id(number: str) -> str:
    """A resident ID number (or any personal number) with only its region and last four
    characters visible; the length is kept. Short values are masked whole.

    Example:
        >>> mask_id("130105199001011234"), mask_id("1301051991****9873"), mask_id("12345")
        ('130105********1234', '130105********9873', '*****')
    """
    if is_unmasked():
        return number
    n = len(number)
    if n < _REGION + _TAIL + 2:
        return "*" * n
    return number[:_REGION] + "*" * (n - _REGION - _TAIL) + number[-_TAIL:]


def mask_name(name: str) -> str:
    """A natural person's name with only its first character visible.

    Example:
        >>> mask_name("张晓燕"), mask_name(" 李 ")
        ('张*', '李*')
    """
    if is_unmasked():
        return name
    stripped = name.strip()
    return f"{stripped[:1]}*" if stripped else stripped


def mask_phone(number: str) -> str:
    """A phone number with its first three and last four digits visible.

    Example:
        >>> mask_phone("13812341234")
        '138****1234'
    """
    if is_unmasked():
        return number
    if len(number) < 3 + _TAIL + 1:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 3 - _TAIL) + number[-_TAIL:]


def mask_code(code: str) -> str:
    """A subject's code from a column that may hold personal data: a natural person's ID
    number is masked; a legal entity's USCC or organisation code is public and returned as is;
    a value holding Chinese characters is not a code but a name, masked as one.

    Example:
        >>> mask_code("11140800558745220K"), mask_code("3423011964****3224"), mask_code("55874522X")
        ('11140800558745220K', '342301********3224', '55874522X')
    """
    if ids.subject_kind(code) == "natural_person":
        return mask_id(code)
    return mask_name(code) if _HAN_RE.search(code) else code


def mask_code_expr(code: pl.Expr) -> pl.Expr:
    """Expression form of :func:`mask_code` (vectorised; nulls stay null).

    Example:
        >>> df = pl.DataFrame({"c": ["11140800558745220K", "130105199001011237", None]})
        >>> df.select(mask_code_expr(pl.col("c")))["c"].to_list()
        ['11140800558745220K', '130105********1237', None]
    """
    if is_unmasked():
        return code
    middle = code.str.slice(_REGION, code.str.len_chars() - _REGION - _TAIL)
    masked = code.str.head(_REGION) + middle.str.replace_all(".", "*") + code.str.tail(_TAIL)
    return (
        pl.when(ids.subject_kind_expr(code) == "natural_person")
        .then(masked)
        .when(code.str.contains(f"[{_HAN}]"))
        .then(mask_name_expr(code))
        .otherwise(code)
    )


def mask_name_expr(name: pl.Expr) -> pl.Expr:
    """Expression form of :func:`mask_name` (vectorised; nulls stay null).

    Example:
        >>> pl.DataFrame({"n": ["张晓燕", None]}).select(mask_name_expr(pl.col("n")))["n"].to_list()
        ['张*', None]
    """
    if is_unmasked():
        return name
    return name.str.strip_chars().str.head(1) + pl.lit("*")


# -- free text -------------------------------------------------------------------------------

# A quoted value on one line, holding no other quote: '…', "…", “…”, ‘…’ or 「…」.
_QUOTED: Final = re.compile(
    r"""'([^'"\n]*)'|"([^'"\n]*)"|“([^”'"\n]*)”|‘([^’'"\n]*)’|「([^」'"\n]*)」"""
)
# 18 or 15 characters of an ID number, masked or not (digits, stars, a final X).
_ID_RUN: Final = re.compile(
    r"(?<![0-9A-Za-z*])[0-9]{6}(?:[0-9*]{11}[0-9Xx*]|[0-9*]{9})(?![0-9A-Za-z*])"
)
_MOBILE: Final = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
# 2-4 Chinese characters standing alone: the shape of a person's name.
_NAME: Final = re.compile(rf"(?<![{_HAN}])[{_HAN}]{{2,4}}(?![{_HAN}])")


def _id_run(m: re.Match[str]) -> str:
    value = m.group(0)
    # An all-digit USCC or other public code is left alone; only ID-number shapes are masked.
    return mask_id(value) if ids.subject_kind(value) == "natural_person" else value


def _quoted(m: re.Match[str]) -> str:
    value = next(g for g in m.groups() if g is not None).strip()
    if _HAN_RE.search(value):  # a data value in Chinese: a name, perhaps a person's
        return m.group(0).replace(value, mask_name(value), 1)
    return m.group(0)


def redact_text(text: str) -> str:
    """``text`` with values that may be personal masked: quoted values in Chinese, runs of ID
    number shape (a legal entity's all-digit code stays), mobile numbers and standalone runs
    of 2-4 Chinese characters (the shape of a name). Unchanged when masking is off.

    Example:
        >>> redact_text("invalid literal for int() with base 10: '张晓燕'")
        "invalid literal for int() with base 10: '张*'"
        >>> redact_text('column "debtor_name": 李四 has id 130105199001011237')
        'column "debtor_name": 李* has id 130105********1237'
    """
    if is_unmasked() or not text:
        return text
    out = _QUOTED.sub(_quoted, text)
    out = _ID_RUN.sub(_id_run, out)
    out = _MOBILE.sub(lambda m: mask_phone(m.group(0)), out)
    return _NAME.sub(lambda m: mask_name(m.group(0)), out)
