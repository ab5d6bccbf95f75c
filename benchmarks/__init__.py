"""credit_ledger's benchmark suite: ``python -m benchmarks [--quick] [--rows N ...] [--out DIR]``.

Generates its data with the project's generator (cached under ``--out``), runs every case
after a warm-up in a fresh worker process, and writes ``results.json`` and ``results.md``:
median, min and max seconds, rows/s, peak RSS, bytes read, and ratios to baselines measured in
the same run (``pl.read_parquet`` and ``pl.read_csv`` of the same files; pandera, dataframely
and pointblank on the same checks).

Modules: :mod:`benchmarks._data` (data sets), :mod:`benchmarks._cases` and
:mod:`benchmarks._peers` (what is timed), :mod:`benchmarks._measure` (time, memory, I/O),
:mod:`benchmarks._worker` (the per-case process), :mod:`benchmarks._report` (ratios, targets,
Markdown), :mod:`benchmarks._cli` (the command line). The older single-purpose scripts
(``bench_rules.py``, ``bench_packs.py``, ``bench_run.py``) time finer splits of one stage.
"""

from __future__ import annotations

__all__: list[str] = []
