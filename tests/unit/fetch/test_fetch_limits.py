"""HostLimits: per-host and global caps, spacing of request starts."""

from __future__ import annotations

import asyncio
import itertools
import random

from crawler.fetch.limits import HostLimits

CLOCK_SLACK_S = 1e-3  # the event loop may run a timer up to its clock resolution early


async def test_per_host_starts_are_spaced() -> None:
    limits = HostLimits(
        max_concurrency=10,
        per_host_concurrency=10,
        per_host_delay_s=0.03,
        jitter_s=0.02,
        rng=random.Random(7),
    )
    loop = asyncio.get_running_loop()
    starts: dict[str, list[float]] = {"a": [], "b": []}

    async def request(host: str) -> None:
        async with limits.slot(host):
            starts[host].append(loop.time())

    await asyncio.gather(*(request(host) for host in ["a", "b"] * 4))
    for host_starts in starts.values():
        ordered = sorted(host_starts)
        gaps = [later - earlier for earlier, later in itertools.pairwise(ordered)]
        assert all(gap >= 0.03 - CLOCK_SLACK_S for gap in gaps), gaps
    # different hosts do not wait for each other
    assert abs(starts["a"][0] - starts["b"][0]) < 0.03


async def test_caps_hold() -> None:
    limits = HostLimits(max_concurrency=3, per_host_concurrency=2, per_host_delay_s=0, jitter_s=0)
    in_flight: dict[str, int] = {}
    peak_host = 0
    peak_total = 0

    async def request(host: str) -> None:
        nonlocal peak_host, peak_total
        async with limits.slot(host):
            in_flight[host] = in_flight.get(host, 0) + 1
            peak_host = max(peak_host, in_flight[host])
            peak_total = max(peak_total, sum(in_flight.values()))
            await asyncio.sleep(0.001)
            in_flight[host] -= 1

    await asyncio.gather(*(request("a") for _ in range(6)))
    assert (peak_host, peak_total) == (2, 2)
    peak_host = peak_total = 0
    await asyncio.gather(*(request(host) for host in ["a", "a", "b", "b", "c", "c"] * 3))
    assert (peak_host, peak_total) == (2, 3)
