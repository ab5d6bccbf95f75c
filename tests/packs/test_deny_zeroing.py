"""The zeroing pack owns its domain: denied, it leaves no command, no persisted summary and no
table behind; allowed, its command and its summaries in the ledger are there (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from credit_ledger.ledger import Ledger
from tests.packs.test_unplaced import why_rows, write

SCRIPT = Path(sys.executable).with_name("credit-ledger")
AS_OF = "2024-12-31"


def credit_ledger(*argv: str | Path, deny: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, with ``CREDIT_LEDGER_PLUGINS_DENY`` set to ``deny``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_LEDGER_")}
    if deny is not None:
        env["CREDIT_LEDGER_PLUGINS_DENY"] = deny
    return subprocess.run(
        [str(SCRIPT), *map(str, argv)], capture_output=True, text=True, check=False, env=env
    )


def _plugin(listing: str, name: str) -> dict[str, object]:
    plugins = json.loads(listing)["plugins"]
    return next(p for p in plugins if p["name"] == name)


def test_plugins_list_with_zeroing_denied_shows_no_zeroing_command() -> None:
    allowed = credit_ledger("plugins", "list", "--json")
    assert allowed.returncode == 0, allowed.stderr
    assert "credit_ledger_commands" in _plugin(allowed.stdout, "zeroing")["hooks"]  # type: ignore[operator]
    denied = credit_ledger("plugins", "list", "--json", "--deny", "zeroing")
    assert denied.returncode == 0, denied.stderr
    zeroing = _plugin(denied.stdout, "zeroing")
    assert (zeroing["status"], zeroing["hooks"], zeroing["rules"]) == ("denied", [], 0)
    text = credit_ledger("plugins", "list", "--deny", "zeroing")
    line = next(x for x in text.stdout.splitlines() if x.startswith("zeroing "))
    assert "denied" in line
    assert "commands" not in line


def test_the_zeroing_command_is_unknown_with_the_pack_denied(tmp_path: Path) -> None:
    data = write(tmp_path / "dishonest_debtor.csv", why_rows())
    shown = credit_ledger("zeroing", "--help")
    assert shown.returncode == 0, shown.stderr
    assert "--bodies" in shown.stdout
    for denied in (
        credit_ledger("zeroing", "--help", deny="zeroing"),
        credit_ledger("zeroing", "--as-of", AS_OF, data, deny="zeroing"),
        credit_ledger("zeroing", "--deny", "zeroing", "--as-of", AS_OF, data),
    ):
        assert denied.returncode == 2
        assert "invalid choice: 'zeroing'" in denied.stderr
        assert "Traceback" not in denied.stderr
    assert "zeroing" not in credit_ledger("--help", deny="zeroing").stdout


def _job(tmp_path: Path) -> Path:
    incoming = tmp_path / "in"
    incoming.mkdir()
    write(incoming / "dishonest_debtor.csv", why_rows())
    job = tmp_path / "job.toml"
    job.write_text(
        'version = 1\n[job]\nname = "t"\nledger = "ledger"\nkinds = ["dishonest_debtor"]\n'
        '[[sources]]\nname = "spc"\nkind = "dishonest_debtor"\npath = "in/dishonest_debtor.csv"\n'
        '[outputs]\ndir = "out"\nwrite = ["summary", "summaries"]\n',
        encoding="utf-8",
    )
    return job


def test_a_new_ledger_has_no_zeroing_data_with_the_pack_denied(tmp_path: Path) -> None:
    job = _job(tmp_path)
    ran = credit_ledger("run", job, "--as-of", AS_OF, deny="zeroing")
    assert ran.returncode in (0, 1), ran.stderr
    ledger = tmp_path / "ledger"
    assert sorted(p.name for p in ledger.iterdir() if "zeroing" in p.name) == []
    stored = Ledger(ledger).state().table("summaries", all_runs=True).collect()
    assert not stored.filter(pl.col("summary").str.starts_with("zeroing.")).height
    assert Ledger(ledger).summary("zeroing.dishonest_debtor").collect().height == 0
    outputs = [p.name for p in (tmp_path / "out").iterdir()]
    assert not [n for n in outputs if n.startswith("zeroing")]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert not [n for n in summary["summaries"] if n.startswith("zeroing.")]
    history = credit_ledger("history", "--job", job, deny="zeroing")
    assert history.returncode == 0, history.stderr
    assert "zeroing" not in history.stdout


def test_with_the_pack_allowed_the_ledger_keeps_its_summaries(tmp_path: Path) -> None:
    job = _job(tmp_path)
    ran = credit_ledger("run", job, "--as-of", AS_OF)
    assert ran.returncode in (0, 1), ran.stderr
    stored = Ledger(tmp_path / "ledger").summary("zeroing.dishonest_debtor").collect()
    december = stored.filter(pl.col("period") == "2024-12").row(0, named=True)
    # typed as the pack declared it, nested reasons included
    assert stored.schema["unplaced_reasons"] == pl.List(
        pl.Struct({"reason": pl.String, "rows": pl.Int64})
    )
    assert december["opening"] + december["new"] - december["closed"] == december["closing"]
    assert december["closing"] + december["unplaced"] == 3
    csv = pl.read_csv(tmp_path / "out" / "zeroing.dishonest_debtor.csv")
    assert csv.filter(pl.col("period") == "2024-12")["closing"].to_list() == [december["closing"]]
    history = credit_ledger("history", "--job", job)
    assert "zeroing.dishonest_debtor 2024-12" in history.stdout
    # the pack's command reads the stored table by name through the public API
    shown = credit_ledger("zeroing", "--ledger", tmp_path / "ledger", "--json")
    assert shown.returncode == 0, shown.stderr
    december_shown = next(r for r in json.loads(shown.stdout) if r["period"] == "2024-12")
    assert (december_shown["closing"], december_shown["unplaced"]) == (
        december["closing"],
        december["unplaced"],
    )
    text = credit_ledger("zeroing", "--ledger", tmp_path / "ledger")
    assert "2024-12: not zeroed" in text.stdout, text.stdout + text.stderr
