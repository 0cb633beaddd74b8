"""``crawl worker`` as a process: ``run_worker`` (``crawler.operations.distributed``) until
SIGTERM or SIGINT.

The first signal stops taking jobs and lets running ones finish within the stop timeout
(then they are cancelled, recorded as interrupted and queued again); a second signal
cancels them at once (the stalled-job check of the other workers queues them again).
"""

from __future__ import annotations

import logging

from crawler.operations.distributed import WorkerSettings, run_worker
from crawler.operations.signals import stop_signals
from crawler.targets import Targets

__all__ = ["serve_worker"]

logger = logging.getLogger(__name__)


async def serve_worker(*, db: str | None, targets: Targets, settings: WorkerSettings) -> None:
    """Run jobs from the queue in ``db`` until SIGTERM or SIGINT."""
    with stop_signals(
        logger,
        stopping="stopping (no new jobs; send it again to cancel running ones)",
        cancelling="cancelling the running jobs now",
    ) as (stop, force):
        await run_worker(db=db, targets=targets, settings=settings, stop=stop, force=force)
