"""The pinned transport against local servers: it connects to the checked address with the
original Host and TLS name, follows redirects by hand (each target checked), and bounds
answers in size and time."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest

from app.core.http.addresses import NetPolicy, UnsafeUrl, system_resolver
from app.core.http.pinned import Limits, TooManyRedirects, post
from tests.webhooks.receiver import Answer, Canary, Receiver

ORIGIN_HOST = "127.0.0.2"  # the "public" side of these tests: opened by allowed_networks
BODY = b'{"id":"e1"}'
HEADERS = {"Content-Type": "application/json", "Reelforge-Signature": "v1=abc"}


def policy(names: dict[str, str] | None = None, calls: list[str] | None = None) -> NetPolicy:
    """Only 127.0.0.2 is allowed; `names` resolve as given, others through the system."""
    def resolve(host: str, port: int) -> Sequence[str]:
        if calls is not None:
            calls.append(host)
        return [names[host]] if names and host in names else system_resolver(host, port)
    return NetPolicy(allow_http=True, resolver=resolve,
                     allowed_networks=(ipaddress.ip_network(f"{ORIGIN_HOST}/32"),))


@pytest.fixture
def origin() -> Iterator[Receiver]:
    server = Receiver(host=ORIGIN_HOST)
    yield server
    server.stop()


def test_connects_to_the_checked_address_whatever_dns_says_later(origin: Receiver,
                                                                 canary: Canary) -> None:
    answers = iter([ORIGIN_HOST, "127.0.0.1"])  # a rebinding resolver: public, then loopback
    calls: list[str] = []

    def rebinding(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return [next(answers)]
    guard = NetPolicy(allow_http=True, resolver=rebinding,
                      allowed_networks=(ipaddress.ip_network(f"{ORIGIN_HOST}/32"),))
    reply = post(f"http://hooks.invalid:{origin.port}/in", BODY, HEADERS, policy=guard,
                 limits=Limits())
    assert reply.status_code == 200 and calls == ["hooks.invalid"]
    (got,) = origin.requests
    assert got.headers["host"] == f"hooks.invalid:{origin.port}"
    assert got.body == BODY and got.headers["reelforge-signature"] == "v1=abc"
    assert canary.connections == 0


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=hooks.test",
                    "-addext", "subjectAltName=DNS:hooks.test"], check=True, capture_output=True)
    return cert, key


def test_tls_uses_the_original_name_for_sni_and_the_certificate(
        tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    server = Receiver(host=ORIGIN_HOST, tls=server_tls)
    trust = ssl.create_default_context(cafile=str(cert))
    names = {"hooks.test": ORIGIN_HOST, "other.test": ORIGIN_HOST}
    try:
        reply = post(f"https://hooks.test:{server.port}/in", BODY, HEADERS,
                     policy=policy(names), limits=Limits(), verify=trust)
        assert reply.status_code == 200
        assert server.server_names == ["hooks.test"]
        assert server.requests[0].headers["host"] == f"hooks.test:{server.port}"
        with pytest.raises(httpx.ConnectError, match="certificate"):
            post(f"https://other.test:{server.port}/in", BODY, HEADERS, policy=policy(names),
                 limits=Limits(), verify=trust)
    finally:
        server.stop()


@pytest.mark.parametrize("location", [
    "http://127.0.0.1:{port}/", "http://localhost:{port}/", "http://[::1]:{port}/",
    "http://2130706433:{port}/", "http://0x7f000001:{port}/", "http://[::ffff:127.0.0.1]:{port}/",
    "http://169.254.169.254/latest/meta-data", "ftp://127.0.0.1:{port}/",
])
def test_a_redirect_to_loopback_is_refused_at_the_redirect(canary: Canary,
                                                           location: str) -> None:
    origin = Receiver(host=ORIGIN_HOST, default=Answer(
        307, {"Location": location.format(port=canary.port)}))
    try:
        with pytest.raises(UnsafeUrl):
            post(f"http://hooks.example.com:{origin.port}/in", BODY, HEADERS,
                 policy=policy({"hooks.example.com": ORIGIN_HOST}), limits=Limits())
        assert len(origin.requests) == 1  # the public-looking first hop was called
        assert canary.connections == 0  # the redirect target never was
    finally:
        origin.stop()


def test_allowed_redirects_are_followed_and_post_the_same_body(origin: Receiver) -> None:
    first = Receiver(host=ORIGIN_HOST, default=Answer(308, {"Location": f"{origin.url}/moved"}))
    try:
        reply = post(f"{first.url}/in", BODY, HEADERS, policy=policy(), limits=Limits())
    finally:
        first.stop()
    assert (reply.status_code, reply.redirects, reply.url) == (200, 1, f"{origin.url}/moved")
    (got,) = origin.requests
    assert (got.method, got.path, got.body) == ("POST", "/moved", BODY)
    assert got.headers["reelforge-signature"] == "v1=abc"


def test_more_than_three_redirects_are_refused() -> None:
    loop = Receiver(host=ORIGIN_HOST, default=Answer(302, {"Location": "/again"}))
    try:
        with pytest.raises(TooManyRedirects):
            post(f"{loop.url}/in", BODY, HEADERS, policy=policy(), limits=Limits())
        assert len(loop.requests) == 4  # the first request and three redirects
    finally:
        loop.stop()


def test_answers_are_read_only_up_to_the_cap() -> None:
    big = Receiver(host=ORIGIN_HOST, default=Answer(200, body=b"x" * (4 << 20)))
    try:
        reply = post(f"{big.url}/in", BODY, HEADERS, policy=policy(),
                     limits=Limits(max_response_bytes=1000))
    finally:
        big.stop()
    assert reply.status_code == 200 and len(reply.body) == 1000


def test_a_slow_receiver_runs_out_of_time() -> None:
    slow = Receiver(host=ORIGIN_HOST, default=Answer(200, delay_s=3.0))
    started = time.monotonic()
    try:
        with pytest.raises(httpx.TimeoutException):
            post(f"{slow.url}/in", BODY, HEADERS, policy=policy(),
                 limits=Limits(total_timeout_s=0.5))
    finally:
        slow.stop()
    assert time.monotonic() - started < 2.5


def test_proxies_from_the_environment_are_not_used(origin: Receiver, canary: Canary,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{canary.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    reply = post(f"{origin.url}/in", BODY, HEADERS, policy=policy(), limits=Limits())
    assert reply.status_code == 200 and len(origin.requests) == 1
    assert canary.connections == 0
