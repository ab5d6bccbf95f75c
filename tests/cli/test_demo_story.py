"""`credit-ledger demo` tells a story a user can read: dates consistent with its run date, only
the built-in packs unless asked, and a closing summary of what matters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

import credit_ledger
from tests.cli import run_cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    data = tmp_path_factory.mktemp("demo")
    proc = run_cli("demo", "--rows", "5000", "--data-dir", data, "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return data, json.loads(proc.stdout)


def test_no_generated_record_is_dated_after_the_run_date(
    demo: tuple[Path, dict[str, object]],
) -> None:
    data, out = demo
    as_of = dt.date.fromisoformat(str(out["as_of"]))
    checked = 0
    for path in sorted(data.glob("*.csv")):
        valid = credit_ledger.validate(
            credit_ledger.read(path, kind=path.stem), kind=path.stem
        ).valid
        # Dates that end a period (valid_to, publicity_end, due dates) may lie ahead; the
        # dates of events (decided, filed, published, collected, closed...) may not.
        events = [
            c
            for c, t in valid.schema.items()
            if t == pl.Date and not c.endswith(("_to", "_end", "due_on", "_ground_on"))
        ]
        late = valid.select(pl.any_horizontal(pl.col(c) > as_of for c in events).sum()).item()
        assert late == 0, (path.stem, late)
        checked += valid.height
    assert checked > 4000


def test_only_the_built_in_packs_run_unless_asked(demo: tuple[Path, dict[str, object]]) -> None:
    data, out = demo
    listed = run_cli("plugins", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    infos = json.loads(listed.stdout)["plugins"]
    ours = {p["name"] for p in infos if p["distribution"] == "credit-ledger"}
    installed = {p["name"] for p in infos if p["status"] == "active"}
    # `make` installs the example plugin as a third party would: it is there to be left out.
    assert installed - ours, "no third-party plugin installed"
    assert set(out["plugins"]) == ours  # type: ignore[arg-type]
    everything = run_cli("demo", "--rows", "5000", "--data-dir", data, "--json", "--plugins", "all")
    assert everything.returncode == 0, everything.stderr[-2000:]
    assert set(json.loads(everything.stdout)["plugins"]) == installed


def test_closing_summary(demo: tuple[Path, dict[str, object]]) -> None:
    _, out = demo
    closing = out["closing"]
    assert isinstance(closing, dict)
    assert {"zeroing.dishonest_debtor", "zeroing.judgment_debtor_case"} <= set(closing["ledgers"])
    departments = closing["departments_by_quarantine"]
    assert 0 < len(departments) <= 5
    counts = [d["quarantined"] for d in departments]
    assert counts == sorted(counts, reverse=True)
    assert all(0 < d["rate"] <= 1 for d in departments)
    rules = closing["rules_by_findings"]
    assert 0 < len(rules) <= 5
    assert [r["findings"] for r in rules] == sorted((r["findings"] for r in rules), reverse=True)
    outcomes = out["rules"]["outcomes"]  # type: ignore[index]
    failed = {o["rule_id"]: o["failed"] for o in outcomes}
    assert [r["findings"] for r in rules] == sorted(failed.values(), reverse=True)[: len(rules)]
    assert all(failed[r["rule_id"]] == r["findings"] for r in rules)


def test_text_output_ends_with_the_summary(demo: tuple[Path, dict[str, object]]) -> None:
    data, _ = demo
    proc = run_cli("demo", "--rows", "5000", "--data-dir", data)
    assert proc.returncode == 0, proc.stderr[-2000:]
    tail = proc.stdout[proc.stdout.index("in short, as of 2025-12-31:") :]
    assert "zeroing.dishonest_debtor:" in tail
    assert "departments with the most quarantined rows:" in tail
    assert "rules with the most findings:" in tail
