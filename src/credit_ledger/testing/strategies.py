"""Hypothesis strategies for records of any registered kind, valid or with a chosen defect.

Pandera's polars schemas cannot synthesise data. For the built-in kinds the strategies draw
from a pool made by the synthetic generator :mod:`credit_ledger.synth` (realistic subjects,
codes with correct check characters, and defects injected one per row with the reason the
validator must report), validated once per process. For kinds contributed by plugins, values
are drawn from each field's declaration (dtype, enumeration, known checks such as USCCs, ID
numbers and case numbers built with their check characters) and whole records are kept when
every check of the kind passes, evaluated with the kind's own Polars expressions.

* :func:`valid_records` gives typed records (dicts; :func:`~credit_ledger.testing.make_frame`
  turns them into a frame as validation outputs it);
* :func:`defective_records` gives records *as text* (what a reader gives: a defect may be
  a value that does not even parse), named like validation reasons: ``"<column>:not_null"``,
  ``"<column>:enum"``, ``"<column>:<check>"``, ``"row:<check>"`` (see :func:`defects`);
  :func:`~credit_ledger.testing.make_text_frame` makes a frame for ``credit_ledger.validate``.

Example:
    >>> from hypothesis import given
    >>> @given(valid_records("admin_penalty"))
    ... def test_fine_never_negative(record):
    ...     assert record["fine_yuan"] is None or record["fine_yuan"] >= 0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

try:
    from hypothesis import strategies as st
except ImportError:  # an optional dependency: say which extra brings it
    raise ImportError(
        "credit_ledger.testing.strategies needs hypothesis: pip install 'credit-ledger[plugin-dev]'"
    ) from None

from credit_ledger.ids import org_code_check_char, ric_check_char, uscc_check_char
from credit_ledger.kinds import Field, RecordKind
from credit_ledger.kinds.builtin import BUILTIN_KINDS
from credit_ledger.plugins import get_kind, record_kinds
from credit_ledger.synth import generate_frames
from credit_ledger.testing._frames import make_frame
from credit_ledger.validate import validate

TextRecord = dict[str, str | None]

__all__ = [
    "any_kind",
    "case_numbers",
    "defective_records",
    "defects",
    "frames",
    "org_codes",
    "rics",
    "usccs",
    "valid_records",
]

Record = dict[str, object]

_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # USCC charset (no I O Z S V)
_REGIONS = ("130105", "130102", "110101", "310115", "440305", "510104")
_USCC_PREFIXES = ("91", "92", "93", "11", "12", "51", "52", "53")
_COURTS = ("冀0105", "冀01", "京01", "沪0115", "粤0305")
_HAN = "信用记录行政处罚许可市场监督管理局石家庄新华区公司有限责任人民法院执行"
_TEXT = st.text(alphabet=_HAN + "ABCDEFGH0123456789", min_size=1, max_size=12).map(str.strip)
_BATCH = 4  # candidate records drawn per generic record (the first valid one is kept)


# -- identifiers with their check characters ----------------------------------------------------


@st.composite
def _org_body(draw: st.DrawFn) -> str:
    return draw(st.text(alphabet=_CODE_ALPHABET, min_size=8, max_size=8))


def usccs() -> st.SearchStrategy[str]:
    """Valid unified social credit codes (GB 32100 and GB 11714 check characters)."""

    def build(parts: tuple[str, str, str]) -> str:
        prefix, region, body = parts
        first17 = prefix + region + body + org_code_check_char(body)
        return first17 + uscc_check_char(first17)

    return st.tuples(st.sampled_from(_USCC_PREFIXES), st.sampled_from(_REGIONS), _org_body()).map(
        build
    )


def org_codes() -> st.SearchStrategy[str]:
    """Valid organisation codes (GB 11714)."""
    return _org_body().map(lambda body: body + org_code_check_char(body))


def rics() -> st.SearchStrategy[str]:
    """Valid resident ID numbers (GB 11643) of adults born 1950-2005."""

    def build(parts: tuple[str, dt.date, int]) -> str:
        region, birth, seq = parts
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        return first17 + ric_check_char(first17)

    return st.tuples(
        st.sampled_from(_REGIONS),
        st.dates(dt.date(1950, 1, 1), dt.date(2005, 12, 31)),
        st.integers(0, 999),
    ).map(build)


def case_numbers() -> st.SearchStrategy[str]:
    """Execution case numbers such as ``(2023)冀0105执123号``."""
    return st.builds(
        lambda year, court, n: f"({year}){court}执{n}号",
        st.integers(2000, 2025),
        st.sampled_from(_COURTS),
        st.integers(1, 9999),
    )


_BY_CHECK: dict[str, Callable[[], st.SearchStrategy[str]]] = {
    "uscc": usccs,
    "org_code": org_codes,
    "ric": rics,
    "case_no": case_numbers,
    "execution_case_no": case_numbers,
    "region": lambda: st.sampled_from(_REGIONS),
}


# -- values per field ---------------------------------------------------------------------------


def _base(f: Field) -> st.SearchStrategy[object]:  # noqa: PLR0911 - one branch per dtype
    if f.enum is not None:
        values = st.sampled_from(f.enum)
        if f.multi is None:
            return values
        sep = f.multi
        return st.lists(values, min_size=1, max_size=3, unique=True).map(sep.join)
    if f.dtype == "date":
        return st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31))
    if f.dtype == "int":
        return st.integers(0, 100)
    if f.dtype == "decimal":
        return st.decimals(Decimal("0.01"), Decimal("10000000"), places=2)
    if f.dtype == "rate":
        return st.decimals(Decimal("0"), Decimal("0.2"), places=8)
    if f.dtype == "bool":
        return st.booleans()
    for check in f.checks:
        if check.name in _BY_CHECK:
            return _BY_CHECK[check.name]()
    if f.normalize == "code":
        return st.one_of(rics(), usccs())
    return _TEXT.filter(bool)


def _value(f: Field) -> st.SearchStrategy[object]:
    base = _base(f)
    if f.nullable:
        return st.one_of(base, base, base, st.none())
    return base


def _candidates(kind: RecordKind) -> st.SearchStrategy[Record]:
    return st.fixed_dictionaries({f.name: _value(f) for f in kind.fields})


# -- verdicts -----------------------------------------------------------------------------------


def _enum_ok(f: Field) -> pl.Expr:
    col = pl.col(f.name)
    allowed = list(f.enum or ())
    if f.multi is None:
        return col.is_in(allowed)
    items = col.str.split(f.multi).list.eval(pl.element().str.strip_chars())
    return items.list.eval(pl.element().is_in(allowed)).list.all()


_EXPRS: dict[int, tuple[RecordKind, tuple[tuple[str, pl.Expr], ...]]] = {}


def _check_exprs(kind: RecordKind) -> tuple[tuple[str, pl.Expr], ...]:
    # Keyed by identity: record kinds hold mappings and callables, so they are not hashable.
    cached = _EXPRS.get(id(kind))
    if cached is not None and cached[0] is kind:
        return cached[1]
    out: list[tuple[str, pl.Expr]] = []
    for f in kind.fields:
        col = pl.col(f.name)
        if not f.nullable:
            out.append((f"{f.name}:not_null", col.is_not_null()))
        if f.enum is not None:
            out.append((f"{f.name}:enum", _enum_ok(f).fill_null(True)))
        out.extend((f"{f.name}:{c.name}", c.build(col).fill_null(True)) for c in f.checks)
    out.extend((f"row:{c.name}", c.expr.fill_null(True)) for c in kind.row_checks)
    _EXPRS[id(kind)] = (kind, tuple(out))
    return tuple(out)


def _verdicts(kind: RecordKind, records: Sequence[Mapping[str, object]]) -> pl.DataFrame:
    frame = make_frame(kind, records)
    return frame.select(expr.alias(name) for name, expr in _check_exprs(kind))


def _first_passing(kind: RecordKind, records: list[Record]) -> Record | None:
    verdicts = _verdicts(kind, records)
    ok = verdicts.select(pl.all_horizontal(pl.all()).alias("ok")).get_column("ok").to_list()
    for rec, good in zip(records, ok, strict=True):
        if good:
            return rec
    return None


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# -- the synthetic pool (built-in kinds) ----------------------------------------------------------

_POOL_SEED = 20250630
_POOL_ROWS = 1500  # 300 per built-in kind; half of them carry one injected defect


@dataclass(frozen=True, kw_only=True)
class _Pool:
    valid: dict[str, list[Record]]
    defective: dict[str, dict[str, list[TextRecord]]]  # kind -> reason -> text records


_POOLS: list[_Pool] = []


def _pool() -> _Pool:
    if _POOLS:
        return _POOLS[0]
    kinds = [k.name for k in BUILTIN_KINDS]
    synthetic = generate_frames(
        _POOL_ROWS, seed=_POOL_SEED, defect_rate=0.5, shares=dict.fromkeys(kinds, 1.0)
    )
    valid: dict[str, list[Record]] = {}
    defective: dict[str, dict[str, list[TextRecord]]] = {}
    for kind in kinds:
        k = next(b for b in BUILTIN_KINDS if b.name == kind)
        text = synthetic.frames[kind]
        truth = synthetic.truth.filter(pl.col("kind") == kind)
        bad_rows = set(truth.get_column("row").to_list())
        clean = text.with_columns(
            pl.lit("pool", pl.String).alias("_source"),
            pl.int_range(1, text.height + 1).alias("_row"),
        ).filter(~pl.col("_row").is_in(list(bad_rows)))
        typed = validate(clean, kind=k).valid.select(k.columns)
        valid[kind] = typed.to_dicts()
        # Keep a defective row only when validation reports exactly its one defect (an injected
        # value can trip a second check, e.g. a paid amount above the amount due).
        bad = text.with_columns(
            pl.lit("pool", pl.String).alias("_source"),
            pl.int_range(1, text.height + 1).alias("_row"),
        ).filter(pl.col("_row").is_in(list(bad_rows)))
        reported = dict(validate(bad, kind=k).quarantine.select("_row", "_reasons").iter_rows())
        by_reason: dict[str, list[TextRecord]] = {}
        rows = text.to_dicts()
        for row, reason in truth.select("row", "reason").iter_rows():
            if reported.get(row) == [reason]:
                by_reason.setdefault(str(reason), []).append(rows[int(row) - 1])
        defective[kind] = by_reason
    _POOLS.append(_Pool(valid=valid, defective=defective))
    return _POOLS[0]


def _builtin(kind: RecordKind) -> bool:
    # The pool is made for the built-in declarations; a kind replaced by a plugin (a higher
    # version) gets the generic strategies.
    return any(kind is b for b in BUILTIN_KINDS)


# -- public strategies ----------------------------------------------------------------------------


def defects(kind: str | RecordKind) -> tuple[str, ...]:
    """The defects :func:`defective_records` can give for ``kind``, sorted.

    Example:
        >>> "row:decision_date_not_after_penalty_valid_to" in defects("admin_penalty")
        True
    """
    k = get_kind(kind)
    if _builtin(k):
        return tuple(sorted(_pool().defective[k.name]))
    return tuple(sorted(name for name, _ in _check_exprs(k)))


def any_kind() -> st.SearchStrategy[str]:
    """Names of the registered record kinds (of the active plugin manager)."""
    return st.sampled_from(record_kinds())


def valid_records(kind: str | RecordKind) -> st.SearchStrategy[Record]:
    """Typed records of ``kind`` that pass every column and row check of the kind.

    Example:
        >>> record = valid_records("arrears_case").example()  # doctest: +SKIP
        >>> record["amount_paid"] <= record["amount_due"]  # doctest: +SKIP
        True
    """
    k = get_kind(kind)
    if _builtin(k):
        return st.sampled_from(_pool().valid[k.name]).map(dict)
    batch = st.lists(_candidates(k), min_size=_BATCH, max_size=_BATCH)
    return batch.map(lambda records: _first_passing(k, records)).filter(_is_record).map(_record)


def _is_record(r: Record | None) -> bool:
    return r is not None


def _record(r: Record | None) -> Record:
    assert r is not None
    return r


def frames(
    kind: str | RecordKind, *, min_size: int = 0, max_size: int = 10
) -> st.SearchStrategy[pl.DataFrame]:
    """Typed frames (as ``validate(...).valid`` gives them) of valid, mutually unique records."""
    k = get_kind(kind)
    unique = tuple(f.name for f in k.fields if f.unique)

    def key(name: str) -> Callable[[Record], object]:
        return lambda r: r.get(name)

    records = st.lists(
        valid_records(k),
        min_size=min_size,
        max_size=max_size,
        unique_by=tuple(key(n) for n in unique) or None,
    )
    return records.map(lambda rs: make_frame(k, rs))


def _bad_values(f: Field, valid: object) -> st.SearchStrategy[object]:
    if f.dtype in {"decimal", "rate"}:
        return st.decimals(Decimal("-1000"), Decimal("-0.01"), places=2)
    if f.dtype == "int":
        return st.integers(-100, -1)
    text = str(valid) if valid is not None else "X"
    mutated = st.sampled_from(
        [text[:-1] + c for c in "0123456789AX" if c != text[-1:]] + [text[:-1], text + "1"]
    )
    return st.one_of(mutated, _TEXT.filter(bool))


def defective_records(kind: str | RecordKind, defect: str) -> st.SearchStrategy[TextRecord]:
    """Records of ``kind``, as text, with the one chosen defect (see :func:`defects`).

    Example:
        >>> @given(defective_records("admin_penalty", "subject_uscc:uscc"))
        ... def test_bad_code_is_quarantined(rec):
        ...     text = make_text_frame("admin_penalty", [rec])
        ...     result = validate(text, kind="admin_penalty")
        ...     assert result.quarantine["_reasons"].to_list() == [["subject_uscc:uscc"]]
    """
    k = get_kind(kind)
    known = defects(k)
    if defect not in known:
        raise ValueError(
            f"unknown defect {defect!r} for kind {k.name!r} (known: {', '.join(known)})"
        )
    if _builtin(k):
        return st.sampled_from(_pool().defective[k.name][defect]).map(dict)
    target, _, check = defect.partition(":")

    def fails(rec: Record) -> bool:
        v = _verdicts(k, [rec])
        if v.get_column(defect).fill_null(True).all():
            return False
        others = [c for c in v.columns if c != defect]
        return not others or bool(v.select(pl.all_horizontal(others)).item())

    if target == "row":
        out = _candidates(k).filter(fails)
    elif check == "not_null":
        out = valid_records(k).map(lambda r: {**r, target: None})
    elif check == "enum":
        f = k.field(target)
        outside = _TEXT.filter(lambda t: bool(t) and t not in (f.enum or ()))
        out = valid_records(k).flatmap(lambda r: outside.map(lambda v: {**r, target: v}))
    else:
        f = k.field(target)
        out = (
            valid_records(k)
            .flatmap(lambda r: _bad_values(f, r.get(target)).map(lambda v: {**r, target: v}))
            .filter(fails)
        )
    return out.map(lambda r: {name: _as_text(v) for name, v in r.items()})
