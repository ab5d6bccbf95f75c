"""Output files: written to a staging directory before the ledger commit (so a full disk or a
bad path fails the run while the ledger is untouched), renamed into place after it, the
manifest last."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from credit_ledger._files import make_dirs, private
from credit_ledger._redact import is_unmasked
from credit_ledger.corrections import CORRECTIONS_OUTPUT, write_corrections
from credit_ledger.errors import OutputError, describe
from credit_ledger.quarantine_files import RUN_OUTPUTS, Delivered, write_run_quarantine

if TYPE_CHECKING:
    from credit_ledger.contracts._plugin import ReportWriter
    from credit_ledger.jobs._config import Job, OutputConfig
    from credit_ledger.kinds import RecordKind
    from credit_ledger.pipeline import Input
    from credit_ledger.plugins import CommittedRun, Reporter
    from credit_ledger.rules import EvaluationResult

__all__ = [
    "StagedOutputs",
    "delivered",
    "publish",
    "stage",
    "stage_committed",
    "stage_corrections",
    "writers",
]

Writer = Callable[[Path], None]


@dataclass(kw_only=True)
class StagedOutputs:
    """Outputs written to ``staging`` inside ``directory``, not yet published.

    Attributes:
        directory: where the outputs go.
        staging: the hidden directory holding them until :func:`publish`.
        files: file name → ``{"name", "path", "sha256", "bytes"}`` (path is the final one).
    """

    directory: Path
    staging: Path
    files: dict[str, dict[str, object]] = field(default_factory=dict)

    def discard(self) -> None:
        """Remove the staged files (the run failed before its commit)."""
        shutil.rmtree(self.staging, ignore_errors=True)


def _digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _error(directory: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write outputs to {directory}: {reason}")


def stage(directory: Path, run_id: str, writers: Mapping[str, Writer]) -> StagedOutputs:
    """Write every output (file name → writer) into a staging directory in ``directory``.

    Raises:
        OutputError: the directory cannot be created or a file cannot be written (exit 4);
            nothing is left behind.
    """
    staging = directory / f".staging-{run_id}"
    staged = StagedOutputs(directory=directory, staging=staging)
    try:
        if directory.exists() and not directory.is_dir():
            raise NotADirectoryError(20, "a file is in the way (not a directory)")
        make_dirs(directory)
        shutil.rmtree(staging, ignore_errors=True)
        make_dirs(staging)
        for name, write in writers.items():
            target = staging / name
            write(target)
            private(target)
            digest, size = _digest(target)
            staged.files[name] = {
                "name": name,
                "path": str(directory / name),
                "sha256": digest,
                "bytes": size,
            }
    except OSError as exc:
        staged.discard()
        raise _error(directory, exc) from None
    except Exception:
        staged.discard()
        raise
    return staged


def publish(staged: StagedOutputs, manifest_json: str | None) -> list[Path]:
    """Rename the staged files into place, then write ``manifest.json`` (if given) last.

    Raises:
        OutputError: a rename or the manifest failed (the ledger has the run; rerun with
            ``--force`` to write the outputs again).
    """
    done: list[Path] = []
    try:
        for name in staged.files:
            target = staged.directory / name
            os.replace(staged.staging / name, target)
            done.append(target)
        if manifest_json is not None:
            tmp = staged.staging / "manifest.json"
            tmp.write_text(manifest_json + "\n", encoding="utf-8")
            private(tmp)
            target = staged.directory / "manifest.json"
            os.replace(tmp, target)
            done.append(target)
    except OSError as exc:
        raise _error(staged.directory, exc) from None
    finally:
        staged.discard()
    return done


def _write_parquet(frame: pl.DataFrame | pl.LazyFrame, path: Path) -> None:
    if isinstance(frame, pl.LazyFrame):
        frame.sink_parquet(path, engine="streaming")
    else:
        frame.write_parquet(path)


def delivered(
    job: Job, inputs: Sequence[Input], kinds: Mapping[str, RecordKind]
) -> list[Delivered]:
    """The run's inputs as the quarantine for people finds them again: a file by its name
    (its rows' ``_source``), a database result by its source's name."""
    sources = {s.name: s for s in job.sources}
    out: list[Delivered] = []
    for item in inputs:
        source = sources[item.source]
        path = None if source.is_database else Path(item.location)
        out.append(
            Delivered(
                name=item.source if path is None else path.name,
                kind=kinds[item.kind],
                path=None if source.format else path,  # a named format: rows as read
                encoding=source.encoding,
                sheet=source.sheet,
            )
        )
    return out


def _flat(table: pl.DataFrame) -> pl.DataFrame:
    """``table`` with its nested columns as JSON text, which a CSV file can hold."""
    nested = [n for n, t in table.schema.items() if t.is_nested()]
    # Polars JSON-encodes structs only: wrap the column in one and strip '{"name":' and '}'.
    return table.with_columns(
        pl.struct(pl.col(n)).struct.json_encode().str.slice(len(n) + 4).str.head(-1).alias(n)
        for n in nested
    )


def writers(
    config: OutputConfig,
    *,
    summary: Mapping[str, Any],
    findings: pl.DataFrame,
    quarantine: pl.DataFrame | pl.LazyFrame,
    persisted: Mapping[str, pl.DataFrame],
    evaluation: EvaluationResult,
    reporters: Sequence[Reporter],
    delivered: Sequence[Delivered] = (),
) -> dict[str, Writer]:
    """The writers of the outputs ``config`` asks for (file name → writer); the manifest is
    not among them: :func:`publish` writes it last. ``delivered`` (the run's inputs) lets the
    quarantine for people read each input's original headers and values again."""
    want = set(config.write)
    out: dict[str, Writer] = {}
    if "summary" in want:
        text = json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n"

        def write_summary(path: Path) -> None:
            path.write_text(text, encoding="utf-8")

        out["summary.json"] = write_summary
    if "findings" in want:
        out["findings.parquet"] = findings.write_parquet
    if "quarantine" in want:
        out["quarantine.parquet"] = partial(_write_parquet, quarantine)
    for name in RUN_OUTPUTS:
        if name in want:
            out[name] = partial(write_run_quarantine, quarantine, delivered=delivered)
    if "summaries" in want:
        for name, table in persisted.items():
            out[f"{name}.csv"] = _flat(table).write_csv
    for r in reporters:
        if r.write is None:
            continue  # an after_commit reporter: see stage_committed

        def write_report(path: Path, write: ReportWriter = r.write) -> None:
            write(evaluation, path)

        out[f"{r.name}{r.suffix}"] = write_report
    return out


def stage_committed(
    staged: StagedOutputs, reporters: Sequence[Reporter], run: CommittedRun
) -> None:
    """Write the outputs of ``after_commit`` reporters into the staging directory, once the
    ledger holds the run; :func:`publish` renames them into place with the others.

    Raises:
        OutputError: a file cannot be written or a reporter failed; no output is published
            (the ledger has the run; rerun with ``--force`` to write the outputs again).
    """
    for r in reporters:
        if r.after_commit is None:
            continue
        name = f"{r.name}{r.suffix}"
        target = staged.staging / name
        try:
            r.after_commit(run, target)
            private(target)
            digest, size = _digest(target)
        except OSError as exc:
            staged.discard()
            raise _error(staged.directory, exc) from None
        except Exception as exc:  # a plugin's writer: any failure is an unwritten output
            staged.discard()
            raise OutputError(
                f"run {run.run_id} is committed, but reporter {r.name!r} failed "
                f"({describe(exc, typed=True)}); no output was published: rerun with --force"
            ) from None
        staged.files[name] = {
            "name": name,
            "path": str(staged.directory / name),
            "sha256": digest,
            "bytes": size,
        }


def stage_corrections(staged: StagedOutputs, ledger: Path, run_id: str) -> None:
    """Stage the committed run's correction workbooks (``[outputs] write`` value
    ``corrections``) as ``corrections/<department>.xlsx``; masked unless the run is unmasked.

    Raises:
        OutputError: a workbook cannot be written; no output is published.
    """
    try:
        books = write_corrections(
            ledger, staged.staging / CORRECTIONS_OUTPUT, run_id=run_id, masked=not is_unmasked()
        )
        make_dirs(staged.directory / CORRECTIONS_OUTPUT)  # publish renames into it
        for book in books:
            name = f"{CORRECTIONS_OUTPUT}/{book.name}"
            digest, size = _digest(book)
            staged.files[name] = {
                "name": name,
                "path": str(staged.directory / name),
                "sha256": digest,
                "bytes": size,
            }
    except OSError as exc:
        staged.discard()
        raise _error(staged.directory, exc) from None
    except Exception:
        staged.discard()
        raise
