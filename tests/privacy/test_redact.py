"""The masking layer: formats, natural persons only, exception texts, the unmasked switch."""

from __future__ import annotations

import datetime as dt

import polars as pl

from credit_ledger import evaluate
from credit_ledger._redact import (
    mask_code,
    mask_code_expr,
    mask_id,
    mask_name,
    mask_phone,
    redact_text,
    unmasked,
)
from credit_ledger.errors import describe
from credit_ledger.rules import Rule, Scope

ORGAN = "11140800558745220K"  # a government organ's USCC (docs/domain.md §1.1)
PERSON = "130105199001011237"


def test_formats() -> None:
    assert mask_id(PERSON) == "130105********1237"
    assert mask_id("1301051991****9873") == "130105********9873"
    assert mask_name("张晓燕") == "张*"
    assert mask_phone("13812341234") == "138****1234"


def test_legal_entities_codes_are_public() -> None:
    for code in (ORGAN, "91110000600037341L", "55874522X", "9114082306****333G"):
        assert mask_code(code) == code
    codes = pl.DataFrame({"c": [ORGAN, "55874522X", PERSON, "3423011964****3224", None]})
    assert codes.select(mask_code_expr(pl.col("c")))["c"].to_list() == [
        ORGAN,
        "55874522X",
        "130105********1237",
        "342301********3224",
        None,
    ]


def test_plugin_exception_keeps_type_and_masks_values() -> None:
    exc = ValueError("invalid literal for int() with base 10: '张晓燕'")
    assert describe(exc, typed=True) == "ValueError: invalid literal for int() with base 10: '张*'"
    text = f'row of 李四 ("石家庄市新华区豪睿服装店") id {PERSON}, phone 13812341234, org {ORGAN}'
    assert redact_text(text) == (
        f'row of 李* ("石*") id 130105********1237, phone 138****1234, org {ORGAN}'
    )
    assert redact_text("missing column 'debtor_name' in rule 'zeroing.minor_listed'") == (
        "missing column 'debtor_name' in rule 'zeroing.minor_listed'"
    )


def test_unmasked_switches_everything_off() -> None:
    with unmasked():
        assert mask_id(PERSON) == PERSON
        assert redact_text("'张晓燕'") == "'张晓燕'"
    assert mask_id(PERSON) == "130105********1237"


def test_findings_mask_persons_keys_only() -> None:
    listings = pl.DataFrame(
        {
            "record_id": ["a", "b", "c", "d"],
            "id_or_uscc": [PERSON, PERSON, ORGAN, ORGAN],
            "n": [1, 2, 3, 4],
        }
    )
    from credit_ledger.kinds import Field, RecordKind  # noqa: PLC0415

    kind = RecordKind(
        name="toy_listing",
        version=1,
        title="toy",
        fields=(
            Field(name="record_id"),
            Field(name="id_or_uscc", personal=True),
            Field(name="n", dtype="int"),
        ),
        subject_code="id_or_uscc",
    )
    rule = Rule(
        id="t.one_listing",
        title="one listing per subject",
        violation="several listings of one subject",
        kind="toy_listing",
        scope=Scope.ENTITY,
        check=pl.len() <= 1,
    )
    res = evaluate(listings, kind=kind, as_of=dt.date(2025, 1, 31), rules=[rule])
    assert sorted(res.findings["entity_key"]) == [ORGAN, "130105********1237"]
    assert set(res.findings["message"]) == {"several listings of one subject"}
