"""A run's quarantined rows as the department sent them: the source's own headers and its
values as read, from the input file the run read."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from credit_ledger.errors import CreditLedgerError
from credit_ledger.ingest import ROW
from credit_ledger.ledger import LedgerState
from credit_ledger.plugins import get_kind
from credit_ledger.quarantine_files import source_rows

__all__ = ["Original", "originals"]

log = logging.getLogger("credit_ledger.corrections")

_CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class Original:
    """The quarantined rows of one input under its own headers.

    Attributes:
        rows: the rows as read (all text), with ``_row``.
        renames: source header → canonical column, for the headers that map onto the kind.
    """

    rows: pl.DataFrame
    renames: dict[str, str]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _places(state: LedgerState, location: str) -> list[Path]:
    """Where the file the run read at ``location`` may be now. A relative location is relative
    to the directory the run ran in: as is (the same directory), or found from the ledger's
    path, which the manifest records as the run gave it (``ledger`` under that directory)."""
    assert state.run is not None
    path = Path(location)
    if path.is_absolute():
        return [path]
    places = [path]
    given = Path(str(state.run.manifest.get("ledger", "")))
    actual = state.path.absolute().parts
    n = len(given.parts)
    if n and not given.is_absolute() and ".." not in given.parts and actual[-n:] == given.parts:
        places.append(Path(*actual[:-n]) / path)
    return places


def _input(state: LedgerState, kind: str, name: str) -> tuple[Path, dict[str, Any]] | None:
    """The file the run read as ``name`` (a row's ``_source``), and its source's options;
    None for a database source, two inputs of one name, or a file changed or gone since."""
    assert state.run is not None
    config = state.run.manifest.get("job", {}).get("config", {})
    sources = {s.get("name"): s for s in config.get("sources", [])}
    found = [
        r
        for r in state.inputs().filter(pl.col("kind") == kind).collect().iter_rows(named=True)
        if Path(str(r["location"])).name == name
    ]
    if len(found) != 1:
        return None
    source = sources.get(found[0]["source"])
    path = next((p for p in _places(state, str(found[0]["location"])) if p.is_file()), None)
    if source is None or source.get("path") is None or path is None:
        return None
    if _sha256(path) != found[0]["sha256"]:
        log.warning(
            "%s changed since run %s: its original headers are not used", name, state.run.run_id
        )
        return None
    return path, source


def originals(state: LedgerState, rows: pl.DataFrame) -> dict[tuple[str, str], Original]:
    """Per ``(kind, _source)`` of ``rows`` (quarantine-table rows of ``state``'s run), those
    rows read again from the input file, when it is still there as the run read it (same
    SHA-256). Inputs without such a file are absent: their rows are shown as the ledger
    kept them, under the kind's Chinese headers.

    Args:
        state: the run's state.
        rows: its quarantined rows (``kind``, ``_source``, ``_row`` at least).
    """
    out: dict[tuple[str, str], Original] = {}
    for (kind, name), part in rows.partition_by("kind", "_source", as_dict=True).items():
        found = _input(state, str(kind), str(name))
        if found is None:
            continue
        path, source = found
        try:
            body, mapping = source_rows(
                part.select(ROW),
                get_kind(str(kind)),
                path,
                encoding=source.get("encoding"),
                sheet=source.get("sheet"),
                columns=source.get("columns"),
                header_row=source.get("header_row"),
                records_path=source.get("records_path"),
            )
        except CreditLedgerError as exc:
            log.warning(
                "%s cannot be read again (%s): its original headers are not used", name, exc
            )
            continue
        out[(str(kind), str(name))] = Original(rows=body, renames=dict(mapping.renames))
    return out
