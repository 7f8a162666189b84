"""Generation speed of the embedded dialogue model (SmolLM2-135M-Instruct), in tokens/s.

Run with ``python -m pytest tests/benchmarks/test_dialogue_bench.py --benchmark-enable``;
the figures are recorded in docs/dialogue.md.  With the default
``--benchmark-disable`` it runs once, as a test.  Loading (and the one-time
GGUF conversion) happens before timing; the model is memoised per process,
so this shares the load with the slow dialogue test when both run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from screenplay.backends.protocols import GenerationRequest

pytest.importorskip("torch")
pytest.importorskip("gguf")

PROMPT = """Title: The Empty Room

INT. EMPTY ROOM - DAY

A man enters the room. A woman sits by the window.

MAN
(looking out of the window)
It still hasn't begun.

WOMAN
"""
NEW_TOKENS = 48


@pytest.mark.slow
@pytest.mark.benchmark(group="dialogue")
def test_default_model_tokens_per_second(
    benchmark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screenplay.dialogue.model import TransformersModel, load_model

    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    t0 = time.perf_counter()
    model = load_model(None)
    load_s = time.perf_counter() - t0
    assert isinstance(model, TransformersModel)
    request = GenerationRequest(prompt=PROMPT, max_new_tokens=NEW_TOKENS, seed=0, temperature=0.8)
    done: list[int] = []
    elapsed: list[float] = []

    def run() -> str:
        before = model.tokens_generated
        t = time.perf_counter()
        text = model.generate(request)
        elapsed.append(time.perf_counter() - t)
        done.append(model.tokens_generated - before)
        return text

    text = benchmark.pedantic(run, rounds=3 if benchmark.enabled else 1, iterations=1)
    assert text.strip() and done[-1] > 0
    rate = done[-1] / elapsed[-1]
    benchmark.extra_info.update(
        tokens=done[-1], tokens_per_s=round(rate, 2), threads=model.threads, load_s=round(load_s, 1)
    )
    assert rate > 0.5  # a CPU can do far better; this only catches a broken setup
