"""The byte kernels agree with plain Polars on arbitrary text, in both implementations; the
identifier kernel (C, the one fast implementation) with the plain-Python reference.

Every value list is also checked as a slice (an Arrow array may start at an offset) and split
over two chunks, with values longer than 12 bytes, which Arrow string views keep out of line.
"""

from __future__ import annotations

import json
import os
import random
import shlex
import subprocess
import sys
import sysconfig
import unicodedata
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_ledger import _kernels, ids
from credit_ledger._kernels import _fold, _numpy
from credit_ledger._parse import parse_dates
from tests import ids_reference as ref

PROPS = settings(max_examples=150, deadline=None, database=None)


def _implementations() -> list[object]:
    found: list[object] = [pytest.param(_numpy, id="numpy")]
    try:
        from credit_ledger._kernels import _compiled  # noqa: PLC0415
    except ImportError:  # test_the_compiled_kernels_are_built says why
        found.append(pytest.param(None, id="native", marks=pytest.mark.skip("not built")))
    else:
        found.append(pytest.param(_compiled, id="native"))
    return found


IMPLEMENTATIONS = pytest.mark.parametrize("impl", _implementations())

# White space of every UTF-8 length, full-width forms, U+FFFD, CJK text and punctuation whose
# last byte looks like white space (局 ends in 0x80, 、 starts with 0xE3), control bytes.
_CHARS = list(
    "aZ09*- 中文局、。（）ＡｚＯ１\t\n\r\x0b\x0c\u0085\u00a0\u1680\u2003\u200a\u2028\u202f"
    "\u205f\u3000\ufffd\uff5e\uff61\u3001《》￥é\u0301\u2011\u200b\ufeff\uff0d"
    "\x00\x01\x08\x0e\x1b\x1f\x7f\x80"
)
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(_CHARS), max_size=16))
_VALUES = st.lists(_TEXT, min_size=1, max_size=25)


def _both_layouts(values: list[str | None]) -> list[pl.Series]:
    """The values as one array, as a slice of a longer one, and in two chunks."""
    series = pl.Series("c", ["pad", *values], dtype=pl.String)
    half = len(values) // 2
    chunked = pl.concat(
        [pl.Series("c", values[:half], dtype=pl.String), series.slice(1 + half)], rechunk=False
    )
    return [pl.Series("c", values, dtype=pl.String), series.slice(1), chunked]


def test_the_compiled_kernels_are_built() -> None:
    if os.environ.get("CREDIT_LEDGER_KERNELS", "").lower() == "numpy":
        pytest.skip("CREDIT_LEDGER_KERNELS=numpy selects the fallback")
    assert _kernels.BACKEND == "native", "the C kernels were not built (is a C compiler there?)"


@IMPLEMENTATIONS
@PROPS
@given(values=_VALUES)
def test_text_flags_match_regex(impl: ModuleType, values: list[str | None]) -> None:
    for s in _both_layouts(values):
        flags = pl.Series(impl.text_flags(s, _kernels.ALL)).cast(pl.Int32)

        def has(bit: int, flags: pl.Series = flags) -> list[bool]:
            return ((flags & bit) != 0).to_list()

        def matches(pattern: str, s: pl.Series = s) -> list[bool]:
            return s.str.contains(pattern).fill_null(False).to_list()

        empty = (s == "").fill_null(False)
        assert has(_kernels.EMPTY) == empty.to_list()
        assert has(_kernels.WIDE) == matches("[\uff00-\uff7f\u3000]")
        assert has(_kernels.REPLACEMENT) == matches("\ufffd")
        assert has(_kernels.UNCLEAN) == matches("[^0-9A-Z*]")
        assert has(_kernels.NON_ASCII) == matches("[^\x00-\x7f]")
        assert has(_kernels.CONTROL) == matches(_CONTROL)
        untrimmed = (s != s.str.strip_chars()).fill_null(False).to_list()
        edge = has(_kernels.EDGE_SPACE)
        if impl is _numpy:  # may over-report; never misses one
            assert all(e for e, u in zip(edge, untrimmed, strict=True) if u)
        else:
            assert edge == untrimmed
        assert flags.filter(empty).to_list() == [_kernels.EMPTY] * int(empty.sum())
        assert flags.filter(s.is_null()).to_list() == [0] * s.null_count()


def _non_empty(s: pl.Series) -> list[str | None]:
    return pl.select(pl.when(s.str.len_bytes() > 0).then(s)).to_series().to_list()


