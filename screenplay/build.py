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
from screenplay.render.errors import BAD_FLAG
from screenplay.syntax.source import Span
from screenplay.timeline import Timeline

Quality = Literal["preview", "default", "final"]
PREVIEW_WIDTH = 640

#: progress(stage, done, total): total 0 means "indeterminate"
Progress = Callable[[str, int, int], None]
#: on_hole(number, of, source_line): the fill starts writing a hole (see commands.fill)
OnHole = Callable[[int, int, int], None]


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
    on_hole: OnHole | None = None,
    get_model: Callable[[str | None], Any] | None = None,
    timings: dict[str, float] | None = None,
    executor: Any = None,
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
        on_hole=on_hole,
    )
    film = outcome.film
    timings["fill"] = time.perf_counter() - t0
    if diags.has_errors:
        return film, None

    t0 = time.perf_counter()
    bound = collect(film, diags)
    synthesize(
        bound,
        cache,
        diags,
        jobs=jobs,
        progress=lambda d, t: progress("voices", d, t),
        executor=executor,
    )
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
    from screenplay.voices.backend import load_speech

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
    if kwargs.get("variant") is not None:
        # The same output path may hold another variant: the manifest must tell them apart.
        settings["variant"] = str(kwargs["variant"])
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
        outside=kwargs.get("allow_outside_assets", False),
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
    on_hole: OnHole | None = None,
    size: tuple[int, int] | None = None,
    fps: Fraction | None = None,
    burn_subtitles: bool | None = None,
    get_model: Callable[[str | None], Any] | None = None,
    allow_outside_assets: bool = False,
    variant: str | dict[str, str] | None = None,
    executor: Any = None,
) -> BuildResult:
    """Build ``path`` into ``out`` (default: ``path`` with ``.mp4``); never raises for user errors.

    ``variant`` picks one variant of a film with alternatives (an id or
    ``AXIS=VALUE,…``; default: the lock's, else the first alternatives);
    ``executor`` (:mod:`screenplay.executor`) runs voices and shots
    elsewhere, e.g. as Ray tasks.

    This is the boundary between the compiler and the world: every failure the
    user can cause or fix (a bad argument, an output that cannot be written or
    would overwrite an input, a full disk, an unreadable file, an engine's
    :class:`~screenplay.backends.protocols.BackendError`) comes back as a
    diagnostic in the result.  Anything else escaping from here is a bug.
    """
    from screenplay.backends.protocols import BackendError, outside_assets

    timings: dict[str, float] = {}
    diags = Diagnostics()
    state: dict[str, Any] = {"film": None, "out": None}
    try:
        with outside_assets(allow_outside_assets):
            return _build(
                Path(path),
                out,
                diags,
                state,
                timings,
                quality=quality,
                jobs=jobs,
                locked=locked,
                cache=cache or Cache(),
                progress=progress,
                on_hole=on_hole,
                size=size,
                fps=fps,
                burn_subtitles=burn_subtitles,
                get_model=get_model,
                variant=variant,
                executor=executor,
            )
    except BackendError as e:
        diags.error(e.code, _where(state["out"] or path), e.message, e.help)
    except OSError as e:
        _os_error(e, diags, state["out"], cache)
    except _BadArgument as e:
        diags.error(BAD_FLAG, _where(path), str(e), "see `screenplay build --help`")
    return BuildResult(False, state["film"], diags.items, timings=timings)


class _BadArgument(ValueError):
    """A build() argument out of range (the CLI validates the same bounds first)."""


def _where(path: Path | str) -> Span:
    """A span naming a file without pointing into it (line 0: no source line is shown)."""
    return Span(str(path), 0, 0, 0, 0)


def _os_error(e: OSError, diags: Diagnostics, out: Path | None, cache: Cache | None) -> None:
    """An OSError that escaped a stage: a full disk, a write refused, or an input unreadable."""
    import errno

    from screenplay.outputs import os_error
    from screenplay.render import errors

    name = Path(e.filename) if isinstance(e.filename, str) else None
    root = Path((cache or Cache()).root)

    def under(folder: Path) -> bool:
        try:
            return name is not None and folder.resolve() in name.resolve().parents
        except (OSError, RuntimeError):
            return False

    writing = name is None or (out is not None and under(out.parent))
    if under(root):
        err = os_error(e, root, errors.CACHE_NOT_WRITABLE)
    elif name is None and e.errno in (errno.ENOSPC, errno.EDQUOT):
        folder = out.parent if out is not None else Path.cwd()
        err = os_error(e, Path(f"the cache ({root}) or the output folder ({folder})"))
    elif writing or e.errno in (errno.ENOSPC, errno.EDQUOT):
        err = os_error(e, out.parent if out is not None else Path.cwd())
    else:
        err = errors.error(errors.INPUT_UNREADABLE, f"cannot read {name}: {e.strerror or e}")
    diags.error(err.code, _where(name or out or "<build>"), err.message, err.help)


def _build(
    path: Path,
    out: Path | None,
    diags: Diagnostics,
    state: dict[str, Any],
    timings: dict[str, float],
    *,
    quality: Quality,
    jobs: int,
    locked: bool,
    cache: Cache,
    progress: Progress,
    on_hole: OnHole | None,
    size: tuple[int, int] | None,
    fps: Fraction | None,
    burn_subtitles: bool | None,
    get_model: Callable[[str | None], Any] | None,
    variant: str | dict[str, str] | None = None,
    executor: Any = None,
) -> BuildResult:
    from screenplay import limits
    from screenplay.outputs import check_outputs, film_inputs, sidecars

    try:
        size = limits.check_size(size) if size is not None else None
        fps = limits.check_fps(Fraction(fps)) if fps is not None else None
        jobs = limits.check_jobs(int(jobs))
    except (ValueError, TypeError, ZeroDivisionError, OverflowError) as e:
        raise _BadArgument(str(e)) from None
    t0 = time.perf_counter()
    progress("check", 0, 0)
    film, items = load_film(path, variant)
    state["film"] = film
    diags.extend(items)
    timings["check"] = time.perf_counter() - t0
    if film is None or diags.has_errors:
        return BuildResult(False, film, diags.items, timings=timings)
    out = Path(out) if out is not None else path.with_suffix(".mp4")
    state["out"] = out
    # Before any expensive work: the outputs can be written and destroy no input.
    check_outputs([out, *sidecars(out)], film_inputs(film))
    apply_quality(film, quality, size, fps)
    film, timeline = prepare(
        film,
        diags,
        cache,
        locked=locked,
        jobs=jobs,
        progress=progress,
        on_hole=on_hole,
        get_model=get_model,
        timings=timings,
        executor=executor,
    )
    state["film"] = film
    if timeline is None or diags.has_errors:
        return BuildResult(False, film, diags.items, timings=timings)

    from screenplay.render.assets import PicturesAssetProvider
    from screenplay.render.encode import render_film

    # The soundtrack is mixed while it is encoded, beside the rendering (its
    # time is in timings["render"]/report.timings["audio"]).
    mixed = mix_soundtrack(timeline, cache, streamed=True)
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
        executor=executor,
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
