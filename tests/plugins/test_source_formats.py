"""A plugin's source format reaches every read: :func:`credit_ledger.read`, ``credit-ledger
validate`` (in memory and ``--out``) and a job's ``run``; by suffix and by ``format=`` name.

The plugins are real distributions with real entry points (see ``conftest.make_dist``): a
pipe-separated format ``acme.psv`` and a format whose reader raises.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

import credit_ledger
from credit_ledger.cli import main
from credit_ledger.errors import ConfigError, PluginError
from credit_ledger.ingest import ROW, SOURCE
from credit_ledger.ledger import Ledger
from tests.jobs.conftest import AS_OF, job_text, listing, other_plugins, write_rows
from tests.plugins.conftest import MakeDist

PSV = """\
from __future__ import annotations
import polars as pl
from credit_ledger.plugins import hookimpl, SourceFormat

def _read(path, encoding):
    return pl.scan_csv(path, separator="|", infer_schema=False)

@hookimpl
def credit_ledger_source_formats():
    return [SourceFormat(name="acme.psv", extensions=(".psv",), read=_read,
                         description="pipe-separated values")]
"""

BROKEN = """\
from __future__ import annotations
from credit_ledger.plugins import hookimpl, SourceFormat

def _read(path, encoding):
    raise ValueError("line 2: cannot parse '张晓燕'")

@hookimpl
def credit_ledger_source_formats():
    return [SourceFormat(name="broken.brk", extensions=(".brk",), read=_read)]
"""

ROWS = [listing(1), listing(2), listing(3, court="")]  # row 3: a required value missing


@pytest.fixture
def acme(make_dist: MakeDist, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the built-in kinds and the test plugins: installed packs would add rules and time.
    monkeypatch.setenv("CREDIT_LEDGER_PLUGINS_DENY", other_plugins())
    make_dist("acme-psv", "1.0", entry_points={"acme_psv": "acme_psv"}, modules={"acme_psv": PSV})
    make_dist(
        "broken-fmt", "0.1", entry_points={"broken": "broken_fmt"}, modules={"broken_fmt": BROKEN}
    )


def _psv(path: Path) -> Path:
    """``ROWS`` as pipe-separated values with canonical headers (an empty value unquoted)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(ROWS).with_columns(pl.all().replace("", None)).write_csv(path, separator="|")
    return path


def test_read_by_suffix_maps_like_a_builtin_format(acme: None, tmp_path: Path) -> None:
    psv = _psv(tmp_path / "debtors.psv")
    as_csv = write_rows(tmp_path / "debtors.csv", ROWS)
    got = credit_ledger.read(psv, kind="dishonest_debtor").collect()
    want = credit_ledger.read(as_csv, kind="dishonest_debtor").collect()
    data = [c for c in want.columns if not c.startswith("_")]  # CSV adds its shape columns
    assert got.select(*data, ROW).equals(want.select(*data, ROW))
    assert got[SOURCE].unique().to_list() == ["debtors.psv"]
    assert got[ROW].to_list() == [1, 2, 3]
    summary = credit_ledger.validate(got, kind="dishonest_debtor").summary
    assert (summary.rows_in, summary.rows_valid, summary.rows_quarantined) == (3, 2, 1)


def test_read_by_format_name_whatever_the_suffix(acme: None, tmp_path: Path) -> None:
    txt = _psv(tmp_path / "debtors.txt")  # .txt alone would be read as CSV
    got = credit_ledger.read(txt, kind="dishonest_debtor", format="acme.psv").collect()
    assert got["record_id"].to_list() == ["D0001", "D0002", "D0003"]


def test_unknown_format_name_lists_the_known_ones(acme: None, tmp_path: Path) -> None:
    txt = _psv(tmp_path / "debtors.txt")
    with pytest.raises(ConfigError) as err:
        credit_ledger.read(txt, kind="dishonest_debtor", format="acme.pvs")
    assert str(err.value) == (
        "debtors.txt: unknown source format 'acme.pvs' (known: acme.psv, arrow, broken.brk, "
        "csv, excel, json, ndjson, parquet)"
    )


def test_raising_format_is_one_error_naming_the_plugin(acme: None, tmp_path: Path) -> None:
    brk = tmp_path / "debtors.brk"
    brk.write_text("anything", encoding="utf-8")
    with pytest.raises(PluginError) as err:
        credit_ledger.read(brk, kind="dishonest_debtor")
    assert str(err.value) == (
        "plugin broken: source format 'broken.brk' failed reading debtors.brk: "
        "ValueError: line 2: cannot parse '张*'"
    )


