"""``kill -9`` of ``credit-ledger run`` at random moments of the whole run, in memory and
streamed: after each kill the ledger, read with nothing but Delta (``pl.read_delta``,
``deltalake.DeltaTable``) at the versions its last ``runs`` row records, is exactly the previous
run or exactly the new one (every table); a rerun completes and leaves no unreferenced data file;
a third run does nothing.

Kill moments are wall-clock: each trial waits for the victim's first log line (its imports are
done and the run has started), then sleeps a random part of what the rest of a whole run took,
then sends SIGKILL. The phase it hit is read from the victim's last log line and printed.

``CREDIT_LEDGER_KILL_TRIALS`` sets the number of trials per mode (default 5, so 10 in all);
``CREDIT_LEDGER_KILL_SEED`` replays a failing trial (each failure names its seed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import deltalake
import polars as pl
import pytest

from credit_ledger.jobs import load_job, run
from credit_ledger.ledger import Ledger
from tests.jobs.conftest import (
    AS_OF,
    closed,
    job_text,
    listing,
    organ_listing,
    other_plugins,
    write_rows,
)

ROOT = Path(__file__).resolve().parents[2]
DAY2 = "2025-04-01"
TRIALS = int(os.environ.get("CREDIT_LEDGER_KILL_TRIALS", "5"))
SEED = int(os.environ.get("CREDIT_LEDGER_KILL_SEED", str(random.SystemRandom().randrange(10**6))))
BATCH_ROWS = 40
_PHASES: Counter[str] = Counter()


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "plugins"), str(ROOT)]),
        "CREDIT_LEDGER_PLUGINS_DENY": other_plugins(),
        "CREDIT_LEDGER_ORPHAN_GRACE_HOURS": "0",
    }


def _victim(work: Path, streamed: bool, *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    """``credit-ledger run`` of day 2 in ``work``, its JSON logs going to a file."""
    err = work / "victim.log"
    argv = [sys.executable, "-m", "credit_ledger", "run", str(work / "job.toml")]
    argv += ["--as-of", DAY2, "--log-format", "json", *extra]
    argv += ["--batch-rows", str(BATCH_ROWS)] if streamed else []
    with err.open("wb") as fh:
        proc = subprocess.Popen(argv, env=_env(), stdout=subprocess.DEVNULL, stderr=fh)
    return proc, err


def _first_line(proc: subprocess.Popen[bytes], err: Path) -> float:
    """Wait until the victim has logged a line (or ended); the monotonic time it did."""
    deadline = time.monotonic() + 120
    while err.stat().st_size == 0 and proc.poll() is None:
        assert time.monotonic() < deadline, "the run logged nothing in 120 s"
        time.sleep(0.005)
    return time.monotonic()


def _active(err: Path) -> float:
    """Seconds from a finished run's first log line to its last (its commit and outputs)."""
    stamps = [json.loads(ln)["ts"] for ln in err.read_text(encoding="utf-8").splitlines() if ln]
    first, last = (dt.datetime.fromisoformat(stamps[i]) for i in (0, -1))
    return (last - first).total_seconds()


def _phase(err: Path) -> str:
    """The stage the victim was in when killed, from its last logged message."""
    lines = [ln for ln in err.read_text(encoding="utf-8", errors="replace").splitlines() if ln]
    if not lines:
        return "startup"
    try:
        message = str(json.loads(lines[-1]).get("message", ""))
    except ValueError:
        return "logging"
    if message.startswith("stage "):
        stage, _, rest = message[len("stage ") :].partition(":")
        return stage if "started" in rest else f"after {stage}"
    if message.startswith("ledger: wrote"):
        return "commit"
    if message.startswith("run ") and "committed" in message:
        return "after commit"
    return "streamed batches"


def _read_plain(ledger: Path) -> dict[str, Any]:
    """What a reader with nothing but Delta sees, following the README's recipe: the last
    row of ``runs`` (its latest version), then every table at the version that row records."""
    runs = pl.read_delta(str(ledger / "runs")).sort("ledger_version")
    tables: dict[str, int] = json.loads(runs["tables"][-1])
    seen: dict[str, Any] = {"runs": runs.drop("started_at", "committed_at", "manifest", "tables")}
    for name, version in tables.items():
        if name.startswith("records/"):  # half of the tables through deltalake itself
            arrow = deltalake.DeltaTable(str(ledger / name), version=version).to_pyarrow_table()
            seen[name] = pl.from_arrow(arrow)
        else:
            seen[name] = pl.read_delta(str(ledger / name), version=version)
    return seen


