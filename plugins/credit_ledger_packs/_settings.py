"""Every setting of the built-in packs, with its default and where the default comes from.

Each setting is declared by exactly one pack (the host refuses duplicates); settings several
packs read (government bodies, the working-day calendar) are declared by the small ``packs``
plugin (:mod:`credit_ledger_packs.common`). Readers fall back to the declared default, so a pack
still works when the plugin declaring a setting is denied, and rules work when given to the
engine directly (tests, notebooks) without a plugin manager.

Values marked [A] in docs/domain.md (assumed, not legal facts) are all settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

from credit_ledger_packs._api import RunContext, Setting, SettingValue

__all__ = ["ARREARS", "CLASSES", "COMMON", "PUBLICITY", "ZEROING", "SettingsSource", "get"]

T = TypeVar("T")
SettingsSource = RunContext | Mapping[str, SettingValue] | None

COMMON: tuple[Setting, ...] = (
    Setting(
        name="packs.gov_prefixes",
        default=("11", "12"),
        description="credit-code prefixes of government bodies: 11 organ, 12 public institution"
        " (GB 32100, docs/domain.md §1.1 [V])",
    ),
    Setting(
        name="packs.extra_gov_codes",
        default=(),
        description="further credit codes counted as government bodies, e.g. villagers'"
        " committees or state-owned platform companies (docs/domain.md §4.1 [A])",
    ),
    Setting(
        name="packs.extra_gov_prefixes",
        default=(),
        description="further credit-code prefixes counted as government bodies [A]",
    ),
    Setting(
        name="packs.official_calendar",
        default=True,
        description="use the shipped State Council holiday calendars (2024-2026, docs/domain.md §9"
        " [V]); dates in other years count weekends only, with a warning",
    ),
    Setting(
        name="packs.holidays",
        default=(),
        description="further public holidays on weekdays, ISO dates or ranges 'A..B' (a year"
        " not shipped, or a local arrangement)",
    ),
    Setting(
        name="packs.makeup_workdays",
        default=(),
        description="further weekend days that are working days (调休), ISO dates or ranges",
    ),
    Setting(
        name="packs.roll_forward",
        default=True,
        description="a period (payment term, removal or publication deadline) ending on a rest"
        " day ends on the next working day (Civil Code Art. 203 [V]); false where the parties"
        " or a law agree otherwise (Art. 204)",
    ),
)

ZEROING: tuple[Setting, ...] = (
    Setting(
        name="zeroing.period",
        default="month",
        choices=("month", "quarter", "year"),
        description="reporting period of the zeroing ledgers",
    ),
    Setting(
        name="zeroing.max_days_to_close",
        default=90,
        description="a case new in a period counts towards 'zeroing achieved' only if closed"
        " within this many days (docs/domain.md §4.1 [A])",
    ),
    Setting(
        name="zeroing.closed_case_statuses",
        default=("已结案", "执行完毕", "终结执行", "不予执行"),
        description="judgment-debtor case statuses that close a case at closed_on; a case"
        " with another status stays open whatever its closed_on [A]",
    ),
    Setting(
        name="zeroing.on_hold_case_statuses",
        default=("终本",),
        description="statuses that end the procedure but not the debt (终结本次执行程序:"
        " enforcement can resume): open, and counted in closing_on_hold (docs/domain.md §4.1 [P])",
    ),
    Setting(
        name="zeroing.aging_days",
        default=90,
        description="outstanding government-body cases older than this are alerts [A]",
    ),
    Setting(
        name="zeroing.alerts_scope",
        default="all",
        choices=("all", "gov_bodies"),
        description="whether the SPC removal alerts cover every listing or government bodies only",
    ),
)

ARREARS: tuple[Setting, ...] = (
    Setting(
        name="arrears.regime_2025_from",
        default=dt.date(2025, 6, 1),
        description="contracts signed from this date follow Decree 802 (2025); earlier ones"
        " Decree 728 (2020). The transition rule is not stated (docs/domain.md §4.2 [A])",
    ),
    Setting(
        name="arrears.no_term_default_days",
        default=60,
        description="term used for a large-enterprise debtor with no agreed term under the 2020"
        " rules, which set none (docs/domain.md §4.2 [A])",
    ),
    Setting(
        name="arrears.default_daily_rate",
        default=Decimal("0.0005"),
        description="late interest per day without an agreed rate: 万分之五 (2020 Art. 15,"
        " 2025 Art. 17)",
    ),
    Setting(
        name="arrears.day_count",
        default=365,
        description="days per year when an agreed annual rate becomes a daily rate [A]",
    ),
    Setting(
        name="arrears.lpr_1y",
        default=(
            "1900-01-01=0.0435",
            "2019-08-20=0.0425",
            "2019-09-20=0.0420",
            "2019-11-20=0.0415",
            "2020-02-20=0.0405",
            "2020-04-20=0.0385",
            "2021-12-20=0.0380",
            "2022-01-20=0.0370",
            "2022-08-22=0.0365",
            "2023-06-20=0.0355",
            "2023-08-21=0.0345",
            "2024-07-22=0.0335",
            "2024-10-21=0.0310",
            "2025-05-20=0.0300",
        ),
        description="1-year LPR history 'from=rate' (rate as a fraction); the agreed late"
        " rate must not be below the LPR at signing. Before 2019-08-20 the 1-year benchmark"
        " lending rate [A: recalled from PBOC announcements, not verified here]",
    ),
    Setting(
        name="arrears.closed_statuses",
        default=("paid", "settled", "written_off", "closed_other"),
        description="statuses that end a case at closed_on (docs/domain.md §4.2)",
    ),
    Setting(
        name="arrears.back_to_back_column",
        default="",
        description="source column (yes/no, 是/否) saying the contract has a back-to-back"
        " clause (背靠背条款); the rule arrears.back_to_back_clause runs only when this names a"
        " column, e.g. 'back_to_back_clause'",
    ),
)

CLASSES: tuple[Setting, ...] = (
    Setting(
        name="classes.graded_prefixes",
        default=("91",),
        description="credit-code prefixes of the subjects graded: 91 enterprises (GB 32100,"
        " docs/domain.md §1.1 [V]; SAMR grades enterprises, 国市监信发〔2022〕6号 [V]); add 92"
        " (individual businesses) or 93 (farmers' co-operatives) to grade them [A]. Organs (11)"
        " and public institutions (12) are not graded",
    ),
    Setting(name="classes.weight_general_penalty", default=15, description="[A]"),
    Setting(name="classes.weight_minor_penalty", default=5, description="[A]"),
    Setting(name="classes.weight_tax_arrears", default=10, description="[A]"),
    Setting(name="classes.weight_judgment_case", default=10, description="[A]"),
    Setting(name="classes.commendation_bonus", default=5, description="[A]"),
    Setting(name="classes.commendation_cap", default=10, description="[A]"),
    Setting(name="classes.threshold_a", default=90, description="score for A [A]"),
    Setting(name="classes.threshold_b", default=75, description="score for B [A]"),
    Setting(name="classes.threshold_c", default=60, description="score for C [A]"),
    Setting(
        name="classes.lookback_years",
        default=3,
        description="A needs no negative record, and commendations count, within these years [A]",
    ),
    Setting(
        name="classes.arrears_overdue_days",
        default=90,
        description="arrears overdue more than this (as debtor) place a subject in C [A]",
    ),
    Setting(
        name="classes.active_penalties_for_c",
        default=2,
        description="this many penalties still published place a subject in C [A]",
    ),
    Setting(
        name="classes.inspection_ratios",
        default=("A=0.05", "B=0.20", "C=0.60", "D=1.00"),
        description="suggested share of subjects inspected per class: the upper end of the"
        " Daqing ranges (A ≤5%, B 5-20%, C 21-60%, D 61-100%; docs/domain.md §4.3 [V])",
    ),
)

PUBLICITY: tuple[Setting, ...] = (
    Setting(
        name="publicity.regimes",
        default=(
            "ndrc_2019|1900-01-01|*|*|3|12|3|12|6|36|decision",
            "ndrc_2023|2023-05-01|*|*|-|-|3|12|12|36|decision",
            "ndrc_2026|2026-04-01|*|*|-|-|3|12|12|36|decision",
            "samr|1900-01-01|*|市场监督管理|0|3|12|36|12|36|publication",
        ),
        description="publicity periods in months: name|in force from|region prefix or *|"
        "sector keyword or *|minor min|minor max|general min|general max|serious min|serious"
        " max|start (decision or publication); '-' = not published (docs/domain.md §4.4)",
    ),
    Setting(
        name="publicity.active_regimes",
        default=("ndrc_2019", "ndrc_2023", "ndrc_2026"),
        description="regimes in use; add 'samr' for records of the enterprise publicity system"
        " or the names of your regional/sector rows",
    ),
    Setting(
        name="publicity.regime_basis",
        default="decision_date",
        choices=("decision_date", "as_of"),
        description="which date picks the regime: the decision date (the rules in force when"
        " decided) or the run date [A]",
    ),
    Setting(
        name="publicity.publish_within_working_days",
        default=7,
        description="licences and penalties are published within this many working days of"
        " the decision (国办发〔2015〕51号)",
    ),
    Setting(
        name="publicity.serious_penalty_types",
        default=("吊销许可证件", "责令关闭", "限制从业", "责令停产停业", "行政拘留"),
        description="a penalty of any of these types is serious when no severity is given [A]",
    ),
    Setting(
        name="publicity.minor_penalty_types",
        default=("警告", "通报批评"),
        description="a penalty of only these types (no fine) is minor when no severity is"
        " given [A]",
    ),
    Setting(
        name="publicity.serious_fine_yuan",
        default=Decimal("1000000"),
        description="a fine of at least this many yuan is serious when no severity is given [A]",
    ),
)


def _defaults() -> dict[str, SettingValue]:
    return {
        s.name: s.default for group in (COMMON, ZEROING, ARREARS, CLASSES, PUBLICITY) for s in group
    }


_DEFAULTS = _defaults()


def get(source: SettingsSource, name: str, typ: type[T]) -> T:
    """The setting ``name`` from a context or mapping, else its declared default.

    Raises:
        KeyError: ``name`` is not a setting of the packs.
        TypeError: the value is not of type ``typ``.

    Example:
        >>> get(None, "zeroing.aging_days", int)
        90
        >>> get({"zeroing.aging_days": 30}, "zeroing.aging_days", int)
        30
    """
    settings = source.settings if isinstance(source, RunContext) else (source or {})
    value = settings[name] if name in settings else _DEFAULTS[name]
    if not isinstance(value, typ):
        raise TypeError(f"setting {name!r} is {type(value).__name__}, not {typ.__name__}")
    return value
