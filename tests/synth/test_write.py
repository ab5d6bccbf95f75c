"""Files: formats, encodings, headers, 万元 amounts, ground truth, and the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest

from credit_ledger.cli import main
from credit_ledger.errors import UsageError
from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger.synth import SyntheticSet, generate, write
from credit_ledger.synth._world import KINDS

DECLARED = {k.name: k for k in BUILTIN_KINDS}


def _header(path: Path, encoding: str = "utf-8") -> list[str]:
    text = path.read_bytes().decode(encoding)
    return next(csv.reader(io.StringIO(text)))


def test_chinese_headers_and_wan_amounts(
    synthetic: SyntheticSet, csv_files: dict[str, Path]
) -> None:
    for kind in KINDS:
        expected = [
            f.wan_aliases[0] if f.name in ("fine_yuan", "confiscation_yuan") else f.aliases[0]
            for f in DECLARED[kind].fields
        ]
        assert _header(csv_files[kind]) == expected
    written = pl.read_csv(csv_files["admin_penalty"], infer_schema=False)
    yuan = synthetic.frames["admin_penalty"]["fine_yuan"]
    wan = written["罚款金额（万元）"]
    numeric = yuan.str.contains(r"^-?[0-9]+(\.[0-9]+)?$").fill_null(False)
    assert numeric.sum() > 1_000
    as_yuan = wan.filter(numeric).str.to_decimal(scale=6) * 10_000
    assert (as_yuan == yuan.filter(numeric).str.to_decimal(scale=2)).all()
    assert (wan.filter(~numeric).fill_null("") == yuan.filter(~numeric).fill_null("")).all()


def test_ground_truth_file(synthetic: SyntheticSet, csv_files: dict[str, Path]) -> None:
    assert csv_files["ground_truth"].name == "ground_truth.tsv"  # not matched by data/*.csv
    truth = pl.read_csv(csv_files["ground_truth"], separator="\t", infer_schema=False)
    assert truth.columns == ["kind", "file", "row", "defect", "reason"]
    assert truth.height == synthetic.truth.height
    assert (truth["file"] == truth["kind"] + ".csv").all()


def test_gbk_csv_decodes_as_gb18030(small: SyntheticSet, tmp_path: Path) -> None:
    utf8 = write(small, tmp_path / "u")
    gbk = write(small, tmp_path / "g", encoding="gbk")
    for kind in KINDS:
        raw = gbk[kind].read_bytes()
        assert raw.decode("gb18030") == utf8[kind].read_text(encoding="utf-8")
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "parquet", "ndjson", "xlsx"])
def test_formats_round_trip_row_counts(small: SyntheticSet, tmp_path: Path, fmt: str) -> None:
    paths = write(small, tmp_path, fmt=fmt, headers="en")  # type: ignore[arg-type]
    for kind, frame in small.frames.items():
        path = paths[kind]
        assert path.name == f"{kind}.{fmt}"
        if fmt == "csv":
            back = pl.read_csv(path, infer_schema=False)
        elif fmt == "parquet":
            back = pl.read_parquet(path)
            assert set(back.dtypes) == {pl.String}
            assert back.equals(frame)
        elif fmt == "ndjson":
            back = pl.read_ndjson(path, infer_schema_length=None)
        else:
            back = pl.read_excel(path, engine="calamine", infer_schema_length=0)
        assert back.height == frame.height
        assert sorted(back.columns) == sorted(frame.columns)  # NDJSON readers reorder keys


def test_gbk_only_for_csv(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="CSV only"):
        generate(tmp_path, rows=10, fmt="parquet", encoding="gbk")
    assert not any(tmp_path.iterdir())


def test_cli_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["generate", "--rows", "300", "--out", str(tmp_path), "--seed", "2"])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(KINDS) + 1
    for line in lines:
        path, rows = line.split("\t")
        data_rows = len(Path(path).read_text(encoding="utf-8").splitlines()) - 1
        assert data_rows == int(rows)
    with pytest.raises(SystemExit) as exc:  # argparse rejects it before any work
        main(["generate", "--rows", "-5", "--out", str(tmp_path)])
    assert exc.value.code == 2
