"""Correction workbooks: one ``.xlsx`` per source department, holding the rows of a run's
quarantine that department must fix (issue 15 item 4).

Each sheet (one per record kind) holds per row: the record id (to match a returned row), the
source file and row number, the reason codes and the reasons in Chinese, the record's values
under the kind's Chinese headers (cells at fault highlighted), and an empty column for the
department's note. Natural persons' names and ID numbers are masked unless ``masked=False``
(``--unmasked``): the workbooks are meant to be shared.
"""

from __future__ import annotations

from credit_ledger.corrections._return import is_returned, returned
from credit_ledger.corrections._write import (
    CORRECTIONS_OUTPUT,
    NOTE_ZH,
    OUR_COLUMNS,
    write_corrections,
)

__all__ = [
    "CORRECTIONS_OUTPUT",
    "NOTE_ZH",
    "OUR_COLUMNS",
    "is_returned",
    "returned",
    "write_corrections",
]
