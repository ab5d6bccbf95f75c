"""Text-encoding detection and streaming transcoding of CSV sources.

Departments export CSV in UTF-8, UTF-8 with BOM, or GBK/GB18030. Polars' CSV scanner reads
UTF-8 only, so other encodings are transcoded to a temporary UTF-8 file in fixed-size chunks
(memory stays flat whatever the file size). Bytes that are invalid in the encoding become
U+FFFD; the validator quarantines the rows that hold them, so nothing is lost silently.
"""

from __future__ import annotations

import atexit
import codecs
import os
import shutil
import tempfile
from pathlib import Path

from credit_ledger.errors import EncodingError, FormatError

SNIFF_BYTES = 1 << 20
_CHUNK = 4 << 20
_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "gbk": "gb18030",  # GB18030 is a superset of GBK and GB2312: decode with the superset
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
}
_tmp_dir: Path | None = None


def canonical_encoding(encoding: str) -> str:
    """The codec used for a declared encoding name (``gbk`` → ``gb18030``)."""
    name = encoding.strip().lower().replace("_", "-")
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise EncodingError(f"unknown text encoding {encoding!r}") from None


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(data, final=False)  # a character cut at the chunk end is not an error
    except UnicodeDecodeError:
        return False
    return True


_BLOCK = 4096
_BLOCKS = 16
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"PAR1", "a Parquet file"),
)


def _binary_block(block: bytes) -> bool:
    # Text has few control bytes; a compressed or binary block has about one in eight.
    controls = len(block) - len(block.translate(None, _CONTROL_BYTES))
    return controls * 20 > len(block)


def refuse_non_text(path: Path, head: bytes, what: str) -> None:
    """Refuse a file that is not text: a known binary signature, an HTML page, or a start whose
    4 KiB blocks are mostly binary. A control byte here and there (a NUL in one field) is not
    enough: the rows holding it are quarantined instead.

    Raises:
        FormatError: one line naming what the file looks like.
    """
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            raise FormatError(f"{path.name}: {name}, not {what}")
    start = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:64].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise FormatError(f"{path.name}: an HTML or XML page, not {what}")
    blocks = [head[i : i + _BLOCK] for i in range(0, min(len(head), _BLOCK * _BLOCKS), _BLOCK)]
    binary = sum(_binary_block(b) for b in blocks)
    if blocks and binary * 2 > len(blocks):
        raise FormatError(f"{path.name}: looks like a binary file, not {what}")


def detect_encoding(path: Path) -> str:
    """Detect the encoding of a CSV file from its first megabyte.

    Returns ``utf-8-sig`` (BOM), ``utf-16`` (BOM), ``utf-8`` or ``gb18030``.

    Raises:
        FormatError: the file is not text (see :func:`refuse_non_text`).
        EncodingError: the bytes are neither UTF-8 nor GB18030.
    """
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        refuse_non_text(path, head, "CSV text")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(head, "utf-8"):
        return "utf-8"
    if _decodes(head, "gb18030"):
        return "gb18030"
    # Neither decodes cleanly: a few damaged bytes in an otherwise good file. UTF-8 first:
    # UTF-8 Chinese text read as GB18030 decodes to mojibake with few errors.
    for enc in ("utf-8", "gb18030"):
        text = codecs.getincrementaldecoder(enc)(errors="replace").decode(head)
        if text.count("\ufffd") <= max(2, len(head) // 1000):
            return enc
    raise EncodingError(
        f"{path.name}: text is neither UTF-8 nor GBK/GB18030; declare the encoding explicitly"
    )


def _temp_dir() -> Path:
    global _tmp_dir  # noqa: PLW0603 - one process-wide scratch directory, removed at exit
    if _tmp_dir is None:
        _tmp_dir = Path(tempfile.mkdtemp(prefix="credit_ledger_"))
        atexit.register(shutil.rmtree, _tmp_dir, ignore_errors=True)
    return _tmp_dir


def to_utf8(path: Path, encoding: str) -> Path:
    """A UTF-8 version of ``path``: the file itself, or a copy transcoded in fixed-size chunks.

    Bytes that are invalid in the encoding become U+FFFD (UTF-8 sources are read the same way,
    lossily); the validator quarantines the rows holding U+FFFD, naming the column.
    """
    if encoding in ("utf-8", "utf-8-sig"):
        return path
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    fd, tmp = tempfile.mkstemp(suffix=".csv", dir=_temp_dir())
    with path.open("rb") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    return Path(tmp)


def closed_quote(path: Path) -> Path:
    """A copy of the UTF-8 file ``path`` with a closing ``"`` appended."""
    fd, tmp = tempfile.mkstemp(suffix=".csv", dir=_temp_dir())
    with path.open("rb") as src, os.fdopen(fd, "wb") as dst:
        shutil.copyfileobj(src, dst, _CHUNK)
        dst.write(b'"\n')
    return Path(tmp)


def read_head_text(path: Path, encoding: str, n_bytes: int = 1 << 16) -> str:
    """The decoded start of the file (for the header line)."""
    with path.open("rb") as fh:
        head = fh.read(n_bytes)
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
