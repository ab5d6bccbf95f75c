"""The correction loop in the department's own terms, through the real command line: a source
with Chinese headers and one with the 双公示 standard's codes are run, their workbooks show
those headers and the values as read, a clerk fixes rows with openpyxl, and the next run
counts the corrected rows in every figure (manifest, runs row, summary, history, report)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from deltalake import write_deltalake

from credit_ledger import ids
from credit_ledger.kinds import get_kind
from credit_ledger.ledger import Ledger
from credit_ledger.reasons import label_zh

KIND = "admin_penalty"
FAULT_FILL = "FFFFC7CE"


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "credit_ledger", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: findings, as generated days have
    return done


def job(root: Path, name: str, path: Path | str, *, sheet: str | None = KIND) -> Path:
    lines = ["version = 1", "[job]", 'name = "corrections"', 'ledger = "ledger"']
    lines += [f'kinds = ["{KIND}"]', "[[sources]]", f'name = "{name}"', f'kind = "{KIND}"']
    lines += [f'path = "{path}"', *([f'sheet = "{sheet}"'] if sheet else [])]
    lines += ["[outputs]", f'dir = "out-{name}"', 'write = ["corrections", "summary", "manifest"]']
    target = root / f"job-{name}.toml"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def standard_codes(source: Path) -> None:
    """Rename the canonical headers of ``source`` to the 双公示 standard's codes where the kind
    knows one (``CF_XDR_ZJHM``...), as a department exporting by the standard would."""
    kind = get_kind(KIND)
    frame = pl.read_csv(source, infer_schema=False)
    codes = {}
    for column in frame.columns:
        found = [a for a in kind.field(column).aliases if a.startswith("CF_")]
        if found:
            codes[column] = found[0]
    assert len(codes) >= 4, codes  # the test means something only with several codes
    frame.rename(codes).write_csv(source)


def header_of(source: Path) -> list[str]:
    with source.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


def rows_of(source: Path) -> dict[int, list[str]]:
    with source.open(encoding="utf-8-sig", newline="") as f:
        return dict(enumerate(list(csv.reader(f))[1:], start=1))


@dataclass(frozen=True)
class Office:
    root: Path
    source: Path
    books: list[Path]


@pytest.fixture(scope="module", params=["zh", "codes"])
def office(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Office:
    root = tmp_path_factory.mktemp(f"office-{request.param}")
    headers = "zh" if request.param == "zh" else "en"
    cli("generate", "--rows", 1500, "--seed", 11, "--defect-rate", 0.2, "--headers", headers,
        "--out", root / "in")  # fmt: skip
    source = root / "in" / f"{KIND}.csv"
    if request.param == "codes":
        standard_codes(source)
    cli("run", job(root, "first", f"in/{KIND}.csv", sheet=None), "--as-of", "2025-01-30")
    books = sorted((root / "out-first" / "corrections").glob("*.xlsx"))
    assert books
    return Office(root, source, books)


def sheet_rows(book: Path) -> tuple[list[str], list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(book, read_only=True)
    rows = list(wb[KIND].iter_rows(values_only=True))
    wb.close()
    return [str(h) for h in rows[0]], rows[1:]


def test_workbooks_show_the_sources_own_headers_and_values_as_read(office: Office) -> None:
    source_header = header_of(office.source)
    source_rows = rows_of(office.source)
    personal = {
        h
        for h in source_header
        if any(h in (c, *get_kind(KIND).field(c).aliases) for c in get_kind(KIND).personal_columns)
    }
    compared = 0
    for book in office.books:
        header, rows = sheet_rows(book)
        assert header[:4] == ["来源文件", "原行号", "原因代码", "原因说明"]
        assert header[-1] == "单位备注"
        body = header[4:-1]
        assert [h for h in body if h != "记录编号"] == [
            h for h in source_header if h != "记录编号"
        ]  # the department's own headers, in its order
        for row in rows:
            given = dict(zip(source_header, source_rows[int(str(row[1]))], strict=True))
            shown = dict(zip(header, row, strict=True))
            for h in body:
                if h in personal or h == id_header(header):
                    continue
                assert (shown[h] or "") == given[h], (h, shown[h], given[h])
                compared += 1
    assert compared > 100


def test_cells_at_fault_are_highlighted_under_the_departments_headers(office: Office) -> None:
    kind = get_kind(KIND)
    header_for = {
        c: h
        for h in header_of(office.source)
        for c in kind.columns
        if h in (c, *kind.field(c).aliases, *kind.field(c).wan_aliases)
    }
    marked_any = 0
    for book in office.books:
        ws = openpyxl.load_workbook(book)[KIND]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            codes = {c.partition(":")[0] for c in str(row[2].value).split("; ")}
            marked = {header[c.column - 1] for c in row if c.fill.fgColor.rgb == FAULT_FILL}
            assert marked == {header_for[c] for c in codes if c in header_for}
            marked_any += len(marked)
    assert marked_any


def id_header(header: list[object]) -> str:
    """The header the record id is shown under: the source's own, else ours (记录编号)."""
    names = ("record_id", *get_kind(KIND).field("record_id").aliases)
    return next(str(h) for h in header if h in names)