def test_cli_validate_reads_a_plugin_format(
    acme: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    psv = _psv(tmp_path / "debtors.psv")
    code = main(["validate", str(psv), "--kind", "dishonest_debtor", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert (code, out["rows_in"], out["rows_valid"]) == (1, 3, 2)

    txt = _psv(tmp_path / "in" / "debtors.txt")
    out_dir = str(tmp_path / "out")
    argv = ["validate", str(txt), "--kind", "dishonest_debtor", "--format", "acme.psv"]
    code = main([*argv, "--out", out_dir, "--quiet"])
    capsys.readouterr()
    assert code == 1
    assert pl.read_parquet(tmp_path / "out" / "valid")["record_id"].to_list() == ["D0001", "D0002"]


def test_cli_validate_with_a_raising_format_exits_3_in_one_line(
    acme: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    brk = tmp_path / "debtors.brk"
    brk.write_text("anything", encoding="utf-8")
    code = main(["validate", str(brk), "--kind", "dishonest_debtor"])
    err = capsys.readouterr().err
    assert code == 3
    assert err.strip().splitlines() == [
        "credit-ledger: error: plugin broken: source format 'broken.brk' failed reading "
        "debtors.brk: ValueError: line 2: cannot parse '张*'"
    ]


def test_job_run_reads_a_plugin_format(
    acme: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _psv(tmp_path / "in" / "a.psv")
    _psv(tmp_path / "in" / "b.txt")
    job = tmp_path / "job.toml"
    sources = [
        {"name": "by_suffix", "kind": "dishonest_debtor", "path": "in/*.psv"},
        {"name": "by_name", "kind": "dishonest_debtor", "path": "in/*.txt", "format": "acme.psv"},
    ]
    job.write_text(job_text(sources=sources), encoding="utf-8")
    code = main(["run", str(job), "--as-of", AS_OF, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert (code, out["status"]) == (0, "completed")  # quarantined rows fail no run
    assert [(i["source"], i["rows_in"], i["rows_valid"]) for i in out["inputs"]] == [
        ("by_suffix", 3, 2),
        ("by_name", 3, 2),
    ]
    records = Ledger(tmp_path / "ledger").state().records("dishonest_debtor").collect()
    assert sorted(records["record_id"]) == ["D0001", "D0002"]


def test_dry_run_finds_a_format_name_no_plugin_has(
    acme: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _psv(tmp_path / "in" / "b.txt")
    job = tmp_path / "job.toml"
    source = {"name": "s", "kind": "dishonest_debtor", "path": "in/*.txt", "format": "acme.pvs"}
    job.write_text(job_text(sources=[source]), encoding="utf-8")
    code = main(["run", str(job), "--as-of", AS_OF, "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2
    assert "b.txt: unknown source format 'acme.pvs' (known: acme.psv," in err
    source["format"] = "acme.psv"
    job.write_text(job_text(sources=[source]), encoding="utf-8")
    assert main(["run", str(job), "--as-of", AS_OF, "--dry-run"]) == 0
    assert not (tmp_path / "ledger").exists() or not any((tmp_path / "ledger").iterdir())


def test_cli_validate_out_lists_a_plugin_suffix_in_a_directory(
    acme: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _psv(tmp_path / "in" / "a.psv")
    write_rows(tmp_path / "in" / "b.csv", [listing(7)])
    (tmp_path / "in" / "notes.md").write_text("not a source", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["validate", str(tmp_path / "in"), "--kind", "dishonest_debtor", "--out", str(out)]
    assert main([*argv, "--quiet"]) == 1
    capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [Path(f).name for f in summary["files"]] == ["a.psv", "b.csv"]
    assert (summary["rows_in"], summary["rows_valid"]) == (4, 3)


def test_cli_inspect_shows_how_a_plugin_format_maps(
    acme: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    psv = _psv(tmp_path / "debtors.psv")
    assert main(["inspect", str(psv), "--kind", "dishonest_debtor"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("debtors.psv: kind dishonest_debtor")
    assert "court" in out


def test_check_reads_a_plugin_format(acme: None, tmp_path: Path) -> None:
    psv = _psv(tmp_path / "debtors.psv")
    result = credit_ledger.check(psv, kind="dishonest_debtor", as_of=dt.date(2025, 3, 31))
    summary = result.validation.summary
    assert (summary.rows_in, summary.rows_valid) == (3, 2)


def test_quarantine_for_people_of_a_file_read_by_a_named_format(
    acme: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``.txt`` is a built-in suffix: the workbook/CSV for people must not re-read the file as
    CSV (it would find no header), it shows the rows as the named format read them."""
    txt = _psv(tmp_path / "in" / "b.txt")
    q = tmp_path / "q.csv"
    argv = ["validate", str(txt), "--kind", "dishonest_debtor", "--format", "acme.psv"]
    assert main([*argv, "--quarantine", str(q)]) == 1
    capsys.readouterr()
    people = pl.read_csv(q, infer_schema=False)
    assert people.height == 1
    assert people["记录编号"].to_list() == ["D0003"]

    job = tmp_path / "job.toml"
    source = {"name": "s", "kind": "dishonest_debtor", "path": "in/*.txt", "format": "acme.psv"}
    outputs = {"dir": "out", "write": ["summary", "quarantine.csv"]}
    job.write_text(job_text(sources=[source], outputs=outputs), encoding="utf-8")
    assert main(["run", str(job), "--as-of", AS_OF]) == 0
    capsys.readouterr()
    (written,) = (tmp_path / "out").rglob("quarantine.csv")
    people = pl.read_csv(written, infer_schema=False)
    assert (people["来源"].to_list(), people["记录编号"].to_list()) == (["b.txt"], ["D0003"])
