"""The plugins a Spark run needs on its executors, and the check that they are there.

Rules, derived columns and summaries travel to the executors pickled; a function a plugin
defined travels as a reference to its module, which the executor imports. An executor without
the plugin would fail deep inside Spark with a Python traceback; this check runs first, in one
small task per executor slot, and names the plugin instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import polars as pl

from credit_ledger.errors import ConfigError
from credit_ledger.rules import RuleSet

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["check_executors", "needed_modules"]

PACKAGE = "credit_ledger"


def _module_of(value: object) -> str | None:
    if isinstance(value, pl.Expr) or not callable(value):
        return None
    module = getattr(value, "__module__", None)
    if not isinstance(module, str) or module in ("builtins", "__main__"):
        return None
    return module


def needed_modules(ruleset: RuleSet) -> dict[str, str]:
    """Module → plugin of every function the rules, derived columns and summaries of
    ``ruleset`` were given (their checks, expressions and computations), plus the package
    itself. A contribution without a known provider is named by its id."""
    needed = {PACKAGE: "credit-ledger (the package itself)"}
    parts: list[tuple[str, object]] = [(r.id, r.check) for r in ruleset.rules]
    parts += [(f"{d.kind}:{d.name}", d.expr) for d in ruleset.derived]
    parts += [(s.name, s.compute) for s in ruleset.summaries]
    for name, value in parts:
        module = _module_of(value)
        if module is not None:
            needed.setdefault(module, ruleset.providers.get(name, name))
    return needed


def _probe(modules: list[str]) -> Callable[[Iterable[int]], Iterable[dict[str, str]]]:
    # Only the standard library inside: the probe must unpickle where the package is absent.
    def probe(_: Iterable[int]) -> Iterable[dict[str, str]]:
        import importlib as imp  # noqa: PLC0415 - runs on the executor

        failed: dict[str, str] = {}
        for module in modules:
            try:
                imp.import_module(module)
            except Exception as exc:  # an import may raise anything
                failed[module] = f"{type(exc).__name__}: {exc}"
        yield failed

    return probe


def check_executors(spark: SparkSession, needed: Mapping[str, str]) -> None:
    """Fail when a Spark executor cannot import a module of ``needed`` (module → plugin).

    Raises:
        ConfigError: naming the plugin, the module and the executor's import error.
    """
    slots = max(spark.sparkContext.defaultParallelism, 1)
    probe = _probe(sorted(needed))
    results = spark.sparkContext.parallelize(range(slots), slots).mapPartitions(probe).collect()
    missing: dict[str, str] = {}
    for failed in results:
        missing.update(failed)
    if missing:
        module, error = sorted(missing.items())[0]
        more = f" (and {len(missing) - 1} more module(s))" if len(missing) > 1 else ""
        raise ConfigError(
            f"plugin {needed[module]!r}: module {module!r} cannot be imported on the Spark "
            f"executors ({error}){more}; install it on every executor or ship it with "
            "SparkContext.addPyFile (docs/spark.md)"
        )
