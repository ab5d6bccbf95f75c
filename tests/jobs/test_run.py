"""``run(job)``: stages, idempotency, and every fault leaving the ledger as it was."""

from __future__ import annotations

import errno
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from credit_ledger.cli._exit import exit_code_for, exit_code_for_result
from credit_ledger.errors import InputError, OutputError, SourceNotFoundError
from credit_ledger.jobs import run
from credit_ledger.ledger import FINDINGS, Ledger, LedgerLockedError
from credit_ledger.ledger._commit import Commit
from tests.jobs._schema_check import errors as schema_errors
from tests.jobs.conftest import (
    AS_OF,
    OrganPack,
    closed,
    listing,
    manager,
    organ_listing,
    visible,
    write_rows,
)

ROOT = Path(__file__).resolve().parents[2]
DEBTORS = {"name": "debtors", "kind": "dishonest_debtor", "path": "in/{as_of}/*.csv"}


@pytest.fixture
def day1(tmp_path: Path) -> Path:
    """Three listings (one a government organ) and one invalid row, delivered for AS_OF."""
    rows = [listing(1), listing(2), organ_listing(3), listing(4, filed_on="not a date")]
    return write_rows(tmp_path / "in" / AS_OF / "a.csv", rows)


def test_every_stage_is_timed_even_without_outputs(
    day1: Path, make_job: Callable[..., Path]
) -> None:
    del day1  # the delivery on disk
    job = make_job(sources=[DEBTORS], job={"as_of": AS_OF})
    result = run(job, plugins=manager(OrganPack()))
    assert set(result.timings) == {"read", "validate", "rules", "commit", "outputs"}
    assert result.manifest["timings"].keys() >= {"read", "validate", "rules", "commit"}


