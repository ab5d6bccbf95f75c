"""Row accounting under random file shapes and mappings (hypothesis): whatever stands above
the header, however the headers are named, ordered, repeated or mapped, and wherever blank
lines and repeated headers fall, every record is read once, in order, and every other line
is counted."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import credit_ledger
from credit_ledger.kinds import get_kind
from tests.conftest import debtor

KIND = "dishonest_debtor"
COLUMNS = list(debtor())
NAMES = ["某某商贸有限公司", "另一家公司", "第三家企业有限公司", "某某建材经营部"]


@st.composite
def shapes(draw: st.DrawFn) -> dict[str, object]:
    """A random export: records, header names, column order, lines above the header,
    blank lines and repeated headers among the records, an encoding."""
    kind = get_kind(KIND)
    records = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=15))
    order = draw(st.permutations(COLUMNS))
    headers: dict[str, str] = {}
    mapping: dict[str, str] = {}
    for column in order:
        style = draw(st.sampled_from(["name", "alias", "user"]))
        aliases = kind.field(column).aliases
        if style == "alias" and aliases:
            headers[column] = draw(st.sampled_from(aliases))
        elif style == "user":
            headers[column] = f"自定义列{len(mapping) + 1}"
            mapping[headers[column]] = column
        else:
            headers[column] = column
    above = draw(
        st.lists(
            st.sampled_from(
                [["某法院失信被执行人名单"], ["查询日期", "2025-01-06"], [], ["第1页"]]
            ),
            max_size=4,
        )
    )
    between = draw(
        st.lists(st.sampled_from(["blank", "header"]), min_size=len(records), max_size=len(records))
    )
    extra = draw(st.booleans())
    return {
        "records": records,
        "order": order,
        "headers": headers,
        "mapping": mapping,
        "above": above,
        "between": between,
        "extra": extra,
        "encoding": draw(st.sampled_from(["utf-8", "gbk", "utf-8-sig"])),
        "breaks": draw(st.lists(st.booleans(), min_size=len(records), max_size=len(records))),
    }


def _write(shape: dict[str, object], path: Path) -> tuple[int, int]:
    """Write the export; returns (blank lines, repeated headers) among the records."""
    order: list[str] = shape["order"]  # type: ignore[assignment]
    headers: dict[str, str] = shape["headers"]  # type: ignore[assignment]
    header = [headers[c] for c in order]
    if shape["extra"]:
        # A scraped copy of the last column under a header that folds to the same name.
        header.append(" ".join(header[-1]) if len(header[-1]) > 1 else header[-1])
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for row in shape["above"]:  # type: ignore[attr-defined]
        w.writerow(row)
    w.writerow(header)
    blanks = repeats = 0
    for i, (name, brk, what) in enumerate(
        zip(shape["records"], shape["breaks"], shape["between"], strict=True)  # type: ignore[call-overload]
    ):
        record = debtor(debtor_name=name, case_no=f"(2024)冀0105执{i + 1}号")  # distinct records
        values = [record[c] for c in order]
        w.writerow(values + values[-1:] if shape["extra"] else values)
        if brk and what == "blank":
            out.write("\n")
            blanks += 1
        elif brk:
            w.writerow(header)
            repeats += 1
    path.write_bytes(out.getvalue().encode(str(shape["encoding"])))
    return blanks, repeats


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes())
def test_every_record_once_in_order_and_every_other_line_counted(shape: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        blanks, repeats = _write(shape, path)
        lf = credit_ledger.read(path, kind=KIND, columns=shape["mapping"] or None)  # type: ignore[arg-type]
        result = credit_ledger.validate(lf, kind=KIND)
    s = result.summary
    records: list[str] = shape["records"]  # type: ignore[assignment]
    assert s.rows_in == len(records)
    assert s.rows_valid == len(records), s.by_reason
    assert s.skipped.get("blank_line", 0) == blanks
    assert s.skipped.get("repeated_header", 0) == repeats
    assert result.valid["debtor_name"].to_list() == records
