"""A snapshot of everything the engine evaluates: rules, derived columns, summaries, settings,
and what went wrong while collecting them (failed plugins, conflicting ids)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from credit_ledger.contracts._rule import DerivedColumn, Rule, SettingValue, Summary

if TYPE_CHECKING:
    from credit_ledger.contracts._kind import RecordKind
    from credit_ledger.contracts._plugin import Conflict, PluginInfo
    from credit_ledger.contracts._result import RunInfo, RunReport

__all__ = ["Notifier", "RuleSet"]


class Notifier(Protocol):
    """Delivers run notifications; returns the errors of listeners (never raises)."""

    def run_started(self, run: RunInfo) -> list[str]:
        """Tell listeners a run starts."""
        ...

    def rule_error(self, run: RunInfo, rule_id: str, plugin: str | None, error: str) -> list[str]:
        """Tell listeners a rule could not be evaluated."""
        ...

    def run_finished(self, run: RunInfo, report: Callable[[], RunReport]) -> list[str]:
        """Tell listeners a run finished; ``report`` is called only if anyone listens."""
        ...


@dataclass(frozen=True, kw_only=True, eq=False)
class RuleSet:
    """What one run evaluates. Built by :meth:`PluginManager.ruleset` from the plugins, or by
    :meth:`RuleSet.of` from objects you hold (tests, notebooks).

    Attributes:
        rules: the rules (conflicting ids already removed, see ``conflicts``).
        derived: derived columns.
        summaries: summary tables.
        settings: resolved settings handed to every context.
        providers: contribution name → plugin name (rule ids, ``kind:column`` for derived
            columns, summary names).
        kinds: record kinds by name, if the set was built by a plugin manager.
        conflicts: duplicate contributions, each reported as an errored rule.
        failed_plugins: plugins that failed to load; any makes the run's status ``error``.
        plugins: names of the active plugins.
        notifier: where notifications go (the plugin manager), if anywhere.
    """

    rules: tuple[Rule, ...] = ()
    derived: tuple[DerivedColumn, ...] = ()
    summaries: tuple[Summary, ...] = ()
    settings: Mapping[str, SettingValue] = field(default_factory=lambda: MappingProxyType({}))
    providers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    kinds: Mapping[str, RecordKind] = field(default_factory=lambda: MappingProxyType({}))
    conflicts: tuple[Conflict, ...] = ()
    failed_plugins: tuple[PluginInfo, ...] = ()
    plugins: tuple[str, ...] = ()
    notifier: Notifier | None = None

    @classmethod
    def of(
        cls,
        rules: Iterable[Rule] = (),
        *,
        derived: Iterable[DerivedColumn] = (),
        summaries: Iterable[Summary] = (),
        settings: Mapping[str, SettingValue] | None = None,
    ) -> RuleSet:
        """A rule set from objects you hold, without plugins.

        Example:
            >>> import polars as pl
            >>> rs = RuleSet.of([Rule(id="t.pos", title="positive", kind="k",
            ...                       check=pl.col("x") > 0)])
            >>> [r.id for r in rs.rules]
            ['t.pos']
        """
        rules = tuple(rules)
        for r in rules:
            if not isinstance(r, Rule):
                raise TypeError(f"expected Rule, got {type(r).__name__}")
        return cls(
            rules=rules,
            derived=tuple(derived),
            summaries=tuple(summaries),
            settings=MappingProxyType(dict(settings or {})),
        )

    def for_kind(self, kind: str) -> tuple[Rule, ...]:
        """The rules of ``kind``."""
        return tuple(r for r in self.rules if r.kind == kind)

    def derived_for(self, kind: str) -> tuple[DerivedColumn, ...]:
        """The derived columns of ``kind``."""
        return tuple(d for d in self.derived if d.kind == kind)
