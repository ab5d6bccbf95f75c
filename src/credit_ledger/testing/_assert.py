"""``assert_rule``: check a rule against records that must pass and records that must fail,
through the real engine (pre-flight, one pass, findings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from credit_ledger.kinds import RecordKind
from credit_ledger.plugins import PluginManager, get_kind
from credit_ledger.rules import (
    DerivedColumn,
    EvaluationResult,
    Rule,
    RuleSet,
    Scope,
    SettingValue,
    evaluate,
)
from credit_ledger.testing._frames import make_frame

__all__ = ["assert_rule"]

Record = Mapping[str, object]
Item = Record | Sequence[Record]


def _group(item: Item) -> list[Record]:
    if isinstance(item, Mapping):
        return [item]
    return list(item)


def _ruleset(
    rule: Rule,
    kind: RecordKind,
    settings: Mapping[str, SettingValue] | None,
    plugins: PluginManager | None,
    derived: Iterable[DerivedColumn],
) -> RuleSet:
    merged: dict[str, SettingValue] = {}
    extra = list(derived)
    if plugins is not None:
        merged.update(plugins.settings())
        extra = [*plugins.derived_columns(kind=kind.name), *extra]
    merged.update(settings or {})
    return RuleSet.of([rule], derived=extra, settings=merged)


def _describe(label: str, i: int, item: Item) -> str:
    return f"  {label}[{i}]: {dict(item) if isinstance(item, Mapping) else list(item)}"


def _errors(rule: Rule, result: EvaluationResult) -> None:
    if result.errors:
        lines = "\n".join(f"  {e.what} {e.name}: {e.message}" for e in result.errors)
        raise AssertionError(f"rule {rule.id} could not be evaluated:\n{lines}")


def assert_rule(
    rule: Rule,
    *,
    passing: Sequence[Item] = (),
    failing: Sequence[Item] = (),
    as_of: dt.date,
    kind: str | RecordKind | None = None,
    settings: Mapping[str, SettingValue] | None = None,
    plugins: PluginManager | None = None,
    derived: Iterable[DerivedColumn] = (),
) -> None:
    """Assert that ``rule`` passes every record of ``passing`` and fails every one of
    ``failing``, evaluated together in one frame by the real engine.

    Records are plain dicts of canonical columns (missing columns are null; dates may be ISO
    strings). For an ``entity`` rule each item is one entity: a record or a list of records
    (the entity key is filled in when absent); for a ``dataset`` rule each item is a list of
    records evaluated on its own.

    Args:
        rule: the rule under test.
        passing: items that must pass.
        failing: items that must fail.
        as_of: the run date the rule sees.
        kind: the record kind (default: ``rule.kind`` from the active plugin manager).
        settings: setting values (over the defaults of ``plugins``, if given).
        plugins: a plugin manager whose settings and derived columns are used.
        derived: further derived columns the rule relies on.

    Raises:
        AssertionError: listing every item with the wrong verdict, or the rule's error.

    Example:
        >>> import polars as pl
        >>> rule = Rule(id="t.fine_set", title="fine given", kind="admin_penalty",
        ...             check=pl.col("fine_yuan").is_not_null(), null_passes=False)
        >>> assert_rule(rule, passing=[{"fine_yuan": 10}], failing=[{}],
        ...             as_of=dt.date(2025, 1, 1))
    """
    if not passing and not failing:
        raise ValueError("assert_rule needs at least one passing or failing item")
    if plugins is not None and kind is None:
        k = plugins.kind(rule.kind)
    else:
        k = get_kind(kind if kind is not None else rule.kind)
    rules = _ruleset(rule, k, settings, plugins, derived)
    verdicts = (_dataset_verdicts if rule.scope is Scope.DATASET else _grouped_verdicts)(
        rule, k, rules, as_of, {"passing": passing, "failing": failing}
    )
    wrong = []
    for label, items in (("passing", passing), ("failing", failing)):
        for i, item in enumerate(items):
            failed = verdicts.get((label, i), False)
            if failed != (label == "failing"):
                wrong.append(_describe(label, i, item) + (" failed" if failed else " passed"))
    if wrong:
        raise AssertionError(f"rule {rule.id} ({rule.title}) as of {as_of}:\n" + "\n".join(wrong))


Verdicts = dict[tuple[str, int], bool]  # (label, item index) -> the item failed


def _dataset_verdicts(
    rule: Rule, k: RecordKind, rules: RuleSet, as_of: dt.date, groups: dict[str, Sequence[Item]]
) -> Verdicts:
    out: Verdicts = {}
    for label, items in groups.items():
        for i, item in enumerate(items):
            result = evaluate(make_frame(k, _group(item)), kind=k, as_of=as_of, rules=rules)
            _errors(rule, result)
            out[(label, i)] = result.findings.height > 0
    return out


def _grouped_verdicts(
    rule: Rule, k: RecordKind, rules: RuleSet, as_of: dt.date, groups: dict[str, Sequence[Item]]
) -> Verdicts:
    # Every item in one frame: one pass, as in a real run.
    records: list[Record] = []
    owner: list[tuple[str, int]] = []  # per row: the item it belongs to
    key = rule.key_for(k)
    for label, items in groups.items():
        for i, item in enumerate(items):
            for rec in _group(item) if rule.scope is Scope.ENTITY else [item]:
                assert isinstance(rec, Mapping), f"{label}[{i}] must be a dict of columns"
                if key is not None and rec.get(key) is None:
                    records.append({**rec, key: f"{label[0].upper()}{i:05d}"})
                else:
                    records.append(rec)
                owner.append((label, i))
    result = evaluate(make_frame(k, records), kind=k, as_of=as_of, rules=rules)
    _errors(rule, result)
    failed = {owner[r - 1] for r in result.findings.get_column("_row").drop_nulls().to_list()}
    return {o: o in failed for o in owner}
