"""The benchmark cases: I/O floors and credit_ledger's own stages.

A :class:`Case` prepares (untimed: imports, loading in-memory input) and returns a
:class:`Prepared` whose ``run`` is what gets timed. Peer libraries' cases live in
:mod:`benchmarks._peers`; :data:`CASES` holds both, in report order.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from benchmarks._data import DataSet, Format

__all__ = ["AS_OF", "Case", "Context", "Prepared", "own_cases"]

AS_OF = dt.date(2025, 12, 31)
Group = Literal["floor", "credit_ledger", "peer", "huge"]


@dataclass(frozen=True, kw_only=True)
class Context:
    """What a case may use: its data set and a scratch directory for outputs."""

    data: DataSet
    scratch: Path
    as_of: dt.date = AS_OF


@dataclass(kw_only=True)
class Prepared:
    """A case ready to run: ``run`` is timed, ``before``/``after`` run around it untimed."""

    run: Callable[[], dict[str, Any] | None]
    before: Callable[[], None] | None = None
    after: Callable[[], None] | None = None


@dataclass(frozen=True, kw_only=True)
class Case:
    """One benchmark case.

    Attributes:
        name: stable id (JSON key), ``<group-ish>.<what>``.
        title: one line for the Markdown table.
        group: ``floor`` (I/O baselines), ``credit_ledger``, ``peer`` or ``huge``.
        prepare: builds the :class:`Prepared` (untimed).
        inputs: the files the case reads, whose size is the "bytes read" denominator
            (``None``: input held in memory).
        kinds: kinds whose rows count for rows/s (``None``: all).
        requires: an optional module the case needs (skipped with a note when absent).
    """

    name: str
    title: str
    group: Group
    prepare: Callable[[Context], Prepared]
    inputs: Format | None = None
    kinds: tuple[str, ...] | None = None
    requires: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


# --- I/O floors ---------------------------------------------------------------------------


def _floor_parquet(ctx: Context) -> Prepared:
    files = list(ctx.data.files("parquet").values())
    return Prepared(run=lambda: {"rows": sum(pl.read_parquet(p).height for p in files)})


def _floor_csv(encoding: str) -> Callable[[Context], Prepared]:
    fmt: Format = "csv-gbk" if encoding == "gbk" else "csv-utf8"

    def prepare(ctx: Context) -> Prepared:
        files = list(ctx.data.files(fmt).values())
        return Prepared(
            run=lambda: {
                "rows": sum(
                    pl.read_csv(p, infer_schema=False, encoding=encoding).height for p in files
                )
            }
        )

    return prepare


# --- credit_ledger --------------------------------------------------------------------------


def _read(fmt: Format) -> Callable[[Context], Prepared]:
    def prepare(ctx: Context) -> Prepared:
        import credit_ledger  # noqa: PLC0415 - a floor's worker need not import it

        files = ctx.data.files(fmt)

        def run() -> dict[str, Any]:
            rows = sum(credit_ledger.read(p, kind=k).collect().height for k, p in files.items())
            return {"rows": rows}

        return Prepared(run=run)

    return prepare


def _counts(results: dict[str, Any]) -> dict[str, Any]:
    return {
        "rows_valid": sum(r.summary.rows_valid for r in results.values()),
        "rows_quarantined": sum(r.summary.rows_quarantined for r in results.values()),
    }


def _validate(fmt: Format) -> Callable[[Context], Prepared]:
    def prepare(ctx: Context) -> Prepared:
        import credit_ledger  # noqa: PLC0415

        files = ctx.data.files(fmt)

        def run() -> dict[str, Any]:
            return _counts(
                {
                    k: credit_ledger.validate(credit_ledger.read(p, kind=k), kind=k)
                    for k, p in files.items()
                }
            )

        return Prepared(run=run)

    return prepare


def _validate_typed(ctx: Context) -> Prepared:
    import credit_ledger  # noqa: PLC0415

    frames = {k: pl.read_parquet(p) for k, p in ctx.data.files("typed").items()}

    def run() -> dict[str, Any]:
        return _counts({k: credit_ledger.validate(f, kind=k) for k, f in frames.items()})

    return Prepared(run=run)


def _manager() -> Any:
    """Every installed plugin, as ``credit-ledger check`` and a job without ``[plugins]``."""
    from credit_ledger.plugins import PluginManager, PluginSelection  # noqa: PLC0415

    pm = PluginManager(selection=PluginSelection())
    pm.ensure_ready()
    return pm


def _rules_info(ev: Any) -> dict[str, Any]:
    if ev.errors:
        raise RuntimeError(f"rule errors: {[f'{e.name}: {e.message}' for e in ev.errors]}")
    return {
        "rules": ev.outcomes.height,
        "rules_failed": ev.outcomes.filter(pl.col("status") == "fail").height,
        "findings": ev.findings.height,
    }


def _rules(ctx: Context) -> Prepared:
    from credit_ledger import evaluate_many  # noqa: PLC0415

    valid = {k: pl.read_parquet(p) for k, p in ctx.data.files("valid").items()}
    pm = _manager()
    return Prepared(run=lambda: _rules_info(evaluate_many(valid, as_of=ctx.as_of, plugins=pm)))


def _check(ctx: Context) -> Prepared:
    """Read → validate → every plugin's rules, from Parquet: the ``check`` path on all kinds."""
    import credit_ledger  # noqa: PLC0415
    from credit_ledger import evaluate_many  # noqa: PLC0415

    files = ctx.data.files("parquet")
    pm = _manager()

    def run() -> dict[str, Any]:
        results = {
            k: credit_ledger.validate(credit_ledger.read(p, kind=k), kind=k)
            for k, p in files.items()
        }
        ev = evaluate_many({k: r.valid for k, r in results.items()}, as_of=ctx.as_of, plugins=pm)
        return {**_counts(results), **_rules_info(ev)}

    return Prepared(run=run)


