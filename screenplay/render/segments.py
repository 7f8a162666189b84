"""Shot segments: the unit of rendering, caching and parallelism.

Every shot (long shots in chunks of at most :data:`MAX_SEGMENT_SECONDS`) is
encoded on its own as a short H.264 MP4 — one GOP that starts on a
keyframe, no audio — stored in the cache namespace ``segments`` under the
hash of everything that affects its pixels and bytes:

* the shot *normalized*: its picture, length, transition (with the previous
  picture reduced to the frame the transition holds on), fade out and
  retiming — but not its id, source span or start frame, so a shot that an
  edit merely moves along the film is reused;
* the chunk's range inside the shot;
* width, height, frame rate, quality preset, the burn-in flag and the
  subtitles overlapping the shot (relative to its start, text and style);
* the renderer's version, fonts, animation timing, picture provider and the
  PyAV/FFmpeg build (encoders are deterministic for a given build).

Audio reaches pixels only through a shot's length and visemes, which are in
the shot, so an edit that changes a line's speech re-renders that line's
shot (and nothing else).

Segments are rendered by :func:`render_segment`, either in the build's own
process or in ``spawn`` worker processes (:func:`worker_init` receives the
asset provider once per worker).  Each segment is written to a temporary
file named after the writing process and renamed into the cache when whole,
so killing a build never leaves a truncated entry; workers die with the
build (see :func:`worker_init`), and :func:`sweep_stale` removes temporary
files whose process is gone.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from screenplay.backends.protocols import BackendError
from screenplay.cache import atomic_path, digest
from screenplay.syntax.source import Span
from screenplay.timeline import Shot, Subtitle, Timeline, Transition

if TYPE_CHECKING:
    from screenplay.render.assets import AssetProvider

Quality = Literal["preview", "default", "final"]

#: Longest segment; longer shots are split so both cores get work and an
#: edit near the end of a long shot re-encodes at most this much.
MAX_SEGMENT_SECONDS = 10


def segment_frames(fps: Fraction) -> int:
    """The longest segment, in frames."""
    return max(1, int(MAX_SEGMENT_SECONDS * fps))


@dataclass(frozen=True)
class Preset:
    """x264 settings of a quality preset (always ``threads=1``: see :func:`x264_options`)."""

    preset: str
    crf: int
    tune: str | None
    audio_bitrate: int
    x264_params: str = ""
    #: Mid/side stereo coding in FFmpeg's AAC encoder: a little more efficient,
    #: but it doubles the encoder's time (0.4 s → 0.7 s CPU per minute here),
    #: which an incremental build pays in full.  At 160 kb/s L/R is transparent
    #: enough for dialogue and score; the final preset keeps M/S.
    aac_mid_side: bool = False


PRESETS: dict[str, Preset] = {
    # Small and fast: the build also passes a small timeline (e.g. 640×360, build --preview).
    "preview": Preset("ultrafast", 30, None, 96_000),
    # Most shots are near-still pictures and talking faces.  Measured at 720p
    # (docs/render.md): diamond motion search, subme 1, one reference and a
    # fixed run of B-frames encode still/talking shots ~30 % and camera moves
    # ~60 % faster than plain veryfast for ~10-20 % more bytes at the same CRF,
    # which is what lets a 2-core machine render well above 8× realtime.
    "default": Preset("veryfast", 21, None, 160_000, "me=dia:subme=1:bframes=8:b-adapt=0:ref=1"),
    "final": Preset("slow", 18, "animation", 192_000, aac_mid_side=True),
}


def x264_options(quality: Quality) -> dict[str, str]:
    p = PRESETS[quality]
    opts = {
        "preset": p.preset,
        "crf": str(p.crf),
        # One thread per encoder: x264's output depends on its thread count, and
        # segment bytes must not depend on --jobs or the machine.  Parallelism
        # comes from encoding several segments at once.
        "threads": "1",
    }
    if p.tune:
        opts["tune"] = p.tune
    if p.x264_params:
        opts["x264-params"] = p.x264_params
    return opts


_NO_SPAN = Span("", 0, 0, 0, 0)


@dataclass(frozen=True)
class SegmentTask:
    """One segment to render: a normalized shot's frames ``first`` … ``first+count-1``."""

    key: str
    index: int  # position in the film
    shot: Shot  # normalized: start 0, no id/span, held previous picture
    first: int
    count: int
    subtitles: tuple[Subtitle, ...]  # relative to the shot, burned in only if burn
    width: int
    height: int
    fps: Fraction
    quality: Quality
    burn: bool
    path: str  # where the finished segment lives in the cache

    @property
    def cost(self) -> float:
        """Rough relative render cost, to start the slowest segments first."""
        moving = self.shot.retime_from is not None or self.shot.picture.kind == "morph"
        cam = getattr(self.shot.picture, "camera", None)
        if cam is not None and (cam.zoom_start != cam.zoom_end or cam.pan_start != cam.pan_end):
            moving = True
        return self.count * (4.0 if moving else 1.0)


