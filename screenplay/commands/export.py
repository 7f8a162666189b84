"""``screenplay export FILE --otio``: the cut as OpenTimelineIO, so an editor can open it.

The timeline is planned exactly as ``build`` plans it (every line's speech is
synthesized — from the cache when it is there — because its length decides the
cut).  Video: one clip per shot, referencing the built MP4 at the shot's frames,
with dissolves as OTIO transitions; audio: one track per bus (dialogue,
narration, music) with each clip at its place; sections become markers.  Every
clip carries the source line it came from in its metadata.
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from pathlib import Path
from typing import Any

from rich.console import Console

from screenplay.api import load_film
from screenplay.commands import _args
from screenplay.commands._common import outputs_ok, report
from screenplay.diagnostics import Diagnostics

NAME = "export"
HELP = "export the film's cut as OpenTimelineIO (.otio) for an editor"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument("--otio", action="store_true", required=True, help="write OpenTimelineIO")
    p.add_argument(
        "-o", "--output", type=_args.output_path, help="output .otio (default: FILE with .otio)"
    )
    p.add_argument(
        "--media",
        type=_args.input_path,
        help="the built MP4 the clips reference (default: FILE with .mp4)",
    )
    _args.allow_outside_assets(p)


def to_otio(timeline: Any, media: Path) -> Any:
    import opentimelineio as otio

    rate = float(timeline.fps)

    def rt(frames: int | float) -> Any:
        return otio.opentime.RationalTime(frames, rate)

    def rng(start: int | float, dur: int | float) -> Any:
        return otio.opentime.TimeRange(rt(start), rt(dur))

    tl = otio.schema.Timeline(name=timeline.title or "film", global_start_time=rt(0))
    film_ref = otio.schema.ExternalReference(
        target_url=media.resolve().as_uri(), available_range=rng(0, timeline.frames)
    )
    video = otio.schema.Track(name="Picture", kind=otio.schema.TrackKind.Video)
    for shot in timeline.shots:
        if shot.transition.kind in ("dissolve", "morph") and shot.transition.frames and len(video):
            half = shot.transition.frames / 2
            video.append(
                otio.schema.Transition(
                    name=shot.transition.kind,
                    transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                    in_offset=rt(half),
                    out_offset=rt(half),
                )
            )
        # Named the way an editor reads a cut: framing and who is in it ("OTS MAN WOMAN").
        who = " ".join(o.name for o in getattr(shot, "on_screen", ()))
        clip = otio.schema.Clip(
            name=" ".join(x for x in (getattr(shot, "framing", "").upper(), who) if x) or shot.id,
            media_reference=film_ref.clone(),
            source_range=rng(shot.start, shot.frames),
        )
        clip.metadata["screenplay"] = {
            "id": shot.id,
            "framing": getattr(shot, "framing", ""),
            "on_screen": [[o.name, o.side] for o in getattr(shot, "on_screen", ())],
            "picture": shot.picture.kind,
            "source": f"{shot.span.file}:{shot.span.line}",
            "transition": shot.transition.kind,
        }
        video.append(clip)
    tl.tracks.append(video)

    sr = timeline.sample_rate

    def to_frames(samples: int) -> Fraction:
        frames: Fraction = Fraction(samples, sr) * timeline.fps
        return frames

    def audio_track(name: str, items: list[tuple[int, int, str, dict[str, Any]]]) -> None:
        track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
        pos = Fraction(0)
        for start, samples, label, meta in sorted(items):
            s, d = to_frames(start), to_frames(samples)
            if s > pos:
                track.append(otio.schema.Gap(source_range=rng(0, float(s - pos))))
            clip = otio.schema.Clip(
                name=label,
                media_reference=otio.schema.MissingReference(),
                source_range=rng(0, float(d)),
            )
            clip.metadata["screenplay"] = meta
            track.append(clip)
            pos = max(pos, s + d)
        if len(track):
            tl.tracks.append(track)

    for bus in ("dialogue", "narration"):
        audio_track(
            bus.title(),
            [
                (
                    c.start_sample,
                    c.samples,
                    c.speaker or bus,
                    {"source": f"{c.span.file}:{c.span.line}", "speech_key": c.audio_key},
                )
                for c in timeline.audio
                if c.bus == bus
            ],
        )
    audio_track(
        "Music",
        [
            (
                m.start_sample,
                m.samples,
                m.cue,
                {
                    "source": f"{m.span.file}:{m.span.line}",
                    "fade_in": m.fade_in,
                    "fade_out": m.fade_out,
                },
            )
            for m in timeline.music
        ],
    )
    for ch in timeline.chapters:
        marker = otio.schema.Marker(name=ch.title, marked_range=rng(ch.start, 0))
        video.markers.append(marker)
    return tl


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True, highlight=False)
    try:
        import opentimelineio as otio
    except ImportError:
        console.print("[red]error[/]: OpenTimelineIO is not installed: pip install opentimelineio")
        return 1
    from screenplay.build import plan_timeline

    film, items = load_film(args.file)
    diags = Diagnostics(list(items))
    out = args.output or args.file.with_suffix(".otio")
    media = args.media or args.file.with_suffix(".mp4")
    if film is None or diags.has_errors or not outputs_ok([out], film, diags, [media]):
        report(diags, film, console=console)
        return 1
    timeline, more = plan_timeline(film)
    if timeline is None:
        report(list(diags) + more, film, console=console)
        return 1
    from screenplay.outputs import Staged

    with Staged([out]) as staged:
        otio.adapters.write_to_file(
            to_otio(timeline, media), str(staged[out]), adapter_name="otio_json"
        )
        staged.commit()
    console.print(f"wrote {out} ({len(timeline.shots)} shots)")
    return 0
