"""The shot planner: one framing per beat, by simple rules a script supervisor could apply.

Framings (:data:`screenplay.timeline.FRAMINGS`): ``wide`` (the whole set),
``two`` (two people, head to hips), ``group`` (three or more), ``single``
(medium: one person, head to hips), ``close`` (head and shoulders), ``ots``
(over the listener's shoulder onto the speaker, the listener's back of head
and shoulder in the foreground), ``insert`` (a detail of the set), ``split``
(dual dialogue side by side), ``card`` (title, centered text, credits).

The rules, applied in this order to each beat of a scene:

1. ``[[shot FRAMING [NAME]]]`` above a beat decides its framing (NAME: who
   the shot is on); a framing that needs more people than are present falls
   back to the nearest one that works (``group`` → ``two`` → ``single`` →
   ``wide``) with warning SP0901.
2. The scene heading is a ``wide`` with a slow push-in (establishing shot);
   an action right after it stays on that wide (one continuous shot).
3. An action in which someone enters or leaves is a ``wide`` (we see them
   come and go).  An action that names no character but an object ("the
   book", "a letter") is an ``insert``.  An action that names present
   characters frames them (``single``/``two``/``group``); otherwise the
   people present (``two``/``group``), or the ``wide`` if one or none.
4. Dual dialogue is a ``two`` with both mouths moving.
5. A line is on its speaker.  Whispered, tearful or very short lines
   (≤ 3 words) are a ``close``.  Alone in the scene: ``single``.  In a
   conversation the first line is a ``two`` (``group`` for three or more);
   after that, lines alternate ``ots`` — over the shoulder of whoever spoke
   last (or the nearest listener) onto the speaker.  No more than
   :data:`MAX_RUN` shots in a row share one framing: the fourth is a
   ``single``/``two`` instead, to let the eye rest.
6. A line longer than :data:`LONG_LINE_S` in a conversation cuts to a
   reaction ``close`` of the listener for its second half (the timing pass
   knows the length and makes the cut).
7. Off-screen lines (V.O., O.S., narration) keep the previous framing.

Consecutive beats with the same framing on the same people become one
continuous shot (the timing pass merges them), so a camera move spans the
whole shot and nothing jumps inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screenplay.staging.blocking import CHIN, HALF_WIDTH, WAIST, Mark
from screenplay.timeline import Camera

MAX_RUN = 3
LONG_LINE_S = 7.0
SHORT_LINE_WORDS = 3
ESTABLISH = Camera(1.0, 1.06)
NEEDS = {"two": 2, "ots": 2, "group": 3, "single": 1, "close": 1}
FALLBACK = {"group": "two", "two": "single", "ots": "single", "single": "wide", "close": "wide"}

EMOTIONAL = re.compile(
    r"\b(whisper\w*|cry\w*|cries|tear\w*|sob\w*|trembl\w*|breaking|choked|hushed|"
    r"under (?:his|her|their) breath|barely audible|softly|to (?:him|her)self)\b",
    re.IGNORECASE,
)
OBJECTS = re.compile(
    r"\b(book|letter|page|key|keys|phone|cup|glass|photo|photograph|picture|note|"
    r"envelope|knife|gun|ring|watch|clock|door\s?knob|box|bag|bottle|candle|lamp|map)s?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BeatShot:
    """How one beat is shot."""

    framing: str
    subject: str = ""  # who the shot is on (single, close, ots)
    shoulder: str = ""  # ots: the listener in the foreground
    reaction: str = ""  # long line: the listener to cut to
    rule: str = ""  # which rule chose the framing (for `dump` and tests)


def camera_for(
    framing: str, marks: dict[str, Mark], subject: str = "", shoulder: str = "", text: str = ""
) -> Camera:
    """The window on the stage a framing shows (still; moves are added on top)."""
    if framing == "wide" or not marks and framing != "insert":
        return Camera()
    if framing == "insert":
        # A detail: the floor where things lie, or the wall when the text says so.
        high = re.search(r"\b(window|wall|picture|clock|shelf|door)\b", text, re.IGNORECASE)
        return _window(0.5, 0.48 if high else 0.8, 2.4)
    if framing in ("two", "group"):
        shown = list(marks.values())
        if framing == "two" and subject and shoulder:
            shown = [marks[subject], marks[shoulder]]
        top = min(m.head_top - 0.1 * m.height for m in shown)
        bottom = max(m.head_top + (WAIST + 0.08) * m.height for m in shown)
        left = min(m.x - (HALF_WIDTH + 0.12) * m.height for m in shown)
        right = max(m.x + (HALF_WIDTH + 0.12) * m.height for m in shown)
        zoom = min(1.0 / max(0.05, bottom - top), 1.0 / max(0.05, right - left))
        zoom = max(1.0, zoom)
        return _window((left + right) / 2, top + 0.5 / zoom, zoom)
    m = marks[subject]
    h = m.height
    # Looking room: a character left of the others sits on the left third, and so on.
    where = {"left": 0.4, "center": 0.5, "right": 0.6}[m.side]
    if framing == "single":
        top, bottom = m.head_top - 0.07 * h, m.head_top + (WAIST + 0.06) * h
    elif framing == "close":
        top, bottom = m.head_top - 0.05 * h, m.head_top + (CHIN + 0.2) * h
        where = 0.5 + (where - 0.5) * 0.6
    else:  # ots: medium close on the speaker, the listener's shoulder on the other side
        top, bottom = m.head_top - 0.06 * h, m.head_top + (CHIN + 0.3) * h
        sm = marks.get(shoulder)
        toward = (sm.x > m.x) if sm is not None else m.side == "left"
        where = 0.36 if toward else 0.64
    zoom = max(1.0, 1.0 / (bottom - top))
    return _window(m.x + (0.5 - where) / zoom, top + 0.5 / zoom, zoom)


def _window(cx: float, cy: float, zoom: float) -> Camera:
    zoom = round(min(zoom, 8.0), 3)
    half = 0.5 / zoom
    cx = min(1.0 - half, max(half, cx))
    cy = min(1.0 - half, max(half, cy))
    pan = (round(cx - 0.5, 4), round(cy - 0.5, 4))
    return Camera(zoom, zoom, pan, pan)


def visible(camera: Camera, marks: dict[str, Mark], t: float = 1.0) -> list[str]:
    """Who of ``marks`` has their face inside the camera's window (left to right)."""
    zoom = camera.zoom_start + (camera.zoom_end - camera.zoom_start) * t
    px = camera.pan_start[0] + (camera.pan_end[0] - camera.pan_start[0]) * t
    py = camera.pan_start[1] + (camera.pan_end[1] - camera.pan_start[1]) * t
    half = 0.5 / zoom
    cx, cy = 0.5 + px, 0.5 + py
    out = []
    for m in sorted(marks.values(), key=lambda m: m.x):
        fx, fy = m.x, m.head_top + CHIN * 0.55 * m.height
        if abs(fx - cx) < half * 0.98 and abs(fy - cy) < half * 0.98:
            out.append(m.name)
    return out


