"""HostDispatcher: jobs go out host by host, round robin, within the per-host cap and spacing."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict

import pytest

from crawler.sites.dispatch import HostDispatcher, Turn

CLOCK_SLACK_S = 1e-3  # the event loop may run a timer up to its clock resolution early

Job = tuple[str, int]  # host, index within the host


def jobs_of(plan: dict[str, int]) -> list[Job]:
    """Jobs site by site, as a run plans them: every job of a host before the next host's."""
    return [(host, i) for host, count in plan.items() for i in range(count)]


def dispatcher(jobs: list[Job], *, per_host: int = 1, delay_s: float = 0.0) -> HostDispatcher[Job]:
    return HostDispatcher(
        jobs,
        host_of=lambda job: job[0],
        per_host_concurrency=per_host,
        per_host_delay_s=delay_s,
    )


async def test_hosts_take_turns_and_each_keeps_its_order() -> None:
    hosts = dispatcher(jobs_of({"a": 3, "b": 2, "c": 3}), per_host=1)
    order = []
    while (turn := await hosts.take()) is not None:
        order.append(turn.job)
        hosts.give_back(turn)
    assert order == [
        ("a", 0), ("b", 0), ("c", 0),
        ("a", 1), ("b", 1), ("c", 1),
        ("a", 2), ("c", 2),
    ]  # fmt: skip
    assert hosts.left == 0


async def test_a_full_host_is_passed_over_until_a_turn_is_given_back() -> None:
    hosts = dispatcher(jobs_of({"a": 3, "b": 2}), per_host=2)
    first = [await hosts.take() for _ in range(4)]
    assert [t.job for t in first if t] == [("a", 0), ("b", 0), ("a", 1), ("b", 1)]
    # "a" has two out: its third job waits for one of them, not for a worker.
    waiting = asyncio.create_task(hosts.take())
    await asyncio.sleep(0)
    assert not waiting.done()
    assert first[0] is not None
    hosts.give_back(first[0])
    assert (await waiting) == Turn(("a", 2), "a", 2)
    assert await hosts.take() is None  # every job handed out


async def test_a_host_in_its_delay_lets_other_hosts_go_first() -> None:
    delay_s = 0.05
    hosts = dispatcher(jobs_of({"slow": 3, "b": 1, "c": 1}), per_host=2, delay_s=delay_s)
    loop = asyncio.get_running_loop()
    order = []
    while (turn := await hosts.take()) is not None:
        order.append((turn.job, loop.time()))
        hosts.give_back(turn)
    jobs = [job for job, _ in order]
    # "slow" has a free slot but is in its delay: b and c go out meanwhile.
    assert jobs == [("slow", 0), ("b", 0), ("c", 0), ("slow", 1), ("slow", 2)]
    started = [at for (host, _), at in order if host == "slow"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
    assert all(gap >= delay_s - CLOCK_SLACK_S for gap in gaps), gaps


async def test_workers_never_exceed_the_per_host_cap_or_spacing() -> None:
    per_host, delay_s = 2, 0.01
    hosts = dispatcher(jobs_of({"a": 6, "b": 6, "c": 2}), per_host=per_host, delay_s=delay_s)
    loop = asyncio.get_running_loop()
    out: dict[str, int] = defaultdict(int)
    peak: dict[str, int] = defaultdict(int)
    starts: dict[str, list[float]] = defaultdict(list)
    done = []

    async def worker() -> None:
        while (turn := await hosts.take()) is not None:
            host = turn.host
            out[host] += 1
            peak[host] = max(peak[host], out[host])
            starts[host].append(loop.time())
            try:
                await asyncio.sleep(0.025)  # longer than the delay: the cap is what binds
            finally:
                out[host] -= 1
                hosts.give_back(turn)
            done.append(turn.job)

    async with asyncio.TaskGroup() as workers:
        for _ in range(5):
            workers.create_task(worker())
    assert sorted(done) == sorted(jobs_of({"a": 6, "b": 6, "c": 2}))
    assert max(peak.values()) == per_host
    for host_starts in starts.values():
        gaps = [later - earlier for earlier, later in itertools.pairwise(host_starts)]
        assert all(gap >= delay_s - CLOCK_SLACK_S for gap in gaps), gaps


async def test_waiting_workers_finish_when_the_last_job_goes_out() -> None:
    hosts = dispatcher(jobs_of({"a": 2}), per_host=1)
    turn = await hosts.take()
    assert turn is not None
    waiter = asyncio.create_task(hosts.take())  # "a" is full: both wait
    other = asyncio.create_task(hosts.take())
    await asyncio.sleep(0)
    assert not waiter.done()
    assert not other.done()
    hosts.give_back(turn)
    # One takes the last job; that wakes the other, which finds nothing left.
    results = await asyncio.gather(waiter, other)
    assert sorted(results, key=lambda r: r is None) == [Turn(("a", 1), "a", 1), None]


async def test_a_host_of_several_sites_is_one_host() -> None:
    jobs = [("x", 0), ("y", 0), ("x", 1), ("y", 1)]  # two sites' pages on one host
    hosts = HostDispatcher(
        jobs, host_of=lambda job: "same", per_host_concurrency=1, per_host_delay_s=0.0
    )
    turn = await hosts.take()
    assert turn is not None
    assert turn.job == ("x", 0)
    blocked = asyncio.create_task(hosts.take())
    await asyncio.sleep(0)
    assert not blocked.done()  # one host, one slot
    hosts.give_back(turn)
    assert (await blocked) == Turn(("y", 0), "same", 1)


async def test_a_worker_cancelled_while_it_waits_takes_no_job_with_it() -> None:
    hosts = dispatcher(jobs_of({"a": 2}), per_host=1, delay_s=0.02)
    turn = await hosts.take()
    assert turn is not None
    hosts.give_back(turn)
    waiting = asyncio.create_task(hosts.take())  # "a" is in its delay
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert hosts.left == 1
    assert await hosts.take() == Turn(("a", 1), "a", 1)


async def test_a_request_that_started_late_moves_its_hosts_next_turn() -> None:
    # The Fetcher started the first job's request late (after a robots.txt request, say):
    # the host's next job is planned a delay after that start, not after the hand-out.
    delay_s = 0.04
    hosts = dispatcher(jobs_of({"a": 2, "b": 1}), per_host=2, delay_s=delay_s)
    loop = asyncio.get_running_loop()
    first = await hosts.take()
    assert first is not None
    handed_at = loop.time()
    started_at = handed_at + delay_s  # what the Fetcher reports once the fetch is over
    await asyncio.sleep(delay_s / 2)
    hosts.give_back(first, started_at=started_at)
    assert (await hosts.take()) == Turn(("b", 0), "b", 0)
    second = await hosts.take()
    assert second == Turn(("a", 1), "a", 1)
    assert loop.time() >= started_at + delay_s - CLOCK_SLACK_S


async def test_a_late_start_counts_for_every_job_handed_out_after_it() -> None:
    delay_s = 0.03
    hosts = dispatcher(jobs_of({"a": 3}), per_host=2, delay_s=delay_s)
    loop = asyncio.get_running_loop()
    first = await hosts.take()
    second = await hosts.take()  # a delay later, while the first is still out
    assert first is not None
    assert second is not None
    # The first request started only now: the second starts a delay after it at the
    # earliest, so the third is two delays away.
    started_at = loop.time()
    hosts.give_back(first, started_at=started_at)
    third = await hosts.take()
    assert third == Turn(("a", 2), "a", 2)
    assert loop.time() >= started_at + 2 * delay_s - CLOCK_SLACK_S
