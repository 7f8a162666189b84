"""Musical keys: parse ``"D minor"``, ``"F# major"``, ``"Bbm"`` into a tonic and a scale.

Pure Python (no heavy imports) so :mod:`screenplay.music.schema` can validate
keys at check time with a "did you mean" hint.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

#: Semitone steps of each accepted mode above the tonic (all heptatonic, so
#: chords can be built by stacking scale thirds in every mode).
MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic minor": (0, 2, 3, 5, 7, 8, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
}
_ALIASES = {
    "": "major",
    "maj": "major",
    "ionian": "major",
    "m": "minor",
    "min": "minor",
    "aeolian": "minor",
    "natural minor": "minor",
    "harmonic": "harmonic minor",
}
_TONICS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_KEY_RE = re.compile(r"^\s*([A-Za-z])([#♯b♭]?)\s*(.*?)\s*$")


@dataclass(frozen=True)
class Key:
    """A tonic pitch class (0 = C) and the semitone steps of its mode."""

    tonic: int
    mode: str
    name: str

    @property
    def steps(self) -> tuple[int, ...]:
        return MODES[self.mode]

    def pitch(self, degree: int, octave: int = 4) -> int:
        """MIDI pitch of scale ``degree`` (0 = tonic; may be negative or ≥ 7) in ``octave``.

        Octave 4 puts the tonic between C4 (60) and B4.
        """
        octs, idx = divmod(degree, 7)
        return 12 * (octave + 1 + octs) + self.tonic + self.steps[idx]

    def pitch_classes(self) -> set[int]:
        return {(self.tonic + s) % 12 for s in self.steps}


class KeyParseError(ValueError):
    """A key that cannot be parsed; ``help`` suggests a correction."""

    def __init__(self, message: str, help: str) -> None:
        super().__init__(message)
        self.help = help


def parse_key(text: str) -> Key:
    """Parse a key name; raise :class:`KeyParseError` with a helpful hint if it is not one."""
    m = _KEY_RE.match(text or "")
    if not m:
        raise KeyParseError(
            f"{text!r} is not a musical key", 'write a key like "D minor" or "F# major"'
        )
    letter, accidental, mode_text = m.group(1), m.group(2), m.group(3).lower()
    mode_text = re.sub(r"\s+", " ", mode_text)
    mode = _ALIASES.get(mode_text, mode_text)
    # "Am" / "Bbm" written without a space
    if letter.upper() not in _TONICS:
        if letter.upper() == "H" and mode in MODES:
            # German note names call B "H"; the most common slip.
            help_text = f'the tonic must be A–G; did you mean "B{accidental} {mode}"?'
        else:
            help_text = "the tonic must be one of A B C D E F G, optionally with # or b"
        raise KeyParseError(f"{text!r} has no tonic {letter!r}", help_text)
    if mode not in MODES:
        close = difflib.get_close_matches(mode, [*MODES, *_ALIASES], n=1, cutoff=0.5)
        did = (
            f'; did you mean "{letter.upper()}{accidental} {_ALIASES.get(close[0], close[0])}"?'
            if close
            else ""
        )
        raise KeyParseError(
            f"{text!r} has an unknown mode {mode_text!r}",
            "modes are " + ", ".join(MODES) + did,
        )
    tonic = _TONICS[letter.upper()] + {"#": 1, "♯": 1, "b": -1, "♭": -1, "": 0}[accidental]
    return Key(tonic % 12, mode, f"{letter.upper()}{accidental} {mode}")
