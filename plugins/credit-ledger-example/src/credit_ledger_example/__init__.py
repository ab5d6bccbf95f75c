"""Example credit_ledger plugin (entry point ``example`` → :mod:`credit_ledger_example.plugin`)."""

__version__ = "0.1.0"
