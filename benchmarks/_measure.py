"""Measurement: wall time, peak resident memory and bytes read, from ``/proc``.

Everything here reads the Linux ``/proc`` files of the current process and degrades to
``None`` where a file is missing (another OS), so the suite still times cases elsewhere.

* **Peak RSS**: ``VmHWM`` from ``/proc/self/status``. Before a case runs, the high-water mark
  is reset by writing ``5`` to ``/proc/self/clear_refs`` (Linux ≥ 4.0), so the peak reported
  is the case's own: its input held in memory plus its working memory, and not the import
  or set-up of an earlier case in the same process.
* **Bytes read**: the delta of ``rchar`` (bytes returned by ``read``-family system calls,
  page-cache hits included) and ``read_bytes`` (bytes fetched from storage) in
  ``/proc/self/io``. ``rchar`` divided by the size of the case's input files says how many
  times the case read its source: 1.0 is one pass.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "IoCounters",
    "Timing",
    "io_counters",
    "load_average",
    "machine",
    "reset_peak_rss",
    "rss_mb",
    "time_runs",
]

_MB = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class IoCounters:
    """A snapshot of ``/proc/self/io`` (bytes)."""

    rchar: int
    read_bytes: int

    def __sub__(self, other: IoCounters) -> IoCounters:
        return IoCounters(
            rchar=self.rchar - other.rchar, read_bytes=self.read_bytes - other.read_bytes
        )


def io_counters() -> IoCounters | None:
    """Bytes read so far by this process, or ``None`` where ``/proc/self/io`` is absent."""
    try:
        text = Path("/proc/self/io").read_text()
    except OSError:
        return None
    values = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    return IoCounters(rchar=int(values["rchar"]), read_bytes=int(values["read_bytes"]))


def _status_kb(key: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def rss_mb(*, peak: bool = False) -> float | None:
    """Current (``VmRSS``) or peak (``VmHWM``) resident memory of this process, in MiB."""
    kb = _status_kb("VmHWM" if peak else "VmRSS")
    return None if kb is None else kb / 1024


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS to its current RSS; ``False`` if the kernel refused."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass(kw_only=True)
class Timing:
    """The measurements of one case: one entry per timed run (warm-ups excluded)."""

    times_s: list[float] = field(default_factory=list)
    rchar: list[int] = field(default_factory=list)
    read_bytes: list[int] = field(default_factory=list)
    peak_rss_mb: float | None = None
    base_rss_mb: float | None = None
    peak_reset: bool = False
    info: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Median, min and max seconds, the median run's bytes read, and memory."""
        out: dict[str, Any] = {
            "times_s": [round(t, 6) for t in self.times_s],
            "median_s": statistics.median(self.times_s),
            "min_s": min(self.times_s),
            "max_s": max(self.times_s),
            "peak_rss_mb": self.peak_rss_mb,
            "base_rss_mb": self.base_rss_mb,
            "peak_rss_reset": self.peak_reset,
            "rchar": int(statistics.median(self.rchar)) if self.rchar else None,
            "read_bytes": int(statistics.median(self.read_bytes)) if self.read_bytes else None,
        }
        return out


def time_runs(
    run: Callable[[], dict[str, Any] | None],
    *,
    warmup: int,
    repeat: int,
    before: Callable[[], None] | None = None,
    after: Callable[[], None] | None = None,
) -> Timing:
    """Call ``run`` ``warmup`` times untimed, then ``repeat`` times timed.

    ``before``/``after`` run around every call, outside the timed span (e.g. a fresh ledger
    for each run). Peak RSS covers the warm-ups and the timed runs. The dict ``run`` returns
    last (counts, findings, stage timings) is kept as ``info``.
    """
    timing = Timing(peak_reset=reset_peak_rss(), base_rss_mb=rss_mb())
    for i in range(warmup + repeat):
        if before is not None:
            before()
        io0 = io_counters()
        t0 = time.perf_counter()
        info = run()
        elapsed = time.perf_counter() - t0
        io1 = io_counters()
        if after is not None:
            after()
        if i < warmup:
            continue
        timing.times_s.append(elapsed)
        if io0 is not None and io1 is not None:
            delta = io1 - io0
            timing.rchar.append(delta.rchar)
            timing.read_bytes.append(delta.read_bytes)
        if info:
            timing.info = info
    timing.peak_rss_mb = rss_mb(peak=True)
    return timing


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (``uptime``), or ``None``."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown"


def _mem_total_gib() -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    match = re.search(r"^MemTotal:\s+(\d+) kB", text, re.MULTILINE)
    return round(int(match.group(1)) / 1024 / 1024, 1) if match else None


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git(root: Path) -> dict[str, Any]:
    def out(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=10
        )
        return done.stdout.strip()

    try:
        head = out("rev-parse", "--short", "HEAD")
        dirty = out("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": head, "dirty": bool(dirty)}


def _kernels() -> str:
    """Which byte kernels credit_ledger runs here: ``native`` (compiled) or ``numpy``."""
    from credit_ledger import _kernels  # noqa: PLC0415

    return _kernels.BACKEND


def machine(root: Path) -> dict[str, Any]:
    """What the figures were measured on: cores, memory, CPU, OS and library versions."""
    return {
        "nproc": os.cpu_count(),
        "mem_total_gib": _mem_total_gib(),
        "cpu_model": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {
            name: _version(name)
            for name in (
                "credit-ledger",
                "polars",
                "pandera",
                "pyarrow",
                "numpy",
                "deltalake",
                "dataframely",
                "pointblank",
            )
        },
        "git": _git(root),
        "kernels": _kernels(),
        "env": {
            k: os.environ[k]
            for k in ("POLARS_MAX_THREADS", "CREDIT_LEDGER_KERNELS")
            if k in os.environ
        },
    }


def mib(n: int | None) -> float | None:
    """Bytes as MiB (``None`` stays ``None``)."""
    return None if n is None else n / _MB
