"""A connected account's tokens, sealed into its row and opened from it. The associated
data names the owner and the field, so a sealed token moved to another row is useless."""

from __future__ import annotations

from app.core.config import settings
from app.models import SocialAccount
from app.models.base import utcnow
from app.publishing.base import Tokens
from app.publishing.tokens import Sealed, TokenCipher, cipher_from_settings


def cipher() -> TokenCipher:
    """The cipher of these settings (TOKEN_KEYS, TOKEN_KEY_ID)."""
    return cipher_from_settings(settings)


def _context(account: SocialAccount, field: str) -> str:
    return f"social_account:{account.user_id}:{account.platform}:{account.external_id}:{field}"


def seal_tokens(account: SocialAccount, tokens: Tokens, *,
                with_cipher: TokenCipher | None = None) -> None:
    """Write `tokens` into the row under the current key (the row's owner, platform and
    external id must be set first)."""
    box = with_cipher or cipher()
    access = box.seal(tokens.access_token, context=_context(account, "access"))
    account.access_token = access.blob
    account.refresh_token = (box.seal(tokens.refresh_token,
                                      context=_context(account, "refresh")).blob
                             if tokens.refresh_token else None)
    account.token_key_id = access.key_id
    account.scopes = list(tokens.scopes)
    account.expires_at = tokens.expires_at
    account.updated_at = utcnow()


def open_tokens(account: SocialAccount, *, with_cipher: TokenCipher | None = None) -> Tokens:
    """The row's tokens in clear; TokenKeyError when its key is not configured."""
    box = with_cipher or cipher()
    key = account.token_key_id
    access = box.open(Sealed(key, account.access_token), context=_context(account, "access"))
    refresh = (box.open(Sealed(key, account.refresh_token),
                        context=_context(account, "refresh"))
               if account.refresh_token is not None else None)
    return Tokens(access_token=access, refresh_token=refresh, expires_at=account.expires_at,
                  scopes=tuple(account.scopes), account_id=account.external_id)