def _canonical(seen: dict[str, Any], *dirs: Path) -> dict[str, list[str]]:
    """Tables as sorted row texts; run keys and ids (they hash absolute paths) and the
    working directories replaced by stable names."""
    runs = seen["runs"]
    names = {r: f"<run {v}>" for r, v in zip(runs["run_id"], runs["ledger_version"], strict=True)}
    out: dict[str, list[str]] = {}
    for table, frame in seen.items():
        rows = []
        for row in frame.to_dicts():
            text = repr(sorted((k, v) for k, v in row.items() if k != "run_key"))
            for directory in dirs:
                text = text.replace(str(directory), "<work>")
            for run_id, name in names.items():
                text = text.replace(run_id, name)
            rows.append(text)
        out[table] = sorted(rows)
    return out


def _diff(got: dict[str, list[str]], want: dict[str, list[str]]) -> str:
    """The first difference per table, for a failure message."""
    lines = []
    for table in sorted(set(got) | set(want)):
        a, b = set(got.get(table, [])), set(want.get(table, []))
        if a != b:
            lines.append(f"{table}: extra {sorted(a - b)[:1]} missing {sorted(b - a)[:1]}")
    return "\n".join(lines)


def _unreferenced(ledger: Path) -> list[str]:
    """Parquet files in table directories that no Delta version of their table lists."""
    found = []
    for log in ledger.rglob("_delta_log"):
        table = deltalake.DeltaTable(str(log.parent))
        known: set[str] = set()
        for v in range(table.version() + 1):
            known |= {
                Path(f).name for f in deltalake.DeltaTable(str(log.parent), version=v).file_uris()
            }
        found += [str(p) for p in log.parent.glob("*.parquet") if p.name not in known]
    return found


