"""The encoder: a Timeline plus its soundtrack in, a finished MP4 out.

:func:`render_film` runs these stages, reporting them to ``progress``:

1. **audio** – the soundtrack is encoded once to AAC (48 kHz stereo) and
   cached under the digest of its samples, in a thread that starts first
   and runs beside stage 2;
2. **render** – every shot segment that is not in the cache is composited
   and encoded (H.264, libx264, yuv420p), in ``jobs`` worker processes when
   there is enough to do (:mod:`screenplay.render.segments`);
3. **subtitles** – ``OUT.srt`` and ``OUT.vtt`` sidecars, into temporaries
   beside the output;
4. **mux** – the segments are joined by *stream copy* (packets demuxed and
   re-timestamped, never re-encoded) and muxed with the AAC track, a
   ``mov_text`` subtitle track, chapters and the title into a temporary
   file beside the output, with ``movflags=faststart``; the result is
   checked (H.264 + AAC, exact frame count) and only then are the film and
   its sidecars renamed into place together (:class:`screenplay.outputs.Staged`),
   so a failed or interrupted build never leaves a broken film, nor new
   subtitles beside an old film.
"""

from __future__ import annotations

import errno
import heapq
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from screenplay.cache import Cache, atomic_path, digest, touch
from screenplay.outputs import Staged, check_outputs, sidecars
from screenplay.render import errors
from screenplay.render.segments import (
    PRESETS,
    Quality,
    SegmentTask,
    _part_suffix,
    plan_segments,
    render_segment,
    sweep_stale,
    worker_init,
    worker_render,
)
from screenplay.timeline import Timeline

if TYPE_CHECKING:
    import numpy as np

    from screenplay.executor import Executor
    from screenplay.render.assets import AssetProvider


class StreamedSoundtrack(Protocol):
    """What the encoder needs of a soundtrack it mixes while encoding.

    :class:`screenplay.music.mixer.StreamedMix` is one.
    """

    n: int
    ceiling_db: float

    def key_parts(self) -> list[Any]:
        """Everything that decides the samples (the AAC cache key), without mixing."""
        ...

    def blocks(self) -> Iterator[tuple[int, np.ndarray]]:
        """``(first sample, (k, 2) float32)`` blocks in order (k: whole seconds but the last)."""
        ...

    def master(self, true_peak_db: float) -> None:
        """Master again for a lower true-peak ceiling."""
        ...

    def set_ceiling(self, true_peak_db: float) -> None:
        """The true-peak ceiling to master for (before mixing: costs nothing)."""
        ...


def _streamed(soundtrack: Any) -> bool:
    return hasattr(soundtrack, "blocks") and hasattr(soundtrack, "key_parts")


#: The true peak the decoded film may reach (dBTP); the docs promise it.
TRUE_PEAK_CEILING_DB = -1.0
#: Headroom (dB) the master's limiter leaves under :data:`TRUE_PEAK_CEILING_DB` for the
#: AAC codec's overshoot (its quantization noise and low-pass ride on the peaks), per
#: quality, so one encode meets the ceiling.  Measured (docs/render.md): the examples
#: overshoot a −1.0 dBTP mix by ≤ 0.23 dB at 96 kb/s and ≤ 0.19 dB at 160 kb/s, but a
#: 28-minute speech-only plain-Fountain feature by 1.27 dB at 96 kb/s (one consonant;
#: the next worst 0.63 dB).  Lower bitrates quantize coarser, so preview keeps more.
CODEC_HEADROOM_DB = {"preview": 1.5, "default": 1.0, "final": 0.75}
#: Re-encodes allowed to bring a decoded overshoot under the ceiling (a safety net for
#: material the headroom does not cover — near-full-scale noise bursts overshoot by
#: 1–3 dB —; never taken on the examples: ``audio_encodes`` is 1).
TRUE_PEAK_RETRIES = 3

Progress = Callable[[str, int, int], None]

