def text_flags(
    views: int, data: int, validity: int, offset: int, length: int, out: int, /
) -> None: ...
def identifiers(
    views: int, data: int, validity: int, offset: int, length: int, kind: int, out: int, /
) -> None: ...
def dates(
    views: int, data: int, validity: int, offset: int, length: int, days: int, parsed: int, /
) -> None: ...
def clean(
    views: int,
    data: int,
    validity: int,
    offset: int,
    length: int,
    mode: int,
    buffer: int,
    flags: int,
    out_views: int,
    valid: int,
    /,
) -> tuple[bytes, bool]: ...
