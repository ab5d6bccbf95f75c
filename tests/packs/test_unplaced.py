"""Rows that cannot be placed never make a zeroing ledger look better (docs/domain.md §4.1):
in-scope quarantined or undated rows are ``unplaced``, and a ledger with any is not zeroed."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_ledger import evaluate_many
from credit_ledger.errors import ConfigError
from credit_ledger.ingest import read
from credit_ledger.ledger import Ledger
from credit_ledger.plugins import PluginManager
from credit_ledger.validate import validate
from credit_ledger_packs import zeroing
from tests.packs._data import ENTERPRISE

D = dt.date
AS_OF = D(2024, 12, 31)
# Valid codes (check characters computed): two organs and a public institution.
GOV = ("11130105MB03123467", "12130105MB0456788K", "11130105558745220K")
HEADER = [
    "record_id",
    "source_org",
    "region_code",
    "debtor_name",
    "party_type",
    "id_or_uscc",
    "case_no",
    "court",
    "province",
    "basis_doc_no",
    "basis_issuer",
    "duty",
    "performance",
    "dishonest_conduct",
    "filed_on",
    "published_on",
]
CONDUCT = "有履行能力而拒不履行生效法律文书确定义务"
COURT = "石家庄市新华区人民法院"


def row(n: int, code: str, name: str, **over: str) -> dict[str, str]:
    base = {
        "record_id": f"L{n}",
        "source_org": "新华区法院",
        "region_code": "130105",
        "debtor_name": name,
        "party_type": "法人或其他组织",
        "id_or_uscc": code,
        "case_no": f"(2023)冀0105执{100 + n}号",
        "court": COURT,
        "province": "河北",
        "basis_doc_no": "(2022)冀0105民初88号",
        "basis_issuer": COURT,
        "duty": "支付货款100000元",
        "performance": "全部未履行",
        "dishonest_conduct": CONDUCT,
        "filed_on": "2023-03-01",
        "published_on": "2023-06-01",
    }
    base.update(over)
    return base


def why_rows() -> list[dict[str, str]]:
    """Three government-body listings active all of 2024, each with one blemish common in real
    court lists, and two clean company listings (the case from issue 13)."""
    return [
        row(1, GOV[0], "某县人民政府", duty=""),
        row(2, GOV[1], "某县中心医院", case_no="(2015)石新执字第00501号"),
        row(3, GOV[2], "某县住房和城乡建设局", performance="部分履行"),
        row(4, ENTERPRISE, "某建设有限公司"),
        row(5, ENTERPRISE, "某建设有限公司"),
    ]


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        w.writerows(rows)
    return path


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credit_ledger", *argv],
        capture_output=True,
        text=True,
        check=False,
    )


def test_why_case_is_not_zeroed_and_names_the_bodies(tmp_path: Path) -> None:
    path = write(tmp_path / "dishonest_debtor.csv", why_rows())
    out = cli("zeroing", "--as-of", "2024-12-31", "--period", "year", "--json", str(path))
    assert out.returncode == 0, out.stderr
    (year,) = json.loads(out.stdout)
    assert year["zeroed"] is False
    assert year["zeroing_achieved"] is False
    # validation keeps the blemished listings (with warnings), so they are open cases; were they
    # quarantined, they would count as unplaced: either way the period is not zeroed
    assert (year["closing"], year["unplaced"]) == (3, 0)
    assert sum(r["rows"] for r in year["unplaced_reasons"]) >= year["unplaced"]

    bodies = cli("zeroing", "--as-of", "2024-12-31", "--bodies", "--json", str(path))
    assert bodies.returncode == 0, bodies.stderr
    listed = json.loads(bodies.stdout)
    assert sorted(b["code"] for b in listed) == sorted(GOV)
    assert all(b["cases"] + b["unplaced"] == 1 for b in listed)

    text = cli("zeroing", "--as-of", "2024-12-31", "--period", "year", str(path))
    assert "2024: not zeroed:" in text.stdout


def test_unusable_rows_are_unplaced_with_reasons(tmp_path: Path) -> None:
    rows = [
        row(1, GOV[0], "某县人民政府", published_on=""),  # no listing date
        row(2, GOV[1], "某县中心医院", published_on="2023-13-45"),  # no readable date
        row(3, "11130105MB0*****", "某县水利局"),  # unreadable code body, prefix visible
        row(4, ENTERPRISE, "某建设有限公司", published_on=""),  # not in scope
    ]
    path = write(tmp_path / "dishonest_debtor.csv", rows)
    valid = validate(read(path, kind="dishonest_debtor"), kind="dishonest_debtor")
    assert valid.summary.rows_valid + valid.summary.rows_quarantined == 4
    table = zeroing.zeroing_table(
        {"dishonest_debtor": valid.valid},
        quarantine={"dishonest_debtor": valid.quarantine},
        as_of=AS_OF,
        period="year",
    )
    (year,) = table.to_dicts()
    assert (year["closing"], year["unplaced"], year["zeroed"]) == (0, 3, False)
    assert year["exit_rate"] == 0.0  # unplaced rows are not exits
    reasons = {r["reason"] for r in year["unplaced_reasons"]}
    assert any(r.startswith("published_on") for r in reasons), reasons
    assert "row:entity_code" in reasons, reasons


def test_the_engine_passes_quarantine_to_the_zeroing_summaries(
    tmp_path: Path, pm: PluginManager
) -> None:
    path = write(tmp_path / "dishonest_debtor.csv", why_rows())
    v = validate(read(path, kind="dishonest_debtor"), kind="dishonest_debtor")
    result = evaluate_many(
        {"dishonest_debtor": v.valid},
        quarantine={"dishonest_debtor": v.quarantine},
        as_of=AS_OF,
        plugins=pm,
    )
    table = result.summaries["zeroing.dishonest_debtor"]
    december = table.filter(pl.col("period") == "2024-12").to_dicts()[0]
    assert december["closing"] + december["unplaced"] == 3
    assert december["zeroed"] is False
    bodies = result.summaries["zeroing.dishonest_debtor_bodies"]
    assert sorted(bodies["code"].to_list()) == sorted(GOV)


def test_settings_reach_the_summaries_through_evaluate_many(pm: PluginManager) -> None:
    frame = validate(
        pl.DataFrame([row(1, "MB0312346", "某村民委员会")]), kind="dishonest_debtor"
    ).valid
    assert frame.height == 1

    def closing(**kw: object) -> int:
        result = evaluate_many({"dishonest_debtor": frame}, as_of=AS_OF, plugins=pm, **kw)
        table = result.summaries["zeroing.dishonest_debtor"]
        return int(table.filter(pl.col("period") == "2024-12")["closing"].item())

    assert closing() == 0
    assert closing(settings={"packs.extra_gov_codes": ("MB0312346",)}) == 1


def test_an_unknown_setting_names_the_closest_one(pm: PluginManager) -> None:
    frame = pl.DataFrame([row(1, GOV[0], "某县人民政府")])
    with pytest.raises(ConfigError, match=r"packs\.extra_gov_codes"):
        evaluate_many(
            {"dishonest_debtor": frame},
            as_of=AS_OF,
            plugins=pm,
            settings={"packs.extra_gov_code": ("X",)},
        )


def _quarantined(code: str, reason: str, name: str) -> dict[str, object]:
    return {"id_or_uscc": code, "debtor_name": name, "_reasons": [reason], "_row": 1}


_VALID = pl.DataFrame(
    {
        "id_or_uscc": [GOV[0], GOV[1], ENTERPRISE],
        "party_type": ["legal_entity"] * 3,
        "debtor_name": ["某县人民政府", "某县中心医院", "某公司"],
        "case_no": ["(2024)冀0105执1号", "(2024)冀0105执2号", "(2024)冀0105执3号"],
        "court": [COURT] * 3,
        "published_on": [D(2024, 1, 5), D(2024, 2, 1), D(2024, 3, 1)],
        "removed_on": [D(2024, 4, 1), None, None],
    }
)

codes = st.sampled_from([*GOV, "12000000****123X", " ｌ1130105558745220K", "11130105558745220k"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    removed=st.lists(st.booleans(), min_size=3, max_size=3),
    extra=st.lists(st.tuples(codes, st.sampled_from(["case_no:case_no", "duty:not_null"]))),
)
def test_adding_in_scope_quarantined_rows_never_improves_the_ledger(
    removed: list[bool], extra: list[tuple[str, str]]
) -> None:
    valid = _VALID.with_columns(
        pl.when(pl.Series(removed)).then(pl.lit(D(2024, 6, 1))).otherwise(None).alias("removed_on")
    )
    base = [_quarantined(ENTERPRISE, "duty:not_null", "某公司")]
    before = zeroing.zeroing_table(
        {"dishonest_debtor": valid},
        quarantine={"dishonest_debtor": pl.DataFrame(base)},
        as_of=AS_OF,
    )
    more = base + [_quarantined(c, r, "某局") for c, r in extra]
    after = zeroing.zeroing_table(
        {"dishonest_debtor": valid},
        quarantine={"dishonest_debtor": pl.DataFrame(more)},
        as_of=AS_OF,
    )
    for b, a in zip(before.iter_rows(named=True), after.iter_rows(named=True), strict=True):
        assert not (a["zeroed"] and not b["zeroed"])
        assert a["closing"] + a["unplaced"] >= b["closing"] + b["unplaced"]
        assert a["opening"] + a["new"] - a["closed"] == a["closing"]
    # an in-scope quarantined row always denies "zeroed"
    in_scope = [c for c, _ in extra if not c.startswith(" ｌ")]
    if in_scope:
        assert not after["zeroed"].any()


def test_a_job_stores_unplaced_and_history_says_not_zeroed(tmp_path: Path) -> None:
    incoming = tmp_path / "in"
    incoming.mkdir()
    write(incoming / "dishonest_debtor.csv", why_rows())
    job = tmp_path / "job.toml"
    job.write_text(
        'version = 1\n[job]\nname = "t"\nledger = "ledger"\nkinds = ["dishonest_debtor"]\n'
        '[[sources]]\nname = "spc"\nkind = "dishonest_debtor"\npath = "in/dishonest_debtor.csv"\n'
        '[plugins]\nmodules = ["credit_ledger_packs.common", "credit_ledger_packs.zeroing"]\n',
        encoding="utf-8",
    )
    ran = cli("run", str(job), "--as-of", "2024-12-31")
    assert ran.returncode in (0, 1), ran.stderr  # 1: the listings are findings
    stored = Ledger(tmp_path / "ledger").summary("zeroing.dishonest_debtor").collect()
    december = stored.filter(pl.col("period") == "2024-12").to_dicts()[0]
    assert december["zeroed"] is False
    assert december["closing"] + december["unplaced"] == 3
    history = cli("history", "--job", str(job))
    assert history.returncode == 0, history.stderr
    line = next(x for x in history.stdout.splitlines() if "zeroing.dishonest_debtor 2024-12" in x)
    assert "zeroed" not in line.replace("not zeroed", "")
    if december["unplaced"]:
        assert f"unplaced {december['unplaced']} (not zeroed)" in line
