"""Every benchmark case, by name, in report order."""

from __future__ import annotations

from benchmarks._cases import Case, own_cases, stream_cases
from benchmarks._peers import peer_cases
from benchmarks.bench_spark import spark_cases

__all__ = ["all_cases"]


def all_cases() -> dict[str, Case]:
    """Floors, credit_ledger's stages, the Spark engine, peers, then the 57M streaming case."""
    cases = [*own_cases(), *spark_cases(), *peer_cases(), *stream_cases()]
    return {c.name: c for c in cases}