def fix_credit_codes(book: Path) -> set[str]:
    """As a clerk would: correct the check character of each credit code at fault, in rows
    whose only reasons are bad credit codes, and say so in the note. Returns the record ids."""
    wb = openpyxl.load_workbook(book)
    ws = wb[KIND]
    header = [c.value for c in ws[1]]
    fixed: set[str] = set()
    for row in ws.iter_rows(min_row=2):
        if not all(c.endswith(":uscc") for c in str(row[2].value).split("; ")):
            continue
        for cell in row:
            if cell.fill.fgColor.rgb == FAULT_FILL:
                code = str(cell.value).strip()[:17]
                cell.value = code + ids.uscc_check_char(code)
        row[-1].value = "已更正统一社会信用代码"
        fixed.add(str(row[header.index(id_header(header))].value))
    wb.save(book)
    return fixed


@pytest.fixture(scope="module")
def returned(office: Office) -> tuple[Office, Path, set[str], subprocess.CompletedProcess[str]]:
    fixed: set[str] = set()
    for book in office.books:
        fixed = fix_credit_codes(book)
        if fixed:
            break
    assert fixed, "no workbook had a row with only a bad credit code"
    run = cli("run", job(office.root, "second", book), "--as-of", "2025-01-31", "--json")
    return office, book, fixed, run


def test_a_returned_workbook_replaces_the_rows_it_corrects(
    returned: tuple[Office, Path, set[str], subprocess.CompletedProcess[str]],
) -> None:
    office, _, fixed, run = returned
    assert json.loads(run.stdout)["rows_corrected"] == len(fixed)
    state = Ledger(office.root / "ledger").state()
    assert not fixed & set(state.quarantine().collect()["record_id"])
    held = state.records(KIND).filter(pl.col("record_id").is_in(list(fixed))).collect()
    assert held.height == len(fixed)  # every corrected row passed and is held


def test_the_corrected_count_reaches_manifest_runs_row_and_summary(
    returned: tuple[Office, Path, set[str], subprocess.CompletedProcess[str]],
) -> None:
    office, book, fixed, _ = returned
    manifest = json.loads((office.root / "out-second" / "manifest.json").read_text("utf-8"))
    assert manifest["rows_corrected"] == len(fixed)
    (entry,) = manifest["inputs"]
    assert entry["returned_workbook"] is True
    assert entry["location"].endswith(book.name)
    assert entry["rows_corrected"] == entry["rows_valid"] == len(fixed)
    first = json.loads((office.root / "out-first" / "manifest.json").read_text("utf-8"))
    assert [i["returned_workbook"] for i in first["inputs"]] == [False]
    assert first["rows_corrected"] == 0
    summary = json.loads((office.root / "out-second" / "summary.json").read_text("utf-8"))
    assert summary["rows_corrected"] == len(fixed)
    assert summary["inputs"][0]["rows_corrected"] == len(fixed)
    runs = Ledger(office.root / "ledger").runs()
    assert runs["rows_corrected"].to_list() == [0, len(fixed)]


