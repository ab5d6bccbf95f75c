"""Logs of the CLI: the library's log records on stderr, as text or JSON lines."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

__all__ = ["JsonFormatter", "configure_logging"]


class JsonFormatter(logging.Formatter):
    """One JSON object per log record: ``ts``, ``level``, ``logger``, ``message``."""

    def format(self, record: logging.LogRecord) -> str:
        """Format ``record`` as a JSON line."""
        return json.dumps(
            {
                "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                    timespec="milliseconds"
                ),
                "level": record.levelname.lower(),
                "logger": record.name,
                "message": record.getMessage(),
            },
            ensure_ascii=False,
        )


def configure_logging(log_format: str, *, quiet: bool = False) -> logging.Handler:
    """Send the library's logs to stderr as text or JSON lines; returns the handler."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("credit-ledger: %(levelname)s: %(message)s"))
    root = logging.getLogger("credit_ledger")
    root.handlers = [handler]
    root.setLevel(logging.WARNING if quiet else logging.INFO)
    root.propagate = False
    return handler
