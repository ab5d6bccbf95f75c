"""The README's commands, run verbatim and in order, as a new user would on a fresh clone.

The "Command line for schedulers" block runs in a temporary copy of ``examples/`` with the
installed ``credit-ledger`` on PATH; the opening block (``make demo``, ``make test``) is checked
to be exactly those two targets of the Makefile (running ``make test`` here would recurse).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def _commands(after: str) -> list[str]:
    block = _BLOCK.search(README, README.index(after))
    assert block is not None, f"no sh block after {after!r}"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_opening_block_is_the_two_make_targets() -> None:
    lines = _commands("# credit_ledger")
    assert [line.split("#")[0].split() for line in lines] == [["make", "demo"], ["make", "test"]]
    targets = re.findall(r"^(\w+):", (ROOT / "Makefile").read_text(), re.M)
    assert {"demo", "test"} <= set(targets)


@pytest.mark.integration
@pytest.mark.slow
def test_scheduler_commands_work_verbatim_in_order(tmp_path: Path) -> None:
    script = shutil.which("credit-ledger", path=str(Path(sys.executable).parent))
    assert script is not None, "the credit-ledger console script is not installed"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(script).parent), os.environ.get("PATH", "")]),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    for k in [k for k in env if k.startswith("CREDIT_LEDGER_")]:
        del env[k]  # the README assumes no settings in the environment
    lines = _commands("## Command line for schedulers")
    assert len(lines) >= 10
    runs = 0
    for line in lines:
        proc = subprocess.run(
            ["bash", "-e", "-c", line],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        # 1 is "findings" or "quarantined rows" (the demo data has defects by design); 2, 3
        # and 4 would be a README step that does not work.
        assert proc.returncode in (0, 1), (line, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr, line
        assert "error:" not in proc.stderr, (line, proc.stderr[-2000:])
        if line.startswith("credit-ledger run "):
            runs += 1
            if runs == 2:  # the same batch again: nothing to do, exit 0 as documented
                assert proc.returncode == 0, proc.stderr[-2000:]
                assert "nothing to do" in proc.stderr
    assert runs == 2
    assert (tmp_path / "q.xlsx").is_file()
    assert (tmp_path / "validated" / "summary.json").is_file()
