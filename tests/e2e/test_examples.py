"""Every example builds (at preview quality), with what it is meant to show."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screenplay.build import build
from screenplay.cache import Cache
from screenplay.diagnostics import Severity
from screenplay.timeline import MorphPicture, SplitPicture

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _build(name: str, tmp_path: Path) -> object:
    src = tmp_path / name
    shutil.copy(EXAMPLES / name, src)
    lock = EXAMPLES / (name + ".lock")
    if lock.exists():
        shutil.copy(lock, tmp_path / lock.name)
    res = build(
        src, tmp_path / "out.mp4", quality="preview", cache=Cache(tmp_path / "cache"), locked=True
    )
    assert res.ok, [d.one_line() for d in res.diagnostics if d.severity is Severity.ERROR]
    assert (tmp_path / "out.mp4").stat().st_size > 10_000
    # The committed lock is current: no hole's prompt changed since it was locked.
    assert not [d.one_line() for d in res.diagnostics if d.code == "SP0310"]
    _one_encode_under_minus_1_dbtp(res, tmp_path / "out.mp4")
    return res


def _one_encode_under_minus_1_dbtp(res: object, film: Path) -> None:
    """The master leaves headroom for AAC's overshoot, so one encode keeps the promise:
    the film a viewer plays (the decoded MP4) peaks at or below −1 dBTP (issue #19)."""
    from screenplay.render.encode import _decoded_true_peak_db

    assert res.report.timings["audio_encodes"] == 1  # type: ignore[attr-defined]
    assert _decoded_true_peak_db(film) <= -1.0


def test_night_shift_plain_fountain_autocasts(tmp_path: Path) -> None:
    res = _build("night_shift.fountain", tmp_path)
    cast = res.film.cast  # type: ignore[attr-defined]
    assert {"NURSE", "DOCTOR", "OLD MAN"} <= set(cast)
    assert not any(m.declared for m in cast.values())
    voices = [m.voice.preset for n, m in cast.items() if m.speaks]
    assert len(voices) == len(set(voices)), "auto-cast speakers must not share a voice"


def test_lighthouse_shows_dual_lyrics_sections_and_times(tmp_path: Path) -> None:
    res = _build("lighthouse.film", tmp_path)
    tl = res.timeline  # type: ignore[attr-defined]
    # Dual dialogue: a two-shot with both mouths moving, and a split screen on request.
    assert any(isinstance(s.picture, SplitPicture) for s in tl.shots)
    # The title card before the first section is a chapter of its own (MP4 chapters start at 0).
    assert tl.chapters[0].start == 0 and tl.chapters[1].start > 0
    duals = [s for s in tl.shots if s.id.split("-")[1] == "dual" and s.framing == "two"]
    assert duals and all(sum(1 for f in s.picture.figures if f.visemes) == 2 for s in duals)
    assert [c.title for c in tl.chapters] == [
        "The Lighthouse Keepers",
        "Part one: dawn",
        "Part two: the song",
        "Part three: the storm",
    ]
    assert any(all(r.italic for r in s.runs) for s in tl.subtitles)  # lyrics are italic
    times = {
        getattr(s.picture, "scene", None).time for s in tl.shots if hasattr(s.picture, "scene")
    }
    assert {"DAWN", "DAY", "NIGHT", "DUSK"} <= times
    assert len({m.cue for m in tl.music}) == 2


def test_the_empty_room_morphs_and_is_two_to_three_minutes(tmp_path: Path) -> None:
    res = _build("the_empty_room.film", tmp_path)
    tl = res.timeline  # type: ignore[attr-defined]
    assert 120 <= float(tl.duration) <= 180, float(tl.duration)
    morphs = [s for s in tl.shots if isinstance(s.picture, MorphPicture)]
    assert len(morphs) >= 2
    assert any(m.retime_from for m in morphs)  # optical-flow in-betweens
    assert any(c.speaker == "NARRATOR" for c in tl.audio)
    # Staging: at least five framings, every shot says what it shows, and nobody
    # changes screen side inside a scene (the 180-degree rule).
    framings = {s.framing for s in tl.shots}
    assert len(framings - {"card"}) >= 5, framings
    assert all(s.framing and isinstance(s.on_screen, tuple) for s in tl.shots)
    sides: dict[tuple[str, str], str] = {}
    for s in tl.shots:
        scene = s.id.split("-")[0]
        for o in s.on_screen:
            assert sides.setdefault((scene, o.name), o.side) == o.side, (s.id, o)
