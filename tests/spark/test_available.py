"""In CI the Spark tests must run: a missing PySpark or Java fails here instead of skipping."""

from __future__ import annotations

import os

import pytest

from tests.spark.conftest import missing

pytestmark = pytest.mark.spark


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="only CI must have Spark")
def test_ci_has_pyspark_and_java() -> None:
    assert missing() is None, f"CI must run the Spark tests: {missing()}"
