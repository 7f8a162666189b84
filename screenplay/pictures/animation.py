"""Time-varying face state: when eyes blink and which mouth shape shows.

Blinks follow a deterministic schedule per seed: intervals of 3–6 s drawn
from the seed's own random stream (with an occasional quick double blink,
as people do), each blink about 150 ms — the lid closes fast (40 %) and
opens more slowly (60 %).  The schedule is generated lazily and memoised, so
asking for any ``t`` is cheap and the same ``(seed, t)`` always gives the
same openness.

Mouth shapes are *co-articulated*: real lips never jump from one shape to
the next between two frames, they are already moving toward the next sound
while finishing this one.  :func:`viseme_at` therefore weighs every viseme
interval by its overlap with a triangular window of :data:`COARTICULATION`
seconds on either side of ``t`` (about two frames at 24 fps) and returns a
*mouth token*: a plain viseme label (``"a"``) when one shape dominates, or a
blend such as ``"a:0.75,o:0.25"`` with weights in quarters, so a shot has a
few dozen distinct mouths at most (each is drawn once and reused).
:func:`mouth_weights` reads a token back; faces mix their per-viseme
geometry with those weights.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from screenplay.backends.protocols import VISEMES, Timed

#: Bump when the blink schedule or viseme lookup changes (the renderer keys segments on it).
VERSION = 2
#: Half-width (seconds) of the co-articulation window around each frame.
COARTICULATION = 0.055
#: The mouth leads the voice: animators set a shape about a frame before its
#: sound, because lips form a sound before it is heard (and a frame shows the
#: mouth for the whole frame's duration, not only its first instant).
ANTICIPATION = 0.03
#: Blend weights are rounded to multiples of this.
_QUANTUM = 0.25
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


def _label(v: Timed) -> str:
    return str(v.label) if v.label in VISEMES else "rest"


def _hard_at(visemes: Sequence[Timed], t: float) -> str:
    """The label of the interval containing ``t`` (no blending), else ``"rest"``."""
    if isinstance(visemes, _Indexed):
        i = bisect.bisect_right(visemes.starts, t) - 1
        found = visemes[i] if i >= 0 and t < visemes[i].end else None
    else:  # unsorted input: a linear scan is still cheap for one line's visemes
        found = None
        for v in visemes:
            if v.start <= t < v.end and (found is None or v.start >= found.start):
                found = v
    return "rest" if found is None else _label(found)


def _tri_cdf(x: float) -> float:
    """Integral of the unit triangle kernel on [-1, 1] from -1 to ``x``."""
    x = min(1.0, max(-1.0, x))
    return 0.5 * (1 + x) ** 2 if x < 0 else 1.0 - 0.5 * (1 - x) ** 2


def viseme_at(visemes: Sequence[Timed], t: float) -> str:
    """The mouth token at ``t`` (see module docstring): co-articulated over ~2 frames.

    ``visemes`` are sorted by start (as voices produce them); labels that are
    not one of :data:`~screenplay.backends.protocols.VISEMES` read as ``"rest"``,
    and so do the gaps between intervals.
    """
    if not visemes:
        return "rest"
    w = COARTICULATION
    t = t + ANTICIPATION
    weights: dict[str, float] = {}
    covered = 0.0
    if isinstance(visemes, _Indexed):
        lo = max(0, bisect.bisect_right(visemes.starts, t - w) - 1)
        hi = bisect.bisect_right(visemes.starts, t + w)
        near: Sequence[Timed] = visemes[lo:hi]
    else:
        near = [v for v in visemes if v.end > t - w and v.start < t + w]
    for v in near:
        part = _tri_cdf((v.end - t) / w) - _tri_cdf((v.start - t) / w)
        if part > 1e-6:
            weights[_label(v)] = weights.get(_label(v), 0.0) + part
            covered += part
    if covered < 1.0:
        weights["rest"] = weights.get("rest", 0.0) + (1.0 - covered)
    return _token(weights, _hard_at(visemes, t))


def _token(weights: dict[str, float], hard: str) -> str:
    """Quantise ``weights`` to quarters (summing to one) and spell them as a token."""
    total = sum(weights.values()) or 1.0
    steps = round(1 / _QUANTUM)
    raw = {k: v / total * steps for k, v in weights.items()}
    q = {k: int(v) for k, v in raw.items()}
    # largest remainders get the leftover quarters, so the weights still sum to one
    order = sorted(raw, key=lambda k: (round(q[k] - raw[k], 6), VISEMES.index(k)))  # ties: fixed
    for k in order[: steps - sum(q.values())]:
        q[k] += 1
    q = {k: n for k, n in q.items() if n}
    if len(q) == 1:
        return next(iter(q))
    if not q:
        return hard
    parts = sorted(q.items(), key=lambda kv: (-kv[1], VISEMES.index(kv[0])))
    return ",".join(f"{k}:{n * _QUANTUM:.2f}" for k, n in parts)


def mouth_weights(token: str) -> dict[str, float]:
    """The viseme weights of a mouth token (``"a"`` → ``{"a": 1.0}``); unknown → rest."""
    if ":" not in token:
        return {token if token in VISEMES else "rest": 1.0}
    out: dict[str, float] = {}
    for part in token.split(","):
        name, _, value = part.partition(":")
        try:
            weight = float(value)
        except ValueError:
            continue
        key = name if name in VISEMES else "rest"
        out[key] = out.get(key, 0.0) + max(0.0, weight)
    total = sum(out.values())
    return {k: v / total for k, v in out.items()} if total > 0 else {"rest": 1.0}


def dominant(token: str) -> str:
    """The viseme with the largest weight in ``token``."""
    weights = mouth_weights(token)
    return max(weights, key=lambda k: weights[k])


class _Indexed(tuple):  # type: ignore[type-arg]
    """A tuple of Timed with precomputed starts (see :func:`index_visemes`)."""

    starts: list[float]


def index_visemes(visemes: Sequence[Timed]) -> Sequence[Timed]:
    """Sort once and precompute starts, for calling :func:`viseme_at` every frame of a long line."""
    out = _Indexed(sorted(visemes, key=lambda v: v.start))
    out.starts = [v.start for v in out]
    return out
