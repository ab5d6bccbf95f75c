"""``python -m benchmarks``: generate (or reuse) the data, run every case, write the report."""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import importlib.util
import json
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks._cases import Case
from benchmarks._data import BASE_ROWS, DataSet, prepare
from benchmarks._measure import load_average, machine
from benchmarks._registry import all_cases
from benchmarks._report import derive, markdown, targets
from benchmarks._worker import MARKER

__all__ = ["main", "parse_args"]

ROOT = Path(__file__).resolve().parents[1]
SIZES = (570_000, 5_700_000)
LARGE_ROWS = 5_000_000
HUGE_ROWS = 57_000_000
QUICK_ROWS = 20_000
RESULT_VERSION = 1


def _default_out() -> Path:
    return ROOT / "benchmarks" / "out"  # git-ignored


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see ``python -m benchmarks --help``)."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="credit_ledger benchmark suite: floors, credit_ledger, peers; JSON + Markdown.",
    )
    p.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows, 1 run, no warm-up")
    p.add_argument(
        "--rows", type=int, nargs="+", help=f"sizes (default {' '.join(map(str, SIZES))})"
    )
    p.add_argument("--repeat", type=int, help="timed runs per case (default 3; quick 1)")
    p.add_argument("--warmup", type=int, help="untimed runs before them (default 1; quick 0)")
    p.add_argument(
        "--large-repeat",
        type=int,
        metavar="N",
        help=f"at sizes of {LARGE_ROWS:,} rows and more: N timed runs and no warm-up "
        "(default: as --repeat and --warmup)",
    )
    p.add_argument("--seed", type=int, default=20241231)
    p.add_argument("--out", type=Path, default=_default_out(), help="results and cached data")
    p.add_argument("--cases", nargs="+", metavar="GLOB", help="only these cases (fnmatch)")
    p.add_argument(
        "--isolation",
        choices=("case", "suite"),
        help="a fresh worker process per case (default) or one per size (quick's default)",
    )
    p.add_argument("--huge", action="store_true", help=f"also the {HUGE_ROWS:,}-row case")
    p.add_argument("--huge-rows", type=int, default=HUGE_ROWS, help=argparse.SUPPRESS)
    p.add_argument("--base-rows", type=int, default=BASE_ROWS, help=argparse.SUPPRESS)
    p.add_argument("--keep-data", action="store_true", help="keep the huge case's chunk files")
    p.add_argument(
        "--results", type=Path, help="also write the Markdown here (and the JSON beside it)"
    )
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per worker")
    p.add_argument("--note", action="append", default=[], help="a line for the report's notes")
    p.add_argument(
        "--render",
        type=Path,
        metavar="RESULTS.json",
        help="run nothing: render the Markdown of an earlier run (to --results, else stdout)",
    )
    args = p.parse_args(argv)
    if args.rows is None:
        args.rows = [QUICK_ROWS] if args.quick else list(SIZES)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.warmup is None:
        args.warmup = 0 if args.quick else 1
    if args.isolation is None:
        args.isolation = "suite" if args.quick else "case"
    if args.repeat < 1 or args.warmup < 0 or any(n < 100 for n in args.rows):
        p.error("need --repeat ≥ 1, --warmup ≥ 0 and every --rows ≥ 100")
    if args.large_repeat is not None and args.large_repeat < 1:
        p.error("need --large-repeat ≥ 1")
    return args


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _selected(args: argparse.Namespace, cases: list[Case]) -> list[Case]:
    if not args.cases:  # the Spark cases start a JVM: they run when named (`--cases 'spark.*'`)
        return [c for c in cases if not c.name.startswith("spark.")]
    return [c for c in cases if any(fnmatch.fnmatch(c.name, g) for g in args.cases)]


def _worker(spec: dict[str, Any], timeout: float) -> dict[str, dict[str, Any]]:
    """Run a worker process; its results by case name (an error entry for any case lost)."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._worker"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            item = json.loads(line[len(MARKER) :])
            results[item["name"]] = item
    for name in spec["cases"]:
        if name not in results:
            tail = proc.stderr.strip().splitlines()[-5:]
            results[name] = {
                "name": name,
                "status": "error",
                "error": f"worker exited {proc.returncode}: " + " / ".join(tail),
            }
    return results


def _skip_note(case: Case) -> str | None:
    if case.requires and importlib.util.find_spec(case.requires) is None:
        return f"{case.requires} not installed (`pip install -e '.[bench]'`)"
    return None


def _complete(case: Case, data: DataSet, raw: dict[str, Any]) -> dict[str, Any]:
    """A worker's raw result with the case's title, rows and input size."""
    kinds = list(case.kinds) if case.kinds else None
    inputs = None
    if case.inputs is not None:
        inputs = data.bytes_by_format.get(case.inputs)
        if kinds is not None:  # one kind's files only
            inputs = sum(data.files(case.inputs)[k].stat().st_size for k in kinds)
    return {
        "title": case.title,
        "group": case.group,
        **raw,
        "rows": data.rows_of(kinds),
        "input_bytes": inputs,
    }


def _run_size(
    args: argparse.Namespace, data: DataSet, cases: list[Case], *, warmup: int, repeat: int
) -> list[dict[str, Any]]:
    runnable = [c for c in cases if _skip_note(c) is None]
    spec = {
        "data": str(data.directory),
        "scratch": str(args.out / "scratch"),
        "warmup": warmup,
        "repeat": repeat,
    }
    raw: dict[str, dict[str, Any]] = {}
    if args.isolation == "suite" and runnable:
        _log(f"{data.rows:,} rows: {len(runnable)} cases in one worker")
        raw = _worker({**spec, "cases": [c.name for c in runnable]}, args.timeout)
    else:
        for case in runnable:
            _log(f"{data.rows:,} rows: {case.name}")
            raw.update(_worker({**spec, "cases": [case.name]}, args.timeout))
            r = raw[case.name]
            shown = f"{r['median_s']:.3f} s" if r["status"] == "ok" else r["error"][-200:]
            _log(f"  {r['status']}: {shown}")
    out = []
    for case in cases:
        note = _skip_note(case)
        if note is not None:
            out.append({"name": case.name, "title": case.title, "status": "skipped", "note": note})
        else:
            out.append(_complete(case, data, raw[case.name]))
    return out


def _shown(path: Path) -> str:
    """``path`` relative to the project when inside it: results carry no machine paths."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def _size_entry(data: DataSet, cases: list[dict[str, Any]]) -> dict[str, Any]:
    entry = {
        "rows": data.rows,
        "rows_by_kind": data.rows_by_kind,
        "bytes_by_format": data.bytes_by_format,
        "data_dir": _shown(data.directory),
        "cases": cases,
    }
    derive(entry)
    return entry


