"""In-process checks of the middle of the compiler (bind, timing) on the timeline cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from screenplay.backends.protocols import PROJECT_RATE
from tests.core.pipeline import LEAD_S, WORD_S, compile_film
from tests.core.test_timeline_goldens import FILES


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_timeline_invariants(path: Path) -> None:
    c = compile_film(path.read_text(encoding="utf-8"), path)
    assert c.timeline is not None, [d.one_line() for d in c.diags.items]
    t = c.timeline
    # shots tile the film in whole frames
    assert t.shots[0].start == 0
    for a, b in zip(t.shots, t.shots[1:], strict=False):
        assert a.end == b.start, (a.id, b.id)
    assert t.shots[-1].end == t.frames
    # every line is placed once, at its synthesized length, inside the film
    lines = [ln for b in c.bound.beats for ln in b.lines] if c.bound else []
    assert len(t.audio) == len(lines)
    for clip in t.audio:
        assert 0 <= clip.start_sample and clip.end_sample <= t.samples
    for s in t.subtitles:
        assert 0 <= s.start < s.end <= t.frames


def test_speech_length_decides_the_shot_length() -> None:
    one = "INT. ROOM - DAY\n\nANNA\nYes.\n"
    many = "INT. ROOM - DAY\n\nANNA\nYes, yes, yes, yes, yes, yes, yes, yes, yes, yes.\n"
    short, long = compile_film(one).timeline, compile_film(many).timeline
    assert short is not None and long is not None
    (a,), (b,) = short.audio, long.audio
    assert a.samples == round((2 * LEAD_S + WORD_S) * PROJECT_RATE)
    assert b.samples == round((2 * LEAD_S + 10 * WORD_S) * PROJECT_RATE)
    assert long.frames - short.frames >= int(9 * WORD_S * float(long.fps))


def test_voice_over_is_heard_not_seen() -> None:
    c = compile_film("INT. ROOM - DAY\n\nANNA\nHere.\n\nANNA (V.O.)\nAnd there.\n")
    assert c.bound is not None
    on, off = [ln for b in c.bound.beats for ln in b.lines]
    assert on.face is not None and off.face is None


def test_a_hold_adds_its_time() -> None:
    base = compile_film("INT. ROOM - DAY\n\nA chair.\n").timeline
    held = compile_film("INT. ROOM - DAY\n\nA chair.\n\n[[hold 2s]]\n").timeline
    assert base is not None and held is not None
    assert held.frames - base.frames == 2 * held.fps
