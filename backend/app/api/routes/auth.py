"""Accounts: register, log in for a JWT, log out, change the password, manage API keys."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from app.api.deps import CurrentUser, RedisDep, SessionDep, oauth2_scheme, token_claims
from app.api.throttle import client_address, sign_in_throttle
from app.core.config import settings
from app.core.errors import AppError
from app.core.security import API_KEY_PREFIX, create_access_token
from app.schemas.auth import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    PasswordChange,
    TokenRead,
    UserCreate,
    UserRead,
)
from app.services import api_key_use, sessions
from app.services import users as user_service

router = APIRouter(prefix="/auth", tags=["auth"])

_THROTTLED: dict[int | str, dict[str, object]] = {
    429: {"description": "Too many attempts from this address or on this account; see "
                         "Retry-After"},
    503: {"description": "Too many password checks at once; retry after Retry-After"},
}


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserRead,
             summary="Create an account",
             responses={409: {"description": "The email is already registered"},
                        422: {"description": "Invalid field (the error names it)"},
                        **_THROTTLED})
async def register_user(body: UserCreate, session: SessionDep, request: Request) -> UserRead:
    await sign_in_throttle(request).before_register(client_address(request))
    user = await user_service.register(session=session, email=body.email, password=body.password)
    return UserRead.model_validate(user)


class PasswordForm(OAuth2PasswordRequestForm):
    """OAuth2's password form. FastAPI reads an empty form field as not sent, so an empty
    `grant_type` is accepted like none at all: its pattern says so."""

    def __init__(
        self, *, username: Annotated[str, Form()], password: Annotated[str, Form()],
        grant_type: Annotated[str | None, Form(pattern="^(password)?$")] = None,
        scope: Annotated[str, Form()] = "", client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form()] = None,
    ) -> None:
        super().__init__(grant_type=grant_type, username=username, password=password,
                         scope=scope, client_id=client_id, client_secret=client_secret)


@router.post("/token", response_model=TokenRead, summary="Log in (OAuth2 password form)",
             responses={401: {"description": "Wrong email or password"}, **_THROTTLED})
async def create_token(form: Annotated[PasswordForm, Depends()],
                       session: SessionDep, request: Request) -> TokenRead:
    throttle = sign_in_throttle(request)
    await throttle.before_login(client_address(request), form.username)
    try:
        user = await user_service.authenticate_password(session=session, email=form.username,
                                                        password=form.password)
    except AppError as refused:
        if refused.status == 401:
            await throttle.login_failed(form.username)
        raise
    await throttle.login_succeeded(form.username)
    return TokenRead(access_token=create_access_token(user.id, user.role),
                     expires_in=settings.auth.ACCESS_TOKEN_TTL_S)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT,
             summary="Revoke the bearer token of this request",
             responses={400: {"description": "The credential is an API key (revoke it with "
                                             "DELETE /auth/api-keys/{key_id})"},
                        401: {"description": "Missing, invalid or already revoked token"}})
async def logout(_: CurrentUser, redis: RedisDep,
                 token: Annotated[str | None, Depends(oauth2_scheme)]) -> None:
    if token is None or token.startswith(API_KEY_PREFIX):
        raise AppError("not_a_token", "only a bearer token can be logged out", 400)
    await sessions.revoke_token(redis, await token_claims(redis, token))


@router.post("/password", response_model=TokenRead,
             summary="Change the password; every token is revoked and a fresh one returned",
             responses={401: {"description": "Missing or invalid credentials"},
                        422: {"description": "The current password is wrong, or the new "
                                             "one is invalid (the error names the field)"},
                        **_THROTTLED})
async def change_password(body: PasswordChange, user: CurrentUser, session: SessionDep,
                          redis: RedisDep, request: Request) -> TokenRead:
    user_id, role, email = user.id, user.role, user.email
    # a guess at the current password counts like a failed login: a stolen token must not
    # give unlimited guesses (the lockout then refuses logins too)
    throttle = sign_in_throttle(request)
    await throttle.before_login(client_address(request), email)
    try:
        await user_service.change_password(session=session, user=user,
                                           current=body.current_password,
                                           new=body.new_password)
    except AppError as refused:
        if refused.field == "current_password":
            await throttle.login_failed(email)
        raise
    await throttle.login_succeeded(email)
    await session.commit()  # the new hash is stored before any token is revoked
    await sessions.revoke_all(redis, user_id)
    return TokenRead(access_token=create_access_token(user_id, role),
                     expires_in=settings.auth.ACCESS_TOKEN_TTL_S)


@router.get("/me", response_model=UserRead, summary="The calling account")
async def read_me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@router.post("/api-keys", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated,
             summary="Create an API key (the secret is shown once)")
async def create_api_key(body: ApiKeyCreate, user: CurrentUser,
                         session: SessionDep) -> ApiKeyCreated:
    api_key, secret = await user_service.create_api_key(session=session, user=user,
                                                        name=body.name)
    return ApiKeyCreated(id=api_key.id, name=api_key.name, prefix=api_key.prefix,
                         created_at=api_key.created_at, key=secret)


@router.get("/api-keys", response_model=list[ApiKeyRead],
            summary="List active API keys, with when each was last used")
async def list_api_keys(user: CurrentUser, session: SessionDep,
                        redis: RedisDep) -> list[ApiKeyRead]:
    keys = await user_service.list_api_keys(session=session, user=user)
    used = await api_key_use.last_used(redis, [k.id for k in keys])
    return [ApiKeyRead.model_validate(k).model_copy(update={"last_used_at": used[k.id]})
            for k in keys]


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Revoke an API key")
async def revoke_api_key(key_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> None:
    await user_service.revoke_api_key(session=session, user=user, key_id=key_id)
