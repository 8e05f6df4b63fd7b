"""`reelforge render` and `reelforge gallery`: a timeline JSON file to an MP4 or a contact sheet."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.cli import Subparsers
    from app.media import AssetResolver, RenderProgress, Timeline

SPEC_HELP = ("a timeline (docs/timeline.schema.json), or {\"timeline\": ..., \"assets\": "
             "{id: path}}; asset ids without a mapping are paths relative to the spec file")


def register(subparsers: Subparsers) -> None:
    """Add the `render` and `gallery` subcommands."""
    render = subparsers.add_parser(
        "render", help="render a timeline JSON file to an MP4",
        description="Render a timeline to an MP4 with a progress bar. " + SPEC_HELP + ".")
    render.add_argument("spec", type=Path, help="timeline JSON file")
    render.add_argument("-o", "--output", type=Path, required=True, help="MP4 to write")
    render.add_argument("--preview", action="store_true",
                        help="render a fast draft (540 p, ultrafast) instead of the set quality")
    render.add_argument("--gpu", action="store_true",
                        help="use NVENC if a probe encode succeeds on this machine")
    render.add_argument("--timeout", type=float, default=3600, metavar="SECONDS",
                        help="stop the render after this long (default: 3600)")
    render.add_argument("--segments", type=int, metavar="N",
                        help="render in segments of about 6 s on N ffmpeg processes at once, "
                             "stitched without re-encoding (docs/render.md)")
    render.add_argument("--cache", type=Path, metavar="DIR",
                        help="with --segments: keep encoded segments in DIR and reuse the "
                             "ones whose content did not change")
    render.set_defaults(handler=handle_render)
    gallery = subparsers.add_parser(
        "gallery", help="write a contact sheet PNG of one frame per scene",
        description="Write a PNG with one labelled frame from the middle of each scene. "
        + SPEC_HELP + ".")
    gallery.add_argument("spec", type=Path, help="timeline JSON file")
    gallery.add_argument("-o", "--output", type=Path, required=True, help="PNG to write")
    gallery.set_defaults(handler=handle_gallery)


def load_spec(path: Path) -> tuple[Timeline, AssetResolver]:
    """The timeline in a spec file and a resolver for its asset ids."""
    from app.media import parse_timeline

    data: Any = json.loads(path.read_text(encoding="utf-8"))
    base = path.resolve().parent
    assets: dict[str, str] = {}
    if isinstance(data, dict) and "timeline" in data:
        assets = dict(data.get("assets") or {})
        data = data["timeline"]

    def resolve(asset: str) -> Path:
        return base / assets.get(asset, asset)

    return parse_timeline(data), resolve


def _fail(message: str) -> int:
    print(f"reelforge: {message}", file=sys.stderr)
    return 2


def handle_render(args: argparse.Namespace) -> int:
    """Render with a tqdm bar showing the stage and the ETA."""
    from tqdm import tqdm

    from app.media import RenderError, render_timeline

    try:
        timeline, resolve = load_spec(args.spec)
    except (OSError, ValueError) as exc:
        return _fail(str(exc))
    if args.preview:
        timeline = timeline.model_copy(update={"output": timeline.output.model_copy(
            update={"quality": "draft"})})
    bar = tqdm(total=100, unit="%", bar_format="{l_bar}{bar}| {n:.0f}% [{elapsed}{postfix}]")

    def show(p: RenderProgress) -> None:
        bar.update(p.fraction * 100 - bar.n)
        eta = f"{p.eta_s:.0f}s left" if p.eta_s is not None else "…"
        bar.set_postfix_str(f"{p.stage}, {eta}", refresh=True)

    if args.cache is not None and args.segments is None:
        return _fail("--cache: only with --segments")
    if args.segments is not None and args.segments < 1:
        return _fail("--segments: must be at least 1")
    parts = ""
    try:
        if args.segments is None:
            result = render_timeline(timeline, resolve, args.output, on_progress=show,
                                     timeout_s=args.timeout, prefer_gpu=args.gpu)
        else:
            from app.media.chunked import FolderCache, render_chunked

            chunked = render_chunked(
                timeline, resolve, args.output, on_progress=show, timeout_s=args.timeout,
                prefer_gpu=args.gpu, parallel=args.segments,
                cache=None if args.cache is None else FolderCache(args.cache))
            result = chunked.result
            parts = (f", {chunked.segments} segments ({chunked.rendered} rendered, "
                     f"{chunked.cached} from the cache)")
    except RenderError as exc:
        bar.close()
        return _fail(str(exc))
    bar.close()
    print(f"{args.output}: {result.width}x{result.height} {result.fps:g} fps "
          f"{result.duration_s:.2f} s, {result.encoder}, {result.size_bytes / 1e6:.1f} MB "
          f"in {result.wall_s:.1f} s{parts}")
    return 0


def handle_gallery(args: argparse.Namespace) -> int:
    """Write the contact sheet."""
    from app.media import RenderError, render_gallery

    try:
        timeline, resolve = load_spec(args.spec)
        render_gallery(timeline, resolve, args.output)
    except (OSError, ValueError, RenderError) as exc:
        return _fail(str(exc))
    print(args.output)
    return 0
