"""Render a :class:`Report` to one self-contained HTML page (styles, script, charts and the rows
behind every figure inline; nothing is fetched)."""

from __future__ import annotations

import json
import re
from html import escape

from credit_ledger.report._assets import CSS, SCRIPT
from credit_ledger.report._charts import bar_chart, line_chart
from credit_ledger.report._i18n import Lang, words
from credit_ledger.report._model import Cell, LedgerPanel, Report, Table

__all__ = ["render_html"]


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _label(w: dict[str, str], column: str) -> str:
    return w.get(f"col.{column}", column)


def _json_script(element_id: str, table: Table, w: dict[str, str]) -> str:
    labels = [_label(w, c) for c in table.columns]
    text = json.dumps({"columns": labels, "rows": table.rows}, ensure_ascii=False)
    # "</" would end the script element early; "\u003c" is the same character in JSON.
    text = text.replace("<", "\\u003c")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _cell(value: Cell) -> str:
    cls = ' class="num"' if isinstance(value, int | float) and not isinstance(value, bool) else ""
    return f"<td{cls}>{_e(value)}</td>"


def _static(table: Table, w: dict[str, str]) -> str:
    if not table.rows:
        return f'<p class="note">{_e(w["empty_table"])}</p>'
    head = "".join(f"<th>{_e(_label(w, c))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in table.rows)
    return f'<div class="tablewrap"><table><tr>{head}</tr>{body}</table></div>'


class _Rows:
    """Numbers the paged row tables of one page."""

    def __init__(self, w: dict[str, str]) -> None:
        self.w = w
        self.n = 0

    def __call__(self, table: Table) -> str:
        self.n += 1
        ident = f"rows-{self.n}"
        shown = self.w["shown_of"].format(shown=len(table.rows), total=table.total)
        return (
            f'<details class="rows"><summary>{_e(self.w["show_rows"])} ({_e(shown)})</summary>'
            f'<div class="pager" data-src="{ident}"><div class="pager-nav">'
            f'<button type="button" class="prev">{_e(self.w["prev"])}</button>'
            f'<span class="pageno"></span>'
            f'<button type="button" class="next">{_e(self.w["next"])}</button>'
            f'<button type="button" class="csv">{_e(self.w["download"])}</button></div>'
            f'<div class="tablewrap"></div></div></details>{_json_script(ident, table, self.w)}'
        )


def _chart(svg: str) -> str:
    return f'<figure class="chart">{svg}</figure>'


def _kpi(label: str, value: object, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f"<div><b{c}>{_e(value)}</b><span>{_e(label)}</span></div>"


def _header(report: Report, w: dict[str, str]) -> str:
    h = report.header
    assert h is not None
    balance = (
        f'<span class="ok">{_e(w["balanced"])}</span>'
        if h.balanced
        else f'<span class="bad">{_e(w["unbalanced"])}</span>'
    )
    kpis = "".join(
        [
            _kpi(w["rows_in"], h.rows_in),
            _kpi(w["rows_valid"], h.rows_valid),
            _kpi(w["rows_quarantined"], h.rows_quarantined),
            _kpi(w["rows_corrected"], h.rows_corrected),
            _kpi(w["findings"], h.findings),
        ]
    )
    return (
        f'<section id="header"><p>{_e(w["run"])} <b>{_e(h.run_id)}</b> · {_e(w["job"])} '
        f"{_e(h.job)} · {_e(w['as_of'])} <b>{_e(h.as_of)}</b> · {_e(w['version'])} "
        f"{h.ledger_version} · {_e(w['status'])} {_e(h.status)} · {_e(w['committed'])} "
        f"{_e(h.committed_at)}</p>"
        f'<p>{_e(w["accounting"])}: {balance}</p><div class="kpi">{kpis}</div>'
        f'<div class="grid narrow"><div class="panel"><h3>{_e(w["inputs"])}</h3>'
        f"{_static(h.inputs, w)}</div>"
        f'<div class="panel"><h3>{_e(w["records"])}</h3>{_static(report.records, w)}</div>'
        f'<div class="panel"><h3>{_e(w["plugins"])}</h3>{_static(h.plugins, w)}</div></div>'
        "</section>"
    )


def _ledger_panel(p: LedgerPanel, w: dict[str, str], rows: _Rows) -> str:
    state = (
        f'<span class="ok">{_e(w["zeroed"])}</span>'
        if p.zeroed
        else f'<span class="bad">{_e(w["not_zeroed"])}</span>'
    )
    out = [f'<div class="panel ledger-panel" data-summary="{_e(p.summary)}">']
    out.append(f"<h3>{_e(p.summary)} · {_e(p.kind)} · {state}</h3>")
    if p.records == 0:
        out.append(f'<p class="note">{_e(w["no_records"])}</p>')
    missing = w["not_recorded"]
    kpis = [
        _kpi(f"{w['closing']} ({p.period})", p.closing),
        _kpi(w["unplaced"], p.unplaced, "bad")
        if p.unplaced is not None
        else f"<div><span>{_e(w['unplaced'])}: {_e(missing)}</span></div>",
    ]
    if p.closing_amount is not None:
        kpis.insert(1, _kpi(w["closing_amount"], p.closing_amount))
    if p.distinct_bodies is not None:
        kpis.append(_kpi(w["distinct_bodies"], p.distinct_bodies))
    out.append(f'<div class="kpi">{"".join(kpis)}</div>')
    if p.unplaced:
        out.append(f'<p class="bad">{_e(w["unplaced_note"])}</p>')
    if p.months.rows:
        out.append(
            _chart(
                line_chart(
                    w["trend_months"],
                    p.months.column("period"),
                    p.months.column("closing"),
                    x_title=w["period"],
                    y_title=w["closing"],
                )
            )
        )
        out.append(rows(p.months))
    if len(p.runs.rows) > 1:
        out.append(
            _chart(
                line_chart(
                    w["trend_runs"],
                    p.runs.column("as_of"),
                    p.runs.column("closing"),
                    x_title=w["as_of"],
                    y_title=w["closing"],
                )
            )
        )
    out.append(f"<h3>{_e(w['cases'])}</h3>")
    out.append(rows(p.cases) if p.cases.total else f'<p class="note">{_e(w["empty_table"])}</p>')
    out.append("</div>")
    return "".join(out)


def _section(ident: str, title: str, body: str) -> str:
    return f'<section id="{ident}"><h2>{_e(title)}</h2>{body}</section>'


def _bars(title: str, table: Table, x: str, y: str, w: dict[str, str], *, n: int = 15) -> str:
    head = Table(columns=table.columns, rows=table.rows[:n], total=len(table.rows[:n]))
    return _chart(
        bar_chart(
            title,
            head.column(x),
            head.column(y),
            x_title=_label(w, x),
            y_title=_label(w, y),
            horizontal=True,
            sort=True,
        )
    )


def _quality(report: Report, w: dict[str, str], rows: _Rows) -> str:
    corrected = report.header.rows_corrected if report.header is not None else 0
    line = f'<p class="corrected">{_e(w["corrected_line"].format(n=corrected))}</p>'
    if not report.quarantine.total:
        return f'{line}<p class="note">{_e(w["nothing_quarantined"])}</p>'
    return (
        f"{line}"
        f'<div class="grid"><div class="panel">'
        f"{_bars(w['by_reason'], report.quality_by_reason, 'reason', 'rows', w)}"
        f"{_static(report.quality_by_reason, w)}</div>"
        f'<div class="panel">'
        f"{_bars(w['by_source'], report.quality_by_source, 'department', 'rows', w)}"
        f"{_static(report.quality_by_source, w)}</div></div>"
        f'<h3>{_e(w["quarantine_rows"])}</h3><p class="note">{_e(w["masked"])}</p>'
        f"{rows(report.quarantine)}"
    )


def _aging(report: Report, w: dict[str, str]) -> str:
    a = report.aging
    if a is None or not a.rows:
        return f'<p class="note">{_e(w["aging_unknown" if a is None else "aging_none"])}</p>'
    buckets: dict[str, int] = {}
    for b, n in zip(a.column("aging_bucket"), a.column("cases"), strict=True):
        buckets[str(b)] = buckets.get(str(b), 0) + int(n or 0)
    chart = bar_chart(
        w["aging"], list(buckets), list(buckets.values()), x_title=w["bucket"], y_title=w["cases_n"]
    )
    return _chart(chart) + _static(a, w)


def _classes(report: Report, w: dict[str, str]) -> str:
    c = report.classes
    if c is None or not c.rows:
        return f'<p class="note">{_e(w["classes_unknown" if c is None else "classes_none"])}</p>'
    chart = bar_chart(
        w["classes"],
        c.column("credit_class"),
        c.column("subjects"),
        x_title="",
        y_title=w["subjects"],
    )
    return _chart(chart) + _static(c, w)


def _rules(report: Report, w: dict[str, str], rows: _Rows) -> str:
    statuses: dict[str, int] = {}
    for s in report.rules.column("status") if report.rules.columns else []:
        statuses[str(s)] = statuses.get(str(s), 0) + 1
    parts = []
    if statuses:
        parts.append(
            _chart(
                bar_chart(
                    w["rule_status"],
                    list(statuses),
                    list(statuses.values()),
                    x_title=w["status"],
                    y_title=w["count"],
                )
            )
        )
    if report.top_failing.rows:
        parts.append(_bars(w["top_failing"], report.top_failing, "rule_id", "failed", w))
    parts.append(f"<h3>{_e(w['top_failing'])}</h3>{_static(report.top_failing, w)}")
    parts.append(f"<h3>{_e(w['all_rules'])}</h3>{rows(report.rules)}")
    parts.append(f"<h3>{_e(w['findings'])}</h3>{rows(report.findings)}")
    return "".join(parts)


def _ledger_sections(report: Report, w: dict[str, str], rows: _Rows, lang: Lang) -> str:
    """One section per title of the persisted per-period ledgers, in the order they come; its
    id is the English title in lower case with dashes (``Arrears owed`` → ``arrears-owed``)."""
    titles: dict[tuple[str, str], list[LedgerPanel]] = {}
    for p in report.ledgers:
        titles.setdefault((p.title_zh, p.title_en), []).append(p)
    out = []
    for (zh, en), panels in titles.items():
        ident = re.sub(r"[^a-z0-9]+", "-", (en or zh).lower()).strip("-") or "ledgers"
        body = "".join(_ledger_panel(p, w, rows) for p in panels)
        out.append(_section(ident, zh if lang == "zh" else en, f'<div class="grid">{body}</div>'))
    return "".join(out)


def render_html(report: Report, *, lang: Lang = "zh") -> str:
    """The report as one self-contained HTML page (text).

    Example:
        >>> html = render_html(build_report("var/ledger"), lang="en")  # doctest: +SKIP
    """
    w = words(lang)
    rows = _Rows(w)
    if report.header is None:
        body = f'<p class="empty">{_e(w["empty"])}</p>'
    else:
        body = "".join(
            [
                _header(report, w),
                _ledger_sections(report, w, rows, lang),
                _section("aging", w["aging"], _aging(report, w)),
                _section("quality", w["quality"], _quality(report, w, rows)),
                _section("classes", w["classes"], _classes(report, w)),
                _section("rules", w["rules"], _rules(report, w, rows)),
                _section(
                    "drift",
                    w["drift"],
                    _static(report.drift, w)
                    if report.drift.rows
                    else f'<p class="note">{_e(w["no_drift"])}</p>',
                ),
            ]
        )
    html_lang = "zh-CN" if lang == "zh" else "en"
    csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
    return (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(w['title'])}</title><style>{CSS}</style></head>"
        f"<body><h1>{_e(w['title'])}</h1>{body}<script>{SCRIPT}</script></body></html>\n"
    )
