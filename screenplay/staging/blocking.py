"""Where the characters of a scene stand, and the perspective of the stage.

Stage coordinates are fractions of the *wide* frame (the whole set as the
establishing shot shows it): ``x`` 0 (left) … 1 (right), ``y`` 0 (top) … 1
(bottom).  A figure is placed by the point between its feet on the floor.

Perspective: the camera stands at eye height, so the horizon is at
:data:`HORIZON` and a standing person's height on screen is proportional to
how far below the horizon their feet are (:func:`figure_height`).  The
procedural rooms put the foot of the back wall at ``y`` 0.70; a person there
is about two thirds of the wall's height, as in a 2.6 m room.

Blocking rule: the characters of a scene get slots from left to right in the
order they first appear *in the film* (so screen direction also holds from
scene to scene), spread over the floor with alternating depth so that nobody
hides anybody.  The slots are kept for the whole scene (the 180-degree rule
follows: the camera never crosses the line, so every shot shows each
character on the same side); ``[[place NAME left far]]`` overrides a slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Side = Literal["left", "center", "right"]

HORIZON = 0.35
#: Figure height (in frame heights) per unit of foot depth below the horizon.
PERSPECTIVE = 1.08
NEAR_Y, MID_Y, FAR_Y = 0.92, 0.87, 0.80

#: A person sitting on the floor is about this share of their standing height.
SEATED = 0.55

#: Figure proportions, in figure heights from the top of the head.
CHIN = 0.135
CHEST = 0.30
WAIST = 0.45
HALF_WIDTH = 0.14  # half the shoulder width


@dataclass(frozen=True)
class Mark:
    """Where a character stands in a scene."""

    name: str
    x: float
    y: float
    seated: bool = False

    @property
    def side(self) -> Side:
        return side_of(self.x)

    @property
    def height(self) -> float:
        return figure_height(self.y)

    @property
    def head_top(self) -> float:
        return self.y - self.height * (SEATED if self.seated else 1.0)


def figure_height(y: float) -> float:
    """Height on screen (fraction of the wide frame's height) of a person standing at ``y``."""
    return PERSPECTIVE * max(0.05, y - HORIZON)


def side_of(x: float) -> Side:
    return "left" if x < 0.43 else "right" if x > 0.57 else "center"


SIDE_X = {"left": 0.3, "center": 0.5, "centre": 0.5, "right": 0.7}
DEPTH_Y = {"near": NEAR_Y, "far": FAR_Y}


def slots(n: int) -> list[tuple[float, float]]:
    """Foot positions for ``n`` people, left to right."""
    if n <= 0:
        return []
    if n == 1:
        return [(0.5, MID_Y)]
    if n == 2:
        # conversation distance: close enough that a two-shot frames them head to hips
        return [(0.4, MID_Y + 0.01), (0.6, MID_Y - 0.01)]
    if n == 3:
        return [(0.24, MID_Y), (0.5, FAR_Y), (0.76, NEAR_Y - 0.02)]
    lo, hi = 0.16, 0.84
    return [(lo + (hi - lo) * i / (n - 1), (MID_Y, FAR_Y, NEAR_Y - 0.02)[i % 3]) for i in range(n)]


def block(
    characters: list[str],
    film_order: list[str],
    places: dict[str, tuple[str, str | None]] | None = None,
) -> dict[str, Mark]:
    """Marks for a scene's ``characters`` (``places``: ``[[place]]`` overrides)."""
    order = sorted(
        characters, key=lambda n: film_order.index(n) if n in film_order else len(film_order)
    )
    marks = {n: Mark(n, x, y) for n, (x, y) in zip(order, slots(len(order)), strict=True)}
    for name, (side, depth) in (places or {}).items():
        old = marks.get(name)
        x = SIDE_X.get(side, old.x if old else 0.5)
        y = DEPTH_Y[depth] if depth else (old.y if old else MID_Y)
        marks[name] = Mark(name, x, y)
    return marks
