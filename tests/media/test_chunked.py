"""Chunked rendering: segments cut outside transitions draw the frames of the whole render,
join without re-encoding into the file a single process makes, and come from the cache
when nothing that determines them changed."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image, ImageDraw

from app.media import ffmpeg_exe, parse_timeline, render_timeline
from app.media.chunked import FolderCache, render_chunked, render_segment
from app.media.plan import make_plan
from app.media.render import prepare_files, render_frames
from app.media.segments import edges, split

Resolver = Callable[[str], Path]
SCENES = 9
# Short segments so that a small timeline still has several, with fades and cuts at the
# edges, motion, animated text, captions and a logo crossing them.
TARGET_S, MIN_S = 2.5, 1.0


def _photos(folder: Path, n: int, tag: str = "") -> None:
    folder.mkdir(exist_ok=True)
    for i in range(n):
        image = Image.new("RGB", (320, 240), ((i * 70) % 256, (i * 40) % 256, 200 - i * 15))
        draw = ImageDraw.Draw(image)
        draw.ellipse((40 + i * 10, 40, 200 + i * 10, 200), fill=(240, 240, 240))
        draw.text((10, 10), f"{tag}{i}", fill=(0, 0, 0))
        image.save(folder / f"p{i}.png")
    Image.new("RGBA", (120, 60), (255, 255, 255, 180)).save(folder / "logo.png")


def _tone(folder: Path, seconds: float) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:"
                    f"duration={seconds}", str(folder / "voice.wav")], check=True, timeout=60)


def _timeline(**changes: Any) -> dict[str, Any]:
    scenes: list[dict[str, Any]] = []
    for i in range(SCENES):
        scene: dict[str, Any] = {"kind": "image", "asset": f"p{i}.png", "duration_s": 1.2,
                                 "motion": {"kind": ("zoom_in", "pan_left", "none")[i % 3],
                                            "amount": 0.1}}
        if i % 3 == 1:
            scene["transition"] = {"kind": "none"}
        if i == 4:
            scene["text"] = {"text": "Half way", "animation": "slide_up", "animation_s": 0.4}
        scenes.append(scene)
    data = {"scenes": scenes, "transition": {"kind": "fade", "duration_s": 0.3},
            "captions": {"script": "one two three four five six seven eight nine ten",
                         "style": "boxed"},
            "watermark": {"asset": "logo.png"},
            "output": {"preset": "square", "quality": "draft", "fps": 30}}
    data.update(changes)
    return data


@pytest.fixture
def inputs(tmp_path: Path, resolver: Resolver) -> Resolver:
    _photos(tmp_path / "inputs", SCENES)
    return resolver


def test_segments_are_cut_outside_transitions(inputs: Resolver) -> None:
    plan = make_plan(parse_timeline(_timeline()), inputs)
    segments = split(plan, target_frames=round(TARGET_S * 30), min_frames=round(MIN_S * 30))
    assert len(segments) >= 3
    assert segments[0].start == 0 and segments[-1].end == plan.total_frames
    assert all(a.end == b.start for a, b in zip(segments, segments[1:], strict=False))
    running = [(plan.start_frame(i + 1), plan.start_frame(i + 1) + frames)
               for i, (_kind, frames) in enumerate(plan.transitions) if frames]
    for seg in segments[1:]:
        assert seg.start in edges(plan)
        assert not any(lo < seg.start < hi for lo, hi in running), seg
    assert all(s.frames >= MIN_S * 30 for s in segments)
    # too short to be worth a split: one process
    short = make_plan(parse_timeline(_timeline(scenes=_timeline()["scenes"][:2])), inputs)
    assert len(split(short, target_frames=75, min_frames=30)) == 1


def _md5s(path: Path) -> list[str]:
    return [line.rsplit(",", 1)[1].strip() for line in path.read_text().splitlines()
            if line and not line.startswith("#")]


def test_segments_draw_exactly_the_frames_of_the_whole_render(
        inputs: Resolver, tmp_path: Path) -> None:
    """Before any encoder: every frame of every segment, boundaries included, is the frame
    the whole render draws at that place (md5 of the decoded picture)."""
    timeline = parse_timeline(_timeline())
    whole = tmp_path / "whole.md5"
    raw = ["-pix_fmt", "yuv420p", "-f", "framemd5"]
    render_frames(timeline, inputs, whole, output_args=raw)
    plan = make_plan(timeline, inputs)
    segments = split(plan, target_frames=round(TARGET_S * 30), min_frames=round(MIN_S * 30))
    work = tmp_path / "work"
    work.mkdir()
    shared = prepare_files(plan, work, stills=False)
    joined: list[str] = []
    for seg in segments:
        part = work / f"seg{seg.index}.md5"
        render_segment(plan, seg, shared, part, args=raw)
        frames = _md5s(part)
        assert len(frames) == seg.frames
        joined += frames
    assert joined == _md5s(whole)


def _psnr_frames(a: Path, b: Path, log: Path) -> list[float]:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-i", str(a), "-i", str(b), "-lavfi",
                    f"[0:v][1:v]psnr=stats_file={log.name}", "-f", "null", "-"],
                   check=True, timeout=120, cwd=log.parent)
    out = []
    for line in log.read_text().splitlines():
        value = dict(f.split(":") for f in line.split())["psnr_y"]
        out.append(float("inf") if value == "inf" else float(value))
    return out


def _decode(path: Path) -> tuple[int, list[int], bytes]:
    """(video frames, video packet dts, decoded audio samples); raises on a decode error."""
    with av.open(str(path)) as container:
        dts = [p.dts for p in container.demux(container.streams.video[0]) if p.dts is not None]
    with av.open(str(path)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    with av.open(str(path)) as container:
        audio = b"".join(bytes(f.planes[0]) for f in container.decode(audio=0))
    return frames, dts, audio


def test_a_chunked_render_is_the_single_render_to_the_frame(
        inputs: Resolver, tmp_path: Path) -> None:
    _tone(tmp_path / "inputs", 8.0)
    timeline = parse_timeline(_timeline(audio={"voice": {"asset": "voice.wav"}}))
    single, chunked = tmp_path / "single.mp4", tmp_path / "chunked.mp4"
    one = render_timeline(timeline, inputs, single)
    many = render_chunked(timeline, inputs, chunked, target_s=TARGET_S, min_s=MIN_S,
                          parallel=2)
    assert many.segments >= 3 and many.rendered == many.segments and many.cached == 0
    s_frames, _s_dts, s_audio = _decode(single)
    c_frames, c_dts, c_audio = _decode(chunked)
    assert c_frames == s_frames == make_plan(timeline, inputs).total_frames
    assert many.result.duration_s == pytest.approx(one.duration_s, abs=1e-3)
    assert all(b > a for a, b in zip(c_dts, c_dts[1:], strict=False))  # monotonic
    assert c_audio == s_audio  # the soundtrack is rendered once, sample for sample
    psnr = _psnr_frames(single, chunked, tmp_path / "psnr.log")
    assert len(psnr) == s_frames
    assert min(psnr) >= 45.0, min(psnr)


def test_an_edit_renders_only_the_segments_it_touches(inputs: Resolver,
                                                      tmp_path: Path) -> None:
    cache = FolderCache(tmp_path / "cache")
    data = _timeline()
    first = render_chunked(parse_timeline(data), inputs, tmp_path / "a.mp4", cache=cache,
                           target_s=TARGET_S, min_s=MIN_S, parallel=2)
    assert first.cached == 0 and first.rendered == first.segments >= 3
    again = render_chunked(parse_timeline(data), inputs, tmp_path / "b.mp4", cache=cache,
                           target_s=TARGET_S, min_s=MIN_S, parallel=2)
    assert (again.rendered, again.cached) == (0, first.segments)
    # one photo swapped for another file: only its segment renders again
    data["scenes"][SCENES - 2]["asset"] = "swap.png"
    Image.new("RGB", (320, 240), (10, 200, 10)).save(tmp_path / "inputs" / "swap.png")
    edited = render_chunked(parse_timeline(data), inputs, tmp_path / "c.mp4", cache=cache,
                            target_s=TARGET_S, min_s=MIN_S, parallel=2)
    assert 1 <= edited.rendered <= 2 and edited.cached == first.segments - edited.rendered
    # the same bytes under the same name are the same content; new bytes are not
    Image.new("RGB", (320, 240), (200, 10, 10)).save(tmp_path / "inputs" / "swap.png")
    changed = render_chunked(parse_timeline(data), inputs, tmp_path / "d.mp4", cache=cache,
                             target_s=TARGET_S, min_s=MIN_S, parallel=2)
    assert changed.rendered == edited.rendered
    reference = tmp_path / "ref.mp4"
    render_timeline(parse_timeline(data), inputs, reference)
    assert min(_psnr_frames(reference, tmp_path / "d.mp4", tmp_path / "p.log")) >= 45.0
