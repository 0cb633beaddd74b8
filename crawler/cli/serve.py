"""``crawl serve``: the read-only dashboard (docs/operations.md)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click

from crawler.cli.options import db_option, logging_options, targets_option
from crawler.cli.runtime import configure_logging, guard, run_async

__all__ = ["serve"]

DEFAULT_PORT = 8080


@click.command("serve")
@targets_option
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True,
    help="The port to listen on.",
)  # fmt: skip
@click.option(
    "--nightly",
    "nightly_cron",
    envvar="XUNJIAN_NIGHTLY_CRON",
    metavar="CRON",
    help="The scheduler's nightly cron, to show when the next check runs. "
    "Env: XUNJIAN_NIGHTLY_CRON.",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Show the demo's database and fleet, as `crawl demo` (scripts/demo) left them.",
)
@logging_options("Log to stderr (one line a request with -v).")
def serve(
    targets_path: Path,
    db: str | None,
    host: str,
    port: int,
    nightly_cron: str | None,
    demo: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Serve the read-only dashboard: the sites, accounts and 政务公开 units with 合格/不合格/
    无法判定, their columns and findings with the evidence, the runs, and the notices to
    download. Nothing is written. On 127.0.0.1 (the default) anyone on this machine may look;
    bound to another address it asks for XUNJIAN_WEB_TOKEN (any user name, the token as
    password) or XUNJIAN_WEB_USER and XUNJIAN_WEB_PASSWORD, and refuses to start without one.
    Put it behind the office's reverse proxy for TLS.

    \b
    Examples:
      crawl serve                               # http://127.0.0.1:8080/
      crawl serve --demo                        # what scripts/demo crawled
      XUNJIAN_WEB_TOKEN=… crawl serve --host 0.0.0.0 --port 8080
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        nonlocal db
        import logging
        from datetime import datetime

        from crawler.config import ConfigError, open_database
        from crawler.operations.scheduler import Nightly
        from crawler.operations.signals import stop_signals
        from crawler.targets import load_targets
        from crawler.web.app import Auth, build_app
        from crawler.web.app import serve as serve_app

        token = os.environ.get("XUNJIAN_WEB_TOKEN") or None
        user = os.environ.get("XUNJIAN_WEB_USER") or None
        password = os.environ.get("XUNJIAN_WEB_PASSWORD") or None
        auth = None
        if token is not None or (user is not None and password is not None):
            auth = Auth(token=token, user=user, password=password)
        elif not _loopback(host):
            raise ConfigError(
                f"--host {host} is reachable from other machines: set XUNJIAN_WEB_TOKEN (or "
                "XUNJIAN_WEB_USER and XUNJIAN_WEB_PASSWORD) so the dashboard asks who looks"
            )
        if demo:
            from crawler.config import demo_database_path

            database = demo_database_path()
            if db is not None or not database.is_file():
                raise ConfigError(
                    "--demo shows the demo's own database: run scripts/demo (crawl demo) first, "
                    "and give no --db"
                )
            db = str(database)
            targets_file = database.with_suffix(".yaml")
        else:
            targets_file = targets_path
        targets = load_targets(targets_file)
        nightly = Nightly(cron=nightly_cron) if nightly_cron else None

        def next_run(now: datetime) -> datetime | None:
            return nightly.next_after(now) if nightly is not None else None

        async def go() -> None:
            engine = await open_database(db)
            try:
                app = build_app(targets, db=db, engine=engine, auth=auth, next_run=next_run)
                log = logging.getLogger("crawler.web")
                with stop_signals(log, stopping="stopping", cancelling="stopping") as signals:
                    click.echo(f"dashboard on http://{host}:{port}/ (Ctrl-C stops it)", err=True)
                    await serve_app(app, host=host, port=port, stop=signals[0])
            finally:
                await engine.dispose()

        run_async(go())

    guard(body)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
