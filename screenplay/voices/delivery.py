"""From a line's parenthetical and cue extension to a :class:`Delivery`.

Screenwriters phrase parentheticals freely — "(whispering)", "(whispers)",
"(in a whisper)", "(softly, to herself)" — so matching is by word stems, not
exact strings, and several cues combine: "(quietly, slowly)" is both softer
and slower.  Cue extensions set the *placement*: ``V.O.`` stays close and
dry, ``O.S.``/``O.C.`` sounds from the next room; ``CONT'D`` changes nothing.

The numbers are deliberately moderate: the engines apply them on top of a
voice preset, and a parenthetical should colour a line, not make it a
different character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from screenplay.backends.protocols import Delivery


@dataclass(frozen=True)
class _Cue:
    stems: tuple[str, ...]
    volume_db: float = 0.0
    rate: float = 1.0
    pitch: float = 0.0
    whisper: bool = False
    shout: bool = False
    laugh: bool = False
    pause: float = 0.0


# Word stems (matched at the start of a word, lower case).  Order does not
# matter; every matching cue contributes.
_CUES: tuple[_Cue, ...] = (
    _Cue(
        ("whisper", "murmur", "breath", "hush", "under her breath", "under his breath"),
        volume_db=-9.0,
        rate=0.95,
        whisper=True,
    ),
    _Cue(
        ("quiet", "soft", "gentl", "low", "barely audible", "mutter", "mumbl", "sotto"),
        volume_db=-6.0,
        rate=0.95,
        pitch=-0.5,
    ),
    _Cue(
        (
            "shout",
            "yell",
            "scream",
            "holler",
            "bellow",
            "cries out",
            "cry out",
            "loud",
            "roar",
            "furious",
            "screech",
        ),
        volume_db=6.0,
        rate=1.05,
        pitch=2.5,
        shout=True,
    ),
    _Cue(
        ("angr", "anger", "fierce", "snap", "bark", "heated", "rage", "irritat"),
        volume_db=3.0,
        rate=1.08,
        pitch=1.5,
        shout=True,
    ),
    _Cue(
        ("laugh", "giggl", "chuckl", "amused", "grinning", "smiling", "snicker"),
        pitch=1.0,
        rate=1.03,
        laugh=True,
    ),
    _Cue(
        ("sad", "tearful", "crying", "sobb", "weep", "wistful", "tired", "weary"),
        volume_db=-2.0,
        rate=0.9,
        pitch=-1.0,
    ),
    _Cue(
        ("excit", "eager", "happy", "cheerful", "delight", "brightly"),
        volume_db=1.5,
        rate=1.08,
        pitch=1.5,
    ),
    _Cue(("slow", "deliberate", "drawl", "hesitant", "haltingly", "measured"), rate=0.8),
    _Cue(("quick", "fast", "rapid", "hurried", "rushed", "breathless"), rate=1.25),
    _Cue(("beat",), pause=0.6),
    _Cue(("pause", "paus", "silence", "a moment", "hesitat"), pause=1.0),
    _Cue(("long pause", "long silence", "long beat"), pause=2.0),
)

_PLACEMENTS: dict[str, str] = {
    "V.O.": "vo",
    "VO": "vo",
    "V/O": "vo",
    "VOICE OVER": "vo",
    "VOICE-OVER": "vo",
    "O.S.": "os",
    "OS": "os",
    "O.C.": "os",
    "OC": "os",
    "OFF": "os",
    "OFF SCREEN": "os",
    "OFF-SCREEN": "os",
}


def _matches(text: str, stem: str) -> bool:
    # A stem matches at a word start, so "low" hits "low voice" but not "slowly".
    return re.search(r"(?<![a-z])" + re.escape(stem), text) is not None


def placement_for(extension: str | None) -> str:
    """``"vo"``, ``"os"`` or ``"on"`` for a cue extension (``"V.O."``, ``"O.S., CONT'D"``)."""
    if not extension:
        return "on"
    parts = re.split(r"[,;]| AND ", extension.upper().strip("() "))
    for part in parts:
        key = part.strip()
        if key in _PLACEMENTS:
            return _PLACEMENTS[key]
        squeezed = key.replace(" ", "")
        if squeezed in _PLACEMENTS:
            return _PLACEMENTS[squeezed]
    return "on"


def delivery_for(
    parenthetical: str | None,
    extension: str | None = None,
    emphasis: tuple[str, ...] = (),
) -> Delivery:
    """The delivery a parenthetical, a cue extension and emphasis marks ask for.

    Unknown parentheticals ("(looking out of the window)") are stage business
    and change nothing.  Volume changes add; rates and pitches combine
    (a "(quick, angry)" line is both faster and higher).
    """
    d = Delivery(placement=placement_for(extension), emphasis=tuple(emphasis))
    if not parenthetical:
        return d
    text = " ".join(parenthetical.lower().strip().strip("()").split())
    volume, rate, pitch, pause = 0.0, 1.0, 0.0, 0.0
    whisper = shout = laugh = False
    # "long pause" subsumes "pause": take the longest pause asked for.
    for cue in _CUES:
        if not any(_matches(text, s) for s in cue.stems):
            continue
        volume += cue.volume_db
        rate *= cue.rate
        pitch += cue.pitch
        whisper |= cue.whisper
        shout |= cue.shout
        laugh |= cue.laugh
        pause = max(pause, cue.pause)
    if whisper and shout:
        # "(shouting in a whisper)": a stage whisper is loud breath, not a shout.
        shout = False
        volume = min(volume, 0.0)
    return replace(
        d,
        volume_db=round(volume, 3),
        rate=round(min(max(rate, 0.5), 2.0), 4),
        pitch_semitones=round(pitch, 3),
        whisper=whisper,
        shout=shout,
        laugh=laugh,
        pause_before=pause,
    )
