"""Synthesis throughput per engine, in × realtime (seconds of speech per second of work).

Run with ``python -m pytest tests/benchmarks/test_voices_bench.py --benchmark-enable``;
the figures are recorded in docs/voices.md.  With the default
``--benchmark-disable`` each runs once, as a test.  The cache is off: this
measures the engines plus the shared processing (pitch, resampling, loudness).
"""

from __future__ import annotations

from typing import Any

import pytest

from screenplay.backends.protocols import AssetSpec, Delivery
from screenplay.cache import Cache
from screenplay.voices.backend import VoiceEngines

TEXT = (
    "It still hasn't begun. The room is empty, and the light is going. "
    "I thought you would come back before the evening, but the window stays dark."
)

SPECS = {
    "piper": AssetSpec("voice", "piper", {}),
    "flite": AssetSpec("voice", "flite", {"voice": "slt"}),
    "festival": AssetSpec("voice", "festival", {}),
    "espeak": AssetSpec("voice", "espeak", {"variant": "m3"}),
}


@pytest.mark.benchmark(group="voices")
@pytest.mark.parametrize("engine", list(SPECS))
def test_synthesis_throughput(benchmark: Any, engine: str) -> None:
    b = VoiceEngines()
    cache = Cache(enabled=False)
    spec = SPECS[engine]
    b.speak(spec, "Warm up.", Delivery(), cache)  # model load / first process start
    speech = benchmark(b.speak, spec, TEXT, Delivery(), cache)
    assert speech.duration > 4
    stats = getattr(benchmark, "stats", None)
    if stats is not None and stats.stats.mean:
        benchmark.extra_info["x_realtime"] = round(speech.duration / stats.stats.mean, 1)
        benchmark.extra_info["audio_seconds"] = round(speech.duration, 2)
