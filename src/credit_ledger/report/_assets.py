"""The page's inline style (screen and A4 print) and its small script (paged tables, CSV)."""

from __future__ import annotations

__all__ = ["CSS", "SCRIPT"]

CSS = """
:root { --red: #b5282e; --ink: #1d1d1f; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 16px 24px; }
h1 { border-bottom: 3px solid var(--red); padding-bottom: 6px; font-size: 24px; }
h2 { color: var(--red); font-size: 19px; margin-top: 28px; border-left: 4px solid var(--red);
  padding-left: 8px; }
h3 { font-size: 16px; margin: 12px 0 6px; }
.grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); }
.grid.narrow { grid-template-columns: minmax(0, 5fr) minmax(0, 3fr) minmax(0, 3fr); }
@media (max-width: 900px) { .grid, .grid.narrow { grid-template-columns: minmax(0, 1fr); } }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 0;
  break-inside: avoid; }
.kpi { display: flex; gap: 18px; flex-wrap: wrap; margin: 6px 0; }
.kpi div { min-width: 110px; }
.kpi b { display: block; font-size: 22px; }
.kpi span { color: var(--muted); font-size: 12px; }
.ok { color: #1b7f3a; font-weight: bold; }
.bad { color: var(--red); font-weight: bold; }
.note { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; font-size: 12px; margin: 4px 0; }
th, td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 6px 0; }
figure.chart svg { max-width: 100%; height: auto; }
details.rows summary { cursor: pointer; color: #1f5fa8; font-size: 13px; }
.pager-nav button, button.csv { font-size: 12px; margin: 4px 4px 4px 0; }
.tablewrap { overflow-x: auto; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  details.rows, button { display: none; }
  .panel { border: none; padding: 0; }
  .grid, .grid.narrow { display: block; }
  h2 { break-after: avoid; }
  figure.chart svg { max-width: 180mm; }
}
"""

SCRIPT = r"""
(function () {
  "use strict";
  var PAGE = 50;
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  function cell(v) { return v === null || v === undefined ? "" : String(v); }
  function render(box, d, page) {
    var start = page * PAGE, rows = d.rows.slice(start, start + PAGE);
    var table = document.createElement("table"), head = table.createTHead().insertRow();
    d.columns.forEach(function (c) {
      var th = document.createElement("th"); th.textContent = c; head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (r) {
      var tr = body.insertRow();
      r.forEach(function (v) { tr.insertCell().textContent = cell(v); });
    });
    var wrap = box.querySelector(".tablewrap");
    wrap.textContent = "";
    wrap.appendChild(table);
    var pages = Math.max(1, Math.ceil(d.rows.length / PAGE));
    box.querySelector(".pageno").textContent = (page + 1) + " / " + pages;
    box.dataset.page = String(page);
  }
  function csv(d) {
    var q = function (v) {
      var s = cell(v);
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    var lines = [d.columns.map(q).join(",")];
    d.rows.forEach(function (r) { lines.push(r.map(q).join(",")); });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }
  document.querySelectorAll(".pager").forEach(function (box) {
    var d = data(box.dataset.src), pages = Math.max(1, Math.ceil(d.rows.length / PAGE));
    render(box, d, 0);
    box.querySelector(".prev").addEventListener("click", function () {
      render(box, d, Math.max(0, Number(box.dataset.page) - 1));
    });
    box.querySelector(".next").addEventListener("click", function () {
      render(box, d, Math.min(pages - 1, Number(box.dataset.page) + 1));
    });
    box.querySelector(".csv").addEventListener("click", function () {
      var url = URL.createObjectURL(new Blob([csv(d)], { type: "text/csv;charset=utf-8" }));
      var a = document.createElement("a");
      a.href = url; a.download = box.dataset.src + ".csv";
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  });
})();
"""
