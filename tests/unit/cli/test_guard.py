"""The CLI's guard: an outage found inside task groups' exception groups is "database
unavailable", exit 3, never "this is a bug"; other errors keep their exit codes."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from crawler.cli.runtime import EXIT_CONFIG, EXIT_RUN, guard
from crawler.config import ConfigError
from storage.errors import DatabaseUnavailableError


def fail(exc: BaseException) -> None:
    raise exc


def outcome(exc: BaseException, capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    with pytest.raises(SystemExit) as exited:
        guard(lambda: fail(exc))
    return exited.value.code, capsys.readouterr().err


def test_an_outage_nested_in_task_groups_is_database_unavailable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outage = DatabaseUnavailableError(
        url="postgresql://user:secret@db:5432/x", what="storing pages of run 3 failed"
    )
    group = ExceptionGroup("outer", [ExceptionGroup("inner", [outage, ValueError("other")])])
    code, err = outcome(group, capsys)
    assert code == EXIT_RUN
    assert err.startswith("error: database unavailable: postgresql://user:***@db:5432/x — ")
    assert "check that the database is running, then run again" in err
    assert "this is a bug" not in err
    assert "secret" not in err


@pytest.mark.parametrize(
    "lost",
    [
        ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
        OperationalError("SELECT 1", {}, Exception("server closed the connection")),
    ],
    ids=["refused", "operational"],
)
def test_a_raw_connection_error_in_a_group_is_database_unavailable(
    lost: Exception, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = outcome(ExceptionGroup("unhandled errors in a TaskGroup", [lost]), capsys)
    assert code == EXIT_RUN
    assert err.startswith("error: database unavailable — ")
    assert "this is a bug" not in err


def test_other_errors_in_a_group_keep_their_meaning(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = outcome(ExceptionGroup("g", [ConfigError("bad option")]), capsys)
    assert code == EXIT_CONFIG
    assert "bad option" in err
    code, err = outcome(ExceptionGroup("g", [KeyError("x")]), capsys)
    assert code == EXIT_RUN
    assert "internal error (KeyError" in err