#: Bump when the audio encoding changes (part of the AAC cache key).
#: 2: the true peak of the decoded AAC is held under TRUE_PEAK_CEILING_DB.
#: 3: the master leaves CODEC_HEADROOM_DB for the codec's overshoot.
#: 4: that headroom per quality.
AUDIO_VERSION = 4

#: Below this much work (segment cost × pixels; 1 = one still frame's
#: pixels) segments are rendered in the build's process: a spawned worker
#: needs ~0.5 s of CPU just to import numpy, OpenCV and PyAV, about what 100
#: still 720p frames cost to encode.
POOL_MIN_PIXELS = 100 * 1280 * 720


@dataclass
class RenderReport:
    """What a render did: sizes, cache use and where the time went."""

    output: Path
    srt: Path
    vtt: Path
    frames: int
    seconds: float  # film duration
    segments: int
    segments_rendered: int
    segments_reused: int
    frames_rendered: int
    audio_reused: bool
    subtitle_track: bool
    chapters: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def realtime(self) -> float:
        """Film seconds per wall-clock second of the whole render."""
        total = self.timings.get("total", 0.0)
        return self.seconds / total if total > 0 else float("inf")


def render_film(
    timeline: Timeline,
    assets: AssetProvider,
    soundtrack: np.ndarray | StreamedSoundtrack,
    out: Path,
    cache: Cache,
    *,
    quality: Quality = "default",
    jobs: int = 1,
    progress: Progress | None = None,
    burn_subtitles: bool = False,
    executor: Executor | None = None,
) -> RenderReport:
    """Render ``timeline`` with ``soundtrack`` (float32 ``(timeline.samples, 2)``) to ``out``.

    ``soundtrack`` may also be a :class:`StreamedSoundtrack` (the streamed
    mixer's result): it is then mixed block by block while it is encoded,
    only if its AAC is not cached already, and never held whole.

    Writes ``out`` (MP4: H.264 + AAC + mov_text subtitles + chapters) and the
    sidecars ``out.with_suffix('.srt')``/``'.vtt'``.  Raises
    :class:`~screenplay.backends.protocols.BackendError` (codes in
    :mod:`screenplay.render.errors`) for failures the user can fix.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    report_progress: Progress = progress or (lambda stage, done, total: None)
    out = Path(out)
    if quality not in PRESETS:
        raise ValueError(f"unknown quality preset {quality!r}")
    _check_timeline(timeline)
    _check_encoders()
    audio: Any = (
        soundtrack
        if _streamed(soundtrack)
        else _prepare_soundtrack(cast(Any, soundtrack), timeline)
    )
    srt, vtt = sidecars(out)
    check_outputs([out, srt, vtt])
    cache_root = Path(cache.root)
    segments_dir = cache_root / "segments"
    _ensure_writable(segments_dir)

    # The soundtrack's AAC encode needs nothing else: start it first, in a
    # thread beside everything below (FFmpeg's encoders release the GIL).
    audio_job = _AudioJob(audio, timeline.sample_rate, quality, cache, report_progress)
    audio_job.start()
    try:
        tasks, reused, missing = _plan_and_render(
            timeline,
            assets,
            cache,
            out,
            segments_dir,
            quality,
            jobs,
            burn_subtitles,
            report_progress,
            timings,
            executor,
        )
    finally:
        # Wait for the audio even when rendering failed: an abandoned thread
        # would leave its temp file behind.
        audio_job.join()
    try:
        audio_path, audio_reused = audio_job.result()
        timings["audio"] = audio_job.seconds
        # How many AAC encodes it took to keep the decoded true peak under the ceiling.
        timings["audio_encodes"] = len(audio_job.stats.get("decoded_true_peak_db", []))
        from screenplay.render.subtitles import srt_text, vtt_text

        # Every output goes to a temporary beside it; only when the film is muxed
        # and verified are all three renamed into place (the film last), so a
        # failure or a kill never leaves new subtitles beside an old film.
        with Staged([out, srt, vtt]) as staged:
            t0 = time.perf_counter()
            staged[srt].write_text(srt_text(timeline), encoding="utf-8")
            staged[vtt].write_text(vtt_text(timeline), encoding="utf-8")
            timings["subtitles"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            sub_track = _mux(timeline, tasks, audio_path, staged[out], report_progress)
            _verify(staged[out], timeline)
            staged.commit()
        timings["mux"] = time.perf_counter() - t0
    except OSError as e:
        _raise_if_disk_full(e, out)
        raise

    timings["total"] = time.perf_counter() - started
    return RenderReport(
        output=out,
        srt=srt,
        vtt=vtt,
        frames=timeline.frames,
        seconds=float(timeline.duration),
        segments=len(tasks),
        segments_rendered=len(missing),
        segments_reused=reused,
        frames_rendered=sum(t.count for t in missing),
        audio_reused=audio_reused,
        subtitle_track=sub_track,
        chapters=len(_chapters(timeline)),
        timings=timings,
    )


def _raise_if_disk_full(e: OSError, out: Path) -> None:
    """A full disk is the user's to fix (SP0801); other OSErrors are left to the caller."""
    if getattr(e, "errno", None) == errno.ENOSPC:
        raise errors.error(
            errors.DISK_FULL, f"the disk is full while writing {out.name}: {e}"
        ) from e


