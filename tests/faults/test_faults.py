"""Every file of the fault corpus gives its expected row accounting or its one-line error;
never a traceback, never a silent drop."""

from __future__ import annotations

from pathlib import Path

import pytest

import credit_ledger
from credit_ledger.ingest import SKIP
from tests.faults.corpus import FAULTS, KIND, Fails, Fault, Rows, write


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write(tmp_path_factory.mktemp("faults"))


def test_the_corpus_is_large_enough() -> None:
    assert len(FAULTS) >= 40
    assert len({f.name for f in FAULTS}) == len(FAULTS)


# The 10,000-column file takes most of the corpus's time (the validator checks every column).
CASES = [
    pytest.param(f, id=f.name, marks=[pytest.mark.slow] if "ten_thousand" in f.name else [])
    for f in FAULTS
]


@pytest.mark.parametrize("fault", CASES)
def test_fault(fault: Fault, corpus: dict[str, Path]) -> None:
    path = corpus[fault.name]
    if isinstance(fault.expect, Fails):
        with pytest.raises(fault.expect.error) as err:
            credit_ledger.validate(credit_ledger.read(path, kind=KIND), kind=KIND)
        message = str(err.value)
        assert fault.expect.text in message
        assert "\n" not in message
        assert message.startswith(path.name) or path.name in message
        return
    assert isinstance(fault.expect, Rows)
    frame = credit_ledger.read(path, kind=KIND).collect()
    result = credit_ledger.validate(frame, kind=KIND)
    s = result.summary
    skipped = sum(s.skipped.values())
    assert (s.rows_in, s.rows_valid, skipped) == (
        fault.expect.rows_in,
        fault.expect.valid,
        fault.expect.skipped,
    ), s.by_reason
    assert s.rows_in + skipped == frame.height  # every row read is accounted for
    assert frame.filter(frame[SKIP].is_not_null()).height == skipped
    reasons = {r for rs in result.quarantine["_reasons"].to_list() for r in rs}
    if fault.expect.reason is not None:
        assert fault.expect.reason in reasons
    if fault.expect.warning is not None:
        assert fault.expect.warning in s.warnings
