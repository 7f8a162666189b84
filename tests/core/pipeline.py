"""The compiler core in-process: front end → fill → bind → timing, with a stub voice.

``StubVoice`` speaks deterministically without an engine: 0.1 s of lead-in
plus 0.3 s per word (scaled by the delivery's rate), silent audio, one word
and one viseme interval per word.  So timings in goldens change only when the
compiler's rules change, never with an engine, a model or a machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends import registry
from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, Delivery, Speech, Timed
from screenplay.beats import Bound
from screenplay.cache import Cache
from screenplay.diagnostics import Diagnostics
from screenplay.film import Film
from screenplay.passes.bind import collect, synthesize
from screenplay.passes.fill import fill
from screenplay.passes.timing import plan
from screenplay.timeline import Timeline
from tests.core.helpers import front

WORD_S = 0.3
LEAD_S = 0.1


class StubVoice:
    """A VoiceBackend of deterministic lengths (see the module docstring)."""

    def __init__(self) -> None:
        self.spoken: list[str] = []

    def speak(self, spec: AssetSpec, text: str, delivery: Delivery, cache: Cache) -> Speech:
        self.spoken.append(text)
        words = re.findall(r"[\w']+", text)
        per = WORD_S / max(0.25, float(delivery.rate))
        timed, visemes, t = [], [], LEAD_S
        for w in words:
            timed.append(Timed(round(t, 5), round(t + per, 5), w))
            visemes.append(Timed(round(t, 5), round(t + per * 0.6, 5), "a"))
            t += per
        n = int(round((t + LEAD_S) * PROJECT_RATE))
        return Speech(np.zeros(n, np.float32), timed, visemes)


@contextmanager
def stub_voices() -> Iterator[StubVoice]:
    """Every voice constructor resolves to one :class:`StubVoice` while this is active."""
    stub = StubVoice()
    real = registry.backend_for

    def backend_for(ctor: Any) -> Any:
        return stub if ctor.kind == "voice" else real(ctor)

    registry.backend_for = backend_for
    try:
        yield stub
    finally:
        registry.backend_for = real


@dataclass
class Compiled:
    film: Film
    diags: Diagnostics
    bound: Bound | None = None
    timeline: Timeline | None = None


def compile_film(text: str, path: Path | None = None, cache: Cache | None = None) -> Compiled:
    """Run every pass up to the Timeline IR (no pictures, no music, no render)."""
    film, diags = front(text, path)
    out = Compiled(film, diags)
    if diags.has_errors:
        return out
    film = fill(film, diags, locked=True, save_lock=False).film
    out.film = film
    if diags.has_errors:
        return out
    out.bound = collect(film, diags)
    with stub_voices():
        synthesize(out.bound, cache or Cache(enabled=False), diags, jobs=1)
    if diags.has_errors:
        return out
    out.timeline = plan(film, out.bound, diags)
    return out
