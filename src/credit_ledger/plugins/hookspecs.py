"""The hooks a credit_ledger plugin can implement.

A plugin is any module or object with functions named after these hooks and decorated with
:data:`credit_ledger.hookimpl`. It is found through the entry-point group ``credit_ledger``
(``[project.entry-points.credit_ledger] mypack = "mypack.plugin"`` in its ``pyproject.toml``)
or passed explicitly (``PluginManager(plugins=[module])``).

Contribution hooks return a sequence of frozen objects; the host checks every item's type and
calls each plugin separately, so a plugin that raises or returns something else is recorded as
failed (with its name, distribution and version) and the others still run. An implementation
may accept fewer arguments than the spec (``settings`` is optional everywhere), so specs can
gain arguments without breaking plugins.

Notification hooks (``run_started``, ``rule_error``, ``run_finished``) receive read-only
summaries; their return values are ignored and their exceptions are recorded, never raised:
they cannot change a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from credit_ledger.contracts import (
        Command,
        DerivedColumn,
        RecordKind,
        Reporter,
        Rule,
        RunInfo,
        RunReport,
        Setting,
        SettingValue,
        SourceFormat,
        Summary,
    )

__all__ = [
    "CONTRIBUTION_HOOKS",
    "NOTIFICATION_HOOKS",
    "PROJECT",
    "hookimpl",
    "hookspec",
]

PROJECT = "credit_ledger"
"""The pluggy project name; also the entry-point group."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def credit_ledger_record_kinds() -> Sequence[RecordKind]:
    """Contribute record kinds (schemas of input records).

    A kind with the name of an existing one replaces it only with a *higher* ``version``;
    two plugins declaring the same name and version are a conflict naming both.

    Example::

        @hookimpl
        def credit_ledger_record_kinds():
            return [RecordKind(name="parking_fine", version=1, title="停车罚款",
                               fields=(Field(name="record_id"), Field(name="plate"), ...))]
    """
    raise NotImplementedError


@hookspec
def credit_ledger_settings() -> Sequence[Setting]:
    """Declare settings with defaults; a job's config overrides them by name.

    Example::

        @hookimpl
        def credit_ledger_settings():
            return [Setting(name="mypack.max_fine_yuan", default=Decimal("2000000"),
                            description="fines above this are reported")]
    """
    raise NotImplementedError


@hookspec
def credit_ledger_rules(settings: Mapping[str, SettingValue]) -> Sequence[Rule]:
    """Contribute rules. ``settings`` holds every resolved setting (defaults + job config).

    Rule ids must be unique across all plugins: a duplicate is an error naming every provider.
    Read settings that change a rule's *expression* inside ``check`` via ``ctx.setting``;
    use ``settings`` here to decide *whether* to contribute a rule.

    Example::

        @hookimpl
        def credit_ledger_rules(settings):
            return [Rule(id="mypack.fine_cap", title="a fine is within the cap",
                         kind="admin_penalty", severity=Severity.WARNING,
                         check=lambda ctx: pl.col("fine_yuan")
                         <= ctx.setting("mypack.max_fine_yuan", Decimal))]
    """
    raise NotImplementedError


@hookspec
def credit_ledger_derived_columns(settings: Mapping[str, SettingValue]) -> Sequence[DerivedColumn]:
    """Contribute named columns computed per kind in the same pass as the rules.

    They may depend on ``ctx.as_of``, settings, other derived columns, and (scope ``entity``)
    on all records of a subject. They are written with ``check --derived OUT.parquet``.

    Example::

        @hookimpl
        def credit_ledger_derived_columns(settings):
            return [DerivedColumn(name="mypack_fines_total", kind="admin_penalty",
                                  scope=Scope.ENTITY, expr=pl.col("fine_yuan").sum())]
    """
    raise NotImplementedError


@hookspec
def credit_ledger_summaries(settings: Mapping[str, SettingValue]) -> Sequence[Summary]:
    """Contribute aggregate tables (e.g. a per-period ledger) computed after the rules.

    Example::

        @hookimpl
        def credit_ledger_summaries(settings):
            return [Summary(name="mypack.fines_per_authority", kinds=("admin_penalty",),
                            compute=lambda ctx, frames: frames["admin_penalty"]
                            .group_by("authority").agg(pl.col("fine_yuan").sum()).collect())]
    """
    raise NotImplementedError


@hookspec
def credit_ledger_source_formats() -> Sequence[SourceFormat]:
    """Contribute input formats (a reader per file extension, also chosen by name with
    ``format=``); see :class:`~credit_ledger.plugins.SourceFormat`.

    Example::

        @hookimpl
        def credit_ledger_source_formats():
            return [SourceFormat(name="mypack.psv", extensions=(".psv",),
                                 read=lambda path, encoding: pl.scan_csv(
                                     path, separator="|", infer_schema=False))]
    """
    raise NotImplementedError


@hookspec
def credit_ledger_reporters() -> Sequence[Reporter]:
    """Contribute output formats for a run's findings and outcomes.

    Example::

        @hookimpl
        def credit_ledger_reporters():
            return [Reporter(name="mypack.csv", suffix=".csv",
                             write=lambda result, path: result.findings.write_csv(path))]
    """
    raise NotImplementedError


@hookspec
def credit_ledger_commands() -> Sequence[Command]:
    """Contribute ``credit-ledger`` sub-commands; a denied plugin contributes none.

    Example::

        @hookimpl
        def credit_ledger_commands():
            return [Command(name="mypack-report", help="print my pack's table",
                            configure=lambda p: p.add_argument("--ledger", required=True),
                            run=lambda args, settings: print_table(args.ledger) or 0)]
    """
    raise NotImplementedError


@hookspec
def credit_ledger_run_started(run: RunInfo) -> None:
    """Notification: a rule run starts (kinds, rule ids, active plugins).

    Example::

        @hookimpl
        def credit_ledger_run_started(run):
            log.info("checking %s as of %s", run.kinds, run.as_of)
    """


@hookspec
def credit_ledger_rule_error(run: RunInfo, rule_id: str, plugin: str | None, error: str) -> None:
    """Notification: a rule could not be evaluated (the run's outcome will be an error).

    Example::

        @hookimpl
        def credit_ledger_rule_error(run, rule_id, plugin, error):
            alert(f"{rule_id} from {plugin} failed: {error}")
    """


@hookspec
def credit_ledger_run_finished(run: RunInfo, report: RunReport) -> None:
    """Notification: a rule run finished, with its status and counts.

    Example::

        @hookimpl
        def credit_ledger_run_finished(run, report):
            metrics.gauge("credit_ledger.findings", report.findings)
    """


CONTRIBUTION_HOOKS = (
    "credit_ledger_record_kinds",
    "credit_ledger_settings",
    "credit_ledger_rules",
    "credit_ledger_derived_columns",
    "credit_ledger_summaries",
    "credit_ledger_source_formats",
    "credit_ledger_reporters",
    "credit_ledger_commands",
)
"""Hooks that contribute objects, in the order the host calls them."""

NOTIFICATION_HOOKS = (
    "credit_ledger_run_started",
    "credit_ledger_rule_error",
    "credit_ledger_run_finished",
)
"""Hooks that are only told about a run."""
