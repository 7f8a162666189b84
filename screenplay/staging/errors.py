"""Diagnostic codes of staging and shot planning (range SP0900–SP0919).

Merged into the registry by :mod:`screenplay.diagnostics.codes`.
"""

from __future__ import annotations

UNKNOWN_CHARACTER = "SP0900"
NEEDS_TWO = "SP0901"
NOT_IN_SCENE = "SP0902"
ENTRANCE_MISMATCH = "SP0903"
NOTHING_TO_FRAME = "SP0904"

CODES: dict[str, tuple[str, str]] = {
    UNKNOWN_CHARACTER: (
        "unknown character in a staging directive",
        "`[[shot close NAME]]`, `[[shot ots NAME]]`, `[[enter NAME]]`, `[[exit NAME]]` and "
        "`[[place NAME …]]` name a character of the film: one who speaks, or one declared "
        "with `cast NAME`. Check the spelling (the hint suggests the nearest name), or "
        "declare the character.",
    ),
    NEEDS_TWO: (
        "this framing needs more people than the scene has",
        "`two`, `ots` (over the shoulder) and `group` frame two or more characters, but "
        "only one (or nobody) is present at this point of the scene. The planner uses the "
        "nearest framing that works (`single` for one person, `wide` for an empty set) "
        "and says which. Bring someone in with `[[enter NAME]]` or an action line, or "
        "choose another framing.",
    ),
    NOT_IN_SCENE: (
        "the character is not in the scene here",
        "A `[[shot … NAME]]` frames a character who is not present at this point of the "
        "scene (they have not entered yet, or they have left). The planner frames the "
        "speaker instead. Add `[[enter NAME]]` before the shot, or frame someone present.",
    ),
    ENTRANCE_MISMATCH: (
        "entrance or exit that changes nothing",
        "`[[enter NAME]]` for a character already in the scene, or `[[exit NAME]]` for one "
        "who is not, has no effect. Remove it, or move it to where the character really "
        "comes or goes.",
    ),
    NOTHING_TO_FRAME: (
        "a shot directive with no beat to frame",
        "`[[shot …]]` frames the next action, line or dual dialogue of the same scene; "
        "this one is followed by a scene heading or the end of the film, so it is "
        "ignored. Move it just above the line it should frame.",
    ),
}