def _plan_and_render(
    timeline: Timeline,
    assets: AssetProvider,
    cache: Cache,
    out: Path,
    segments_dir: Path,
    quality: Quality,
    jobs: int,
    burn: bool,
    report_progress: Progress,
    timings: dict[str, float],
    executor: Executor | None = None,
) -> tuple[list[SegmentTask], int, list[SegmentTask]]:
    """Plan the segments and render the missing ones: (tasks, reused count, rendered)."""
    try:
        # Temp files of builds that were killed (SIGKILL, power loss) are never
        # mistaken for results; delete the ones whose process is gone.
        sweep_stale(
            out.parent, (out.name, out.with_suffix(".srt").name, out.with_suffix(".vtt").name)
        )
        # Every namespace of the cache (voices, faces, segments …), not only segments.
        for namespace in Path(cache.root).iterdir():
            if namespace.is_dir():
                for sub in namespace.iterdir():
                    if sub.is_dir():
                        sweep_stale(sub)

        t0 = time.perf_counter()
        tasks = plan_segments(timeline, assets, cache.root, quality=quality, burn=burn)
        missing: list[SegmentTask] = []
        seen: set[str] = set()
        for t in tasks:
            # Identical shots (a repeated establishing shot, a card used twice)
            # share one segment: render each key once.
            if t.key in seen:
                continue
            if cache.enabled and Path(t.path).is_file():
                touch(t.path)  # last use, for `screenplay cache prune`
                continue
            seen.add(t.key)
            missing.append(t)
        reused = len(tasks) - len(missing)
        cache.hits["segments"] += reused
        cache.misses["segments"] += len(missing)
        timings["plan"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        stages = _render_segments(
            tasks, missing, assets, jobs, report_progress, timeline.frames, executor
        )
        # Seconds summed over the segments (in every worker): where rendering goes.
        for name, seconds in stages.items():
            timings[f"render_{name}"] = seconds
        timings["render"] = time.perf_counter() - t0
    except OSError as e:
        _raise_if_disk_full(e, out)
        raise
    return tasks, reused, missing


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def _check_timeline(timeline: Timeline) -> None:
    """The timing pass guarantees these; a violation is a bug, not a user error."""
    if timeline.width % 2 or timeline.height % 2 or timeline.width < 2 or timeline.height < 2:
        raise ValueError(f"frame size {timeline.width}x{timeline.height} must be even (yuv420p)")
    pos = 0
    for shot in timeline.shots:
        if shot.start != pos or shot.frames < 1:
            raise ValueError(
                f"shot {shot.id} starts at {shot.start}, expected {pos} (shots must tile)"
            )
        pos = shot.end
    if pos != timeline.frames or pos == 0:
        raise ValueError(f"shots cover {pos} frames, the timeline has {timeline.frames}")


def _check_encoders() -> None:
    import av

    missing = {"libx264", "aac"} - set(av.codecs_available)
    if missing:
        raise errors.error(
            errors.ENCODER_MISSING, f"PyAV has no {', '.join(sorted(missing))} encoder"
        )


def _ensure_writable(folder: Path, code: str = errors.CACHE_NOT_WRITABLE) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise errors.error(code, f"cannot create {folder}: {e.strerror or e}") from e
    if not os.access(folder, os.W_OK | os.X_OK):
        raise errors.error(code, f"{folder} is not writable")


def _prepare_soundtrack(soundtrack: np.ndarray, timeline: Timeline) -> np.ndarray:
    """Stereo float32 exactly ``timeline.samples`` long (mono is duplicated)."""
    import numpy as np

    a = np.asarray(soundtrack)
    if a.ndim == 1:
        a = np.stack([a, a], axis=1)
    if a.ndim != 2 or a.shape[1] not in (1, 2) or not np.issubdtype(a.dtype, np.number):
        raise errors.error(
            errors.BAD_SOUNDTRACK, f"soundtrack has shape {a.shape}, dtype {a.dtype}"
        )
    if a.shape[1] == 1:
        a = np.repeat(a, 2, axis=1)
    a = a.astype(np.float32, copy=False)
    if not np.isfinite(a).all():
        raise errors.error(errors.BAD_SOUNDTRACK, "soundtrack contains NaN or infinite samples")
    n = timeline.samples
    # The mixer renders exactly timeline.samples; tolerate rounding at the end.
    if a.shape[0] < n:
        a = np.concatenate([a, np.zeros((n - a.shape[0], 2), np.float32)])
    return np.ascontiguousarray(np.clip(a[:n], -1.0, 1.0))


# --------------------------------------------------------------------------
# Stage 1: segments
# --------------------------------------------------------------------------


def _render_segments(
    tasks: list[SegmentTask],
    missing: list[SegmentTask],
    assets: AssetProvider,
    jobs: int,
    progress: Progress,
    total_frames: int,
    executor: Executor | None = None,
) -> dict[str, float]:
    """Render the ``missing`` segments, in worker processes when that pays (or as
    Ray tasks: ``executor``, :mod:`screenplay.executor`).

    Returns the seconds spent per stage (composite, convert, encode), summed
    over all segments.
    """
    stages: dict[str, float] = {}

    def add(more: dict[str, float]) -> None:
        for name, seconds in more.items():
            stages[name] = stages.get(name, 0.0) + seconds

    done = sum(t.count for t in tasks) - sum(t.count for t in missing)
    progress("render", done, total_frames)
    # The slowest few segments first, so the last worker does not finish alone;
    # the rest in film order, so each worker keeps only the current scenes'
    # faces and sets alive (see PicturesAssetProvider's memo).
    slowest = sorted(missing, key=lambda t: -t.cost)[: 2 * max(1, jobs)]
    first = {t.index for t in slowest}
    order = slowest + [t for t in missing if t.index not in first]
    workers = min(max(1, jobs), len(order))
    remote = executor is not None and not executor.local_processes
    if sum(t.cost * t.width * t.height for t in order) < POOL_MIN_PIXELS and not remote:
        workers = 1  # starting worker processes would cost more than it saves
    if workers <= 1 and not remote:
        # Little to render (an incremental build): render it here; the audio
        # thread uses the other core.

        def advance(n: int) -> None:
            nonlocal done
            done += n
            progress("render", done, total_frames)

        for task in order:
            add(render_segment(task, assets, on_frames=advance)[3])
        return stages

    if not remote and not _main_importable():
        # Spawned workers re-import the main script; a script read from stdin
        # (``python - <<EOF``) or typed at a prompt cannot be, so render here.
        for task in order:
            add(render_segment(task, assets)[3])
            done += task.count
            progress("render", done, total_frames)
        return stages

    from screenplay.executor import LocalExecutor, WorkerDied

    executor = executor or LocalExecutor()
    # Local workers watch the build's pid (they exit when it dies); a Ray
    # worker's parent is Ray's, so it only keeps the provider.
    init: tuple[Callable[..., None], tuple[Any, ...]] = (
        (worker_init, (assets, os.getpid()))
        if executor.local_processes
        else (_remote_worker_init, (assets,))
    )
    from contextlib import closing

    results = executor.run(
        worker_render, order, workers=workers, initializer=init[0], initargs=init[1]
    )
    try:
        # closing(): an error here (or Ctrl-C) stops the workers at once, not at GC.
        with closing(results):
            for _, (_, frames, _, seg_stages) in results:
                done += frames
                add(seg_stages)
                progress("render", done, total_frames)
    except WorkerDied as e:
        raise errors.error(
            errors.WORKERS_FAILED, f"a render worker process died before finishing: {e}"
        ) from None
    return stages


def _remote_worker_init(assets: AssetProvider) -> None:
    """Initializer of a worker that this build did not start (a Ray task's process)."""
    from screenplay.render import segments

    segments._WORKER_ASSETS = assets
    segments._PARENT = os.getppid()  # worker_render's orphan check compares with this


def _main_importable() -> bool:
    """Whether a spawned process can re-import ``__main__`` (false for stdin or ``-c`` code)."""
    import sys

    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        return True  # ``python -m …`` or an embedding: imported by module name
    path = getattr(main, "__file__", None)
    return path is None or os.path.isfile(path)


def _stop_pool(pool: Any, grace: float = 10.0) -> None:
    """Stop a process pool now (see :func:`screenplay.executor.stop_pool`)."""
    from screenplay.executor import stop_pool

    stop_pool(pool, grace)


class _AudioJob:
    """The soundtrack's AAC encode, in a thread beside the segment rendering."""

    def __init__(
        self, audio: Any, rate: int, quality: Quality, cache: Cache, progress: Progress
    ) -> None:
        import threading

        self.args = (audio, rate, quality, cache)
        self.stats: dict[str, Any] = {}
        self.progress = progress
        self.seconds = 0.0
        self._result: tuple[Path, bool] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="screenplay-aac", daemon=True)

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self.progress("audio", 0, 1)
            self._result = _encode_audio(*self.args, stats=self.stats)
            self.progress("audio", 1, 1)
        except BaseException as e:  # handed to the build's thread by result()
            self._error = e
        self.seconds = time.perf_counter() - started

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def result(self) -> tuple[Path, bool]:
        """(path of the cached M4A, whether it was reused); re-raises the thread's error."""
        self.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