def _write_inputs(work: Path) -> None:
    day1 = [listing(n) for n in range(1, 121)] + [organ_listing(n) for n in range(121, 161)]
    day1 += [listing(n, case_no="") for n in range(161, 171)]  # quarantined
    day2 = [closed(organ_listing(n), DAY2) for n in range(121, 141)]
    day2 += [listing(n) for n in range(171, 311)] + [
        listing(n, case_no="") for n in range(311, 321)
    ]
    write_rows(work / "in" / AS_OF / "a.csv", day1)
    write_rows(work / "in" / DAY2 / "a.csv", day2)
    text = job_text(
        sources=[{"name": "debtors", "kind": "dishonest_debtor", "path": "in/{as_of}/*.csv"}],
        outputs={"dir": "out/{as_of}"},
    )
    (work / "job.toml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A working directory whose ledger holds day 1 (run by the CLI)."""
    work = tmp_path_factory.mktemp("kill-base")
    _write_inputs(work)
    first = subprocess.run(
        [sys.executable, "-m", "credit_ledger", "run", str(work / "job.toml"), "--as-of", AS_OF],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    yield work
    if _PHASES:
        print(f"\nkill moments by last logged phase: {dict(_PHASES)}")


def _copy(base: Path, to: Path) -> Path:
    shutil.copytree(base, to)
    return to


@pytest.fixture(scope="module")
def expected(base: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The previous state (day 1) and the new one (day 2 run whole by the CLI), with how long
    day 2's run takes from its first log line to its last, in memory and streamed."""
    prev = _canonical(_read_plain(base / "ledger"), base)
    active: dict[bool, float] = {}
    for streamed in (False, True):
        work = _copy(base, tmp_path_factory.mktemp("kill-ref") / "w")
        proc, err = _victim(work, streamed=streamed)
        assert proc.wait(timeout=300) in (0, 1), err.read_text()
        active[streamed] = _active(err)
        new = _canonical(_read_plain(work / "ledger"), work, base)
    assert new != prev
    return {"prev": prev, "new": new, "active": active}


def _trial(base: Path, expected: dict[str, Any], tmp: Path, trial: int, streamed: bool) -> None:
    rng = random.Random(f"{SEED}-{trial}-{streamed}")
    work = _copy(base, tmp / f"trial-{trial}")
    ledger = work / "ledger"
    proc, err = _victim(work, streamed)
    # from just before the first log line to a little after the last one
    delay = rng.uniform(-0.05, expected["active"][streamed] * 1.1)
    seen = _first_line(proc, err)
    time.sleep(max(delay - (time.monotonic() - seen), 0))
    proc.send_signal(signal.SIGKILL)
    code = proc.wait(timeout=60)
    phase = _phase(err) if code == -signal.SIGKILL else "finished"
    _PHASES[phase] += 1
    replay = (
        f"replay: CREDIT_LEDGER_KILL_SEED={SEED}, trial {trial} (streamed={streamed}, killed "
        f"{delay:.3f} s after the first log line, last phase {phase!r})"
    )

    after_kill = _canonical(_read_plain(ledger), work, base)
    assert after_kill in (expected["prev"], expected["new"]), (
        f"{replay}\nvs previous:\n{_diff(after_kill, expected['prev'])}"
        f"\nvs new:\n{_diff(after_kill, expected['new'])}"
    )

    job = load_job(work / "job.toml", batch_rows=BATCH_ROWS if streamed else None)
    second = run(job, as_of=DAY2)
    want = "completed" if after_kill == expected["prev"] else "unchanged"
    assert second.status == want, replay
    assert _canonical(_read_plain(ledger), work, base) == expected["new"], replay
    assert _unreferenced(ledger) == [], replay
    third = run(job, as_of=DAY2)
    assert third.status == "unchanged", replay
    assert _canonical(_read_plain(ledger), work, base) == expected["new"], replay
    shutil.rmtree(work)


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("streamed", [False, True], ids=["in_memory", "streamed"])
def test_kill_9_at_random_moments(
    base: Path,
    expected: dict[str, Any],
    tmp_path: Path,
    streamed: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CREDIT_LEDGER_PLUGINS_DENY", other_plugins())
    monkeypatch.setenv("CREDIT_LEDGER_ORPHAN_GRACE_HOURS", "0")  # reruns remove stray files
    for trial in range(TRIALS):
        _trial(base, expected, tmp_path, trial, streamed)


def _until_logged(proc: subprocess.Popen[bytes], err: Path, text: str) -> None:
    deadline = time.monotonic() + 120
    while text not in err.read_text(encoding="utf-8", errors="replace"):
        assert proc.poll() is None, err.read_text()
        assert time.monotonic() < deadline, f"never logged {text!r}"
        time.sleep(0.002)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["sigint", "sigterm"]
)
def test_signal_before_the_commit_stops_the_run(
    base: Path, expected: dict[str, Any], tmp_path: Path, sig: int, code: int
) -> None:
    work = _copy(base, tmp_path / "w")
    proc, err = _victim(work, streamed=True)
    _until_logged(proc, err, "stage validate: started")
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == code, err.read_text()
    assert _canonical(_read_plain(work / "ledger"), work, base) == expected["prev"]
    assert not (work / "out" / DAY2).exists() or not any((work / "out" / DAY2).iterdir())


@pytest.mark.integration
@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["sigint", "sigterm"]
)
def test_signal_during_the_commit_lets_the_run_finish(
    base: Path, expected: dict[str, Any], tmp_path: Path, sig: int, code: int
) -> None:
    work = _copy(base, tmp_path / "w")
    proc, err = _victim(work, streamed=False)
    _until_logged(proc, err, "stage commit: started")
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == code, err.read_text()
    assert _canonical(_read_plain(work / "ledger"), work, base) == expected["new"]
    assert (work / "out" / DAY2 / "manifest.json").is_file()  # its outputs are in place


@pytest.mark.integration
def test_second_run_waits_for_the_lock_and_readers_see_whole_runs(
    base: Path, expected: dict[str, Any], tmp_path: Path
) -> None:
    work = _copy(base, tmp_path / "w")
    ledger = Ledger(work / "ledger")
    with ledger.lock(job="nightly") as held:
        held.note_run("r-holder")
        refused = subprocess.run(
            [sys.executable, "-m", "credit_ledger", "run", str(work / "job.toml"), "--as-of", DAY2],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert refused.returncode == 3, refused.stderr
        assert f"is locked by pid {os.getpid()}" in refused.stderr
        assert "(job nightly, run r-holder) since 20" in refused.stderr
        proc, err = _victim(work, False, "--wait", "60")
        deadline = time.monotonic() + 120
        while "waiting up to" not in err.read_text(encoding="utf-8"):
            assert proc.poll() is None, err.read_text()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert _canonical(_read_plain(work / "ledger"), work, base) == expected["prev"]
    seen = []
    while proc.poll() is None:  # a plain Delta reader while the run commits
        seen.append(_canonical(_read_plain(work / "ledger"), work, base))
    assert proc.returncode == 0, err.read_text()
    seen.append(_canonical(_read_plain(work / "ledger"), work, base))
    assert all(s in (expected["prev"], expected["new"]) for s in seen)
    assert seen[-1] == expected["new"]
