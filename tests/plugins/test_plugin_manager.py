"""The plugin manager over real entry points: discovery, isolation, selection, conflicts."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from credit_ledger import evaluate
from credit_ledger.errors import ConfigError, PluginError, UnknownKindError
from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger.plugins import (
    PluginConfig,
    PluginManager,
    PluginSelection,
    Setting,
    activate,
    hookimpl,
)
from credit_ledger.plugins._selection import ENV_ALLOW, ENV_DENY, ENV_REQUIRED
from credit_ledger.rules import Rule
from credit_ledger.testing import make_frame
from tests.plugins.conftest import HEADER, MakeDist, rule_module

AS_OF = dt.date(2025, 6, 30)
FINE_RULE = (
    'Rule(id="acme.fine_not_negative", title="fine >= 0", kind="admin_penalty",'
    ' check=pl.col("fine_yuan") >= 0)'
)


def _manager(**kw: object) -> PluginManager:
    kw.setdefault("selection", PluginSelection())
    return PluginManager(**kw)  # type: ignore[arg-type]


def test_builtin_kinds_come_through_the_hook() -> None:
    pm = _manager(entry_points=False)
    assert set(pm.record_kinds()) == {k.name for k in BUILTIN_KINDS}
    info = pm.plugin("builtin.kinds")
    assert info.status == "active"
    assert info.origin == "builtin"
    assert info.hooks == ("credit_ledger_record_kinds",)


def test_entry_point_plugin_is_discovered(make_dist: MakeDist) -> None:
    make_dist(
        "acme-rules",
        "1.2.0",
        entry_points={"acme": "acme_rules"},
        modules={"acme_rules": rule_module(FINE_RULE)},
    )
    pm = _manager()
    info = pm.plugin("acme")
    assert (info.status, info.distribution, info.version, info.rules) == (
        "active",
        "acme-rules",
        "1.2.0",
        1,
    )
    assert info.origin == "entry_point"
    assert [r.id for r in pm.rules(plugin="acme")] == ["acme.fine_not_negative"]
    assert pm.provider("acme.fine_not_negative") == "acme"


def test_plugins_are_not_imported_at_import_time(make_dist: MakeDist, tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    make_dist(
        "lazy-dist",
        entry_points={"lazy": "lazy_plugin"},
        modules={
            "lazy_plugin": HEADER
            + f"open({str(marker)!r}, 'w').write('x')\n"
            + "@hookimpl\ndef credit_ledger_rules():\n    return []\n"
        },
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(src)]),
    }
    code = (
        "import os, sys\n"
        "import credit_ledger, credit_ledger.rules, credit_ledger.plugins, credit_ledger.kinds\n"
        f"assert not os.path.exists({str(marker)!r}), 'importing credit_ledger loaded a plugin'\n"
        "credit_ledger.record_kinds()\n"
        f"assert os.path.exists({str(marker)!r}), 'first use did not load the plugin'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


# -- bad input: each is recorded against the plugin, and the other plugins still run -----------


def _good_and(make_dist: MakeDist, name: str, source: str) -> PluginManager:
    make_dist(
        "good-dist",
        entry_points={"good": "good_plugin"},
        modules={
            "good_plugin": rule_module(
                'Rule(id="good.fine_set", title="fine given", kind="admin_penalty",'
                ' check=pl.col("fine_yuan").is_not_null(), null_passes=False)'
            )
        },
    )
    make_dist(
        "bad-dist",
        "0.3.1",
        entry_points={name: f"{name}_plugin"},
        modules={f"{name}_plugin": source},
    )
    # The allowlist keeps other installed plugins (e.g. the example plugin) out of the counts.
    return _manager(selection=PluginSelection.parse(allow=["good", name]))


def test_plugin_failing_to_import(make_dist: MakeDist) -> None:
    pm = _good_and(make_dist, "broken", "import not_a_module_anywhere\n")
    info = pm.plugin("broken")
    assert info.status == "failed"
    assert info.distribution == "bad-dist"
    assert info.version == "0.3.1"
    assert "import of broken_plugin failed: ModuleNotFoundError" in (info.error or "")
    assert pm.plugin("good").status == "active"
    assert [r.id for r in pm.rules()] == ["good.fine_set"]


def test_hookimpl_raising(make_dist: MakeDist) -> None:
    source = HEADER + "@hookimpl\ndef credit_ledger_rules():\n    raise ValueError('boom')\n"
    pm = _good_and(make_dist, "raiser", source)
    info = pm.plugin("raiser")
    assert info.status == "failed"
    assert info.error == "hook credit_ledger_rules raised ValueError: boom"
    assert [r.id for r in pm.rules()] == ["good.fine_set"]


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        ("{'id': 'x'}", "returned dict, expected a list of Rule"),
        ("['not a rule']", "returned str at index 0, expected Rule"),
        (
            "Rule(id='wrong.single', title='t', kind='admin_penalty', check=pl.lit(True))",
            "returned Rule, expected a list of Rule",
        ),
    ],
)
def test_hook_returning_the_wrong_type(make_dist: MakeDist, returned: str, message: str) -> None:
    source = HEADER + f"@hookimpl\ndef credit_ledger_rules():\n    return {returned}\n"
    pm = _good_and(make_dist, "wrongtype", source)
    info = pm.plugin("wrongtype")
    assert info.status == "failed"
    assert message in (info.error or "")
    assert [r.id for r in pm.rules()] == ["good.fine_set"]


def test_failed_plugin_contributes_nothing(make_dist: MakeDist) -> None:
    # Its kinds hook worked, its rules hook raised: no half-loaded plugin.
    source = (
        HEADER
        + "from credit_ledger.kinds import RecordKind, Field\n"
        + "@hookimpl\ndef credit_ledger_record_kinds():\n"
        + "    return [RecordKind(name='half_kind', version=1, title='t',"
        + " fields=(Field(name='x'),))]\n"
        + "@hookimpl\ndef credit_ledger_rules():\n    raise RuntimeError('late')\n"
    )
    pm = _good_and(make_dist, "half", source)
    assert pm.plugin("half").status == "failed"
    assert "half_kind" not in pm.record_kinds()


def test_unknown_hook_and_undecorated_functions(make_dist: MakeDist) -> None:
    typo = HEADER + "@hookimpl\ndef credit_ledger_rulez():\n    return []\n"
    bare = HEADER + "def credit_ledger_rules():\n    return []\n"
    make_dist("t-dist", entry_points={"typo": "typo_plugin"}, modules={"typo_plugin": typo})
    make_dist("b-dist", entry_points={"bare": "bare_plugin"}, modules={"bare_plugin": bare})
    pm = _manager()
    assert pm.plugin("typo").error == "implements unknown hook(s): credit_ledger_rulez"
    assert "decorated with credit_ledger.hookimpl" in (pm.plugin("bare").error or "")


def test_a_rule_with_a_bad_id_fails_its_plugin(make_dist: MakeDist) -> None:
    pm = _good_and(
        make_dist,
        "badid",
        rule_module('Rule(id="NoNamespace", title="t", kind="admin_penalty", check=pl.lit(True))'),
    )
    info = pm.plugin("badid")
    assert info.status == "failed"
    assert "must be lower-case and namespaced" in (info.error or "")


def test_duplicate_rule_ids_name_every_provider(make_dist: MakeDist) -> None:
    dup = 'Rule(id="shared.same_id", title="t", kind="admin_penalty", check=pl.lit(True))'
    make_dist(
        "one-dist",
        "1.0",
        entry_points={"one": "one_plugin"},
        modules={"one_plugin": rule_module(dup)},
    )
    make_dist(
        "two-dist",
        "2.0",
        entry_points={"two": "two_plugin"},
        modules={"two_plugin": rule_module(dup, FINE_RULE)},
    )
    pm = _manager(selection=PluginSelection.parse(allow=["one", "two"]))
    (conflict,) = pm.conflicts()
    assert conflict.message == (
        "duplicate rule 'shared.same_id' provided by one (one-dist 1.0), two (two-dist 2.0)"
    )
    assert [r.id for r in pm.rules()] == ["acme.fine_not_negative"]
    with pytest.raises(ConfigError, match=r"one \(one-dist 1\.0\), two \(two-dist 2\.0\)"):
        pm.rule("shared.same_id")
    frame = make_frame("admin_penalty", [{"fine_yuan": 1}])
    result = evaluate(frame, kind="admin_penalty", as_of=AS_OF, plugins=pm)
    assert result.status() == "error"
    row = result.outcomes.filter(pl.col("rule_id") == "shared.same_id").row(0, named=True)
    assert row["status"] == "error"
    assert "one (one-dist 1.0), two (two-dist 2.0)" in row["error"]
    # the other rule of the second plugin is still evaluated
    assert "acme.fine_not_negative" in result.outcomes["rule_id"].to_list()
    strict = PluginSelection.parse(allow=["one", "two"], strict=True)
    with pytest.raises(PluginError, match=r"duplicate rule 'shared\.same_id'"):
        _manager(selection=strict).ensure_ready()


def test_same_plugin_name_from_two_distributions(make_dist: MakeDist) -> None:
    make_dist("a-dist", entry_points={"twin": "twin_a"}, modules={"twin_a": rule_module()})
    make_dist("b-dist", entry_points={"twin": "twin_b"}, modules={"twin_b": rule_module()})
    pm = _manager()
    failed = [p for p in pm.plugins() if p.name.startswith("twin")]
    assert len(failed) == 2
    assert all(p.status == "failed" for p in failed)
    assert all("a-dist" in (p.error or "") and "b-dist" in (p.error or "") for p in failed)


# -- selection: allow, deny, required, strict ------------------------------------------------------


def test_required_plugin_not_installed() -> None:
    pm = _manager(entry_points=False, selection=PluginSelection.parse(required="ghost"))
    with pytest.raises(ConfigError, match="required plugin 'ghost' is not installed") as exc:
        pm.ensure_ready()
    assert exc.value.exit_code == 2


def test_required_plugin_failed(make_dist: MakeDist) -> None:
    make_dist(
        "x-dist",
        entry_points={"flaky": "flaky_plugin"},
        modules={"flaky_plugin": "raise RuntimeError('no config')\n"},
    )
    pm = _manager(selection=PluginSelection.parse(required="flaky"))
    with pytest.raises(ConfigError, match=r"required plugin flaky .* failed: import of flaky"):
        pm.ensure_ready()


def test_unknown_name_in_allowlist(make_dist: MakeDist) -> None:
    make_dist(
        "acme-rules",
        entry_points={"acme": "acme_rules"},
        modules={"acme_rules": rule_module(FINE_RULE)},
    )
    pm = _manager(selection=PluginSelection.parse(allow="acmee"))
    with pytest.raises(
        ConfigError, match="allowlisted plugin 'acmee' is not installed; did you mean acme"
    ):
        pm.ensure_ready()
    assert pm.plugin("acme").status == "not_allowed"


def test_deny_never_imports(make_dist: MakeDist, tmp_path: Path) -> None:
    marker = tmp_path / "denied-imported"
    make_dist(
        "d-dist",
        entry_points={"denied": "denied_plugin"},
        modules={"denied_plugin": f"open({str(marker)!r}, 'w').write('x')\n"},
    )
    pm = _manager(selection=PluginSelection.parse(deny=["denied"]))
    assert pm.plugin("denied").status == "denied"
    assert not marker.exists()


def test_allowlist_keeps_builtins_and_named_plugins(make_dist: MakeDist) -> None:
    make_dist(
        "acme-rules",
        entry_points={"acme": "acme_rules"},
        modules={"acme_rules": rule_module(FINE_RULE)},
    )
    make_dist(
        "other-dist",
        entry_points={"other": "other_plugin"},
        modules={"other_plugin": rule_module()},
    )
    pm = _manager(selection=PluginSelection.parse(allow=["acme"]))
    pm.ensure_ready()
    assert pm.plugin("acme").status == "active"
    assert pm.plugin("other").status == "not_allowed"
    assert pm.plugin("builtin.kinds").status == "active"


def test_selection_from_env_cli_and_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_ALLOW, "a, b")
    monkeypatch.setenv(ENV_DENY, "c")
    monkeypatch.setenv(ENV_REQUIRED, "a")
    env = PluginSelection.from_env()
    assert env == PluginSelection(
        allow=frozenset({"a", "b"}), deny=frozenset({"c"}), required=frozenset({"a"})
    )
    config = PluginConfig.from_mapping({"allow": ["z"], "deny": ["d"], "required": ["r"]})
    cli = PluginSelection.parse(deny=["e,f"])
    merged = cli.over(env).over(config.selection)
    assert merged.allow == frozenset({"a", "b"})  # the highest layer that sets one
    assert merged.deny == frozenset({"c", "d", "e", "f"})
    assert merged.required == frozenset({"a", "r"})
    with pytest.raises(ConfigError, match="unknown key"):
        PluginConfig.from_mapping({"alow": ["x"]})


def test_strict_mode_stops_on_a_failed_plugin(make_dist: MakeDist) -> None:
    make_dist(
        "x-dist",
        entry_points={"broken": "broken_plugin"},
        modules={"broken_plugin": "import nope_nope\n"},
    )
    pm = _manager(selection=PluginSelection(strict=True))
    with pytest.raises(PluginError, match="plugin broken: import of broken_plugin failed"):
        pm.ensure_ready()


# -- one plugin raising does not stop another's findings -----------------------------------------


class _Raises:
    @hookimpl
    def credit_ledger_rules(self) -> list[Rule]:
        raise RuntimeError("database unreachable")


class _Good:
    @hookimpl
    def credit_ledger_rules(self) -> list[Rule]:
        return [
            Rule(
                id="good.fine_positive",
                title="fine > 0",
                kind="admin_penalty",
                check=pl.col("fine_yuan") > 0,
            )
        ]


def test_one_plugin_raises_another_still_finds(make_dist: MakeDist) -> None:
    # One failing plugin installed through an entry point, one good one passed explicitly.
    make_dist(
        "bad-dist",
        "0.1",
        entry_points={"bad": "bad_plugin"},
        modules={
            "bad_plugin": HEADER
            + "@hookimpl\ndef credit_ledger_rules():\n    raise KeyError('x')\n"
        },
    )
    pm = PluginManager(
        [("raises", _Raises()), ("good", _Good())], selection=PluginSelection.parse(allow=["bad"])
    )
    frame = make_frame(
        "admin_penalty",
        [{"fine_yuan": 5, "record_id": "ok"}, {"fine_yuan": 0, "record_id": "zero"}],
    )
    result = evaluate(frame, kind="admin_penalty", as_of=AS_OF, plugins=pm)
    assert result.findings["record_id"].to_list() == ["zero"]
    assert result.findings["rule_id"].to_list() == ["good.fine_positive"]
    failures = {e.name: e.message for e in result.errors if e.what == "plugin"}
    assert failures == {
        "bad": "hook credit_ledger_rules raised KeyError: 'x'",
        "raises": "hook credit_ledger_rules raised RuntimeError: database unreachable",
    }
    assert result.status() == "error"


# -- record kinds, settings, notifications -------------------------------------------------------


def test_kind_replaced_by_a_higher_version_and_conflict_at_same_version() -> None:
    base = next(k for k in BUILTIN_KINDS if k.name == "admin_penalty")

    class V2:
        @hookimpl
        def credit_ledger_record_kinds(self) -> list[object]:
            return [replace(base, version=2, title="v2")]

    class Same:
        @hookimpl
        def credit_ledger_record_kinds(self) -> list[object]:
            return [replace(base, title="same version")]

    pm = _manager(plugins=[("v2", V2())], entry_points=False)
    assert pm.kind("admin_penalty").title == "v2"
    pm = _manager(plugins=[("same", Same())], entry_points=False)
    with pytest.raises(UnknownKindError, match=r"admin_penalty v1.* builtin\.kinds.*same"):
        pm.kind("admin_penalty")
    with activate(pm), pytest.raises(UnknownKindError):
        make_frame("admin_penalty", [])


def test_settings_defaults_overrides_and_errors() -> None:
    class S:
        @hookimpl
        def credit_ledger_settings(self) -> list[Setting]:
            return [Setting(name="s.cap", default=Decimal("10")), Setting(name="s.n", default=3)]

        @hookimpl
        def credit_ledger_rules(self, settings: dict[str, object]) -> list[Rule]:
            self.seen = dict(settings)
            return []

    s = S()
    pm = _manager(plugins=[("s", s)], entry_points=False, settings={"s.cap": "12.5"})
    assert pm.settings() == {"s.cap": Decimal("12.5"), "s.n": 3}
    assert s.seen == {"s.cap": Decimal("12.5"), "s.n": 3}
    pm.ensure_ready()
    bad = _manager(plugins=[("s", S())], entry_points=False, settings={"s.n": "x", "s.nn": 1})
    with pytest.raises(ConfigError) as exc:
        bad.ensure_ready()
    assert "setting 's.n': 'x' is not an integer" in str(exc.value)
    assert "unknown setting 's.nn'; did you mean s.n" in str(exc.value)


def test_notification_hooks_cannot_change_a_result() -> None:
    seen: list[str] = []

    class Listener:
        @hookimpl
        def credit_ledger_run_started(self, run: object) -> None:
            seen.append("started")

        @hookimpl
        def credit_ledger_rule_error(self, rule_id: str, error: str) -> None:
            seen.append(f"error {rule_id}: {error}")

        @hookimpl
        def credit_ledger_run_finished(self, report: object) -> None:
            seen.append(f"finished {getattr(report, 'status', '?')}")
            raise RuntimeError("listener bug")

    class Rules:
        @hookimpl
        def credit_ledger_rules(self) -> list[Rule]:
            return [
                Rule(id="r.ok", title="ok", kind="admin_penalty", check=pl.lit(True)),
                Rule(id="r.bad", title="bad", kind="admin_penalty", check=pl.col("nope") > 1),
            ]

    pm = _manager(plugins=[("listener", Listener()), ("rules", Rules())], entry_points=False)
    frame = make_frame("admin_penalty", [{"fine_yuan": 1}])
    result = evaluate(frame, kind="admin_penalty", as_of=AS_OF, plugins=pm)
    assert seen == ["started", "error r.bad: missing column(s): nope", "finished error"]
    assert result.status() == "error"
    assert "plugin listener: credit_ledger_run_finished raised RuntimeError: listener bug" in (
        result.notices
    )
    assert pm.plugin("listener").status == "active"


def test_a_plugin_found_twice_is_one_plugin(make_dist: MakeDist) -> None:
    make_dist(
        "acme-rules",
        entry_points={"acme": "acme_rules", "acme_alias": "acme_rules"},
        modules={"acme_rules": rule_module(FINE_RULE)},
    )
    pm = _manager(modules=["acme_rules"], selection=PluginSelection.parse(allow=["acme"]))
    names = [p.name for p in pm.plugins()]
    assert "acme" in names
    assert "acme_rules" not in names  # the explicit module is the installed plugin
    assert pm.failed() == ()
    assert [r.id for r in pm.rules()] == ["acme.fine_not_negative"]
