"""Registry of sub-commands. Each command module exposes ``register(subparsers)`` which adds
its parser and sets ``handler`` (a function ``(argparse.Namespace) -> int``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from credit_ledger.cli import (
    _check,
    _compact,
    _corrections,
    _demo,
    _explain,
    _generate,
    _history,
    _inspect,
    _kinds,
    _plugins,
    _report,
    _rules,
    _run,
    _validate,
)

REGISTRY: tuple[Callable[[Any], None], ...] = (
    _demo.register,
    _generate.register,
    _validate.register,
    _kinds.register,
    _explain.register,
    _check.register,
    _plugins.register,
    _rules.register,
    _run.register,
    _history.register,
    _compact.register,
    _report.register,
    _corrections.register,
    _inspect.register,
)

__all__ = ["REGISTRY"]
