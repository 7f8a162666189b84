"""``screenplay build FILE``: compile a film to an MP4 (with .srt/.vtt beside it)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from screenplay.commands import _args

if TYPE_CHECKING:
    from rich.console import Console

NAME = "build"
HELP = "build a film into an MP4"

STAGES = {
    "check": "Checking",
    "fill": "Writing dialogue (tokens)",
    "voices": "Speaking lines",
    "pictures": "Loading faces and sets",
    "mix": "Mixing the soundtrack",
    "render": "Rendering shots (frames)",
    "encode": "Encoding",
    "mux": "Joining and muxing",
}


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument(
        "-o", "--output", type=_args.output_path, help="output MP4 (default: FILE with .mp4)"
    )
    q = p.add_mutually_exclusive_group()
    q.add_argument(
        "--preview",
        action="store_const",
        const="preview",
        dest="quality",
        help="small and fast (640 px wide, fast encoder settings)",
    )
    q.add_argument(
        "--final",
        action="store_const",
        const="final",
        dest="quality",
        help="higher quality encode (slower)",
    )
    p.set_defaults(quality="default")
    p.add_argument("--jobs", "-j", type=_args.jobs, default=2, help="worker processes (default 2)")
    p.add_argument(
        "--locked",
        action="store_true",
        help="never run the dialogue model: an unlocked [[generate]] hole is an error",
    )
    p.add_argument("--size", type=_args.size, help="override the frame size, e.g. 320x180")
    p.add_argument("--fps", type=_args.fps, help="override the frame rate, e.g. 12 or 30000/1001")
    p.add_argument(
        "--burn-subtitles",
        action="store_true",
        default=None,
        help="burn subtitles into the picture (they are always written as .srt/.vtt)",
    )
    _args.allow_outside_assets(p)
    # -- variants (screenplay.variants) -------------------------------------------------
    v = p.add_mutually_exclusive_group()
    v.add_argument(
        "--variant",
        metavar="ID",
        help="build this variant: an id from `screenplay variants FILE`, or AXIS=VALUE,… "
        "(written to FILE.ID.mp4 unless -o)",
    )
    v.add_argument(
        "--all-variants",
        action="store_true",
        help="build every variant, each to FILE.ID.mp4, sharing the cache",
    )
    p.add_argument(
        "--executor",
        choices=("local", "ray"),
        default=None,
        help="where voices and shots are rendered: local processes (default) or Ray tasks "
        "(a local Ray, or the cluster at $SCREENPLAY_RAY_ADDRESS; the cache must be shared)",
    )


def _up_to_date(args: argparse.Namespace, console: Console) -> bool:
    """Nothing changed since the last build: say so without loading the compiler."""
    from screenplay import manifest
    from screenplay.cache import default_cache_dir

    out = args.output or args.file.with_suffix(".mp4")
    settings = manifest.settings_key(
        out,
        quality=args.quality,
        size=args.size,
        fps=args.fps,
        burn=args.burn_subtitles,
        locked=args.locked,
        outside=args.allow_outside_assets,
    )
    summary = manifest.check(default_cache_dir(), out, settings)
    if summary is None:
        return False
    console.print(f"[bold green]up to date[/] {out}  ({summary})")
    return True


def run(args: argparse.Namespace) -> int:
    # Imports stay inside: an up-to-date film must answer before the compiler loads.
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    if args.variant is not None or args.all_variants or args.executor:
        from screenplay.commands._variants_build import run_variants

        return run_variants(args, console)
    if _up_to_date(args, console):
        return 0
    from rich.progress import TaskID

    from screenplay.build import build
    from screenplay.commands._common import progress_bar, report
    from screenplay.commands.fill import FillDisplay

    tasks: dict[str, TaskID] = {}
    with progress_bar(console, transient=False) as bar:
        holes = FillDisplay(bar, STAGES["fill"])  # "hole 2/4 (line 57) 31/80 tokens, ETA 4 s"

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                for other in tasks.values():
                    t = bar.tasks[other] if other < len(bar.tasks) else None
                    if t is not None and not t.finished and t.total:
                        bar.update(other, completed=t.total)
                tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total or None)
                if stage == "fill":
                    holes.task = tasks[stage]
            if stage == "fill":
                holes.on_token(done, total)
            else:
                bar.update(tasks[stage], completed=done, total=total or None)

        def on_hole(number: int, of: int, line: int) -> None:
            progress("fill", 0, 0)  # (the stage's task exists before its first hole)
            holes.on_hole(number, of, line)

        result = build(
            args.file,
            args.output,
            quality=args.quality,
            jobs=args.jobs,
            locked=args.locked,
            progress=progress,
            on_hole=on_hole,
            size=args.size,
            fps=args.fps,
            burn_subtitles=args.burn_subtitles,
            allow_outside_assets=args.allow_outside_assets,
            skip_if_up_to_date=True,
        )
    failed = report(result.diagnostics, result.film, console=console)
    if not result.ok or failed:
        console.print("[bold red]build failed[/]: no film was written")
        return 1
    assert result.output is not None
    from screenplay.build import describe, format_bytes

    if result.up_to_date:
        console.print(f"[bold green]up to date[/] {result.output}  ({result.summary})")
        return 0
    assert result.timeline is not None
    console.print(
        f"[bold green]built[/] {result.output}  ({describe(result.timeline)})"
        f"  peak {format_bytes(result.peak_rss)}"
    )
    rep = result.report
    if rep is not None and hasattr(rep, "segments_rendered"):
        console.print(f"  segments rendered {rep.segments_rendered}, reused {rep.segments_reused}")
    return 0