# --------------------------------------------------------------------------
# Stage 2: audio
# --------------------------------------------------------------------------


def _encode_audio(
    audio: Any, rate: int, quality: Quality, cache: Cache, stats: dict[str, Any] | None = None
) -> tuple[Path, bool]:
    """The soundtrack as AAC in an M4A, from the cache when the same soundtrack was encoded before.

    ``audio`` is a float32 ``(n, 2)`` array or a :class:`StreamedSoundtrack`
    (keyed by its inputs, so a cache hit never mixes it).  AAC adds
    overshoot (the codec's quantization noise rides on the peaks), so the
    *decoded* result is measured; when it peaks above
    :data:`TRUE_PEAK_CEILING_DB` the soundtrack is mastered again with the
    ceiling lowered by the overshoot (a plain array is scaled instead) and
    encoded again.
    """
    import av

    preset = PRESETS[quality]
    bitrate = preset.audio_bitrate
    options = {"aac_coder": "fast", "aac_ms": "auto" if preset.aac_mid_side else "0"}
    streamed = _streamed(audio)
    if streamed:
        # Master with the codec's headroom from the start: one encode, not two.
        headroom = CODEC_HEADROOM_DB[quality]
        audio.set_ceiling(min(audio.ceiling_db, TRUE_PEAK_CEILING_DB - headroom))
    source = audio.key_parts() if streamed else audio
    key = digest(
        "aac", AUDIO_VERSION, source, rate, bitrate, options, TRUE_PEAK_CEILING_DB, av.__version__
    )
    path = cache.path("segments", key, ".m4a")
    if cache.enabled and path.is_file():
        cache.hits["segments"] += 1
        touch(path)
        return path, True
    cache.misses["segments"] += 1
    with atomic_path(path, _part_suffix(".m4a")) as tmp:
        gain = 1.0
        for attempt in range(TRUE_PEAK_RETRIES + 1):
            if streamed:
                blocks = _gained(audio.blocks(), gain)
            else:
                blocks = _gained(_array_blocks(audio, rate), gain)
            _write_aac(blocks, tmp, rate, bitrate, options)
            peak = _decoded_true_peak_db(tmp)
            if stats is not None:
                stats.setdefault("decoded_true_peak_db", []).append(round(peak, 2))
            over = peak - TRUE_PEAK_CEILING_DB
            if over <= 0:
                break
            if streamed and attempt < TRUE_PEAK_RETRIES - 1:
                # Limit harder by the overshoot (plus a little): loudness stays on target.
                audio.master(audio.ceiling_db - over - 0.1)
            else:
                gain *= 10 ** (-(over + 0.05) / 20)
    return path, False


