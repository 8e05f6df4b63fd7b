"""Which URLs an outgoing request to a user's address may call (SSRF checks), judged on
every address the host resolves to.

A URL passes when its scheme is allowed and each resolved address is public. The caller
then connects to a checked address (pinned.py), so no second DNS answer can swap a
private address in between the check and the connect (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]

DEFAULT_PORTS = {"https": 443, "http": 80}
# Cloud metadata services hand out credentials to any local caller (AWS, GCP, Azure and
# Oracle on 169.254.169.254, AWS IPv6 and ECS task roles, Alibaba): never allowed.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200"))
CGNAT = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 shared space, not on the internet
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address


class UnsafeUrl(ValueError):
    """The URL may not be called: bad scheme or form, or a non-public address."""


class Unresolvable(UnsafeUrl):
    """The host did not resolve; at delivery time this may pass, so it is retried."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host`, in its preferred order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class NetPolicy:
    """What outgoing requests may reach; the defaults are the production ones."""

    allow_http: bool = False
    allow_private: bool = False  # loopback, private, link-local, CGNAT: tests and labs only
    allowed_networks: tuple[IPNetwork, ...] = ()  # narrower: open single internal ranges
    resolver: Resolver = system_resolver


@dataclass(frozen=True)
class Target:
    """A checked URL and the addresses a connection to it may use."""

    url: httpx.URL
    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]


def _always_blocked(address: IPAddress) -> str | None:
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"  # 0.0.0.0 and :: connect to this very machine
    if address.is_multicast:
        return "a multicast address"
    return None


def _not_public(address: IPAddress) -> str | None:
    checks = (("loopback", address.is_loopback), ("link-local", address.is_link_local),
              ("shared (CGNAT)", address in CGNAT), ("private", address.is_private),
              ("reserved", address.is_reserved),
              ("site-local", isinstance(address, ipaddress.IPv6Address)
               and address.is_site_local),
              ("not globally routable", not address.is_global))
    return next((f"a {name} address" for name, hit in checks if hit), None)


def address_problem(address: IPAddress, policy: NetPolicy) -> str | None:
    """Why `address` may not be called under `policy`, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in NAT64 else None)
        if embedded is not None:  # the packet really goes to the IPv4 address inside
            return address_problem(embedded, policy)
        inner = address.sixtofour or (address.teredo[1] if address.teredo else None)
        if inner is not None and (problem := address_problem(inner, policy)):
            return problem
    if problem := _always_blocked(address):
        return problem
    if policy.allow_private or any(address in net for net in policy.allowed_networks):
        return None
    return _not_public(address)


def resolve(host: str, port: int, resolver: Resolver) -> tuple[IPAddress, ...]:
    """The host's addresses, parsed; numeric forms such as `2130706433` come back dotted."""
    try:
        raw = resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise Unresolvable(f"{host} does not resolve ({exc})") from None
    try:
        addresses = tuple(dict.fromkeys(ipaddress.ip_address(a) for a in raw))
    except ValueError as exc:
        raise UnsafeUrl(f"{host} resolved to something that is not an address: {exc}") from None
    if not addresses:
        raise Unresolvable(f"{host} resolved to no address")
    return addresses


def parse_url(url: str | httpx.URL, policy: NetPolicy) -> httpx.URL:
    """The URL parsed, with an allowed scheme, a host and no credentials."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError) as exc:  # IDNA errors are UnicodeErrors
        raise UnsafeUrl(f"not a valid URL ({exc})") from None
    if parsed.scheme != "https" and not (parsed.scheme == "http" and policy.allow_http):
        raise UnsafeUrl("only https URLs are allowed")
    if not parsed.raw_host:
        raise UnsafeUrl("the URL has no host")
    if parsed.userinfo:  # secrets in URLs end up in logs and delivery rows
        raise UnsafeUrl("credentials in the URL are not allowed")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise UnsafeUrl(f"port {parsed.port} is out of range")
    return parsed


def check_url(url: str | httpx.URL, policy: NetPolicy) -> Target:
    """Parse and resolve `url`; raise UnsafeUrl unless every resolved address is allowed."""
    parsed = parse_url(url, policy)
    host = parsed.raw_host.decode("ascii")  # the A-label form: what DNS and SNI see
    port = parsed.port or DEFAULT_PORTS[parsed.scheme]
    addresses = resolve(host, port, policy.resolver)
    for address in addresses:
        if problem := address_problem(address, policy):
            raise UnsafeUrl(f"{host} resolves to {address}, {problem}")
    return Target(url=parsed, scheme=parsed.scheme, host=host, port=port, addresses=addresses)
