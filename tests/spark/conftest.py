"""One local Spark (``local[2]``) for every Spark test: it takes about 15 s to start.

The tests skip, saying why, only when PySpark or Java is absent; ``.ci/run`` installs both,
and ``test_available.py`` fails in CI when they are missing, so a skip cannot hide there.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator

import pytest

from credit_ledger.pipeline._spark import SparkMode


def missing() -> str | None:
    """Why Spark cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (pip install 'credit-ledger[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and os.path.isdir(java_home)):
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark_mode() -> Iterator[SparkMode]:
    """A :class:`SparkMode` on a local two-core Spark, shared by the session."""
    reason = missing()
    if reason is not None:
        pytest.skip(reason)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    mode = SparkMode(
        master="local[2]",
        conf={"spark.sql.shuffle.partitions": "2", "spark.ui.enabled": "false"},
    )
    mode.session.sparkContext.setLogLevel("ERROR")
    yield mode
    mode.close()
