"""Beats: the middle IR between the bind pass and timing.

The bind pass walks the resolved script into :class:`Beat` s in script order —
what happens on screen and on the soundtrack — each line with its voice,
delivery and, once synthesized, its :class:`SpeechRef` (the length of the audio
decides the timing).  Staging and timing read them; nothing else writes them.

``SpeechRef`` is frozen.  ``Line`` and ``Beat`` are filled in two steps (the
beats are collected, then every line's speech is synthesized in parallel and
attached), so they stay mutable until the bind pass returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from screenplay.backends.protocols import AssetSpec, Delivery, Timed
from screenplay.film import CastMember, Film, SetDecl
from screenplay.syntax.emphasis import StyledRun
from screenplay.syntax.source import Span


@dataclass(frozen=True)
class SpeechRef:
    """A synthesized line in the voices cache: its key, length and timings."""

    key: str
    samples: int
    visemes: tuple[Timed, ...]
    words: tuple[Timed, ...]


@dataclass
class Line:
    """One spoken (or sung) line."""

    speaker: str
    voice: AssetSpec
    text: str  # as written (emphasis markup kept)
    runs: tuple[StyledRun, ...]
    delivery: Delivery
    span: Span
    face: AssetSpec | None = None  # None: off screen (V.O./O.S., narrator)
    lyric: bool = False
    speech: SpeechRef | None = None
    #: For lyrics: the musical key of the cue playing under them (chanted on its note).
    chant_key: str | None = None


@dataclass
class Beat:
    """Something that happens in the film, in script order.

    ``kind`` is one of: title, scene, action, line, dual, card, transition,
    hold, music, camera, chapter.
    """

    kind: str
    span: Span
    lines: list[Line] = field(default_factory=list)
    text: str = ""
    set: SetDecl | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Bound:
    film: Film
    beats: list[Beat]
    narrator: CastMember | None


__all__ = ["Beat", "Bound", "Line", "SpeechRef"]
