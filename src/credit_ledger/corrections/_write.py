"""Write a committed run's quarantine as one correction workbook per source department."""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import polars as pl

from credit_ledger._redact import mask_code_expr, mask_name_expr, unmasked
from credit_ledger.errors import UsageError
from credit_ledger.kinds import RecordKind
from credit_ledger.ledger import Ledger, quarantine_department
from credit_ledger.plugins import get_kind
from credit_ledger.quarantine_files import _atomic, require_xlsxwriter
from credit_ledger.reasons import explain, label_zh

__all__ = ["CORRECTIONS_OUTPUT", "NOTE_ZH", "OUR_COLUMNS", "write_corrections"]

CORRECTIONS_OUTPUT = "corrections"
"""The ``[outputs] write`` value of a job that writes the workbooks (into ``corrections/``)."""

SOURCE_ZH = "来源文件"
ROW_ZH = "原行号"
CODES_ZH = "原因代码"
REASONS_ZH = "原因说明"
NOTE_ZH = "单位备注"
OUR_COLUMNS = (SOURCE_ZH, ROW_ZH, CODES_ZH, REASONS_ZH, NOTE_ZH)
"""The workbook's own columns: ingest ignores them when a workbook is returned."""
_LEAD = 4  # our columns before the record's own
_FILE_CHARS = re.compile(r'[\\/:*?"<>|\s]+')
_ENTITY_CODES = ("subject_uscc", "debtor_uscc", "id_or_uscc")
_CODE_SUFFIXES = ("_id_no", "_or_uscc")


def _masked(kind: RecordKind, values: pl.DataFrame) -> pl.DataFrame:
    """Names and ID numbers of natural persons masked; legal entities' stay readable."""
    entity = pl.lit(value=False)
    for code in (c for c in _ENTITY_CODES if c in values.columns):
        # a credit code (not a resident ID) marks the subject as a legal entity
        entity = entity | (
            pl.col(code).is_not_null() & (mask_code_expr(pl.col(code)) == pl.col(code))
        )
    exprs = []
    for column in kind.personal_columns:
        if column not in values.columns:
            continue
        if column.endswith(_CODE_SUFFIXES):
            exprs.append(mask_code_expr(pl.col(column)).alias(column))
        elif column in ("subject_name", "debtor_name"):
            name = pl.col(column)
            exprs.append(pl.when(entity).then(name).otherwise(mask_name_expr(name)).alias(column))
        else:  # a legal representative is always a natural person
            exprs.append(mask_name_expr(pl.col(column)).alias(column))
    return values.with_columns(exprs)


def _reason_zh(code: str, kind: RecordKind) -> str:
    try:
        return explain(code, [kind]).zh
    except UsageError:  # a plugin's code reasons.py does not know: the code says it
        return code


def _sheet(
    kind: RecordKind, rows: pl.DataFrame, masked: bool
) -> tuple[pl.DataFrame, list[list[int]]]:
    """The sheet's table (all text) and, per row, the indexes of the cells at fault."""
    columns = list(kind.columns)
    values = rows.select(
        pl.col("values").str.json_decode(pl.Struct(dict.fromkeys(columns, pl.String)))
    ).unnest("values")
    if masked:
        values = _masked(kind, values)
    codes = rows["_reasons"].explode().drop_nulls().unique().to_list()
    zh = {c: _reason_zh(c, kind) for c in codes}
    lead = rows.select(
        pl.col("_source").alias(SOURCE_ZH),
        pl.col("_row").cast(pl.String).alias(ROW_ZH),
        pl.col("_reasons").list.join("; ").alias(CODES_ZH),
        pl.col("_reasons")
        .list.eval(pl.element().replace_strict(zh, return_dtype=pl.String))
        .list.join("；")
        .alias(REASONS_ZH),
    )
    body = values.rename({c: label_zh(kind, c) for c in columns})
    table = pl.concat(
        [lead, body, pl.DataFrame({NOTE_ZH: [None] * rows.height}, schema={NOTE_ZH: pl.String})],
        how="horizontal",
    )
    place = {c: _LEAD + i for i, c in enumerate(columns)}
    faulty = [
        sorted({place[c.partition(":")[0]] for c in reasons if c.partition(":")[0] in place})
        for reasons in rows["_reasons"].to_list()
    ]
    return table, faulty


def _write_book(path: Path, sheets: list[tuple[str, pl.DataFrame, list[list[int]]]]) -> None:
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: PLC0415 - an optional extra

    with xlsxwriter.Workbook(path) as book:
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        fault = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        for name, table, faulty in sheets:
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, table.columns, head)
            # a quarantine for people: rows are few, written cell by cell to mark the faulty ones
            for r, (row, bad) in enumerate(zip(table.iter_rows(), faulty, strict=True), start=1):
                sheet.write_row(r, 0, ["" if v is None else v for v in row])
                for c in bad:
                    sheet.write_string(r, c, row[c] or "", fault)
            sheet.freeze_panes(1, 0)
            sheet.autofit()


def write_corrections(
    ledger: Ledger | str | PathLike[str],
    out: str | PathLike[str],
    *,
    run_id: str | None = None,
    masked: bool = True,
) -> list[Path]:
    """Write one ``.xlsx`` per source department (``source_org``; the source file's name when
    a row names none) with the rows of run ``run_id`` (default: the last) it must correct.

    Returns:
        The workbooks written (0600), sorted; none when the run quarantined nothing.

    Raises:
        RunNotFoundError: no such run (exit 3).
        UsageError: the ``xlsx-write`` extra is missing (exit 2).
        OutputError: a workbook could not be written (exit 4).
    """
    require_xlsxwriter()
    ledger = ledger if isinstance(ledger, Ledger) else Ledger(ledger)
    if not ledger.runs().height and run_id is None:
        return []
    state = ledger.as_of_run(run_id) if run_id is not None else ledger.state()
    rows = (
        state.quarantine()
        .select("kind", "_source", "_row", "_reasons", "values", quarantine_department())
        .sort("kind", "_source", "_row")
        .collect()
    )
    written: list[Path] = []
    used: set[str] = set()
    with unmasked(not masked):
        for (department,), part in sorted(rows.partition_by("department", as_dict=True).items()):
            stem = _FILE_CHARS.sub("_", str(department)).strip("._") or "unnamed"
            while stem in used:  # two names that differ only in characters a file cannot hold
                stem = f"{stem}_{len(used)}"
            used.add(stem)
            sheets = [
                (str(kind), *_sheet(get_kind(str(kind)), by_kind, masked))
                for (kind,), by_kind in sorted(part.partition_by("kind", as_dict=True).items())
            ]
            path = Path(out) / f"{stem}.xlsx"
            _atomic(path, lambda tmp, s=sheets: _write_book(tmp, s))  # type: ignore[misc]
            written.append(path)
    return sorted(written)
