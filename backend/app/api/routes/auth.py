"""Accounts: register, log in for a JWT, manage API keys."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from app.api.deps import CurrentUser, SessionDep
from app.core.config import settings
from app.core.security import create_access_token
from app.schemas.auth import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    TokenRead,
    UserCreate,
    UserRead,
)
from app.services import users as user_service

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserRead,
             summary="Create an account")
async def register_user(body: UserCreate, session: SessionDep) -> UserRead:
    user = await user_service.register(session=session, email=body.email, password=body.password)
    return UserRead.model_validate(user)


@router.post("/token", response_model=TokenRead, summary="Log in (OAuth2 password form)")
async def create_token(form: Annotated[OAuth2PasswordRequestForm, Depends()],
                       session: SessionDep) -> TokenRead:
    user = await user_service.authenticate_password(session=session, email=form.username,
                                                    password=form.password)
    return TokenRead(access_token=create_access_token(user.id, user.role),
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


@router.get("/api-keys", response_model=list[ApiKeyRead], summary="List active API keys")
async def list_api_keys(user: CurrentUser, session: SessionDep) -> list[ApiKeyRead]:
    keys = await user_service.list_api_keys(session=session, user=user)
    return [ApiKeyRead.model_validate(k) for k in keys]


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Revoke an API key")
async def revoke_api_key(key_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> None:
    await user_service.revoke_api_key(session=session, user=user, key_id=key_id)