@IMPLEMENTATIONS
@PROPS
@given(values=_VALUES)
def test_cleaning_matches_polars(impl: ModuleType, values: list[str | None]) -> None:
    for s in _both_layouts(values):
        given = s.to_list()
        trimmed, flags = impl.cleaned(s, "trim")
        assert trimmed.to_list() == _non_empty(s.str.strip_chars())
        bad = s.str.contains("\ufffd", literal=True).fill_null(False).to_list()
        assert [bool(f & _kernels.REPLACEMENT) for f in flags] == bad
        for mode in ("trim", "fold_width", "code"):
            control = [bool(f & _kernels.CONTROL) for f in impl.cleaned(s, mode)[1]]
            assert control == s.str.contains(_CONTROL).fill_null(False).to_list()
        folded, _ = impl.cleaned(s, "fold_width")
        wide = s.str.contains("[\uff00-\uff7f\u3000]")
        want = pl.select(
            pl.when(wide).then(_fold.fold_width(s)).otherwise(s.str.strip_chars())
        ).to_series()
        assert folded.to_list() == _non_empty(want)
        codes, _ = impl.cleaned(s, "code")
        assert codes.to_list() == _non_empty(_fold.fold_code(s))
        assert codes.to_list() == [None if v is None else ids._normalize(v) or None for v in given]
        assert s.to_list() == given  # the caller's Series is never changed in place


@IMPLEMENTATIONS
def test_control_flag_is_exactly_the_control_bytes(impl: ModuleType) -> None:
    """Every ASCII byte alone, and at the start, the middle and the end of values of every
    length class (inline in the view, 16-byte blocks, a partial last block, long values):
    CONTROL on C0 controls but tab, LF and CR, and on DEL; never elsewhere (U+0085 and U+0080
    hold 0x80 and 0x85, not a control byte)."""
    controls = {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F}
    values, want = [], []
    for byte in range(0x80):
        ch = chr(byte)
        for n in (0, 5, 11, 15, 16, 31, 47, 70):
            body = "中" * (n // 3) + "a" * (n % 3)
            half = len(body) // 2
            for value in (ch + body, body + ch, body[:half] + ch + body[half:]):
                values.append(value)
                want.append(byte in controls)
    values += ["\u0080\u0085中文", "x" * 40 + "\u0085", None, ""]
    want += [False, False, False, False]
    for s in _both_layouts(values):
        flags = impl.text_flags(s, _kernels.ALL)
        assert [bool(f & _kernels.CONTROL) for f in flags] == want


def test_the_characters_the_c_fold_keeps_are_nfkc_stable() -> None:
    """The C fold (``nfkc_stable`` and ``code_noise`` in _native.c) relies on these facts."""
    kept = [*range(0x4E00, 0xA000), *range(0x3001, 0x3004), *range(0x3008, 0x3012)]
    kept += range(0x3014, 0x3020)
    assert all(unicodedata.normalize("NFKC", chr(c)) == chr(c) for c in kept)
    assert all(
        unicodedata.normalize("NFKC", chr(c)) == chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)
    )
    noise = set(_kernels.NOISE_CHARS)
    assert all(set(unicodedata.normalize("NFKC", c)) <= noise for c in noise)


_DATE_TEXT = st.builds(
    lambda y, m, d, layout: layout.format(y=y, m=m, d=d),
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(
        ["{y:04d}-{m:02d}-{d:02d}", "{y:04d}{m:02d}{d:02d}", "{y:04d}年{m:02d}月{d:02d}日"]
    ),
)
_DATES = st.lists(st.one_of(st.none(), _DATE_TEXT, st.text("0123456789-年月日", max_size=11)))


