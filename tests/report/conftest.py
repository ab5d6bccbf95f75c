"""A small ledger made the way an office makes one: generated files, two nightly runs of a job
through the real command line, the report written by the job's reporter."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

KINDS = ("dishonest_debtor", "judgment_debtor_case", "arrears_case", "admin_penalty")
DAYS = ("2025-01-30", "2025-01-31")


def cli(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``credit-ledger`` in a subprocess (the installed entry point's module)."""
    done = subprocess.run(
        [sys.executable, "-m", "credit_ledger", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    if check and done.returncode not in (0, 1):  # 1: findings, as every generated day has
        raise AssertionError(f"credit-ledger {args} exited {done.returncode}: {done.stderr}")
    return done


def write_job(
    directory: Path, *, reporters: tuple[str, ...] = ("report",), modules: tuple[str, ...] = ()
) -> Path:
    """A job over ``in/{as_of}/<kind>.csv`` with the report as an output (and plugin
    ``modules``)."""
    lines = ["version = 1", "[job]", 'name = "report-test"', 'ledger = "ledger"']
    lines.append("kinds = [" + ", ".join(f'"{k}"' for k in KINDS) + "]")
    for kind in KINDS:
        lines += ["[[sources]]", f'name = "{kind}"', f'kind = "{kind}"']
        lines += [f'path = "in/{{as_of}}/{kind}.csv"', "optional = true"]
    lines += ["[outputs]", 'dir = "out/{as_of}"', 'write = ["summary", "manifest"]']
    lines.append("reporters = [" + ", ".join(f'"{r}"' for r in reporters) + "]")
    if modules:
        lines += ["[plugins]", "modules = [" + ", ".join(f'"{m}"' for m in modules) + "]"]
    path = directory / "job.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class Office:
    """A job directory after its runs."""

    root: Path

    @property
    def ledger(self) -> Path:
        return self.root / "ledger"

    def report(self, day: str) -> Path:
        return self.root / "out" / day / "report.html"


def make_office(
    root: Path,
    rows: int,
    *,
    edit: Callable[[Path], None] | None = None,
    days: tuple[str, ...] = DAYS,
    modules: tuple[str, ...] = (),
) -> Office:
    """Generate ``rows`` synthetic records per day (another seed each day), optionally edit
    the files, and run the job each day."""
    job = write_job(root, modules=modules)
    for i, day in enumerate(days):
        incoming = root / "in" / day
        cli("generate", "--rows", str(rows), "--seed", str(11 + i), "--out", incoming)
        if edit is not None:
            edit(incoming)
        cli("run", job, "--as-of", day)
    return Office(root)


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    """Two runs on 5,000 generated records a day (the demo-sized report)."""
    return make_office(tmp_path_factory.mktemp("office"), 5000)
