"""Shared synthetic sets: generated once per session, written to real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from credit_ledger.synth import SyntheticSet, generate_frames, write

ROWS = 10_000
SEED = 7


@pytest.fixture(scope="session")
def synthetic() -> SyntheticSet:
    """10,000 records with the default 2 % defects."""
    return generate_frames(ROWS, seed=SEED)


@pytest.fixture(scope="session")
def clean() -> SyntheticSet:
    """The same records without defects (defects use their own random stream)."""
    return generate_frames(ROWS, seed=SEED, defect_rate=0.0)


@pytest.fixture(scope="session")
def small() -> SyntheticSet:
    """400 records with 5 % defects, for format and determinism tests."""
    return generate_frames(400, seed=9, defect_rate=0.05)


@pytest.fixture(scope="session")
def csv_files(synthetic: SyntheticSet, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``synthetic`` written as UTF-8 CSV with Chinese headers."""
    return write(synthetic, tmp_path_factory.mktemp("csv"))
