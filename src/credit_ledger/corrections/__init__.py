"""Correction workbooks: one ``.xlsx`` per source department, holding the rows of a run's
quarantine that department must fix (issue 15 item 4).

Each sheet (one per record kind) holds per row: the source file and row number, the reason
codes and the reasons in Chinese, the record's values under the headers of the file the
department sent and as read (cells at fault highlighted; the record id under the source's own
header, or ``记录编号`` when the source has none), and an empty column for the department's
note. Without the source file as the run read it, the values the ledger kept are shown under
the kind's Chinese headers. Natural persons' names and ID numbers are masked unless ``masked=False``
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
