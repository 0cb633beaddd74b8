"""Fixtures of the discovery tests: the column site of ``discover_site``."""

from __future__ import annotations

from discover_site import column_site

__all__ = ["column_site"]
