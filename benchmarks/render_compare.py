"""Render benchmark: Reelforge against moviepy 2, a hand-written ffmpeg command and x264's floor.

The job: 10 photos at 1920x1080, 3 s each, 0.5 s crossfades, 30 s of music trimmed to the
video, H.264 1080p30, 25.5 s. --platform picks the output preset: youtube (1920x1080, the
default) or tiktok (1080x1920, the portrait size Reels and Shorts share; the landscape
photos are cover-cropped, and the floor and the VMAF reference are at that size too).
Each contender runs as a child process; wall time, CPU time (RUSAGE_CHILDREN) and peak RSS
of the whole process tree (sampled every 50 ms with psutil) are recorded. Quality is VMAF
of each output against a lossless render of the same timeline (libvmaf, every 5th frame).
moviepy is not a project dependency: install it into the virtualenv to include it
(`pip install "moviepy>=2,<3"`), or it is skipped.

    .venv/bin/python benchmarks/render_compare.py [--json results.json] [--keep DIR]
        [--repeat 3] [--only standard,floor] [--platform youtube|tiktok]

With --repeat N each contender runs N times (interleaved) and the medians are reported;
the load average at the start of each run is printed with it, since the development
machine is shared and wall times follow its load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from app.media import ffmpeg_exe, parse_timeline
from app.media.render import render_frames

PHOTOS, SECONDS, FADE_S, FPS = 10, 3.0, 0.5, 30
VIDEO_S = PHOTOS * SECONDS - (PHOTOS - 1) * FADE_S  # 25.5
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p"]
CONTENDERS = ("draft", "standard", "high", "hand", "floor", "moviepy")
PHOTO_SIZE = (1920, 1080)
PLATFORMS = {"youtube": (1920, 1080), "tiktok": (1080, 1920)}  # preset -> output frame size
MEMORY_GOAL_MB = 400
FLOOR_GOAL = 1.3  # Reelforge standard within this factor of the floor's CPU (and wall) time


@dataclass
class Run:
    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    vmaf: float | None = None
    video_s: float = VIDEO_S
    load: float = 0.0  # 1-minute load average when the run started
    runs: int = 1

    @property
    def speed(self) -> float:
        """Seconds of video per wall second."""
        return self.video_s / self.wall_s


def measure(name: str, cmd: list[str], cwd: Path) -> Run:
    """Run `cmd` to completion; wall, CPU of all descendants, peak RSS of the tree."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.monotonic() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(name, round(wall, 2), round(cpu, 2), round(peak / 2**20, 1), load=round(load, 2))


def median_run(runs: list[Run]) -> Run:
    """Medians of wall, CPU, peak RSS and load over repeated runs of one contender."""
    def med(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    return Run(runs[0].name, med([r.wall_s for r in runs]), med([r.cpu_s for r in runs]),
               med([r.peak_rss_mb for r in runs]), load=med([r.load for r in runs]),
               runs=len(runs))


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                    *args], check=True, timeout=600)


def make_inputs(folder: Path) -> tuple[list[Path], Path]:
    """Ten textured 1920x1080 JPEGs (gradients plus grain, like photos) and 30 s of music."""
    photos = []
    width, height = PHOTO_SIZE
    for k in range(PHOTOS):
        path = folder / f"photo{k}.jpg"
        ffmpeg("-f", "lavfi", "-i", f"gradients=s={width}x{height}:n=5:seed={k + 1}:speed=0",
               "-vf", "noise=alls=14:allf=u", "-frames:v", "1", "-q:v", "3", str(path))
        photos.append(path)
    music = folder / "music.mp3"
    ffmpeg("-f", "lavfi", "-i", "aevalsrc=0.2*sin(2*PI*220*t)+0.15*sin(2*PI*277*t)"
           "+0.1*sin(2*PI*330*t)*sin(PI*t):s=44100:d=30", "-ac", "2", "-b:a", "192k", str(music))
    return photos, music


def timeline(photos: list[Path], music: Path | None, quality: str = "standard",
             platform: str = "youtube") -> dict[str, Any]:
    """Image scenes fit `cover` (the default): cropped to the centre when the frame is portrait."""
    data: dict[str, Any] = {
        "scenes": [{"kind": "image", "asset": p.name, "duration_s": SECONDS} for p in photos],
        "transition": {"kind": "fade", "duration_s": FADE_S},
        "output": {"preset": platform, "quality": quality, "fps": FPS},
    }
    if music is not None:
        data["audio"] = {"music": {"asset": music.name, "fade_in_s": 0, "fade_out_s": 1}}
    return data


