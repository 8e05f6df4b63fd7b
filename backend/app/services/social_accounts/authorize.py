"""OAuth authorization-code flow: start (a state bound to the user, a PKCE verifier
where the platform takes one) and finish (the state checked, the code exchanged, the
account stored with its tokens sealed)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from anyio import to_thread
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import AppError
from app.models import AccountStatus, OAuthState, SocialAccount, User
from app.models.base import utcnow
from app.publishing.base import Grant, Identity, Publisher, Tokens
from app.publishing.errors import GrantRevoked, PublishError, PublishTransientError
from app.publishing.pkce import new_verifier, s256_challenge
from app.publishing.tokens import Sealed
from app.services.social_accounts.platforms import publisher_for
from app.services.social_accounts.tokens import cipher, seal_tokens

STATE_BYTES = 32


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def callback_url(base_url: str, platform: str) -> str:
    """The redirect URI registered with the platform for `platform`."""
    root = (settings.publishing.OAUTH_REDIRECT_BASE_URL or base_url).rstrip("/")
    return f"{root}{settings.app.API_PREFIX}/social/oauth/{platform}/callback"


async def start_authorization(*, session: AsyncSession, user: User, platform: str,
                              base_url: str) -> tuple[str, OAuthState]:
    """The authorization URL to send the user to, and the state row it is bound to."""
    publisher = publisher_for(platform)
    now = utcnow()
    # the user's expired authorizations go with each new one
    await session.execute(delete(OAuthState).where(OAuthState.user_id == user.id,
                                                   OAuthState.expires_at < now))
    state = secrets.token_urlsafe(STATE_BYTES)
    redirect_uri = callback_url(base_url, platform)
    row = OAuthState(state_hash=_hash(state), user_id=user.id, platform=platform,
                     redirect_uri=redirect_uri, created_at=now,
                     expires_at=now + timedelta(seconds=settings.publishing.OAUTH_STATE_TTL_S))
    challenge = None
    try:
        if publisher.supports_pkce:
            verifier = new_verifier()
            sealed = cipher().seal(verifier, context=f"oauth_state:{row.state_hash}")
            row.code_verifier, row.key_id = sealed.blob, sealed.key_id
            challenge = s256_challenge(verifier)
        url = publisher.authorization_url(state=state, redirect_uri=redirect_uri,
                                          code_challenge=challenge)
    finally:
        publisher.close()
    session.add(row)
    await session.flush()
    return url, row


async def _claim_state(session: AsyncSession, user: User, platform: str,
                       state: str) -> OAuthState:
    row = await session.scalar(select(OAuthState).where(
        OAuthState.state_hash == _hash(state)).with_for_update())
    # another user's state reads like an unknown one: it says nothing of other accounts
    if row is None or row.user_id != user.id:
        raise AppError("oauth_state_unknown", "state: no authorization of yours has this "
                       "state; start again with POST .../connect", 400, field="state")
    if row.platform != platform:
        raise AppError("oauth_state_mismatch", f"state: this authorization was started for "
                       f"{row.platform}, not {platform}", 400, field="state")
    if row.used_at is not None:
        raise AppError("oauth_state_used", "state: this authorization was already "
                       "completed; a state is good for one callback", 400, field="state")
    if row.expires_at <= utcnow():
        raise AppError("oauth_state_expired", "state: this authorization expired; start "
                       "again with POST .../connect", 400, field="state")
    row.used_at = utcnow()
    return row


async def complete_authorization(*, session: AsyncSession, user: User, platform: str,
                                 state: str, code: str | None,
                                 error: str | None = None) -> SocialAccount:
    """Check the state, exchange the code and store (or refresh) the connected account."""
    row = await _claim_state(session, user, platform, state)
    # a second callback with this state waits on the row lock, then finds it spent; a
    # failed exchange rolls this back, and the platform's code is single-use anyway
    await session.flush()
    if error is not None:
        raise AppError("oauth_denied", f"the platform reported {error!r}: access was not "
                       "granted", 400, field="error")
    if not code:
        raise AppError("missing_code", "code: the callback brought no code", 400,
                       field="code")
    publisher = publisher_for(platform)
    verifier = None
    if row.code_verifier is not None and row.key_id is not None:
        verifier = cipher().open(Sealed(row.key_id, row.code_verifier),
                                 context=f"oauth_state:{row.state_hash}")
    try:
        tokens, identity = await to_thread.run_sync(
            lambda: _exchange(publisher, code, row.redirect_uri, verifier))
    finally:
        publisher.close()
    return await _store(session, user, platform, tokens, identity)


def _exchange(publisher: Publisher, code: str, redirect_uri: str,
              verifier: str | None) -> tuple[Tokens, Identity]:
    try:
        tokens = publisher.exchange_code(code=code, redirect_uri=redirect_uri,
                                         code_verifier=verifier)
        grant = Grant(tokens)
        identity = publisher.identity(grant)
        return grant.tokens, identity
    except GrantRevoked as exc:
        raise AppError("oauth_refused", f"code: {publisher.name} refused the authorization "
                       f"code ({exc.message})", 400, field="code") from None
    except PublishTransientError as exc:
        headers = ({"Retry-After": str(int(exc.retry_after_s) + 1)}
                   if exc.retry_after_s is not None else None)
        raise AppError("platform_unavailable", exc.message, 503, headers=headers) from None
    except PublishError as exc:
        raise AppError("platform_error", exc.message, 502) from None


async def _store(session: AsyncSession, user: User, platform: str, tokens: Tokens,
                 identity: Identity) -> SocialAccount:
    account = await session.scalar(select(SocialAccount).where(
        SocialAccount.user_id == user.id, SocialAccount.platform == platform,
        SocialAccount.external_id == identity.external_id).with_for_update())
    if account is None:
        await session.execute(insert(SocialAccount).values(
            user_id=user.id, platform=platform, external_id=identity.external_id,
            external_name=identity.name[:200], access_token=b"", token_key_id="",
            scopes=[], status=AccountStatus.ACTIVE.value, updated_at=utcnow())
            .on_conflict_do_nothing(constraint="uq_social_accounts_user_platform_external"))
        account = await session.scalar(select(SocialAccount).where(
            SocialAccount.user_id == user.id, SocialAccount.platform == platform,
            SocialAccount.external_id == identity.external_id).with_for_update())
        assert account is not None  # inserted above, or by a concurrent callback
    account.external_name = identity.name[:200]
    account.status, account.status_reason = AccountStatus.ACTIVE.value, None
    seal_tokens(account, tokens)
    await session.flush()
    return account
