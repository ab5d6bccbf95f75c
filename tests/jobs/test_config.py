"""The job file: TOML errors, unknown keys with suggestions, precedence CLI > env > file >
defaults."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from credit_ledger.errors import ConfigError, SourceNotFoundError
from credit_ledger.jobs import load_job, mask_uri, parse_job
from credit_ledger.jobs._config import _KEYS
from credit_ledger.plugins import PluginSelection
from credit_ledger.rules import Severity
from tests.jobs._schema_check import errors as schema_errors

ROOT = Path(__file__).resolve().parents[2]
SOURCE = {"kind": "dishonest_debtor", "path": "in/*.csv"}
NO_ENV: dict[str, str] = {}


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "job.toml"
    path.write_text('[job]\nledger = "x"\nas_of = \n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"job\.toml: invalid TOML: .*line 3"):
        load_job(path)


def test_missing_job_file(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match="no such job file"):
        load_job(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[job]\nledgr = "x"\n', r"unknown key \[job\] 'ledgr'; did you mean 'ledger'\?"),
        ('sorces = []\n[job]\nledger = "x"\n', r"unknown key 'sorces'; did you mean 'sources'\?"),
        (
            '[job]\nledger = "x"\n[[sources]]\nkind = "k"\npth = "a.csv"\n',
            r"unknown key \[\[sources\]\] 'pth'; did you mean 'path'\?",
        ),
        (
            '[job]\nledger = "x"\n[outputs]\ndirectory = "o"\n',
            r"unknown key \[outputs\] 'directory'; did you mean 'dir'\?",
        ),
        (
            '[job]\nledger = "x"\n[[rules.waivers]]\nrule = "a.b"\nreason = "r"\n'
            "untill = 2025-01-01\n",
            r"unknown key \[\[rules.waivers\]\] 'untill'; did you mean 'until'\?",
        ),
        (
            '[job]\nledger = "x"\n[plugins]\nalow = ["a"]\n',
            r"unknown key \[plugins\] 'alow'; did you mean 'allow'\?",
        ),
    ],
)
def test_unknown_keys_name_the_closest_valid_one(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "job.toml"
    path.write_text(text + '\n[[sources]]\nkind = "dishonest_debtor"\npath = "a.csv"\n')
    with pytest.raises(ConfigError, match=message):
        load_job(path, environ=NO_ENV)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"path": "a.csv"}, "'kind' .* is required"),
        ({"kind": "k"}, "either 'path'"),
        ({"kind": "k", "path": "a.csv", "uri": "postgresql://h/db"}, "either 'path'"),
        ({"kind": "k", "uri": "postgresql://h/db"}, "either 'table' or 'query'"),
    ],
)
def test_bad_sources(source: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_job({"job": {"ledger": "x"}, "sources": [source]}, environ=NO_ENV)


def test_defaults_and_relative_paths(tmp_path: Path, make_job: Callable[..., Path]) -> None:
    job = load_job(make_job(sources=[SOURCE]), environ=NO_ENV)
    assert job.ledger == tmp_path / "ledger"
    assert job.as_of is None
    assert job.fail_on is Severity.ERROR
    assert job.log_format == "text"
    assert job.evaluate_on == "state"
    assert job.kinds == ("dishonest_debtor",)
    assert job.sources[0].name == "in/*.csv"
    assert job.outputs.dir is None
    assert set(job.origins.values()) == {"default", "file"}


def test_precedence_cli_over_env_over_file(make_job: Callable[..., Path]) -> None:
    path = make_job(
        sources=[SOURCE],
        job={"as_of": "2025-01-01", "fail_on": "critical", "log_format": "text"},
        extra='[plugins]\ndeny = ["from_file"]\nallow = ["from_file"]\n',
    )
    env = {
        "CREDIT_LEDGER_AS_OF": "2025-02-02",
        "CREDIT_LEDGER_FAIL_ON": "warning",
        "CREDIT_LEDGER_PLUGINS_ALLOW": "from_env",
        "CREDIT_LEDGER_LEDGER": "/env/ledger",
    }
    job = load_job(path, environ=env)
    assert job.as_of == dt.date(2025, 2, 2)
    assert job.fail_on is Severity.WARNING
    assert job.ledger == Path("/env/ledger")
    assert job.log_format == "text"
    assert job.plugins.selection.allow == {"from_env"}
    assert job.plugins.selection.deny == {"from_file"}
    assert job.origins["as_of"] == "env"
    assert job.origins["log_format"] == "file"
    job = load_job(
        path,
        environ=env,
        as_of=dt.date(2025, 3, 3),
        fail_on="info",
        log_format="json",
        plugins=PluginSelection.parse(allow=["from_cli"]),
    )
    assert (job.as_of, job.fail_on, job.log_format) == (dt.date(2025, 3, 3), Severity.INFO, "json")
    assert job.plugins.selection.allow == {"from_cli"}
    assert job.origins["as_of"] == "cli"


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ({"fail_on": "fatal"}, "'fatal' is not one of info, warning, error, critical"),
        ({"as_of": "31/01/2025"}, "not a date"),
        ({"log_format": "xml"}, "log_format 'xml'"),
        ({"evaluate_on": "everything"}, "evaluate_on"),
    ],
)
def test_bad_values(job: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_job({"job": {"ledger": "x", **job}, "sources": [SOURCE]}, environ=NO_ENV)


def test_other_config_errors() -> None:
    with pytest.raises(ConfigError, match="no ledger directory"):
        parse_job({"sources": [SOURCE]}, environ=NO_ENV)
    with pytest.raises(ConfigError, match="nothing to run"):
        parse_job({"job": {"ledger": "x"}}, environ=NO_ENV)
    with pytest.raises(ConfigError, match="used twice"):
        parse_job({"job": {"ledger": "x"}, "sources": [SOURCE, SOURCE]}, environ=NO_ENV)
    with pytest.raises(ConfigError, match="did you mean 'findings'"):
        parse_job(
            {"job": {"ledger": "x"}, "sources": [SOURCE], "outputs": {"write": ["finding"]}},
            environ=NO_ENV,
        )
    with pytest.raises(ConfigError, match="format version 2"):
        parse_job({"version": 2, "job": {"ledger": "x"}, "sources": [SOURCE]}, environ=NO_ENV)


def test_resolved_config_masks_passwords() -> None:
    job = parse_job(
        {
            "job": {"ledger": "x"},
            "sources": [{"kind": "k", "uri": "postgresql://app:pw@db:5432/c", "table": "t"}],
        },
        environ=NO_ENV,
    )
    assert job.to_dict()["sources"][0]["uri"] == "postgresql://app:***@db:5432/c"
    assert "pw" not in str(job.to_dict())
    assert mask_uri("postgresql://db/c") == "postgresql://db/c"


def test_example_job_and_schema_agree() -> None:
    job = load_job(ROOT / "examples" / "job.toml", environ=NO_ENV)
    assert job.name == "xinhua-nightly"
    assert job.kinds == ("dishonest_debtor", "judgment_debtor_case")
    assert job.policy.waivers[0].until == dt.date(2025, 6, 30)
    schema = json.loads((ROOT / "schemas" / "job.v1.json").read_text())
    with (ROOT / "examples" / "job.toml").open("rb") as fh:
        data = tomllib.load(fh)
    data["rules"]["waivers"][0]["until"] = str(data["rules"]["waivers"][0]["until"])
    assert schema_errors(data, schema) == []
    # every key the parser accepts is in the schema, and the other way round
    parser_keys = {k: set(v) for k, v in _KEYS.items()}
    assert parser_keys[""] == set(schema["properties"])
    assert parser_keys["[job]"] == set(schema["properties"]["job"]["properties"])
    assert parser_keys["[[sources]]"] == set(schema["properties"]["sources"]["items"]["properties"])
    assert parser_keys["[outputs]"] == set(schema["properties"]["outputs"]["properties"])
