"""The voices the configured speech providers offer."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter

from app.api.deps import CurrentUser
from app.schemas.workflow import VoiceRead
from app.services.voices import list_voices

router = APIRouter(tags=["voices"])


@router.get("/voices", response_model=list[VoiceRead],
            summary="Voices of every configured speech provider; the default is marked")
async def read_voices(user: CurrentUser) -> list[VoiceRead]:
    # espeak-ng runs as a process and HTTP providers answer over the network: off the loop
    voices = await to_thread.run_sync(list_voices)
    return [VoiceRead(provider=v.provider, id=v.id, name=v.name, language=v.language,
                      gender=v.gender, default=default) for v, default in voices]