def _array_blocks(audio: np.ndarray, rate: int) -> Iterator[tuple[int, np.ndarray]]:
    step = 10 * rate
    for start in range(0, len(audio), step):
        yield start, audio[start : start + step]


def _gained(
    blocks: Iterator[tuple[int, np.ndarray]], gain: float
) -> Iterator[tuple[int, np.ndarray]]:
    import numpy as np

    for start, x in blocks:
        x = np.asarray(x, dtype=np.float32)
        if not np.isfinite(x).all():
            raise errors.error(
                errors.BAD_SOUNDTRACK, "the soundtrack contains NaN or infinite samples"
            )
        if gain != 1.0:
            x = x * np.float32(gain)
        yield start, np.clip(x, -1.0, 1.0)


def _write_aac(
    blocks: Iterator[tuple[int, np.ndarray]],
    tmp: Path,
    rate: int,
    bitrate: int,
    options: dict[str, str],
) -> None:
    """Encode stereo float32 blocks (as they are mixed) into an M4A at ``tmp``."""
    import av
    import numpy as np

    with av.open(str(tmp), "w", format="mp4") as out:
        # The "fast" coder is 3× quicker than the default two-loop search and
        # indistinguishable at these bitrates for dialogue and music.
        stream = out.add_stream("aac", rate=rate, bit_rate=bitrate, options=options)
        stream.layout = "stereo"
        # One-second frames: PyAV re-blocks them into the encoder's 1024-sample
        # frames in C (same bytes as feeding 1024 at a time), and the loop
        # holds the GIL 47× less often while a segment renders beside it.
        for first, block in blocks:
            planar = np.ascontiguousarray(block.T)
            for start in range(0, planar.shape[1], rate):
                chunk = np.ascontiguousarray(planar[:, start : start + rate])
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                frame.sample_rate = rate
                frame.pts = first + start
                frame.time_base = Fraction(1, rate)
                for packet in stream.encode(frame):
                    out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def decoded_blocks(path: Path, block: int = 480_000) -> Iterator[tuple[int, np.ndarray]]:
    """The decoded audio of ``path`` as ``(first sample, (k, channels) float32)`` blocks."""
    import av
    import numpy as np

    pending: list[np.ndarray] = []
    held = 0
    first = 0
    with av.open(str(path)) as src:
        for frame in src.decode(audio=0):
            if frame.format.name == "fltp":  # AAC's own format: read the planes, no copies
                k = frame.samples
                planes = [np.frombuffer(memoryview(p), np.float32, k) for p in frame.planes]
                x: np.ndarray = np.stack(planes, axis=1)
            else:
                x = frame.to_ndarray()
                x = x.T if frame.format.is_planar else x.reshape(-1, len(frame.layout.channels))
            pending.append(np.asarray(x, dtype=np.float32))
            held += len(x)
            if held >= block:
                data = np.concatenate(pending)
                yield first, data
                first += len(data)
                pending, held = [], 0
    if pending:
        yield first, np.concatenate(pending)


