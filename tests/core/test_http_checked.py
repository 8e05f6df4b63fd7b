"""app.core.http.post_checked against real local servers: addresses the policy forbids are
refused before any connection, the connection goes to the checked address whatever DNS
says next, redirects are checked again, and answers are classified as the callers need."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Sequence

import pytest

from app.core.http import Limits, NetPolicy, post_checked
from tests.webhooks.receiver import Answer, Canary, Receiver

ALLOWED = "127.0.0.2"  # stands for a public host: opened by allowed_networks below
BODY = b'{"id":"e1"}'
HEADERS = {"Content-Type": "application/json"}


def dns(answers: dict[str, Sequence[str]], calls: list[str] | None = None) -> NetPolicy:
    """A strict policy (private ranges closed, but 127.0.0.2) over a scripted resolver."""
    def resolve(host: str, port: int) -> Sequence[str]:
        if calls is not None:
            calls.append(host)
        if host in answers:
            return answers[host]
        try:
            return [str(ipaddress.ip_address(host))]  # literals answer for themselves
        except ValueError:
            raise OSError("Name or service not known") from None
    return NetPolicy(allow_http=True, resolver=resolve,
                     allowed_networks=(ipaddress.ip_network(f"{ALLOWED}/32"),))


@pytest.fixture
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.stop()


@pytest.fixture
def origin() -> Iterator[Receiver]:
    server = Receiver(host=ALLOWED)
    yield server
    server.stop()


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "10.0.0.7", "192.168.1.1",
                                     "169.254.1.1", "100.64.0.1", "::ffff:127.0.0.1"])
def test_private_and_loopback_addresses_are_refused_unconnected(canary: Canary,
                                                                address: str) -> None:
    policy = dns({"hooks.example": [address]})
    outcome = post_checked(f"http://hooks.example:{canary.port}/in", BODY, HEADERS,
                           policy=policy, limits=Limits())
    assert not outcome.ok and not outcome.retryable and outcome.reply is None
    assert outcome.error is not None and outcome.error.startswith("refused: ")
    assert canary.connections == 0


def test_one_bad_address_among_good_ones_refuses_the_host(canary: Canary) -> None:
    policy = dns({"mixed.example": [ALLOWED, "127.0.0.1"]})
    outcome = post_checked(f"http://mixed.example:{canary.port}/", BODY, HEADERS,
                           policy=policy, limits=Limits())
    assert outcome.error is not None and "127.0.0.1" in outcome.error
    assert canary.connections == 0


def test_loopback_passes_when_the_policy_opens_private_networks(canary: Canary) -> None:
    opened = NetPolicy(allow_http=True, allow_private=True)
    outcome = post_checked(f"http://127.0.0.1:{canary.port}/", BODY, HEADERS, policy=opened,
                           limits=Limits(total_timeout_s=1.0))
    assert canary.connections == 1  # dialled (the canary hangs up: a network error)
    assert not outcome.ok and outcome.retryable and outcome.reply is None
    metadata = post_checked("http://169.254.169.254/latest/meta-data/", BODY, HEADERS,
                            policy=opened, limits=Limits())
    assert metadata.error is not None and "metadata" in metadata.error  # never opened


def test_dns_rebinding_gains_nothing(origin: Receiver, canary: Canary) -> None:
    answers = iter([ALLOWED, "127.0.0.1"])  # allowed when checked, loopback a moment later
    calls: list[str] = []

    def rebinding(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return [next(answers)]
    policy = NetPolicy(allow_http=True, resolver=rebinding,
                       allowed_networks=(ipaddress.ip_network(f"{ALLOWED}/32"),))
    outcome = post_checked(f"http://rebind.example:{origin.port}/in", BODY, HEADERS,
                           policy=policy, limits=Limits())
    assert outcome.ok and calls == ["rebind.example"]  # resolved once, then pinned
    (got,) = origin.requests
    assert got.headers["host"] == f"rebind.example:{origin.port}" and got.body == BODY
    assert canary.connections == 0


def test_a_redirect_to_loopback_is_refused(canary: Canary) -> None:
    bouncer = Receiver(host=ALLOWED, default=Answer(
        302, {"Location": f"http://127.0.0.1:{canary.port}/in"}))
    try:
        outcome = post_checked(f"http://{ALLOWED}:{bouncer.port}/in", BODY, HEADERS,
                               policy=dns({}), limits=Limits())
    finally:
        bouncer.stop()
    assert not outcome.retryable and outcome.error is not None
    assert outcome.error.startswith("refused: ") and canary.connections == 0


def test_answers_are_classified(origin: Receiver) -> None:
    origin._script.extend([Answer(200, body=b"thanks"),
                           Answer(503, {"Retry-After": "7"}, b"busy"),
                           Answer(404, body=b"gone")])
    url, policy = f"http://{ALLOWED}:{origin.port}/in", dns({})
    delivered = post_checked(url, BODY, HEADERS, policy=policy, limits=Limits())
    busy = post_checked(url, BODY, HEADERS, policy=policy, limits=Limits())
    gone = post_checked(url, BODY, HEADERS, policy=policy, limits=Limits())
    assert delivered.ok and delivered.reply is not None and delivered.reply.body == b"thanks"
    assert delivered.error is None
    assert (busy.ok, busy.retryable, busy.error, busy.retry_after_s) == (False, True,
                                                                        "HTTP 503", 7.0)
    assert (gone.ok, gone.retryable, gone.error) == (False, False, "HTTP 404")


def test_unresolvable_hosts_and_slow_answers_may_pass_later(origin: Receiver) -> None:
    missing = post_checked("http://nowhere.example/in", BODY, HEADERS, policy=dns({}),
                           limits=Limits())
    assert missing.retryable and missing.error is not None
    assert missing.error.startswith("unresolvable: ")
    origin._script.append(Answer(delay_s=2.0))
    slow = post_checked(f"http://{ALLOWED}:{origin.port}/in", BODY, HEADERS, policy=dns({}),
                        limits=Limits(total_timeout_s=0.5))
    assert slow.retryable and slow.error is not None and "Timeout" in slow.error
