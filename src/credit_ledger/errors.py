"""The exception tree of credit_ledger. Every error a caller can see is one of these.

::

    CreditLedgerError                   base; ``exit_code`` is what the CLI exits with
    ├── UsageError (2)                  bad arguments or configuration
    │   ├── UnknownKindError            a record kind nobody declared
    │   └── ConfigError                 invalid job / plugin configuration
    ├── InputError (2)                  a source cannot be read as records
    │   ├── SourceNotFoundError         the file does not exist
    │   ├── EncodingError               bytes not decodable in the (declared/detected) encoding
    │   ├── FormatError                 not a CSV/Parquet/... file, duplicated headers, empty file
    │   └── MissingColumnError          a required column is absent (names the closest header)
    ├── LedgerError (3)                 the ledger cannot be read or written as asked
    │   ├── LedgerLockedError           another run holds the ledger's lock
    │   └── RunNotFoundError            no committed run with that id or version
    ├── PluginError (3)                 a plugin failed to load or returned bad objects
    ├── RuleError (3)                   a rule could not be evaluated
    ├── ValidationDisabledError (3)     pandera validation is switched off by the environment
    └── OutputError (4)                 an output could not be written

Messages never contain personal data (names, ID numbers) unless the caller asked for it.
"""

from __future__ import annotations

import re

from credit_ledger._redact import redact_text

__all__ = [
    "ConfigError",
    "CreditLedgerError",
    "EncodingError",
    "FormatError",
    "InputError",
    "LedgerError",
    "LedgerLockedError",
    "MissingColumnError",
    "OutputError",
    "PluginError",
    "RuleError",
    "RunNotFoundError",
    "SourceNotFoundError",
    "UnknownKindError",
    "UsageError",
    "ValidationDisabledError",
    "describe",
]


class CreditLedgerError(Exception):
    """Base class of every error raised by credit_ledger."""

    exit_code: int = 3


class UsageError(CreditLedgerError):
    """Bad arguments or configuration given by the caller."""

    exit_code = 2


class UnknownKindError(UsageError, KeyError):
    """A record kind that no built-in or plugin declares."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class ConfigError(UsageError):
    """An invalid job file, setting or plugin selection."""


class InputError(CreditLedgerError):
    """A source that cannot be read as records."""

    exit_code = 2


class SourceNotFoundError(InputError, FileNotFoundError):
    """The source file does not exist."""


class EncodingError(InputError):
    """The source's bytes are not valid in the declared or detected text encoding."""


class FormatError(InputError):
    """The source is not in the expected format (binary data, empty, duplicated headers...)."""


class MissingColumnError(InputError):
    """A required column of the record kind is missing from the source."""


class LedgerError(CreditLedgerError):
    """The ledger cannot be read or written as asked."""

    exit_code = 3


class LedgerLockedError(LedgerError):
    """Another run holds the ledger's lock: two runs on one ledger never overlap."""


class RunNotFoundError(LedgerError, KeyError):
    """No committed run with the given id or ledger version."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class PluginError(CreditLedgerError):
    """A plugin failed to import, raised, or returned objects of the wrong type."""

    exit_code = 3


class RuleError(CreditLedgerError):
    """A rule could not be evaluated."""

    exit_code = 3


class ValidationDisabledError(CreditLedgerError):
    """Pandera validation is disabled (``PANDERA_VALIDATION_ENABLED=False``); credit_ledger refuses
    to pretend data was validated."""

    exit_code = 3


class OutputError(CreditLedgerError):
    """An output (file, ledger table) could not be written."""

    exit_code = 4


# Polars lists the offending values ("... for 1 out of 2 values: ["张三"]"): data, perhaps a name.
_VALUE_LIST = re.compile(r"(values?|value\(s\)): \[.*\]")


def describe(exc: BaseException, *, typed: bool = False) -> str:
    """The first line of ``exc``'s message for an error message of ours, with any list of data
    values a library put in it elided and values that may be personal data masked
    (:func:`credit_ledger._redact.redact_text`: quoted values, ID numbers, names); the
    exception's type name when the message is empty. ``typed`` prefixes the type name.

    Example:
        >>> describe(ValueError("invalid literal for int() with base 10: '张晓燕'"), typed=True)
        "ValueError: invalid literal for int() with base 10: '张*'"
    """
    text = str(exc).strip()
    head = _VALUE_LIST.sub(r"\1: […]", text.splitlines()[0]) if text else ""
    if not head:
        return type(exc).__name__
    head = redact_text(head)
    return f"{type(exc).__name__}: {head}" if typed else head
