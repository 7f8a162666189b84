"""Animation timing: which mouth shape and how open the eyes are at a given time.

The pictures package publishes the canonical functions
(``screenplay.pictures.animation.viseme_at`` and ``eyes_at``) so that its
previews and the film agree; :func:`animation` returns those when the package
provides them and this module's own implementation otherwise, together with
an identity string that goes into segment cache keys (switching
implementation re-renders the shots it changes).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from functools import lru_cache

from screenplay.backends.protocols import Timed

#: Blink shape in seconds: lids close, stay shut, reopen.
_CLOSE, _SHUT, _OPEN = 0.07, 0.04, 0.09


def viseme_at(visemes: Sequence[Timed], t: float) -> str:
    """The viseme covering time ``t`` (seconds), ``"rest"`` between and outside them."""
    starts = [v.start for v in visemes]
    i = bisect.bisect_right(starts, t) - 1
    if i >= 0 and visemes[i].start <= t < visemes[i].end:
        return visemes[i].label
    return "rest"


@lru_cache(maxsize=64)
def _blink_times(seed: int) -> tuple[float, ...]:
    import numpy as np

    rng = np.random.default_rng([seed, 0xB11C])
    # People blink every 2–6 s; the first blink comes after at least 0.6 s so
    # that a short line does not open with closed eyes.
    gaps = rng.uniform(2.0, 6.0, size=1200)
    times = np.cumsum(gaps) - gaps[0] + rng.uniform(0.6, 3.0)
    return tuple(float(x) for x in times)


def eyes_at(seed: int, t: float) -> float:
    """Eye openness at ``t`` seconds for blink pattern ``seed``: 1 open … 0 closed."""
    times = _blink_times(seed)
    i = bisect.bisect_right(times, t) - 1
    if i < 0:
        return 1.0
    dt = t - times[i]
    if dt < _CLOSE:
        return 1.0 - dt / _CLOSE
    if dt < _CLOSE + _SHUT:
        return 0.0
    if dt < _CLOSE + _SHUT + _OPEN:
        return (dt - _CLOSE - _SHUT) / _OPEN
    return 1.0


VisemeAt = Callable[[Sequence[Timed], float], str]
EyesAt = Callable[[int, float], float]


def animation() -> tuple[VisemeAt, EyesAt, str]:
    """``(viseme_at, eyes_at, identity)``: the pictures package's when it has them."""
    try:
        from screenplay.pictures import animation as pa

        v, e = pa.viseme_at, pa.eyes_at
    except (ImportError, AttributeError):
        return viseme_at, eyes_at, "screenplay.render.motion:1"
    return v, e, f"screenplay.pictures.animation:{getattr(pa, 'VERSION', 0)}"
