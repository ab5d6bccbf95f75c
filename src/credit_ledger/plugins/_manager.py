"""The plugin manager: lazy discovery, per-plugin isolation, selection and conflict detection.

pluggy calls every implementation of a hook in one loop, and one raising implementation aborts
the whole call. The manager therefore never calls ``pm.hook.<name>(...)``: it iterates
``get_hookimpls()`` and calls each ``impl.function`` itself, so a plugin that fails to import,
raises, or returns objects of the wrong type is recorded as failed (name, distribution,
version, error) and every other plugin still contributes.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import functools
import importlib
import importlib.metadata
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType, ModuleType

import pluggy

from credit_ledger.contracts import Command, RecordKind
from credit_ledger.contracts._plugin import (
    Conflict,
    PluginInfo,
    PluginOrigin,
    PluginStatus,
    Reporter,
    Setting,
    SourceFormat,
)
from credit_ledger.contracts._result import RunInfo, RunReport
from credit_ledger.contracts._rule import DerivedColumn, Rule, SettingValue, Summary
from credit_ledger.contracts._ruleset import RuleSet
from credit_ledger.errors import ConfigError, PluginError, describe
from credit_ledger.kinds import KindRegistry
from credit_ledger.plugins import hookspecs
from credit_ledger.plugins._builtin import BUILTIN_PLUGINS
from credit_ledger.plugins._selection import PluginSelection

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginManager",
    "activate",
    "active_manager",
    "get_kind",
    "record_kinds",
    "reset_default",
]

ENTRY_POINT_GROUP = hookspecs.PROJECT

_EXPECTED: dict[str, type] = {
    "credit_ledger_record_kinds": RecordKind,
    "credit_ledger_settings": Setting,
    "credit_ledger_rules": Rule,
    "credit_ledger_derived_columns": DerivedColumn,
    "credit_ledger_summaries": Summary,
    "credit_ledger_source_formats": SourceFormat,
    "credit_ledger_reporters": Reporter,
    "credit_ledger_commands": Command,
}


def _main_distribution() -> tuple[str, str | None]:
    try:
        return "credit-ledger", importlib.metadata.version("credit-ledger")
    except importlib.metadata.PackageNotFoundError:
        return "credit-ledger", None


def _import_target(target: str) -> object:
    module_name, _, attr = target.partition(":")
    obj: object = importlib.import_module(module_name)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


@dataclass(kw_only=True)
class _Slot:
    name: str
    origin: PluginOrigin
    target: str | None
    loader: Callable[[], object]
    distribution: str | None = None
    version: str | None = None
    obj: object | None = None
    status: PluginStatus = "active"
    error: str | None = None
    hooks: tuple[str, ...] = ()
    contributions: dict[str, tuple[object, ...]] = field(default_factory=dict)

    def fail(self, message: str) -> None:
        if self.status == "active":
            self.status = "failed"
            self.error = message

    def label(self) -> str:
        if self.distribution:
            return f"{self.name} ({self.distribution} {self.version or '?'})"
        return self.name

    def info(self) -> PluginInfo:
        return PluginInfo(
            name=self.name,
            distribution=self.distribution,
            version=self.version,
            origin=self.origin,
            status=self.status,
            hooks=self.hooks,
            rules=len(self.contributions.get("credit_ledger_rules", ())),
            error=self.error,
            target=self.target,
        )


class PluginManager:
    """Finds, loads and queries credit_ledger plugins. Nothing is imported until first use.

    Args:
        plugins: plugin objects (modules, classes, instances) to register, or
            ``(name, object)`` pairs; their names default to ``__name__``.
        modules: importable plugin targets (``"pkg.mod"`` or ``"pkg.mod:attr"``).
        entry_points: discover plugins in the ``credit_ledger`` entry-point group.
        builtins: register the built-in plugins (record kinds, built-in rule packs).
        selection: allow/deny/required lists (default: from the environment).
        settings: setting overrides from the job config, by setting name.

    Example:
        >>> pm = PluginManager(entry_points=False)
        >>> "admin_penalty" in pm.record_kinds()
        True
        >>> [p.name for p in pm.plugins()]
        ['builtin.kinds']
    """

    def __init__(
        self,
        plugins: Iterable[object | tuple[str, object]] = (),
        *,
        modules: Iterable[str] = (),
        entry_points: bool = True,
        builtins: bool = True,
        selection: PluginSelection | None = None,
        settings: Mapping[str, object] | None = None,
    ) -> None:
        self._explicit = list(plugins)
        self._modules = list(modules)
        self._use_entry_points = entry_points
        self._use_builtins = builtins
        self.selection = selection if selection is not None else PluginSelection.from_env()
        self._overrides = dict(settings or {})
        self._lock = threading.RLock()
        self._loaded = False
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._slots: dict[str, _Slot] = {}
        self._problems: list[str] = []
        self._conflicts: list[Conflict] = []
        self._kinds: dict[str, RecordKind] = {}
        self._settings_decl: dict[str, Setting] = {}
        self._settings: dict[str, SettingValue] = {}
        self._rules: dict[str, Rule] = {}
        self._derived: dict[str, DerivedColumn] = {}
        self._summaries: dict[str, Summary] = {}
        self._formats: dict[str, SourceFormat] = {}
        self._reporters: dict[str, Reporter] = {}
        self._commands: dict[str, Command] = {}
        self._providers: dict[str, str] = {}

    # -- discovery -----------------------------------------------------------------------------

    def _add(self, slot: _Slot) -> None:
        existing = self._slots.get(slot.name)
        if existing is None:
            self._slots[slot.name] = slot
            return
        if existing.target is not None and existing.target == slot.target:
            return  # one plugin found twice (a built-in also declared as an entry point, ...)
        conflict = Conflict(
            what="plugin", name=slot.name, providers=(existing.label(), slot.label())
        )
        self._conflicts.append(conflict)
        existing.fail(conflict.message)
        slot.name = f"{slot.name}#{len(self._slots)}"
        slot.fail(conflict.message)
        self._slots[slot.name] = slot

    def _discover(self) -> None:
        if self._use_builtins:
            main_dist, main_version = _main_distribution()
            for name, target in BUILTIN_PLUGINS.items():
                self._add(
                    _Slot(
                        name=name,
                        origin="builtin",
                        target=target,
                        loader=functools.partial(importlib.import_module, target),
                        distribution=main_dist,
                        version=main_version,
                    )
                )
        if self._use_entry_points:
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                ep_dist = ep.dist
                self._add(
                    _Slot(
                        name=ep.name,
                        origin="entry_point",
                        target=ep.value,
                        loader=ep.load,
                        distribution=ep_dist.metadata["Name"] if ep_dist is not None else None,
                        version=ep_dist.version if ep_dist is not None else None,
                    )
                )
        for item in self._explicit:
            name, obj = item if isinstance(item, tuple) else (_plugin_name(item), item)
            self._add(
                _Slot(
                    name=name,
                    origin="explicit",
                    target=obj.__name__ if isinstance(obj, ModuleType) else None,
                    loader=functools.partial(_identity, obj),
                )
            )
        for target in self._modules:
            self._add(
                _Slot(
                    name=target,
                    origin="explicit",
                    target=target,
                    loader=functools.partial(_import_target, target),
                )
            )

    def _select(self) -> None:
        sel = self.selection
        for slot in self._slots.values():
            if slot.status != "active":
                continue
            if slot.name in sel.deny:
                slot.status = "denied"
            elif (
                sel.allow is not None
                and slot.origin == "entry_point"
                and slot.name not in sel.allow | sel.required
            ):
                slot.status = "not_allowed"
        if sel.allow is not None:
            for name in sorted(sel.allow - set(self._slots)):
                close = difflib.get_close_matches(name, list(self._slots), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                installed = ", ".join(sorted(self._slots)) or "none"
                self._problems.append(
                    f"allowlisted plugin {name!r} is not installed{hint} (installed: {installed})"
                )

    def _register(self, slot: _Slot) -> None:
        try:
            obj = slot.loader()
        except (Exception, SystemExit) as exc:
            slot.fail(f"import of {slot.target or slot.name} failed: {describe(exc, typed=True)}")
            return
        if slot.origin != "builtin" and self._pm.is_registered(obj):
            # The same module under a second name (an entry point aliasing a built-in, a module
            # passed explicitly that is also installed): it is one plugin, registered once.
            del self._slots[slot.name]
            return
        try:
            self._pm.register(obj, name=slot.name)
        except Exception as exc:
            slot.fail(f"registration failed: {describe(exc, typed=True)}")
            return
        slot.obj = obj
        callers = self._pm.get_hookcallers(obj) or []
        slot.hooks = tuple(sorted(hc.name for hc in callers))
        unknown = [hc.name for hc in callers if not hc.has_spec()]
        wrappers = [
            hc.name
            for hc in callers
            for impl in hc.get_hookimpls()
            if impl.plugin is obj and (impl.hookwrapper or impl.wrapper)
        ]
        if unknown:
            slot.fail(f"implements unknown hook(s): {', '.join(sorted(unknown))}")
        elif wrappers:
            slot.fail(f"hook wrappers are not supported: {', '.join(sorted(wrappers))}")
        elif not callers:
            slot.fail(
                "implements no credit_ledger hook (are its functions decorated with"
                " credit_ledger.hookimpl?)"
            )
        if slot.status == "failed":
            self._pm.unregister(obj)

    # -- collection ----------------------------------------------------------------------------

    def _collect(self, hook: str, **kwargs: object) -> list[tuple[_Slot, object]]:
        expected = _EXPECTED[hook]
        out: list[tuple[_Slot, object]] = []
        for impl in getattr(self._pm.hook, hook).get_hookimpls():
            slot = self._slots.get(impl.plugin_name)
            if slot is None or slot.status != "active":
                continue
            try:
                result = impl.function(*[kwargs[a] for a in impl.argnames])
            except Exception as exc:
                slot.fail(f"hook {hook} raised {describe(exc, typed=True)}")
                continue
            if result is None:
                items: tuple[object, ...] = ()
            elif isinstance(result, list | tuple):
                items = tuple(result)
            else:
                slot.fail(
                    f"hook {hook} returned {type(result).__name__}, expected a list of"
                    f" {expected.__name__}"
                )
                continue
            bad = [(i, x) for i, x in enumerate(items) if not isinstance(x, expected)]
            if bad:
                i, x = bad[0]
                slot.fail(
                    f"hook {hook} returned {type(x).__name__} at index {i}, expected"
                    f" {expected.__name__}"
                )
                continue
            slot.contributions[hook] = items
            out.extend((slot, x) for x in items)
        return out

    def _unique(
        self, what: str, items: list[tuple[_Slot, object]], key: Callable[[object], str]
    ) -> dict[str, tuple[_Slot, object]]:
        groups: dict[str, list[tuple[_Slot, object]]] = {}
        for slot, item in items:
            if slot.status == "active":
                groups.setdefault(key(item), []).append((slot, item))
        out: dict[str, tuple[_Slot, object]] = {}
        for name, group in sorted(groups.items()):
            if len(group) > 1:
                providers = tuple(sorted(s.label() for s, _ in group))
                self._conflicts.append(Conflict(what=what, name=name, providers=providers))
            else:
                out[name] = group[0]
        return out

    def _resolve_kinds(self, items: list[tuple[_Slot, object]]) -> None:
        by_name: dict[str, list[tuple[_Slot, RecordKind]]] = {}
        for slot, item in items:
            if slot.status == "active" and isinstance(item, RecordKind):
                by_name.setdefault(item.name, []).append((slot, item))
        for name, group in sorted(by_name.items()):
            top = max(k.version for _, k in group)
            best = [(s, k) for s, k in group if k.version == top]
            if len(best) > 1:
                providers = tuple(sorted(s.label() for s, _ in best))
                self._conflicts.append(
                    Conflict(what="record_kind", name=f"{name} v{top}", providers=providers)
                )
                continue
            self._kinds[name] = best[0][1]
            self._providers[f"kind:{name}"] = best[0][0].name

    def _resolve_settings(self, items: list[tuple[_Slot, object]]) -> None:
        for name, (slot, item) in self._unique("setting", items, _name_of).items():
            assert isinstance(item, Setting)
            self._settings_decl[name] = item
            self._settings[name] = item.default
            self._providers[f"setting:{name}"] = slot.name
        for name, raw in sorted(self._overrides.items()):
            decl = self._settings_decl.get(name)
            if decl is None:
                close = difflib.get_close_matches(name, list(self._settings_decl), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                self._problems.append(f"unknown setting {name!r}{hint}")
                continue
            try:
                self._settings[name] = decl.coerce(raw)
            except (ValueError, ArithmeticError) as exc:
                self._problems.append(f"setting {name!r}: {exc}")

    def load(self) -> PluginManager:
        """Discover, import, register and collect every plugin (once; later calls are free)."""
        with self._lock:
            if self._loaded:
                return self
            self._discover()
            self._select()
            for slot in list(self._slots.values()):
                if slot.status == "active":
                    self._register(slot)
            kinds = self._collect("credit_ledger_record_kinds")
            self._resolve_settings(self._collect("credit_ledger_settings"))
            settings = MappingProxyType(dict(self._settings))
            rules = self._collect("credit_ledger_rules", settings=settings)
            derived = self._collect("credit_ledger_derived_columns", settings=settings)
            summaries = self._collect("credit_ledger_summaries", settings=settings)
            formats = self._collect("credit_ledger_source_formats")
            reporters = self._collect("credit_ledger_reporters")
            commands = self._collect("credit_ledger_commands")
            for slot in self._slots.values():
                # A plugin that failed any hook contributes nothing: no half-loaded plugins.
                if slot.status == "failed" and self._pm.is_registered(slot.obj):
                    self._pm.unregister(slot.obj)
            self._resolve_kinds(kinds)
            for name, (slot, item) in self._unique("rule", rules, _id_of).items():
                assert isinstance(item, Rule)
                self._rules[name] = item
                self._providers[name] = slot.name
            for name, (slot, item) in self._unique("derived_column", derived, _derived_key).items():
                assert isinstance(item, DerivedColumn)
                self._derived[name] = item
                self._providers[name] = slot.name
            for name, (slot, item) in self._unique("summary", summaries, _name_of).items():
                assert isinstance(item, Summary)
                self._summaries[name] = item
                self._providers[name] = slot.name
            for name, (slot, item) in self._unique("source_format", formats, _name_of).items():
                assert isinstance(item, SourceFormat)
                self._formats[name] = replace(item, plugin=slot.name)
            for name, (_, item) in self._unique("reporter", reporters, _name_of).items():
                assert isinstance(item, Reporter)
                self._reporters[name] = item
            for name, (_, item) in self._unique("command", commands, _name_of).items():
                assert isinstance(item, Command)
                self._commands[name] = item
            self._loaded = True
            return self

    # -- queries -------------------------------------------------------------------------------

    def plugins(self) -> tuple[PluginInfo, ...]:
        """Every plugin found (active, failed, denied or not allowed), sorted by name."""
        self.load()
        return tuple(s.info() for _, s in sorted(self._slots.items()))

    def plugin(self, name: str) -> PluginInfo:
        """The plugin called ``name``.

        Raises:
            ConfigError: no such plugin.
        """
        self.load()
        try:
            return self._slots[name].info()
        except KeyError:
            raise ConfigError(f"no plugin named {name!r}") from None

    def failed(self) -> tuple[PluginInfo, ...]:
        """Plugins that failed to load or to contribute."""
        return tuple(p for p in self.plugins() if p.status == "failed")

    def record_kinds(self) -> KindRegistry:
        """Record kinds by name (the highest version of each name)."""
        self.load()
        unavailable = {
            c.name.split(" ")[0]: c.message for c in self._conflicts if c.what == "record_kind"
        }
        return KindRegistry(self._kinds, unavailable=unavailable)

    def kind(self, name: str | RecordKind) -> RecordKind:
        """The record kind ``name`` (a :class:`RecordKind` is returned as is).

        Raises:
            UnknownKindError: nobody declares it (or two plugins declare it at one version).
        """
        return self.record_kinds().kind(name)

    def rules(self, *, kind: str | None = None, plugin: str | None = None) -> tuple[Rule, ...]:
        """Rules sorted by id, optionally of one kind or from one plugin."""
        self.load()
        return tuple(
            r
            for rid, r in sorted(self._rules.items())
            if (kind is None or r.kind == kind)
            and (plugin is None or self._providers.get(rid) == plugin)
        )

    def rule(self, rule_id: str) -> Rule:
        """The rule ``rule_id``.

        Raises:
            ConfigError: no such rule (the message lists close ids), or a conflicting id.
        """
        self.load()
        if rule_id in self._rules:
            return self._rules[rule_id]
        for c in self._conflicts:
            if c.what == "rule" and c.name == rule_id:
                raise ConfigError(c.message)
        close = difflib.get_close_matches(rule_id, list(self._rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ConfigError(f"unknown rule {rule_id!r}{hint}")

    def provider(self, name: str) -> str | None:
        """The plugin contributing a rule id, summary name or ``kind:column`` derived column."""
        self.load()
        return self._providers.get(name)

    def derived_columns(self, *, kind: str | None = None) -> tuple[DerivedColumn, ...]:
        """Derived columns, optionally of one kind."""
        self.load()
        return tuple(d for _, d in sorted(self._derived.items()) if kind is None or d.kind == kind)

    def summaries(self) -> tuple[Summary, ...]:
        """Summary tables."""
        self.load()
        return tuple(s for _, s in sorted(self._summaries.items()))

    def source_formats(self) -> tuple[SourceFormat, ...]:
        """Contributed source formats."""
        self.load()
        return tuple(f for _, f in sorted(self._formats.items()))

    def reporters(self) -> tuple[Reporter, ...]:
        """Contributed reporters."""
        self.load()
        return tuple(r for _, r in sorted(self._reporters.items()))

    def commands(self) -> tuple[Command, ...]:
        """Contributed command-line sub-commands, by name."""
        self.load()
        return tuple(c for _, c in sorted(self._commands.items()))

    def setting_declarations(self) -> tuple[Setting, ...]:
        """Declared settings (with their defaults)."""
        self.load()
        return tuple(s for _, s in sorted(self._settings_decl.items()))

    def settings(self) -> Mapping[str, SettingValue]:
        """Resolved settings: declared defaults overridden by the job config."""
        self.load()
        return MappingProxyType(dict(self._settings))

    def conflicts(self) -> tuple[Conflict, ...]:
        """Duplicate contributions (each names every provider)."""
        self.load()
        return tuple(self._conflicts)

    def problems(self) -> tuple[str, ...]:
        """Configuration problems: required plugins missing or failed, unknown allowlist
        names, unknown or invalid settings. :meth:`ensure_ready` raises them."""
        self.load()
        out = list(self._problems)
        installed = ", ".join(sorted(self._slots)) or "none"
        for name in sorted(self.selection.required):
            slot = self._slots.get(name)
            if slot is None:
                out.append(f"required plugin {name!r} is not installed (installed: {installed})")
            elif slot.status == "denied":
                out.append(f"required plugin {name!r} is on the denylist")
            elif slot.status == "failed":
                out.append(f"required plugin {slot.label()} failed: {slot.error}")
        return tuple(out)

    def ensure_ready(self) -> None:
        """Raise if this run must not start.

        Raises:
            ConfigError: see :meth:`problems` (exit code 2).
            PluginError: in strict mode, a plugin failed or contributions conflict (exit 3).
        """
        problems = self.problems()
        if problems:
            raise ConfigError("; ".join(problems))
        if self.selection.strict:
            failures = [f"plugin {p.name}: {p.error}" for p in self.failed()]
            failures += [c.message for c in self._conflicts]
            if failures:
                raise PluginError("strict plugin mode: " + "; ".join(failures))

    def ruleset(self, settings: Mapping[str, SettingValue] | None = None) -> RuleSet:
        """Everything the engine evaluates, with the failures it must report; ``settings``
        are laid over the resolved ones, each coerced to its declared type.

        Raises:
            ConfigError: a setting is not declared (naming the closest declared one) or its
                value does not fit the declared type.
        """
        self.load()
        return RuleSet(
            rules=self.rules(),
            derived=self.derived_columns(),
            summaries=self.summaries(),
            settings=MappingProxyType(self._settings | self._coerce(settings or {})),
            providers=MappingProxyType(dict(self._providers)),
            kinds=self.record_kinds(),
            conflicts=tuple(self._conflicts),
            failed_plugins=self.failed(),
            plugins=tuple(sorted(n for n, s in self._slots.items() if s.status == "active")),
            notifier=_Notifier(self),
        )

    def _coerce(self, settings: Mapping[str, SettingValue]) -> dict[str, SettingValue]:
        declared = self._settings_decl
        out: dict[str, SettingValue] = {}
        for name, value in settings.items():
            decl = declared.get(name)
            if decl is None:
                if not declared:  # nothing declared: rules given settings take them as they are
                    out[name] = value
                    continue
                close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.0)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ConfigError(f"unknown setting {name!r}{hint}")
            try:
                out[name] = decl.coerce(value)
            except (ValueError, ArithmeticError) as exc:
                raise ConfigError(f"setting {name!r}: {exc}") from None
        return out

    @property
    def pluggy(self) -> pluggy.PluginManager:
        """The underlying ``pluggy.PluginManager`` (loaded)."""
        self.load()
        return self._pm

    # -- notifications -------------------------------------------------------------------------

    def listens(self, hook: str) -> bool:
        """Whether any active plugin implements notification ``hook``."""
        self.load()
        return bool(getattr(self._pm.hook, hook).get_hookimpls())

    def notify(self, hook: str, **kwargs: object) -> list[str]:
        """Call a notification hook on every active plugin; return their errors (never raise)."""
        if hook not in hookspecs.NOTIFICATION_HOOKS:
            raise ValueError(f"{hook!r} is not a notification hook")
        self.load()
        errors: list[str] = []
        for impl in getattr(self._pm.hook, hook).get_hookimpls():
            try:
                impl.function(*[kwargs[a] for a in impl.argnames])
            except Exception as exc:
                why = describe(exc, typed=True)
                errors.append(f"plugin {impl.plugin_name}: {hook} raised {why}")
        return errors


class _Notifier:
    def __init__(self, manager: PluginManager) -> None:
        self._m = manager

    def run_started(self, run: RunInfo) -> list[str]:
        return self._m.notify("credit_ledger_run_started", run=run)

    def rule_error(self, run: RunInfo, rule_id: str, plugin: str | None, error: str) -> list[str]:
        return self._m.notify(
            "credit_ledger_rule_error", run=run, rule_id=rule_id, plugin=plugin, error=error
        )

    def run_finished(self, run: RunInfo, report: Callable[[], RunReport]) -> list[str]:
        if not self._m.listens("credit_ledger_run_finished"):
            return []  # building the report costs a pass over the findings
        return self._m.notify("credit_ledger_run_finished", run=run, report=report())


def _identity(obj: object) -> object:
    return obj


def _plugin_name(obj: object) -> str:
    name = getattr(obj, "__name__", None)
    return name if isinstance(name, str) else type(obj).__name__


def _name_of(item: object) -> str:
    name = getattr(item, "name", None)
    assert isinstance(name, str)
    return name


def _id_of(item: object) -> str:
    assert isinstance(item, Rule)
    return item.id


def _derived_key(item: object) -> str:
    assert isinstance(item, DerivedColumn)
    return f"{item.kind}:{item.name}"


# -- the active manager --------------------------------------------------------------------------

_ACTIVE: contextvars.ContextVar[PluginManager | None] = contextvars.ContextVar(
    "credit_ledger_plugin_manager", default=None
)
_DEFAULT: list[PluginManager] = []
_DEFAULT_LOCK = threading.Lock()


def active_manager() -> PluginManager:
    """The plugin manager in use: the one :func:`activate` set, else a default one (entry points
    plus built-ins, selection from the environment), created on first use."""
    pm = _ACTIVE.get()
    if pm is not None:
        return pm
    with _DEFAULT_LOCK:
        if not _DEFAULT:
            _DEFAULT.append(PluginManager())
        return _DEFAULT[0]


@contextlib.contextmanager
def activate(manager: PluginManager) -> Iterator[PluginManager]:
    """Use ``manager`` (for record kinds, rules, ...) inside the ``with`` block.

    Example:
        >>> with activate(PluginManager(entry_points=False)) as pm:
        ...     "admin_penalty" in pm.record_kinds()
        True
    """
    token = _ACTIVE.set(manager)
    try:
        yield manager
    finally:
        _ACTIVE.reset(token)


def reset_default() -> None:
    """Forget the default manager (it is rebuilt on next use, e.g. after installing a plugin)."""
    with _DEFAULT_LOCK:
        _DEFAULT.clear()


def get_kind(kind: str | RecordKind) -> RecordKind:
    """The declaration of ``kind`` (a name, or a :class:`RecordKind` returned as is), from the
    active plugin manager: the built-in kinds and every installed plugin's.

    Raises:
        UnknownKindError: no such kind; the message lists the closest known names.
    """
    return active_manager().kind(kind)


def record_kinds() -> tuple[str, ...]:
    """Names of every record kind known to this installation (the active plugin manager), sorted.

    Example:
        >>> "dishonest_debtor" in record_kinds()
        True
    """
    return tuple(sorted(active_manager().record_kinds()))
