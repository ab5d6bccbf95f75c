"""A demo run with a plugin that raises on personal values leaks no natural person's name or
ID number into any file it writes (but the stored records and the quarantine, which hold the
records themselves) or onto stdout and stderr; every file is private to its owner."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.privacy._truth import found, persons, text_of

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROWS, SEED, AS_OF = 3000, 0, "2025-01-31"
REPO = Path(__file__).resolve().parents[2]
KINDS = (
    "admin_license",
    "admin_penalty",
    "dishonest_debtor",
    "judgment_debtor_case",
    "arrears_case",
)
JOB = """version = 1
[job]
name = "privacy"
ledger = "ledger"
kinds = {kinds}
[plugins]
modules = ["tests.privacy.leaky_plugin"]
[outputs]
dir = "reports/{{as_of}}"
write = ["summary", "findings", "quarantine", "summaries", "manifest", "corrections"]
reporters = ["report"]
{sources}"""


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    env.pop("CREDIT_LEDGER_PLUGINS_DENY", None)
    return subprocess.run(
        [sys.executable, "-m", "credit_ledger", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _demo(root: Path) -> Path:
    """Generated inputs and a job reading all five kinds with the leaky plugin."""
    generated = _cli(
        "generate", "--rows", str(ROWS), "--seed", str(SEED), "--out", f"in/{AS_OF}", cwd=root
    )
    assert generated.returncode == 0, generated.stderr
    sources = "".join(
        f'[[sources]]\nname = "{k}"\nkind = "{k}"\npath = "in/{{as_of}}/{k}.csv"\n' for k in KINDS
    )
    job = root / "job.toml"
    job.write_text(JOB.format(kinds=json.dumps(list(KINDS)), sources=sources), encoding="utf-8")
    return job


@pytest.fixture(scope="module")
def truth() -> tuple[set[str], set[str]]:
    names, numbers = persons(ROWS, SEED)
    assert len(names) > 100
    assert len(numbers) > 100
    return names, numbers


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The demo's directory after a text run and a forced JSON run, and their streams."""
    root = tmp_path_factory.mktemp("demo")
    job = _demo(root)
    first = _cli("run", str(job), "--as-of", AS_OF, cwd=root)
    again = _cli(
        "run", str(job), "--as-of", AS_OF, "--force", "--json", "--log-format", "json", cwd=root
    )
    assert first.returncode == again.returncode == 3, first.stdout + first.stderr
    return root, [first.stdout, first.stderr, again.stdout, again.stderr]


def _internal(path: Path, root: Path) -> bool:
    """The inputs, the quarantine and the ledger's stored records: the records themselves."""
    parts = path.relative_to(root).parts
    if parts[0] == "in" or path.name == "quarantine.parquet":
        return True
    data_file = path.suffix == ".parquet" and "_delta_log" not in parts
    return parts[0] == "ledger" and parts[1] in {"records", "quarantine"} and data_file


def test_plugin_errors_are_reported_with_type_and_rule_but_no_personal_value(
    demo: tuple[Path, list[str]],
) -> None:
    out = demo[1][0]
    assert re.search(r"rule leaky\.name_as_int: .*ValueError: invalid literal for int\(\)", out)
    assert re.search(r"summary leaky\.totals: ValueError: cannot total \w\* \(\d{6}\*{8}", out)


def test_no_name_or_id_number_in_any_file_or_stream(
    demo: tuple[Path, list[str]], truth: tuple[set[str], set[str]]
) -> None:
    root, streams = demo
    names, numbers = truth
    files = [p for p in sorted(root.rglob("*")) if p.is_file()]
    scanned = [p for p in files if not _internal(p, root)]
    kinds = {p.relative_to(root).parts[1] for p in scanned if p.parts[-2] == "_delta_log"}
    assert {"records", "findings", "runs", "rule_outcomes", "quarantine"} <= kinds
    assert any(p.name == "summary.json" for p in scanned)
    assert any(p.name == "report.html" for p in scanned)
    assert any(p.suffix == ".xlsx" and p.parent.name == "corrections" for p in scanned)
    assert any(p.parent.name == "manifests" for p in scanned)
    # the scan can fail: the records the run stored hold the names and numbers
    stored = [p for p in files if _internal(p, root) and "records" in p.parts]
    assert found("".join(text_of(p) for p in stored), names, numbers)
    leaks = {str(p.relative_to(root)): found(text_of(p), names, numbers) for p in scanned}
    leaks |= {f"stream {i}": found(s, names, numbers) for i, s in enumerate(streams)}
    assert {where: hits for where, hits in leaks.items() if hits} == {}


def test_legal_entities_codes_stay_readable(demo: tuple[Path, list[str]]) -> None:
    import polars as pl  # noqa: PLC0415

    findings = pl.read_parquet(next(demo[0].glob("reports/*/findings.parquet")))
    all_keys = findings["entity_key"].drop_nulls()
    assert all_keys.len() > 100
    masked = all_keys.filter(all_keys.str.contains(r"\*"))
    # only natural persons' ID numbers are masked (region + last 4); every credit code is clear
    assert masked.str.contains(r"^[0-9]{6}\*{8}[0-9]{3}[0-9X]$").all()


def test_every_file_written_is_private(demo: tuple[Path, list[str]]) -> None:
    root = demo[0]
    modes = {
        str(p.relative_to(root)): oct(p.stat().st_mode & 0o777)
        for p in root.rglob("*")
        if p.relative_to(root).parts[0] in {"ledger", "reports"}
    }
    wrong = {p: m for p, m in modes.items() if m != ("0o700" if (root / p).is_dir() else "0o600")}
    assert len(modes) > 20
    assert wrong == {}


def test_unmasked_run_shows_the_values_and_says_so(
    tmp_path: Path, truth: tuple[set[str], set[str]]
) -> None:
    job = _demo(tmp_path)
    result = _cli("run", str(job), "--as-of", AS_OF, "--unmasked", "-q", cwd=tmp_path)
    assert result.returncode == 3
    assert found(result.stdout, *truth)
    manifest = json.loads(next(tmp_path.glob("reports/*/manifest.json")).read_text())
    assert manifest["privacy"] == {"masked": False}
