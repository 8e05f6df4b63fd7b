"""Each scene as a stream of exactly its frames at the output size, yuv420p BT.709.

All stills (photos and cards) go to ffmpeg as ONE input: a file of concatenated PPM
frames read at one frame a second. ffmpeg reads frame k only when scene k needs it,
so at most two decoded stills are alive at once however long the timeline is.

xfade accepts no subsampled format, so each xfade input would be converted from
yuv420p to yuv444p frame by frame, by a scaler of its own that keeps its own buffers.
A held still that meets a transition instead gets its one frame converted once, by a
single converter shared by all stills (`Clip.blend`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.media.graph import Args, Graph, Pad
from app.media.motion import apply_motion
from app.media.pictures import fit_photo, paint_card
from app.media.plan import Plan, ScenePlan
from app.media.probe import video_demuxer
from app.media.stills import hold
from app.media.text import TextImage, bake, is_static, overlay_text, render_text

YUV: list[tuple[str, Args]] = [
    ("scale", {"out_color_matrix": "bt709", "out_range": "tv"}),
    ("format", ["yuv420p"]),
    ("setsar", ["1"]),
]


@dataclass(frozen=True)
class Clip:
    """A scene's stream: one frame to hold (`static`) or all `frames` frames."""

    pad: Pad
    frames: int
    static: bool
    blend: Pad | None = None  # the held frame in yuv444p, for the xfade inputs


def _holds(sp: ScenePlan) -> bool:
    """A still scene without motion or animated text: one frame held for the whole scene."""
    scene = sp.scene
    motion = getattr(scene, "motion", None)
    animated = scene.text is not None and not is_static(scene.text)
    return _is_still(sp) and (motion is None or motion.kind == "none") and not animated


def _is_still(sp: ScenePlan) -> bool:
    return sp.scene.kind in ("image", "card")


def write_stills(plan: Plan, path: Path, on_still: Callable[[int], None] | None = None) -> int:
    """Write every still scene, fitted and with static text baked in; returns the count."""
    size = (plan.frame.width, plan.frame.height)
    count = 0
    with path.open("wb") as fh:
        for sp in plan.scenes:
            scene = sp.scene
            if scene.kind == "image":
                assert sp.path is not None
                still = fit_photo(sp.path, scene.fit, size)
            elif scene.kind == "card":
                still = paint_card(scene.color, scene.gradient, size)
            else:
                continue
            if scene.text is not None and is_static(scene.text):
                still = bake(still, render_text(scene.text, plan.frame))
            still.save(fh, "PPM")
            count += 1
            if on_still is not None:
                on_still(count)
    return count


def _video(graph: Graph, sp: ScenePlan, plan: Plan) -> Pad:
    scene = sp.scene
    assert scene.kind == "video" and sp.path is not None
    w, h, fps = plan.frame.width, plan.frame.height, plan.fps
    # the demuxer is forced from the clip's magic bytes, as at upload: never autodetected
    src = graph.source(sp.path, "-f", video_demuxer(sp.path), "-ss", f"{scene.in_s:.6f}",
                       "-t", f"{sp.source_s:.6f}")
    pad = graph.chain(src.video, [("setpts", ["PTS-STARTPTS"]), ("fps", [fps])])
    pad = _fit(graph, pad, scene.fit, w, h)
    return graph.chain(pad, [
        *YUV,
        # A clip shorter than its scene holds its last frame; trim makes the count exact.
        ("tpad", {"stop": sp.frames, "stop_mode": "clone"}),
        ("trim", {"end_frame": sp.frames}),
        ("settb", [f"1/{fps}"]),
        ("setpts", ["N"]),
    ])


