"""Music benchmarks: a 3-minute cue rendered from scratch, and a 3-minute film mixed.

Run with ``python -m pytest tests/benchmarks/test_music_bench.py --benchmark-enable``;
by default (``--benchmark-disable``) each runs once as a test.  Speeds are
reported as × realtime in ``extra_info`` (numbers recorded in docs/music.md).
"""

from __future__ import annotations

import resource
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from screenplay.backends.protocols import PROJECT_RATE as R
from screenplay.backends.protocols import AssetSpec
from screenplay.cache import Cache
from screenplay.music.engine import backend
from screenplay.music.loudness import true_peak_db
from screenplay.music.mixer import mix
from screenplay.syntax.source import Span
from screenplay.timeline import AudioClip, CardPicture, MusicClip, Shot, Timeline

MINUTES = 3
SECONDS = 60 * MINUTES
SPAN = Span("bench.film", 1, 1, 1, 2)


def _cpu() -> float:
    """CPU seconds of this process and its children (fluidsynth, sox): robust on a busy machine."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@pytest.mark.slow
def test_bench_render_3_minute_cue(
    benchmark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The Empty Room's theme (slow drone) for 3 minutes, nothing cached."""
    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path))
    spec = AssetSpec("music", "drone", {"key": "D minor", "tempo": 0.5, "seed": 1})
    timings: list[tuple[float, float]] = []
    backend().render(spec, 1.0, Cache(tmp_path, enabled=False))  # imports, SoundFont hash

    def render() -> np.ndarray:
        t0, c0 = time.perf_counter(), _cpu()
        out = backend().render(spec, float(SECONDS), Cache(tmp_path, enabled=False))
        timings.append((time.perf_counter() - t0, _cpu() - c0))
        return out

    audio = benchmark.pedantic(render, rounds=1, iterations=1)
    assert audio.shape == (SECONDS * R, 2)
    benchmark.extra_info["x_realtime_wall"] = round(SECONDS / min(t for t, _ in timings), 1)
    benchmark.extra_info["x_realtime_cpu"] = round(SECONDS / min(c for _, c in timings), 1)


def _film() -> tuple[Timeline, dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(0)
    lines: dict[str, np.ndarray] = {}
    clips = []
    t = 2.0
    i = 0
    while t < SECONDS - 6:
        n = int(rng.uniform(1.5, 4.0) * R)
        x = (rng.standard_normal(n) * 0.05 * np.abs(np.sin(np.arange(n) * np.pi * 4 / R))).astype(
            np.float32
        )
        lines[f"l{i}"] = x
        bus = "narration" if i % 5 == 0 else "dialogue"
        clips.append(AudioClip(bus, int(t * R), n, f"l{i}", SPAN, pan=(-0.3 if i % 2 else 0.3)))  # type: ignore[arg-type]
        t += n / R + rng.uniform(1.0, 3.0)
        i += 1
    cue = rng.standard_normal((SECONDS * R, 2)).astype(np.float32) * 0.05
    frames = SECONDS * 24
    music = (
        MusicClip(
            "BED", AssetSpec("music", "drone", {}), 0, SECONDS * R, SPAN, fade_in=2, fade_out=4
        ),
    )
    tl = Timeline(
        Fraction(24),
        128,
        72,
        frames,
        (Shot("s", 0, frames, CardPicture("black"), SPAN),),
        tuple(clips),
        music,
    )
    return tl, lines, cue


@pytest.mark.slow
def test_bench_mix_3_minute_film(benchmark) -> None:  # type: ignore[no-untyped-def]
    tl, lines, cue = _film()
    timings: list[tuple[float, float]] = []
    mix(tl, lines.__getitem__, lambda c: cue[:10])  # imports (scipy, pyloudnorm)

    def run():  # type: ignore[no-untyped-def]
        t0, c0 = time.perf_counter(), _cpu()
        out = mix(tl, lines.__getitem__, lambda c: cue)
        timings.append((time.perf_counter() - t0, _cpu() - c0))
        return out

    result = benchmark.pedantic(run, rounds=1, iterations=1)
    assert abs(result.lufs + 16) < 0.2 and true_peak_db(result.audio) <= -0.95
    benchmark.extra_info["x_realtime_wall"] = round(SECONDS / min(t for t, _ in timings), 1)
    benchmark.extra_info["x_realtime_cpu"] = round(SECONDS / min(c for _, c in timings), 1)
