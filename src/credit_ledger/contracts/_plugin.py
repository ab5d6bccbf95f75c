"""Frozen objects exchanged through the hooks (besides rules, derived columns and summaries,
which live in :mod:`credit_ledger.rules`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import polars as pl

from credit_ledger.contracts._rule import NAMESPACED_ID, SettingValue

if TYPE_CHECKING:
    from credit_ledger.contracts._result import EvaluationResult

__all__ = [
    "CommittedRun",
    "Conflict",
    "PluginInfo",
    "PluginStatus",
    "Reporter",
    "Setting",
    "SourceFormat",
]

PluginStatus = Literal["active", "failed", "denied", "not_allowed"]
"""``active`` loaded and contributing; ``failed`` import, registration or a hook failed (see
``error``); ``denied`` on the denylist; ``not_allowed`` installed but not on the allowlist."""

PluginOrigin = Literal["builtin", "entry_point", "explicit"]


@dataclass(frozen=True, kw_only=True)
class Conflict:
    """Two or more contributions under one name (never resolved by load order).

    Attributes:
        what: ``rule``, ``record_kind``, ``derived_column``, ``setting``, ``summary``,
            ``source_format``, ``reporter`` or ``plugin``.
        name: the contested id or name.
        providers: every plugin contributing it (a plugin twice if it did so twice).
    """

    what: str
    name: str
    providers: tuple[str, ...]

    @property
    def message(self) -> str:
        """A one-line message naming every provider."""
        return f"duplicate {self.what.replace('_', ' ')} {self.name!r} provided by " + ", ".join(
            self.providers
        )


@dataclass(frozen=True, kw_only=True)
class PluginInfo:
    """What the host knows about one plugin, loaded or not.

    Attributes:
        name: the plugin's name (entry-point name, builtin name or the name it was given).
        distribution: the installed distribution providing it, if known.
        version: that distribution's version.
        origin: ``builtin``, ``entry_point`` or ``explicit`` (passed by the caller).
        status: see :data:`PluginStatus`.
        hooks: hooks the plugin implements.
        rules: number of rules it contributes.
        error: why it failed, naming the hook or the import.
        target: the entry point's target (``module:attr``) or module name.
    """

    name: str
    distribution: str | None
    version: str | None
    origin: PluginOrigin
    status: PluginStatus
    hooks: tuple[str, ...] = ()
    rules: int = 0
    error: str | None = None
    target: str | None = None

    def label(self) -> str:
        """``name (distribution version)`` for messages."""
        if self.distribution:
            return f"{self.name} ({self.distribution} {self.version or '?'})"
        return self.name

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "origin": self.origin,
            "status": self.status,
            "hooks": list(self.hooks),
            "rules": self.rules,
            "error": self.error,
            "target": self.target,
        }


_SETTING_TYPES = (bool, int, float, str, dt.date, Decimal, tuple)
_TYPE_NAMES: dict[type, str] = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    Decimal: "a decimal number (e.g. 0.0005)",
    dt.date: "a date (YYYY-MM-DD)",
    str: "text",
    tuple: "a comma-separated list",
}


@dataclass(frozen=True, kw_only=True)
class Setting:
    """A plugin setting: a namespaced name, a default and a description.

    The default's type is the setting's type; the job config may override the value
    (``[plugins.settings]`` table, or ``--set name=value`` on the command line) and the value
    is checked against that type. Rules read it as ``ctx.setting(name, type)``.

    Example:
        >>> Setting(name="example.max_fine_yuan", default=Decimal("2000000"),
        ...         description="fines above this are reported")
        Setting(name='example.max_fine_yuan', default=Decimal('2000000'), ...)
    """

    name: str
    default: SettingValue
    description: str = ""
    choices: tuple[SettingValue, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not NAMESPACED_ID.match(self.name):
            raise ValueError(f"setting name {self.name!r} must be namespaced, e.g. 'mypack.limit'")
        if not isinstance(self.default, _SETTING_TYPES) or isinstance(self.default, dt.datetime):
            raise TypeError(f"setting {self.name!r}: unsupported default {self.default!r}")
        if self.choices is not None and self.default not in self.choices:
            raise ValueError(f"setting {self.name!r}: default not among choices")

    def __repr__(self) -> str:
        return f"Setting(name={self.name!r}, default={self.default!r}, ...)"

    def coerce(self, value: object) -> SettingValue:
        """``value`` (from TOML or a ``--set`` string) as this setting's type.

        Raises:
            ValueError: the value does not fit.
        """
        try:
            out = _coerce(self.default, value)
        except (ValueError, ArithmeticError):
            # decimal's own message is "[<class 'decimal.ConversionSyntax'>]": name the type.
            expected = _TYPE_NAMES.get(type(self.default), type(self.default).__name__)
            raise ValueError(f"{value!r} is not {expected}") from None
        if self.choices is not None and out not in self.choices:
            raise ValueError(f"{out!r} is not one of {list(self.choices)}")
        return out


def _coerce(default: SettingValue, value: object) -> SettingValue:  # noqa: PLR0911, PLR0912
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "1", "0", "yes", "no"}:
            return value.lower() in {"true", "1", "yes"}
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            return int(value)
    elif isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            return float(value)
    elif isinstance(default, Decimal):
        if isinstance(value, int | str | Decimal) and not isinstance(value, bool):
            return Decimal(str(value).strip())
        if isinstance(value, float):
            return Decimal(repr(value))
    elif isinstance(default, dt.date):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            return dt.date.fromisoformat(value.strip())
    elif isinstance(default, str):
        if isinstance(value, str):
            return value
    elif isinstance(default, tuple):
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
    raise ValueError(f"{value!r} is not a valid {type(default).__name__}")


SourceReader = Callable[[Path, str | None], pl.LazyFrame | pl.DataFrame]


@dataclass(frozen=True, kw_only=True)
class SourceFormat:
    """A file format plugins can teach the reader: its extensions and a reader.

    ``read(path, encoding)`` returns the file's records as a ``LazyFrame`` or ``DataFrame``
    of columns named by the file's own headers (text, preferably: the validator parses);
    header mapping, 万元 conversion and ``_source``/``_row`` provenance are done by the host,
    as for a built-in format. :func:`credit_ledger.read`, ``credit-ledger validate`` and a
    job's file sources pick the format by a file's suffix (a built-in suffix first), or by
    name with ``format=`` (CLI ``--format``, job ``format = "..."``). What ``read`` raises is
    reported as one :class:`~credit_ledger.errors.PluginError` naming the plugin.

    Attributes:
        name: the format's name (``format=`` takes it); namespaced by the plugin.
        extensions: file suffixes it reads, with the dot.
        read: ``read(path, encoding) -> LazyFrame | DataFrame``.
        description: one line for people.
        plugin: the contributing plugin, set by the plugin manager.

    Example:
        >>> SourceFormat(name="example.psv", extensions=(".psv",),
        ...              read=lambda path, enc: pl.scan_csv(path, separator="|",
        ...                                                 infer_schema=False))
        SourceFormat(name='example.psv', extensions=('.psv',), ...)
    """

    name: str
    extensions: tuple[str, ...]
    read: SourceReader
    description: str = ""
    plugin: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "extensions", tuple(e.lower() for e in self.extensions))
        if not all(e.startswith(".") for e in self.extensions):
            raise ValueError(f"source format {self.name!r}: extensions start with '.'")
        if not callable(self.read):
            raise TypeError(f"source format {self.name!r}: read must be callable")

    def __repr__(self) -> str:
        return f"SourceFormat(name={self.name!r}, extensions={self.extensions!r}, ...)"


ReportWriter = Callable[["EvaluationResult", Path], None]


@dataclass(frozen=True, kw_only=True)
class CommittedRun:
    """What a reporter's ``after_commit`` receives: a run the ledger has just committed.

    Attributes:
        ledger: the ledger directory (read it with :class:`credit_ledger.ledger.Ledger`).
        run_id: the committed run.
        evaluation: the run's rule evaluation (summaries the ledger does not keep).
        references: legal references of every rule of the run, by rule id.
    """

    ledger: Path
    run_id: str
    evaluation: EvaluationResult
    references: Mapping[str, tuple[str, ...]]


CommittedWriter = Callable[[CommittedRun, Path], None]


@dataclass(frozen=True, kw_only=True)
class Reporter:
    """An output format for a run's results: ``write(result, path)`` before the ledger commit,
    or ``after_commit(run, path)`` once the run is committed (for outputs that read the ledger,
    such as the run report; they are published with the other outputs but, written after the
    manifest was committed, are not listed in it).

    Example:
        >>> Reporter(name="example.csv", suffix=".csv",
        ...          write=lambda result, path: result.findings.write_csv(path))
        Reporter(name='example.csv', suffix='.csv', ...)
    """

    name: str
    suffix: str
    write: ReportWriter | None = None
    after_commit: CommittedWriter | None = None
    description: str = ""

    def __post_init__(self) -> None:
        given = [f for f in (self.write, self.after_commit) if f is not None]
        if len(given) != 1 or not callable(given[0]):
            raise TypeError(f"reporter {self.name!r}: give one callable, write or after_commit")

    def __repr__(self) -> str:
        return f"Reporter(name={self.name!r}, suffix={self.suffix!r}, ...)"
