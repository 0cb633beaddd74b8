"""Fixtures of the IPv6 tests (in ``ipv6_servers``): homepage servers on ::1 and 127.0.0.1, a
stub DNS server on 127.0.0.1, and a port with nothing listening. The database engines come
from the parent conftest."""

from __future__ import annotations

from ipv6_servers import closed_port, stub_dns, v4server, v6server

__all__ = ["closed_port", "stub_dns", "v4server", "v6server"]
