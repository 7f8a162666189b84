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

Heads move a little with the voice: at each emphasis — the first vowel of a
phrase (after a pause) and every long open vowel — the head dips in a small
nod (down in 120 ms, back in 280 ms), leaning slightly to a side that
alternates from one emphasis to the next, as speakers do.  The nod is part
of the token as a suffix (``"a|n2"``: level 2 of :data:`NOD_LEVELS`, leaning
right; ``"a|n-1"``: level 1 leaning left), quantised to a few levels so it
adds few distinct frames; :func:`head_pose` reads it back and
:func:`apply_pose` moves a face frame by whole pixels (a few at film size),
the same for photos and portraits.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from screenplay.backends.protocols import VISEMES, Timed

#: Bump when the blink schedule or viseme lookup changes (the renderer keys segments on it).
VERSION = 3
#: Half-width (seconds) of the co-articulation window around each frame.
COARTICULATION = 0.055
#: The mouth leads the voice: animators set a shape about a frame before its
#: sound, because lips form a sound before it is heard (and a frame shows the
#: mouth for the whole frame's duration, not only its first instant).
ANTICIPATION = 0.03
#: Nod depth and sideways lean at full nod, as fractions of the face frame's size.
NOD_DEPTH, NOD_SWAY, NOD_LEVELS = 0.0062, 0.004, 2
_NOD_DOWN, _NOD_UP = 0.12, 0.28
#: A pause at least this long starts a new phrase; vowels at least this long are stressed.
_PHRASE_GAP, _LONG_VOWEL = 0.15, 0.12
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
    token = _token(weights, _hard_at(visemes, t))
    nod = _nod_level(visemes, t - ANTICIPATION)
    return f"{token}|n{nod}" if nod else token


def emphases(visemes: Sequence[Timed]) -> list[float]:
    """Start times of emphasised vowels: a phrase's first vowel and every long open vowel."""
    found = getattr(visemes, "emphases", None)
    if found is not None:
        return list(found)
    out: list[float] = []
    prev_end = -1e9
    new_phrase = False
    for v in sorted(visemes, key=lambda v: v.start):
        label = _label(v)
        if label == "rest":
            continue
        if v.start - prev_end >= _PHRASE_GAP:
            new_phrase = True
        prev_end = v.end
        if label not in ("a", "e", "o"):
            continue
        long_open = label in ("a", "o") and v.end - v.start >= _LONG_VOWEL
        if (new_phrase or long_open) and (not out or v.start - out[-1] > 0.35):
            out.append(v.start)
        new_phrase = False
    return out


def _nod_level(visemes: Sequence[Timed], t: float) -> int:
    marks = emphases(visemes)
    i = bisect.bisect_right(marks, t) - 1
    if i < 0:
        return 0
    dt = t - marks[i]
    if dt < _NOD_DOWN:
        amount = dt / _NOD_DOWN
    elif dt < _NOD_DOWN + _NOD_UP:
        amount = 1.0 - (dt - _NOD_DOWN) / _NOD_UP
    else:
        return 0
    level = int(round(amount * NOD_LEVELS))
    return level if i % 2 == 0 else -level


def head_pose(token: str) -> int:
    """The signed nod level of a mouth token (0: head at rest)."""
    _, _, pose = token.partition("|")
    if pose.startswith("n"):
        try:
            return max(-NOD_LEVELS, min(NOD_LEVELS, int(pose[1:])))
        except ValueError:
            return 0
    return 0


def mouth_of(token: str) -> str:
    """The mouth part of a token (without the head pose)."""
    return token.partition("|")[0]


def pose_offset(level: int, width: int, height: int) -> tuple[int, int]:
    """Whole-pixel (dx, dy) of a face frame for nod ``level``: a dip, leaning to one side.

    Whole pixels, because resampling a face by a fraction of a pixel softens
    it (a test reads lips with MediaPipe; so does the audience's eye).
    """
    k = abs(level) / NOD_LEVELS
    dy = round(NOD_DEPTH * height * k)
    dx = round(NOD_SWAY * width * k) * (1 if level > 0 else -1)
    return dx, dy


def apply_pose(img: np.ndarray, token: str) -> np.ndarray:
    """``img`` (a face frame) moved by the head pose of ``token`` (unchanged at rest).

    The frame's edges are repeated into the uncovered strip, so a body cut by
    the bottom edge stays cut there and a transparent backdrop stays clear.
    """
    level = head_pose(token)
    if level == 0:
        return img
    h, w = img.shape[:2]
    dx, dy = pose_offset(level, w, h)
    if dx == 0 and dy == 0:
        return img
    ys = np.clip(np.arange(h) - dy, 0, h - 1)
    xs = np.clip(np.arange(w) - dx, 0, w - 1)
    return np.ascontiguousarray(img[ys][:, xs])


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
    token = mouth_of(token)
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
    """A tuple of Timed with precomputed starts and emphases (see :func:`index_visemes`)."""

    starts: list[float]
    emphases: list[float]


def index_visemes(visemes: Sequence[Timed]) -> Sequence[Timed]:
    """Sort once and precompute starts, for calling :func:`viseme_at` every frame of a long line."""
    out = _Indexed(sorted(visemes, key=lambda v: v.start))
    out.starts = [v.start for v in out]
    out.emphases = emphases(tuple(out))
    return out
