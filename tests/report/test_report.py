"""The run report through its real entry points: the job's reporter, ``credit-ledger report``
(HTML and JSON) on ledgers written by real runs."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import polars as pl
import pytest

from credit_ledger.ledger import Ledger
from credit_ledger.report import SIZE_BUDGET, build_report
from tests.report.conftest import DAYS, Office, cli, make_office, write_job

SCHEMA = Path(__file__).parents[2] / "schemas" / "report.v1.json"


def report_json(ledger: Path, tmp_path: Path, *extra: str) -> dict[str, object]:
    out = tmp_path / "report.json"
    done = cli("report", "--ledger", ledger, "--out", out, "--format", "json", *extra)
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_job_writes_the_report_beside_its_outputs(office: Office) -> None:
    for day in DAYS:
        html = office.report(day).read_text(encoding="utf-8")
        assert 'class="panel ledger-panel"' in html
        assert day in html
    assert "动态清零" in html  # Chinese by default
    # the job hands its evaluation's summaries over: aging and classes are charted
    for section in ("aging", "classes"):
        start = html.index(f'<section id="{section}">')
        assert '<figure class="chart"><svg' in html[start : html.index("</section>", start)]


def test_report_from_the_ledger_alone_says_what_it_does_not_know(
    office: Office, tmp_path: Path
) -> None:
    data = report_json(office.ledger, tmp_path)
    assert data["aging"] is None
    assert data["classes"] is None
    out = tmp_path / "r.html"
    cli("report", "--ledger", office.ledger, "--out", out)
    assert out.read_text(encoding="utf-8").count("账本不保存该汇总") == 2


def test_json_follows_the_schema_and_rows_add_up(office: Office, tmp_path: Path) -> None:
    data = report_json(office.ledger, tmp_path)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    header = data["header"]
    assert isinstance(header, dict)
    assert header["as_of"] == DAYS[-1]
    assert header["rows_in"] == header["rows_valid"] + header["rows_quarantined"] > 0
    inputs = pl.DataFrame(
        header["inputs"]["rows"], schema=header["inputs"]["columns"], orient="row"
    )
    assert inputs["rows_in"].sum() == header["rows_in"]
    assert inputs["rows_quarantined"].sum() == header["rows_quarantined"]


def test_quality_is_worst_first_with_the_change_since_the_last_run(
    office: Office, tmp_path: Path
) -> None:
    first = report_json(office.ledger, tmp_path, "--run", _run_ids(office)[0])
    last = report_json(office.ledger, tmp_path)
    for key in ("quality_by_reason", "quality_by_source"):
        table = last[key]
        assert isinstance(table, dict)
        frame = pl.DataFrame(table["rows"], schema=table["columns"], orient="row")
        assert frame["rows"].to_list() == sorted(frame["rows"].to_list(), reverse=True)
        assert (frame["change"] == frame["rows"] - frame["previous"]).all()
        before = first[key]
        assert isinstance(before, dict)
        earlier = {r[0]: r[1] for r in before["rows"]}
        assert frame["previous"].to_list() == [earlier.get(k, 0) for k in frame[frame.columns[0]]]
    reasons = last["quality_by_reason"]
    assert isinstance(reasons, dict)
    assert sum(r[1] for r in reasons["rows"]) >= last["header"]["rows_quarantined"]  # type: ignore[index]


def _run_ids(office: Office) -> list[str]:
    return Ledger(office.ledger).runs()["run_id"].to_list()


def test_zeroing_panels_with_trend_over_runs_and_every_kind(office: Office, tmp_path: Path) -> None:
    data = report_json(office.ledger, tmp_path)
    panels = data["ledgers"]
    assert isinstance(panels, list)
    kinds = {p["kind"] for p in panels}
    assert {"dishonest_debtor", "judgment_debtor_case", "arrears_case"} <= kinds
    for p in panels:
        assert len(p["runs"]["rows"]) == len(DAYS)  # one closing figure per committed run
        assert p["zeroed"] == (p["closing"] == 0 and not p["unplaced"])
        assert p["records"] > 0


def test_html_holds_charts_and_the_rows_behind_them(office: Office, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert cli("report", "--ledger", office.ledger, "--out", out, "--lang", "en").returncode == 0
    html = out.read_text(encoding="utf-8")
    assert html.count('<figure class="chart"><svg') >= 4
    assert "Dynamic zeroing" in html
    assert "动态清零" not in html
    assert html.count('<script type="application/json"') == html.count('class="pager"') > 3
    # nothing outside the file: no source or link attribute pointing anywhere
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "@media print" in html
    assert "size: A4" in html


def test_empty_ledger_says_there_is_nothing_yet(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    done = cli("report", "--ledger", tmp_path / "nothing", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "暂无内容" in out.read_text(encoding="utf-8")
    data = report_json(tmp_path / "nothing", tmp_path)
    assert data["header"] is None
    assert data["ledgers"] == []


def test_unknown_run_is_a_one_line_error(office: Office, tmp_path: Path) -> None:
    done = cli(
        "report",
        "--ledger",
        office.ledger,
        "--run",
        "r99",
        "--out",
        tmp_path / "x.html",
        check=False,
    )
    assert done.returncode == 3
    assert "r99" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.html").exists()


def test_a_kind_without_records_says_so(tmp_path: Path) -> None:
    def empty_arrears(incoming: Path) -> None:
        path = incoming / "arrears_case.csv"
        header = path.read_text(encoding="utf-8").splitlines()[0]
        path.write_text(header + "\n", encoding="utf-8")

    office = make_office(tmp_path, 800, edit=empty_arrears, days=DAYS[:1])
    data = report_json(office.ledger, tmp_path)
    arrears = [p for p in data["ledgers"] if p["kind"] == "arrears_case"]  # type: ignore[union-attr]
    assert arrears
    assert all(p["records"] == 0 for p in arrears)
    html = office.report(DAYS[0]).read_text(encoding="utf-8")
    assert html.count("本账本中该类型没有记录") == len(arrears)


def test_unplaced_rows_keep_a_ledger_from_zero(tmp_path: Path) -> None:
    office = make_office(tmp_path, 800, days=DAYS[:1], modules=("tests.report.unplaced_plugin",))
    data = report_json(office.ledger, tmp_path)
    (panel,) = [p for p in data["ledgers"] if p["summary"] == "testpack.unplaced_ledger"]  # type: ignore[union-attr]
    assert panel["closing"] == 0
    assert panel["unplaced"] == 2
    assert panel["distinct_bodies"] == 0
    assert panel["zeroed"] is False
    html = office.report(DAYS[0]).read_text(encoding="utf-8")
    start = html.index('data-summary="testpack.unplaced_ledger"')
    shown = html[start : html.index("</h3>", start)]
    assert "未清零" in shown
    assert "存在无法归入任何期间的记录" in html[start:]


INJECTED = '<script>alert("x")</script>执法局'
INJECTED_NAME = "<img src=x onerror=alert(1)>有限公司"


def test_names_holding_html_are_escaped(tmp_path: Path) -> None:
    def inject(incoming: Path) -> None:
        path = incoming / "admin_penalty.csv"
        frame = pl.read_csv(path, infer_schema=False)
        frame = frame.with_columns(
            pl.lit(INJECTED).alias("数据来源单位"), pl.lit(INJECTED_NAME).alias("行政相对人名称")
        )
        frame.write_csv(path)

    office = make_office(tmp_path, 800, edit=inject, days=DAYS[:1])
    html = office.report(DAYS[0]).read_text(encoding="utf-8")
    assert INJECTED.split("执", maxsplit=1)[0] not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert" in html  # shown, as text, in the department chart and table
    assert html.count("<script") == html.count("</script>")


def _people(incoming: Path) -> tuple[set[str], set[str]]:
    """Natural persons' names (3+ characters) and ID numbers in the generated files."""
    names: set[str] = set()
    ids: set[str] = set()
    with (incoming / "dishonest_debtor.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["主体类型"] in ("0", "自然人"):
                names.add(row["被执行人姓名/名称"])
                ids.add(row["身份证号码/组织机构代码"])
            names.add(row["法定代表人或者负责人姓名"])
    with (incoming / "admin_penalty.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names.add(row["法定代表人"])
            ids.add(row["法定代表人身份证号"])
            if row["行政相对人类别"] == "自然人":
                names.add(row["行政相对人名称"])
                ids.add(row["证件号码"])
    names = {n.strip() for n in names if len(n.strip()) >= 3}
    ids = {i.strip() for i in ids if re.fullmatch(r"\d{17}[\dXx]", i.strip())}
    return names, ids


def test_no_natural_person_is_named_in_the_report(office: Office, tmp_path: Path) -> None:
    names, ids = _people(office.root / "in" / DAYS[-1])
    assert len(names) > 20
    assert len(ids) > 20
    html = office.report(DAYS[-1]).read_text(encoding="utf-8")
    text = html + json.dumps(report_json(office.ledger, tmp_path), ensure_ascii=False)
    assert not [n for n in names if n in text]
    assert not [i for i in ids if i in text]
    assert "有限公司" in text  # legal entities stay readable


@pytest.mark.slow
def test_page_stays_within_its_size_budget_with_100000_findings(tmp_path: Path) -> None:
    office = make_office(tmp_path, 170_000, days=DAYS[:1])
    report = build_report(office.ledger)
    assert report.findings.total >= 100_000
    assert report.quarantine.total > len(report.quarantine.rows)  # paged, not all embedded
    size = office.report(DAYS[0]).stat().st_size
    assert size < SIZE_BUDGET, f"{size:,} bytes"


def _without_charts(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command line in an install without the ``report`` extra."""
    code = (
        "import sys; sys.modules['vl_convert'] = None\n"
        "from credit_ledger.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=False
    )


def test_without_the_report_extra_the_error_says_what_to_install(
    office: Office, tmp_path: Path
) -> None:
    done = _without_charts("report", "--ledger", office.ledger, "--out", tmp_path / "r.html")
    assert done.returncode == 2
    assert "pip install 'credit-ledger[report]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert (
        _without_charts(
            "report", "--ledger", office.ledger, "--out", tmp_path / "r.json", "--format", "json"
        ).returncode
        == 0
    )  # data needs no charts
    job = write_job(tmp_path)
    done = _without_charts("run", job, "--as-of", DAYS[0])
    assert done.returncode == 2
    assert "credit-ledger[report]" in done.stderr
    assert not (tmp_path / "ledger").exists()  # stopped before reading anything
