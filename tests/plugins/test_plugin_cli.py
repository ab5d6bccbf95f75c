"""The real CLI: ``plugins list``, ``rules list/show`` and ``check`` with exit codes 0/1/2/3."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from credit_ledger.cli import main
from credit_ledger.synth import generate_frames, write
from tests.plugins.conftest import HEADER, MakeDist, rule_module

SRC = Path(__file__).resolve().parents[2] / "src"
AS_OF = "2025-06-30"

ACME = rule_module(
    'Rule(id="acme.fine_not_negative", title="fine >= 0", kind="admin_penalty",'
    ' check=pl.col("fine_yuan") >= 0)',
    'Rule(id="acme.from_the_future", title="decided after 2100", kind="admin_penalty",'
    ' severity=Severity.WARNING, check=pl.col("decision_date") > pl.lit(__import__("datetime")'
    ".date(2100, 1, 1)))",
    extra="""
    @hookimpl
    def credit_ledger_derived_columns():
        return [DerivedColumn(name="acme_year", kind="admin_penalty",
                              expr=pl.col("decision_date").dt.year())]
    """,
)
RAISES = HEADER + "@hookimpl\ndef credit_ledger_rules():\n    raise RuntimeError('db down')\n"
MISSING_COLUMN = rule_module(
    'Rule(id="oops.missing", title="t", kind="admin_penalty", check=pl.col("no_such") > 1)'
)


@pytest.fixture(scope="module")
def penalties(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic admin_penalty CSV (English headers; a few defective rows)."""
    others = ("admin_license", "dishonest_debtor", "judgment_debtor_case", "arrears_case")
    synthetic = generate_frames(120, seed=11, shares=dict.fromkeys(others, 0.0))
    out = tmp_path_factory.mktemp("data")
    return write(synthetic, out, headers="en")["admin_penalty"]


@pytest.fixture
def acme(make_dist: MakeDist) -> None:
    make_dist(
        "acme-rules", "1.2.0", entry_points={"acme": "acme_rules"}, modules={"acme_rules": ACME}
    )


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plugins_list_json(acme: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "plugins", "list", "--json")
    assert code == 0
    data = json.loads(out)
    by_name = {p["name"]: p for p in data["plugins"]}
    assert by_name["acme"] | {"hooks": None} == {
        "name": "acme",
        "distribution": "acme-rules",
        "version": "1.2.0",
        "origin": "entry_point",
        "status": "active",
        "hooks": None,
        "rules": 2,
        "error": None,
        "target": "acme_rules",
    }
    assert by_name["acme"]["hooks"] == ["credit_ledger_derived_columns", "credit_ledger_rules"]
    assert by_name["builtin.kinds"]["status"] == "active"


def test_plugins_list_text_and_required_missing(
    acme: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "plugins", "list", "--require", "ghost")
    assert code == 2
    assert "acme" in out
    assert "acme-rules" in out
    assert "required plugin 'ghost' is not installed" in err


def test_rules_list_and_show(acme: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys, "rules", "list", "--json", "--plugin", "acme", "--kind", "admin_penalty"
    )
    assert code == 0
    rules = json.loads(out)
    assert [r["id"] for r in rules] == ["acme.fine_not_negative", "acme.from_the_future"]
    assert (rules[1]["severity"], rules[1]["plugin"]) == ("warning", "acme")
    code, out, _ = cli(capsys, "rules", "list", "--plugin", "acme")
    assert code == 0
    assert "acme.from_the_future" in out
    code, out, _ = cli(capsys, "rules", "show", "acme.fine_not_negative", "--json")
    shown = json.loads(out)
    assert (shown["distribution"], shown["plugin_version"], shown["scope"]) == (
        "acme-rules",
        "1.2.0",
        "row",
    )
    code, _, err = cli(capsys, "rules", "show", "acme.fine_not_negativ")
    assert code == 2
    assert "unknown rule 'acme.fine_not_negativ'; did you mean acme.fine_not_negative" in err
    code, _, err = cli(capsys, "rules", "list", "--plugin", "nobody")
    assert code == 2
    assert "no plugin named 'nobody'" in err