def _job_toml(files: dict[str, Path], batch_rows: int | None = None) -> str:
    lines = ["[job]", 'name = "bench"', 'ledger = "ledger"']
    lines += [f"batch_rows = {batch_rows}", ""] if batch_rows else [""]
    for kind, path in files.items():
        lines += [
            "[[sources]]",
            f"name = {json.dumps(kind)}",
            f"kind = {json.dumps(kind)}",
            f"path = {json.dumps(str(path.resolve()))}",
            "",
        ]
    lines += ["[outputs]", 'dir = "out"', ""]
    return "\n".join(lines)


def _run(inputs: Format, *, streamed: bool) -> Callable[[Context], Prepared]:
    """``credit_ledger.jobs.run`` from the files of ``inputs`` (for ``chunks``, each kind's
    folder of Parquet parts) into a fresh ledger each time; ``streamed``: with the default
    ``batch_rows``."""
    return lambda ctx: _run_job(ctx, inputs, streamed=streamed)


def _run_job(ctx: Context, inputs: Format, *, streamed: bool) -> Prepared:
    from credit_ledger.jobs import run  # noqa: PLC0415
    from credit_ledger.streaming import DEFAULT_BATCH_ROWS  # noqa: PLC0415

    files = ctx.data.files(inputs)
    if inputs == "chunks":
        files = {kind: folder / "*.parquet" for kind, folder in files.items()}
    toml = _job_toml(files, DEFAULT_BATCH_ROWS if streamed else None)
    state: dict[str, Path] = {}

    def before() -> None:
        work = Path(tempfile.mkdtemp(prefix="run-", dir=ctx.scratch))
        (work / "job.toml").write_text(toml, encoding="utf-8")
        state["work"] = work

    def timed() -> dict[str, Any]:
        result = run(state["work"] / "job.toml", as_of=ctx.as_of)
        if result.status != "completed":
            raise RuntimeError(f"run ended {result.status!r}")
        return {
            "status": result.status,
            "rules_status": result.rules_status,
            "stages_s": {k: round(v, 3) for k, v in result.timings.items()},
        }

    def after() -> None:
        shutil.rmtree(state.pop("work"), ignore_errors=True)

    return Prepared(run=timed, before=before, after=after)


