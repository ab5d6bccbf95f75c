"""Publicity periods of penalties (docs/domain.md §4.4): severity, regime, dates and state.

The regime table is configuration (``publicity.regimes``): one row per regime with the date it
takes effect, the region (code prefix) and sector (keyword) it covers, and the minimum and
maximum publicity in months per severity. For each penalty the most specific matching active
row wins (region before sector, then the latest in force on the basis date); all of it is
one ``when/then`` chain, evaluated for every row at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from credit_ledger_packs import _settings
from credit_ledger_packs._api import RunContext
from credit_ledger_packs._calendar import add_months
from credit_ledger_packs._exprs import as_of_lit, optional_bool, optional_date

__all__ = [
    "PUBLISHED_STATES",
    "SEVERITIES",
    "STATES",
    "Regime",
    "lazy_publicity_columns",
    "parse_regimes",
    "publicity_layers",
    "severity_expr",
    "with_publicity_columns",
]

SEVERITIES = ("轻微", "一般", "严重")
"""Minor, general, serious: the values of the penalty's ``severity`` column."""
STATES = (
    "not_published",
    "published_locked",
    "published_repairable",
    "published_awaiting_fulfilment",
    "repaired",
    "expired",
)
PUBLISHED_STATES = STATES[1:4]


@dataclass(frozen=True, kw_only=True)
class Regime:
    """One row of the publicity-period table.

    Attributes:
        name: the regime's name (``ndrc_2026``...).
        since: first decision (or run) date it applies to.
        region: region-code prefix it covers (``""`` = everywhere).
        sector: keyword matched in the authority's name (``""`` = every sector), e.g.
            ``应急管理`` for work safety.
        months: (min, max) months per severity; ``None`` = not published.
        start: ``decision`` (count from the decision date) or ``publication``.
    """

    name: str
    since: dt.date
    region: str
    sector: str
    months: dict[str, tuple[int | None, int | None]]
    start: str

    @property
    def priority(self) -> tuple[int, int, dt.date]:
        """More specific rows first, then the latest in force."""
        return (len(self.region), len(self.sector), self.since)


def _months(text: str) -> int | None:
    text = text.strip()
    return None if text in ("-", "") else int(text)


def parse_regimes(rows: tuple[str, ...], active: tuple[str, ...]) -> list[Regime]:
    """The active rows of the ``publicity.regimes`` table, most specific first.

    Raises:
        ValueError: a malformed row (the message quotes it).

    Example:
        >>> rows = ("ndrc_2026|2026-04-01|*|*|-|-|3|12|12|36|decision",)
        >>> parse_regimes(rows, ("ndrc_2026",))[0].months["严重"]
        (12, 36)
    """
    out: list[Regime] = []
    for row in rows:
        parts = [p.strip() for p in row.split("|")]
        if len(parts) != 11 or parts[10] not in ("decision", "publication"):
            raise ValueError(f"publicity regime row {row!r}: expected 11 fields separated by |")
        name, since, region, sector, *months, start = parts
        if name not in active:
            continue
        pairs = [(_months(months[i]), _months(months[i + 1])) for i in (0, 2, 4)]
        out.append(
            Regime(
                name=name,
                since=dt.date.fromisoformat(since),
                region="" if region == "*" else region,
                sector="" if sector == "*" else sector,
                months=dict(zip(SEVERITIES, pairs, strict=True)),
                start=start,
            )
        )
    return sorted(out, key=lambda r: r.priority, reverse=True)


