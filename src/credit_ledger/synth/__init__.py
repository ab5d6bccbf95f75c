"""Synthetic public credit records with injected defects and their ground truth.

One generator serves the demo, the tests and the benchmarks. It builds a district (Xinhua
District, Shijiazhuang, region ``130105``) with its firms, individual businesses, persons,
government bodies, authorities and courts, then draws records of the five built-in kinds from
it in the proportions of docs/domain.md §6. Codes carry correct check characters, values carry the
harmless mess of real exports, and a chosen share of rows carries exactly one defect each, listed
with the reason :func:`credit_ledger.validate` must report.

Example:
    >>> from credit_ledger.synth import generate_frames
    >>> s = generate_frames(2_000, seed=3)
    >>> s.rows
    2000
    >>> s.truth.columns
    ['kind', 'row', 'defect', 'reason']
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from credit_ledger.synth._api import SyntheticSet, generate_frames
from credit_ledger.synth._world import DEFAULT_SHARES
from credit_ledger.synth._write import generate, write

__all__ = [
    "DEFAULT_SHARES",
    "SyntheticSet",
    "generate",
    "generate_frames",
    "generator_fingerprint",
    "write",
]


@cache
def generator_fingerprint() -> str:
    """A digest of the generator's own code: the same seed gives the same records and ground
    truth exactly when it is unchanged. Store it beside cached data sets and regenerate them
    when it differs."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
