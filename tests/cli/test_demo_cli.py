"""`credit-ledger demo` as a real process: its cached data set follows the generator's code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from credit_ledger.synth import generator_fingerprint

ROOT = Path(__file__).resolve().parents[2]


def _demo(data_dir: Path) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT / "plugins"), os.environ.get("PYTHONPATH", "")]
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "credit_ledger",
            "demo",
            "--rows",
            "3000",
            "--data-dir",
            str(data_dir),
            "--json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=False,
    )


def test_a_set_cached_by_another_generator_version_is_generated_again(tmp_path: Path) -> None:
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    marker = tmp_path / "COMPLETE"
    assert marker.read_text().strip() == generator_fingerprint()

    # A set left by an older generator: its ground truth names other reasons.
    truth = tmp_path / "ground_truth.csv"
    truth.write_text(truth.read_text().replace("not_null", "not_empty"))
    marker.write_text("ok\n")

    second = _demo(tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert marker.read_text().strip() == generator_fingerprint()
    assert "not_empty" not in truth.read_text()
    # Exit 0 means every quarantine count equals the (regenerated) ground truth.
    assert json.loads(second.stdout)["rows_in"] == json.loads(first.stdout)["rows_in"]
