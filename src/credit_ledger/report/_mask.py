"""Masking of natural persons' names and ID numbers in the report (docs/domain.md §8).

The one place the report decides what to mask; how a value is masked is the shared masking
layer's (:mod:`credit_ledger._redact`, switched off by ``--unmasked``). Legal entities' names
and credit codes are public and stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from credit_ledger._redact import mask_code, mask_id, mask_name

__all__ = ["mask_row", "mask_text"]

_RIC = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"
    r"(?![0-9A-Za-z])"
)
"""An 18-character resident ID number (region, birth date, sequence, check character)."""
_RIC_SHAPED = re.compile(r"\d{17}[0-9Xx]|\d{6}\*+\d{3}[0-9Xx*]|\d{15}")

_SUBJECT_NAMES = ("subject_name", "debtor_name")
"""Personal columns naming the subject: a natural person's name, or a legal entity's."""
_ENTITY_MARKS = {"party_type": ("1", "legal_entity"), "subject_category": ("法人及非法人组织",)}
_ENTITY_CODES = ("subject_uscc", "debtor_uscc")


def mask_text(text: str) -> str:
    """Mask every resident ID number inside free text (messages, entity keys); credit codes,
    which can be all digits too, stay."""
    return _RIC.sub(lambda m: mask_id(m.group(0)), text)


def _is_entity(row: Mapping[str, object]) -> bool:
    for column, values in _ENTITY_MARKS.items():
        if str(row.get(column) or "").strip() in values:
            return True
    return any(str(row.get(c) or "").strip() for c in _ENTITY_CODES)


def mask_row(row: Mapping[str, object], personal: tuple[str, ...]) -> dict[str, object]:
    """``row`` with its ``personal`` columns masked: names keep the first character, ID numbers
    the region and the last 4. The subject's own name stays readable when the row marks it as
    a legal entity (category, party type or a credit code); a legal representative is always a
    natural person.

    Example:
        >>> mask_row({"party_type": "0", "debtor_name": "张晓燕"}, ("debtor_name",))
        {'party_type': '0', 'debtor_name': '张*'}
    """
    entity = _is_entity(row)
    out = dict(row)
    for column in personal:
        value = out.get(column)
        if not isinstance(value, str) or not value.strip():
            continue
        if entity and column in _SUBJECT_NAMES:
            continue
        if column.endswith("_or_uscc"):
            out[column] = mask_code(value.strip())
        elif _RIC_SHAPED.fullmatch(value.strip()) or column.endswith("_id_no"):
            out[column] = mask_id(value.strip())
        else:
            out[column] = mask_name(value)
    return {k: mask_text(v) if isinstance(v, str) else v for k, v in out.items()}
