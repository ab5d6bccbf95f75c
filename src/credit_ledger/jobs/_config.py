"""The job file (TOML, ``schemas/job.v1.json``) and its precedence: CLI > environment > file >
defaults. Unknown keys are errors that name the key and the closest valid one."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from credit_ledger.corrections import CORRECTIONS_OUTPUT
from credit_ledger.errors import ConfigError, SourceNotFoundError
from credit_ledger.plugins import PluginConfig, PluginSelection
from credit_ledger.quarantine_files import RUN_OUTPUTS, require_xlsxwriter
from credit_ledger.rules import RulePolicy, Severity

__all__ = [
    "ENV_AS_OF",
    "ENV_FAIL_ON",
    "ENV_LEDGER",
    "ENV_LOG_FORMAT",
    "ENV_OUTPUT_DIR",
    "OUTPUT_NAMES",
    "HistoryConfig",
    "Job",
    "OutputConfig",
    "SourceConfig",
    "load_job",
    "mask_uri",
    "parse_job",
]

JOB_FORMAT_VERSION = 1
ENV_LEDGER = "CREDIT_LEDGER_LEDGER"
ENV_AS_OF = "CREDIT_LEDGER_AS_OF"
ENV_FAIL_ON = "CREDIT_LEDGER_FAIL_ON"
ENV_LOG_FORMAT = "CREDIT_LEDGER_LOG_FORMAT"
ENV_OUTPUT_DIR = "CREDIT_LEDGER_OUTPUT_DIR"
ENV_BATCH_ROWS = "CREDIT_LEDGER_BATCH_ROWS"
ENV_ENGINE = "CREDIT_LEDGER_ENGINE"

ENGINES = ("memory", "streamed", "spark")
"""Execution modes of a run (docs/architecture.md, "The pipeline and its execution modes")."""

_SPARK_KEYS = frozenset({"master", "partition_rows", "driver_rows"})

OUTPUT_NAMES = ("summary", "findings", "quarantine", "summaries", "manifest")
"""Outputs the host writes: ``summary.json``, ``findings.parquet``, ``quarantine.parquet``,
``<name>.csv`` per persisted summary (``Summary(persist=...)``), ``manifest.json``."""

_KEYS: dict[str, frozenset[str]] = {
    "": frozenset({"version", "job", "sources", "plugins", "rules", "outputs", "history"}),
    "[job]": frozenset(
        {"name", "ledger", "as_of", "fail_on", "log_format", "kinds", "evaluate_on"}
        | {"batch_rows", "engine", "spark"}
    ),
    "[[sources]]": frozenset(
        {"name", "kind", "path", "uri", "uri_env", "table", "query", "encoding", "sheet"}
        | {"optional", "columns", "header_row", "records_path", "format"}
    ),
    "[plugins]": frozenset({"allow", "deny", "required", "strict", "settings", "modules"}),
    "[rules]": frozenset({"severity", "waivers"}),
    "[[rules.waivers]]": frozenset({"rule", "reason", "records", "entities", "until"}),
    "[outputs]": frozenset({"dir", "write", "reporters"}),
    "[history]": frozenset({"window", "rows_threshold", "quarantine_threshold"}),
}


def mask_uri(uri: str) -> str:
    """``uri`` with its password replaced by ``***`` (safe for logs and manifests).

    Example:
        >>> mask_uri("postgresql://app:s3cret@db:5432/credit")
        'postgresql://app:***@db:5432/credit'
    """
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _check_keys(where: str, table: Mapping[str, object], origin: str) -> None:
    valid = _KEYS[where]
    for key in table:
        if key in valid:
            continue
        close = difflib.get_close_matches(str(key), sorted(valid), n=1, cutoff=0.0)
        place = f"{where} " if where else ""
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(
            f"{origin}: unknown key {place}{key!r}{hint} (valid: {', '.join(sorted(valid))})"
        )


@dataclass(frozen=True, kw_only=True)
class SourceConfig:
    """One ``[[sources]]`` entry: files (a path or a glob) or a database table or query.

    Attributes:
        name: stable name of the source (drift is tracked per name); default: the path or
            table.
        kind: the record kind its rows are.
        path: a file or glob, relative to the job file; ``{as_of}`` (or ``{as_of:%Y%m%d}``)
            is replaced by the run date.
        uri: a database URI (``postgresql://user@host:5432/db``); prefer ``uri_env``.
        uri_env: the environment variable holding the URI (keeps passwords out of files).
        table: a table to read (``schema.table``), or ``query``: a SELECT.
        encoding: text encoding of CSV files (default: detected).
        sheet: sheet of ``.xlsx`` files.
        optional: a glob matching no file is not an error.
        columns: source header → canonical column, over the built-in header matching
            (``columns = { "企业名称" = "subject_name" }``; see ``credit-ledger inspect``).
        header_row: 1-based row of the header in CSV files and sheets (default: found).
        records_path: where JSON documents keep their records (``data.0.result``).
        format: read the files as this source format (built-in or a plugin's) whatever
            their suffix.
    """

    name: str
    kind: str
    path: str | None = None
    uri: str | None = None
    uri_env: str | None = None
    table: str | None = None
    query: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    optional: bool = False
    columns: Mapping[str, str] | None = None
    header_row: int | None = None
    records_path: str | None = None
    format: str | None = None

    @property
    def is_database(self) -> bool:
        """Whether the source is a database table or query."""
        return self.path is None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form without secrets (a URI's password is masked)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "path": self.path,
            "uri": mask_uri(self.uri) if self.uri else None,
            "uri_env": self.uri_env,
            "table": self.table,
            "query": self.query,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "optional": self.optional,
            # Only when given: a job without them keeps its run key.
            **{k: v for k, v in self.read_options().items() if v is not None},
        }

    def read_options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`credit_ledger.read` this source sets."""
        return {
            "columns": dict(self.columns) if self.columns else None,
            "header_row": self.header_row,
            "records_path": self.records_path,
            "format": self.format,
        }


@dataclass(frozen=True, kw_only=True)
class OutputConfig:
    """The ``[outputs]`` table.

    Attributes:
        dir: where outputs go (``{as_of}``, ``{run_id}`` and ``{job}`` are replaced); None
            writes no output files (the ledger still records the run).
        write: which of :data:`OUTPUT_NAMES` to write, and ``quarantine.csv`` /
            ``quarantine.xlsx``: the quarantine for people (original headers and values).
        reporters: plugin reporters to run (by name).
    """

    dir: Path | None = None
    write: tuple[str, ...] = OUTPUT_NAMES
    reporters: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HistoryConfig:
    """The ``[history]`` table: drift detection of ``credit-ledger history``."""

    window: int = 5
    rows_threshold: float = 0.5
    quarantine_threshold: float = 0.05


@dataclass(frozen=True, kw_only=True)
class Job:
    """A resolved job: the file's settings with environment and CLI overrides applied.

    Build it with :func:`load_job` (from a TOML file) or :func:`parse_job` (from a mapping).

    Attributes:
        name: the job's name.
        path: the job file, if any; relative paths are resolved against ``base_dir``.
        base_dir: directory relative paths are resolved against.
        ledger: the ledger directory.
        as_of: the run date, if set by the CLI, environment or file (else: today, at run time).
        fail_on: findings at or above this severity make the run's exit code 1.
        log_format: ``text`` or ``json``.
        evaluate_on: ``state`` (rules see every record in the ledger after this batch) or
            ``batch`` (rules see only this batch's records).
        kinds: record kinds of the job: every source's kind plus any kind listed in the file
            (evaluated on the ledger state even on a day without a delivery).
        batch_rows: stream the run, validating this many rows at a time, for inputs larger
            than memory (same results as in memory); None runs in memory. With the Spark
            engine: rows per Arrow batch handed to Python.
        engine: ``memory``, ``streamed`` (the default when ``batch_rows`` is set) or ``spark``
            (``credit-ledger[spark]``); the same results in every engine.
        spark: options of the Spark engine (``[job.spark]``): ``master``, ``partition_rows``,
            ``driver_rows`` and any ``spark.*`` option of the session it builds.
        sources: where records come from.
        plugins: plugin selection, settings and extra modules.
        policy: severity overrides and waivers.
        outputs: output files.
        history: drift thresholds.
        origins: where each overridable setting came from (``cli``, ``env``, ``file``,
            ``default``).
    """

    name: str
    path: Path | None
    base_dir: Path
    ledger: Path
    as_of: dt.date | None
    fail_on: Severity
    log_format: Literal["text", "json"]
    evaluate_on: Literal["state", "batch"]
    kinds: tuple[str, ...]
    batch_rows: int | None
    sources: tuple[SourceConfig, ...]
    plugins: PluginConfig
    policy: RulePolicy
    outputs: OutputConfig
    history: HistoryConfig = field(default_factory=HistoryConfig)
    origins: Mapping[str, str] = field(default_factory=dict)
    engine: Literal["memory", "streamed", "spark"] = "memory"
    spark: Mapping[str, str | int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The resolved configuration, JSON-ready (for the manifest and the run key)."""
        return {
            "name": self.name,
            "fail_on": self.fail_on.value,
            "evaluate_on": self.evaluate_on,
            "batch_rows": self.batch_rows,
            "engine": self.engine,
            "kinds": list(self.kinds),
            "sources": [s.to_dict() for s in self.sources],
            "plugins": {
                **self.plugins.selection.to_dict(),
                "modules": list(self.plugins.modules),
                "settings": {k: str(v) for k, v in sorted(self.plugins.settings.items())},
            },
            "rules": {
                "severity": {k: v.value for k, v in sorted(self.policy.severity.items())},
                "waivers": [
                    {
                        "rule": w.rule_id,
                        "reason": w.reason,
                        "records": list(w.records),
                        "entities": list(w.entities),
                        "until": w.until.isoformat() if w.until else None,
                    }
                    for w in self.policy.waivers
                ],
            },
            "outputs": {
                "dir": str(self.outputs.dir) if self.outputs.dir else None,
                "write": list(self.outputs.write),
                "reporters": list(self.outputs.reporters),
            },
        }


def _str_list(where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def _date(where: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def _severity(where: str, value: object) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise ConfigError(f"{where}: {value!r} is not one of {choices}") from None


def _batch_rows(where: str, value: object) -> int:
    try:
        rows = int(str(value).strip()) if not isinstance(value, bool) else 0
    except ValueError:
        rows = 0
    if rows < 1:
        raise ConfigError(f"{where}: {value!r} is not a positive number of rows")
    return rows


def _source(raw: object, index: int, origin: str) -> SourceConfig:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{origin}: [[sources]] entries must be tables")
    _check_keys("[[sources]]", raw, origin)
    where = f"{origin}: [[sources]] #{index + 1}"
    kind = raw.get("kind")
    if not isinstance(kind, str) or not kind:
        raise ConfigError(f"{where}: 'kind' (a record kind) is required")
    has_path = raw.get("path") is not None
    has_db = raw.get("uri") is not None or raw.get("uri_env") is not None
    if has_path == has_db:
        raise ConfigError(f"{where}: give either 'path' (files) or 'uri'/'uri_env' (database)")
    if has_db and (raw.get("table") is None) == (raw.get("query") is None):
        raise ConfigError(f"{where}: a database source needs either 'table' or 'query'")
    for key in (
        "path",
        "uri",
        "uri_env",
        "table",
        "query",
        "encoding",
        "sheet",
        "name",
        "records_path",
        "format",
    ):
        if raw.get(key) is not None and not isinstance(raw.get(key), str):
            raise ConfigError(f"{where}: {key!r} must be a string")
    if not isinstance(raw.get("optional", False), bool):
        raise ConfigError(f"{where}: 'optional' must be true or false")
    columns = raw.get("columns")
    if columns is not None and not (
        isinstance(columns, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items())
    ):
        raise ConfigError(f"{where}: 'columns' must be a table of header = \"column\" strings")
    header_row = raw.get("header_row")
    if header_row is not None and (
        not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1
    ):
        raise ConfigError(f"{where}: 'header_row' must be a row number (1 or more)")
    default_name = raw.get("path") or raw.get("table") or f"query{index + 1}"
    return SourceConfig(
        name=str(raw.get("name") or default_name),
        kind=kind,
        path=raw.get("path"),
        uri=raw.get("uri"),
        uri_env=raw.get("uri_env"),
        table=raw.get("table"),
        query=raw.get("query"),
        encoding=raw.get("encoding"),
        sheet=raw.get("sheet"),
        optional=bool(raw.get("optional", False)),
        columns=dict(columns) if columns else None,
        header_row=header_row,
        records_path=raw.get("records_path"),
        format=raw.get("format"),
    )


def _table(data: Mapping[str, object], key: str, origin: str) -> Mapping[str, object]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{origin}: [{key}] must be a table")
    return value


def _pick(
    cli: object, env_var: str, environ: Mapping[str, str], file: object, default: object
) -> tuple[object, str]:
    if cli is not None:
        return cli, "cli"
    if environ.get(env_var, "").strip():
        return environ[env_var].strip(), "env"
    if file is not None:
        return file, "file"
    return default, "default"


def parse_job(  # noqa: PLR0912, PLR0915 - one flat pass over the file's tables reads best
    data: Mapping[str, object],
    *,
    base_dir: str | PathLike[str] = ".",
    origin: str = "job",
    path: Path | None = None,
    ledger: str | PathLike[str] | None = None,
    as_of: dt.date | str | None = None,
    fail_on: str | None = None,
    log_format: str | None = None,
    output_dir: str | PathLike[str] | None = None,
    batch_rows: int | None = None,
    engine: str | None = None,
    plugins: PluginSelection | None = None,
    environ: Mapping[str, str] | None = None,
) -> Job:
    """Resolve a job from a mapping (a parsed TOML file) and overrides.

    Keyword overrides are the CLI layer; ``environ`` (default ``os.environ``) the environment
    layer (``CREDIT_LEDGER_LEDGER``, ``_AS_OF``, ``_FAIL_ON``, ``_LOG_FORMAT``,
    ``_OUTPUT_DIR``, ``_BATCH_ROWS``, ``_ENGINE``, ``_PLUGINS_ALLOW``/``_DENY``/``_REQUIRED``).

    Raises:
        ConfigError: unknown keys (naming the closest valid one), wrong types, missing values.
    """
    env = os.environ if environ is None else environ
    base = Path(base_dir)
    _check_keys("", data, origin)
    version = data.get("version", JOB_FORMAT_VERSION)
    if version != JOB_FORMAT_VERSION:
        raise ConfigError(f"{origin}: job format version {version!r} (this tool reads 1)")
    job_t = _table(data, "job", origin)
    _check_keys("[job]", job_t, origin)
    out_t = _table(data, "outputs", origin)
    _check_keys("[outputs]", out_t, origin)
    hist_t = _table(data, "history", origin)
    _check_keys("[history]", hist_t, origin)
    rules_t = _table(data, "rules", origin)
    _check_keys("[rules]", rules_t, origin)
    raw_waivers = rules_t.get("waivers", [])
    if isinstance(raw_waivers, list):
        for w in raw_waivers:
            if isinstance(w, Mapping):
                _check_keys("[[rules.waivers]]", w, origin)
    plugins_t = _table(data, "plugins", origin)
    _check_keys("[plugins]", plugins_t, origin)
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{origin}: 'sources' must be an array of tables ([[sources]])")
    sources = tuple(_source(s, i, origin) for i, s in enumerate(raw_sources))
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{origin}: source name(s) used twice: {', '.join(dupes)}")

    origins: dict[str, str] = {}
    ledger_v, origins["ledger"] = _pick(ledger, ENV_LEDGER, env, job_t.get("ledger"), None)
    if ledger_v is None:
        raise ConfigError(f'{origin}: no ledger directory ([job] ledger = "...")')
    as_of_v, origins["as_of"] = _pick(as_of, ENV_AS_OF, env, job_t.get("as_of"), None)
    fail_v, origins["fail_on"] = _pick(fail_on, ENV_FAIL_ON, env, job_t.get("fail_on"), "error")
    log_v, origins["log_format"] = _pick(
        log_format, ENV_LOG_FORMAT, env, job_t.get("log_format"), "text"
    )
    if log_v not in ("text", "json"):
        raise ConfigError(f"{origin}: log_format {log_v!r} is not 'text' or 'json'")
    evaluate_on = job_t.get("evaluate_on", "state")
    if evaluate_on not in ("state", "batch"):
        raise ConfigError(f"{origin}: [job] evaluate_on {evaluate_on!r} is not 'state' or 'batch'")
    batch_v, origins["batch_rows"] = _pick(
        batch_rows, ENV_BATCH_ROWS, env, job_t.get("batch_rows"), None
    )
    engine_v, origins["engine"] = _pick(
        engine,
        ENV_ENGINE,
        env,
        job_t.get("engine"),
        "streamed" if batch_v is not None else "memory",
    )
    if engine_v not in ENGINES:
        close = difflib.get_close_matches(str(engine_v), ENGINES, n=1, cutoff=0.0)
        raise ConfigError(
            f"{origin}: engine {engine_v!r} is not one of {', '.join(ENGINES)}"
            + (f"; did you mean {close[0]!r}?" if close else "")
        )
    if engine_v == "memory" and batch_v is not None:
        raise ConfigError(
            f"{origin}: batch_rows streams the run; it does not go with engine 'memory'"
        )
    spark_t = _table(job_t, "spark", origin)
    unknown = sorted(k for k in spark_t if k not in _SPARK_KEYS and not k.startswith("spark."))
    if unknown:
        raise ConfigError(
            f"{origin}: [job.spark] unknown key(s) {', '.join(unknown)} "
            "(master, partition_rows, driver_rows, or a spark.* option)"
        )
    out_v, origins["output_dir"] = _pick(output_dir, ENV_OUTPUT_DIR, env, out_t.get("dir"), None)
    write = _str_list("[outputs] write", out_t.get("write", list(OUTPUT_NAMES)))
    for w in write:
        if w not in OUTPUT_NAMES and w not in RUN_OUTPUTS and w != CORRECTIONS_OUTPUT:
            valid = (*OUTPUT_NAMES, *RUN_OUTPUTS, CORRECTIONS_OUTPUT)
            close = difflib.get_close_matches(w, valid, n=1, cutoff=0.0)
            raise ConfigError(
                f"{origin}: [outputs] write: unknown output {w!r}; did you mean {close[0]!r}? "
                f"(valid: {', '.join(valid)})"
            )
        if w.endswith(".xlsx") or w == CORRECTIONS_OUTPUT:
            require_xlsxwriter()  # exit 2 before any data is read
    kinds = list(_str_list("[job] kinds", job_t.get("kinds", [])))
    for s in sources:
        if s.kind not in kinds:
            kinds.append(s.kind)
    if not kinds:
        raise ConfigError(f"{origin}: no [[sources]] and no [job] kinds: nothing to run")
    plugin_cfg = PluginConfig.from_mapping(plugins_t)
    env_sel = PluginSelection.from_env(env)
    selection = (plugins or PluginSelection()).over(env_sel.over(plugin_cfg.selection))
    plugin_cfg = PluginConfig(
        selection=selection, settings=plugin_cfg.settings, modules=plugin_cfg.modules
    )
    history = HistoryConfig(
        window=int(hist_t.get("window", 5)),  # type: ignore[call-overload]
        rows_threshold=float(hist_t.get("rows_threshold", 0.5)),  # type: ignore[arg-type]
        quarantine_threshold=float(hist_t.get("quarantine_threshold", 0.05)),  # type: ignore[arg-type]
    )
    return Job(
        name=str(job_t.get("name") or (path.stem if path else "job")),
        path=path,
        base_dir=base,
        ledger=base / Path(str(ledger_v)),
        as_of=None if as_of_v is None else _date(f"{origin}: as_of", as_of_v),
        fail_on=_severity(f"{origin}: fail_on", fail_v),
        log_format="json" if log_v == "json" else "text",
        evaluate_on="batch" if evaluate_on == "batch" else "state",
        kinds=tuple(kinds),
        batch_rows=None if batch_v is None else _batch_rows(f"{origin}: batch_rows", batch_v),
        sources=sources,
        plugins=plugin_cfg,
        policy=RulePolicy.from_mapping(rules_t),
        outputs=OutputConfig(
            dir=None if out_v is None else base / Path(str(out_v)),
            write=write,
            reporters=_str_list("[outputs] reporters", out_t.get("reporters", [])),
        ),
        history=history,
        engine=engine_v,  # type: ignore[arg-type]
        spark={k: v if isinstance(v, int) else str(v) for k, v in spark_t.items()},
        origins=origins,
    )


def load_job(path: str | PathLike[str], **overrides: Any) -> Job:
    """Read a TOML job file and resolve it (see :func:`parse_job` for ``overrides``).

    Raises:
        SourceNotFoundError: the file does not exist.
        ConfigError: invalid TOML (with line and column), unknown keys, wrong values.

    Example:
        >>> job = load_job("examples/job.toml", as_of="2025-01-31")  # doctest: +SKIP
        >>> job.ledger  # doctest: +SKIP
        PosixPath('examples/var/ledger')
    """
    file = Path(path)
    if not file.is_file():
        raise SourceNotFoundError(f"{file}: no such job file")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text ({exc.reason})") from None
    return parse_job(data, base_dir=file.parent, origin=str(file), path=file, **overrides)
