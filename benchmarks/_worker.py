"""Worker process: runs benchmark cases and prints one result line per case.

The suite starts ``python -m benchmarks._worker`` with a JSON spec on standard input, one
fresh process per case (or one for all cases with ``--isolation suite``), so that each case's
peak memory is its own. Result lines start with :data:`MARKER`; anything else a library prints
is ignored.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks._cases import Context
from benchmarks._data import load
from benchmarks._measure import time_runs
from benchmarks._registry import all_cases

__all__ = ["MARKER", "main", "run_cases"]

MARKER = "@@bench@@ "


def run_cases(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Run the cases named in ``spec`` and return their results (also printed)."""
    data = load(Path(spec["data"]))
    ctx = Context(data=data, scratch=Path(spec["scratch"]))
    ctx.scratch.mkdir(parents=True, exist_ok=True)
    registry = all_cases()
    results = []
    for name in spec["cases"]:
        case = registry[name]
        try:
            t0 = time.perf_counter()
            prepared = case.prepare(ctx)
            setup_s = time.perf_counter() - t0
            timing = time_runs(
                prepared.run,
                warmup=spec["warmup"],
                repeat=spec["repeat"],
                before=prepared.before,
                after=prepared.after,
            )
            result: dict[str, Any] = {
                "name": name,
                "status": "ok",
                **timing.summary(),
                "setup_s": round(setup_s, 3),
                "info": timing.info,
            }
        except Exception as exc:
            tail = traceback.format_exception(exc)[-3:]
            result = {"name": name, "status": "error", "error": "".join(tail).strip()}
        print(MARKER + json.dumps(result, default=str), flush=True)
        results.append(result)
    return results


def main() -> int:
    """Read the spec from standard input and run it."""
    run_cases(json.loads(sys.stdin.read()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