def severity_expr(source: _settings.SettingsSource) -> pl.Expr:
    """The penalty's severity: the ``severity`` column, else derived from its types and fine [A].

    Serious: any type in ``publicity.serious_penalty_types`` or a fine of at least
    ``publicity.serious_fine_yuan``. Minor: only types in ``publicity.minor_penalty_types``,
    with no fine and nothing confiscated. General otherwise.

    Example:
        >>> df = pl.DataFrame({"severity": [None, None, "一般"],
        ...                    "penalty_types": ["警告", "罚款,吊销许可证件", "警告"],
        ...                    "fine_yuan": [None, None, None], "confiscation_yuan": [None] * 3},
        ...                   schema_overrides={"severity": pl.String,
        ...                                     "fine_yuan": pl.Decimal(38, 2),
        ...                                     "confiscation_yuan": pl.Decimal(38, 2)})
        >>> df.select(severity_expr(None))["severity"].to_list()
        ['轻微', '严重', '一般']
    """
    serious_types = _settings.get(source, "publicity.serious_penalty_types", tuple)
    minor_types = _settings.get(source, "publicity.minor_penalty_types", tuple)
    threshold = _settings.get(source, "publicity.serious_fine_yuan", Decimal)
    types = pl.col("penalty_types").fill_null("")
    serious = types.str.contains("|".join(re.escape(t) for t in serious_types) or "$^")
    serious = serious | (pl.col("fine_yuan") >= pl.lit(threshold, dtype=pl.Decimal(38, 2)))
    rest = types.str.replace_all("|".join(re.escape(t) for t in minor_types) or "$^", "")
    no_money = (pl.col("fine_yuan").fill_null(0) == 0) & (
        pl.col("confiscation_yuan").fill_null(0) == 0
    )
    only_minor = (rest.str.replace_all(r"[,\s]", "").str.len_chars() == 0) & (types != "")
    derived = (
        pl.when(serious.fill_null(False))
        .then(pl.lit("严重"))
        .when(only_minor & no_money)
        .then(pl.lit("轻微"))
        .otherwise(pl.lit("一般"))
    )
    return pl.coalesce(pl.col("severity"), derived)


def regimes(source: _settings.SettingsSource) -> list[Regime]:
    """The active regimes from the settings, most specific first."""
    return parse_regimes(
        _settings.get(source, "publicity.regimes", tuple),
        _settings.get(source, "publicity.active_regimes", tuple),
    )


def regime_expr(ctx: RunContext) -> pl.Expr:
    """The name of the regime in force for each penalty (null if no active row matches)."""
    basis = (
        as_of_lit(ctx.as_of)
        if _settings.get(ctx, "publicity.regime_basis", str) == "as_of"
        else pl.col("decision_date")
    )
    sector_text = pl.col("authority").fill_null("")
    region = pl.col("region_code").fill_null("")
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for r in reversed(regimes(ctx)):
        cond = basis >= pl.lit(r.since, dtype=pl.Date)
        if r.region:
            cond = cond & region.str.starts_with(r.region)
        if r.sector:
            cond = cond & sector_text.str.contains(r.sector, literal=True)
        expr = pl.when(cond).then(pl.lit(r.name)).otherwise(expr)
    return expr


def _period_months(table: list[Regime], regime: pl.Expr, severity: pl.Expr, which: int) -> pl.Expr:
    expr: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for r in table:
        for sev, pair in r.months.items():
            value = pair[which]
            if value is not None:
                cond = (regime == r.name) & (severity == sev)
                expr = pl.when(cond).then(pl.lit(value, dtype=pl.Int64)).otherwise(expr)
    return expr


def start_expr(source: _settings.SettingsSource, regime: pl.Expr) -> pl.Expr:
    """Day the periods count from: the publication date (else decision) for regimes counting
    from publication, the decision date otherwise."""
    by_publication = [r.name for r in regimes(source) if r.start == "publication"]
    return (
        pl.when(regime.is_in(by_publication))
        .then(pl.coalesce(pl.col("published_on"), pl.col("decision_date")))
        .otherwise(pl.col("decision_date"))
    )


def min_end_expr(source: _settings.SettingsSource, regime: pl.Expr, severity: pl.Expr) -> pl.Expr:
    """Start + minimum period: the earliest date repair may be applied for (``repair_from``)."""
    months = _period_months(regimes(source), regime, severity, 0)
    return add_months(start_expr(source, regime), months)


def max_end_expr(source: _settings.SettingsSource, regime: pl.Expr, severity: pl.Expr) -> pl.Expr:
    """Start + maximum period: the automatic end of publicity (null: not published)."""
    months = _period_months(regimes(source), regime, severity, 1)
    return add_months(start_expr(source, regime), months)


def repaired_on(ctx: RunContext) -> pl.Expr:
    """The repair date from the optional ``repaired_on`` column, if on or before ``as_of``."""
    day = optional_date("repaired_on")
    return pl.when(day <= as_of_lit(ctx.as_of)).then(day)


