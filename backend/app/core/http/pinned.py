"""POST to a checked target over a connection pinned to the address that was checked.

The request keeps the URL's hostname for the Host header and for TLS (SNI and the
certificate check), while the socket goes to an address `check_url` approved: there is
no second DNS lookup between check and connect. Redirects are followed by hand, at most
`max_redirects` times, and every new target is checked again.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

import httpx

from app.core.http.addresses import DEFAULT_PORTS, NetPolicy, Target, UnsafeUrl, check_url
from app.core.http.client import timeout

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class TooManyRedirects(UnsafeUrl):
    """The receiver redirected more often than allowed."""


@dataclass(frozen=True)
class Limits:
    """Bounds on one POST, redirects included."""

    connect_timeout_s: float = 5.0
    total_timeout_s: float = 15.0
    max_response_bytes: int = 64 * 1024
    max_redirects: int = 3


@dataclass(frozen=True)
class Reply:
    """The final answer: status, headers and at most `max_response_bytes` of the body."""

    status_code: int
    headers: httpx.Headers
    body: bytes
    url: str
    redirects: int


class PinnedTransport(httpx.BaseTransport):
    """Sends requests for one checked target to its checked addresses, never resolving."""

    def __init__(self, target: Target, *, verify: ssl.SSLContext | bool = True) -> None:
        self._target = target
        self._inner = httpx.HTTPTransport(verify=verify, retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.raw_host.decode("ascii")
        origin = (url.scheme, host, url.port or DEFAULT_PORTS.get(url.scheme))
        target = self._target
        if origin != (target.scheme, target.host, target.port):
            raise UnsafeUrl(f"{host} was not checked")  # only the one checked origin
        # the Host header was set from the original URL when the request was built
        request.extensions = {**request.extensions, "sni_hostname": target.host}
        failure: httpx.ConnectError | None = None
        for address in target.addresses:
            request.url = url.copy_with(host=str(address))
            try:
                return self._inner.handle_request(request)
            except httpx.ConnectError as exc:
                failure = exc  # nothing was sent yet: the next checked address may answer
        assert failure is not None  # a Target always has at least one address
        raise failure

    def close(self) -> None:
        self._inner.close()


def _read_capped(response: httpx.Response, cap: int, deadline: float) -> bytes:
    """Up to `cap` raw (still compressed) bytes: a huge or endless body costs nothing."""
    received = bytearray()
    for chunk in response.iter_raw():
        received += chunk[: cap - len(received)]
        if len(received) >= cap:
            break
        if time.monotonic() > deadline:  # a receiver dripping bytes cannot hold a worker
            raise httpx.ReadTimeout("the response took longer than the attempt allows")
    return bytes(received)


def _send(target: Target, body: bytes, headers: Mapping[str, str], limits: Limits,
          deadline: float, verify: ssl.SSLContext | bool) -> Reply:
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpx.ConnectTimeout("no time left in this attempt")
    # trust_env=False: a proxy from the environment would connect instead of the pin
    with httpx.Client(transport=PinnedTransport(target, verify=verify),
                      timeout=timeout(left, connect_s=limits.connect_timeout_s),
                      follow_redirects=False, trust_env=False) as client, \
            client.stream("POST", target.url, content=body, headers=dict(headers)) as response:
        data = _read_capped(response, limits.max_response_bytes, deadline)
        return Reply(response.status_code, response.headers, data, str(target.url), 0)


def post(url: str, body: bytes, headers: Mapping[str, str], *, policy: NetPolicy,
         limits: Limits, verify: ssl.SSLContext | bool = True) -> Reply:
    """POST `body` to `url` and to each allowed redirect target; the final answer."""
    deadline = time.monotonic() + limits.total_timeout_s
    current = httpx.URL(url)
    for hop in range(limits.max_redirects + 1):
        reply = _send(check_url(current, policy), body, headers, limits, deadline, verify)
        location = reply.headers.get("location")
        if reply.status_code not in REDIRECT_CODES or not location:
            return replace(reply, redirects=hop)
        current = current.join(location)
    raise TooManyRedirects(f"more than {limits.max_redirects} redirects")
