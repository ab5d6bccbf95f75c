"""Arrow arrays over numpy results, with a validity bitmap where a row is not valid."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa


def arrow_array(
    kind: pa.DataType, valid: npt.NDArray[np.bool_], buffers: list[pa.Buffer]
) -> pa.Array:
    """An array of ``kind`` over ``buffers`` (values, then any data buffers), null where
    ``valid`` is False. The buffers are not copied."""
    nulls = len(valid) - int(np.count_nonzero(valid))
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.Array.from_buffers(kind, len(valid), [bitmap, *buffers], null_count=nulls)
