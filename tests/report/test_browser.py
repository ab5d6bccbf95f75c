"""The demo-sized report in Debian's Chromium, headless: it renders its zeroing panels and
charts, runs its script without a console message and asks for nothing outside the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.report._chromium import chromium, visit
from tests.report.conftest import DAYS, Office

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        chromium() is None,
        reason="Chromium is not installed (CI installs Debian's: apt-get install chromium)",
    ),
]


def test_the_harness_sees_console_errors_and_requests(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><body><img src="http://example.invalid/x.png">'
        '<script>console.error("boom"); missing();</script></body></html>',
        encoding="utf-8",
    )
    seen = visit(bad, tmp_path)
    assert any("boom" in m for m in seen.console)
    assert any("missing" in m for m in seen.console)
    assert "http://example.invalid/x.png" in seen.requests


def test_report_renders_offline_without_errors(office: Office, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    seen = visit(office.report(DAYS[-1]), tmp_path, screenshot=shot)
    assert seen.console == []
    assert [u for u in seen.requests if not u.startswith(("file:", "data:", "blob:"))] == []
    assert shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'id="dynamic-zeroing"' in seen.dom
    assert seen.dom.count('class="panel ledger-panel"') >= 3
    assert seen.dom.count('<figure class="chart"><svg') >= 4
    # the script ran: every paged table drew its first page
    assert seen.dom.count('class="pageno">1 / ') == seen.dom.count('class="pager"') > 3
