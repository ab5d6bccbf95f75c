"""The pipeline object: the same results in every execution mode, typed frozen stage results,
the mode chosen once, and a commit that returns what it adds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import polars as pl
import pytest

from credit_ledger.kinds import RecordKind
from credit_ledger.ledger import Ledger
from credit_ledger.pipeline import (
    Committed,
    Evaluated,
    EvaluationRequest,
    ExecutionMode,
    FileInput,
    Input,
    MemoryMode,
    Pipeline,
    Read,
    StreamedMode,
    Validated,
)
from credit_ledger.plugins import PluginManager
from credit_ledger.rules import EvaluationResult
from credit_ledger.synth import generate

AS_OF = dt.date(2025, 3, 31)


@pytest.fixture(scope="module")
def manager() -> PluginManager:
    pm = PluginManager()
    pm.ensure_ready()
    return pm


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path]]:
    """A synthetic district with defects (one CSV per kind), then a second delivery of
    debtors repeating 30 record ids, 10 of them changed (the later delivery must win)."""
    root = tmp_path_factory.mktemp("delivered")
    files = generate(root, rows=4_000, seed=7, defect_rate=0.05, headers="en")
    debtors = pl.read_csv(files["dishonest_debtor"], infer_schema=False)
    debtors.head(30).with_columns(
        pl.when(pl.int_range(pl.len()) < 10)
        .then(pl.lit("another court"))
        .otherwise(pl.col("court"))
        .alias("court")
    ).write_csv(root / "debtors-late.csv")
    kinds = [(k, f) for k, f in files.items() if k != "ground_truth"]
    return [*kinds, ("dishonest_debtor", root / "debtors-late.csv")]


def _pipeline(pm: PluginManager, mode: ExecutionMode, kinds: Sequence[str]) -> Pipeline:
    return Pipeline(kinds={k: pm.kind(k) for k in kinds}, ruleset=pm.ruleset(), mode=mode)


def _inputs(pm: PluginManager, delivered: list[tuple[str, Path]]) -> list[Input]:
    return [FileInput.read(path, kind=pm.kind(kind)) for kind, path in delivered]


def _run(
    pm: PluginManager, mode: ExecutionMode, delivered: list[tuple[str, Path]], scratch: Path
) -> Evaluated:
    pipe = _pipeline(pm, mode, sorted({k for k, _ in delivered}))
    return pipe.evaluate(pipe.validate(pipe.read(_inputs(pm, delivered)), scratch), as_of=AS_OF)


def _sorted(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """The rows in a canonical order, nested columns as text (so they sort)."""
    df = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    flat = df.with_columns(
        pl.col(n).list.eval(pl.element().cast(pl.String)).list.sort().list.join("|")
        if isinstance(t, pl.List)
        else pl.col(n).struct.json_encode()
        for n, t in df.schema.items()
        if t.is_nested()
    )
    return flat.sort(flat.columns, nulls_last=True)


#: Every execution mode besides MemoryMode, each compared with it (add a new mode here).
OTHER_MODES: list[ExecutionMode] = [StreamedMode(batch_rows=700)]


@pytest.mark.parametrize("mode", OTHER_MODES, ids=lambda m: m.name)
def test_every_mode_gives_the_same_rows_reasons_findings_and_summaries_as_memory(
    manager: PluginManager, delivered: list[tuple[str, Path]], tmp_path: Path, mode: ExecutionMode
) -> None:
    memory = _run(manager, MemoryMode(), delivered, tmp_path / "m")
    streamed = _run(manager, mode, delivered, tmp_path / "s")

    assert [s.to_dict() for s in memory.validated.inputs] == [
        s.to_dict() for s in streamed.validated.inputs
    ]
    # nothing is lost: every row read is valid or quarantined, in both modes
    for done in (memory, streamed):
        for s in done.validated.inputs:
            assert s.rows_in == s.rows_valid + s.rows_quarantined > 0
    assert sum(s.rows_quarantined for s in memory.validated.inputs) > 0
    assert memory.validated.batches.keys() == streamed.validated.batches.keys()
    for kind, batch in memory.validated.batches.items():
        other = streamed.validated.batches[kind]
        assert batch.duplicates == other.duplicates
        assert _sorted(batch.records).equals(_sorted(other.records)), kind
    debtors = memory.validated.batches["dishonest_debtor"]
    assert 0 < debtors.duplicates <= 30
    # the later delivery won: each of its valid rows is kept, changed court included
    records = debtors.records.collect()
    late = records.filter(pl.col("_source") == "debtors-late.csv")
    assert late.height == memory.validated.inputs[-1].rows_valid
    assert (
        0 < (records["court"] == "another court").sum() == (late["court"] == "another court").sum()
    )

    assert memory.validated.quarantined.keys() == streamed.validated.quarantined.keys()
    assert _sorted(memory.quarantine).equals(_sorted(streamed.quarantine))

    assert memory.findings.height > 0
    assert _sorted(memory.findings).equals(_sorted(streamed.findings))
    assert dict(memory.by_severity) == dict(streamed.by_severity)
    assert memory.rules_status == streamed.rules_status
    columns = ["rule_id", "kind", "status", "evaluated", "failed", "waived"]
    assert memory.evaluation.outcomes.select(columns).equals(
        streamed.evaluation.outcomes.select(columns)
    )
    assert memory.evaluation.summaries.keys() == streamed.evaluation.summaries.keys()
    assert memory.evaluation.summaries
    for name, table in memory.evaluation.summaries.items():
        assert _sorted(table).equals(_sorted(streamed.evaluation.summaries[name])), name


def test_each_stage_returns_its_typed_frozen_result_with_lazy_frames(
    manager: PluginManager, delivered: list[tuple[str, Path]], tmp_path: Path
) -> None:
    pipe = _pipeline(manager, MemoryMode(), sorted({k for k, _ in delivered}))
    read = pipe.read(iter(_inputs(manager, delivered)))  # an iterator is read in the stage
    assert isinstance(read, Read)
    assert len(read.inputs) == len(delivered)
    validated = pipe.validate(read, tmp_path)
    assert isinstance(validated, Validated)
    assert all(isinstance(b.records, pl.LazyFrame) for b in validated.batches.values())
    assert all(isinstance(q, pl.LazyFrame) for q in validated.quarantined.values())
    done = pipe.evaluate(validated, as_of=AS_OF)
    assert isinstance(done, Evaluated)
    assert done.validated is validated
    assert isinstance(done.quarantine, pl.LazyFrame)
    assert set(pipe.clock.timings) == {"read", "validate", "rules"}
    for result, attribute in ((read, "inputs"), (validated, "batches"), (done, "findings")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, attribute, None)


class _Recording:
    """An execution mode that records what the pipeline asks of it (and lets MemoryMode do
    the work): a third mode plugs in through the protocol alone."""

    name = "recording"

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.requests: list[EvaluationRequest] = []

    def validate(
        self, inputs: Sequence[Input], kinds: Mapping[str, RecordKind], scratch: Path
    ) -> Validated:
        self.calls.append("validate")
        return MemoryMode().validate(inputs, kinds, scratch)

    def evaluate(
        self, frames: Mapping[str, pl.LazyFrame], request: EvaluationRequest
    ) -> EvaluationResult:
        self.calls.append("evaluate")
        self.requests.append(request)
        assert all(isinstance(f, pl.LazyFrame) for f in frames.values())
        return MemoryMode().evaluate(frames, request)


def test_the_mode_is_chosen_once_and_every_data_stage_goes_through_it(
    manager: PluginManager, delivered: list[tuple[str, Path]], tmp_path: Path
) -> None:
    mode = _Recording()
    assert isinstance(mode, ExecutionMode)
    pipe = _pipeline(manager, mode, sorted({k for k, _ in delivered}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        pipe.mode = MemoryMode()  # type: ignore[misc]
    validated = pipe.validate(pipe.read(_inputs(manager, delivered)), tmp_path)
    pipe.evaluate(validated, as_of=AS_OF)
    assert mode.calls == ["validate", "evaluate"]
    (request,) = mode.requests
    assert request.as_of == AS_OF
    assert request.rules is pipe.ruleset
    assert set(request.quarantine) == set(validated.quarantined)


def test_the_streamed_mode_keeps_derived_frames_lazy_and_memory_materialises_them(
    manager: PluginManager, delivered: list[tuple[str, Path]], tmp_path: Path
) -> None:
    memory = _run(manager, MemoryMode(), delivered[:2], tmp_path / "m")
    streamed = _run(manager, StreamedMode(batch_rows=500), delivered[:2], tmp_path / "s")
    assert all(isinstance(f, pl.DataFrame) for f in memory.evaluation.derived.values())
    assert all(isinstance(f, pl.LazyFrame) for f in streamed.evaluation.derived.values())


def test_commit_returns_what_it_adds_and_leaves_the_callers_row_and_manifest_alone(
    manager: PluginManager, delivered: list[tuple[str, Path]], tmp_path: Path
) -> None:
    kinds = sorted({k for k, _ in delivered})
    pipe = _pipeline(manager, MemoryMode(), kinds)
    done = pipe.evaluate(
        pipe.validate(pipe.read(_inputs(manager, delivered)), tmp_path / "s"), as_of=AS_OF
    )
    ledger = Ledger(tmp_path / "ledger")
    started = dt.datetime.now(dt.UTC)
    row = MappingProxyType(
        done.row(run_key="k" * 64, job="t", as_of=AS_OF, started=started, forced=False)
    )
    manifest = MappingProxyType({"run_id": "r00001-20250331-kkkkkkkk"})
    with ledger.lock(job="t"):
        ledger.recover()
        committed = pipe.commit(
            done, ledger, run_id="r00001-20250331-kkkkkkkk", row=row, manifest=manifest
        )
    assert isinstance(committed, Committed)
    assert "records_inserted" not in row
    assert "records" not in manifest
    valid = sum(s.rows_valid for s in done.validated.inputs)
    assert committed.inserted == valid - done.validated.batches["dishonest_debtor"].duplicates
    assert committed.updated == 0
    assert committed.record.manifest["records"] == {
        k: dict(v) for k, v in committed.records.items()
    }
    assert set(committed.record.manifest["timings"]) >= {"read", "validate", "rules", "commit"}
    state = ledger.state()
    assert state.run is not None
    assert (
        state.records("dishonest_debtor").select(pl.len()).collect().item()
        == (committed.records["dishonest_debtor"]["inserted"])
    )