def test_check_exit_codes_and_outputs(
    acme: None, penalties: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["check", str(penalties), "--kind", "admin_penalty", "--as-of", AS_OF, "--allow", "acme"]
    code, out, err = cli(capsys, *base)
    assert code == 0, err  # the only findings are warnings, below --fail-on error
    assert "status: ok (fail on error)" in out
    findings, derived = tmp_path / "f.parquet", tmp_path / "d.parquet"
    code, out, err = cli(
        capsys,
        *base,
        "--fail-on",
        "warning",
        "--json",
        "--findings",
        str(findings),
        "--derived",
        str(derived),
    )
    assert code == 1, err
    data = json.loads(out)
    assert data["status"] == "findings"
    assert data["as_of"] == AS_OF
    valid = data["validation"]["rows_valid"]
    assert data["findings"]["by_severity"]["warning"] == valid
    f = pl.read_parquet(findings)
    assert f["rule_id"].unique().to_list() == ["acme.from_the_future"]
    assert f.height == valid
    d = pl.read_parquet(derived)
    assert d.height == valid
    assert d["acme_year"].to_list() == d["decision_date"].dt.year().to_list()


def test_check_required_plugin_missing_exits_2(
    penalties: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(
        capsys,
        "check",
        str(penalties),
        "--kind",
        "admin_penalty",
        "--as-of",
        AS_OF,
        "--require",
        "example_missing",
    )
    assert code == 2
    assert out == ""
    assert "required plugin 'example_missing' is not installed" in err


def test_check_failing_plugin_exits_3_but_keeps_other_findings(
    acme: None,
    make_dist: MakeDist,
    penalties: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_dist(
        "raising-dist",
        "0.9",
        entry_points={"raising": "raising_plugin"},
        modules={"raising_plugin": RAISES},
    )
    findings = tmp_path / "f.parquet"
    code, out, err = cli(
        capsys,
        "check",
        str(penalties),
        "--kind",
        "admin_penalty",
        "--as-of",
        AS_OF,
        "--allow",
        "acme,raising",
        "--findings",
        str(findings),
    )
    assert code == 3
    assert "plugin raising (raising-dist 0.9) failed: hook credit_ledger_rules raised" in err
    assert "ERROR  plugin raising" in out
    assert pl.read_parquet(findings)["rule_id"].unique().to_list() == ["acme.from_the_future"]


def test_check_rule_error_exits_3(
    make_dist: MakeDist, penalties: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_dist(
        "oops-dist", entry_points={"oops": "oops_plugin"}, modules={"oops_plugin": MISSING_COLUMN}
    )
    code, out, _ = cli(
        capsys,
        "check",
        str(penalties),
        "--kind",
        "admin_penalty",
        "--as-of",
        AS_OF,
        "--allow",
        "oops",
        "--json",
    )
    assert code == 3
    (error,) = json.loads(out)["errors"]
    assert error == {
        "what": "rule",
        "name": "oops.missing",
        "plugin": "oops",
        "kind": "admin_penalty",
        "message": "missing column(s): no_such",
    }


def test_check_config_file_settings_and_policy(
    acme: None, penalties: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job = tmp_path / "job.toml"
    job.write_text(
        '[plugins]\nallow = ["acme"]\n[rules.severity]\n"acme.from_the_future" = "critical"\n',
        encoding="utf-8",
    )
    args = [
        "check",
        str(penalties),
        "--kind",
        "admin_penalty",
        "--as-of",
        AS_OF,
        "--config",
        str(job),
        "--json",
    ]
    code, out, _ = cli(capsys, *args)
    assert code == 1
    outcome = next(o for o in json.loads(out)["outcomes"] if o["rule_id"] == "acme.from_the_future")
    assert (outcome["severity"], outcome["declared_severity"]) == ("critical", "warning")
    job.write_text(
        '[plugins]\nallow = ["acme"]\n[[rules.waivers]]\nrule = "acme.from_the_future"\n'
        'reason = "known false positive"\n',
        encoding="utf-8",
    )
    code, out, _ = cli(capsys, *args, "--fail-on", "info")
    assert code == 0
    assert json.loads(out)["findings"]["waived"] > 0
    code, _, err = cli(capsys, *args[:-1], "--set", "nope.setting=1")
    assert code == 2
    assert "unknown setting 'nope.setting'" in err


def test_python_dash_m_with_an_installed_plugin(
    acme: None, tmp_path: Path, penalties: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(SRC)]),
        "CREDIT_LEDGER_PLUGINS_REQUIRED": "acme",
    }
    run = subprocess.run(
        [sys.executable, "-m", "credit_ledger", "plugins", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    acme_info = next(p for p in json.loads(run.stdout)["plugins"] if p["name"] == "acme")
    assert (acme_info["status"], acme_info["rules"]) == ("active", 2)
    # "Uninstall" it: the required plugin is now missing, and check exits 2 naming it.
    for info in (tmp_path / "site").glob("acme_rules-*.dist-info"):
        for f in info.iterdir():
            f.unlink()
        info.rmdir()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "credit_ledger",
            "check",
            str(penalties),
            "--kind",
            "admin_penalty",
            "--as-of",
            AS_OF,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 2
    assert "required plugin 'acme' is not installed" in run.stderr


def _installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


@pytest.mark.integration
@pytest.mark.skipif(
    not _installed("credit_ledger_example"),
    reason="the example plugin is not installed (`make test` installs it from plugins/)",
)
def test_installed_example_plugin_is_listed_active_with_its_rules() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "credit_ledger", "plugins", "list", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    plugins = {p["name"]: p for p in json.loads(proc.stdout)["plugins"]}
    example = plugins["example"]
    assert example["status"] == "active"
    assert example["distribution"] == "credit-ledger-example"
    assert example["rules"] >= 2
