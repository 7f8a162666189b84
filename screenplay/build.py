"""The build driver: run every pass in order and hand the timeline to the renderer.

::

    load (parse → resolve → check) → fill → bind (voices, pictures) → timing
        → mix (music + speech) → render + encode (segments, concat, mux)

Each stage reports progress through a callback (the CLI shows it with rich);
every stage's diagnostics are collected, and the build stops before rendering
if there is any error.  The output is written by the encoder to a temporary
file and renamed, so a failed build never leaves a broken film.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from screenplay.api import load_film
from screenplay.cache import Cache
from screenplay.diagnostics import Diagnostic, Diagnostics
from screenplay.film import Film
from screenplay.timeline import Timeline

Quality = Literal["preview", "default", "final"]
PREVIEW_WIDTH = 640

#: progress(stage, done, total): total 0 means "indeterminate"
Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    ok: bool
    film: Film | None
    diagnostics: list[Diagnostic]
    output: Path | None = None
    timeline: Timeline | None = None
    timings: dict[str, float] = field(default_factory=dict)
    report: Any = None
    #: Peak resident memory of the build and its worker processes, in bytes.
    peak_rss: int = 0
    #: Nothing changed since the last build of this output: nothing was done.
    up_to_date: bool = False
    #: For an up-to-date film, the last build's one-line description.
    summary: str = ""


def _noop(stage: str, done: int, total: int) -> None:
    pass


def apply_quality(
    film: Film, quality: Quality, size: tuple[int, int] | None = None, fps: Fraction | None = None
) -> None:
    s = film.settings
    if fps is not None:
        s.fps = Fraction(fps)
    if size is not None:
        s.width, s.height = size
    elif quality == "preview" and s.width > PREVIEW_WIDTH:
        h = round(s.height * PREVIEW_WIDTH / s.width)
        s.width, s.height = PREVIEW_WIDTH, h + (h % 2)


def prepare(
    film: Film,
    diags: Diagnostics,
    cache: Cache,
    *,
    locked: bool = False,
    jobs: int = 2,
    progress: Progress = _noop,
    get_model: Callable[[str | None], Any] | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[Film, Timeline | None]:
    """fill → bind → timing.  Returns the (filled) film and its timeline, or None on errors."""
    from screenplay.passes.bind import collect, load_pictures, probe_music, synthesize
    from screenplay.passes.fill import fill
    from screenplay.passes.timing import plan

    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    progress("fill", 0, 0)
    outcome = fill(
        film,
        diags,
        locked=locked,
        get_model=get_model,
        on_token=lambda done, total: progress("fill", done, total),
    )
    film = outcome.film
    timings["fill"] = time.perf_counter() - t0
    if diags.has_errors:
        return film, None

    t0 = time.perf_counter()
    bound = collect(film, diags)
    synthesize(bound, cache, diags, jobs=jobs, progress=lambda d, t: progress("voices", d, t))
    timings["voices"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    progress("pictures", 0, 0)
    load_pictures(bound, cache, diags)
    probe_music(bound, diags)
    timings["pictures"] = time.perf_counter() - t0
    if diags.has_errors:
        return film, None
    t0 = time.perf_counter()
    timeline = plan(film, bound, diags)
    timings["timing"] = time.perf_counter() - t0
    return film, timeline


def plan_timeline(
    film: Film, cache: Cache | None = None
) -> tuple[Timeline | None, list[Diagnostic]]:
    """For ``dump --format timeline``: the timeline of a film whose holes are all locked."""
    diags = Diagnostics()
    _, timeline = prepare(film, diags, cache or Cache(), locked=True)
    return timeline, diags.items


CUE_QUANTUM_S = 10.0


def mix_soundtrack(timeline: Timeline, cache: Cache, *, streamed: bool = False) -> Any:
    """The film's soundtrack: a :class:`~screenplay.music.mixer.MixResult` in memory, or
    with ``streamed`` a lazy :class:`~screenplay.music.mixer.StreamedMix` that the
    encoder mixes block by block (and not at all when its AAC is cached)."""
    from screenplay.backends import registry
    from screenplay.music.mixer import StreamedMix, mix
    from screenplay.voices.engine import load_speech

    def speech(key: str) -> Any:
        sp = load_speech(cache, key)
        if sp is None:
            raise RuntimeError(f"speech {key[:12]} vanished from the cache during the build")
        return sp.audio

    def cue_audio(clip: Any) -> Any:
        ctor = registry.lookup("music", clip.spec.constructor)
        assert ctor is not None
        # Render cues to a length rounded up to CUE_QUANTUM_S and trim: an edit that
        # moves a cue's end by a second then reuses the cached render (the mixer
        # fades the cut), instead of composing and synthesizing the cue again.
        seconds = clip.samples / timeline.sample_rate
        rounded = math.ceil(seconds / CUE_QUANTUM_S) * CUE_QUANTUM_S
        audio = registry.backend_for(ctor).render(clip.spec, rounded, cache)
        return audio[: clip.samples]

    if streamed:
        return StreamedMix(timeline, speech, cue_audio)
    return mix(timeline, speech, cue_audio)


class MemoryMeter:
    """Peak resident memory (RSS) of this process plus its worker processes.

    A daemon thread sums ``VmRSS`` over the process tree (``/proc``) every
    ``interval`` seconds; ``getrusage``'s own peak is a floor for what a
    sample could miss.  Used as a context manager around a build.
    """

    def __init__(self, interval: float = 0.2) -> None:
        import threading

        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="screenplay-mem", daemon=True)

    @staticmethod
    def tree_rss(pid: int) -> int:
        total = 0
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
                children = [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            return total
        return total + sum(MemoryMeter.tree_rss(c) for c in children)

    def _run(self) -> None:
        import os

        me = os.getpid()
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.tree_rss(me))

    def __enter__(self) -> MemoryMeter:
        self.peak = self.tree_rss(__import__("os").getpid())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        import resource

        self._stop.set()
        self._thread.join()
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        self.peak = max(self.peak, own)


def format_bytes(n: int) -> str:
    """``1.1 GB`` / ``640 MB`` (decimal units, as file managers show them)."""
    if n >= 1e9:
        return f"{n / 1e9:.1f} GB"
    return f"{n / 1e6:.0f} MB"


def build(
    path: Path, out: Path | None = None, *, skip_if_up_to_date: bool = False, **kwargs: Any
) -> BuildResult:
    """Build the film at ``path`` into ``out`` (default: beside it, ``.mp4``).

    Keyword arguments as :func:`build_film`.  Every successful build records
    a manifest (:mod:`screenplay.manifest`); with ``skip_if_up_to_date``
    (the CLI and ``watch``), when it shows that nothing the film is made
    from changed since ``out`` was built, nothing is done and the result
    says ``up_to_date`` (with no film or timeline).  The result carries the
    peak memory of the build (``peak_rss``).
    """
    from screenplay import manifest

    path = Path(path)
    out = Path(out) if out is not None else path.with_suffix(".mp4")
    cache = kwargs.get("cache") or Cache()
    kwargs["cache"] = cache
    settings = build_settings(out, **kwargs)
    if skip_if_up_to_date and cache.enabled:
        summary = manifest.check(cache.root, out, settings)
        if summary is not None:
            return BuildResult(True, None, [], out, up_to_date=True, summary=summary)
    with MemoryMeter() as meter:
        result = build_film(path, out, **kwargs)
    result.peak_rss = meter.peak
    if result.ok and result.film is not None and result.timeline is not None and cache.enabled:
        _record_manifest(cache, out, settings, result)
    return result


def build_settings(out: Path, **kwargs: Any) -> dict[str, Any]:
    """The build options that decide the output's bytes (``jobs`` does not)."""
    from screenplay import manifest

    return manifest.settings_key(
        out,
        quality=kwargs.get("quality", "default"),
        size=kwargs.get("size"),
        fps=kwargs.get("fps"),
        burn=kwargs.get("burn_subtitles"),
        locked=kwargs.get("locked", False),
    )


