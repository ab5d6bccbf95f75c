"""Correction workbooks through the real command line: written per department from a run,
fixed by a clerk with openpyxl, read back by the next run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from credit_ledger import ids
from credit_ledger.kinds import get_kind
from credit_ledger.ledger import Ledger
from tests.privacy._truth import found, persons

ROWS, SEED = 2000, 5
KINDS = ("dishonest_debtor", "judgment_debtor_case", "arrears_case", "admin_penalty")


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "credit_ledger", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # 1: findings, as generated days have
    return done


def job(root: Path, sources: list[tuple[str, str, str]]) -> Path:
    lines = ["version = 1", "[job]", 'name = "corrections"', 'ledger = "ledger"']
    lines.append("kinds = [" + ", ".join(f'"{k}"' for k in KINDS) + "]")
    for name, kind, path in sources:
        lines += ["[[sources]]", f'name = "{name}"', f'kind = "{kind}"', f'path = "{path}"']
    lines += ["[outputs]", 'dir = "out"', 'write = ["summary"]']
    path = root / f"job-{len(sources)}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("office")
    cli("generate", "--rows", ROWS, "--seed", SEED, "--out", root / "in")
    cli("run", job(root, [(k, k, f"in/{k}.csv") for k in KINDS]), "--as-of", "2025-01-30")
    return root


def cells(book: Path) -> str:
    wb = openpyxl.load_workbook(book, read_only=True)
    text = "\n".join(
        "" if v is None else str(v)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
    )
    wb.close()  # a read-only workbook keeps its file open
    return text


def sheet_names(book: Path) -> list[str]:
    wb = openpyxl.load_workbook(book, read_only=True)
    wb.close()
    return list(wb.sheetnames)


def test_one_workbook_per_department_with_reasons_and_highlights(
    office: Path, tmp_path: Path
) -> None:
    out = cli("corrections", "--ledger", office / "ledger", "--out", tmp_path)
    books = [Path(p) for p in out.stdout.split()]
    state = Ledger(office / "ledger").state()
    quarantined = state.quarantine().collect()
    departments = quarantined.select(
        pl.col("values").str.json_path_match("$.source_org").fill_null(pl.col("_source"))
    ).to_series()
    assert len(books) == departments.n_unique() > 1
    rows = 0
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            header = [c.value for c in ws[1]]
            assert header[:4] == ["来源文件", "原行号", "原因代码", "原因说明"]
            assert header[-1] == "单位备注"
            assert "记录编号" in header
            for row in ws.iter_rows(min_row=2):
                rows += 1
                codes = str(row[2].value).split("; ")
                assert all("\u4e00" <= ch <= "\u9fff" for ch in str(row[3].value)[:1])
                marked = [header[c.column - 1] for c in row if c.fill.fgColor.rgb == "FFFFC7CE"]
                at_fault = {code.partition(":")[0] for code in codes} - {"row"}
                assert len(marked) == len(at_fault & _columns(ws.title)), (codes, marked)
    assert rows == quarantined.height  # every quarantined row, in exactly one workbook


def _columns(kind: str) -> set[str]:
    return set(get_kind(kind).columns)


def test_workbooks_hold_no_natural_person_unless_unmasked(office: Path, tmp_path: Path) -> None:
    names, numbers = persons(ROWS, SEED)
    masked = cli("corrections", "--ledger", office / "ledger", "--out", tmp_path / "m")
    text = "\n".join(cells(Path(p)) for p in masked.stdout.split())
    assert found(text, names, numbers) == []
    plain = cli("corrections", "--ledger", office / "ledger", "--out", tmp_path / "u", "--unmasked")
    text = "\n".join(cells(Path(p)) for p in plain.stdout.split())
    assert found(text, names, numbers)  # the check can fail: the rows do name persons


def _fix_uscc(book: Path, only: str | None = None) -> set[str]:
    """As a clerk would: correct the check character of each credit code at fault, in rows
    whose only reasons are bad credit codes. Returns the record ids corrected."""
    wb = openpyxl.load_workbook(book)
    fixed: set[str] = set()
    for ws in wb.worksheets:
        if only is not None and ws.title != only:
            continue
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            codes = str(row[2].value).split("; ")
            if not all(c.endswith(":uscc") for c in codes):
                continue
            for cell in row:
                if cell.fill.fgColor.rgb == "FFFFC7CE":
                    code = str(cell.value)[:17]
                    cell.value = code + ids.uscc_check_char(code)
            row[-1].value = "已更正统一社会信用代码"
            fixed.add(str(row[header.index("记录编号")].value))
    wb.save(book)
    return fixed


def test_round_trip_corrected_rows_are_valid(office: Path, tmp_path: Path) -> None:
    out = cli("corrections", "--ledger", office / "ledger", "--out", tmp_path / "c", "--unmasked")
    books = [Path(p) for p in out.stdout.split()]
    fixed: set[str] = set()
    for book in books:
        fixed = _fix_uscc(book)
        if fixed:
            break
    assert fixed, "no workbook had a row with only a bad credit code"
    kind = sheet_names(book)[0]
    lines = ["version = 1", "[job]", 'name = "corrections"', 'ledger = "ledger"']
    lines += [f'kinds = ["{kind}"]', "[[sources]]", 'name = "returned"', f'kind = "{kind}"']
    lines += [f'path = "{book}"', f'sheet = "{kind}"', "[outputs]", 'dir = "out2"', "write = []"]
    second = office / "job-returned.toml"
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cli("run", second, "--as-of", "2025-01-31")
    assert f"{len(fixed)} corrected from returned workbooks" in run.stdout, run.stdout
    state = Ledger(office / "ledger").state()
    again = set(state.quarantine().collect()["record_id"])
    assert not fixed & again  # the corrected rows passed
    records = set(state.records(kind).select("record_id").collect()["record_id"])
    assert fixed <= records


def test_masked_cells_returned_as_is_keep_the_real_value(office: Path, tmp_path: Path) -> None:
    first = str(Ledger(office / "ledger").runs()["run_id"][0])
    out = cli("corrections", "--ledger", office / "ledger", "--run", first, "--out", tmp_path)
    state = Ledger(office / "ledger").state()
    before = state.quarantine(all_runs=True).collect()
    kind = "admin_penalty"
    fixed: set[str] = set()
    for path in map(Path, out.stdout.split()):
        if kind in sheet_names(path):
            fixed = _fix_uscc(path, kind)
        if fixed and kind == "admin_penalty":
            book = path
            break
    else:
        pytest.fail("no admin_penalty workbook with a fixable credit code")
    lines = ["version = 1", "[job]", 'name = "corrections"', 'ledger = "ledger"']
    lines += [f'kinds = ["{kind}"]', "[[sources]]", 'name = "masked"', f'kind = "{kind}"']
    lines += [f'path = "{book}"', f'sheet = "{kind}"', "[outputs]", 'dir = "out3"', "write = []"]
    job3 = office / "job-masked.toml"
    job3.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli("run", job3, "--as-of", "2025-02-01")
    records = (
        Ledger(office / "ledger")
        .state()
        .records(kind)
        .filter(pl.col("record_id").is_in(list(fixed)))
        .select("record_id", "legal_rep")
        .collect()
    )
    assert records.height == len(fixed)
    real = (
        before.filter(pl.col("record_id").is_in(list(fixed)))
        .select("record_id", pl.col("values").str.json_path_match("$.legal_rep").alias("real"))
        .unique("record_id")
    )
    both = records.join(real, on="record_id")
    assert both["real"].drop_nulls().len() > 0  # there is a masked name to restore
    assert both["legal_rep"].to_list() == both["real"].to_list()
    assert not both["legal_rep"].drop_nulls().str.contains("*", literal=True).any()


def test_reordered_columns_and_deleted_rows_merge_cleanly_a_renamed_sheet_is_an_error(
    office: Path, tmp_path: Path
) -> None:
    first = str(Ledger(office / "ledger").runs()["run_id"][0])
    out = cli("corrections", "--ledger", office / "ledger", "--run", first, "--out", tmp_path)
    kind = "admin_penalty"
    books = [Path(p) for p in out.stdout.split()]
    book = next(
        b
        for b in books
        if kind in sheet_names(b)
        and openpyxl.load_workbook(b)[kind].max_row > 2  # a header and at least two rows
    )
    wb = openpyxl.load_workbook(book)
    rows = [list(r) for r in wb[kind].iter_rows(values_only=True)]
    shuffled = openpyxl.Workbook()
    ws = shuffled.active
    assert ws is not None
    ws.title = kind
    for row in rows[:-1]:  # the clerk deleted the last row and reversed the columns
        ws.append(row[::-1])
    returned_book = tmp_path / "returned.xlsx"
    shuffled.save(returned_book)
    lines = ["version = 1", "[job]", 'name = "corrections"', 'ledger = "ledger"']
    lines[-1] = f'ledger = "{office / "ledger"}"'  # the job file lives elsewhere
    lines += [f'kinds = ["{kind}"]', "[[sources]]", 'name = "shuffled"', f'kind = "{kind}"']
    lines += [f'path = "{returned_book}"', f'sheet = "{kind}"', "[outputs]", 'dir = "o4"']
    lines += ["write = []"]
    job4 = tmp_path / "job.toml"
    job4.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli("run", job4, "--as-of", "2025-02-03")
    state = Ledger(office / "ledger").state()
    run = state.inputs().filter(pl.col("source") == "shuffled").collect()
    assert run["rows_in"].to_list() == [len(rows) - 2]  # every returned row, none invented
    again = state.quarantine().filter(pl.col("_source") == returned_book.name).collect()
    assert again.height == run["rows_quarantined"].item()
    assert run["rows_valid"].item() + again.height == len(rows) - 2
    # the sheet renamed: one clear line naming it, exit 3 or 2, nothing committed
    shuffled[kind].title = "改过"
    shuffled.save(returned_book)
    done = subprocess.run(
        [sys.executable, "-m", "credit_ledger", "run", str(job4), "--as-of", "2025-02-04"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode not in (0, 1)
    assert f"no sheet '{kind}'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_job_writes_the_workbooks_as_an_output(tmp_path: Path) -> None:
    cli("generate", "--rows", 300, "--seed", 3, "--out", tmp_path / "in")
    lines = ["version = 1", "[job]", 'name = "c"', 'ledger = "ledger"', 'kinds = ["admin_penalty"]']
    lines += [
        "[[sources]]",
        'name = "p"',
        'kind = "admin_penalty"',
        'path = "in/admin_penalty.csv"',
    ]
    lines += ["[outputs]", 'dir = "out"', 'write = ["corrections"]']
    (tmp_path / "job.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli("run", tmp_path / "job.toml", "--as-of", "2025-01-30")
    books = sorted((tmp_path / "out" / "corrections").glob("*.xlsx"))
    quarantined = Ledger(tmp_path / "ledger").state().quarantine().collect().height
    assert quarantined > 0
    text = [cells(b) for b in books]
    assert sum(t.count("admin_penalty.csv") for t in text) == quarantined
