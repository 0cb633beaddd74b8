"""``crawl notify``: tell the office's channels what is new (docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.cli.options import db_option, json_option, logging_options, targets_option
from crawler.cli.runtime import EXIT_FINDINGS, configure_logging, guard, run_async, stdout_console

if TYPE_CHECKING:
    from crawler.notify import Sent

__all__ = ["notify"]


@click.command("notify")
@targets_option
@db_option
@click.option(
    "--channel",
    "channel_names",
    multiple=True,
    metavar="NAME",
    help="Only this channel of the targets file's notify: section (repeatable). "
    "Default: every channel.",
)
@click.option(
    "--test",
    "test_channel",
    metavar="NAME",
    help="Send a test message to channel NAME and nothing else: checks its URL, secret or "
    "SMTP settings.",
)
@click.option(
    "--digest",
    is_flag=True,
    help="Send each chosen channel a digest of the open findings now (the scheduler sends "
    "digests as each channel's digest: setting says).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would be sent, send nothing and record nothing.",
)
@json_option("Print what was sent as JSON on stdout.")
@logging_options("Log to stderr.")
def notify(
    targets_path: Path,
    db: str | None,
    channel_names: tuple[str, ...],
    test_channel: str | None,
    digest: bool,
    dry_run: bool,
    as_json: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Send the findings opened and resolved since each channel was last told (企业微信, 钉钉,
    飞书, e-mail, webhook; the targets file's notify: section). Each finding is told once per
    channel: running this again sends nothing new. `crawl schedule` does this after every
    nightly run by itself; run it by hand after an ad-hoc crawl, or to test a channel.
    Exit code 1 when a message could not be sent (it is logged and tried again next time).

    \b
    Examples:
      crawl notify --test office
      crawl notify --dry-run
      crawl notify --digest --channel leaders
    """
    configure_logging(verbose, log_format=log_format)

    def body() -> None:
        from crawler.config import ConfigError, open_database
        from crawler.notify import notify_findings, send_digests, send_test
        from crawler.targets import load_targets
        from rules.model import utc_now

        targets = load_targets(targets_path)
        settings = targets.notify
        if not settings.channels:
            raise ConfigError(
                f"{targets_path}: no notify: section with channels — see docs/operations.md"
            )
        try:
            names = (test_channel,) if test_channel else channel_names
            chosen = [settings.channel(name) for name in names] or list(settings.channels)
        except KeyError as exc:
            raise ConfigError(str(exc.args[0])) from exc
        now = utc_now()

        async def go() -> list[Sent]:
            engine = await open_database(db)
            try:
                if test_channel:
                    return [await send_test(engine, chosen[0], now=now)]
                if digest:
                    return await send_digests(
                        engine, targets, now=now, channels=chosen, force=True, dry_run=dry_run
                    )
                return await notify_findings(
                    engine, targets, now=now, channels=chosen, dry_run=dry_run
                )
            finally:
                await engine.dispose()

        sent = run_async(go())
        _print(sent, as_json=as_json)
        if any(not s.ok for s in sent):
            raise SystemExit(EXIT_FINDINGS)

    guard(body)


def _print(sent: list[Sent], *, as_json: bool) -> None:
    if as_json:
        rows = [
            {
                "channel": s.channel,
                "kind": s.kind,
                "title": s.title,
                "findings": s.findings,
                "sent": s.ok and s.attempts > 0,
                "attempts": s.attempts,
                "error": s.error,
            }
            for s in sent
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    console = stdout_console()
    if not sent:
        console.print("nothing new to send")
    for s in sent:
        if s.ok and s.attempts:
            state = f"sent ({s.findings} findings)"
        elif s.ok:
            state = s.error or "not sent"
        else:
            state = f"NOT SENT after {s.attempts} attempts: {s.error}"
        console.print(f"{s.channel}: {s.title} — {state}")
