"""The run key (what makes two runs the same) and the run manifest (what a run did).

The manifest follows ``schemas/manifest.v1.json``; it is stored in the run's row of the
ledger's ``runs`` table (the commit point) and written as ``manifest.json`` after everything
else: its presence means the run completed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Collection, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from pandera.config import get_config_context

from credit_ledger._redact import is_unmasked

if TYPE_CHECKING:
    from credit_ledger.jobs._config import Job
    from credit_ledger.jobs._result import InputSummary

__all__ = [
    "MANIFEST_SCHEMA",
    "MANIFEST_VERSION",
    "build_manifest",
    "input_accounting",
    "library_versions",
    "run_key",
    "tool_version",
    "validation_settings",
]

MANIFEST_VERSION = 1
MANIFEST_SCHEMA = "schemas/manifest.v1.json"
RUN_KEY_VERSION = 1

_LIBRARIES = ("polars", "pandera", "deltalake", "pyarrow", "pluggy", "adbc-driver-postgresql")


def _version(dist: str) -> str | None:
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def tool_version() -> str:
    """The installed credit-ledger version (``0.0.0`` in an uninstalled source tree)."""
    return _version("credit-ledger") or "0.0.0"


def library_versions() -> dict[str, str | None]:
    """Python and the versions of the libraries a run's result depends on."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    out.update({name: _version(name) for name in _LIBRARIES})
    return out


def validation_settings() -> dict[str, Any]:
    """pandera's settings in force, and how credit_ledger validates (always schema and data,
    every failure collected)."""
    cfg = get_config_context()
    depth = cfg.validation_depth
    return {
        "library": "pandera",
        "version": _version("pandera"),
        "validation_enabled": bool(cfg.validation_enabled),
        "validation_depth": getattr(depth, "value", str(depth)),
        "lazy": True,
        "engine": "credit_ledger.validate (pandera schema compiled to one Polars pass)",
    }


def run_key(
    *,
    inputs: Sequence[tuple[str, str, str]],
    config: Mapping[str, Any],
    rules: Sequence[tuple[str, int]],
    plugins: Sequence[tuple[str, str | None]],
    as_of: str,
) -> str:
    """The content-addressed key of a run (SHA-256, hex).

    Args:
        inputs: ``(source name, kind, sha256)`` per input, in reading order.
        config: the resolved job configuration (without settings that do not change results:
            ledger path, log format, ``fail_on``).
        rules: ``(rule id, version)`` of every rule evaluated.
        plugins: ``(plugin name, version)`` of every active plugin.
        as_of: the run date (ISO).

    Example:
        >>> k = run_key(inputs=[("a", "admin_penalty", "00")], config={}, rules=[],
        ...             plugins=[], as_of="2025-01-31")
        >>> len(k)
        64
    """
    payload = {
        "key_version": RUN_KEY_VERSION,
        "tool": tool_version(),
        "inputs": [list(i) for i in inputs],
        "config": config,
        "rules": sorted([list(r) for r in rules]),
        "plugins": sorted([[n, v or ""] for n, v in plugins]),
        "as_of": as_of,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_accounting(
    summaries: Sequence[InputSummary], returned: Collection[str]
) -> list[dict[str, Any]]:
    """Each input's row accounting as the manifest and the summary output give it: besides
    its counts, whether it was a returned correction workbook (its ``location`` is in
    ``returned``) and how many rows it corrected (a workbook's valid rows replace the
    quarantined rows they correct, matched by record id; 0 for any other input)."""
    out = []
    for s in summaries:
        workbook = s.location in returned
        out.append(
            {
                **s.to_dict(),
                "returned_workbook": workbook,
                "rows_corrected": s.rows_valid if workbook else 0,
            }
        )
    return out


def build_manifest(
    job: Job,
    *,
    run_id: str,
    key: str,
    as_of: dt.date,
    started: dt.datetime,
    forced: bool,
    summaries: list[dict[str, Any]],
    plugins: list[dict[str, object]],
    outcomes: list[dict[str, Any]],
    by_severity: Mapping[str, int],
    waived: int,
    errors: list[str],
    notices: list[str],
    outputs: list[dict[str, object]],
) -> dict[str, Any]:
    """The manifest of a run before its commit (``records``, ``timings``, ``ledger_version``
    and ``tables`` are filled in by the commit). ``summaries`` as :func:`input_accounting`
    gives them: ``rows_corrected`` is their sum."""
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifest_version": MANIFEST_VERSION,
        "run_id": run_id,
        "run_key": key,
        "ledger": str(job.ledger),
        "job": {
            "name": job.name,
            "path": str(job.path) if job.path else None,
            "config": job.to_dict(),
        },
        "as_of": as_of.isoformat(),
        "started_at": started.isoformat(),
        "forced": forced,
        "tool": {"name": "credit-ledger", "version": tool_version()},
        "libraries": library_versions(),
        "validation": validation_settings(),
        "privacy": {"masked": not is_unmasked()},
        "inputs": summaries,
        "rows_corrected": sum(int(s.get("rows_corrected", 0)) for s in summaries),
        "records": {},
        "plugins": plugins,
        "rules": outcomes,
        "findings": {
            "total": sum(by_severity.values()),
            "by_severity": dict(by_severity),
            "waived": waived,
        },
        "errors": errors,
        "notices": notices,
        "outputs": outputs,
        "timings": {},
    }
