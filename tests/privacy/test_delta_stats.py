"""Delta's log keeps no min/max statistics of record tables' text columns, also after
deltalake itself rewrites the files (compaction)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from deltalake import DeltaTable

from credit_ledger.ledger import _delta

NAMES = ["张晓燕", "李四"]
ID = "130105199001011237"


def _stats(root: Path, name: str) -> list[dict[str, object]]:
    out = []
    for log in sorted((root / name / "_delta_log").glob("*.json")):
        for line in log.read_text(encoding="utf-8").splitlines():
            action = json.loads(line)
            if "add" in action and action["add"].get("stats"):
                out.append(json.loads(action["add"]["stats"]))
    return out


def test_record_tables_keep_no_bounds_of_text_columns(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {"record_id": ["a", "b"], "debtor_name": NAMES, "id_or_uscc": [ID, ID], "n": [1, 2]}
    )
    _delta.write(tmp_path, "records/toy", frame)
    _delta.write(tmp_path, "records/toy", frame.with_columns(pl.lit("c").alias("record_id")))
    DeltaTable(str(tmp_path / "records" / "toy")).optimize.compact()
    stats = _stats(tmp_path, "records/toy")
    assert len(stats) == 3
    for s in stats:
        assert set(s["minValues"]) <= {"record_id", "n"}  # type: ignore[arg-type]
        assert s["nullCount"]
    logs = "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "records/toy/_delta_log").glob("*")
    )
    assert not any(v in logs for v in [*NAMES, ID])
    assert sorted(pl.scan_delta(str(tmp_path / "records" / "toy")).collect()["n"]) == [1, 1, 2, 2]


def test_other_tables_keep_their_bounds(tmp_path: Path) -> None:
    _delta.write(tmp_path, "findings", pl.DataFrame({"run_id": ["r1"], "message": ["m"]}))
    assert _stats(tmp_path, "findings")[0]["minValues"] == {"run_id": "r1", "message": "m"}