def normalize_shot(shot: Shot) -> Shot:
    """The shot as far as its pixels are concerned (see the module docstring)."""
    from screenplay.render.compositor import held_picture

    tr = shot.transition
    previous = held_picture(tr.previous) if tr.previous is not None else None
    if tr.kind in ("cut", "smash", "fade_in") or tr.frames <= 0:
        previous = None  # these transitions never show the previous picture
    return dataclasses.replace(
        shot,
        id="",
        start=0,
        span=_NO_SPAN,
        transition=Transition(tr.kind, tr.frames, previous),
    )


def _subtitle_key(subs: tuple[Subtitle, ...]) -> list[Any]:
    return [
        [s.start, s.end, [[r.text, r.italic, r.bold, r.underline] for r in s.runs]] for s in subs
    ]


def environment_key(assets: AssetProvider) -> list[Any]:
    """What, besides a shot, decides a segment's bytes (versions, fonts, engines)."""
    import av

    from screenplay.render.assets import provider_identity
    from screenplay.render.compositor import RENDERER_VERSION
    from screenplay.render.motion import animation
    from screenplay.render.text import font_identity

    return [
        RENDERER_VERSION,
        list(font_identity()),
        animation()[2],
        provider_identity(assets),
        av.__version__,
        {k: list(v) for k, v in av.library_versions.items()},
    ]


def plan_segments(
    timeline: Timeline,
    assets: AssetProvider,
    cache_root: Path,
    *,
    quality: Quality,
    burn: bool,
) -> list[SegmentTask]:
    """The segments of ``timeline`` in film order, with their cache keys and paths."""
    from screenplay.render.compositor import shot_subtitles

    env = environment_key(assets)
    chunk = segment_frames(timeline.fps)
    tasks: list[SegmentTask] = []
    for shot in timeline.shots:
        norm = normalize_shot(shot)
        subs = shot_subtitles(timeline, shot) if burn else ()
        subs = tuple(dataclasses.replace(s, span=_NO_SPAN, speaker="") for s in subs)
        for first in range(0, shot.frames, chunk):
            count = min(chunk, shot.frames - first)
            # Only the subtitles this chunk shows change its pixels.
            chunk_subs = tuple(s for s in subs if s.start < first + count and s.end > first)
            # Burning nothing changes nothing: chunks without subtitles are shared
            # between burned and clean builds.
            burn_here = burn and bool(chunk_subs)
            key = digest(
                "segment",
                env,
                norm,
                first,
                count,
                _subtitle_key(chunk_subs),
                timeline.width,
                timeline.height,
                str(timeline.fps),
                quality,
                dataclasses.asdict(PRESETS[quality]),
                burn_here,
            )
            path = cache_root / "segments" / key[:2] / f"{key}.mp4"
            tasks.append(
                SegmentTask(
                    key,
                    len(tasks),
                    norm,
                    first,
                    count,
                    chunk_subs,
                    timeline.width,
                    timeline.height,
                    timeline.fps,
                    quality,
                    burn_here,
                    str(path),
                )
            )
    return tasks


# --------------------------------------------------------------------------
# Rendering one segment
# --------------------------------------------------------------------------


def _part_suffix(ext: str) -> str:
    """Temp-file suffix carrying the writer's pid, so :func:`sweep_stale` can tell orphans."""
    return f".{os.getpid()}{ext}"


