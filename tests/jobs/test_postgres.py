"""Database sources against a real PostgreSQL server: a throwaway cluster (``initdb`` and
``pg_ctl`` on a temporary directory and a free port), read through Polars and ADBC.

Skipped, with the reason, only when no server can be started here (no PostgreSQL binaries,
or they fail to start). As root the server runs as the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import importlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from credit_ledger.cli._exit import exit_code_for
from credit_ledger.errors import InputError
from credit_ledger.ingest import ROW, SOURCE
from credit_ledger.jobs import _sources, load_job, run
from credit_ledger.jobs._config import SourceConfig
from credit_ledger.kinds import get_kind
from credit_ledger.ledger import Ledger
from tests.jobs.conftest import AS_OF, listing, manager, organ_listing, write_rows

pytestmark = pytest.mark.integration

COLUMNS = [
    "record_id", "debtor_name", "party_type", "id_or_uscc", "case_no", "court", "province",
    "basis_doc_no", "basis_issuer", "duty", "performance", "dishonest_conduct", "filed_on",
    "published_on",
]  # fmt: skip


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root and no runuser to start PostgreSQL as 'postgres'")
    return [runuser, "-u", "postgres", "--", *cmd]


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A running throwaway server; yields ``postgresql://app:secret@127.0.0.1:PORT/credit``."""
    pytest.importorskip("adbc_driver_postgresql", reason="adbc-driver-postgresql not installed")
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    base = Path(tempfile.mkdtemp(prefix="credit-ledger-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    data, log = base / "data", base / "server.log"
    port = _free_port()
    run_ = lambda cmd: subprocess.run(  # noqa: E731 - local shorthand
        _as_server_user(cmd), capture_output=True, text=True, timeout=120, check=False
    )
    started = False
    try:
        init = run_([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C"])  # fmt: skip
        if init.returncode != 0:
            pytest.skip(f"initdb failed: {init.stderr.strip().splitlines()[-1:]}")
        opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        start = run_([pg_ctl, "-D", str(data), "-o", opts, "-l", str(log), "-w", "start"])
        if start.returncode != 0:
            tail = log.read_text()[-500:] if log.exists() else start.stderr
            pytest.skip(f"PostgreSQL did not start: {tail.strip()}")
        started = True
        with _pg().connect(f"postgresql://postgres@127.0.0.1:{port}/postgres") as conn:
            conn.adbc_connection.set_autocommit(True)  # CREATE DATABASE cannot run in a block
            with conn.cursor() as cur:
                cur.execute("CREATE ROLE app LOGIN PASSWORD 'secret'")
                cur.execute("CREATE DATABASE credit OWNER app")
        yield f"postgresql://app:secret@127.0.0.1:{port}/credit"
    finally:
        if started:
            run_([pg_ctl, "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(base, ignore_errors=True)


def _pg() -> Any:
    """The ADBC DB-API module (imported only once the driver is known to be installed)."""
    return importlib.import_module("adbc_driver_postgresql.dbapi")


def _load(uri: str, rows: list[dict[str, str]], table: str = "debtors") -> None:
    with _pg().connect(uri) as conn, conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.execute(
            f"CREATE TABLE {table} (n integer, "
            + ", ".join(f"{c} text" if c not in ("filed_on",) else f"{c} date" for c in COLUMNS)
            + ")"
        )
        for n, row in enumerate(rows, start=1):
            values = ", ".join("'" + str(row[c]).replace("'", "''") + "'" for c in COLUMNS)
            cur.execute(f"INSERT INTO {table} VALUES ({n}, {values})")
        conn.commit()


@pytest.fixture
def db_job(make_job: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    def make(uri: str, **source: str) -> Path:
        monkeypatch.setenv("TEST_CREDIT_DB", uri)
        spec = {"name": "court_db", "kind": "dishonest_debtor", "uri_env": "TEST_CREDIT_DB"}
        return make_job(sources=[{**spec, **source}], job={"as_of": AS_OF})

    return make


def test_table_source(tmp_path: Path, postgres: str, db_job: Callable[..., Path]) -> None:
    _load(postgres, [listing(1), listing(2), organ_listing(3)])
    job = db_job(postgres, table="public.debtors")
    result = run(job, plugins=manager())
    assert result.status == "completed"
    (one,) = result.inputs
    assert (one.rows_in, one.rows_valid) == (3, 3)
    assert one.location.startswith("postgresql://app:***@127.0.0.1:")
    assert "secret" not in str(result.manifest)
    records = Ledger(tmp_path / "ledger").state().records("dishonest_debtor").collect()
    assert sorted(records["record_id"]) == ["D0001", "D0002", "D0003"]
    assert records["_source"].unique().to_list() == ["court_db"]
    assert str(records["filed_on"].dtype) == "Date"
    assert run(job, plugins=manager()).status == "unchanged"  # same rows, same run key
    _load(postgres, [listing(1), listing(2, court="另一法院"), organ_listing(3)])
    changed = run(job, plugins=manager())
    assert changed.status == "completed"
    assert changed.records["dishonest_debtor"]["updated"] == 1


def test_query_source_next_to_a_file(
    tmp_path: Path, postgres: str, make_job: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(postgres, [listing(1), listing(2), organ_listing(3)], table="listings")
    monkeypatch.setenv("TEST_CREDIT_DB", postgres)
    write_rows(tmp_path / "in.csv", [listing(9)])
    job = make_job(
        sources=[
            {
                "name": "organs",
                "kind": "dishonest_debtor",
                "uri_env": "TEST_CREDIT_DB",
                "query": "SELECT * FROM listings WHERE id_or_uscc LIKE '11%'",
            },
            {"name": "file", "kind": "dishonest_debtor", "path": "in.csv"},
        ],
        job={"as_of": AS_OF},
    )
    result = run(job, plugins=manager())
    assert [i.rows_in for i in result.inputs] == [1, 1]
    records = Ledger(tmp_path / "ledger").state().records("dishonest_debtor").collect()
    assert sorted(records["record_id"]) == ["D0003", "D0009"]


def test_refused_connection(tmp_path: Path, db_job: Callable[..., Path]) -> None:
    uri = f"postgresql://app:secret@127.0.0.1:{_free_port()}/credit"
    job = db_job(uri, table="debtors")
    with pytest.raises(
        InputError, match=r"source 'court_db': cannot read from .*Connection refused"
    ) as err:
        run(job, plugins=manager())
    assert "secret" not in str(err.value)
    assert exit_code_for(err.value) == 2
    assert Ledger(tmp_path / "ledger").runs().height == 0


def test_query_failing_halfway(tmp_path: Path, postgres: str, db_job: Callable[..., Path]) -> None:
    _load(postgres, [listing(i) for i in range(1, 6)], table="halfway")
    query = "SELECT *, 1 / (CASE WHEN n = 4 THEN 0 ELSE 1 END) AS boom FROM halfway ORDER BY n"
    job = db_job(postgres, query=query)
    with pytest.raises(InputError, match="division by zero"):
        run(job, plugins=manager())
    assert Ledger(tmp_path / "ledger").runs().height == 0
    with contextlib.suppress(FileNotFoundError):
        assert not any((tmp_path / "ledger").glob("records/*"))


def test_rows_go_through_read_frame_without_a_file(
    postgres: str, db_job: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(postgres, [listing(i) for i in range(1, 6)], table="mapped")
    with _pg().connect(postgres) as conn, conn.cursor() as cur:
        cur.execute("ALTER TABLE mapped RENAME COLUMN court TO handling_court")
        conn.commit()
    monkeypatch.setattr(_sources, "_DIGEST_ROWS", 2)  # the digest runs over three slices
    source = SourceConfig(
        name="court_db",
        kind="dishonest_debtor",
        uri=postgres,
        table="mapped",
        columns={"handling_court": "court"},
    )
    job = load_job(db_job(postgres, table="mapped"))
    (item,) = _sources.read_source(
        source, job=job, kind=get_kind("dishonest_debtor"), as_of=dt.date(2025, 3, 31)
    )
    assert isinstance(item.frame, pl.LazyFrame)
    assert "SCAN" not in item.frame.explain()  # the query result itself, no file read back
    frame = item.frame.collect()
    assert frame[ROW].to_list() == [1, 2, 3, 4, 5]
    assert frame[SOURCE].unique().to_list() == ["court_db"]
    assert frame["court"].null_count() == 0  # the source's column mapping applies
    # The run key's digest: the result as CSV text, as it was when it went through a file.
    text = pl.read_database_uri("SELECT * FROM mapped", postgres, engine="adbc")
    csv = text.select(pl.all().cast(pl.String)).write_csv().encode("utf-8")
    assert (item.sha256, item.bytes) == (hashlib.sha256(csv).hexdigest(), len(csv))


def test_streamed_run_of_a_table(
    tmp_path: Path, postgres: str, make_job: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(postgres, [listing(i) for i in range(1, 6)], table="streamed")
    monkeypatch.setenv("TEST_CREDIT_DB", postgres)
    spec = {"name": "court_db", "kind": "dishonest_debtor", "uri_env": "TEST_CREDIT_DB"}
    job = make_job(sources=[{**spec, "table": "streamed"}], job={"as_of": AS_OF, "batch_rows": 2})
    result = run(job, plugins=manager())
    assert [(i.rows_in, i.rows_valid) for i in result.inputs] == [(5, 5)]
    records = Ledger(tmp_path / "ledger").state().records("dishonest_debtor").collect()
    assert sorted(records["record_id"]) == [f"D{i:04d}" for i in range(1, 6)]
    assert run(job, plugins=manager()).status == "unchanged"
