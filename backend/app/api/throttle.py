"""Sign-in throttling: per client address, per account, and the lockout after failures.

Limits are moving windows in Redis (the `limits` library), shared by every API process;
settings in `settings.auth` (LOGIN_IP_LIMITS and the rest). Everything here is decided
before a password is hashed, so a refused attempt costs no argon2 work. Over a limit is 429
`too_many_attempts` with `Retry-After`: when the fullest window has room again.
"""

from __future__ import annotations

import hashlib
import math
import time

import redis.asyncio as aioredis
from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from app.core.config import settings
from app.core.errors import AppError


def _refusal(retry_after_s: float) -> AppError:
    wait = max(1, math.ceil(retry_after_s))
    return AppError("too_many_attempts", f"too many attempts; try again in {wait} s", 429,
                    headers={"Retry-After": str(wait)})


def _account(email: str) -> str:
    # a digest, not the address, in Redis keys: keys show up in monitoring and dumps
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class SignInThrottle:
    """The limits of the login and registration routes, on the API's Redis pool."""

    def __init__(self, client: aioredis.Redis) -> None:
        # the API's own pool (its URL, password and timeouts); `limits` types its
        # pass-through options as scalars only
        storage = RedisStorage("async+redis://", implementation="redispy", key_prefix="throttle",
                               connection_pool=client.connection_pool)  # type: ignore[arg-type]
        self._limiter = MovingWindowRateLimiter(storage)
        self.login_ip = parse_many(settings.auth.LOGIN_IP_LIMITS)
        self.register_ip = parse_many(settings.auth.REGISTER_IP_LIMITS)
        self.login_account = parse_many(settings.auth.LOGIN_ACCOUNT_LIMITS)
        self.lockout = parse_many(settings.auth.LOGIN_LOCKOUT_LIMITS)

    async def _take(self, limits: list[RateLimitItem], *key: str) -> None:
        """Count one attempt against every limit, or raise 429 if one is full."""
        for item in limits:
            if not await self._limiter.hit(item, *key):
                raise await self._until_free(item, *key)

    async def _until_free(self, item: RateLimitItem, *key: str) -> AppError:
        stats = await self._limiter.get_window_stats(item, *key)
        return _refusal(stats.reset_time - time.time())

    async def before_login(self, address: str, email: str) -> None:
        """Refuse a login over the address's or the account's limits, or while locked."""
        await self._take(self.login_ip, "login-ip", address)
        account = _account(email)
        for item in self.lockout:  # a locked account is not even checked
            if not await self._limiter.test(item, "lockout", account):
                raise await self._until_free(item, "lockout", account)
        await self._take(self.login_account, "login-account", account)

    async def login_failed(self, email: str) -> None:
        """One more failure towards the lockout's tiers."""
        account = _account(email)
        for item in self.lockout:
            await self._limiter.hit(item, "lockout", account)

    async def login_succeeded(self, email: str) -> None:
        """The right password: the failures so far are forgiven."""
        account = _account(email)
        for item in self.lockout:
            await self._limiter.clear(item, "lockout", account)

    async def before_register(self, address: str) -> None:
        await self._take(self.register_ip, "register-ip", address)


def client_address(request: Request) -> str:
    """The caller's address; behind a proxy uvicorn's --proxy-headers (trusting only
    FORWARDED_ALLOW_IPS) has already put the forwarded client here."""
    return request.client.host if request.client is not None else "unknown"


def sign_in_throttle(request: Request) -> SignInThrottle:
    """The process's throttle, made on first use from the app's Redis client."""
    throttle: SignInThrottle | None = getattr(request.app.state, "sign_in_throttle", None)
    if throttle is None:
        throttle = SignInThrottle(request.app.state.redis)
        request.app.state.sign_in_throttle = throttle
    return throttle
