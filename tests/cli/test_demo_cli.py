"""`credit-ledger demo` as a real process: its cached data set follows the generator's code."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from credit_ledger.synth import generator_fingerprint
from tests.cli import run_cli


def _demo(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("demo", "--rows", "3000", "--data-dir", data_dir, "--json")


def test_a_set_cached_by_another_generator_version_is_generated_again(tmp_path: Path) -> None:
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    marker = tmp_path / "COMPLETE"
    assert marker.read_text().strip() == generator_fingerprint()

    # A set left by an older generator: its ground truth names other reasons.
    truth = tmp_path / "ground_truth.tsv"
    truth.write_text(truth.read_text().replace("not_null", "not_empty"))
    marker.write_text("ok\n")

    second = _demo(tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert marker.read_text().strip() == generator_fingerprint()
    assert "not_empty" not in truth.read_text()
    # Exit 0 means every quarantine count equals the (regenerated) ground truth.
    assert json.loads(second.stdout)["rows_in"] == json.loads(first.stdout)["rows_in"]