def hand_ffmpeg(photos: list[Path], music: Path, out: Path, size: tuple[int, int]) -> list[str]:
    """The best single command written by hand: one decode per photo, loop, xfade chain."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    for p in photos:
        cmd += ["-i", str(p)]
    cmd += ["-i", str(music)]
    frames = int(SECONDS * FPS)
    width, height = size
    # Cover-crop once per photo, before `loop` repeats it (nothing to do at the photos' size).
    fit = ("" if size == PHOTO_SIZE else
           f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},")
    parts = [f"[{k}:v]{fit}loop={frames - 1}:1,setpts=N/{FPS}/TB,fps={FPS},format=yuv420p[s{k}]"
             for k in range(PHOTOS)]
    last = "s0"
    for k in range(1, PHOTOS):
        offset = k * (SECONDS - FADE_S)
        parts.append(f"[{last}][s{k}]xfade=transition=fade:duration={FADE_S}:offset={offset}"
                     f"[x{k}]")
        last = f"x{k}"
    parts.append(f"[{PHOTOS}:a]atrim=0:{VIDEO_S},afade=t=out:st={VIDEO_S - 1}:d=1[a]")
    return [*cmd, "-filter_complex", ";".join(parts), "-map", f"[{last}]", "-map", "[a]", *X264,
            "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", str(out)]


def moviepy_script(size: tuple[int, int]) -> str:
    """The moviepy 2 job; photos are scaled and centre-cropped when the frame is not theirs."""
    width, height = size
    scale = max(width / PHOTO_SIZE[0], height / PHOTO_SIZE[1])
    fit = ("" if size == PHOTO_SIZE else
           f".resized({scale}).cropped(x_center={PHOTO_SIZE[0] * scale / 2}, "
           f"y_center={PHOTO_SIZE[1] * scale / 2}, width={width}, height={height})")
    return f"""
import sys
from moviepy import AudioFileClip, ImageClip, concatenate_videoclips, vfx, afx
photos, music, out = sys.argv[1:-2], sys.argv[-2], sys.argv[-1]
clips = [ImageClip(p){fit}.with_duration({SECONDS}) for p in photos]
clips = [clips[0]] + [c.with_effects([vfx.CrossFadeIn({FADE_S})]) for c in clips[1:]]
video = concatenate_videoclips(clips, method="compose", padding=-{FADE_S})
audio = AudioFileClip(music).with_duration(video.duration).with_effects([afx.AudioFadeOut(1)])
video = video.with_audio(audio)
video.write_videofile(out, fps={FPS}, codec="libx264", audio_codec="aac", preset="veryfast",
                      ffmpeg_params=["-crf", "21", "-pix_fmt", "yuv420p"], logger=None)
