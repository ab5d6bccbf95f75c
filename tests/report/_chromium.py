"""Open a page in Debian's headless Chromium: the DOM after its scripts ran, a screenshot, the
console messages and every request the page made (from Chromium's network log)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)
_CONSOLE = re.compile(r":CONSOLE[^\]]*\]\s*(.*)")


def chromium() -> str | None:
    """The browser binary, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class Visit:
    """What one headless visit saw."""

    dom: str
    console: list[str]
    requests: list[str]
    """URLs the page itself asked for (the browser's own service requests are left out: they
    have no initiating page)."""


def _page_requests(netlog: Path) -> list[str]:
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for event in log["events"]:
        params = event.get("params", {})
        if (
            event["type"] == start
            and "url" in params
            and params.get("initiator") != "not an origin"
        ):
            found.append(str(params["url"]))
    return found


def visit(page: Path, work: Path, *, screenshot: Path | None = None, width: int = 1200) -> Visit:
    """Load ``page`` (a local file) with a fresh profile in ``work``."""
    binary = chromium()
    assert binary is not None
    url = page.resolve().as_uri()
    netlog = work / "net.json"
    common = [binary, *FLAGS, f"--window-size={width},2400"]
    dump = subprocess.run(
        [
            *common,
            f"--user-data-dir={work / 'profile-dom'}",
            "--enable-logging=stderr",
            "--v=0",
            f"--log-net-log={netlog}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    if screenshot is not None:
        subprocess.run(
            [
                *common,
                f"--user-data-dir={work / 'profile-shot'}",
                f"--screenshot={screenshot}",
                url,
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
    console = [m.group(1) for m in _CONSOLE.finditer(dump.stderr)]
    return Visit(dom=dump.stdout, console=console, requests=_page_requests(netlog))
