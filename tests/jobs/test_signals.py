"""A stop signal ends ``credit-ledger run`` with its own exit code and an unchanged ledger,
even when the code it interrupted drops the exception or turns it into an error of its own
(a KeyboardInterrupt raised inside a Polars callback from Rust comes out as a Polars error,
which read as "source ... failed while reading", exit 2). The run is the real CLI, in this
process, with a real plugin module sending real signals."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from credit_ledger.cli import main
from credit_ledger.jobs import _signals, run
from credit_ledger.ledger import Ledger
from tests.jobs.conftest import AS_OF, listing, organ_listing, other_plugins, write_rows

SOURCE = {"name": "debtors", "kind": "dishonest_debtor", "path": "in/{as_of}/*.sig"}
PLUGINS = '[plugins]\nmodules = ["tests.jobs.signal_plugin"]\n'


@pytest.fixture
def job(tmp_path: Path, make_job: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CREDIT_LEDGER_PLUGINS_DENY", other_plugins())
    write_rows(tmp_path / "in" / AS_OF / "a.sig", [listing(1), organ_listing(2)])
    return make_job(sources=[SOURCE], outputs={"dir": "out/{as_of}"}, extra=PLUGINS)


def _nothing_committed(job: Path) -> None:
    assert Ledger(job.parent / "ledger").runs().height == 0
    out = job.parent / "out" / AS_OF
    assert not out.exists() or not any(out.iterdir())


def test_the_plugin_runs_when_no_signal_comes(
    job: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SIGNAL_PLUGIN", "")
    assert main(["run", str(job), "--as-of", AS_OF]) == 0
    assert "debtors: 2 rows, 2 valid" in capsys.readouterr().out


@pytest.mark.parametrize(
    "stop", [("INT", 130, "interrupted"), ("TERM", 143, "terminated")], ids=["sigint", "sigterm"]
)
def test_a_signal_turned_into_a_read_error_still_stops_the_run(
    job: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stop: tuple[str, int, str],
) -> None:
    name, code, said = stop
    monkeypatch.setenv("SIGNAL_PLUGIN", f"convert:{name}")
    assert main(["run", str(job), "--as-of", AS_OF]) == code
    err = capsys.readouterr().err
    assert said in err
    assert "failed while reading" not in err
    _nothing_committed(job)


def test_a_dropped_signal_stops_the_run_before_its_commit(
    job: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SIGNAL_PLUGIN", "drop:INT")
    assert main(["run", str(job), "--as-of", AS_OF]) == 130
    err = capsys.readouterr().err
    assert "stage rules" in err  # the notification came after validation
    assert "stage commit" not in err
    _nothing_committed(job)
    with pytest.raises(KeyboardInterrupt):  # the Python API: the same stop
        run(job, as_of=AS_OF)
    _nothing_committed(job)


def test_handlers_are_given_back(job: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    monkeypatch.setenv("SIGNAL_PLUGIN", "drop:INT")
    with pytest.raises(KeyboardInterrupt):
        run(job, as_of=AS_OF)
    assert {s: signal.getsignal(s) for s in before} == before
    assert not _signals._raised  # no watched block left open


def test_a_held_signal_is_raised_after_the_block_not_twice() -> None:
    with pytest.raises(KeyboardInterrupt) as caught, _signals.watched(), _signals.deferred():
        signal.raise_signal(signal.SIGINT)
    assert caught.value.__cause__ is None  # the handler's own exception, not a replacement