def fulfilled(ctx: RunContext) -> pl.Expr:
    """Obligations performed by ``as_of``: optional ``fulfilled_on`` ≤ as_of or
    ``obligations_fulfilled`` yes. Unknown counts as not fulfilled."""
    done = (optional_date("fulfilled_on") <= as_of_lit(ctx.as_of)).fill_null(False)
    return done | optional_bool("obligations_fulfilled")


REGIME = pl.col("publicity_regime")
SEVERITY = pl.col("publicity_severity")


def state_expr(ctx: RunContext) -> pl.Expr:
    """``publicity_state`` at ``as_of`` from the columns ``publicity_regime``,
    ``publicity_severity`` and ``repair_from``."""
    t = as_of_lit(ctx.as_of)
    max_end = max_end_expr(ctx, REGIME, SEVERITY)
    was_repaired = (repaired_on(ctx) < max_end).fill_null(False)
    published = max_end.is_not_null() & (start_expr(ctx, REGIME) <= t).fill_null(False)
    return (
        pl.when(~published)
        .then(pl.lit("not_published"))
        .when(was_repaired)
        .then(pl.lit("repaired"))
        .when(t >= max_end)
        .then(pl.lit("expired"))
        .when(t < pl.col("repair_from"))
        .then(pl.lit("published_locked"))
        .when(fulfilled(ctx))
        .then(pl.lit("published_repairable"))
        .otherwise(pl.lit("published_awaiting_fulfilment"))
    )


def end_expr(ctx: RunContext) -> pl.Expr:
    """``publicity_end``: the repair date if repaired before the maximum period, else the
    automatic end (from ``publicity_regime`` and ``publicity_severity``)."""
    max_end = max_end_expr(ctx, REGIME, SEVERITY)
    repaired = repaired_on(ctx)
    return pl.when((repaired < max_end).fill_null(False)).then(repaired).otherwise(max_end)


def publicity_layers(ctx: RunContext) -> list[dict[str, pl.Expr]]:
    """The publicity columns in dependency order: each layer reads only input columns and the
    columns of earlier layers (computed once each)."""
    return [
        {"publicity_severity": severity_expr(ctx), "publicity_regime": regime_expr(ctx)},
        {"repair_from": min_end_expr(ctx, REGIME, SEVERITY)},
        {"publicity_state": state_expr(ctx), "publicity_end": end_expr(ctx)},
    ]


def with_publicity_columns(
    frame: pl.DataFrame | pl.LazyFrame, *, as_of: dt.date, settings: _settings.SettingsSource = None
) -> pl.DataFrame:
    """Penalties with ``publicity_severity``, ``publicity_regime``, ``repair_from``,
    ``publicity_state`` and ``publicity_end`` for ``as_of``; a declared ``publicity_end``
    (公示截止期, CF_GSJZQ) is kept as ``publicity_end_declared``.

    Example:
        >>> import datetime as dt
        >>> df = pl.DataFrame({"decision_date": [dt.date(2024, 2, 29)], "severity": ["严重"],
        ...     "published_on": [None], "penalty_types": ["罚款"], "fine_yuan": [None],
        ...     "confiscation_yuan": [None], "authority": ["某局"], "region_code": ["130105"]})
        >>> out = with_publicity_columns(df, as_of=dt.date(2025, 3, 1))
        >>> out.select("repair_from", "publicity_end", "publicity_state").row(0)
        (datetime.date(2025, 2, 28), datetime.date(2027, 2, 28), 'published_awaiting_fulfilment')
    """
    return _layered(frame, publicity_layers(context(as_of, settings))).collect()


def lazy_publicity_columns(lf: pl.LazyFrame, ctx: RunContext) -> pl.LazyFrame:
    """``lf`` with the publicity columns added (lazily), as :func:`with_publicity_columns`."""
    return _layered(lf, publicity_layers(ctx))


def _layered(frame: pl.DataFrame | pl.LazyFrame, layers: list[dict[str, pl.Expr]]) -> pl.LazyFrame:
    lf = frame.lazy()
    if "publicity_end" in lf.collect_schema().names():
        lf = lf.rename({"publicity_end": "publicity_end_declared"})
    for layer in layers:
        lf = lf.with_columns(e.alias(n) for n, e in layer.items())
    return lf


def context(as_of: dt.date, settings: _settings.SettingsSource) -> RunContext:
    """A run context from a context or a plain settings mapping."""
    if isinstance(settings, RunContext):
        return settings
    return RunContext(as_of=as_of, settings=dict(settings or {}))