def test_history_and_report_show_the_corrected_count(
    returned: tuple[Office, Path, set[str], subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    office, _, fixed, _ = returned
    ledger = office.root / "ledger"
    history = cli("history", "--ledger", ledger).stdout.splitlines()
    assert "corr." in history[1]
    column = history[1].split().index("corr.")
    assert [line.split()[column] for line in history[2:4]] == ["0", str(len(fixed))]
    runs = json.loads(cli("history", "--ledger", ledger, "--json").stdout)["runs"]
    assert [r["rows_corrected"] for r in runs] == [0, len(fixed)]
    cli("report", "--ledger", ledger, "--format", "json", "--out", tmp_path / "r.json")
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["header"]["rows_corrected"] == len(fixed)
    inputs = report["header"]["inputs"]
    assert [r[inputs["columns"].index("rows_corrected")] for r in inputs["rows"]] == [len(fixed)]
    cli("report", "--ledger", ledger, "--out", tmp_path / "zh.html")
    cli("report", "--ledger", ledger, "--lang", "en", "--out", tmp_path / "en.html")
    assert f"经退回更正表更正：{len(fixed)} 行" in (tmp_path / "zh.html").read_text("utf-8")
    english = (tmp_path / "en.html").read_text("utf-8")
    assert f"corrected from returned workbooks: {len(fixed)}" in english


def test_an_older_ledger_without_the_column_still_reads_and_takes_new_runs(
    tmp_path: Path,
) -> None:
    cli("generate", "--rows", 300, "--seed", 2, "--out", tmp_path / "in")
    cli("run", job(tmp_path, "old", f"in/{KIND}.csv", sheet=None), "--as-of", "2025-01-30")
    runs = tmp_path / "ledger" / "runs"
    old = Ledger(tmp_path / "ledger").runs().drop("rows_corrected")
    # the runs table as a ledger written before the column holds it
    write_deltalake(runs, old.to_arrow(), mode="overwrite", schema_mode="overwrite")
    assert "rows_corrected" not in pl.scan_delta(str(runs)).collect_schema()
    ledger = Ledger(tmp_path / "ledger")
    assert ledger.runs()["rows_corrected"].to_list() == [0]
    assert ledger.last_run() is not None
    assert cli("history", "--ledger", tmp_path / "ledger").returncode == 0
    cli("report", "--ledger", tmp_path / "ledger", "--format", "json", "--out", tmp_path / "r")
    assert json.loads((tmp_path / "r").read_text("utf-8"))["header"]["rows_corrected"] == 0
    cli("run", job(tmp_path, "old", f"in/{KIND}.csv", sheet=None), "--as-of", "2025-01-31")
    assert Ledger(tmp_path / "ledger").runs()["rows_corrected"].to_list() == [0, 0]


def test_a_clerks_reshaped_workbook_merges_cleanly_and_loses_no_row(
    office: Office, tmp_path: Path
) -> None:
    """Columns reordered, the last row deleted, the sheet renamed: read as the only sheet, the
    rows merge by record id; the deleted row stays quarantined, and the accounting shows it."""
    shutil.copytree(office.root / "ledger", tmp_path / "ledger")
    before = Ledger(tmp_path / "ledger").runs().height
    book = next(b for b in office.books if len(sheet_rows(b)[1]) >= 2)
    header, rows = sheet_rows(book)
    reshaped = openpyxl.Workbook()
    ws = reshaped.active
    assert ws is not None
    ws.title = "已更正"
    for row in [tuple(header), *rows[:-1]]:
        ws.append(list(row[::-1]))
    returned_book = tmp_path / "returned.xlsx"
    reshaped.save(returned_book)
    cli("run", job(tmp_path, "reshaped", returned_book, sheet=None), "--as-of", "2025-02-03")
    ledger = Ledger(tmp_path / "ledger")
    assert ledger.runs().height == before + 1
    manifest = json.loads((tmp_path / "out-reshaped" / "manifest.json").read_text("utf-8"))
    (entry,) = manifest["inputs"]
    assert entry["returned_workbook"] is True
    assert entry["rows_in"] == len(rows) - 1  # every returned row, none invented
    assert entry["rows_in"] == entry["rows_valid"] + entry["rows_quarantined"]
    assert entry["rows_corrected"] == entry["rows_valid"]
    state = ledger.state()
    deleted = str(rows[-1][header.index(id_header(header))])
    assert deleted in set(state.quarantine(all_runs=True).collect()["record_id"])
    held = state.records(KIND).filter(pl.col("record_id") == deleted).collect()
    assert held.height == 0  # still unresolved: quarantined by its run, never dropped
    # the job naming the kind's sheet: one clear line naming it, nothing committed
    sheet_job = job(tmp_path, "named", returned_book)
    done = subprocess.run(
        [sys.executable, "-m", "credit_ledger", "run", str(sheet_job), "--as-of", "2025-02-04"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (2, 3), done.stderr
    assert f"no sheet '{KIND}'" in done.stderr
    assert "Traceback" not in done.stderr
    assert Ledger(tmp_path / "ledger").runs().height == before + 1


def test_a_source_changed_since_the_run_is_not_read_again(tmp_path: Path) -> None:
    """Rows are found again by row number: in a file changed since the run they would be other
    rows, so the values the ledger kept are shown, under the kind's Chinese headers."""
    cli("generate", "--rows", 600, "--seed", 4, "--defect-rate", 0.2, "--headers", "en",
        "--out", tmp_path / "in")  # fmt: skip
    source = tmp_path / "in" / f"{KIND}.csv"
    standard_codes(source)
    cli("run", job(tmp_path, "first", f"in/{KIND}.csv", sheet=None), "--as-of", "2025-01-30")
    kept = sorted((tmp_path / "out-first" / "corrections").glob("*.xlsx"))
    assert "CF_XDR_MC" in sheet_rows(kept[0])[0]  # as read while the file is unchanged
    lines = source.read_text("utf-8").splitlines()
    source.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    out = cli("corrections", "--ledger", tmp_path / "ledger", "--out", tmp_path / "again")
    books = [Path(p) for p in out.stdout.split()]
    assert [b.name for b in books] == [b.name for b in kept]
    kind = get_kind(KIND)
    for book in books:
        header, rows = sheet_rows(book)
        assert "CF_XDR_MC" not in header
        assert header[4:-1] == [label_zh(kind, c) for c in kind.columns]
        assert len(rows) == len(sheet_rows(kept[books.index(book)])[1])


def test_a_departments_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    cli("generate", "--rows", 300, "--seed", 6, "--defect-rate", 0.2, "--out", tmp_path / "in")
    source = tmp_path / "in" / f"{KIND}.csv"
    truth = pl.read_csv(tmp_path / "in" / "ground_truth.tsv", separator="\t")
    row = truth.filter(pl.col("kind") == KIND)["row"][0]
    frame = pl.read_csv(source, infer_schema=False)
    formula = '=HYPERLINK("http://example.invalid/","点此")'
    frame = frame.with_columns(
        pl.when(pl.int_range(1, pl.len() + 1) == row)
        .then(pl.lit(formula))
        .otherwise(pl.col("违法事实"))
        .alias("违法事实")
    )
    frame.write_csv(source)
    cli("run", job(tmp_path, "first", f"in/{KIND}.csv", sheet=None), "--as-of", "2025-01-30")
    cells = [
        cell
        for book in (tmp_path / "out-first" / "corrections").glob("*.xlsx")
        for r in openpyxl.load_workbook(book)[KIND].iter_rows()
        for cell in r
        if cell.value == formula
    ]
    assert cells, "the row with the formula-like text was not in a workbook"
    assert all(cell.data_type == "s" for cell in cells)


def test_an_empty_ledger_gives_no_workbook_an_unknown_run_one_line(tmp_path: Path) -> None:
    done = cli("corrections", "--ledger", tmp_path / "ledger", "--out", tmp_path / "out")
    assert done.returncode == 0
    assert done.stdout == ""
    assert not list(tmp_path.rglob("*.xlsx"))
    unknown = subprocess.run(
        [sys.executable, "-m", "credit_ledger", "corrections", "--ledger", str(tmp_path / "l"),
         "--run", "r00009-20250101-deadbeef", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert unknown.returncode == 3
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "r00009-20250101-deadbeef" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_a_run_from_its_own_directory_is_found_again_from_elsewhere(tmp_path: Path) -> None:
    """A job run by a relative path records relative locations; ``credit-ledger corrections``
    run from another directory still finds the files (beside the ledger the run named)."""
    cli("generate", "--rows", 300, "--seed", 8, "--defect-rate", 0.2, "--out", tmp_path / "in")
    job(tmp_path, "rel", f"in/{KIND}.csv", sheet=None)
    ran = subprocess.run(
        [sys.executable, "-m", "credit_ledger", "run", "job-rel.toml", "--as-of", "2025-01-30"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode in (0, 1), ran.stderr
    location = Ledger(tmp_path / "ledger").state().inputs().collect()["location"].item()
    assert not Path(location).is_absolute()
    out = cli("corrections", "--ledger", tmp_path / "ledger", "--out", tmp_path / "again")
    books = [Path(p) for p in out.stdout.split()]
    assert books
    assert all("罚款金额（万元）" in sheet_rows(b)[0] for b in books)  # the source's header


def test_numbers_in_columns_the_kind_does_not_know_are_masked(
    tmp_path: Path,
) -> None:
    """A department's own column (经办人电话, 经办人身份证号) reaches the shared workbook with its
    mobile and ID numbers masked (the ledger keeps no such column: returned, nothing is lost)."""
    cli("generate", "--rows", 600, "--seed", 9, "--defect-rate", 0.2, "--out", tmp_path / "in")
    source = tmp_path / "in" / f"{KIND}.csv"
    frame = pl.read_csv(source, infer_schema=False)
    n = pl.int_range(0, pl.len())
    phone = pl.format("1381234{}", (n % 10_000).cast(pl.String).str.zfill(4))
    person = pl.format("13010519900101{}", (n % 1000).cast(pl.String).str.zfill(3) + "7")
    frame = frame.with_columns(phone.alias("经办人电话"), person.alias("经办人身份证号"))
    frame.write_csv(source)
    cli("run", job(tmp_path, "first", f"in/{KIND}.csv", sheet=None), "--as-of", "2025-01-30")
    books = sorted((tmp_path / "out-first" / "corrections").glob("*.xlsx"))
    real = dict(zip(frame["记录编号"], frame["经办人电话"], strict=True))
    shown = 0
    for book in books:
        header, rows = sheet_rows(book)
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            assert cells["经办人电话"] == f"138****{str(real[cells['记录编号']])[-4:]}"
            assert re.fullmatch(r"130105\*{8}\d{3}7", str(cells["经办人身份证号"]))
            shown += 1
    assert shown
    fixed: set[str] = set()
    for book in books:
        fixed = fix_credit_codes(book)
        if fixed:
            break
    assert fixed
    cli("run", job(tmp_path, "second", book), "--as-of", "2025-01-31")
    held = Ledger(tmp_path / "ledger").state().records(KIND)
    assert held.filter(pl.col("record_id").is_in(list(fixed))).collect().height == len(fixed)
