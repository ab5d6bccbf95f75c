"""Make ``docs/report.png``, the README's picture of the run report, from demo data.

Generates two days of synthetic records (5,000 a day), runs a job with the report output over
them through the command line, and photographs the last report with headless Chromium
(Debian's ``chromium``; CJK fonts from ``fonts-noto-cjk``)::

    .venv/bin/python docs/screenshot.py            # writes docs/report.png
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DAYS = ("2024-12-30", "2024-12-31")
KINDS = ("dishonest_debtor", "judgment_debtor_case", "arrears_case", "admin_penalty")
JOB = """version = 1
[job]
name = "xinhua-nightly"
ledger = "ledger"
kinds = [{kinds}]
{sources}
[outputs]
dir = "out/{{as_of}}"
write = ["summary"]
reporters = ["report"]
"""


def main(out: Path) -> None:
    """Write the screenshot to ``out``."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("docs/screenshot.py: needs chromium (apt-get install chromium fonts-noto-cjk)")
    with tempfile.TemporaryDirectory(prefix="report-shot-") as tmp:
        root = Path(tmp)
        sources = "".join(
            f'[[sources]]\nname = "{k}"\nkind = "{k}"\npath = "in/{{as_of}}/{k}.csv"\n'
            for k in KINDS
        )
        job = root / "job.toml"
        job.write_text(
            JOB.format(kinds=", ".join(f'"{k}"' for k in KINDS), sources=sources), encoding="utf-8"
        )
        cli = [sys.executable, "-m", "credit_ledger"]
        for seed, day in enumerate(DAYS, start=1):
            incoming = root / "in" / day
            subprocess.run(
                [*cli, "generate", "--rows", "5000", "--seed", str(seed), "--out", str(incoming)],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [*cli, "run", str(job), "--as-of", day], check=False, capture_output=True
            )
        page = root / "out" / DAYS[-1] / "report.html"
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={root / 'profile'}",
                "--window-size=1200,1500",
                f"--screenshot={out.resolve()}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(Path(__file__).with_name("report.png"))
