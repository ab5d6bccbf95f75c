"""The generator's natural persons: every name and ID number it put in a record set."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import polars as pl

from credit_ledger.synth import generate_frames

# A natural person's name in the generator: 2-4 Chinese characters (organisations' names are
# longer and end in 公司, 店, 局 ...).
_PERSON_NAME = r"^[\u4e00-\u9fff]{2,4}$"


def _clean(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(r"[\s\-]", "").str.to_uppercase()


def persons(rows: int, seed: int) -> tuple[set[str], set[str]]:
    """(names, ID numbers) of the natural persons in ``generate_frames(rows, seed=seed)``."""
    frames = generate_frames(rows, seed=seed).frames
    names: set[str] = set()
    numbers: set[str] = set()
    ric = r"^[0-9]{6}(19|20|[12]\*|\*)[0-9*]{9}[0-9X]$"
    debtors = frames["dishonest_debtor"].with_columns(_clean("id_or_uscc"))
    person = pl.col("id_or_uscc").str.contains(ric)
    numbers |= set(debtors.filter(person)["id_or_uscc"])
    names |= set(debtors.filter(person)["debtor_name"].str.strip_chars())
    for kind in ("admin_license", "admin_penalty"):
        f = frames[kind]
        for column in ("legal_rep_id_no", "person_id_no"):
            numbers |= set(f.select(_clean(column))[column].drop_nulls())
    for kind, columns in {
        "admin_license": ("legal_rep", "subject_name"),
        "admin_penalty": ("legal_rep", "subject_name"),
        "dishonest_debtor": ("legal_rep",),
        "judgment_debtor_case": ("debtor_name", "creditor_name"),
    }.items():
        for column in columns:
            values = frames[kind][column].str.strip_chars().drop_nulls()
            names |= set(values.filter(values.str.contains(_PERSON_NAME)))
    names.discard("")
    numbers = {n for n in numbers if re.fullmatch(ric, n)}
    return names, numbers


def text_of(path: Path) -> str:
    """A written file as text: Parquet as CSV of all its columns, a workbook's cells, anything
    else decoded, with
    JSON's \\uXXXX escapes resolved (Delta logs may escape non-ASCII characters)."""
    if path.suffix == ".xlsx":  # a zip: its cells, not its compressed bytes
        book = openpyxl.load_workbook(path, read_only=True)
        cells = [
            str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r
        ]
        book.close()
        return "\n".join(cells)
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        nested = [c for c, t in frame.schema.items() if t.is_nested()]
        frame = frame.with_columns(pl.col(c).cast(pl.String, strict=False) for c in nested)
        return frame.write_csv()
    text = path.read_bytes().decode("utf-8", errors="replace")
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def found(text: str, names: set[str], numbers: set[str]) -> list[str]:
    """The names and ID numbers that occur in ``text``."""
    return sorted(v for v in names | numbers if v in text)
