"""What :func:`credit_ledger._kernels.text_flags` reports per row, one bit each."""

EMPTY = 1
"""Zero bytes (and no other flag)."""
EDGE_SPACE = 2
"""Starts or ends with white space (Unicode White_Space, what ``str.strip_chars()`` strips)."""
WIDE = 4
"""Holds a full-width form (U+FF00-U+FF7F) or an ideographic space (U+3000)."""
REPLACEMENT = 8
"""Holds U+FFFD, what lossy decoding leaves for undecodable bytes."""
UNCLEAN = 16
"""Holds a byte other than ``0-9``, ``A-Z`` and ``*`` (not a clean code)."""
NON_ASCII = 32
"""Holds a byte of 0x80 or more (a character outside ASCII)."""
SLOW = 64
"""Set by the compiled ``cleaned`` on rows it left to the Polars fold (internal)."""
CONTROL = 128
"""Holds a C0 control byte other than tab, line feed and carriage return (0x00-0x08, 0x0B,
0x0C, 0x0E-0x1F), or DEL (0x7F): a byte no text field holds."""
ALL = EMPTY | EDGE_SPACE | WIDE | REPLACEMENT | UNCLEAN | NON_ASCII | CONTROL
