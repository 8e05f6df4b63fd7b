"""Connected social accounts: connect through OAuth, list, disconnect; the platforms."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.api.deps import CurrentUser, RedisDep, SessionDep
from app.publishing.platforms import PlatformName
from app.schemas.social import ConnectStarted, PlatformRead, SocialAccountRead
from app.services.social_accounts import accounts as account_service
from app.services.social_accounts import quota
from app.services.social_accounts.authorize import complete_authorization, start_authorization
from app.services.social_accounts.platforms import list_platforms

router = APIRouter(prefix="/social", tags=["social accounts"])

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"description": "Unknown, or not yours"}}
UNAVAILABLE: Responses = {409: {"description": "The platform has no credentials on this "
                                               "server (platform_unavailable)"}}
CALLBACK_ERRORS: Responses = {
    400: {"description": "Unknown, expired, replayed or mismatched state; no code; the "
                         "platform refused the code or the user denied access"},
    502: {"description": "The platform answered with an error"},
    503: {"description": "The platform stayed unavailable; see Retry-After"},
}


@router.get("/platforms", response_model=list[PlatformRead],
            summary="The publishing platforms and whether this server offers each")
async def list_social_platforms(user: CurrentUser) -> list[PlatformRead]:
    return [PlatformRead(name=p.name, label=p.label, available=p.available,
                         pkce=p.pkce) for p in list_platforms()]


@router.post("/accounts/{platform}/connect", status_code=status.HTTP_201_CREATED,
             response_model=ConnectStarted,
             summary="Start connecting an account: the authorization URL to send the user to",
             responses=UNAVAILABLE)
async def connect_social_account(platform: PlatformName, request: Request, user: CurrentUser,
                                 session: SessionDep) -> ConnectStarted:
    url, state = await start_authorization(session=session, user=user, platform=platform,
                                           base_url=str(request.base_url))
    return ConnectStarted(authorization_url=url, state_expires_at=state.expires_at,
                          redirect_uri=state.redirect_uri)


@router.get("/oauth/{platform}/callback",
            response_model=SocialAccountRead,
            summary="Finish connecting: the platform's redirect, brought by the user who "
                    "started it",
            responses={**CALLBACK_ERRORS, **UNAVAILABLE})
async def social_oauth_callback(
    platform: PlatformName, user: CurrentUser, session: SessionDep,
    state: Annotated[str, Query(min_length=1, max_length=512)],
    code: Annotated[str | None, Query(max_length=4096)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> SocialAccountRead:
    account = await complete_authorization(session=session, user=user, platform=platform,
                                           state=state, code=code, error=error)
    return SocialAccountRead.model_validate(account)


@router.get("/accounts", response_model=list[SocialAccountRead],
            summary="Your connected accounts (never their tokens), with the quota units "
                    "spent today")
async def list_social_accounts(user: CurrentUser, session: SessionDep,
                               redis: RedisDep) -> list[SocialAccountRead]:
    rows = await account_service.list_accounts(session=session, user=user)
    used = await quota.used_today_many(redis, [a.id for a in rows])
    listed = []
    for account in rows:
        read = SocialAccountRead.model_validate(account)
        budget = quota.budget_for(account.platform)
        if budget is not None:
            read.quota_units_today, read.quota_units_daily = used[account.id], budget.daily_units
        listed.append(read)
    return listed


@router.delete("/accounts/{account_id}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response, summary="Disconnect an account and forget its tokens",
               responses=NOT_FOUND)
async def disconnect_social_account(account_id: uuid.UUID, user: CurrentUser,
                                    session: SessionDep) -> Response:
    await account_service.disconnect(session=session, user=user, account_id=account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