"""


def vmaf(distorted: Path, reference: Path, folder: Path, size: tuple[int, int]) -> float:
    """Pooled VMAF (every 5th frame) of `distorted`, scaled to `size`, against `reference`."""
    log = folder / f"{distorted.stem}.vmaf.json"
    # Both sides get the same colour tags: ffmpeg 8 converts between differently tagged
    # inputs before libvmaf (BT.709-tagged output vs the untagged y4m reference cost our
    # outputs 2-7 VMAF points for pixels identical to the floor's).
    tags = "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"
    graph = (f"[0:v]{tags},scale={size[0]}:{size[1]}:flags=bicubic,setpts=PTS-STARTPTS[d];"
             f"[1:v]{tags},setpts=PTS-STARTPTS[r];"
             f"[d][r]libvmaf=n_subsample=5:n_threads=2:log_fmt=json:log_path={log}")
    ffmpeg("-i", str(distorted), "-i", str(reference), "-lavfi", graph, "-f", "null", "-")
    return round(float(json.loads(log.read_text())["pooled_metrics"]["vmaf"]["mean"]), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="keep inputs and outputs in this folder")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="runs per contender; medians are reported (default: 1)")
    parser.add_argument("--only", default=",".join(CONTENDERS),
                        help=f"comma-separated subset of {','.join(CONTENDERS)}")
    parser.add_argument("--platform", choices=sorted(PLATFORMS), default="youtube",
                        help="output preset: youtube 1920x1080 (default) or tiktok 1080x1920")
    args = parser.parse_args()
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = sorted(set(only) - set(CONTENDERS))
    if unknown or args.repeat < 1:
        parser.error(f"unknown contenders {unknown}" if unknown else "--repeat must be >= 1")
    work = args.keep or Path(tempfile.mkdtemp(prefix="render-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run_all(work, args.json, only, args.repeat, args.platform)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def commands(work: Path, photos: list[Path], music: Path, reference: Path,
             platform: str) -> dict[str, tuple[str, list[str], Path]]:
    """Per contender: its display name, its command and the video it writes."""
    out: dict[str, tuple[str, list[str], Path]] = {}
    for quality in ("draft", "standard", "high"):
        spec = work / f"spec-{quality}.json"
        spec.write_text(json.dumps(timeline(photos, music, quality, platform)))
        video = work / f"reelforge-{quality}.mp4"
        out[quality] = (f"reelforge {quality}", [sys.executable, "-m", "app.cli", "render",
                                                 str(spec), "-o", str(video)], video)
    video = work / "hand.mp4"
    out["hand"] = ("ffmpeg by hand", hand_ffmpeg(photos, music, video, PLATFORMS[platform]),
                   video)
    video = work / "floor.mp4"
    out["floor"] = ("x264 floor", [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel",
                                   "error", "-y", "-f", "yuv4mpegpipe", "-i", str(reference),
                                   *X264, str(video)], video)
    try:
        import moviepy  # noqa: F401
    except ImportError:
        print("moviepy is not installed: skipped (pip install 'moviepy>=2,<3')")
    else:
        video = work / "moviepy.mp4"
        script = work / "moviepy_render.py"
        script.write_text(moviepy_script(PLATFORMS[platform]))
        out["moviepy"] = ("moviepy 2", [sys.executable, str(script), *map(str, photos),
                                        str(music), str(video)], video)
    return out


def run_all(work: Path, json_path: Path | None, only: list[str], repeat: int,
            platform: str) -> int:
    photos, music = make_inputs(work)
    size = PLATFORMS[platform]
    print(f"machine: {os.cpu_count()} CPUs, load {load_text()}; video {VIDEO_S} s at "
          f"{size[0]}x{size[1]} {FPS} fps ({platform}); {repeat} run(s) each", flush=True)
    # The reference: the same timeline's frames, losslessly, as raw YUV (also the floor input).
    reference = work / "reference.y4m"
    render_frames(parse_timeline(timeline(photos, None, platform=platform)), lambda a: work / a,
                  reference, output_args=["-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe"])
    todo = {k: v for k, v in commands(work, photos, music, reference, platform).items()
            if k in only}
    samples: dict[str, list[Run]] = {k: [] for k in todo}
    for _ in range(repeat):  # interleaved, so a burst of load hits every contender alike
        for key, (name, cmd, _video) in todo.items():
            samples[key].append(measure(name, cmd, work))
            print(f"  {samples[key][-1]}", flush=True)
    runs = []
    for key, (_name, _cmd, video) in todo.items():
        run = median_run(samples[key])
        run.vmaf = vmaf(video, reference, work, size)
        runs.append(run)
    report(runs, print)
    if json_path is not None:
        json_path.write_text(json.dumps([asdict(r) | {"speed": r.speed} for r in runs], indent=2))
    return 0


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def report(runs: list[Run], say: Callable[[str], None]) -> None:
    """The table, then Reelforge standard against the floor and the goals."""
    by = {r.name: r for r in runs}
    say(f"\n{'contender':<20}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}{'VMAF':>7}"
        f"{'video s/s':>11}{'load':>7}{'runs':>6}")
    for r in runs:
        say(f"{r.name:<20}{r.wall_s:>8.2f}{r.cpu_s:>8.2f}{r.peak_rss_mb:>9.0f}"
            f"{r.vmaf if r.vmaf is not None else float('nan'):>7.2f}{r.speed:>11.2f}"
            f"{r.load:>7.2f}{r.runs:>6}")
    say(f"load average at the end: {load_text()}")
    ours, floor = by.get("reelforge standard"), by.get("x264 floor")
    if ours is not None and floor is not None:
        cpu, wall = ours.cpu_s / floor.cpu_s, ours.wall_s / floor.wall_s
        say("")
        say("reelforge standard against the x264 floor (goal: within "
            f"{FLOOR_GOAL}x; CPU is the steadier figure on a shared machine)")
        say(f"  CPU   {ours.cpu_s:7.2f} s / {floor.cpu_s:7.2f} s = {cpu:.2f}x  "
            f"{'met' if cpu <= FLOOR_GOAL else 'NOT met'}")
        say(f"  wall  {ours.wall_s:7.2f} s / {floor.wall_s:7.2f} s = {wall:.2f}x  "
            f"{'met' if wall <= FLOOR_GOAL else 'NOT met'}")
        say(f"  peak  {ours.peak_rss_mb:7.0f} MB (goal < {MEMORY_GOAL_MB} MB: "
            f"{'met' if ours.peak_rss_mb < MEMORY_GOAL_MB else 'NOT met'}); floor "
            f"{floor.peak_rss_mb:.0f} MB = {ours.peak_rss_mb / floor.peak_rss_mb:.2f}x")
        if ours.vmaf is not None and floor.vmaf is not None:
            gap = ours.vmaf - floor.vmaf
            say(f"  VMAF  {ours.vmaf:.2f} vs {floor.vmaf:.2f} ({gap:+.2f}; goal within 1 point: "
                f"{'met' if gap >= -1 else 'NOT met'})")
    if ours is not None and "ffmpeg by hand" in by:
        say(f"ffmpeg by hand / reelforge (wall): {by['ffmpeg by hand'].wall_s / ours.wall_s:.2f}x")
    if ours is not None and "moviepy 2" in by:
        mp = by["moviepy 2"]
        say(f"moviepy / reelforge: wall {mp.wall_s / ours.wall_s:.1f}x, CPU "
            f"{mp.cpu_s / ours.cpu_s:.1f}x, memory {mp.peak_rss_mb / ours.peak_rss_mb:.1f}x, "
            f"VMAF {mp.vmaf} vs {ours.vmaf}")


if __name__ == "__main__":
    raise SystemExit(main())
