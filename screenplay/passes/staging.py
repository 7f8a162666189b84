"""The staging pass: who is in each scene, where they stand, and how each beat is shot.

Runs between bind (beats) and timing (the Timeline).  Input: bind's beats.
Output: a :class:`Staging` — for every visual beat (action, line, dual
dialogue) the characters present, entering and leaving, their marks on the
stage and the framing the shot planner chose; the timing pass turns that into
shots.  The rules live in :mod:`screenplay.staging` (presence, blocking,
planner); this module walks the script and reports what the writer asked for
that cannot be done (SP0901–SP0904; unknown names, SP0900, are reported by
the check pass through :func:`screenplay.staging.checks.check_directive`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from screenplay.beats import Beat, Bound, Line
from screenplay.diagnostics import Diagnostics
from screenplay.film import Film
from screenplay.staging import errors
from screenplay.staging.blocking import Mark, block
from screenplay.staging.planner import BeatShot, ScenePlanner, nearest_valid
from screenplay.staging.presence import VISUAL, Presence, scene_presence


@dataclass
class Staged:
    """One visual beat, staged."""

    scene: int  # index of the scene's heading beat (0 before any heading)
    presence: Presence
    shot: BeatShot
    marks: dict[str, Mark]


@dataclass
class Staging:
    beats: dict[int, Staged] = field(default_factory=dict)
    #: the establishing shot of each scene heading (beat index → marks)
    scenes: dict[int, dict[str, Mark]] = field(default_factory=dict)


def visible_cast(film: Film) -> set[str]:
    """Characters who can be seen: they have a face."""
    return {n for n, m in film.cast.items() if m.face is not None and n != "NARRATOR"}


def parenthetical(film: Film, ln: Line) -> str:
    """The parenthetical right above a line in the source, if any (for the close-up rule)."""
    if ln.span.file != film.source.name or ln.span.line < 2:
        return ""
    lines = film.source.text.split("\n")
    above = lines[ln.span.line - 2].strip() if ln.span.line - 2 < len(lines) else ""
    words = " ".join(x for x in ("whisper" if ln.delivery.whisper else "", above) if x)
    return words if above.startswith("(") or ln.delivery.whisper else ""


def stage(film: Film, bound: Bound, diags: Diagnostics) -> Staging:
    beats = bound.beats
    visible = visible_cast(film)
    film_order: list[str] = []
    for b in beats:
        for ln in b.lines:
            if ln.speaker in visible and ln.speaker not in film_order:
                film_order.append(ln.speaker)
    out = Staging()
    for scene in scene_presence(beats, visible):
        for n in scene.characters:
            if n not in film_order:
                film_order.append(n)
        places: dict[str, tuple[str, str | None]] = {}
        for b in _scene_beats(beats, scene.start):
            if b.kind == "place":
                who = str(b.args.get("who", "")).upper()
                if who in visible:
                    places[who] = (str(b.args.get("side", "center")), b.args.get("depth"))
                    if who not in scene.characters:
                        scene.characters.append(who)
        marks = block(scene.characters, film_order, places)
        planner = ScenePlanner()
        if beats and beats[scene.start].kind == "scene":
            planner.establishing()
            out.scenes[scene.start] = marks
        override: tuple[Beat, str, str] | None = None
        end = _scene_end(beats, scene.start)
        for i in range(scene.start, end):
            b = beats[i]
            if b.kind == "shot":
                if override is not None:
                    _nothing_to_frame(diags, override[0])
                who = str(b.args.get("who", "")).upper()
                override = (b, str(b.args.get("framing", "wide")), who)
                continue
            if b.kind == "enter" or b.kind == "exit":
                _check_entrance(diags, b, scene, i, end, beats, visible)
                continue
            if b.kind not in VISUAL or i not in scene.beats:
                continue
            pres = scene.beats[i]
            speaker = _on_screen_speaker(b, pres)
            if override is not None:
                shot = _overridden(diags, planner, override, pres, speaker, b, visible)
                override = None
            elif b.kind == "action":
                moving = bool(pres.entering or pres.leaving)
                shot = planner.action(b.text, pres.present, pres.mentioned, moving)
            elif b.kind == "dual":
                shot = planner.dual(pres.present)
            elif speaker:
                ln = b.lines[0]
                shot = planner.line(speaker, ln.text, parenthetical(film, ln), pres.present)
            else:
                # Off-screen voice: keep the picture we had.
                prev = planner.history[-1] if planner.history else BeatShot("wide")
                shot = planner.push(prev)
            shot = _valid(shot, pres)
            posed = {n: replace(m, seated=n in pres.seated) for n, m in marks.items()}
            out.beats[i] = Staged(scene.start, pres, shot, posed)
        if override is not None:
            _nothing_to_frame(diags, override[0])
    return out


def _scene_end(beats: list[Beat], start: int) -> int:
    for j in range(start + 1, len(beats)):
        if beats[j].kind == "scene":
            return j
    return len(beats)


def _scene_beats(beats: list[Beat], start: int) -> list[Beat]:
    return beats[start : _scene_end(beats, start)]


def _on_screen_speaker(b: Beat, pres: Presence) -> str:
    for ln in b.lines:
        if ln.face is not None and ln.speaker in pres.present:
            return ln.speaker
    return ""


def _valid(shot: BeatShot, pres: Presence) -> BeatShot:
    """Planner choices always fit the scene (overrides are checked with a warning)."""
    n = len(pres.present)
    has = shot.subject in pres.present
    f = nearest_valid(shot.framing, n, has)
    if f == shot.framing:
        return shot
    return BeatShot(f, shot.subject if has else "", "", "", shot.rule + "+fallback")


def _overridden(
    diags: Diagnostics,
    planner: ScenePlanner,
    override: tuple[Beat, str, str],
    pres: Presence,
    speaker: str,
    b: Beat,
    visible: set[str],
) -> BeatShot:
    d, framing, who = override
    subject = ""
    if who:
        if who in pres.present:
            subject = who
        elif who in visible:
            diags.warning(
                errors.NOT_IN_SCENE,
                d.span,
                f"`{who}` is not in the scene at this point",
                f"bring them in first with `[[enter {who}]]`, or frame someone present: "
                + (", ".join(pres.present) or "nobody is"),
                "not present here",
            )
    if framing == "split" and b.kind != "dual":
        framing = "two"
    has_subject = bool(subject or speaker or pres.present)
    valid = nearest_valid(framing, len(pres.present), has_subject)
    if valid != framing:
        diags.warning(
            errors.NEEDS_TWO,
            d.span,
            f"`{framing}` needs {'three' if framing == 'group' else 'two'} people, "
            f"but {len(pres.present) or 'nobody'} {'is' if len(pres.present) < 2 else 'are'} "
            "in the scene here",
            f"using `{valid}` instead (the nearest framing that works)",
            f"shot as `{valid}`",
        )
    return planner.override(valid, subject, pres.present, speaker)


def _nothing_to_frame(diags: Diagnostics, d: Beat) -> None:
    diags.warning(
        errors.NOTHING_TO_FRAME,
        d.span,
        "this `[[shot …]]` has no action or line after it in its scene",
        "put it just above the beat it should frame",
        "ignored",
    )


def _check_entrance(
    diags: Diagnostics,
    d: Beat,
    scene: object,
    i: int,
    end: int,
    beats: list[Beat],
    visible: set[str],
) -> None:
    who = str(d.args.get("who", "")).upper()
    if who not in visible:
        return  # unknown names are the check pass's (SP0900)
    nxt = next((j for j in range(i + 1, end) if beats[j].kind in VISUAL), None)
    pres = getattr(scene, "beats", {}).get(nxt) if nxt is not None else None
    if pres is None:
        return
    moved = pres.entering if d.kind == "enter" else pres.leaving
    if who not in moved:
        state = "already in" if d.kind == "enter" else "not in"
        diags.warning(
            errors.ENTRANCE_MISMATCH,
            d.span,
            f"`{who}` is {state} the scene here, so `[[{d.kind} {who}]]` changes nothing",
            "remove it, or move it to where they really come or go",
            "no effect",
        )