def _decoded_true_peak_db(path: Path) -> float:
    """True peak (dBTP, 4× oversampled) of the decoded AAC in ``path``."""
    import math

    from screenplay.music.loudness import oversampled_abs_blocks

    peak = 0.0
    for _, _, peaks in oversampled_abs_blocks(decoded_blocks(path)):
        if peaks.size:
            peak = max(peak, float(peaks.max()))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


# --------------------------------------------------------------------------
# Stage 3: join, mux, verify
# --------------------------------------------------------------------------


def _chapters(timeline: Timeline) -> list[dict[str, Any]]:
    starts: dict[int, str] = {}
    for ch in sorted(timeline.chapters, key=lambda c: c.start):
        if 0 <= ch.start < timeline.frames:
            starts.setdefault(ch.start, ch.title)
    items = sorted(starts.items())
    out = []
    for n, (start, title) in enumerate(items):
        end = items[n + 1][0] if n + 1 < len(items) else timeline.frames
        out.append(
            {
                "id": n + 1,
                "start": start,
                "end": end,
                "time_base": Fraction(1) / timeline.fps,
                "metadata": {"title": title},
            }
        )
    return out


def _reorder_delay(path: str, fps: Fraction) -> int:
    """How many frames a segment's first decode time precedes its first picture.

    x264 emits B-frames only when a segment has enough frames, so a short
    segment may have no reordering (delay 0) while its neighbours have 2.
    """
    import av

    with av.open(path) as seg:
        vs = seg.streams.video[0]
        tb = vs.time_base
        assert tb is not None
        for packet in seg.demux(vs):
            if packet.size and packet.dts is not None and packet.pts is not None:
                return max(0, round((packet.pts - packet.dts) * tb * fps))
    return 0