def _fit(graph: Graph, pad: Pad, fit: str, w: int, h: int) -> Pad:
    if fit == "fill":
        return graph.then(pad, "scale", {"w": w, "h": h})
    cover: list[tuple[str, Args]] = [
        ("scale", {"w": w, "h": h, "force_original_aspect_ratio": "increase"}),
        ("crop", {"w": w, "h": h}),
    ]
    if fit == "cover":
        return graph.chain(pad, cover)
    back, front = graph.add("split", [2], inputs=[pad], outputs=["video", "video"])
    sw, sh = max(2, w // 8 // 2 * 2), max(2, h // 8 // 2 * 2)
    back = graph.chain(back, [
        ("scale", {"w": sw, "h": sh, "force_original_aspect_ratio": "increase"}),
        ("crop", {"w": sw, "h": sh}),
        ("gblur", {"sigma": 4}),
        ("scale", {"w": w, "h": h}),
        ("colorlevels", {"romax": 0.7, "gomax": 0.7, "bomax": 0.7}),
    ])
    front = graph.then(front, "scale", {"w": w, "h": h, "force_original_aspect_ratio": "decrease"})
    (out,) = graph.add("overlay", {"x": "(W-w)/2", "y": "(H-h)/2"}, inputs=(back, front))
    return out


def build_scenes(graph: Graph, plan: Plan, workdir: Path, stills: Path | None) -> list[Clip]:
    """One clip per scene; `stills` is the file write_stills() filled (None if no stills)."""
    still_scenes = [sp for sp in plan.scenes if _is_still(sp)]
    one_frame: dict[int, Pad] = {}
    blend: dict[int, Pad] = {}
    if still_scenes:
        assert stills is not None
        src = graph.source(stills, "-f", "ppm_pipe", "-framerate", "1")
        pad = graph.chain(src.video, YUV)
        # Held stills that meet an xfade and show alone in between (only in a segmented
        # join; the chained fallback passes whole clips through xfade).
        blended = [k for k, sp in enumerate(still_scenes)
                   if plan.segmented and _holds(sp) and 0 < sum(plan.overlaps(sp.index))
                   < sp.frames]
        if blended:
            pad, wide = graph.add("split", [2], inputs=[pad], outputs=["video", "video"])
            wide = graph.then(wide, "format", ["yuv444p"])
            for k, out in zip(blended, _split(graph, wide, len(blended)), strict=True):
                blend[still_scenes[k].index] = _pick(graph, out, k)
        for k, (sp, out) in enumerate(zip(still_scenes, _split(graph, pad, len(still_scenes)),
                                          strict=True)):
            one_frame[sp.index] = _pick(graph, out, k)
    interpolation = "cubic" if plan.timeline.output.quality in ("high", "ultra") else "linear"
    clips = []
    for sp in plan.scenes:
        scene = sp.scene
        motion = getattr(scene, "motion", None)
        animated = scene.text is not None and not is_static(scene.text)
        if _is_still(sp):
            if _holds(sp):
                clips.append(Clip(one_frame[sp.index], sp.frames, static=True,
                                  blend=blend.get(sp.index)))
                continue
            pad = hold(graph, one_frame[sp.index], sp.frames, plan.fps)
        else:
            pad = _video(graph, sp, plan)
            if scene.text is not None and not animated:
                animated = True  # video text is always overlaid; static is a 0 s fade-free case
        if motion is not None and motion.kind != "none":
            pad = apply_motion(graph, pad, motion, sp.frames, interpolation=interpolation)
        if scene.text is not None and animated:
            pad = _text(graph, pad, sp, plan, workdir, render_text(scene.text, plan.frame))
        clips.append(Clip(pad, sp.frames, static=False))
    return clips


def _split(graph: Graph, pad: Pad, n: int) -> tuple[Pad, ...]:
    return graph.add("split", [n], inputs=[pad], outputs=["video"] * n) if n > 1 else (pad,)


def _pick(graph: Graph, pad: Pad, k: int) -> Pad:
    """Frame k of the stills stream."""
    return graph.then(pad, "trim", {"start_frame": k, "end_frame": k + 1})


def _text(graph: Graph, pad: Pad, sp: ScenePlan, plan: Plan, workdir: Path,
          text: TextImage) -> Pad:
    assert sp.scene.text is not None
    path = workdir / f"text-{sp.index}.png"
    text.image.save(path, "PNG", compress_level=1)
    src = graph.source(path, "-f", "png_pipe")
    return overlay_text(graph, pad, src.video, sp.scene.text, text, plan.frame, plan.fps,
                        sp.frames)
