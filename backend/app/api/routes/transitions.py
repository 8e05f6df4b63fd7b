"""The transition kinds, read from the renderer's registry: one list for every client."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from app.api.deps import CurrentUser
from app.media.transition_kinds import DEFAULT, KINDS
from app.schemas.transition import TransitionRead
from app.services.previews import transition_preview

router = APIRouter(tags=["transitions"])


@router.get("/transitions", response_model=list[TransitionRead],
            summary="Transition kinds, in the order of the schema's enum; the default is marked")
async def read_transitions(user: CurrentUser) -> list[TransitionRead]:
    return [TransitionRead(name=k.name, label=k.label, blends=k.blends, slideshow=k.slideshow,
                           default=k.name == DEFAULT) for k in KINDS]


@router.get("/transitions/{name}/preview", response_class=Response, response_model=None,
            summary="A one-second MP4 (160×284, no sound) of the transition between two "
                    "colour cards, rendered by the renderer itself",
            responses={200: {"content": {"video/mp4": {}}},
                       404: {"description": "No such kind, or `random` (no single look)"}})
async def read_transition_preview(name: str, user: CurrentUser) -> Response:
    mp4 = await transition_preview(name)
    return Response(mp4, media_type="video/mp4", headers={"Cache-Control": "private, max-age=3600"})
