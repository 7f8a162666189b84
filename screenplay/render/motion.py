"""Animation timing for the renderer: which mouth shape and how open the eyes are.

The pictures package owns the rules (:func:`screenplay.pictures.animation.viseme_at`
and :func:`~screenplay.pictures.animation.eyes_at`: the one blink schedule), so
its previews and the film agree.  :func:`animation` hands them to the
compositor together with an identity string that goes into segment cache
keys (a new animation version re-renders the shots it changes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from screenplay.backends.protocols import Timed

VisemeAt = Callable[[Sequence[Timed], float], str]
EyesAt = Callable[[int, float], float]


def animation() -> tuple[VisemeAt, EyesAt, str]:
    """``(viseme_at, eyes_at, identity)`` of :mod:`screenplay.pictures.animation`."""
    from screenplay.pictures import animation as pa

    return pa.viseme_at, pa.eyes_at, f"screenplay.pictures.animation:{pa.VERSION}"
