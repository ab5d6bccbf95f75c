"""``credit-ledger run`` / ``history`` / ``compact``: stdout is data, stderr logs, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from credit_ledger.cli import main
from credit_ledger.ledger import Ledger
from tests.jobs.conftest import AS_OF, closed, listing, organ_listing, other_plugins, write_rows

SOURCE = {"name": "debtors", "kind": "dishonest_debtor", "path": "in/{as_of}/*.csv"}
PLUGINS = '[plugins]\nmodules = ["tests.jobs.organ_plugin"]\n'


@pytest.fixture(autouse=True)
def _only_test_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_PLUGINS_DENY", other_plugins())
    for name in ("CREDIT_LEDGER_LEDGER", "CREDIT_LEDGER_AS_OF", "CREDIT_LEDGER_FAIL_ON"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def job(tmp_path: Path, make_job: Callable[..., Path]) -> Path:
    write_rows(tmp_path / "in" / AS_OF / "a.csv", [listing(1), organ_listing(2)])
    return make_job(sources=[SOURCE], outputs={"dir": "out/{as_of}"}, extra=PLUGINS)


def test_run_prints_the_summary_and_logs_to_stderr(
    job: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(job), "--as-of", AS_OF]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("run r00001-20250331-")
    assert "debtors: 2 rows, 2 valid, 0 quarantined" in out
    assert "findings: warning 1; rules: ok" in out
    assert "stage validate" in err
    assert "stage" not in out
    # --fail-on is not part of the run key: nothing to do, exit 0 (README, docs/scheduling.md)
    assert main(["run", str(job), "--as-of", AS_OF, "--fail-on", "warning"]) == 0
    out, _ = capsys.readouterr()
    assert "already committed" in out


def test_run_json_and_json_logs(job: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(job), "--as-of", AS_OF, "--json", "--log-format", "json"])
    out, err = capsys.readouterr()
    assert code == 0
    summary = json.loads(out)
    assert summary["status"] == "completed"
    assert summary["findings_by_severity"]["warning"] == 1
    logs = [json.loads(line) for line in err.splitlines()]
    assert {"ts", "level", "logger", "message"} <= set(logs[0])
    assert any("committed" in entry["message"] for entry in logs)


def test_run_dry_run_and_force(job: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(job), "--as-of", AS_OF, "--dry-run", "-q"]) == 0
    assert "no data read" in capsys.readouterr().out
    assert main(["run", str(job), "--as-of", AS_OF, "-q"]) == 0
    assert main(["run", str(job), "--as-of", AS_OF, "-q", "--force"]) == 0
    assert "ledger version 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[job\n", "invalid TOML"),
        ('[job]\nledger = "l"\nfail_onn = "error"\n', "did you mean 'fail_on'"),
    ],
)
def test_config_errors_exit_2(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["run", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_missing_source_exits_2(job: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(job), "--as-of", "2025-04-01", "-q"]) == 2
    assert "no file matches" in capsys.readouterr().err


def test_output_blocked_exits_4(
    tmp_path: Path, job: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").write_text("in the way")
    assert main(["run", str(job), "--as-of", AS_OF, "-q"]) == 4
    assert "cannot write outputs" in capsys.readouterr().err
    assert Ledger(tmp_path / "ledger").runs().height == 0


def test_locked_ledger_exits_3(
    tmp_path: Path, job: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Ledger(tmp_path / "ledger").lock(job="other"):
        assert main(["run", str(job), "--as-of", AS_OF, "-q"]) == 3
    assert "is locked by" in capsys.readouterr().err


def test_history_and_compact(tmp_path: Path, job: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(job), "--as-of", AS_OF, "-q"]) == 0
    write_rows(
        tmp_path / "in" / "2025-04-01" / "a.csv",
        [listing(1), closed(organ_listing(2), "2025-04-01"), listing(3)],
    )
    assert main(["run", str(job), "--as-of", "2025-04-01", "-q"]) == 0
    capsys.readouterr()
    ledger = str(tmp_path / "ledger")
    assert main(["history", "--ledger", ledger, "--kind", "dishonest_debtor"]) == 0
    out = capsys.readouterr().out
    assert "r00001-20250331" in out
    assert "r00002-20250401" in out
    assert "drift" in out
    assert main(["history", "--job", str(job), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["records"] for r in data["runs"]] == [2, 3]
    drift = ["--fail-on-drift", "--window", "1", "--rows-threshold", "0.2"]
    assert main(["history", "--ledger", ledger, *drift]) == 1  # 2 rows, then 3
    assert main(["compact", "--ledger", ledger, "--keep-runs", "1"]) == 0
    assert "readable from ledger version 2" in capsys.readouterr().out
    assert main(["history", "--ledger", str(tmp_path / "nowhere")]) == 2
