"""``screenplay watch FILE``: rebuild the preview every time the screenplay is saved.

The edit loop as a command: build once, then wait for the film, its lock
or any file it uses (modules, faces, sets, music) to change — with
``watchfiles`` (the OS's file events, debounced) — and build again.  Each
build prints its diagnostics and which shots changed; unchanged shots come
from the segment cache and an unchanged soundtrack from the AAC cache, so a
rebuild costs about what the edit costs.  The MP4 is replaced atomically
(written beside it and renamed when whole), so a player that has it open
keeps a playable film between builds.  ``--open`` starts the system's
player once, after the first successful build.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

NAME = "watch"
HELP = "rebuild the preview on every save (Ctrl-C to stop)"


def configure(p: argparse.ArgumentParser) -> None:
    from screenplay.commands import _args

    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument(
        "-o", "--output", type=_args.output_path, help="output MP4 (default: FILE with .mp4)"
    )
    p.add_argument(
        "--full",
        action="store_const",
        const="default",
        default="preview",
        dest="quality",
        help="build at default quality instead of the preview",
    )
    p.add_argument("--jobs", "-j", type=_args.jobs, default=2, help="worker processes (default 2)")
    p.add_argument("--size", type=_args.size, help="override the frame size, e.g. 320x180")
    p.add_argument("--fps", type=_args.fps, help="override the frame rate")
    p.add_argument("--open", action="store_true", help="open the film in the system player once")


@dataclass
class Rebuild:
    """What one build of the watch loop did (for the console and for tests)."""

    number: int
    ok: bool
    seconds: float
    changed_shots: list[str] = field(default_factory=list)
    segments_rendered: int = 0
    segments_reused: int = 0
    up_to_date: bool = False
    result: Any = None


def changed_shots(before: Any, after: Any) -> list[str]:
    """Ids of the shots of ``after`` whose pixels differ from every shot of ``before``.

    Shots are compared as the segment cache sees them (normalized: position
    and source line do not count), so a shot that only moved is unchanged.
    """
    from screenplay.render.segments import normalize_shot

    if after is None:
        return []
    old = set() if before is None else {repr(normalize_shot(s)) for s in before.shots}
    return [s.id for s in after.shots if repr(normalize_shot(s)) not in old]


def film_inputs(path: Path, film: Any = None) -> set[Path]:
    """The exact files a build of ``path`` reads: the film, its lock (or where it would
    be), and — once the film has loaded — every module and asset file it uses (the
    build manifest's list), all resolved."""
    from screenplay import manifest

    path = Path(path).resolve()
    inputs = {path, path.with_name(path.name + ".lock")}
    if film is not None:
        inputs |= {Path(p).resolve() for p in manifest.used_files(film)}
    return inputs


def watch_inputs(
    inputs: Callable[[], set[Path]],
    on_change: Callable[[set[Path]], None],
    *,
    stop: threading.Event | None = None,
    debounce_ms: int = 300,
) -> None:
    """Block, calling ``on_change(changed inputs)`` after each burst of saves of a file in
    ``inputs()``, until ``stop`` is set.  The one rebuild-on-change loop of ``screenplay
    watch`` and ``screenplay studio``.

    ``inputs()`` is asked again after every change (a build may find new modules or
    assets); when their folders change, watching restarts on the new set.  The folders
    are watched, not the files: an editor often saves by replacing a file, which
    would lose a watch on the file itself.  Changes to anything that is not an input
    (the build's own outputs, temporaries, swap files) are ignored.
    """
    import watchfiles

    stop = stop or threading.Event()
    while not stop.is_set():
        current = inputs()
        folders = sorted({str(p.parent) for p in current if p.parent.is_dir()})
        if not folders:
            return
        restart = False
        for changes in watchfiles.watch(
            *folders,
            stop_event=stop,
            debounce=debounce_ms,
            step=50,
            recursive=False,
            raise_interrupt=False,
        ):
            touched = {Path(p).resolve() for _, p in changes} & current
            if not touched:
                continue  # our own outputs, or files the film does not use
            on_change(touched)
            after = inputs()
            if {p.parent for p in after} != {p.parent for p in current}:
                restart = True  # a new folder to watch (a module or asset elsewhere)
                break
            current = after
        if not restart:
            return


def watch(
    path: Path,
    out: Path | None = None,
    *,
    quality: str = "preview",
    jobs: int = 2,
    size: tuple[int, int] | None = None,
    fps: Fraction | None = None,
    cache: Any = None,
    on_build: Callable[[Rebuild], None] | None = None,
    stop: threading.Event | None = None,
    max_builds: int | None = None,
    debounce_ms: int = 300,
) -> list[Rebuild]:
    """Build ``path`` now and again on every change of its inputs until ``stop`` is set.

    Returns the builds made.  ``max_builds`` ends the loop after that many
    (tests); ``on_build`` is called after each.
    """
    from screenplay.build import build

    path = Path(path).resolve()
    out = Path(out).resolve() if out is not None else path.with_suffix(".mp4")
    stop = stop or threading.Event()
    builds: list[Rebuild] = []
    timeline = None
    inputs = film_inputs(path)

    def once() -> None:
        nonlocal timeline, inputs
        t0 = time.perf_counter()
        try:
            result = build(
                path,
                out,
                quality=quality,
                jobs=jobs,
                size=size,
                fps=fps,
                cache=cache,
                skip_if_up_to_date=True,
            )
        except Exception as exc:  # an internal error: report it, keep watching
            rb = Rebuild(len(builds) + 1, False, time.perf_counter() - t0, result=exc)
        else:
            rep = result.report
            rb = Rebuild(
                len(builds) + 1,
                result.ok,
                time.perf_counter() - t0,
                changed_shots(timeline, result.timeline) if result.ok else [],
                getattr(rep, "segments_rendered", 0),
                getattr(rep, "segments_reused", 0),
                result.up_to_date,
                result,
            )
            if result.ok and result.timeline is not None:
                timeline = result.timeline
            if result.film is not None:
                inputs = film_inputs(path, result.film)
        builds.append(rb)
        if on_build is not None:
            on_build(rb)
        if max_builds is not None and len(builds) >= max_builds:
            stop.set()

    once()
    if not stop.is_set():
        watch_inputs(lambda: inputs, lambda _changed: once(), stop=stop, debounce_ms=debounce_ms)
    return builds


def _open(out: Path) -> str | None:
    """Start the system's player on ``out``; the error, if it cannot."""
    import shutil
    import subprocess
    import sys

    opener = "open" if sys.platform == "darwin" else "xdg-open"
    exe = shutil.which(opener)
    if exe is None:
        return f"no `{opener}` to open {out} with"
    subprocess.Popen([exe, str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return None


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from screenplay.build import format_bytes
    from screenplay.commands._common import report

    console = Console(stderr=True, highlight=False)
    opened = False
    out = args.output or args.file.with_suffix(".mp4")

    def show(rb: Rebuild) -> None:
        nonlocal opened
        res = rb.result
        stamp = time.strftime("%H:%M:%S")
        if not isinstance(res, Exception) and res is not None:
            report(res.diagnostics, res.film, console=console)
        if isinstance(res, Exception):
            console.print(f"[{stamp}] [bold red]internal error[/]: {type(res).__name__}: {res}")
        elif not rb.ok:
            console.print(f"[{stamp}] [bold red]build failed[/]: the last good film is kept")
        elif rb.up_to_date:
            console.print(f"[{stamp}] [bold green]up to date[/] {out}")
        else:
            shots = ", ".join(rb.changed_shots[:12]) + (" …" if len(rb.changed_shots) > 12 else "")
            console.print(
                f"[{stamp}] [bold green]built[/] {out} in {rb.seconds:.1f} s  "
                f"(segments rendered {rb.segments_rendered}, reused {rb.segments_reused}; "
                f"peak {format_bytes(res.peak_rss)})"
            )
            if rb.number > 1:
                console.print(f"  changed shots: {shots or 'none'}")
        if rb.ok and args.open and not opened:
            opened = True
            problem = _open(out)
            if problem:
                console.print(f"  [yellow]note[/]: {problem}")
        console.print(f"[dim]watching {args.file} — Ctrl-C to stop[/]")

    try:
        watch(
            args.file,
            args.output,
            quality=args.quality,
            jobs=max(1, args.jobs),
            size=args.size,
            fps=args.fps,
            on_build=show,
        )
    except KeyboardInterrupt:
        pass
    return 0