def render_segment(
    task: SegmentTask,
    assets: AssetProvider,
    on_frames: Callable[[int], None] | None = None,
) -> tuple[int, int, float, dict[str, float]]:
    """Render and encode ``task`` into its cache path.

    Returns ``(index, frames, seconds, stages)``; ``stages`` are the seconds
    spent compositing, converting to YUV and in x264 + muxing.
    """
    from screenplay.render.compositor import Compositor

    started = time.perf_counter()
    timeline = Timeline(
        fps=task.fps,
        width=task.width,
        height=task.height,
        frames=task.shot.frames,
        shots=(task.shot,),
        subtitles=task.subtitles,
    )
    comp = Compositor(timeline, assets, burn_subtitles=task.burn)
    target = Path(task.path)
    stages: dict[str, float] = {}
    try:
        with atomic_path(target, _part_suffix(".mp4")) as tmp:
            encode_frames(
                lambda i: comp.frame_key(task.shot, i),
                lambda i: comp.frame(task.shot, i),
                range(task.first, task.first + task.count),
                tmp,
                task.width,
                task.height,
                task.fps,
                task.quality,
                on_frames,
                stages,
            )
    finally:
        comp.close()  # its frames are freed here, not at the next full GC pass
    return task.index, task.count, time.perf_counter() - started, stages


def encode_frames(
    key_of: Callable[[int], Hashable],
    frame_of: Callable[[int], Any],
    indices: range,
    path: Path,
    width: int,
    height: int,
    fps: Fraction,
    quality: Quality,
    on_frames: Callable[[int], None] | None = None,
    stages: dict[str, float] | None = None,
) -> None:
    """Encode frames ``indices`` to an H.264 MP4 at ``path``.

    ``stages`` (if given) accumulates seconds per stage: ``composite`` (the
    frames drawn), ``convert`` (RGB → YUV 4:2:0) and ``encode`` (x264 + mux),
    wall clock, and the same stages' CPU time of the rendering thread as
    ``composite_cpu``, ``convert_cpu``, ``encode_cpu`` (on a shared machine the
    wall clock measures the neighbours; CPU time measures the work).

    Frames with equal keys are converted to YUV once and the same picture is
    handed to x264 again (which notices it barely changed and spends almost
    nothing on it): that is what makes still and talking shots cheap.
    """
    import av
    import cv2

    yuv_memo: OrderedDict[Hashable, Any] = OrderedDict()
    memo_limit = max(8, (96 * 1024 * 1024) // (width * height * 3 // 2))
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps, options=x264_options(quality))
        stream.width = width
        stream.height = height
        stream.pix_fmt = "yuv420p"
        cc = stream.codec_context
        cc.time_base = Fraction(1) / fps
        # The same maximum GOP for every segment of a film (x264 derives SPS
        # fields from it, and stream copy needs identical SPS/PPS); a segment
        # is never longer, so it is one GOP opened by an IDR frame (x264 may
        # still add I-frames at scene cuts).
        cc.gop_size = segment_frames(fps) + 1
        # OpenCV converts with the BT.601 matrix in limited range; say so, so
        # players do not assume BT.709 for HD and shift the colours.
        cc.colorspace = 6  # AVCOL_SPC_SMPTE170M
        cc.color_primaries = 1  # AVCOL_PRI_BT709 (sRGB primaries)
        cc.color_trc = 13  # AVCOL_TRC_IEC61966_2_1 (sRGB)
        cc.color_range = 1  # AVCOL_RANGE_MPEG (limited)
        done = 0
        clock, cpu = time.perf_counter, time.thread_time
        # [wall, cpu] per stage
        t_comp, t_conv, t_enc = [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]
        for n, i in enumerate(indices):
            t0, c0 = clock(), cpu()
            key = key_of(i)
            vf = yuv_memo.get(key)
            if vf is None:
                rgb = frame_of(i)
                t1, c1 = clock(), cpu()
                t_comp[0] += t1 - t0
                t_comp[1] += c1 - c0
                yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
                vf = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                yuv_memo[key] = vf
                while len(yuv_memo) > memo_limit:
                    yuv_memo.popitem(last=False)
                t0, c0 = clock(), cpu()
                t_conv[0] += t0 - t1
                t_conv[1] += c0 - c1
            else:
                yuv_memo.move_to_end(key)
            vf.pts = n
            for packet in stream.encode(vf):
                out.mux(packet)
            t_enc[0] += clock() - t0
            t_enc[1] += cpu() - c0
            done += 1
            if on_frames is not None and done == 12:
                on_frames(done)
                done = 0
        t0, c0 = clock(), cpu()
        for packet in stream.encode(None):
            out.mux(packet)
        t_enc[0] += clock() - t0
        t_enc[1] += cpu() - c0
        if on_frames is not None and done:
            on_frames(done)
    if stages is not None:
        for name, (wall, busy) in (("composite", t_comp), ("convert", t_conv), ("encode", t_enc)):
            stages[name] = stages.get(name, 0.0) + wall
            stages[f"{name}_cpu"] = stages.get(f"{name}_cpu", 0.0) + busy