def _huge(args: argparse.Namespace, cases: list[Case]) -> list[dict[str, Any]]:
    if not args.huge:
        return [
            {
                "name": case.name,
                "title": case.title,
                "status": "not run",
                "note": "needs `--huge` (generates the 57M-record set as 570k-row Parquet files)",
            }
            for case in cases
        ]
    data = prepare(
        args.out,
        args.huge_rows,
        seed=args.seed,
        formats=("chunks",),
        base_rows=args.base_rows,
        log=_log,
    )
    try:
        done = _run_size(args, data, cases, warmup=0, repeat=1)
        entries: list[dict[str, Any]] = _size_entry(data, done)["cases"]
    finally:
        if not args.keep_data:
            shutil.rmtree(data.directory, ignore_errors=True)
    return entries


def run_suite(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """Run the suite; the JSON-ready result."""
    started = dt.datetime.now(dt.UTC)
    load_start = load_average()
    host = machine(ROOT)  # before the run: the commit measured
    registry = all_cases()
    cases = _selected(args, [c for c in registry.values() if c.group != "huge"])
    sizes = []
    for rows in args.rows:
        data = prepare(args.out, rows, seed=args.seed, base_rows=args.base_rows, log=_log)
        large = rows >= LARGE_ROWS and args.large_repeat is not None
        results = _run_size(
            args,
            data,
            cases,
            warmup=0 if large else args.warmup,
            repeat=args.large_repeat if large else args.repeat,
        )
        sizes.append(_size_entry(data, results))
    huge, *huge_more = _huge(args, [c for c in registry.values() if c.group == "huge"])
    given = ", ".join(f"{r:,}" for r in args.rows)
    notes = list(args.note)
    notes += [
        f"{n:,} records: not run in this run (sizes given: {given})"
        for n in SIZES
        if n not in args.rows and not args.quick
    ]
    notes += [f"{c['name']}: {c['note']}" for s in sizes for c in s["cases"] if c.get("note")]
    notes += [
        f"{c['name']} ({s['rows']:,}): error: {c['error'].splitlines()[-1]}"
        for s in sizes
        for c in s["cases"]
        if c["status"] == "error"
    ]
    return {
        "version": RESULT_VERSION,
        "command": command,
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": {"start": load_start, "end": load_average()},
        "machine": host,
        "git_end": machine(ROOT)["git"],  # other engineers may commit during a long run
        "settings": {
            "quick": args.quick,
            "rows": args.rows,
            "repeat": args.repeat,
            "warmup": args.warmup,
            "large_repeat": args.large_repeat,
            "large_rows": LARGE_ROWS,
            "seed": args.seed,
            "isolation": args.isolation,
            "huge": args.huge,
            "huge_rows": args.huge_rows,
        },
        "sizes": sizes,
        "huge": huge,
        "huge_more": huge_more,
        "targets": targets(sizes, huge),
        "notes": notes,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the suite; write ``results.json`` and ``results.md`` under ``--out``."""
    args = parse_args(argv)
    if args.render is not None:
        earlier = json.loads(args.render.read_text(encoding="utf-8"))
        earlier["notes"] = [*earlier["notes"], *args.note]
        text = markdown(earlier)
        if args.results is None:
            print(text)
        else:
            args.results.write_text(text, encoding="utf-8")
        return 0
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    given = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "-m", "benchmarks", *given])
    result = run_suite(args, command)
    (args.out / "results.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    text = markdown(result)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    if args.results is not None:  # the committed copy: RESULTS.md and RESULTS.json
        args.results.write_text(text, encoding="utf-8")
        shutil.copyfile(args.out / "results.json", args.results.with_suffix(".json"))
    _log(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    errors = sum(c["status"] == "error" for s in result["sizes"] for c in s["cases"])
    return 1 if errors else 0
