"""The permission policy of everything credit_ledger writes, in one place.

Outputs, the ledger and its manifests hold records of natural persons or are derived from
them, so every file credit_ledger writes is readable and writable by its owner only (0600)
and every directory it creates is 0700, whatever the umask. Directories that already exist
are left as they are. Sharing a report is a deliberate copy.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

__all__ = ["PRIVATE_DIR", "PRIVATE_FILE", "make_dirs", "private"]

PRIVATE_FILE: Final = 0o600
PRIVATE_DIR: Final = 0o700


def make_dirs(path: Path) -> Path:
    """Create ``path`` and any missing parent, each new one 0700; returns ``path``.

    Example:
        >>> import tempfile
        >>> root = Path(tempfile.mkdtemp())
        >>> oct(make_dirs(root / "a" / "b").stat().st_mode & 0o777)
        '0o700'
    """
    missing: list[Path] = []
    p = Path(path)
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # created meanwhile by another process
            continue
        os.chmod(d, PRIVATE_DIR)  # mkdir's mode is reduced by the umask
    return Path(path)


def private(path: Path) -> Path:
    """Make the file ``path`` 0600, or a directory and everything under it 0700 / 0600
    (for files a library wrote with its own modes, e.g. a Delta table); returns ``path``."""
    p = Path(path)
    if not p.is_dir():
        os.chmod(p, PRIVATE_FILE)
        return p
    os.chmod(p, PRIVATE_DIR)
    for parent, dirs, files in os.walk(p):
        for name in dirs:
            os.chmod(os.path.join(parent, name), PRIVATE_DIR)
        for name in files:
            os.chmod(os.path.join(parent, name), PRIVATE_FILE)
    return p
