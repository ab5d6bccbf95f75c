"""Library noise stays out of the user's streams (issue 18 item 2): the command line run on
every fixture and every file of the fault corpus writes only its own lines on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import ROOT
from tests.faults.corpus import KIND, write
from tests.real_shapes.make_fixtures import EXPECTED, HERE

# One process for all files (a process each would take a minute): main() as the console
# script calls it, stdout discarded, stderr kept.
_DRIVER = """
import sys
from credit_ledger.cli import main
args = sys.argv[1:]
for i in range(0, len(args), 2):
    for command in (["validate"], ["inspect"], ["check", "--as-of", "2025-01-31"]):
        main([*command[:1], args[i], "--kind", args[i + 1], *command[1:]])
"""


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT / "plugins")])
    return subprocess.run(
        [sys.executable, "-c", _DRIVER, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=False,
    )


def _foreign(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("credit-ledger: ")]


@pytest.mark.integration
def test_stderr_holds_only_our_lines(tmp_path: Path) -> None:
    corpus = write(tmp_path)
    pairs = [a for name in EXPECTED for a in (str(HERE / name), EXPECTED[name][0])]
    pairs += [
        a for name, path in corpus.items() if "ten_thousand" not in name for a in (str(path), KIND)
    ]
    proc = _run(pairs)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "credit-ledger: error:" in proc.stderr  # the corpus's unreadable files said so
    assert _foreign(proc.stderr) == []


@pytest.mark.integration
def test_library_warnings_and_log_records_become_debug_logs() -> None:
    code = """
import logging, warnings
from credit_ledger.ingest import quiet_libraries
with quiet_libraries():
    logging.getLogger("fastexcel.types.dtype").warning("Could not determine dtype for column 23")
    warnings.warn("falling back to string", UserWarning, stacklevel=1)
logging.getLogger("fastexcel.types.dtype").warning("outside")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == ["outside"]  # only what was said outside the block