def _video_packets(
    tasks: list[SegmentTask], fps: Fraction, stream: Any
) -> Iterator[tuple[float, int, int, Any]]:
    """The segments' packets, re-timestamped to follow each other (no decoding).

    Presentation times are the segment's plus its offset.  Decode times are
    renumbered so the whole film decodes in one steady sequence
    ``−D, −D+1, …`` with ``D`` the largest reorder delay of any segment:
    segments with less reordering then decode a little early, which keeps
    every ``dts ≤ pts`` and the sequence strictly increasing across joins.
    """
    import av

    frame_tb = Fraction(1) / fps
    seconds_per_frame = float(frame_tb)
    delay = max((_reorder_delay(t.path, fps) for t in tasks), default=0)
    offset = 0
    decode = -delay
    extradata: bytes | None = None
    for task in tasks:
        with av.open(task.path) as seg:
            vs = seg.streams.video[0]
            data = vs.codec_context.extradata
            if extradata is None:
                extradata = data
            elif data != extradata:
                # All segments share one set of encoder settings, so x264 writes
                # identical SPS/PPS; anything else cannot be stream-copied.
                raise RuntimeError(f"segment {task.key} has different H.264 parameter sets")
            tb = vs.time_base
            assert tb is not None
            for packet in seg.demux(vs):
                if packet.size == 0 or packet.pts is None or packet.dts is None:
                    continue
                pts = round(packet.pts * tb / frame_tb) + offset
                if decode > pts:
                    raise RuntimeError(f"segment {task.key}: decode time after presentation")
                packet.stream = stream
                packet.time_base = frame_tb
                packet.pts = pts
                packet.dts = decode
                packet.duration = 1
                yield decode * seconds_per_frame, 0, decode, packet
                decode += 1
        offset += task.count
        if decode != offset - delay:
            raise RuntimeError(f"segment {task.key} holds a different number of frames")


def _audio_packets(path: Path, stream: Any) -> Iterator[tuple[float, int, int, Any]]:
    import av

    with av.open(str(path)) as src:
        a = src.streams.audio[0]
        tb = a.time_base
        assert tb is not None
        seconds = float(tb)
        for packet in src.demux(a):
            if packet.size == 0 or packet.dts is None:
                continue
            packet.stream = stream
            yield packet.dts * seconds, 1, packet.dts, packet


