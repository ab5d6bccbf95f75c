"""Which plugins a run may load: allowlist, denylist, required list, strictness.

Sources, highest precedence first: command-line flags, environment variables, the job file's
``[plugins]`` table. The allowlist comes from the highest source that sets one; the denylist
and the required list are the union of every source (any layer can forbid or demand a plugin).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from credit_ledger.errors import ConfigError

__all__ = ["ENV_ALLOW", "ENV_DENY", "ENV_REQUIRED", "ENV_STRICT", "PluginConfig", "PluginSelection"]

ENV_ALLOW = "CREDIT_LEDGER_PLUGINS_ALLOW"
ENV_DENY = "CREDIT_LEDGER_PLUGINS_DENY"
ENV_REQUIRED = "CREDIT_LEDGER_PLUGINS_REQUIRED"
ENV_STRICT = "CREDIT_LEDGER_PLUGINS_STRICT"


def _names(value: Iterable[str] | str | None) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    out: set[str] = set()
    for item in items:
        out.update(p.strip() for p in str(item).split(",") if p.strip())
    return frozenset(out)


@dataclass(frozen=True, kw_only=True)
class PluginSelection:
    """Plugin allow/deny/required lists.

    Attributes:
        allow: if set, only these entry-point plugins load (built-in and explicitly passed
            plugins are not affected); naming a plugin that is not installed is a
            configuration error.
        deny: plugins never loaded (any origin).
        required: plugins that must be installed and load without error, else the run stops
            with a configuration error (exit 2). A required plugin is implicitly allowed.
        strict: stop before evaluating anything when any plugin failed or contributions
            conflict (default: record it, run the rest, and end with status ``error``).

    Example:
        >>> PluginSelection.parse(allow="a,b", deny=["c"]).allow
        frozenset({'a', 'b'})
    """

    allow: frozenset[str] | None = None
    deny: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    strict: bool = False

    @classmethod
    def parse(
        cls,
        *,
        allow: Iterable[str] | str | None = None,
        deny: Iterable[str] | str | None = None,
        required: Iterable[str] | str | None = None,
        strict: bool = False,
    ) -> PluginSelection:
        """Build from comma-separated strings or lists of names."""
        return cls(
            allow=None if allow is None else _names(allow),
            deny=_names(deny),
            required=_names(required),
            strict=strict,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PluginSelection:
        """From ``CREDIT_LEDGER_PLUGINS_ALLOW`` / ``_DENY`` / ``_REQUIRED`` (comma-separated
        names) and ``CREDIT_LEDGER_PLUGINS_STRICT`` (``1``/``true``)."""
        env = os.environ if environ is None else environ
        allow = env.get(ENV_ALLOW)
        return cls.parse(
            allow=allow if allow is not None and allow.strip() else None,
            deny=env.get(ENV_DENY),
            required=env.get(ENV_REQUIRED),
            strict=env.get(ENV_STRICT, "").strip().lower() in {"1", "true", "yes"},
        )

    def over(self, lower: PluginSelection) -> PluginSelection:
        """This selection layered over a lower-precedence one."""
        return PluginSelection(
            allow=self.allow if self.allow is not None else lower.allow,
            deny=self.deny | lower.deny,
            required=self.required | lower.required,
            strict=self.strict or lower.strict,
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "allow": None if self.allow is None else sorted(self.allow),
            "deny": sorted(self.deny),
            "required": sorted(self.required),
            "strict": self.strict,
        }


@dataclass(frozen=True, kw_only=True)
class PluginConfig:
    """The ``[plugins]`` table of a job file.

    Example (TOML)::

        [plugins]
        allow = ["example"]          # entry-point plugins that may load
        deny = ["noisy"]
        required = ["example"]       # fail the run (exit 2) when missing or broken
        strict = false
        modules = ["myorg.rules"]    # extra plugin modules to import and register

        [plugins.settings]
        "example.max_fine_yuan" = "2000000"
    """

    selection: PluginSelection = field(default_factory=PluginSelection)
    settings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    modules: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, table: Mapping[str, object]) -> PluginConfig:
        """Parse the ``[plugins]`` table.

        Raises:
            ConfigError: unknown keys or values of the wrong type.
        """
        known = {"allow", "deny", "required", "strict", "settings", "modules"}
        unknown = set(table) - known
        if unknown:
            raise ConfigError(f"[plugins]: unknown key(s) {', '.join(sorted(unknown))}")

        def names(key: str) -> list[str] | None:
            value = table.get(key)
            if value is None:
                return None
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"[plugins].{key} must be a list of plugin names")
            return list(value)

        strict = table.get("strict", False)
        if not isinstance(strict, bool):
            raise ConfigError("[plugins].strict must be true or false")
        settings = table.get("settings", {})
        if not isinstance(settings, Mapping):
            raise ConfigError("[plugins].settings must be a table of setting = value")
        return cls(
            selection=PluginSelection.parse(
                allow=names("allow"),
                deny=names("deny"),
                required=names("required"),
                strict=strict,
            ),
            settings=MappingProxyType({str(k): v for k, v in settings.items()}),
            modules=tuple(names("modules") or ()),
        )
