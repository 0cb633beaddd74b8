"""The address policy: which resolved addresses a request may reach (DESIGN.md decision 12)."""

from __future__ import annotations

import ipaddress

import pytest

from crawler.fetch.addresses import (
    AddressPolicy,
    address_kind,
    parse_networks,
    requested_host,
)
from crawler.fetch.errors import FetchConfigError

STRICT = AddressPolicy.for_hosts([])


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "CGNAT"),
        ("100.127.255.254", "CGNAT"),
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("100.100.100.200", "metadata"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("255.255.255.255", "reserved"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("fd00:ec2::254", "metadata"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
    ],
)
def test_internal_addresses_are_named(address: str, kind: str) -> None:
    assert address_kind(ipaddress.ip_address(address)) == kind
    refused = STRICT.refusal("example.gov.cn", address)
    assert refused is not None
    assert refused.kind == kind
    assert "allow_addresses" in str(refused)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "101.6.15.130", "172.32.0.1", "100.128.0.1", "2400:da00::6666"]
)
def test_public_addresses_pass(address: str) -> None:
    assert address_kind(ipaddress.ip_address(address)) is None
    assert STRICT.refusal("example.gov.cn", address) is None


def test_a_named_host_may_resolve_to_an_internal_address() -> None:
    policy = AddressPolicy.for_hosts(["Intranet.Example.GOV.cn.", "127.0.0.1"])
    assert policy.refusal("intranet.example.gov.cn", "10.1.2.3") is None
    assert policy.refusal("127.0.0.1", "127.0.0.1") is None
    # the name is what is trusted: another name on the same address is refused
    assert policy.refusal("rebound.example.com", "10.1.2.3") is not None
    assert policy.refusal("127.0.0.2", "127.0.0.2") is not None


def test_allowed_ranges() -> None:
    policy = AddressPolicy.for_hosts([], parse_networks(["10.20.0.0/16", "127.0.0.2", "fd00::/8"]))
    assert policy.refusal("a", "10.20.3.4") is None
    assert policy.refusal("a", "::ffff:10.20.3.4") is None  # mapped: judged as its IPv4
    assert policy.refusal("a", "127.0.0.2") is None
    assert policy.refusal("a", "fd00::5") is None
    assert policy.refusal("a", "10.21.0.1") is not None
    assert policy.refusal("a", "127.0.0.1") is not None
    assert policy.refusal("a", "169.254.169.254") is not None


def test_the_requested_host_is_trusted_only_by_the_default_policy() -> None:
    token = requested_host.set("localhost")
    try:
        assert AddressPolicy().refusal("localhost", "127.0.0.1") is None
        assert AddressPolicy().refusal("127.0.0.2", "127.0.0.2") is not None
        assert STRICT.refusal("localhost", "127.0.0.1") is not None
    finally:
        requested_host.reset(token)
    assert AddressPolicy().refusal("localhost", "127.0.0.1") is not None


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "10.0.0.1/8", "intranet", "", "::1/200"])
def test_bad_ranges_say_which_entry(bad: str) -> None:
    with pytest.raises(FetchConfigError, match=r"allow_addresses\[1\].*CIDR"):
        parse_networks(["10.0.0.0/8", bad])
