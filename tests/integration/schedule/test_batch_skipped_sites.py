"""A distributed night's progress when a site's job could not check its site (another run held
it for all of the job's wait): the site is skipped, not done, and a job of it that runs again
finds no completed run of it to stop at."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from rules.model import utc_now
from storage import batches, repository

NOW = utc_now()


async def completed_run(engine: AsyncEngine, batch_id: int, scope: str, *, skipped: bool) -> int:
    stats = {"skipped_sites": {scope: "held by run 1: still being crawled after a wait of 10 min"}}
    async with async_sessionmaker(engine)() as session, session.begin():
        run_id = await repository.start_run(session, scope=scope, started_at=NOW)
        await batches.link_run(session, batch_id=batch_id, run_id=run_id)
        await repository.finish_run(
            session,
            run_id,
            status="completed",
            finished_at=NOW,
            stats=stats if skipped else {"skipped_sites": {}},
        )
    return run_id


async def test_a_site_its_run_skipped_is_not_done(engine: AsyncEngine) -> None:
    sessions = async_sessionmaker(engine)
    async with sessions() as session, session.begin():
        batch_id = await batches.create_batch(
            session, created_at=NOW, reason="scheduled", sites=2, accounts=0
        )
    checked = await completed_run(engine, batch_id, "a", skipped=False)
    await completed_run(engine, batch_id, "b", skipped=True)

    async with sessions() as session:
        progress = await batches.batch_progress(session, batch_id)
        assert await batches.completed_run(session, batch_id=batch_id, scope="a") == checked
        assert await batches.completed_run(session, batch_id=batch_id, scope="b") is None
    assert progress is not None
    assert (progress.scopes_completed, progress.scopes_skipped) == (1, 1)
    assert progress.runs_by_status == {"completed": 2}
    assert not progress.done

    # The job runs again (or a later retry) and this time checks the site: the night is done.
    again = await completed_run(engine, batch_id, "b", skipped=False)
    async with sessions() as session:
        progress = await batches.batch_progress(session, batch_id)
        assert await batches.completed_run(session, batch_id=batch_id, scope="b") == again
    assert progress is not None
    assert (progress.scopes_completed, progress.scopes_skipped) == (2, 0)
    assert progress.done
