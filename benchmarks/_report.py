"""Results: derived figures (rows/s, ratios to the floors, reads, targets) and the Markdown."""

from __future__ import annotations

from typing import Any

from benchmarks._measure import mib

__all__ = ["derive", "markdown", "targets"]

PARQUET, CSV = "floor.read_parquet", "floor.read_csv"
_NOT_OK = ("skipped", "not run", "error")


def _by_name(size: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in size["cases"]}


def _median(cases: dict[str, dict[str, Any]], name: str) -> float | None:
    case = cases.get(name)
    return case["median_s"] if case and case.get("status") == "ok" else None


def derive(size: dict[str, Any]) -> None:
    """Add rows/s, ratios to the two floors and reads (bytes read / input bytes) in place."""
    cases = _by_name(size)
    floors = {"read_parquet": _median(cases, PARQUET), "read_csv": _median(cases, CSV)}
    for case in size["cases"]:
        if case.get("status") != "ok":
            continue
        median = case["median_s"]
        case["rows_per_s"] = case["rows"] / median if median > 0 else None
        case["ratios"] = {k: (median / f if f else None) for k, f in floors.items()}
        rchar, inputs = case.get("rchar"), case.get("input_bytes")
        case["reads"] = rchar / inputs if rchar is not None and inputs else None


def _ratio(
    cases: dict[str, dict[str, Any]], num: str, den: str, *, key: str = "median_s"
) -> float | None:
    a, b = cases.get(num), cases.get(den)
    if not a or not b or a.get("status") != "ok" or b.get("status") != "ok":
        return None
    if not b.get(key) or a.get(key) is None:
        return None
    return float(a[key]) / float(b[key])


