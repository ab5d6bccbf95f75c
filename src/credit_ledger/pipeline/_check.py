"""``check``: read a file, validate it, run the rules. The Python API behind
``credit-ledger check``; it returns a result and never exits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credit_ledger.ingest import read
from credit_ledger.rules import (
    EvaluationResult,
    Rule,
    RulePolicy,
    RuleSet,
    RunStatus,
    SettingValue,
    Severity,
    evaluate,
)
from credit_ledger.validate import ValidationResult, validate

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from credit_ledger.kinds import RecordKind
    from credit_ledger.plugins import PluginManager

__all__ = ["CheckResult", "check"]


@dataclass(frozen=True, kw_only=True, eq=False)
class CheckResult:
    """The outcome of :func:`check`: validation (valid | quarantine) and the rule run."""

    source: str
    kind: str
    validation: ValidationResult
    evaluation: EvaluationResult

    def status(self, fail_on: Severity | None = None) -> RunStatus:
        """The rule run's status (quarantined rows are reported by the validation)."""
        return self.evaluation.status(fail_on)

    def to_dict(self, fail_on: Severity | None = None) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "source": self.source,
            "kind": self.kind,
            "validation": self.validation.summary.to_dict(),
            **self.evaluation.to_dict(fail_on),
        }


def check(
    source: str | PathLike[str],
    *,
    kind: str | RecordKind,
    as_of: dt.date,
    encoding: str | None = None,
    sheet: str | None = None,
    rules: RuleSet | Iterable[Rule] | None = None,
    policy: RulePolicy | None = None,
    fail_on: Severity = Severity.ERROR,
    plugins: PluginManager | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> CheckResult:
    """Read ``source`` as records of ``kind``, validate them, and evaluate the rules on the
    valid rows (summaries that ask for it also see the quarantined rows). ``encoding`` and
    ``sheet`` are passed to :func:`credit_ledger.read`, and so are ``read_options`` (``columns``,
    ``header_row``, ``records_path``); ``settings`` are laid over the plugins' settings, as in
    :func:`~credit_ledger.rules.evaluate`.

    Raises:
        ConfigError: a required plugin is missing or failed, or the allowlist is wrong.
        InputError: the source cannot be read.

    Example:
        >>> res = check("penalties.csv", kind="admin_penalty",
        ...             as_of=dt.date(2025, 6, 30))  # doctest: +SKIP
        >>> res.status()  # doctest: +SKIP
        'findings'
    """
    # Imported here: the plugin layer sits above the engine (and imports it).
    from credit_ledger.plugins import activate, active_manager  # noqa: PLC0415

    manager = plugins if plugins is not None else active_manager()
    if rules is None:
        manager.ensure_ready()
    with activate(manager):
        record_kind = manager.kind(kind) if isinstance(kind, str) else kind
        frame = read(
            source, kind=record_kind, encoding=encoding, sheet=sheet, **(read_options or {})
        )
        validation = validate(frame, kind=record_kind)
        evaluation = evaluate(
            validation.valid,
            kind=record_kind,
            as_of=as_of,
            rules=rules,
            policy=policy,
            fail_on=fail_on,
            plugins=manager,
            settings=settings,
            quarantine=validation.quarantine,
        )
    return CheckResult(
        source=Path(source).name,
        kind=record_kind.name,
        validation=validation,
        evaluation=evaluation,
    )
