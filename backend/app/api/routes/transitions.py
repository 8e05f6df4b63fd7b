"""The transition kinds, read from the renderer's registry: one list for every client."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CurrentUser
from app.media.transition_kinds import DEFAULT, KINDS
from app.schemas.transition import TransitionRead

router = APIRouter(tags=["transitions"])


@router.get("/transitions", response_model=list[TransitionRead],
            summary="Transition kinds, in the order of the schema's enum; the default is marked")
async def read_transitions(user: CurrentUser) -> list[TransitionRead]:
    return [TransitionRead(name=k.name, label=k.label, blends=k.blends, slideshow=k.slideshow,
                           default=k.name == DEFAULT) for k in KINDS]