def test_run_commits_records_findings_outputs_and_manifest(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    job = make_job(sources=[DEBTORS], job={"as_of": AS_OF}, outputs={"dir": "out/{as_of}"})
    result = run(job, plugins=manager(OrganPack()))
    assert result.status == "completed"
    assert result.run_id is not None
    assert result.run_id.startswith("r00001-20250331-")
    (one,) = result.inputs
    assert (one.rows_in, one.rows_valid, one.rows_quarantined) == (4, 3, 1)
    assert one.sha256 == hashlib.sha256(day1.read_bytes()).hexdigest()
    assert result.records == {
        "dishonest_debtor": {"inserted": 3, "updated": 0, "unchanged": 0, "duplicates": 0}
    }
    assert result.findings_by_severity["warning"] == 1  # the organ
    assert result.rules_status == "ok"  # warnings are below the default fail_on (error)
    assert exit_code_for_result(result) == 0
    assert exit_code_for_result(result, "warning") == 1
    assert set(result.timings) >= {"read", "validate", "rules", "commit", "outputs"}

    state = Ledger(tmp_path / "ledger").state()
    assert state.records("dishonest_debtor").collect().height == 3
    quarantine = state.quarantine().collect()
    assert quarantine["_reasons"].to_list() == [["filed_on:date"]]
    assert json.loads(quarantine["values"][0])["filed_on"] == "not a date"
    assert state.findings().collect()["rule_id"].to_list() == ["testpack.organ_listed"]
    assert state.rule_outcomes().collect()["status"].to_list() == ["fail"]

    out = tmp_path / "out" / AS_OF
    names = sorted(p.name for p in out.iterdir())
    assert names == ["findings.parquet", "manifest.json", "quarantine.parquet", "summary.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest == result.manifest == state.run.manifest  # type: ignore[union-attr]
    schema = json.loads((ROOT / "schemas" / "manifest.v1.json").read_text())
    assert schema_errors(manifest, schema) == []
    for entry in manifest["outputs"]:
        data = Path(entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert manifest["validation"]["validation_depth"] == "SCHEMA_AND_DATA"
    assert manifest["rules"][0]["rule_id"] == "testpack.organ_listed"
    assert {p["name"] for p in manifest["plugins"]} >= {"builtin.kinds"}
    assert pl.read_parquet(out / "findings.parquet").height == 1


def test_same_key_is_a_noop_and_force_recomputes(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    job = make_job(sources=[DEBTORS], job={"as_of": AS_OF})
    first = run(job, plugins=manager(OrganPack()))
    before = visible(tmp_path / "ledger")
    again = run(job, plugins=manager(OrganPack()))
    assert again.status == "unchanged"
    assert again.run_id == first.run_id
    assert again.run_key == first.run_key
    assert "already committed" in again.message
    assert "--force" in again.message
    assert again.findings_by_severity == first.findings_by_severity
    assert visible(tmp_path / "ledger") == before
    forced = run(job, plugins=manager(OrganPack()), force=True)
    assert forced.status == "completed"
    assert forced.ledger_version == 2
    assert forced.manifest["forced"] is True
    assert forced.records["dishonest_debtor"]["unchanged"] == 3
    # the same file on another day is another run (as_of is part of the key)
    fixed = make_job("fixed.toml", sources=[{**DEBTORS, "path": f"in/{AS_OF}/a.csv"}])
    other_day = run(fixed, plugins=manager(OrganPack()), as_of="2025-04-01")
    assert other_day.status == "completed"
    assert other_day.run_key != first.run_key


def test_same_file_in_two_batches_adds_no_duplicate_records(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    job = make_job(sources=[DEBTORS])
    run(job, as_of=AS_OF, plugins=manager())
    # the next day's batch holds yesterday's file again, plus a new file (and a copy of it)
    day2 = tmp_path / "in" / "2025-04-01"
    day2.mkdir(parents=True)
    (day2 / "a.csv").write_bytes(day1.read_bytes())
    write_rows(day2 / "b.csv", [listing(5), closed(organ_listing(3), "2025-04-01")])
    (day2 / "c.csv").write_bytes((day2 / "b.csv").read_bytes())
    result = run(job, as_of="2025-04-01", plugins=manager())
    assert result.records["dishonest_debtor"] == {
        "inserted": 1,  # D0005
        "updated": 1,  # D0003 closed (b.csv comes after a.csv: the later delivery wins)
        "unchanged": 2,
        "duplicates": 3,  # 7 valid rows, 4 record ids: a.csv's D3 and c.csv's two rows
    }
    records = Ledger(tmp_path / "ledger").state().records("dishonest_debtor").collect()
    assert records.height == 4
    assert records["record_id"].n_unique() == 4
    organ = records.filter(pl.col("record_id") == "D0003")
    assert organ["removal_reason"].to_list() == ["performed"]
    assert organ["_first_batch"].to_list() != organ["_batch"].to_list()


def test_missing_source_leaves_the_ledger_unchanged(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    job = make_job(sources=[DEBTORS])
    run(job, as_of=AS_OF, plugins=manager())
    before = visible(tmp_path / "ledger")
    with pytest.raises(
        SourceNotFoundError, match=r"source 'debtors': no file matches .*2025-04-02"
    ) as err:
        run(job, as_of="2025-04-02", plugins=manager())
    assert exit_code_for(err.value) == 2
    assert visible(tmp_path / "ledger") == before


def test_source_failing_halfway_commits_nothing(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    good = pl.read_csv(day1, infer_schema=False)
    data = good.write_parquet(tmp_path / "whole.parquet")
    del data
    blob = (tmp_path / "whole.parquet").read_bytes()
    broken = tmp_path / "in" / "broken.parquet"
    broken.write_bytes(blob[: len(blob) // 2])  # the transfer stopped halfway
    job = make_job(
        sources=[DEBTORS, {"name": "late", "kind": "dishonest_debtor", "path": "in/broken.parquet"}]
    )
    with pytest.raises(InputError, match=r"broken\.parquet") as err:
        run(job, as_of=AS_OF, plugins=manager())
    assert exit_code_for(err.value) == 2
    assert Ledger(tmp_path / "ledger").runs().height == 0
    assert not (tmp_path / "ledger" / "records").exists()  # the first source wrote nothing


def test_expired_waiver_is_a_warning_finding(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    waivers = (
        "[[rules.waivers]]\n"
        'rule = "testpack.organ_listed"\n'
        'reason = "ruling pending"\n'
        "until = 2025-01-31\n"
        "[[rules.waivers]]\n"
        'rule = "testpack.organ_listed"\n'
        'reason = "renewed"\n'
        'records = ["D0099"]\n'
        "until = 2025-12-31\n"
    )
    job = make_job(sources=[DEBTORS], job={"as_of": AS_OF}, extra=waivers)
    result = run(job, plugins=manager(OrganPack()))
    findings = Ledger(tmp_path / "ledger").state().findings().collect()
    expired = findings.filter(pl.col("rule_id") == "credit_ledger.waiver_expired")
    assert expired["severity"].to_list() == ["warning"]
    assert "expired on 2025-01-31" in expired["message"][0]
    assert expired["kind"].to_list() == ["dishonest_debtor"]
    # the expired waiver no longer covers the organ's finding: it is reported
    assert findings.filter(pl.col("rule_id") == "testpack.organ_listed")["waived"].to_list() == [
        False
    ]
    assert result.findings_by_severity["warning"] == 2
    assert exit_code_for_result(result, "warning") == 1


def test_output_path_blocked_exits_4_and_leaves_the_ledger_unchanged(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    job = make_job(sources=[DEBTORS], outputs={"dir": "out"})
    run(job, as_of=AS_OF, plugins=manager())
    before = visible(tmp_path / "ledger")
    write_rows(tmp_path / "in" / "2025-04-01" / "b.csv", [listing(7)])
    (tmp_path / "out").rename(tmp_path / "out.old")
    (tmp_path / "out").write_text("a file in the way\n")
    with pytest.raises(
        OutputError, match=r"cannot write outputs to .*out: a file is in the way"
    ) as err:
        run(job, as_of="2025-04-01", plugins=manager())
    assert exit_code_for(err.value) == 4
    assert visible(tmp_path / "ledger") == before


def test_disk_full_on_output_exits_4_and_leaves_the_ledger_unchanged(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    job = make_job(sources=[DEBTORS], outputs={"dir": "out/{as_of}"})
    run(job, as_of=AS_OF, plugins=manager())
    before = visible(tmp_path / "ledger")
    write_rows(tmp_path / "in" / "2025-04-01" / "b.csv", [listing(7)])

    def full(self: pl.DataFrame, file: object, *args: object, **kwargs: object) -> None:
        Path(str(file)).write_bytes(b"PAR1")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    with pytest.raises(OutputError, match="No space left on device"):
        run(job, as_of="2025-04-01", plugins=manager())
    assert visible(tmp_path / "ledger") == before
    assert list((tmp_path / "out" / "2025-04-01").iterdir()) == []  # staging removed


def test_failure_inside_the_commit_rolls_back(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    job = make_job(sources=[DEBTORS])
    run(job, as_of=AS_OF, plugins=manager())
    before = visible(tmp_path / "ledger")
    write_rows(tmp_path / "in" / "2025-04-01" / "b.csv", [closed(organ_listing(3), "2025-04-01")])
    original = Commit.append

    def failing(self: Commit, table: str, frame: pl.DataFrame) -> None:
        if table == FINDINGS:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, table, frame)

    monkeypatch.setattr(Commit, "append", failing)
    with pytest.raises(OutputError, match=r"commit failed .*the ledger is unchanged"):
        run(job, as_of="2025-04-01", plugins=manager())
    assert visible(tmp_path / "ledger")["records"] == before["records"]
    monkeypatch.setattr(Commit, "append", original)
    result = run(job, as_of="2025-04-01", plugins=manager())
    assert result.status == "completed"
    assert result.ledger_version == 2
    assert result.records["dishonest_debtor"]["updated"] == 1


def test_interrupt_during_commit_leaves_the_previous_state(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    job = make_job(sources=[DEBTORS])
    run(job, as_of=AS_OF, plugins=manager())
    before = visible(tmp_path / "ledger")
    write_rows(tmp_path / "in" / "2025-04-01" / "b.csv", [listing(8)])

    def interrupted(self: Commit, table: str, frame: pl.DataFrame) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Commit, "append", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(job, as_of="2025-04-01", plugins=manager())
    assert exit_code_for(KeyboardInterrupt()) == 130
    assert visible(tmp_path / "ledger")["records"] == before["records"]


def test_two_runs_at_once(tmp_path: Path, day1: Path, make_job: Callable[..., Path]) -> None:
    job = make_job(sources=[DEBTORS], job={"name": "nightly"})
    locked = r"is locked by pid .*cannot overlap"
    with (
        Ledger(tmp_path / "ledger").lock(job="nightly"),
        pytest.raises(LedgerLockedError, match=locked) as err,
    ):
        run(job, as_of=AS_OF, plugins=manager())
    assert exit_code_for(err.value) == 3
    assert run(job, as_of=AS_OF, plugins=manager()).status == "completed"


def test_rule_that_cannot_be_evaluated_exits_3(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    job = make_job(sources=[DEBTORS], job={"as_of": AS_OF})
    result = run(job, plugins=manager(OrganPack(broken=True)))
    assert result.rules_status == "error"
    assert any("testpack.broken" in e for e in result.errors)
    assert exit_code_for_result(result) == 3
    assert run(job, plugins=manager(OrganPack(broken=True))).status == "unchanged"
    repeat = run(job, plugins=manager(OrganPack(broken=True)))
    assert exit_code_for_result(repeat) == 3  # a retry never hides an unevaluated rule


def test_dry_run_reads_no_data_and_writes_nothing(
    tmp_path: Path, make_job: Callable[..., Path]
) -> None:
    garbage = tmp_path / "in" / AS_OF / "a.csv"
    garbage.parent.mkdir(parents=True)
    garbage.write_bytes(b"\x00\x01 not a csv")
    job = make_job(sources=[DEBTORS], job={"as_of": AS_OF})
    result = run(job, dry_run=True, plugins=manager(OrganPack()))
    assert result.status == "dry_run"
    assert result.rules_status == "ok"
    assert "no data read" in result.message
    assert not (tmp_path / "ledger").exists()
    broken = run(job, dry_run=True, plugins=manager(OrganPack(broken=True)))
    assert exit_code_for_result(broken) == 3
    garbage.unlink()
    with pytest.raises(SourceNotFoundError):
        run(job, dry_run=True, plugins=manager())


def test_evaluate_on_state_sees_earlier_batches(
    tmp_path: Path, day1: Path, make_job: Callable[..., Path]
) -> None:
    state_job = make_job(sources=[DEBTORS])
    batch_job = make_job(
        "batch.toml", ledger="ledger2", sources=[DEBTORS], job={"evaluate_on": "batch"}
    )
    write_rows(tmp_path / "in" / "2025-04-01" / "b.csv", [listing(9)])
    for job in (state_job, batch_job):
        run(job, as_of=AS_OF, plugins=manager(OrganPack()))
    on_state = run(state_job, as_of="2025-04-01", plugins=manager(OrganPack()))
    on_batch = run(batch_job, as_of="2025-04-01", plugins=manager(OrganPack()))
    assert on_state.findings_by_severity["warning"] == 1  # the organ listed yesterday
    assert on_batch.findings_by_severity["warning"] == 0