def _stream(ctx: Context) -> Prepared:
    """The huge set (57M records in 570k-row Parquet files) through
    ``credit_ledger.validate_to_parquet``, one call per kind: a pass over the record ids for
    uniqueness across all files, then batches validated and written as Parquet parts."""
    import credit_ledger  # noqa: PLC0415
    from credit_ledger.streaming import DEFAULT_BATCH_ROWS  # noqa: PLC0415

    sources = ctx.data.files("chunks")
    out = ctx.scratch / "stream-out"

    def run() -> dict[str, Any]:
        summaries = {
            kind: credit_ledger.validate_to_parquet(
                folder / "*.parquet", kind=kind, out_dir=out / kind
            )
            for kind, folder in sources.items()
        }
        return {
            "rows_valid": sum(s.rows_valid for s in summaries.values()),
            "rows_quarantined": sum(s.rows_quarantined for s in summaries.values()),
            "unique_failures": sum(
                n
                for s in summaries.values()
                for r, n in s.by_reason.items()
                if r.endswith(":unique")
            ),
            "mode": f"validate_to_parquet, batch_rows {DEFAULT_BATCH_ROWS:,}",
        }

    return Prepared(run=run, after=lambda: shutil.rmtree(out, ignore_errors=True))


def own_cases() -> list[Case]:
    """Floors and credit_ledger's cases, in report order."""
    return [
        Case(
            name="floor.read_parquet",
            title="`pl.read_parquet` (I/O floor)",
            group="floor",
            prepare=_floor_parquet,
            inputs="parquet",
        ),
        Case(
            name="floor.read_csv",
            title="`pl.read_csv` UTF-8 (I/O floor)",
            group="floor",
            prepare=_floor_csv("utf8"),
            inputs="csv-utf8",
        ),
        Case(
            name="floor.read_csv_gbk",
            title='`pl.read_csv(encoding="gbk")` (I/O floor)',
            group="floor",
            prepare=_floor_csv("gbk"),
            inputs="csv-gbk",
        ),
        Case(
            name="read.parquet",
            title="`credit_ledger.read` Parquet",
            group="credit_ledger",
            prepare=_read("parquet"),
            inputs="parquet",
        ),
        Case(
            name="read.csv_utf8",
            title="`credit_ledger.read` CSV UTF-8, Chinese headers",
            group="credit_ledger",
            prepare=_read("csv-utf8"),
            inputs="csv-utf8",
        ),
        Case(
            name="read.csv_gbk",
            title="`credit_ledger.read` CSV GBK (detected), Chinese headers",
            group="credit_ledger",
            prepare=_read("csv-gbk"),
            inputs="csv-gbk",
        ),
        Case(
            name="validate.parquet",
            title="read + `validate`, Parquet, every check",
            group="credit_ledger",
            prepare=_validate("parquet"),
            inputs="parquet",
        ),
        Case(
            name="validate.csv_utf8",
            title="read + `validate`, CSV UTF-8, every check",
            group="credit_ledger",
            prepare=_validate("csv-utf8"),
            inputs="csv-utf8",
        ),
        Case(
            name="validate.typed",
            title="`validate` of typed frames in memory (pandera's input)",
            group="credit_ledger",
            prepare=_validate_typed,
        ),
        Case(
            name="rules.all_packs",
            title="rules: every plugin's rules (`evaluate_many`) on valid rows",
            group="credit_ledger",
            prepare=_rules,
        ),
        Case(
            name="check.parquet",
            title="read + `validate` + rules, Parquet",
            group="credit_ledger",
            prepare=_check,
            inputs="parquet",
        ),
        Case(
            name="run.csv_utf8",
            title="`jobs.run`: CSV → validate → rules → ledger → outputs",
            group="credit_ledger",
            prepare=_run("csv-utf8", streamed=False),
            inputs="csv-utf8",
        ),
        Case(
            name="run.stream_csv_utf8",
            title="`jobs.run` streamed (`batch_rows` 100,000): CSV → … → outputs",
            group="credit_ledger",
            prepare=_run("csv-utf8", streamed=True),
            inputs="csv-utf8",
        ),
    ]


def stream_cases() -> list[Case]:
    """The 57M-row cases (``--huge``)."""
    return [
        Case(
            name="stream.validate_quarantine",
            title="`validate_to_parquet`: streamed batches to Parquet parts, global uniqueness",
            group="huge",
            prepare=_stream,
            inputs="chunks",
        ),
        Case(
            name="stream.run",
            title="`jobs.run` streamed (`batch_rows` 100,000): Parquet parts → … → outputs",
            group="huge",
            prepare=_run("chunks", streamed=True),
            inputs="chunks",
        ),
    ]
