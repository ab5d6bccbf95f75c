"""``python -m benchmarks``: run the benchmark suite (see :mod:`benchmarks`)."""

from __future__ import annotations

from benchmarks._cli import main

raise SystemExit(main())
