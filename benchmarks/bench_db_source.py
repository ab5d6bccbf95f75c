"""A job's database source: its rows mapped by ``read_frame`` (today) next to the scratch-file
round trip it replaced (the result's CSV text hashed whole, written as Arrow IPC, read back).

Starts a throwaway PostgreSQL cluster (the fixture of ``tests/jobs/test_postgres.py``: needs
``initdb``/``pg_ctl`` and ``adbc-driver-postgresql``), loads ``--rows`` synthetic listings,
then times each path twice, alternately: query, digest, map, collect. Prints seconds, the
peak of the Python heap (``tracemalloc``: the CSV text is Python bytes, Arrow buffers are
not counted) and the digest, which must be equal (the run key of a query result is kept).

Usage: ``PYTHONPATH=. python benchmarks/bench_db_source.py [--rows 200000]``
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import polars as pl
from tests.jobs import test_postgres
from tests.jobs.conftest import listing

from credit_ledger.ingest import SOURCE, read, read_frame
from credit_ledger.jobs import _sources
from credit_ledger.kinds import get_kind

QUERY = "SELECT * FROM big"


def _scratch_file(uri: str) -> tuple[str, int]:
    """The path before: the whole CSV text hashed, the rows read back from an IPC file."""
    text = pl.read_database_uri(QUERY, uri, engine="adbc").select(pl.all().cast(pl.String))
    content = text.write_csv().encode("utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch) / "src.arrow"
        text.write_ipc(tmp)
        lf = read(tmp, kind=get_kind("dishonest_debtor")).with_columns(pl.lit("src").alias(SOURCE))
        rows = lf.collect().height
    return hashlib.sha256(content).hexdigest(), rows


def _read_frame(uri: str) -> tuple[str, int]:
    """The path now: digest slice by slice, the frame itself mapped."""
    text = pl.read_database_uri(QUERY, uri, engine="adbc").select(pl.all().cast(pl.String))
    digest, _ = _sources._csv_digest(text)
    return digest, read_frame(text, kind="dishonest_debtor", source="src").collect().height


def main() -> None:
    """Load the table, time both paths alternately, print one line per run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    server = test_postgres.postgres._get_wrapped_function()()
    uri = next(server)
    try:
        base = pl.DataFrame([listing(i) for i in range(1, 1001)])
        big = pl.concat(
            [base.with_columns(pl.col("record_id") + f"_{k}") for k in range(args.rows // 1000)]
        )
        with test_postgres._pg().connect(uri) as conn, conn.cursor() as cur:
            cur.adbc_ingest("big", big.to_arrow(), mode="create")
            conn.commit()
        paths: list[tuple[str, Callable[[str], tuple[str, int]]]] = [
            ("scratch file", _scratch_file),
            ("read_frame", _read_frame),
        ]
        for name, path in paths * 2:
            tracemalloc.start()
            started = time.perf_counter()
            digest, rows = path(uri)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                f"{name:>12}: {rows} rows, {seconds:.2f} s, Python heap peak "
                f"{peak / 1e6:.0f} MB, digest {digest[:12]}"
            )
    finally:
        next(server, None)


if __name__ == "__main__":
    main()