def describe(timeline: Timeline) -> str:
    """One line about a built film (what ``screenplay build`` prints)."""
    tl = timeline
    return (
        f"{float(tl.duration):.1f} s, {tl.width}x{tl.height} @ {float(tl.fps):g} fps, "
        f"{len(tl.shots)} shots, {len(tl.subtitles)} subtitles"
    )


def _record_manifest(
    cache: Cache, out: Path, settings: dict[str, Any], result: BuildResult
) -> None:
    from screenplay import manifest

    assert result.film is not None and result.timeline is not None
    try:
        manifest.record(
            cache.root, out, manifest.used_files(result.film), settings, describe(result.timeline)
        )
    except OSError:
        pass  # no manifest only means the next build checks everything again


def build_film(
    path: Path,
    out: Path | None = None,
    *,
    quality: Quality = "default",
    jobs: int = 2,
    locked: bool = False,
    cache: Cache | None = None,
    progress: Progress = _noop,
    size: tuple[int, int] | None = None,
    fps: Fraction | None = None,
    burn_subtitles: bool | None = None,
    get_model: Callable[[str | None], Any] | None = None,
) -> BuildResult:
    cache = cache or Cache()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress("check", 0, 0)
    film, items = load_film(path)
    diags = Diagnostics(list(items))
    timings["check"] = time.perf_counter() - t0
    if film is None or diags.has_errors:
        return BuildResult(False, film, diags.items, timings=timings)
    apply_quality(film, quality, size, fps)
    film, timeline = prepare(
        film,
        diags,
        cache,
        locked=locked,
        jobs=jobs,
        progress=progress,
        get_model=get_model,
        timings=timings,
    )
    if timeline is None or diags.has_errors:
        return BuildResult(False, film, diags.items, timings=timings)

    from screenplay.render.assets import PicturesAssetProvider
    from screenplay.render.encode import render_film

    # The soundtrack is mixed while it is encoded, beside the rendering (its
    # time is in timings["render"]/report.timings["audio"]).
    mixed = mix_soundtrack(timeline, cache, streamed=True)
    out = out or path.with_suffix(".mp4")
    burn = burn_subtitles if burn_subtitles is not None else film.settings.subtitles == "burn"
    t0 = time.perf_counter()
    report = render_film(
        timeline,
        PicturesAssetProvider(cache),
        mixed,
        out,
        cache,
        quality=quality,
        jobs=jobs,
        progress=progress,
        burn_subtitles=burn,
    )
    timings["render"] = time.perf_counter() - t0
    return BuildResult(True, film, diags.items, out, timeline, timings, report)


__all__ = [
    "build",
    "build_film",
    "MemoryMeter",
    "format_bytes",
    "prepare",
    "plan_timeline",
    "BuildResult",
    "apply_quality",
    "replace",
]
