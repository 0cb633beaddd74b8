"""Stopping a long-running process by signal: ``crawl schedule`` and ``crawl worker``.

The first SIGTERM or SIGINT asks the process to stop (``stop``: start nothing new, let what
runs finish within its stop timeout), a second one to stop at once (``force``: cancel what
runs, which is recorded as interrupted). Each is logged as one warning line.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["stop_signals"]

_HANDLED = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def stop_signals(
    log: logging.Logger, *, stopping: str, cancelling: str
) -> Iterator[tuple[asyncio.Event, asyncio.Event]]:
    """``(stop, force)``, set by the first and the second signal while the block runs.

    Call it inside a coroutine: the handlers go on the running loop and are removed at the
    end of the block. ``stopping`` and ``cancelling`` are what ``log`` says after the
    signal's name on the first and the second signal.
    """
    stop, force = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(signum: signal.Signals) -> None:
        if stop.is_set():
            log.warning("%s again: %s", signum.name, cancelling)
            force.set()
            return
        log.warning("%s: %s", signum.name, stopping)
        stop.set()

    for signum in _HANDLED:
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        yield stop, force
    finally:
        for signum in _HANDLED:
            loop.remove_signal_handler(signum)
