"""Helpers for batch-job tests: small debtor files, job files, a ledger's visible state."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from credit_ledger.ledger import Ledger
from credit_ledger.plugins import (
    BUILTIN_PLUGINS,
    ENTRY_POINT_GROUP,
    PluginManager,
    PluginSelection,
    hookimpl,
)
from credit_ledger.rules import Rule, Severity
from tests.conftest import ORGAN, debtor, write_csv

AS_OF = "2025-03-31"


def listing(n: int, **overrides: str) -> dict[str, str]:
    """A valid dishonest-debtor listing with record id ``D<n>`` (a government organ when
    ``organ``)."""
    row = {"record_id": f"D{n:04d}", **debtor(case_no=f"(2024)冀0105执{1000 + n}号")}
    row.update(overrides)
    return row


def organ_listing(n: int, **overrides: str) -> dict[str, str]:
    """An outstanding listing of a government organ (counted by dynamic zeroing)."""
    return listing(
        n, id_or_uscc=ORGAN, debtor_name="某市某局", removed_on="", removal_reason="", **overrides
    )


def closed(row: dict[str, str], on: str) -> dict[str, str]:
    """``row`` removed from the list on ``on`` (the debt was performed)."""
    return {**row, "removed_on": on, "removal_reason": "performed", "performance": "全部履行"}


def write_rows(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    """Write listings with canonical (English) headers, every row with the same columns."""
    names: list[str] = []
    for r in rows:
        names += [k for k in r if k not in names]
    full = [{n: r.get(n, "") for n in names} for r in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv(path, full)


def toml_value(value: Any) -> str:
    """A Python value as TOML (strings, numbers, booleans, lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def job_text(
    *,
    ledger: str = "ledger",
    sources: Sequence[dict[str, Any]] = (),
    job: dict[str, Any] | None = None,
    outputs: dict[str, Any] | None = None,
    extra: str = "",
) -> str:
    """A job file's text."""
    lines = ["[job]", f"ledger = {toml_value(ledger)}"]
    lines += [f"{k} = {toml_value(v)}" for k, v in (job or {}).items()]
    for s in sources:
        lines += ["", "[[sources]]", *(f"{k} = {toml_value(v)}" for k, v in s.items())]
    if outputs is not None:
        lines += ["", "[outputs]", *(f"{k} = {toml_value(v)}" for k, v in outputs.items())]
    return "\n".join(lines) + "\n" + extra


@pytest.fixture
def make_job(tmp_path: Path) -> Callable[..., Path]:
    """Factory: write ``job.toml`` in ``tmp_path`` (see :func:`job_text`) and return it."""

    def make(name: str = "job.toml", **kwargs: Any) -> Path:
        path = tmp_path / name
        path.write_text(job_text(**kwargs), encoding="utf-8")
        return path

    return make


def visible(ledger_dir: Path) -> dict[str, Any]:
    """What readers of a ledger see: runs, table versions and record contents."""
    ledger = Ledger(ledger_dir)
    state = ledger.state()
    return {
        "runs": ledger.runs()["run_id"].to_list(),
        "tables": dict(state.tables),
        "records": {
            k: state.records(k).sort("record_id").collect().to_dicts() for k in state.kinds()
        },
    }


def other_plugins() -> str:
    """Every installed plugin but the built-in record kinds, comma-separated: the value of
    ``CREDIT_LEDGER_PLUGINS_DENY`` that makes CLI tests independent of installed packs."""
    installed = {e.name for e in entry_points(group=ENTRY_POINT_GROUP)}
    installed |= {n for n in BUILTIN_PLUGINS if n != "builtin.kinds"}
    return ",".join(sorted(installed))


def manager(*plugins: object, modules: Sequence[str] = ()) -> PluginManager:
    """A plugin manager with the built-in record kinds and exactly ``plugins``: no entry
    points, no other built-in packs (so tests do not depend on what else is installed)."""
    deny = [
        n for n in BUILTIN_PLUGINS if n != "builtin.kinds" and BUILTIN_PLUGINS[n] not in modules
    ]
    return PluginManager(
        list(plugins),
        modules=[m for m in modules if m not in BUILTIN_PLUGINS.values()],
        entry_points=False,
        selection=PluginSelection.parse(deny=deny),
    )


class OrganPack:
    """A test plugin: a warning for every listed government organ, and optionally a rule
    that cannot be evaluated."""

    def __init__(self, *, broken: bool = False) -> None:
        self.broken = broken

    @hookimpl
    def credit_ledger_rules(self) -> list[Rule]:
        rules = [
            Rule(
                id="testpack.organ_listed",
                title="no government organ is listed",
                kind="dishonest_debtor",
                severity=Severity.WARNING,
                check=~pl.col("id_or_uscc").str.starts_with("11"),
            )
        ]
        if self.broken:
            rules.append(
                Rule(
                    id="testpack.broken",
                    title="refers to a column nobody has",
                    kind="dishonest_debtor",
                    check=pl.col("no_such_column") > 0,
                )
            )
        return rules
