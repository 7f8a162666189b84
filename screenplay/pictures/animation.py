"""Time-varying face state: when eyes blink and which mouth shape shows.

Blinks follow a deterministic schedule per seed: intervals of 3–6 s drawn
from the seed's own random stream (with an occasional quick double blink,
as people do), each blink about 150 ms — the lid closes fast (40 %) and
opens more slowly (60 %).  The schedule is generated lazily and memoised, so
asking for any ``t`` is cheap and the same ``(seed, t)`` always gives the
same openness.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from screenplay.backends.protocols import VISEMES, Timed

#: Bump when the blink schedule or viseme lookup changes (the renderer keys segments on it).
VERSION = 1
BLINK_SECONDS = 0.15
_CLOSE_PART = 0.4


class _Schedule:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, 0xB1_1C])
        self.starts: list[float] = [float(self.rng.uniform(0.4, 3.0))]

    def until(self, t: float) -> list[float]:
        while self.starts[-1] <= t:
            last = self.starts[-1]
            if self.rng.random() < 0.12:  # a double blink
                self.starts.append(last + float(self.rng.uniform(0.25, 0.4)))
            else:
                self.starts.append(last + float(self.rng.uniform(3.0, 6.0)))
        return self.starts


@lru_cache(maxsize=256)
def _schedule(seed: int) -> _Schedule:
    return _Schedule(seed)


def blink_starts(seed: int, until: float) -> list[float]:
    """Start times (seconds) of the blinks of ``seed`` up to ``until``."""
    return [s for s in _schedule(seed).until(until) if s <= until]


def eyes_at(seed: int, t: float) -> float:
    """Eye openness at ``t`` seconds: 1.0 open … 0.0 closed."""
    if t < 0:
        return 1.0
    starts = _schedule(seed).until(t)
    i = bisect.bisect_right(starts, t) - 1
    if i < 0:
        return 1.0
    u = (t - starts[i]) / BLINK_SECONDS
    if u >= 1.0:
        return 1.0
    if u < _CLOSE_PART:
        return 1.0 - u / _CLOSE_PART
    return (u - _CLOSE_PART) / (1.0 - _CLOSE_PART)


def viseme_at(visemes: Sequence[Timed], t: float) -> str:
    """The mouth shape at ``t``: the label of the interval containing ``t``, else ``"rest"``.

    ``visemes`` are sorted by start (as voices produce them); labels that are
    not one of :data:`~screenplay.backends.protocols.VISEMES` read as ``"rest"``.
    """
    if not visemes:
        return "rest"
    if isinstance(visemes, _Indexed):
        i = bisect.bisect_right(visemes.starts, t) - 1
        found = visemes[i] if i >= 0 and t < visemes[i].end else None
    else:  # unsorted input: a linear scan is still cheap for one line's visemes
        found = None
        for v in visemes:
            if v.start <= t < v.end and (found is None or v.start >= found.start):
                found = v
    if found is not None and found.label in VISEMES:
        return str(found.label)
    return "rest"


class _Indexed(tuple):  # type: ignore[type-arg]
    """A tuple of Timed with precomputed starts (see :func:`index_visemes`)."""

    starts: list[float]


def index_visemes(visemes: Sequence[Timed]) -> Sequence[Timed]:
    """Sort once and precompute starts, for calling :func:`viseme_at` every frame of a long line."""
    out = _Indexed(sorted(visemes, key=lambda v: v.start))
    out.starts = [v.start for v in out]
    return out
