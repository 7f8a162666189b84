"""What a scene heading says: inside or out, the place, the time of day.

``INT. EMPTY ROOM - DAY`` is read here and nowhere else: the parser gives every
:class:`~screenplay.syntax.ast.SceneHeading` its :class:`SceneInfo` once, and
resolve (which set), bind (the set's light) and the picture engines (room or
exterior, day or night) read that value.  A leaf module, so the engines'
protocol (:mod:`screenplay.backends.protocols`) can name :class:`SceneInfo`
without importing the front end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SceneInfo:
    """What a scene heading says about the place, for procedural sets."""

    interior: bool | None  # True INT., False EXT., None unknown/both
    location: str  # "EMPTY ROOM"
    time: str  # "DAY", "NIGHT", "DUSK", "DAWN", "" …


TIMES = (
    "DAY",
    "NIGHT",
    "DUSK",
    "DAWN",
    "MORNING",
    "EVENING",
    "AFTERNOON",
    "SUNSET",
    "SUNRISE",
    "CONTINUOUS",
    "LATER",
    "MOMENTS LATER",
    "SAME",
    "NOON",
    "MIDNIGHT",
    "TWILIGHT",
)

_PREFIX_RE = re.compile(
    r"^(INT\.?/EXT\.?|EXT\.?/INT\.?|I/E|E/I|INT\.?|EXT\.?|EST\.?)\s+", re.IGNORECASE
)


_SPACE_RUN = re.compile(r"\s+")


def _split_dashes(text: str) -> list[str]:
    """``re.split(r"\\s+[-–—]\\s+", text)`` in linear time (that regex retries every
    start inside a long run of spaces, which is quadratic)."""
    parts: list[str] = []
    last = 0
    for m in _SPACE_RUN.finditer(text):
        j = m.end()
        if m.start() < last or j + 1 >= len(text) or text[j] not in "-–—":
            continue
        after = _SPACE_RUN.match(text, j + 1)
        if after is None:
            continue
        parts.append(text[last : m.start()])
        last = after.end()
    parts.append(text[last:])
    return parts


def scene_info(heading: str) -> SceneInfo:
    """``INT. EMPTY ROOM - DAY`` → SceneInfo(interior=True, location="EMPTY ROOM", time="DAY").

    Also reads a ``set`` declaration's name (``set EXT. BEACH``), which names a
    place the same way a heading does.
    """
    text = heading.strip()
    interior: bool | None = None
    m = _PREFIX_RE.match(text)
    if m:
        p = m.group(1).upper().rstrip(".")
        interior = True if p == "INT" else False if p in ("EXT", "EST") else None
        text = text[m.end() :]
    time = ""
    parts = [p.strip() for p in _split_dashes(text)]
    if len(parts) > 1 and parts[-1].upper() in TIMES:
        time = parts[-1].upper()
        parts = parts[:-1]
    location = " - ".join(parts).strip().upper() or "SOMEWHERE"
    return SceneInfo(interior, location, time)
