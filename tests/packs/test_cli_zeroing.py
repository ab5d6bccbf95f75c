"""``credit-ledger zeroing``: files in, the zeroing table out (text or JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credit_ledger.cli import main
from credit_ledger.synth import generate_frames
from credit_ledger.testing import make_frame
from tests.packs._data import ENTERPRISE
from tests.packs.test_arrears import case as arrears_case
from tests.packs.test_zeroing import case as judgment_case
from tests.packs.test_zeroing import listing


def write(path: Path, kind: str, rows: list[dict[str, Any]]) -> Path:
    rows = [{"record_id": f"R{i}", **r} for i, r in enumerate(rows)]
    frame = make_frame(kind, rows).drop("_source", "_row", "subject_kind", strict=False)
    frame.write_csv(path)
    return path


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return [
        write(
            tmp_path / "dishonest_debtor.csv",
            "dishonest_debtor",
            [
                listing(),
                listing(
                    published_on="2024-03-01", removed_on="2024-04-10", removal_reason="performed"
                ),
                listing(id_or_uscc=ENTERPRISE),
            ],
        ),
        write(
            tmp_path / "judgment_debtor_case_2024.csv", "judgment_debtor_case", [judgment_case()]
        ),
        write(tmp_path / "arrears_case.csv", "arrears_case", [arrears_case()]),
    ]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json(files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "zeroing",
        "--as-of",
        "2024-06-30",
        "--period",
        "quarter",
        "--json",
        *map(str, files),
    )
    assert code == 0, err
    rows = json.loads(out)
    assert {r["ledger"] for r in rows} == {
        "dishonest_debtor",
        "judgment_debtor_case",
        "arrears_case",
    }
    for r in rows:
        assert r["opening"] + r["new"] - r["closed"] == r["closing"]
    q2 = next(r for r in rows if r["ledger"] == "dishonest_debtor" and r["period"] == "2024Q2")
    assert (q2["period_start"], q2["period_end"]) == ("2024-04-01", "2024-06-30")
    assert (q2["opening"], q2["new"], q2["closed"], q2["closing"], q2["zeroed"]) == (
        2,
        0,
        1,
        1,
        False,
    )
    arrears = next(r for r in rows if r["ledger"] == "arrears_case" and r["period"] == "2024Q2")
    assert arrears["new_amount"] == "200000.00"
    assert arrears["closing_overdue"] == 1
    assert "judgment_debtor_case_2024.csv: judgment_debtor_case" in err


def test_text(files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "zeroing", "--as-of", "2024-02-29", *map(str, files))
    assert code == 0
    assert "dishonest_debtor" in out
    assert "2024-02" in out


def test_settings_through_the_plugin_options(
    files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["zeroing", "--as-of", "2024-02-29", "--json", str(files[0])]
    _, out, _ = run(capsys, *argv)
    before = json.loads(out)[1]["closing"]
    code, out, err = run(
        capsys,
        *argv,
        "--plugins",
        "credit_ledger_packs.common",
        "--set",
        f"packs.extra_gov_codes={ENTERPRISE}",
    )
    assert code == 0, err
    assert json.loads(out)[1]["closing"] == before + 1


def test_unknown_kind_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "listings.csv", "dishonest_debtor", [listing()])
    code, _, err = run(capsys, "zeroing", "--as-of", "2024-06-30", str(path))
    assert code == 2
    assert "--kind" in err
    code, _, _ = run(
        capsys, "zeroing", "--as-of", "2024-06-30", "--kind", "dishonest_debtor", str(path)
    )
    assert code == 0


def test_synthetic_demo_data_per_month(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = generate_frames(4_000, seed=5)
    paths = []
    for kind in ("dishonest_debtor", "judgment_debtor_case", "arrears_case"):
        path = tmp_path / f"{kind}.csv"
        data.frames[kind].write_csv(path)
        paths.append(str(path))
    code, out, err = run(capsys, "zeroing", "--as-of", "2024-12-31", "--json", *paths)
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 36  # three ledgers × twelve months of 2024
    for r in rows:
        assert r["opening"] + r["new"] - r["closed"] == r["closing"]