def _polars_dates(s: pl.Series) -> pl.Series:
    compact = s.str.contains(r"^\d{8}$").fill_null(False)
    # 10 or 13 digits: epoch seconds or milliseconds, as a date in China time (UTC+8)
    epoch = s.str.contains(r"^\d{10}(?:\d{3})?$").fill_null(False)
    number = s.str.to_integer(strict=False)
    seconds = pl.when(s.str.len_bytes() == 13).then(number // 1000).otherwise(number)
    # other spellings need a four-digit year
    four = s.str.contains(r"^\d{4}[-年]").fill_null(False)
    dashed = s.str.strip_suffix("日").str.replace_all("[年月]", "-")
    return pl.select(
        pl.when(compact)
        .then(s.str.to_date("%Y%m%d", strict=False))
        .when(epoch)
        .then(pl.from_epoch((seconds + 8 * 3600) // 86_400, time_unit="d"))
        .when(four)
        .then(dashed.str.to_date("%Y-%m-%d", strict=False))
    ).to_series()


@IMPLEMENTATIONS
@PROPS
@given(values=_DATES)
def test_date_kernel_matches_polars_parsing(impl: ModuleType, values: list[str | None]) -> None:
    for s in _both_layouts(values):
        want = _polars_dates(s).cast(pl.Int32)  # day numbers: Python's date has no year 0
        days, parsed = impl.iso_dates(s)
        kernel = [int(d) if p else None for d, p in zip(days, parsed, strict=True)]
        assert kernel == [w if p else None for w, p in zip(want, parsed, strict=True)]
        assert parse_dates(s).cast(pl.Int32).to_list() == want.to_list()


_CODE_TEXT = st.one_of(
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOZSVa*-", min_size=16, max_size=19),
    st.sampled_from(["91110000600037341L", "11140800558745220K", "360426199101010071", ""]),
    st.none(),
)


@settings(max_examples=200, deadline=None, database=None)
@given(values=st.lists(_CODE_TEXT, min_size=1, max_size=40))
def test_identifier_kernel_matches_python_reference(values: list[str | None]) -> None:
    for s in _both_layouts(values):
        given = s.to_list()
        for level in ("format", "checksum", "strict"):
            want = [None if v is None else ref.uscc_valid(v, level) for v in given]
            assert _kernels.uscc_valid(s, level).to_list() == want, level
        want = [None if v is None else ref.ric_unmasked_valid(v) for v in given]
        assert _kernels.ric_valid(s).to_list() == want


def test_identifier_kernel_on_generated_codes() -> None:
    """Valid codes (and each with a wrong check character) from the testing kit's strategies:
    the kernel and the reference agree on every one."""
    rng = random.Random(14)
    alphabet = ref.ALPHABET
    codes = []
    for _ in range(2_000):
        body = "".join(rng.choice(alphabet[:10] + "ABCDEFGH") for _ in range(8))
        first17 = rng.choice("19ANY") + "1" + "".join(rng.choice("0123456789") for _ in range(6))
        first17 += body + ref.org_check(body)
        code = first17 + ref.uscc_check(first17)
        codes += [code, code[:17] + rng.choice(alphabet.replace(code[17], ""))]
        born = f"{rng.randint(1900, 2099)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        digits = f"{rng.randint(110000, 659999)}{born}{rng.randint(0, 999):03d}"
        codes += [digits + ref.ric_check(digits), digits + "0"]
    s = pl.Series("c", codes)
    assert _kernels.uscc_valid(s, "strict").to_list() == [ref.uscc_valid(c) for c in codes]
    assert _kernels.ric_valid(s).to_list() == [ref.ric_unmasked_valid(c) for c in codes]
    assert sum(ref.uscc_valid(c) for c in codes) >= 2_000


def test_both_implementations_validate_generated_records_alike() -> None:
    """The whole validation of generated messy records, once per implementation, each in its
    own process: the same valid rows and the same quarantine with the same reasons."""
    script = (
        "import sys, polars as pl, credit_ledger as cl\n"
        "from credit_ledger.synth import generate_frames\n"
        "data = generate_frames(4000, seed=7)\n"
        "for kind, frame in sorted(data.frames.items()):\n"
        "    r = cl.validate(frame, kind=kind)\n"
        "    sys.stdout.write(r.valid.write_ndjson() + r.quarantine.write_ndjson())\n"
    )
    runs = {}
    for name in ("native", "numpy"):
        env = {**os.environ, "CREDIT_LEDGER_KERNELS": name}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        runs[name] = done.stdout
    assert runs["native"] == runs["numpy"]
    assert all(reason in runs["numpy"] for reason in (':uscc"', ':date"', ':not_null"'))


_PORTABLE = """
import importlib.util, json, random, sys
spec = importlib.util.spec_from_file_location("credit_ledger._kernels._native", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
sys.modules["credit_ledger._kernels._native"] = module
import polars as pl
from credit_ledger import _kernels
rng = random.Random(5)
chars = json.loads(sys.argv[2])
values = ["".join(rng.choices(chars, k=rng.randrange(0, 70))) for _ in range(4000)]
s = pl.Series("c", [None, *values], dtype=pl.String)
out = {"flags": _kernels.text_flags(s).tolist(), "backend": _kernels.BACKEND}
for mode in ("trim", "fold_width", "code"):
    out[mode] = _kernels.cleaned(s, mode)[0].to_list()
print(json.dumps(out))
"""


def test_the_portable_scan_gives_what_the_sse2_one_gives(tmp_path: Path) -> None:
    """_native.c scans 16 bytes at a time with SSE2 and has a byte loop for other machines.
    Built here with SSE2 turned off, the byte loop must give the same flags and values."""
    if _kernels.BACKEND != "native":
        pytest.skip("the compiled kernels are not in use")
    source = Path(_kernels.__file__).with_name("_native.c")
    target = tmp_path / f"_native{sysconfig.get_config_var('EXT_SUFFIX')}"
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    include = sysconfig.get_paths()["include"]
    build = [*compiler, "-O2", "-shared", "-fPIC", "-U__SSE2__", f"-I{include}", str(source)]
    subprocess.run([*build, "-o", str(target)], check=True, capture_output=True)
    chars = json.dumps(_CHARS)
    done = subprocess.run(
        [sys.executable, "-c", _PORTABLE, str(target), chars],
        capture_output=True,
        text=True,
        check=True,
    )
    portable = json.loads(done.stdout)
    assert portable["backend"] == "native"
    rng = random.Random(5)
    values = ["".join(rng.choices(_CHARS, k=rng.randrange(0, 70))) for _ in range(4000)]
    s = pl.Series("c", [None, *values], dtype=pl.String)
    assert portable["flags"] == _kernels.text_flags(s).tolist()
    for mode in ("trim", "fold_width", "code"):
        assert portable[mode] == _kernels.cleaned(s, mode)[0].to_list()
