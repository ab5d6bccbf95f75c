"""Severity overrides and waivers: the job configuration's say over findings.

They come from configuration (a job file, a caller), never from plugin code, and every use is
recorded: overridden rules keep their declared severity next to the effective one, waived
findings stay in the findings frame flagged ``waived`` with the waiver's reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from credit_ledger.contracts._rule import Severity
from credit_ledger.errors import ConfigError

__all__ = ["RulePolicy", "Waiver"]


@dataclass(frozen=True, kw_only=True)
class Waiver:
    """An accepted exception to a rule.

    Attributes:
        rule_id: the rule waived.
        reason: why (required; it is written next to every waived finding).
        records: record ids waived (row scope); empty with ``entities`` empty waives the rule's
            findings entirely.
        entities: entity key values waived (entity scope).
        until: last day the waiver applies (compared with the run's ``as_of``, not the clock).

    Example:
        >>> Waiver(rule_id="example.fine_cap", reason="court ruling 2024-07", records=("R1",))
        Waiver(rule_id='example.fine_cap', reason='court ruling 2024-07', records=('R1',), ...)
    """

    rule_id: str
    reason: str
    records: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if not self.reason or not self.reason.strip():
            raise ConfigError(f"waiver of {self.rule_id!r} has no reason")
        object.__setattr__(self, "records", tuple(self.records))
        object.__setattr__(self, "entities", tuple(self.entities))

    def __repr__(self) -> str:  # keep doctest output short and stable
        return (
            f"Waiver(rule_id={self.rule_id!r}, reason={self.reason!r},"
            f" records={self.records!r}, ...)"
        )

    @property
    def whole_rule(self) -> bool:
        """Whether the waiver covers every finding of the rule."""
        return not self.records and not self.entities

    def active(self, as_of: dt.date) -> bool:
        """Whether the waiver applies on ``as_of``."""
        return self.until is None or as_of <= self.until


@dataclass(frozen=True, kw_only=True)
class RulePolicy:
    """Severity overrides and waivers of one job.

    Example:
        >>> policy = RulePolicy.from_mapping(
        ...     {"severity": {"example.fine_cap": "warning"},
        ...      "waivers": [{"rule": "example.fine_cap", "reason": "ok", "records": ["R1"]}]}
        ... )
        >>> policy.severity["example.fine_cap"]
        <Severity.WARNING: 'warning'>
    """

    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    waivers: tuple[Waiver, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "severity", MappingProxyType({k: Severity(v) for k, v in self.severity.items()})
        )
        object.__setattr__(self, "waivers", tuple(self.waivers))

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> RulePolicy:
        """Build from the ``[rules]`` table of a job file.

        Keys: ``severity`` (rule id → severity name) and ``waivers`` (a list of tables with
        ``rule``, ``reason``, optional ``records``, ``entities`` and ``until``).

        Raises:
            ConfigError: unknown keys, unknown severity names, malformed waivers.
        """
        unknown = set(data) - {"severity", "waivers"}
        if unknown:
            raise ConfigError(f"[rules]: unknown key(s) {', '.join(sorted(unknown))}")
        raw_sev = data.get("severity", {})
        if not isinstance(raw_sev, Mapping):
            raise ConfigError("[rules].severity must be a table of rule id = severity")
        severity: dict[str, Severity] = {}
        for rule_id, name in raw_sev.items():
            try:
                severity[str(rule_id)] = Severity(str(name))
            except ValueError:
                choices = ", ".join(s.value for s in Severity)
                raise ConfigError(
                    f"[rules].severity.{rule_id}: {name!r} is not one of {choices}"
                ) from None
        raw_waivers = data.get("waivers", [])
        if not isinstance(raw_waivers, list):
            raise ConfigError("[rules].waivers must be a list of tables")
        return cls(severity=severity, waivers=tuple(_waiver(w) for w in raw_waivers))

    def effective_severity(self, rule_id: str, declared: Severity) -> Severity:
        """The severity findings of ``rule_id`` are reported with."""
        return self.severity.get(rule_id, declared)

    def waivers_for(self, rule_id: str, as_of: dt.date) -> tuple[Waiver, ...]:
        """The waivers of ``rule_id`` in force on ``as_of``."""
        return tuple(w for w in self.waivers if w.rule_id == rule_id and w.active(as_of))

    def unknown_rules(self, known: Iterable[str]) -> tuple[str, ...]:
        """Rule ids the policy mentions that are not in ``known`` (likely typos)."""
        known_set = set(known)
        named = set(self.severity) | {w.rule_id for w in self.waivers}
        return tuple(sorted(named - known_set))


def _strings(where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(str(v) for v in value)


def _waiver(raw: object) -> Waiver:
    if not isinstance(raw, Mapping):
        raise ConfigError("[[rules.waivers]] entries must be tables")
    unknown = set(raw) - {"rule", "reason", "records", "entities", "until"}
    if unknown:
        raise ConfigError(f"[[rules.waivers]]: unknown key(s) {', '.join(sorted(unknown))}")
    rule = raw.get("rule")
    if not isinstance(rule, str) or not rule:
        raise ConfigError("[[rules.waivers]]: 'rule' (a rule id) is required")
    until = raw.get("until")
    if isinstance(until, str):
        try:
            until = dt.date.fromisoformat(until)
        except ValueError:
            raise ConfigError(f"waiver of {rule!r}: until={until!r} is not a date") from None
    if until is not None and not isinstance(until, dt.date):
        raise ConfigError(f"waiver of {rule!r}: until must be a date")
    return Waiver(
        rule_id=rule,
        reason=str(raw.get("reason") or ""),
        records=_strings(f"waiver of {rule!r}: records", raw.get("records")),
        entities=_strings(f"waiver of {rule!r}: entities", raw.get("entities")),
        until=until,
    )
