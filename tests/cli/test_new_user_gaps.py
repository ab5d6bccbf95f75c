"""What a new user trips over: --version, check --sheet, a directory given to validate, a bad
setting value, a missing extra, help text without reStructuredText markup."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from tests.cli import ROOT
from tests.cli import run_cli as _cli
from tests.conftest import DEBTOR_HEADERS_ZH, debtor


def _without(module: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a new process where importing ``module`` fails, as when it is not installed."""
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from credit_ledger.cli import main\n"
        "sys.exit(main(sys.argv[1:]))"
    )
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT / "plugins")])
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=False,
    )


def _one_line_error(proc: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    return proc.stderr


def test_version() -> None:
    proc = _cli("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("credit-ledger 0.")


def test_check_reads_the_sheet_it_is_told(tmp_path: Path) -> None:
    rows = pl.DataFrame([debtor(), debtor(case_no="(2024)冀0105执1235号")]).rename(
        DEBTOR_HEADERS_ZH
    )
    book = tmp_path / "book.xlsx"
    import xlsxwriter  # noqa: PLC0415 - the test extra has it

    with xlsxwriter.Workbook(book) as wb:
        rows.write_excel(wb, worksheet="失信")
        rows.head(1).write_excel(wb, worksheet="其他")
    args = ("check", book, "--kind", "dishonest_debtor", "--as-of", "2024-12-31", "--json")
    assert "--sheet" in _one_line_error(_cli(*args))  # two sheets with data: which one?
    proc = _cli(*args, "--sheet", "失信")
    assert proc.returncode in (0, 1), proc.stderr
    assert '"rows_in": 2' in proc.stdout


def test_a_directory_given_to_validate_says_what_to_do(tmp_path: Path) -> None:
    err = _one_line_error(_cli("validate", tmp_path, "--kind", "dishonest_debtor"))
    assert "is a directory" in err
    assert "--out DIR" in err


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("arrears.default_daily_rate=abc", "'abc' is not a decimal number"),
        ("arrears.no_term_default_days=sixty", "'sixty' is not an integer"),
    ],
)
def test_a_bad_setting_value_names_the_setting_and_type(
    debtor_csv: Callable[..., Path], setting: str, expected: str
) -> None:
    path = debtor_csv([debtor()])
    proc = _cli(
        "check", path, "--kind", "dishonest_debtor", "--as-of", "2024-12-31", "--set", setting
    )
    err = _one_line_error(proc)
    assert setting.split("=", maxsplit=1)[0] in err
    assert expected in err
    assert "ConversionSyntax" not in err


def test_generate_xlsx_without_the_extra_names_it(tmp_path: Path) -> None:
    proc = _without(
        "xlsxwriter", "generate", "--rows", "100", "--out", str(tmp_path), "--format", "xlsx"
    )
    assert "credit-ledger[xlsx-write]" in _one_line_error(proc)
    assert not list(tmp_path.iterdir())


def test_xlsx_quarantine_without_the_extra_fails_before_reading(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = debtor_csv([debtor(filed_on="x")])
    out = tmp_path / "q.xlsx"
    proc = _without(
        "xlsxwriter", "validate", str(path), "--kind", "dishonest_debtor", "--quarantine", str(out)
    )
    assert "credit-ledger[xlsx-write]" in _one_line_error(proc)
    assert not out.exists()


def test_strategies_without_hypothesis_name_the_extra() -> None:
    code = "import sys; sys.modules['hypothesis'] = None\nimport credit_ledger.testing.strategies"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )
    assert proc.returncode == 1
    assert "ImportError: credit_ledger.testing.strategies needs hypothesis" in proc.stderr
    assert "credit-ledger[plugin-dev]" in proc.stderr


@pytest.mark.parametrize("command", ["check", "run", "generate", "validate", "zeroing"])
def test_help_has_no_raw_markup(command: str) -> None:
    proc = _cli(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "``" not in proc.stdout
    assert ":func:" not in proc.stdout
