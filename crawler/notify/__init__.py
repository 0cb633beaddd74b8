"""Notifications: news of findings pushed to the office's channels (docs/operations.md)."""

from crawler.notify.sending import (
    Sent,
    notify_findings,
    notify_run_failed,
    send_digests,
    send_test,
)

__all__ = ["Sent", "notify_findings", "notify_run_failed", "send_digests", "send_test"]