class ScenePlanner:
    """Chooses the framing of each beat of one scene (rules in the module docstring)."""

    def __init__(self) -> None:
        self.history: list[BeatShot] = []
        self.last_speaker = ""

    def push(self, shot: BeatShot) -> BeatShot:
        self.history.append(shot)
        return shot

    def run_length(self, framing: str) -> int:
        n = 0
        for s in reversed(self.history):
            if s.framing != framing:
                break
            n += 1
        return n

    def establishing(self) -> BeatShot:
        return self.push(BeatShot("wide", rule="establish"))

    def action(
        self, text: str, present: tuple[str, ...], mentioned: tuple[str, ...], moving: bool
    ) -> BeatShot:
        first = len(self.history) == 1 and self.history[0].rule == "establish"
        named = [n for n in mentioned if n in present]
        if moving:
            return self.push(BeatShot("wide", rule="entrance"))
        if first:
            return self.push(BeatShot("wide", rule="establish"))
        if not named and OBJECTS.search(text):
            return self.push(BeatShot("insert", rule="object"))
        if len(named) == 1 and len(present) > 1:
            return self.push(BeatShot("single", named[0], rule="action-names"))
        if len(present) >= 3:
            return self.push(BeatShot("group", rule="action-people"))
        if len(present) == 2:
            return self.push(BeatShot("two", rule="action-people"))
        return self.push(BeatShot("wide", rule="action"))

    def dual(self, present: tuple[str, ...]) -> BeatShot:
        return self.push(BeatShot("two" if len(present) >= 2 else "single", rule="dual"))

    def line(self, speaker: str, text: str, paren: str, present: tuple[str, ...]) -> BeatShot:
        others = [n for n in present if n != speaker]
        listener = (
            self.last_speaker if self.last_speaker in others else (others[0] if others else "")
        )
        prev = self.history[-1] if self.history else None
        words = len(re.findall(r"\w+", text))
        if EMOTIONAL.search(paren or "") or 0 < words <= SHORT_LINE_WORDS:
            shot = BeatShot("close", speaker, reaction=listener, rule="close")
        elif not others:
            shot = BeatShot("single", speaker, rule="alone")
        elif prev is None or prev.framing in ("wide", "insert") or not self.last_speaker:
            shot = BeatShot(
                "group" if len(present) >= 3 else "two",
                speaker,
                listener,
                reaction=listener,
                rule="conversation-opens",
            )
        else:
            shot = BeatShot("ots", speaker, listener, reaction=listener, rule="conversation")
        if shot.framing == "ots" and self.run_length("ots") >= MAX_RUN:
            shot = BeatShot("two", speaker, listener, reaction=listener, rule="max-run")
        elif shot.framing == "close" and self.run_length("close") >= MAX_RUN:
            shot = BeatShot("single", speaker, reaction=listener, rule="max-run")
        self.last_speaker = speaker
        return self.push(shot)

    def override(
        self, framing: str, subject: str, present: tuple[str, ...], speaker: str
    ) -> BeatShot:
        others = [n for n in present if n != (subject or speaker)]
        listener = (
            self.last_speaker if self.last_speaker in others else (others[0] if others else "")
        )
        who = subject or speaker or (present[0] if present else "")
        if framing in ("wide", "insert", "split"):
            shot = BeatShot(framing, who if framing == "split" else "", rule="override")
        else:
            shot = BeatShot(framing, who, listener, reaction="", rule="override")
        if speaker:
            self.last_speaker = speaker
        return self.push(shot)


def nearest_valid(framing: str, present: int, has_subject: bool) -> str:
    """The nearest framing to ``framing`` that a scene with ``present`` people allows."""
    f = framing
    while f in NEEDS and (present < NEEDS[f] or (f in ("single", "close") and not has_subject)):
        f = FALLBACK[f]
    return f
