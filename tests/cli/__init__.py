"""The command line as schedulers run it: a real process, exit codes, stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: object) -> subprocess.CompletedProcess[str]:
    """``python -m credit_ledger ARGS`` in a new process, with this checkout on its path."""
    path = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT / "plugins"), os.environ.get("PYTHONPATH", "")]
    )
    return subprocess.run(
        [sys.executable, "-m", "credit_ledger", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=False,
    )
