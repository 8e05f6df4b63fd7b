"""The URL guard: https only, and every resolved address must be public.

Numeric host tricks go through the system resolver (they resolve offline); names that
would need DNS use an injected resolver, the same seam the delivery code uses.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

import pytest

from app.core.http.addresses import NetPolicy, Unresolvable, UnsafeUrl, check_url

STRICT = NetPolicy()


def fake_dns(answers: dict[str, Sequence[str]]) -> NetPolicy:
    """A strict policy whose resolver knows only `answers`."""
    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in answers:
            raise OSError(f"unknown host {host}")
        return answers[host]
    return NetPolicy(resolver=resolve)


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/", "https://[::1]/", "https://0x7f000001/", "https://2130706433/",
    "https://127.1/", "https://0177.0.0.1/", "https://[::ffff:127.0.0.1]/",
    "https://localhost/", "https://LOCALHOST./hook", "https://169.254.169.254/latest/meta-data",
    "https://[fd00:ec2::254]/", "https://10.1.2.3/", "https://172.16.0.1/",
    "https://192.168.1.1/", "https://100.64.0.1/", "https://[fe80::1]/", "https://[fc00::1]/",
    "https://0.0.0.0/", "https://[::]/", "https://224.0.0.1/", "https://240.0.0.1/",
    "https://255.255.255.255/", "https://[::ffff:10.0.0.1]/", "https://[64:ff9b::7f00:1]/",
    "https://[2002:7f00:1::1]/", "https://[fec0::1]/", "https://198.18.0.1/",
])
def test_non_public_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        check_url(url, STRICT)


@pytest.mark.parametrize(("url", "reason"), [
    ("http://93.184.216.34/", "only https"),
    ("ftp://93.184.216.34/", "only https"),
    ("file:///etc/passwd", "only https"),
    ("gopher://93.184.216.34/", "only https"),
    ("https://user:pw@93.184.216.34/", "credentials"),
    ("https:///path-only", "no host"),
    ("no scheme at all", "only https"),
])
def test_bad_schemes_and_forms_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeUrl, match=reason):
        check_url(url, STRICT)


def test_public_addresses_pass_and_keep_every_resolved_address() -> None:
    target = check_url("https://93.184.216.34:8443/in?x=1", STRICT)
    assert (target.host, target.port, target.scheme) == ("93.184.216.34", 8443, "https")
    policy = fake_dns({"hooks.example.com": ["93.184.216.34", "2606:4700::1111"]})
    target = check_url("https://hooks.example.com/in", policy)
    assert target.port == 443
    assert target.addresses == (ipaddress.ip_address("93.184.216.34"),
                                ipaddress.ip_address("2606:4700::1111"))
    assert check_url("https://[::ffff:8.8.8.8]/", STRICT).addresses  # mapped public IPv4


@pytest.mark.parametrize("answers", [
    ["127.0.0.1"],  # localtest.me and friends
    ["93.184.216.34", "10.0.0.1"],  # one private address among public ones is enough
    ["::ffff:169.254.169.254"],
    ["64:ff9b::a9fe:a9fe"],  # NAT64 of the metadata address
    ["100.100.100.200"],
    ["fd00:ec2::254"],
    ["fe80::1%eth0"],
])
def test_names_resolving_to_non_public_addresses_are_refused(answers: list[str]) -> None:
    with pytest.raises(UnsafeUrl, match="resolves to"):
        check_url("https://localtest.me/hook", fake_dns({"localtest.me": answers}))


def test_unresolvable_names_are_told_apart() -> None:
    with pytest.raises(Unresolvable):
        check_url("https://nowhere.invalid/", fake_dns({}))
    with pytest.raises(Unresolvable):
        check_url("https://empty.example/", fake_dns({"empty.example": []}))
    with pytest.raises(UnsafeUrl, match="not an address"):
        check_url("https://odd.example/", fake_dns({"odd.example": ["a.b.c.d"]}))


def test_private_switches_open_loopback_but_never_metadata() -> None:
    local = NetPolicy(allow_http=True, allow_private=True)
    assert check_url("http://127.0.0.1:9/", local).port == 9
    assert check_url("https://[::1]/", local).host == "::1"
    for url in ("http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://0.0.0.0/",
                "http://224.0.0.1/", "http://[::ffff:169.254.169.254]/"):
        with pytest.raises(UnsafeUrl):
            check_url(url, local)


def test_allowed_networks_open_only_their_own_range() -> None:
    policy = NetPolicy(allowed_networks=(ipaddress.ip_network("10.20.0.0/16"),))
    assert check_url("https://10.20.3.4/", policy).host == "10.20.3.4"
    for url in ("https://10.21.0.1/", "https://127.0.0.1/", "https://169.254.169.254/"):
        with pytest.raises(UnsafeUrl):
            check_url(url, policy)


@pytest.mark.parametrize("url", [
    "https://xn--/", "https://[::1", "https://example.com:99999/", "https://example.com:0/",
    "https://\x00evil/", "https://256.0.0.1/", "https://exa mple.com/",
])
def test_malformed_urls_are_refused_not_crashed_on(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        check_url(url, fake_dns({}))


def test_international_names_resolve_in_their_ascii_form() -> None:
    calls: list[str] = []

    def resolve(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return ["93.184.216.34"]
    target = check_url("https://bücher.example/hook", NetPolicy(resolver=resolve))
    assert calls == ["xn--bcher-kva.example"] == [target.host]
