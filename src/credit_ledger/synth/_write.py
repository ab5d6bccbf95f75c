"""Write a :class:`SyntheticSet` to files, one per kind, plus ``ground_truth.tsv``."""

from __future__ import annotations

import datetime as dt
from os import PathLike
from pathlib import Path
from typing import Literal

import polars as pl

from credit_ledger.errors import UsageError
from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger.synth._api import SyntheticSet, generate_frames

Format = Literal["csv", "parquet", "xlsx", "ndjson"]
Encoding = Literal["utf-8", "gbk"]
Headers = Literal["zh", "en"]

FORMATS: tuple[Format, ...] = ("csv", "parquet", "xlsx", "ndjson")
ENCODINGS: tuple[Encoding, ...] = ("utf-8", "gbk")
HEADERS: tuple[Headers, ...] = ("zh", "en")
TRUTH_FILE = "ground_truth.tsv"
"""Tab-separated, so a ``data/*.csv`` glob over the records never picks it up as records."""

_KINDS = {k.name: k for k in BUILTIN_KINDS}
#: Money columns written in 万元 under their first 万元 header (the double-publicity standard
#: gives penalty amounts in 万元), so the ingest's 万元 → 元 conversion is exercised.
_WAN_COLUMNS = {"admin_penalty": ("fine_yuan", "confiscation_yuan")}
_GBK_CHUNK = 100_000
#: Fixed workbook creation time: xlsxwriter would stamp the current time, breaking determinism.
_XLSX_CREATED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def _yuan_to_wan(column: str) -> pl.Expr:
    """Yuan text (``2100.00``, ``-500``) as 万元 text (``0.21``, ``-0.05``); other text is kept."""
    parts = pl.col(column).str.extract_groups(r"^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$")
    sign, whole, frac = (parts.struct.field(str(i)) for i in (1, 2, 3))
    cents = whole.cast(pl.Int64) * 100 + frac.fill_null("").str.pad_end(2, "0").cast(pl.Int64)
    decimals = (cents % 1_000_000).cast(pl.String).str.zfill(6).str.strip_chars_end("0")
    wan = pl.concat_str(
        sign,
        (cents // 1_000_000).cast(pl.String),
        pl.when(decimals.str.len_chars() > 0).then(pl.lit(".") + decimals).otherwise(pl.lit("")),
    )
    return pl.when(whole.is_not_null()).then(wan).otherwise(pl.col(column)).alias(column)


def headed(kind: str, frame: pl.DataFrame, headers: Headers) -> pl.DataFrame:
    """``frame`` under the headers a file of ``kind`` carries.

    ``"en"``: canonical names. ``"zh"``: each column under its first Chinese alias; the money
    columns of :data:`_WAN_COLUMNS` converted to 万元 under their first 万元 alias.
    """
    if headers == "en":
        return frame
    decl = _KINDS[kind]
    wan = _WAN_COLUMNS.get(kind, ())
    if wan:
        frame = frame.with_columns(_yuan_to_wan(c) for c in wan)
    renames = {
        f.name: (f.wan_aliases[0] if f.name in wan else f.aliases[0])
        for f in decl.fields
        if f.aliases
    }
    return frame.rename(renames)


def _write_csv(frame: pl.DataFrame, path: Path, encoding: Encoding) -> None:
    if encoding == "utf-8":
        frame.write_csv(path)
        return
    with path.open("wb") as out:  # GBK: transcode chunk by chunk to bound memory
        for start in range(0, max(frame.height, 1), _GBK_CHUNK):
            chunk = frame.slice(start, _GBK_CHUNK).write_csv(include_header=start == 0)
            out.write(chunk.encode("gbk"))


def _write_xlsx(frame: pl.DataFrame, path: Path, sheet: str) -> None:
    # Lazy: xlsxwriter is an optional dependency (extra ``xlsx-write``) and has no type stubs.
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: PLC0415

    with xlsxwriter.Workbook(path) as book:
        book.set_properties({"created": _XLSX_CREATED})
        frame.write_excel(book, worksheet=sheet, autofit=False, table_style=None)


def check_options(fmt: str, encoding: str, headers: str) -> None:
    """Raise :class:`~credit_ledger.errors.UsageError` for options :func:`write` cannot honour.

    Example:
        >>> check_options("xlsx", "gbk", "zh")
        Traceback (most recent call last):
        ...
        credit_ledger.errors.UsageError: encoding 'gbk' applies to CSV only, not 'xlsx'
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if encoding not in ENCODINGS:
        raise UsageError(f"unknown encoding {encoding!r} (known: {', '.join(ENCODINGS)})")
    if headers not in HEADERS:
        raise UsageError(f"unknown header style {headers!r} (known: {', '.join(HEADERS)})")
    if encoding != "utf-8" and fmt != "csv":
        raise UsageError(f"encoding {encoding!r} applies to CSV only, not {fmt!r}")


def write(
    synthetic: SyntheticSet,
    out_dir: str | PathLike[str],
    *,
    fmt: Format = "csv",
    encoding: Encoding = "utf-8",
    headers: Headers = "zh",
) -> dict[str, Path]:
    """Write each kind to ``<out_dir>/<kind>.<fmt>`` and the truth to ``ground_truth.tsv``.

    Args:
        synthetic: the set from :func:`generate_frames`.
        out_dir: directory (created if needed).
        fmt: file format; Parquet columns are all String.
        encoding: text encoding of CSV files (``gbk`` only for ``csv``).
        headers: ``zh`` for the Chinese headers of the standards, ``en`` for canonical names.

    Returns:
        Paths by kind name, plus ``"ground_truth"``.

    Raises:
        UsageError: an unknown format, encoding or header style, or GBK for a non-CSV format.

    Example:
        >>> paths = write(generate_frames(1_000), tmp_dir, fmt="parquet")  # doctest: +SKIP
        >>> sorted(paths)[:2]  # doctest: +SKIP
        ['admin_license', 'admin_penalty']
    """
    check_options(fmt, encoding, headers)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, frame in synthetic.frames.items():
        path = out / f"{kind}.{fmt}"
        table = headed(kind, frame, headers)
        if fmt == "csv":
            _write_csv(table, path, encoding)
        elif fmt == "parquet":
            table.write_parquet(path)
        elif fmt == "xlsx":
            _write_xlsx(table, path, kind)
        else:
            table.write_ndjson(path)
        paths[kind] = path
    truth = synthetic.truth.select(
        "kind", file=pl.col("kind") + f".{fmt}", row="row", defect="defect", reason="reason"
    )
    paths["ground_truth"] = out / TRUTH_FILE
    truth.write_csv(paths["ground_truth"], separator="\t")
    return paths


def generate(
    out_dir: str | PathLike[str],
    *,
    rows: int,
    seed: int = 0,
    defect_rate: float = 0.02,
    fmt: Format = "csv",
    encoding: Encoding = "utf-8",
    headers: Headers = "zh",
) -> dict[str, Path]:
    """Generate a synthetic set and write it: :func:`generate_frames` then :func:`write`.

    Example:
        >>> paths = generate(tmp_dir, rows=10_000, seed=1)  # doctest: +SKIP
        >>> paths["ground_truth"].name  # doctest: +SKIP
        'ground_truth.tsv'
    """
    check_options(fmt, encoding, headers)
    synthetic = generate_frames(rows, seed=seed, defect_rate=defect_rate)
    return write(synthetic, out_dir, fmt=fmt, encoding=encoding, headers=headers)