# --------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------

_WORKER_ASSETS: AssetProvider | None = None


def _terminate(signum: int, frame: Any) -> None:
    # Pool.terminate() sends SIGTERM: unwind so atomic_path deletes its temp file.
    raise SystemExit(128 + signum)


_PARENT = 0


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this worker when the build process dies.

    A build killed with SIGKILL cannot stop its pool, and the workers would
    go on rendering the tasks already queued to them.  With the death signal
    they stop at once (and, through :func:`_terminate`, delete their temp
    file); elsewhere :func:`worker_render` checks the parent before each task.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_init(assets: AssetProvider, parent: int) -> None:
    """Pool initializer: keep the provider (and its memo) for the worker's lifetime.

    ``parent`` is the build process's pid.
    """
    global _WORKER_ASSETS, _PARENT
    _WORKER_ASSETS = assets
    _PARENT = parent
    # Ctrl-C reaches the whole process group; only the build process decides
    # what to do about it (it terminates the pool).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)
    _die_with_parent()
    # The workers already use every core, one segment each; OpenCV's own thread
    # pool on top would only make them compete (and hide its time from the
    # per-stage CPU clock).
    import cv2

    cv2.setNumThreads(1)
    if os.getppid() != _PARENT:  # the parent died before the death signal was armed
        raise SystemExit(1)


class _BackendErrorInTransit(BackendError):
    """A BackendError that survives the trip back from a worker process.

    ``BackendError`` takes three arguments but pickles only its message, so
    it cannot be rebuilt in the build process; this one pickles as a plain
    ``BackendError`` with its code and help intact.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (BackendError, (self.code, self.message, self.help))


def worker_render(task: SegmentTask) -> tuple[int, int, float, dict[str, float]]:
    assert _WORKER_ASSETS is not None, "worker_init was not called"
    if os.getppid() != _PARENT:  # orphaned: the build is gone, nobody wants this
        raise SystemExit(1)
    try:
        return render_segment(task, _WORKER_ASSETS)
    except BackendError as e:
        raise _BackendErrorInTransit(e.code, e.message, e.help) from None
    finally:
        release_memory()


def release_memory() -> None:
    """Hand the memory a finished segment freed back to the OS.

    A segment's frame memos (compositor frames, YUV pictures: up to ~250 MB
    at 720p) are freed when it ends, but glibc keeps freed heap (and raises
    its mmap threshold after large frees), so a worker's RSS only grew with
    every segment; ``malloc_trim`` returns it.  No-op off glibc.
    """
    global _LIBC
    if _LIBC is None:
        import ctypes
        import ctypes.util

        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None)
            _LIBC.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC: Any = None


# --------------------------------------------------------------------------
# Orphaned temporary files
# --------------------------------------------------------------------------

_PART = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9]+\.part$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def sweep_stale(folder: Path, prefixes: tuple[str, ...] | None = None) -> int:
    """Delete ``.….<pid>.<ext>.part`` temp files in ``folder`` whose writer is dead.

    ``prefixes`` limits the sweep to temp files of those target names (in an
    output folder we only touch our own film's temporaries).  Returns how
    many files were removed.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        m = _PART.match(entry.name)
        if not m:
            continue
        if prefixes is not None and not any(entry.name.startswith(f".{p}.") for p in prefixes):
            continue
        if _alive(int(m.group(1))):
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:
            pass
    return removed
