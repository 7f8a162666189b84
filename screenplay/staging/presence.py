"""Who is in the scene at each beat.

A character is *present* in a scene when they speak on screen in it (not
V.O./O.S.), are named in one of its action lines, or are brought in with
``[[enter NAME]]``.  When the first thing the scene says about a character is
that they arrive (an action sentence naming them with an entrance verb —
"A man enters the room", "ANNA walks in" — or ``[[enter NAME]]``), they are
absent until that beat and walk in during it; the same holds for someone
first heard off screen (O.S.): they walk in when the script next names them
or they speak on screen.  Otherwise they are there from the scene's first
frame.  A sentence naming them with a leaving verb ("MAN
leaves", "she is gone" does not name anyone), or ``[[exit NAME]]``, makes them
walk out during that beat and be gone after it.

Names in action lines are matched as written in caps (``MAN``, ``ANNA``), in
title case for names that are not common words (``Anna``), or as a noun after
an article ("a man", "the woman") — the way a screenplay introduces people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Beats that put a picture on screen (the others are directives and structure).
VISUAL = ("action", "line", "dual")

ENTER_VERBS = re.compile(
    r"\b(enters?|entering|comes? in(?:to)?|came in|walks? in(?:to)?|steps? in(?:to)?|"
    r"arrives?|appears?|comes? back|returns?|rounds? the corner|comes? (?:around|round)|"
    r"(?:hurries|hurry|rushes|rush|runs?|bursts?|slips?|wanders?|strides?) in(?:to)?)\b",
    re.IGNORECASE,
)
LEAVE_VERBS = re.compile(
    r"\b(leaves?|leaving|exits?|goes out|went out|walks? out|steps? out|is gone|"
    r"disappears?|vanish(?:es)?)\b",
    re.IGNORECASE,
)
SIT_VERBS = re.compile(
    r"\b(sits?|sitting|sat|seated|kneels?|kneeling|crouch(?:es)?|lies|lying)\b", re.IGNORECASE
)
STAND_VERBS = re.compile(
    r"\b(stands?|standing|stood|gets? up|got up|rises?|rose|gets? to (?:his|her|their) feet)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
#: Title-case forms of these names are ordinary words at the start of a sentence.
_COMMON = {"MAN", "WOMAN", "BOY", "GIRL", "OLD", "THE", "A", "VOICE", "DOCTOR", "NURSE"}


@dataclass
class Presence:
    """Presence at one visual beat: who is there, who walks in, who walks out."""

    present: tuple[str, ...]  # in the scene during the beat (entering and leaving included)
    entering: tuple[str, ...] = ()
    leaving: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()  # named in the beat's action text
    seated: tuple[str, ...] = ()  # sitting (on the floor, a chair) during the beat


@dataclass
class ScenePresence:
    """One scene: its characters in order of first appearance, and each visual beat."""

    start: int  # index of the scene beat (or 0 before any heading)
    characters: list[str] = field(default_factory=list)
    beats: dict[int, Presence] = field(default_factory=dict)


def mention_pattern(name: str) -> re.Pattern[str]:
    """How a character's name shows in an action line."""
    words = re.escape(name)
    forms = [rf"\b{words}\b"]
    title = re.escape(name.title())
    if name.upper() not in _COMMON and len(name) > 2:
        forms.append(rf"\b{title}\b")
    forms.append(rf"\b(?i:a|an|the)\s+(?i:{words})\b")
    return re.compile("|".join(forms))


def poses(text: str, names: list[str]) -> dict[str, str]:
    """``name → "sit"|"stand"`` for people a sentence of ``text`` names with such a verb."""
    pats = {n: mention_pattern(n) for n in names}
    out: dict[str, str] = {}
    for sentence in _SENTENCE.split(text):
        sit, stand = SIT_VERBS.search(sentence), STAND_VERBS.search(sentence)
        if not (sit or stand):
            continue
        pose = "sit" if sit and (not stand or sit.start() < stand.start()) else "stand"
        for n, p in pats.items():
            if p.search(sentence):
                out[n] = pose
    return out


def mentions(text: str, names: list[str]) -> list[tuple[str, str]]:
    """``(name, event)`` per name found in ``text``, event ``enter``/``leave``/``""``."""
    pats = {n: mention_pattern(n) for n in names}
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for sentence in _SENTENCE.split(text):
        found = [n for n, p in pats.items() if p.search(sentence)]
        event = (
            "enter"
            if ENTER_VERBS.search(sentence)
            else "leave"
            if LEAVE_VERBS.search(sentence)
            else ""
        )
        for n in found:
            if event or n not in seen:
                out.append((n, event))
                seen.add(n)
    return out


def scene_presence(beats: list[Any], visible: set[str]) -> list[ScenePresence]:
    """Presence for every scene of ``beats`` (bind's beats), for the ``visible`` characters.

    ``visible`` are the characters that can be seen (they have a face).
    """
    scenes: list[ScenePresence] = [ScenePresence(0)]
    spans: list[list[int]] = [[]]
    for i, b in enumerate(beats):
        if b.kind == "scene":
            scenes.append(ScenePresence(i))
            spans.append([])
        else:
            spans[-1].append(i)
    names = sorted(visible)
    for scene, idxs in zip(scenes, spans, strict=True):
        # events[i] = [(name, "enter"|"leave"|"")]
        events: dict[int, list[tuple[str, str]]] = {}
        pending: list[tuple[str, str]] = []
        for i in idxs:
            b = beats[i]
            if b.kind in ("enter", "exit"):
                who = str(b.args.get("who", "")).upper()
                if who in visible:
                    # A directive exit is "leave!": it alone does not put anyone in the scene.
                    pending.append((who, "enter" if b.kind == "enter" else "leave!"))
                continue
            if b.kind not in VISUAL:
                continue
            ev: list[tuple[str, str]] = list(pending)
            pending = []
            if b.kind == "action":
                ev += mentions(b.text, names)
            for ln in b.lines:
                if ln.speaker in visible:
                    ev.append((ln.speaker, "speak" if ln.face is not None else "offscreen"))
            events[i] = ev
        # Who is there from the first frame: anyone whose first event is not an entrance.
        first: dict[str, str] = {}
        for i in sorted(events):
            for n, e in events[i]:
                first.setdefault(n, e)
                if n not in scene.characters:
                    scene.characters.append(n)
        present = [n for n in scene.characters if first[n] not in ("enter", "leave!", "offscreen")]
        # Poses: an action line that sits someone down keeps them seated until one
        # stands them up; everybody else stands.
        seated: set[str] = set()
        for i in sorted(events):
            entering = [n for n, e in events[i] if e == "enter" and n not in present]
            for n in entering:
                present.append(n)
            if beats[i].kind == "action":
                for n, pose in poses(beats[i].text, scene.characters).items():
                    (seated.add if pose == "sit" else seated.discard)(n)
            leaving = [n for n, e in events[i] if e in ("leave", "leave!") and n in present]
            # Someone not here (heard off screen, or gone) who is named or speaks on
            # screen comes in now.
            for n, e in events[i]:
                if e in ("speak", "") and n not in present:
                    present.append(n)
                    entering.append(n)
            mentioned = tuple(
                dict.fromkeys(n for n, e in events[i] if e not in ("speak", "offscreen"))
            )
            scene.beats[i] = Presence(
                tuple(present),
                tuple(entering),
                tuple(leaving),
                mentioned,
                tuple(n for n in present if n in seated),
            )
            for n in leaving:
                present.remove(n)
    return scenes
