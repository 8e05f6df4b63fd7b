"""The output presets and qualities, read from the renderer's registry: one list for clients."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter

from app.api.deps import CurrentUser
from app.core.platforms import SPECS
from app.media.presets import PRESETS, QUALITY_SCALE
from app.media.timeline import Preset
from app.schemas.preset import PresetRead, QualityRead, SafeZoneRead

router = APIRouter(tags=["presets"])

# Presets of no platform, as people would name them in a picker.
OTHER_LABELS = {"square": "Square", "portrait": "Portrait 4:5"}


@router.get("/presets", response_model=list[PresetRead],
            summary="Output presets in the order of the schema's enum: frame, safe zone, "
                    "caption size")
async def read_presets(user: CurrentUser) -> list[PresetRead]:
    presets = []
    for name in get_args(Preset):
        info = PRESETS[name]
        spec = SPECS.get(name)
        presets.append(PresetRead(
            name=name, label=spec.label if spec else OTHER_LABELS.get(name, name),
            width=info.width, height=info.height,
            safe=SafeZoneRead(top=info.safe.top, bottom=info.safe.bottom,
                              left=info.safe.left, right=info.safe.right),
            caption_size=info.caption_size, platform=spec is not None))
    return presets


@router.get("/qualities", response_model=list[QualityRead],
            summary="Render qualities, draft to ultra, with their frame scale")
async def read_qualities(user: CurrentUser) -> list[QualityRead]:
    return [QualityRead(name=name, scale=scale) for name, scale in QUALITY_SCALE.items()]