def targets(sizes: list[dict[str, Any]], huge: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The issue's targets, each with its measured value, limit and verdict."""
    out: list[dict[str, Any]] = []

    def add(name: str, rows: int, value: float | None, limit: float, le: bool = True) -> None:
        met = None if value is None else (value <= limit if le else value >= limit)
        out.append({"target": name, "rows": rows, "value": value, "limit": limit, "met": met})

    for size in sizes:
        n, c = size["rows"], _by_name(size)
        add(
            "validate (Parquet) / pl.read_parquet ≤ 2.5",
            n,
            _ratio(c, "validate.parquet", PARQUET),
            2.5,
        )
        add(
            "pandera / validate, typed input ≥ 2.5",
            n,
            _ratio(c, "pandera.full", "validate.typed"),
            2.5,
            le=False,
        )
        add(
            "pandera / read + validate from Parquet ≥ 2.5",
            n,
            _ratio(c, "pandera.full", "validate.parquet"),
            2.5,
            le=False,
        )
        add(
            "rules (all packs) / validate (Parquet) ≤ 1",
            n,
            _ratio(c, "rules.all_packs", "validate.parquet"),
            1.0,
        )
        add("jobs.run (CSV → ledger) / pl.read_csv ≤ 8", n, _ratio(c, "run.csv_utf8", CSV), 8.0)
        for name in ("validate.parquet", "validate.csv_utf8", "check.parquet"):
            reads = c.get(name, {}).get("reads")
            add(f"{name}: bytes read / input bytes ≤ 1.1 (one read)", n, reads, 1.1)
    if huge is not None and huge.get("status") == "ok":
        base = next((s for s in sizes if s["rows"] == 570_000), None)
        ref = _median(_by_name(base), "validate.parquet") if base else None
        rows = huge["rows"]
        add("huge validate + quarantine: peak RSS GiB ≤ 1.5", rows, huge["peak_rss_mb"] / 1024, 1.5)
        add(
            "huge (57M) time / 570k validate time ≤ 110",
            rows,
            huge["median_s"] / ref if ref else None,
            110.0,
        )
    return out


def _num(x: float | None, fmt: str = "{:.3f}") -> str:
    return "–" if x is None else fmt.format(x)


def _rate(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


def _case_row(case: dict[str, Any]) -> str:
    title = case["title"]
    if case.get("status") != "ok":
        why = case.get("note") or case.get("error", "").splitlines()[-1:] or [""]
        text = why if isinstance(why, str) else why[0]
        return f"| {title} | {case['status']}: {text} |" + " |" * 9
    ratios = case.get("ratios", {})
    read = mib(case.get("rchar"))
    cells = [
        title,
        _num(case["median_s"]),
        _num(case["min_s"]),
        _num(case["max_s"]),
        _rate(case.get("rows_per_s")),
        _num(case.get("peak_rss_mb"), "{:.0f}"),
        _num(read, "{:.1f}"),
        _num(case.get("reads"), "{:.2f}×"),
        _num(ratios.get("read_parquet"), "{:.2f}"),
        _num(ratios.get("read_csv"), "{:.2f}"),
    ]
    return "| " + " | ".join(cells) + " |"


_HEAD = (
    "| case | median s | min s | max s | rows/s | peak RSS MiB | read MiB | reads "
    "| × read_parquet | × read_csv |\n"
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
)


def _size_section(size: dict[str, Any]) -> list[str]:
    per_kind = ", ".join(f"{k} {n:,}" for k, n in size["rows_by_kind"].items())
    mb = {k: f"{v / 1024 / 1024:.0f} MiB" for k, v in size["bytes_by_format"].items()}
    lines = [
        f"## {size['rows']:,} records",
        "",
        f"Rows per kind: {per_kind}. Input sizes: "
        + ", ".join(f"{k} {v}" for k, v in mb.items())
        + ".",
        "",
        _HEAD,
    ]
    lines += [_case_row(c) for c in size["cases"]]
    subset = [c for c in size["cases"] if c["name"].startswith("subset.")]
    ref = next((c for c in subset if c["name"] == "subset.credit_ledger"), None)
    if ref and ref.get("status") == "ok":
        lines += ["", "Check subset, time relative to credit_ledger on the same 15 checks:", ""]
        lines += ["| library | median s | × credit_ledger | verdict |", "|---|--:|--:|---|"]
        for c in subset:
            if c.get("status") != "ok":
                lines.append(f"| {c['name'].removeprefix('subset.')} | {c['status']} | – | – |")
                continue
            verdict = ", ".join(f"{k} {v:,}" for k, v in c.get("info", {}).items())
            lines.append(
                f"| {c['name'].removeprefix('subset.')} | {c['median_s']:.3f} "
                f"| {c['median_s'] / ref['median_s']:.2f} | {verdict} |"
            )
    for name, what in (("run.csv_utf8", "`jobs.run`"), ("run.stream_csv_utf8", "streamed")):
        run = next((c for c in size["cases"] if c["name"] == name), None)
        if run and run.get("status") == "ok" and run.get("info", {}).get("stages_s"):
            stages = ", ".join(f"{k} {v:.2f} s" for k, v in run["info"]["stages_s"].items())
            lines += ["", f"{what} by stage (its own timings, last timed run): {stages}."]
    return [*lines, ""]


def _commit_line(start: dict[str, Any], end: dict[str, Any] | None) -> str:
    def one(git: dict[str, Any]) -> str:
        return f"{git['commit']}" + (" + uncommitted changes" if git["dirty"] else "")

    if end is None or end == start:
        return f"- Commit {one(start)}"
    return f"- Commit {one(start)} at the start, {one(end)} at the end (tree edited during the run)"


def _machine_lines(result: dict[str, Any]) -> list[str]:
    m = result["machine"]
    v = m["versions"]
    load = result["load_average"]
    git = m["git"]
    libs = ", ".join(f"{k} {val}" for k, val in v.items() if val)
    return [
        "## Machine",
        "",
        f"- CPU: {m['cpu_model']}; `nproc` = {m['nproc']}; memory {m['mem_total_gib']} GiB; "
        f"{m['os']}",
        f"- Python {m['python']}; {libs}"
        + (f"; credit_ledger kernels: {m['kernels']}" if m.get("kernels") else ""),
        _commit_line(git, result.get("git_end")),
        f"- Date: {result['started']} → {result['finished']} (UTC)",
        f"- Load average (1/5/15 min) at start {load['start']}, at end {load['end']}: these "
        "machines are shared and noisy, so compare the ratios (measured in the same run), not "
        "the absolute times.",
        "",
    ]


_METHOD = """## Method

- Data: `credit_ledger.synth.generate_frames` (seed {seed}, 2 % injected defects), the same
  records written as Parquet (String columns, canonical headers), CSV UTF-8 and CSV GBK
  (Chinese headers, penalty amounts in 万元); sets above 570,000 records replicate the
  570,000-record set in chunks with distinct record ids.
- Each case runs in {isolation}, {warmup} warm-up run(s) then {repeat} timed run(s){large};
  median / min / max are over the timed runs; rows/s = records over all kinds in the case / median.
- Peak RSS: `VmHWM` of the worker process, reset (`/proc/self/clear_refs`) after the case's
  set-up, so it includes the case's in-memory input (typed frames for pandera, valid rows for
  the rules) and its working memory, not other cases.
- Bytes read: delta of `rchar` in `/proc/self/io` over a timed run (page-cache hits
  included). *reads* = bytes read / size of the case's input files: 1.00× is one pass over
  the source. Cases with in-memory input show –.
- Floors: `pl.read_parquet`, `pl.read_csv(infer_schema=False)` (and with `encoding="gbk"`) of
  the same files; every case's time is also given as a multiple of the two floors.
- Peers get frames already parsed to the schema's types (pandera cannot parse text), loaded
  before timing; credit_ledger's `validate.parquet` / `validate.csv_utf8` read and parse text,
  `validate.typed` gets pandera's input. pandera runs with `lazy=True` under
  `config_context(validation_depth=SCHEMA_AND_DATA)` on `credit_ledger.schema(kind)`.
- `validate.typed` gets the typed frames, where a value that did not parse is already null:
  it quarantines fewer rows than `validate.parquet` (parse failures in nullable columns pass),
  the same rows pandera fails. credit_ledger still normalises text columns of typed input
  (trim, NFKC fold, code compaction), which the peers do not. pandera on
  `credit_ledger.schema(kind)` runs credit_ledger's own check expressions (the identifier
  kernels), one query per check; `pandera.scan` shows what that costs on a Parquet scan.
- The check subset (admin_penalty: 7 dtypes, 5 not-null, USCC format regex on 2 columns,
  `fine_yuan >= 0`) is the same in credit_ledger (`validate(schema=...)`), hand-written
  Polars, pandera, dataframely (`Schema.filter`) and pointblank (`interrogate`; the Decimal
  range check as `col_vals_expr`, since its `col_vals_ge` fails on Decimal).
"""


def _verdict(met: bool | None) -> str:
    return "–" if met is None else ("yes" if met else "**no**")


def markdown(result: dict[str, Any]) -> str:
    """The Markdown report of a suite run."""
    s = result["settings"]
    lines = [
        "# credit_ledger benchmarks",
        "",
        "Generated by:",
        "",
        "```sh",
        result["command"],
        "```",
        "",
        *_machine_lines(result),
    ]
    for size in result["sizes"]:
        lines += _size_section(size)
    huge = result["huge"]
    rows = huge.get("rows", result["settings"]["huge_rows"])
    lines += [f"## Streaming: {rows:,} records", ""]
    ran = [h for h in [huge, *result.get("huge_more", [])] if h.get("status") != "not run"]
    if ran:
        lines += [_HEAD, *(_case_row(h) for h in ran), ""]
    else:
        lines += [f"{huge.get('status', 'not run')}: {huge.get('note', '')}", ""]
    lines += ["## Targets (issue 6)", "", "| target | rows | measured | limit | met |"]
    lines += ["|---|--:|--:|--:|---|"]
    for t in result["targets"]:
        lines.append(
            f"| {t['target']} | {t['rows']:,} | {_num(t['value'], '{:.2f}')} | {t['limit']} "
            f"| {_verdict(t['met'])} |"
        )
    lines.append("")
    if result["notes"]:
        lines += ["## Notes", "", *(f"- {n}" for n in result["notes"]), ""]
    lines.append(
        _METHOD.format(
            seed=s["seed"],
            isolation="a fresh worker process"
            if s["isolation"] == "case"
            else "one worker process shared by all cases of a size",
            warmup=s["warmup"],
            repeat=s["repeat"],
            large=""
            if s.get("large_repeat") is None
            else f" ({s['large_repeat']} timed run(s) and no warm-up from "
            f"{s['large_rows']:,} records up)",
        )
    )
    return "\n".join(lines)
