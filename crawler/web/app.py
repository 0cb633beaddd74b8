"""``crawl serve``: the read-only dashboard (docs/operations.md).

Server-rendered pages over the same judging ``crawl findings`` does (``judge_stored``, cached
for ``CACHE_S``) and the stored history; report downloads through the same renderer as
``crawl report``. Nothing is ever written. Crawled content is untrusted: every value is
escaped, the Content-Security-Policy allows no script at all, and a stored page is shown as
its visible text, never served as a page of this origin. Bound to anything but loopback, it
asks for a token or a user and password (from the environment).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from crawler.config import ConfigError
from crawler.output.judged import Judged, judge_stored, last_complete_quarter
from crawler.report import FORMATS, parse_export, render
from crawler.targets import Targets
from crawler.web import pages
from crawler.web.html import CSS, url_path
from rules.model import SHANGHAI, utc_now
from rules.period import Period, quarter_of
from storage import lifecycle, notifications, runs, views
from storage.screenshots import screenshot_images

__all__ = ["CACHE_S", "Auth", "build_app"]

logger = logging.getLogger(__name__)

CACHE_S = 60.0  # a judged export is reused this long: pages stay quick on a big fleet
_HISTORY_DAYS = 90
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Auth:
    """Who may look: a token (the password, with any user name) or a user and password."""

    token: str | None = None
    user: str | None = None
    password: str | None = None

    def allows(self, header: str | None) -> bool:
        if header is None:
            return False
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and self.token is not None:
            return hmac.compare_digest(value.strip(), self.token)
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except ValueError:
            return False
        if self.token is not None and hmac.compare_digest(password, self.token):
            return True
        if self.user is None or self.password is None:
            return False
        return hmac.compare_digest(user, self.user) and hmac.compare_digest(password, self.password)


class _Dashboard:
    def __init__(
        self,
        targets: Targets,
        db: str | None,
        engine: AsyncEngine,
        next_run: Callable[[datetime], datetime | None],
    ) -> None:
        self.targets = targets
        self.db = db
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.next_run = next_run
        self._cache: dict[str, tuple[float, Judged]] = {}
        self._lock = asyncio.Lock()

    async def judged(self, period: Period | None = None) -> Judged:
        """The fleet judged as of now over ``period`` (the current quarter), cached."""
        now = utc_now()
        wanted = period or quarter_of(now)
        key = f"{wanted.start}:{wanted.end}"
        async with self._lock:
            cached = self._cache.get(key)
            if cached is not None and time.monotonic() - cached[0] < CACHE_S:
                return cached[1]
            moment = now if wanted.end >= now.date() else _end_of(wanted)
            judged = await judge_stored(
                self.targets,
                list(self.targets.sites),
                list(self.targets.accounts),
                db=self.db,
                moment=moment,
                period=wanted,
            )
            self._cache[key] = (time.monotonic(), judged)
            return judged

    async def read(self, fn: Callable[..., Awaitable[Any]], /, **kwargs: Any) -> Any:
        async with self.sessions() as session:
            return await fn(session, **kwargs)


def _end_of(period: Period) -> datetime:

    return datetime.combine(
        period.end + timedelta(days=1), datetime.min.time(), SHANGHAI
    ) - timedelta(microseconds=1)


def build_app(
    targets: Targets,
    *,
    db: str | None,
    engine: AsyncEngine,
    auth: Auth | None = None,
    next_run: Callable[[datetime], datetime | None] = lambda _: None,
) -> web.Application:
    board = _Dashboard(targets, db, engine, next_run)

    @web.middleware
    async def guard(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if auth is not None and request.path != "/healthz":
            if not auth.allows(request.headers.get("Authorization")):
                return web.Response(
                    status=401,
                    text="401: log in (docs/operations.md)",
                    headers={"WWW-Authenticate": 'Basic realm="xunjian", charset="UTF-8"'},
                )
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = exc
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def html(text: str, status: int = 200) -> web.Response:
        return web.Response(text=text, content_type="text/html", charset="utf-8", status=status)

    async def overview(request: web.Request) -> web.Response:
        period = _period(request)
        judged = await board.judged(period)
        states = await board.read(lifecycle.finding_states, include_resolved=False)
        recent = await board.read(runs.recent_runs, limit=1)
        return html(
            pages.overview_page(
                judged.export,
                open_states=states,
                last_run=recent[0] if recent else None,
                next_run=board.next_run(utc_now()),
            )
        )

    async def site(request: web.Request) -> web.Response:
        site_id = request.match_info["site"]
        judged = await board.judged(_period(request))
        found = next((s for s in judged.export.get("sites", []) if s["id"] == site_id), None)
        if found is None:
            return html(pages.not_found_page(f"没有网站 {site_id}"), 404)
        since = judged.moment - timedelta(days=_HISTORY_DAYS)
        history = await board.read(views.column_history, site_id=site_id, since=since)
        states = await board.read(lifecycle.finding_states, site_ids=[site_id])
        probes = await board.read(views.recent_probes, site_id=site_id)
        resolved = [s for s in states if not s.open and s.site_id == site_id]
        return html(pages.site_page(found, history=history, resolved=resolved, probes=probes))

    async def account(request: web.Request) -> web.Response:
        account_id = request.match_info["account"]
        judged = await board.judged(_period(request))
        accounts = judged.export.get("accounts", [])
        found = next((a for a in accounts if a["id"] == account_id), None)
        if found is None:
            return html(pages.not_found_page(f"没有账号 {account_id}"), 404)
        states = await board.read(lifecycle.finding_states, site_ids=[], account_ids=[account_id])
        resolved = [s for s in states if not s.open]
        return html(pages.account_page(found, resolved=resolved))

    async def finding(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        state = await board.read(views.finding_state, key=key)
        if state is None:
            return html(pages.not_found_page("没有这个问题"), 404)
        page = None
        if state.site_id is not None:
            at = _parse_time(state.evidence.get("checked_at")) or state.last_seen
            page = await board.read(
                views.stored_page, site_id=state.site_id, column_id=state.column_id, at=at
            )
        owner = (
            url_path("sites", state.site_id)
            if state.site_id
            else url_path("accounts", state.account_id or "")
        )
        shot = _screenshot_of(await board.judged(), key) if state.open else None
        return html(pages.finding_page(state, page=page, screenshot=shot, owner_href=owner))

    async def findings(_: web.Request) -> web.Response:
        states = await board.read(lifecycle.finding_states)
        recent = [s for s in states if s.open] + sorted(
            (s for s in states if not s.open),
            key=lambda s: s.resolved_at or s.last_seen,
            reverse=True,
        )[:100]
        return html(pages.findings_page(recent))

    async def run_list(_: web.Request) -> web.Response:
        recent = await board.read(runs.recent_runs, limit=30)
        log = await board.read(notifications.notification_log, limit=30)
        return html(pages.runs_page(recent, log))

    async def reports(_: web.Request) -> web.Response:
        now = utc_now()
        last = last_complete_quarter(now)
        periods = [_quarter_label(quarter_of(now)), _quarter_label(last)]
        before = last_complete_quarter(
            datetime.combine(last.start, datetime.min.time(), now.tzinfo)
        )
        periods.append(_quarter_label(before))
        return html(pages.reports_page(periods))

    async def report(request: web.Request) -> web.StreamResponse:
        fmt = request.query.get("format", "docx")
        period = _period(request)
        if fmt not in FORMATS or period is None:
            return html(pages.not_found_page("请给出季度（period=2022Q2）和格式"), 400)
        judged = await board.judged(period)
        if not judged.coverage.complete:
            missing = judged.coverage.as_dict()
            text = (
                f"{period.label}缺少检查数据，不生成通报：未检查网站{len(missing['sites_unchecked'])}个、"
                f"栏目{len(missing['columns_unchecked'])}个、账号{len(missing['accounts_unchecked'])}个。"
                "请先运行 crawl 补齐，或用 crawl report --allow-incomplete。"
            )
            return html(pages.not_found_page(text), 409)
        rendered = render(parse_export(judged.export), fmt, settings=targets.report)
        body = rendered.encode() if isinstance(rendered, str) else rendered
        name = f"{request.query['period']}.{fmt}"
        return web.Response(
            body=body,
            headers={
                "Content-Type": _MEDIA[fmt],
                "Content-Disposition": f'attachment; filename="{name}"',
            },
        )

    async def screenshot(request: web.Request) -> web.Response:
        digest = request.match_info["sha"]
        images = await board.read(screenshot_images, hashes=[digest])
        if digest not in images:
            raise web.HTTPNotFound()
        return web.Response(body=images[digest], content_type="image/png")

    async def style(_: web.Request) -> web.Response:
        return web.Response(text=CSS, content_type="text/css", charset="utf-8")

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def favicon(_: web.Request) -> web.Response:
        return web.Response(status=204)  # no icon: browsers ask for one on every site

    app = web.Application(middlewares=[guard])
    app.router.add_get("/", overview)
    app.router.add_get("/sites/{site}", site)
    app.router.add_get("/accounts/{account}", account)
    app.router.add_get("/findings", findings)
    app.router.add_get("/findings/{key}", finding)
    app.router.add_get("/runs", run_list)
    app.router.add_get("/reports", reports)
    app.router.add_get("/report", report)
    app.router.add_get(r"/screenshots/{sha:[0-9a-f]{64}}.png", screenshot)
    app.router.add_get("/style.css", style)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/favicon.ico", favicon)
    return app


def _period(request: web.Request) -> Period | None:
    text = request.query.get("period")
    if not text:
        return None
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=f"period: {exc}") from exc


def _quarter_label(period: Period) -> str:
    return f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}"


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _screenshot_of(judged: Judged, key: str) -> str | None:
    for site in judged.export.get("sites", []):
        for finding in site.get("findings", []):
            shot = finding.get("evidence", {}).get("screenshot")
            if shot and pages.finding_key(finding) == key:
                return f"/screenshots/{shot['sha256']}.png"
    return None


async def serve(app: web.Application, *, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve ``app`` until ``stop`` is set."""
    runner = web.AppRunner(app, access_log=logger)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        logger.info("dashboard on http://%s:%d/", host, port)
        await stop.wait()
    finally:
        await runner.cleanup()
