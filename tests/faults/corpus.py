"""The fault corpus: malformed variants of one small penalty export, each with what reading
and validating it must give (row accounting) or the one-line error it must raise.

    python -m tests.faults.corpus DIR      # writes the files, to try them by hand

Every variant starts from ten valid synthetic records (no real person's data) under the
headers of the 双公示 standard, so what changes is the damage alone.
"""

from __future__ import annotations

import codecs
import io
import json
import random
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from credit_ledger.errors import (
    CreditLedgerError,
    EncodingError,
    FormatError,
    MissingColumnError,
)
from credit_ledger.synth import generate_frames
from credit_ledger.synth._write import headed

KIND = "admin_penalty"
N = 10


@dataclass(frozen=True)
class Rows:
    """Expected accounting: rows validated, of which valid; rows skipped (not records); a
    reason that must be among the quarantine's (None: no quarantine); a warning that must be
    among the valid rows' (damage in a column that does not make the record unusable)."""

    rows_in: int
    valid: int
    skipped: int = 0
    reason: str | None = None
    warning: str | None = None


@dataclass(frozen=True)
class Fails:
    """Expected one-line error."""

    error: type[CreditLedgerError]
    text: str


@dataclass(frozen=True)
class Fault:
    """One malformed file: its name (the suffix chooses the reader), bytes and outcome."""

    name: str
    data: Callable[[pl.DataFrame], bytes]
    expect: Rows | Fails


def base() -> pl.DataFrame:
    """Ten valid penalty records as text under the standard's Chinese headers."""
    frame = generate_frames(40, seed=5, defect_rate=0.0).frames[KIND].head(N)
    return headed(KIND, frame, "zh").fill_null("")


def _csv(f: pl.DataFrame) -> str:
    return f.write_csv()


def _lines(f: pl.DataFrame) -> list[str]:
    return _csv(f).splitlines()


