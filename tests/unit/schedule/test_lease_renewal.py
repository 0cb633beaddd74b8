"""What stops a run when its lease renewal fails for good (``crawler.sites.leasing``): the
renewal cancels the run's task and ``stopped`` names the renewal's error as the cause, unless
the run was being cancelled anyway (then it is interrupted, as on a shutdown). No database:
the renewal's session is bound to none, so each renewal fails at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import UnboundExecutionError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crawler.sites.leasing import HeldSiteWait, LeaseRenewal

TTL = timedelta(seconds=0.03)  # a renewal every 10 ms


def nowhere() -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker()  # bound to no database: every statement fails at once


def clock() -> datetime:
    return datetime.now(UTC)


async def test_a_failed_renewal_stops_the_run_with_its_error() -> None:
    async def run() -> BaseException:
        renewal = LeaseRenewal(nowhere(), 1, clock, TTL)
        try:
            await asyncio.Event().wait()  # the run works on (here: forever)
        except BaseException as exc:  # what the runner does
            error = renewal.stopped(exc)
            await renewal.stop()
            return error
        raise AssertionError("unreachable")

    task = asyncio.create_task(run())
    error = await task
    assert isinstance(error, UnboundExecutionError)
    assert task.cancelling() == 0  # the renewal's cancellation was taken back


async def test_a_run_cancelled_by_a_shutdown_too_is_interrupted() -> None:
    renewals: list[LeaseRenewal] = []
    stopped: list[BaseException] = []

    async def run() -> None:
        renewal = LeaseRenewal(nowhere(), 1, clock, timedelta(hours=1))  # no renewal of its own
        renewals.append(renewal)
        try:
            await asyncio.Event().wait()
        except BaseException as exc:
            stopped.append(renewal.stopped(exc))
            await renewal.stop()
            raise

    task = asyncio.create_task(run())
    await asyncio.sleep(0)  # the run starts its renewal and waits
    # Before the run wakes up: its renewal gives up (and cancels it), and a shutdown cancels it.
    renewals[0]._fail(RuntimeError("renewal failed"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(stopped) == 1
    assert isinstance(stopped[0], asyncio.CancelledError)  # interrupted, as by the shutdown


async def test_a_renewal_failing_once_the_run_ends_only_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def run() -> None:
        renewal = LeaseRenewal(nowhere(), 1, clock, TTL)
        renewal.stopped(RuntimeError("the run failed for another reason"))
        await asyncio.sleep(0.1)  # renewals fail meanwhile: the run is not cancelled
        await renewal.stop()

    await run()
    assert "could not renew its site leases" in caplog.text


@pytest.mark.parametrize(
    "wait",
    [
        {"total_s": -1.0},
        {"first_pause_s": 0.0},
        {"first_pause_s": 10.0, "max_pause_s": 5.0},
    ],
)
def test_a_wait_that_cannot_work_is_refused(wait: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="first_pause_s"):
        HeldSiteWait(**wait)
