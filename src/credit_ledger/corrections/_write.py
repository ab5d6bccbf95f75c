"""Write a committed run's quarantine as one correction workbook per source department."""

from __future__ import annotations

import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import polars as pl

from credit_ledger._redact import mask_code_expr, mask_name_expr, unmasked
from credit_ledger.corrections._original import Original, originals
from credit_ledger.errors import UsageError
from credit_ledger.ingest import ROW
from credit_ledger.kinds import RecordKind
from credit_ledger.ledger import Ledger, quarantine_department
from credit_ledger.plugins import get_kind
from credit_ledger.quarantine_files import OVERFLOW_ZH, _atomic, require_xlsxwriter
from credit_ledger.reasons import explain, label_zh

__all__ = ["CORRECTIONS_OUTPUT", "NOTE_ZH", "OUR_COLUMNS", "write_corrections"]

CORRECTIONS_OUTPUT = "corrections"
"""The ``[outputs] write`` value of a job that writes the workbooks (into ``corrections/``)."""

SOURCE_ZH = "来源文件"
ROW_ZH = "原行号"
CODES_ZH = "原因代码"
REASONS_ZH = "原因说明"
NOTE_ZH = "单位备注"
OUR_COLUMNS = (SOURCE_ZH, ROW_ZH, CODES_ZH, REASONS_ZH, NOTE_ZH, OVERFLOW_ZH)
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
    # a column the kind does not know may hold anything: its ID and mobile numbers are masked
    extras = [c for c in values.columns if c not in kind.columns]
    exprs += [mask_free_text(pl.col(c)).alias(c) for c in extras]
    return values.with_columns(exprs)


_RIC_IN_TEXT = (
    r"(^|[^0-9A-Za-z])([0-9]{6})(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"([0-9]{3}[0-9Xx])($|[^0-9A-Za-z])"
)
_MOBILE_IN_TEXT = r"(^|[^0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})($|[^0-9])"


def mask_free_text(text: pl.Expr) -> pl.Expr:
    """Resident ID numbers (region and the last 4 kept) and mobile numbers (first 3 and last 4)
    inside free text masked, as in the rest of the library; other text stays.

    Example:
        >>> pl.select(mask_free_text(pl.lit("经办人 130105199001011237 电话13812341234"))).item()
        '经办人 130105********1237 电话138****1234'
    """
    return text.str.replace_all(_RIC_IN_TEXT, "${1}${2}********${3}${4}").str.replace_all(
        _MOBILE_IN_TEXT, "${1}${2}****${3}${4}"
    )


def _reason_zh(code: str, kind: RecordKind) -> str:
    try:
        return explain(code, [kind]).zh
    except UsageError:  # a plugin's code reasons.py does not know: the code says it
        return code


def _values(
    kind: RecordKind, rows: pl.DataFrame, original: Original | None
) -> tuple[pl.DataFrame, dict[str, str]]:
    """The rows' values under canonical names (all text), and the header each is shown under:
    the source's own where the input file could be read again, else the kind's Chinese one."""
    if original is None:
        columns = list(kind.columns)
        values = rows.select(
            pl.col("values").str.json_decode(pl.Struct(dict.fromkeys(columns, pl.String)))
        ).unnest("values")
        return values, {c: label_zh(kind, c) for c in columns}
    body = (
        rows.select(pl.col("_row").cast(pl.Int64).alias(ROW))
        .join(original.rows, on=ROW, how="left", maintain_order="left")
        .drop([ROW, *(c for c in original.rows.columns if c in OUR_COLUMNS)])
    )
    renames = {h: c for h, c in original.renames.items() if h in body.columns}
    headers = {c: h for h, c in renames.items()}
    values = body.rename(renames)
    if kind.key not in values.columns:
        # the source has no record id: the one derived from the row's content matches the
        # returned row to the one it corrects, whatever the department changes
        values = values.select(rows["record_id"].alias(kind.key), pl.all())
        headers[kind.key] = label_zh(kind, kind.key)
    return values, headers


def _sheet(
    kind: RecordKind, rows: pl.DataFrame, masked: bool, original: Original | None
) -> tuple[pl.DataFrame, list[list[int]]]:
    """The sheet's table (all text) and, per row, the indexes of the cells at fault."""
    values, headers = _values(kind, rows, original)
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
    place = {c: _LEAD + i for i, c in enumerate(values.columns)}
    body = values.rename(headers)
    table = pl.concat(
        [lead, body, pl.DataFrame({NOTE_ZH: [None] * rows.height}, schema={NOTE_ZH: pl.String})],
        how="horizontal",
    )
    faulty = [
        sorted({place[c.partition(":")[0]] for c in reasons if c.partition(":")[0] in place})
        for reasons in rows["_reasons"].to_list()
    ]
    return table, faulty


def _sheets(
    kind: RecordKind,
    rows: pl.DataFrame,
    masked: bool,
    originals: Mapping[tuple[str, str], Original],
) -> list[tuple[str, pl.DataFrame, list[list[int]]]]:
    """One sheet named after the kind per header layout: inputs with the same headers share
    it (a department's usual case: one layout per kind); another layout gets ``kind-2``…"""
    layouts: dict[tuple[str, ...], tuple[list[pl.DataFrame], list[list[int]]]] = {}
    for (source,), part in rows.partition_by("_source", as_dict=True, maintain_order=True).items():
        table, faulty = _sheet(kind, part, masked, originals.get((kind.name, str(source))))
        tables, marks = layouts.setdefault(tuple(table.columns), ([], []))
        tables.append(table)
        marks.extend(faulty)
    return [
        (kind.name if n == 1 else f"{kind.name}-{n}", pl.concat(tables), marks)
        for n, (tables, marks) in enumerate(layouts.values(), start=1)
    ]


def _write_book(path: Path, sheets: list[tuple[str, pl.DataFrame, list[list[int]]]]) -> None:
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: PLC0415 - an optional extra

    # a department's text is text: "=…" is no formula, "http…" no link (it reaches a clerk)
    with xlsxwriter.Workbook(
        path, {"strings_to_formulas": False, "strings_to_urls": False}
    ) as book:
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
        .select(
            "kind", "record_id", "_source", "_row", "_reasons", "values", quarantine_department()
        )
        .sort("kind", "_source", "_row")
        .collect()
    )
    found = originals(state, rows)
    written: list[Path] = []
    used: set[str] = set()
    with unmasked(not masked):
        for (department,), part in sorted(rows.partition_by("department", as_dict=True).items()):
            stem = _FILE_CHARS.sub("_", str(department)).strip("._") or "unnamed"
            while stem in used:  # two names that differ only in characters a file cannot hold
                stem = f"{stem}_{len(used)}"
            used.add(stem)
            sheets = [
                sheet
                for (kind,), by_kind in sorted(part.partition_by("kind", as_dict=True).items())
                for sheet in _sheets(get_kind(str(kind)), by_kind, masked, found)
            ]
            path = Path(out) / f"{stem}.xlsx"
            _atomic(path, lambda tmp, s=sheets: _write_book(tmp, s))  # type: ignore[misc]
            written.append(path)
    return sorted(written)