def _join(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _set(f: pl.DataFrame, column: str, row: int, value: str) -> pl.DataFrame:
    values = f[column].to_list()
    values[row] = value
    return f.with_columns(pl.Series(column, values, dtype=pl.String))


def _xlsx(f: pl.DataFrame, formulas: bool = False) -> bytes:
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: PLC0415

    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        sheet = book.add_worksheet("S")
        sheet.write_row(0, 0, f.columns)
        for i, row in enumerate(f.rows(), start=1):
            sheet.write_row(i, 0, row)
        if formulas:
            sheet.write_formula(1, f.columns.index("备注"), "=1+1", None, "2")
    return out.getvalue()


def _parquet(f: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    f.write_parquet(out)
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _ndjson(f: pl.DataFrame) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in f.to_dicts()]


def _noise(n: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(n)


_HTML = "<!DOCTYPE html><html><body><table><tr><td>行政相对人名称</td></tr></table></body></html>"
_FACTS = "违法事实"
_DATE = "处罚决定日期"
_FINE = "罚款金额（万元）"

FAULTS: tuple[Fault, ...] = (
    # --- encodings ---
    Fault("utf8_bom.csv", lambda f: codecs.BOM_UTF8 + _csv(f).encode(), Rows(N, N)),
    Fault("gbk.csv", lambda f: _csv(f).encode("gbk"), Rows(N, N)),
    Fault(
        "gb18030_four_byte.csv",
        lambda f: _csv(_set(f, _FACTS, 0, "经查，当事人𠮷某违法")).encode("gb18030"),
        Rows(N, N),
    ),
    Fault("utf16_bom.csv", lambda f: _csv(f).encode("utf-16"), Rows(N, N)),
    Fault(
        "one_gbk_field_in_utf8.csv",
        lambda f: _csv(f).replace("经查", "\udcff", 1).encode("utf-8", "surrogateescape"),
        Rows(N, N, warning="violation_facts:encoding"),  # free text: kept, with a warning
    ),
    Fault(
        "cp1252_text.csv",
        lambda f: ("Name,Café,Résumé\n" + "Zoë,naïve,é\n" * 200).encode("cp1252"),
        Fails(EncodingError, "neither UTF-8 nor GBK"),
    ),
    # --- truncations ---
    # the cut takes the last row's trailing standard columns: kept, blank, with a warning
    Fault(
        "cut_mid_row.csv",
        lambda f: _csv(f).encode()[:-40],
        Rows(N, N, warning="authority_uscc:incomplete"),
    ),
    Fault(
        "cut_in_a_character.csv",
        lambda f: _csv(_set(f, "备注", N - 1, "备注文字")).rstrip("\n").encode()[:-1],
        Rows(N, N, warning="remarks:encoding"),  # free text: kept, with a warning
    ),
    Fault(
        "cut_in_open_quote.csv",
        lambda f: _csv(f).encode() + b'"unfinished,field\n',
        Rows(N, N, skipped=1),  # closed at the end: one value on a line, like a footer
    ),
    Fault("header_only.csv", lambda f: (",".join(f.columns) + "\n").encode(), Rows(0, 0)),
    Fault("empty.csv", lambda f: b"", Fails(FormatError, "empty file")),
    Fault("blank_only.csv", lambda f: b"\n\n  \n", Fails(FormatError, "empty file")),
    Fault("cut.xlsx", lambda f: _xlsx(f)[:2000], Fails(FormatError, "not a readable workbook")),
    Fault(
        "cut.parquet",
        lambda f: _parquet(f)[:300],
        Fails(FormatError, "not a readable Parquet file"),
    ),
    Fault(
        "cut.json",
        lambda f: json.dumps(f.to_dicts(), ensure_ascii=False).encode()[:-20],
        Fails(FormatError, "not a readable JSON document"),
    ),
    Fault(
        "cut_last_line.ndjson",
        lambda f: "\n".join(_ndjson(f)).encode()[:-15],
        Rows(N, N - 1, reason="row:json"),
    ),
    # --- binary and disguised files ---
    Fault("noise.csv", lambda f: _noise(64 << 10), Fails(FormatError, "binary file, not CSV")),
    Fault(
        "png.csv",
        lambda f: b"\x89PNG\r\n\x1a\n" + _noise(20000),
        Fails(FormatError, "binary file, not CSV"),
    ),
    Fault(
        "zip.csv",
        lambda f: _zip({"a.csv": _csv(f).encode()}),
        Fails(FormatError, "a zip archive"),
    ),
    Fault("xlsx_named.csv", _xlsx, Fails(FormatError, "a zip archive")),
    Fault("html.csv", lambda f: _HTML.encode(), Fails(FormatError, "an HTML or XML page")),
    Fault("html.xlsx", lambda f: _HTML.encode(), Fails(FormatError, "an HTML or XML page")),
    Fault("html.xls", lambda f: _HTML.encode(), Fails(FormatError, "an HTML or XML page")),
    Fault("csv_named.xlsx", lambda f: _csv(f).encode(), Fails(FormatError, "not an .xlsx")),
    Fault("pdf.csv", lambda f: b"%PDF-1.7\n" + _noise(5000), Fails(FormatError, "a PDF")),
    Fault(
        "zip_without_workbook.xlsx",
        lambda f: _zip({"x.txt": b"hello"}),
        Fails(FormatError, "not a readable workbook"),
    ),
    Fault("parquet_named.csv", _parquet, Fails(FormatError, "a Parquet file")),
    # --- huge fields, huge width ---
    Fault(
        "two_megabyte_field.csv",
        lambda f: _csv(_set(f, _FACTS, 3, "违" * 700_000)).encode(),
        Rows(N, N),
    ),
    Fault(
        "ten_thousand_columns.csv",
        lambda f: _csv(
            f.with_columns(pl.lit("x").alias(f"附加{i}") for i in range(9_965))
        ).encode(),
        Rows(N, N),
    ),
    Fault(
        "ten_thousand_unknown_columns.csv",
        lambda f: _csv(pl.DataFrame({f"c{i}": ["1"] * 3 for i in range(10_000)})).encode(),
        Fails(MissingColumnError, "no header names a column"),
    ),
    # --- formula-looking cells ---
    Fault(
        "formula_text.csv",
        lambda f: _csv(
            _set(_set(f, "备注", 0, '=HYPERLINK("x")'), "备注", 1, "+1-1@SUM(A1)")
        ).encode(),
        Rows(N, N),
    ),
    Fault("formula_cell.xlsx", lambda f: _xlsx(f, formulas=True), Rows(N, N)),
    # --- ragged rows ---
    Fault(
        "too_many_fields.csv",
        lambda f: _join([*_lines(f)[:3], _lines(f)[3] + ",surplus", *_lines(f)[4:]]),
        Rows(N, N - 1, reason="row:ragged"),
    ),
    Fault(
        "too_few_fields.csv",
        lambda f: _join([*_lines(f)[:3], _lines(f)[3].rsplit(",", 12)[0], *_lines(f)[4:]]),
        Rows(N, N - 1),
    ),
    Fault(
        "ragged.tsv",
        lambda f: (f.write_csv(separator="\t") + "多余\t字段\n").encode(),
        Rows(N + 1, N),
    ),
    # --- duplicate headers ---
    Fault(
        "exact_duplicate_header.csv",
        lambda f: (
            _csv(f.with_columns(pl.col(_FACTS).alias("备注_dup")))
            .replace("备注_dup", _FACTS, 1)
            .encode()
        ),
        Rows(N, N),
    ),
    Fault(
        "folded_duplicate_header.csv",
        lambda f: _csv(f.with_columns(pl.col(_FACTS).alias("违法 事实"))).encode(),
        Rows(N, N),
    ),
    Fault(
        "two_aliases_one_column.csv",
        lambda f: _csv(f.with_columns(pl.col(_FACTS).alias("CF_SY"))).encode(),
        Rows(N, N),
    ),
    Fault(
        "nameless_header.csv",
        lambda f: (
            _csv(f.with_columns(pl.lit("x").alias("__blank__")))
            .replace("__blank__", "", 1)
            .encode()
        ),
        Rows(N, N),
    ),
    # --- impossible dates ---
    Fault(
        "february_30.csv",
        lambda f: _csv(_set(f, _DATE, 2, "2024-02-30")).encode(),
        Rows(N, N - 1, reason="decision_date:date"),
    ),
    Fault(
        "month_13_and_zero_date.csv",
        lambda f: _csv(_set(_set(f, _DATE, 2, "2024-13-01"), _DATE, 5, "0000-00-00")).encode(),
        Rows(N, N - 2, reason="decision_date:date"),
    ),
    # --- NaN, inf, -0 amounts ---
    Fault(
        "nan_amount.csv",
        lambda f: _csv(_set(f, _FINE, 1, "NaN")).encode(),
        Rows(N, N - 1, reason="fine_yuan:decimal"),
    ),
    Fault(
        "inf_amounts.csv",
        lambda f: _csv(_set(_set(f, _FINE, 1, "inf"), _FINE, 2, "-Infinity")).encode(),
        Rows(N, N - 2, reason="fine_yuan:decimal"),
    ),
    Fault(
        "huge_exponent_amount.csv",
        lambda f: _csv(_set(f, _FINE, 1, "1e309")).encode(),
        Rows(N, N - 1, reason="fine_yuan:decimal"),
    ),
    Fault("minus_zero_amount.csv", lambda f: _csv(_set(f, _FINE, 1, "-0")).encode(), Rows(N, N)),
    # --- lines that are not records, control bytes ---
    Fault(
        "blank_lines_crlf.csv",
        lambda f: ("\r\n".join(["", *_lines(f)[:5], "", " ", *_lines(f)[5:], "", ""])).encode(),
        Rows(N, N, skipped=3),  # the blank line above the header is above the header
    ),
    Fault(
        "nul_in_field.csv",
        lambda f: _csv(_set(f, _FACTS, 4, "经查\x00当事人")).encode(),
        Rows(N, N - 1, reason="violation_facts:control_char"),
    ),
    Fault(
        "escape_in_field.csv",
        lambda f: _csv(_set(f, "备注", 4, "\x1b[31m红色")).encode(),
        Rows(N, N - 1, reason="remarks:control_char"),
    ),
    Fault(
        "title_and_footer.csv",
        lambda f: _join(["某局行政处罚公示", *_lines(f), "合计：10条" + "," * (f.width - 1)]),
        Rows(N, N, skipped=1),
    ),
    Fault(
        "repeated_header_rows.csv",
        lambda f: _join([*_lines(f)[:4], _lines(f)[0], *_lines(f)[4:], _lines(f)[0]]),
        Rows(N, N, skipped=2),
    ),
    # --- JSON ---
    Fault(
        "array_line.ndjson",
        lambda f: "\n".join([*_ndjson(f)[:3], "[1, 2]", *_ndjson(f)[3:]]).encode(),
        Rows(N + 1, N, reason="row:json"),
    ),
    Fault(
        "all_lines_broken.ndjson",
        lambda f: b'{"a": \n{"b": \n',
        Fails(MissingColumnError, "no header names a column"),
    ),
    Fault(
        "nested_records.json",
        lambda f: json.dumps({"data": {"list": f.to_dicts()}}, ensure_ascii=False).encode(),
        Rows(N, N),
    ),
    Fault("scalar.json", lambda f: b"42", Fails(FormatError, "no records")),
)


def write(out_dir: Path) -> dict[str, Path]:
    """Write every fault file into ``out_dir``; returns the paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = base()
    paths = {}
    for fault in FAULTS:
        path = out_dir / fault.name
        path.write_bytes(fault.data(frame))
        paths[fault.name] = path
    return paths


if __name__ == "__main__":
    for p in write(Path(sys.argv[1])).values():
        print(p)