def _subtitle_packets(timeline: Timeline, stream: Any) -> Iterator[tuple[float, int, int, Any]]:
    import av

    from screenplay.render.subtitles import movtext_samples

    frame_tb = Fraction(1) / timeline.fps
    for start, end, payload in movtext_samples(timeline):
        packet = av.Packet(payload)
        packet.stream = stream
        packet.time_base = frame_tb
        packet.pts = packet.dts = start
        packet.duration = end - start
        yield float(start * frame_tb), 2, start, packet


def _mux(
    timeline: Timeline, tasks: list[SegmentTask], audio_path: Path, tmp: Path, progress: Progress
) -> bool:
    """Join segments, audio, subtitles and chapters into ``tmp``; True if subtitles were muxed."""
    import av

    from screenplay.render.subtitles import MOVTEXT_HEADER, cues

    total = len(tasks)
    progress("mux", 0, total)
    with av.open(str(tmp), "w", format="mp4", options={"movflags": "faststart"}) as out:
        with av.open(tasks[0].path) as first, av.open(str(audio_path)) as aud:
            vstream = out.add_stream_from_template(first.streams.video[0])
            astream = out.add_stream_from_template(aud.streams.audio[0])
        sub_stream = None
        if cues(timeline):
            sub_stream = out.add_stream("mov_text")
            # FFmpeg's mov_text encoder builds the track's sample description
            # (default style and font table) from an ASS header; the samples
            # themselves are written by _subtitle_packets.
            sub_stream.codec_context.subtitle_header = MOVTEXT_HEADER
            sub_stream.time_base = Fraction(1, 1000)
            sub_stream.metadata["language"] = "eng"
        chapters = _chapters(timeline)
        if chapters:
            out.set_chapters(chapters)  # type: ignore[arg-type]
        if timeline.title:
            out.metadata["title"] = timeline.title
        for k, v in timeline.metadata.items():
            out.metadata[str(k)] = str(v)
        streams = [
            _video_packets(tasks, timeline.fps, vstream),
            _audio_packets(audio_path, astream),
        ]
        if sub_stream is not None:
            streams.append(_subtitle_packets(timeline, sub_stream))
        # Interleave by decode time so players and faststart get a well-ordered file.
        # (seconds, stream order, per-stream sequence) orders every packet
        # without comparing packets, and without a Python key function.
        merged = heapq.merge(*streams)
        muxed = 0
        for _, _, _, packet in merged:
            out.mux(packet)
            muxed += 1
        progress("mux", total, total)
    return sub_stream is not None


def _verify(path: Path, timeline: Timeline) -> None:
    """Refuse to publish a film whose streams are not what was asked for (reads the index only)."""
    import av

    with av.open(str(path)) as c:
        video = c.streams.video
        audio = c.streams.audio
        if not video or video[0].codec_context.name != "h264":
            raise RuntimeError("muxed film has no H.264 video stream")
        if not audio or audio[0].codec_context.name != "aac":
            raise RuntimeError("muxed film has no AAC audio stream")
        if video[0].frames != timeline.frames:
            raise RuntimeError(
                f"muxed film has {video[0].frames} video frames, expected {timeline.frames}"
            )


def probe(path: Path, *, count_frames: bool = True) -> dict[str, Any]:
    """ffprobe's view of a film (streams, format, chapters), for checks and tests.

    Uses the ``ffprobe`` command (Debian ``ffmpeg``); ``count_frames``
    decodes the video to count frames rather than trusting the index.
    """
    import json
    import shutil
    import subprocess

    exe = shutil.which("ffprobe")
    if exe is None:
        raise FileNotFoundError("ffprobe is not installed")
    cmd = [
        exe,
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_streams",
        "-show_format",
        "-show_chapters",
    ]
    if count_frames:
        cmd.append("-count_frames")
    result = subprocess.run([*cmd, str(path)], capture_output=True, text=True, check=True)
    data: dict[str, Any] = json.loads(result.stdout)
    return data
