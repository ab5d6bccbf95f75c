"""Shared fixtures: small, hand-checked records written as real files."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

# Real codes (docs/domain.md §1): an enterprise, a government organ, a public institution.
ENTERPRISE = "91110000600037341L"
ORGAN = "11140800558745220K"
INSTITUTION = "12100000470095016Q"
RIC = "360426199101010071"

DEBTOR_HEADERS_ZH = {
    "debtor_name": "被执行人姓名/名称",
    "party_type": "partyTypeName",
    "id_or_uscc": "身份证号码/组织机构代码",
    "case_no": "案号",
    "court": "执行法院",
    "province": "省份",
    "basis_doc_no": "执行依据文号",
    "basis_issuer": "做出执行依据单位",
    "duty": "生效法律文书确定的义务",
    "performance": "被执行人的履行情况",
    "dishonest_conduct": "失信被执行人行为具体情形",
    "filed_on": "立案时间",
    "published_on": "发布时间",
}


def debtor(**overrides: str) -> dict[str, str]:
    """One valid dishonest-debtor record (a legal entity), canonical names, as text."""
    row = {
        "debtor_name": "石家庄市新华区某某商贸有限公司",
        "party_type": "1",
        "id_or_uscc": ENTERPRISE,
        "case_no": "(2024)冀0105执1234号",
        "court": "石家庄市新华区人民法院",
        "province": "河北",
        "basis_doc_no": "(2023)冀0105民初88号",
        "basis_issuer": "石家庄市新华区人民法院",
        "duty": "支付货款100000元",
        "performance": "全部未履行",
        "dishonest_conduct": "有履行能力而拒不履行生效法律文书确定义务",
        "filed_on": "2024-01-05",
        "published_on": "2024年02月01日",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    rows: Sequence[dict[str, str]],
    *,
    headers: dict[str, str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """Write ``rows`` (canonical names) with the given header names and encoding."""
    names = list(rows[0]) if rows else list(DEBTOR_HEADERS_ZH)
    header_names = [(headers or {}).get(n, n) for n in names]
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header_names)
        for r in rows:
            w.writerow([r.get(n, "") for n in names])
    return path


@pytest.fixture
def debtor_csv(tmp_path: Path) -> Callable[..., Path]:
    """Factory: write dishonest-debtor rows to a CSV file and return its path."""

    def make(
        rows: Sequence[dict[str, str]],
        name: str = "dishonest_debtor.csv",
        encoding: str = "utf-8",
        chinese: bool = True,
    ) -> Path:
        return write_csv(
            tmp_path / name,
            rows,
            headers=DEBTOR_HEADERS_ZH if chinese else None,
            encoding=encoding,
        )

    return make
