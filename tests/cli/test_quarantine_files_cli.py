"""The quarantine written for people (`validate --quarantine q.csv|q.xlsx`) and the commands
that explain its reason codes (`explain`, `rules show`) and headers (`kinds`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from credit_ledger.plugins import active_manager
from credit_ledger.reasons import explain
from credit_ledger.synth import generate_frames
from tests.cli import run_cli as _cli
from tests.conftest import DEBTOR_HEADERS_ZH, debtor

HEADERS = [DEBTOR_HEADERS_ZH[c] for c in debtor()]


def _quarantined(debtor_csv: Callable[..., Path], tmp_path: Path, name: str) -> Path:
    # Row 2: an impossible date and a province with the spaces it was delivered with;
    # row 3: a code with a bad check character. Row 1 is valid and must not appear.
    path = debtor_csv(
        [
            debtor(),
            debtor(filed_on="2024-13-01", province="  河北 "),
            debtor(id_or_uscc="91110000600037341X"),
        ],
        encoding="gbk",
    )
    out = tmp_path / name
    proc = _cli("validate", path, "--kind", "dishonest_debtor", "--quarantine", out)
    assert proc.returncode == 1, proc.stderr
    assert out.stat().st_mode & 0o777 == 0o600  # it holds the source's personal data
    return out


@pytest.mark.integration
def test_xlsx_quarantine_has_original_headers_and_values(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    out = _quarantined(debtor_csv, tmp_path, "q.xlsx")
    book = openpyxl.load_workbook(out, read_only=True)
    sheet = book.active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()  # a read-only workbook keeps its file open
    assert rows[0] == ["行号", "原因代码", "原因说明", *HEADERS]
    assert [r[0] for r in rows[1:]] == ["2", "3"]
    second = dict(zip(rows[0], rows[1], strict=True))
    assert second["原因代码"] == "filed_on:date"
    assert second["原因说明"].startswith("立案时间不是可识别的日期")
    assert second["立案时间"] == "2024-13-01"
    assert second["省份"] == "  河北 "  # as delivered, not cleaned
    assert second["partyTypeName"] == "1"  # the source's header, not the canonical name
    third = dict(zip(rows[0], rows[2], strict=True))
    assert third["原因代码"] == "row:entity_code"
    assert "统一社会信用代码" in third["原因说明"]
    assert third["身份证号码/组织机构代码"] == "91110000600037341X"


@pytest.mark.integration
def test_csv_quarantine_is_utf8_with_bom_for_excel(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    out = _quarantined(debtor_csv, tmp_path, "q.csv")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pl.read_csv(data[3:], infer_schema=False)
    assert frame.columns == ["行号", "原因代码", "原因说明", *HEADERS]
    assert frame["行号"].to_list() == ["2", "3"]
    assert frame["立案时间"].to_list() == ["2024-13-01", "2024-01-05"]


def test_ragged_rows_keep_the_surplus_field(tmp_path: Path) -> None:
    src = tmp_path / "d.csv"
    header = ",".join(HEADERS)
    good = ",".join(debtor().values())
    other = ",".join(debtor(case_no="(2024)冀0105执1235号").values())
    src.write_text(f"{header}\n{good}\n{other},surplus\n", encoding="utf-8")
    out = tmp_path / "q.csv"
    proc = _cli("validate", src, "--kind", "dishonest_debtor", "--quarantine", out)
    assert proc.returncode == 1, proc.stderr
    frame = pl.read_csv(out.read_bytes()[3:], infer_schema=False)
    assert frame["原因代码"].to_list() == ["row:ragged"]
    assert frame["多出的字段"].to_list() == ["surplus"]


def test_unknown_quarantine_suffix_is_a_usage_error(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = debtor_csv([debtor(filed_on="x")])
    proc = _cli("validate", path, "--kind", "dishonest_debtor", "--quarantine", tmp_path / "q.txt")
    assert proc.returncode == 2
    assert "use .parquet, .csv, .xlsx" in proc.stderr
    assert not (tmp_path / "q.txt").exists()


def test_parquet_quarantine_keeps_the_machine_form(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    out = _quarantined(debtor_csv, tmp_path, "q.parquet")
    frame = pl.read_parquet(out)
    assert frame["_reasons"].to_list()[0] == ["filed_on:date"]


@pytest.mark.parametrize(
    ("code", "zh"),
    [
        ("filed_on:date", "立案时间不是可识别的日期"),
        ("subject_uscc:uscc", "统一社会信用代码无效"),
        ("row:ragged", "字段数多于表头"),
        ("row:filed_on_not_after_published_on", "立案时间晚于发布时间"),
        ("record_id:unique", "重复"),
    ],
)
def test_explain_describes_reason_codes(code: str, zh: str) -> None:
    proc = _cli("explain", code, "--json")
    assert proc.returncode == 0, proc.stderr
    text = json.loads(proc.stdout)
    assert text["code"] == code
    assert zh in text["zh"]
    assert text["en"]
    shown = _cli("rules", "show", code)
    assert shown.returncode == 0, shown.stderr
    assert zh in shown.stdout


def test_explain_unknown_code_exits_2() -> None:
    proc = _cli("explain", "filed_on:sparkle")
    assert proc.returncode == 2
    assert "unknown reason code 'filed_on:sparkle'" in proc.stderr


def test_every_reason_the_generator_injects_has_a_chinese_text() -> None:
    truth = generate_frames(3000, seed=1, defect_rate=0.2).truth
    # warnings ("warning:<code>") are explained as well; kept shapes ("valid:...") are no code
    given = truth.filter(~pl.col("reason").str.starts_with("valid:"))["reason"].unique()
    reasons = [r.removeprefix("warning:") for r in given.to_list()]
    assert len(reasons) > 10
    kinds = list(active_manager().record_kinds().values())
    for code in reasons:
        assert "未通过校验" not in explain(code, kinds).zh, code  # specific, not the fallback


def test_kinds_lists_kinds_and_headers() -> None:
    proc = _cli("kinds")
    assert proc.returncode == 0, proc.stderr
    assert "dishonest_debtor" in proc.stdout
    one = _cli("kinds", "admin_penalty", "--json")
    assert one.returncode == 0, one.stderr
    columns = {c["column"]: c for c in json.loads(one.stdout)["columns"]}
    assert "罚款金额（万元）" in columns["fine_yuan"]["headers_wan"]
    assert _cli("kinds", "penalty").returncode == 2


@pytest.mark.integration
def test_run_writes_the_quarantine_for_people_per_input(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    debtor_csv([debtor(), debtor(filed_on="2024-13-01")], name="in/a.csv", encoding="gbk")
    debtor_csv([debtor(case_no="(2024)冀0105执9号", published_on="")], name="in/b.csv")
    job = tmp_path / "job.toml"
    job.write_text(
        'version = 1\n[job]\nname = "t"\nledger = "ledger"\n'
        '[[sources]]\nname = "d"\nkind = "dishonest_debtor"\npath = "in/*.csv"\n'
        '[plugins]\nallow = ["packs"]\n'
        '[outputs]\ndir = "out"\nwrite = ["quarantine", "quarantine.csv", "quarantine.xlsx"]\n',
        encoding="utf-8",
    )
    proc = _cli("run", job, "--as-of", "2025-01-31")
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    out = tmp_path / "out"
    book = openpyxl.load_workbook(out / "quarantine.xlsx", read_only=True)
    assert book.sheetnames == ["a.csv", "b.csv"]
    a = [list(r) for r in book["a.csv"].iter_rows(values_only=True)]
    assert a[0] == ["行号", "原因代码", "原因说明", *HEADERS]
    assert (a[1][0], a[1][1], a[1][a[0].index("立案时间")]) == ("2", "filed_on:date", "2024-13-01")
    b = [list(r) for r in book["b.csv"].iter_rows(values_only=True)]
    book.close()
    assert (b[1][0], b[1][1]) == ("1", "published_on:not_null")
    table = pl.read_csv((out / "quarantine.csv").read_bytes()[3:], infer_schema=False)
    assert table.columns[:4] == ["来源", "行号", "原因代码", "原因说明"]
    assert table.select("来源", "行号").rows() == [("a.csv", "2"), ("b.csv", "1")]
    assert (out / "quarantine.csv").stat().st_mode & 0o777 == 0o600


def test_an_unknown_run_output_names_the_quarantine_forms(tmp_path: Path) -> None:
    job = tmp_path / "job.toml"
    job.write_text(
        'version = 1\n[job]\nledger = "l"\n[[sources]]\nkind = "dishonest_debtor"\n'
        'path = "x.csv"\n[outputs]\ndir = "o"\nwrite = ["quarantine.ods"]\n',
        encoding="utf-8",
    )
    proc = _cli("run", job, "--as-of", "2025-01-31")
    assert proc.returncode == 2
    assert "quarantine.csv" in proc.stderr
    assert "quarantine.xlsx" in proc.stderr


def test_run_inputs_of_one_name_keep_the_ledgers_values(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    # Two deliveries called d.csv: a row number does not say which file it is from, so the
    # values the ledger kept are written, under Chinese headers, rather than guessed ones.
    for day, row in (("1", debtor(filed_on="2024-13-01")), ("2", debtor(published_on=""))):
        (tmp_path / "in" / day).mkdir(parents=True)
        debtor_csv([row], name=f"in/{day}/d.csv")
    job = tmp_path / "job.toml"
    job.write_text(
        'version = 1\n[job]\nname = "t"\nledger = "ledger"\n'
        '[[sources]]\nname = "d"\nkind = "dishonest_debtor"\npath = "in/*/d.csv"\n'
        '[plugins]\nallow = ["packs"]\n'
        '[outputs]\ndir = "out"\nwrite = ["quarantine.csv"]\n',
        encoding="utf-8",
    )
    proc = _cli("run", job, "--as-of", "2025-01-31")
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    table = pl.read_csv((tmp_path / "out" / "quarantine.csv").read_bytes()[3:], infer_schema=False)
    assert table.height == 2
    assert sorted(table["原因代码"].to_list()) == ["filed_on:date", "published_on:not_null"]
    assert "2024-13-01" in table["立案时间"].to_list()


@pytest.mark.integration
def test_xlsx_quarantine_writes_formula_like_text_as_text(
    debtor_csv: Callable[..., Path], tmp_path: Path
) -> None:
    formula = '=HYPERLINK("http://example.invalid/","点此")'
    path = debtor_csv([debtor(filed_on="2024-13-01", province=formula)])
    out = tmp_path / "q.xlsx"
    proc = _cli("validate", path, "--kind", "dishonest_debtor", "--quarantine", out)
    assert proc.returncode == 1, proc.stderr
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    (cell,) = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cell.data_type == "s"
