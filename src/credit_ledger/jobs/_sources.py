"""The read stage: a job's sources (files, globs, database tables and queries) as inputs with
content digests. Database rows are read through Polars with the ADBC PostgreSQL driver into
one Arrow-backed frame and mapped by :func:`credit_ledger.ingest.read_frame`: no file is
written."""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import importlib.util
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from credit_ledger.contracts import SourceFormat
from credit_ledger.errors import (
    ConfigError,
    CreditLedgerError,
    InputError,
    SourceNotFoundError,
    describe,
)
from credit_ledger.ingest import read, read_frame, reader_for
from credit_ledger.jobs._config import Job, SourceConfig, mask_uri
from credit_ledger.kinds import RecordKind

__all__ = ["Input", "check_sources", "mask_uri", "read_source", "source_files"]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_CHUNK = 1 << 20
_DIGEST_ROWS = 50_000


@dataclass(frozen=True, kw_only=True)
class Input:
    """One file or database result of a source, ready to validate.

    Attributes:
        source: the source's name in the job.
        kind: the record kind.
        location: the file path, or the masked URI and table/query.
        sha256: digest of the content (file bytes; for a database, its rows as CSV text).
        bytes: size of that content.
        frame: the rows, mapped to the kind's columns (see :func:`credit_ledger.read`).
    """

    source: str
    kind: str
    location: str
    sha256: str
    bytes: int
    frame: pl.LazyFrame | pl.DataFrame


def _pattern(source: SourceConfig, as_of: dt.date) -> str:
    assert source.path is not None
    try:
        return source.path.format(as_of=as_of)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"source {source.name!r}: path {source.path!r} has an unknown placeholder ({exc}); "
            "only {as_of} is replaced"
        ) from None


def source_files(source: SourceConfig, base_dir: Path, as_of: dt.date) -> list[Path]:
    """The files of a file source, sorted (a glob in sorted order: later files win when two
    hold the same record).

    Raises:
        SourceNotFoundError: no file matches (unless the source is optional).
    """
    pattern = _pattern(source, as_of)
    full = Path(pattern) if Path(pattern).is_absolute() else base_dir / pattern
    if glob.has_magic(str(full)):
        files = sorted(Path(p) for p in glob.glob(str(full), recursive=True) if Path(p).is_file())
    else:
        files = [full] if full.is_file() else []
    if not files and not source.optional:
        raise SourceNotFoundError(f"source {source.name!r}: no file matches {full}")
    return files


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _uri(source: SourceConfig, environ: Mapping[str, str]) -> str:
    if source.uri is not None:
        return source.uri
    assert source.uri_env is not None
    value = environ.get(source.uri_env, "").strip()
    if not value:
        raise ConfigError(
            f"source {source.name!r}: environment variable {source.uri_env} (its URI) is not set"
        )
    return value


def _query(source: SourceConfig) -> str:
    if source.query is not None:
        return source.query
    assert source.table is not None
    if not _IDENT.match(source.table):
        raise ConfigError(
            f"source {source.name!r}: table {source.table!r} is not a plain [schema.]table name"
        )
    quoted = ".".join(f'"{part}"' for part in source.table.split("."))
    return f"SELECT * FROM {quoted}"


def _csv_digest(text: pl.DataFrame) -> tuple[str, int]:
    """SHA-256 and size of ``text`` written as CSV (header first), computed slice by slice:
    the digest of the whole CSV text without holding it or writing it anywhere. (Runs
    recorded before database rows stopped going through a file hashed that same text, so
    their run keys still match.)"""
    digest = hashlib.sha256()
    size = 0
    header = True
    for part in text.iter_slices(_DIGEST_ROWS) if text.height else (text,):
        chunk = part.write_csv(include_header=header).encode("utf-8")
        digest.update(chunk)
        size += len(chunk)
        header = False
    return digest.hexdigest(), size


def _read_database(source: SourceConfig, kind: RecordKind, environ: dict[str, str]) -> Input:
    """The source's rows as one text frame mapped by :func:`read_frame`, and their digest.

    Read whole (Arrow memory) rather than in batches, though ``pl.read_database`` on an ADBC
    connection could yield them: the run key needs the digest of the whole result before
    the first row is validated, and a second query for the batches could see other rows.
    A streamed run then validates this frame batch by batch."""
    uri = _uri(source, environ)
    where = f"{mask_uri(uri)} ({source.table or 'query'})"
    if importlib.util.find_spec("adbc_driver_postgresql") is None:
        raise ConfigError(
            f"source {source.name!r}: reading a database needs the ADBC PostgreSQL driver "
            "(pip install adbc-driver-postgresql)"
        )
    try:
        frame = pl.read_database_uri(_query(source), uri, engine="adbc")
    except CreditLedgerError:
        raise
    except Exception as exc:
        raise InputError(
            f"source {source.name!r}: cannot read from {where}: {describe(exc)}"
        ) from None
    frame = frame.select(pl.all().cast(pl.String))
    digest, size = _csv_digest(frame)
    return Input(
        source=source.name,
        kind=kind.name,
        location=where,
        sha256=digest,
        bytes=size,
        frame=read_frame(frame, kind=kind, source=source.name, columns=source.columns),
    )


def read_source(
    source: SourceConfig,
    *,
    job: Job,
    kind: RecordKind,
    as_of: dt.date,
    formats: Sequence[SourceFormat] = (),
    environ: dict[str, str] | None = None,
) -> list[Input]:
    """Read one source: one :class:`Input` per file, or one for a database source.

    ``formats`` are the source formats of the job's plugins: a file of their suffix, or a
    source with ``format`` naming one, is read by it.

    Raises:
        SourceNotFoundError: no file matches.
        InputError: a file or the database cannot be read (the message names the source).
        ConfigError: a database source's URI variable is unset or its table name is invalid,
            or its ``format`` names no known format.
        PluginError: a plugin's source format failed reading a file.
    """
    env = dict(os.environ) if environ is None else environ
    if source.is_database:
        return [_read_database(source, kind, env)]
    inputs: list[Input] = []
    for path in source_files(source, job.base_dir, as_of):
        digest, size = _sha256(path)
        try:
            frame = read(
                path,
                kind=kind,
                encoding=source.encoding,
                sheet=source.sheet,
                formats=formats,
                **source.read_options(),
            )
        except CreditLedgerError:
            raise
        except Exception as exc:
            raise InputError(
                f"source {source.name!r}: cannot read {path}: {describe(exc)}"
            ) from None
        inputs.append(
            Input(
                source=source.name,
                kind=kind.name,
                location=str(path),
                sha256=digest,
                bytes=size,
                frame=frame,
            )
        )
    return inputs


def check_sources(
    job: Job,
    as_of: dt.date,
    environ: dict[str, str] | None = None,
    formats: Sequence[SourceFormat] = (),
) -> list[str]:
    """Dry-run checks that read no data: files exist and some format (built-in or one of
    ``formats``) reads them, URI variables are set, table names are valid. Returns one line
    per source."""
    env = dict(os.environ) if environ is None else environ
    lines: list[str] = []
    for s in job.sources:
        if s.is_database:
            uri = _uri(s, env)
            _query(s)
            lines.append(f"{s.name}: database {mask_uri(uri)} ({s.table or 'query'}), not read")
        else:
            files = source_files(s, job.base_dir, as_of)
            for path in files:
                reader_for(path, s.format, formats)
            lines.append(f"{s.name}: {len(files)} file(s)")
    return lines
