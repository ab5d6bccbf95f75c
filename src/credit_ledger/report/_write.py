"""Write a report to a file (HTML or JSON), atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from credit_ledger._files import private
from credit_ledger.errors import OutputError
from credit_ledger.report._i18n import Lang
from credit_ledger.report._model import Report
from credit_ledger.report._render import render_html

__all__ = ["Format", "report_text", "write_report"]

Format = Literal["html", "json"]


def report_text(report: Report, *, fmt: Format = "html", lang: Lang = "zh") -> str:
    """The report as HTML (one self-contained page) or JSON (``schemas/report.v1.json``)."""
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n"
    return render_html(report, lang=lang)


def write_report(
    report: Report, path: str | os.PathLike[str], *, fmt: Format = "html", lang: Lang = "zh"
) -> Path:
    """Write ``report`` to ``path`` (a temporary file renamed into place).

    Raises:
        OutputError: the file cannot be written (exit 4).
    """
    target = Path(path)
    text = report_text(report, fmt=fmt, lang=lang)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(private(tmp), target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write the report to {target}: {exc.strerror or exc}") from None
    return target
