"""Headline figures (for ``credit-ledger demo``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from credit_ledger.testing import make_frame
from credit_ledger_packs.headlines import headlines
from tests.packs.test_arrears import case as arrears_case
from tests.packs.test_publicity import penalty
from tests.packs.test_zeroing import listing


def test_headlines() -> None:
    frames = {
        "dishonest_debtor": make_frame("dishonest_debtor", [listing()]),
        "arrears_case": make_frame("arrears_case", [arrears_case()]),
        "admin_penalty": make_frame("admin_penalty", [penalty()]),
    }
    got = headlines(frames, as_of=dt.date(2024, 6, 30))
    assert got["zeroing"]["dishonest_debtor"]["closing"] == 1  # type: ignore[index]
    assert got["arrears"] == {  # the DOMAIN.md worked example
        "overdue_cases": 1,
        "overdue_amount": Decimal("200000.00"),
        "late_interest": Decimal("9100.00"),
        "gov_body_overdue_cases": 1,
        "awaiting_cases": 0,
    }
    assert got["publicity"] == {"published_locked": 1}  # minimum period runs to 2024-08-31
    json.dumps(got, default=str)
