"""Fixtures for plugin tests: real distributions with real entry points.

``make_dist`` writes a plugin module and a ``<name>-<version>.dist-info`` directory (METADATA
and ``entry_points.txt``) into a directory put on ``sys.path``: ``importlib.metadata`` discovers
it exactly as it discovers a pip-installed package, so the manager's entry-point path is the
real one, not a mock.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from credit_ledger.plugins import reset_default
from credit_ledger.plugins._selection import ENV_ALLOW, ENV_DENY, ENV_REQUIRED, ENV_STRICT

MakeDist = Callable[..., Path]

HEADER = """\
from __future__ import annotations
import polars as pl
from credit_ledger.plugins import hookimpl, Setting
from credit_ledger.rules import Rule, Scope, Severity, DerivedColumn, Summary
"""


def rule_module(*rules: str, extra: str = "") -> str:
    """Source of a plugin module contributing ``Rule(...)`` expressions (given as source)."""
    body = ",\n        ".join(rules)
    return (
        HEADER
        + textwrap.dedent(extra)
        + f"""
@hookimpl
def credit_ledger_rules():
    return [
        {body}
    ]
"""
    )


@pytest.fixture(autouse=True)
def _clean_plugin_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in (ENV_ALLOW, ENV_DENY, ENV_REQUIRED, ENV_STRICT):
        monkeypatch.delenv(var, raising=False)
    reset_default()
    yield
    reset_default()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on ``sys.path`` standing in for site-packages."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    before = set(sys.modules)
    yield root
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        if module is not None and str(root) in str(getattr(module, "__file__", "") or ""):
            del sys.modules[name]
    importlib.invalidate_caches()


@pytest.fixture
def make_dist(site: Path) -> MakeDist:
    """Factory: ``make_dist(dist, version, entry_points={name: "module[:attr]"},
    modules={"module": source})`` installs a distribution into ``site``."""

    def make(
        dist: str,
        version: str = "1.0.0",
        *,
        entry_points: dict[str, str],
        modules: dict[str, str],
    ) -> Path:
        for module, source in modules.items():
            (site / f"{module}.py").write_text(source, encoding="utf-8")
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = "\n".join(f"{name} = {target}" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[credit_ledger]\n{lines}\n", encoding="utf-8")
        importlib.invalidate_caches()
        return info

    return make
