"""``python -m credit_ledger``: the ``credit-ledger`` command line."""

from __future__ import annotations

import sys

from credit_ledger.cli import main

if __name__ == "__main__":
    sys.exit(main())
