"""The Spark execution mode: the same kinds, rules, plugins and ledger on Apache Spark.

Validation and rules run on the executors through ``mapInArrow`` (Arrow batches → Polars → the
same :func:`credit_ledger.validate` and rule engine → Arrow); what runs where is described in
:mod:`credit_ledger.pipeline._spark_validate` and :mod:`credit_ledger.pipeline._spark_evaluate`
and in docs/spark.md. Valid rows, quarantine, derived records and findings are written by Spark
as Parquet into the run's scratch and handed back as lazy scans, so the run's commit records
them in the Delta ledger as it does for the other modes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from credit_ledger.errors import ConfigError
from credit_ledger.kinds import RecordKind
from credit_ledger.pipeline._results import EvaluationRequest, Input, Validated
from credit_ledger.pipeline._spark_evaluate import SparkPlan, evaluate_on_spark
from credit_ledger.pipeline._spark_plugins import check_executors, needed_modules
from credit_ledger.pipeline._spark_validate import validate_on_spark
from credit_ledger.rules import EvaluationResult

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["DEFAULT_BATCH_ROWS", "DEFAULT_DRIVER_ROWS", "DEFAULT_PARTITION_ROWS", "SparkMode"]

DEFAULT_BATCH_ROWS: Final = 20_000
"""Rows per Arrow batch between the JVM and Python (10–32k measured best on small machines)."""

DEFAULT_PARTITION_ROWS: Final = 250_000
"""Rows a rule pass puts in one partition (one Python call holds them in memory)."""

DEFAULT_DRIVER_ROWS: Final = 20_000_000
"""The most rows a dataset rule or summary reads on the driver (Polars' streaming engine)."""


_WRITE_CONF: Final = {
    # Spark sorts the rows of a write partitioned by a column (here, which table a row belongs
    # to) unless it may keep one file writer per partition open. Our writes have two to four
    # tables, so the sort is pure cost: 2.4x the time of a validation pass, measured.
    "spark.sql.optimizer.plannedWrite.enabled": "false",
    "spark.sql.maxConcurrentOutputFileWriters": "8",
}


@contextmanager
def _set(
    spark: SparkSession, values: Mapping[str, str], env: Mapping[str, str]
) -> Iterator[SparkSession]:
    """``spark`` with the SQL options ``values`` set and the Python workers' environment
    variables ``env`` given where the caller gave none; all put back as they were afterwards."""
    before: dict[str, str | None] = {key: spark.conf.get(key, None) for key in values}
    workers = spark.sparkContext.environment
    added = [key for key in env if key not in workers]
    for key, value in values.items():
        spark.conf.set(key, value)
    workers.update({key: env[key] for key in added})
    try:
        yield spark
    finally:
        for key, old in before.items():
            if old is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, old)
        for key in added:
            workers.pop(key, None)


def _pyspark() -> None:
    try:
        import pyspark  # noqa: F401, PLC0415 - the optional extra
    except ImportError:
        raise ConfigError(
            "the Spark engine needs PySpark and Java 17 or 21: "
            "pip install 'credit-ledger[spark]' (docs/spark.md)"
        ) from None


class SparkMode:
    """Run validation and rules on Apache Spark.

    Args:
        session: a ``SparkSession`` to use (a cluster's); else a local one is built on first
            use from ``master`` and ``conf``, and stopped by :meth:`close`.
        master: ``spark.master`` of the session built here (``"local[2]"``, ``"yarn"``, ...).
        batch_rows: rows per Arrow batch handed to Python
            (``spark.sql.execution.arrow.maxRecordsPerBatch``).
        conf: further Spark options for the session built here.
        partition_rows: rows per partition of a rule pass.
        driver_rows: the most rows a dataset rule or summary may read on the driver; above it
            that rule or summary is an error saying so.

    Example:
        >>> mode = SparkMode(master="local[2]")  # doctest: +SKIP
        >>> validated = mode.validate(inputs, kinds, scratch)  # doctest: +SKIP
    """

    name = "spark"

    def __init__(
        self,
        session: SparkSession | None = None,
        *,
        master: str = "local[2]",
        batch_rows: int = DEFAULT_BATCH_ROWS,
        conf: Mapping[str, str] | None = None,
        partition_rows: int = DEFAULT_PARTITION_ROWS,
        driver_rows: int = DEFAULT_DRIVER_ROWS,
    ) -> None:
        if batch_rows < 1 or partition_rows < 1 or driver_rows < 0:
            raise ConfigError("spark: batch_rows and partition_rows must be at least 1")
        self._session = session
        self._owned = False
        self.master = master
        self.batch_rows = batch_rows
        self.conf = dict(conf or {})
        self.plan = SparkPlan(partition_rows=partition_rows, driver_rows=driver_rows)
        self._scratch: Path | None = None

    @property
    def session(self) -> SparkSession:
        """The Spark session: the caller's, or a local one built on first use."""
        if self._session is None:
            _pyspark()
            from pyspark.sql import SparkSession  # noqa: PLC0415 - the optional extra

            if self.master.startswith("local"):
                # Local Python workers are started with PYSPARK_PYTHON (else "python3" on the
                # PATH, which may not have this package): use this interpreter.
                os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            builder = (
                SparkSession.builder.master(self.master)
                .appName("credit-ledger")
                .config("spark.ui.showConsoleProgress", "false")
            )
            for key, value in self.conf.items():
                builder = builder.config(key, value)
            self._session = builder.getOrCreate()
            self._owned = True
        return self._session

    def _running(self) -> AbstractContextManager[SparkSession]:
        """The session with the options our passes need, put back as they were afterwards."""
        session = self.session
        # Spark runs one task per core: a Python worker's Polars must not take every core of
        # the executor as well (a caller's spark.executorEnv.POLARS_MAX_THREADS wins).
        threads = session.sparkContext.getConf().get("spark.task.cpus", "1")
        wanted = {"spark.sql.execution.arrow.maxRecordsPerBatch": str(self.batch_rows)}
        return _set(session, {**wanted, **_WRITE_CONF}, {"POLARS_MAX_THREADS": threads})

    def close(self) -> None:
        """Stop the session if this mode built it (a caller's session is left running)."""
        if self._owned and self._session is not None:
            self._session.stop()
        self._session = None
        self._owned = False

    def validate(
        self, inputs: Sequence[Input], kinds: Mapping[str, RecordKind], scratch: Path
    ) -> Validated:
        """Validate every input on Spark: the same verdicts, counts and rows as in memory.

        Raises:
            InputError: an input fails while being read; the message names the source.
        """
        self._scratch = scratch / "spark"
        with self._running() as spark:
            return validate_on_spark(spark, inputs, kinds, self._scratch)

    def evaluate(
        self, frames: Mapping[str, pl.LazyFrame], request: EvaluationRequest
    ) -> EvaluationResult:
        """Evaluate ``request`` over ``frames`` on Spark: the same findings, outcomes and
        summaries as in memory.

        Raises:
            ConfigError: an executor cannot import the package or a plugin the rules come
                from (naming the plugin).
        """
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="credit-ledger-spark-"))
        with self._running() as spark:
            check_executors(spark, needed_modules(request.rules))
            return evaluate_on_spark(
                spark, frames, request, scratch=self._scratch / "evaluate", plan=self.plan
            )
