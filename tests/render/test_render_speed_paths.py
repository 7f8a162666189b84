"""The render's shortcuts draw what the long way draws.

* a mouth shape with half-closed eyes is composed from a mouth patch and a
  blink patch: the frame equals the face drawn in that state;
* sprites, plates and soft sets shared across a process's segments never
  leak between asset providers (two providers, two pictures);
* ``MORPH TO`` is staged like every close-up: its first frame is the close
  framing of the source character, its last the target's, and it changes
  smoothly in between.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from render_doubles import FlatAssets, spec
from render_films import span

from screenplay.backends.protocols import AssetSpec, SceneInfo
from screenplay.render.compositor import Compositor
from screenplay.staging.blocking import MID_Y, Mark
from screenplay.staging.planner import camera_for
from screenplay.timeline import Figure, MorphPicture, Shot, StagePicture, Timeline

SCENE = SceneInfo(True, "ROOM", "DAY")
ROOM = spec("set", (120, 110, 100), "room")
ANNA = spec("face", (200, 80, 60), "anna")
BEN = spec("face", (60, 90, 200), "ben")


def _timeline(*pictures: object, frames: int = 24) -> Timeline:
    shots = tuple(
        Shot(f"s{n}", n * frames, frames, p, span(n + 1))  # type: ignore[arg-type]
        for n, p in enumerate(pictures)
    )
    return Timeline(
        fps=Fraction(24), width=256, height=144, frames=frames * len(shots), shots=shots
    )


def _close(face: AssetSpec, name: str) -> StagePicture:
    mark = Mark(name, 0.5, MID_Y)
    return StagePicture(
        ROOM,
        SCENE,
        "close",
        (Figure(name, face, mark.x, mark.y),),
        camera_for("close", {name: mark}, name),
        name,
    )


def test_morph_is_staged_as_a_close_up_from_one_character_to_the_other() -> None:
    morph = MorphPicture(ROOM, SCENE, ANNA, BEN)
    tl = _timeline(morph, _close(ANNA, "ANNA"), _close(BEN, "BEN"))
    comp = Compositor(tl, FlatAssets())
    m, a, b = tl.shots
    first, last = comp.frame(m, 0).astype(int), comp.frame(m, m.frames - 1).astype(int)
    # The morph's ends are the close framings of the two characters (same set,
    # same window, same body), not a full-frame portrait.
    assert np.abs(first - comp.frame(a, 0)).mean() < 2.0
    assert np.abs(last - comp.frame(b, 0)).mean() < 2.0
    assert np.abs(first - last).mean() > 5.0
    # Smooth: no frame-to-frame step much larger than the average step.
    steps = [
        np.abs(comp.frame(m, i).astype(int) - comp.frame(m, i + 1)).mean()
        for i in range(m.frames - 1)
    ]
    assert max(steps) < 4 * (sum(steps) / len(steps)) + 0.5


class _OtherAssets(FlatAssets):
    """Same specs, different pictures: what a worker would see with another provider."""

    def face(self, s: AssetSpec):  # type: ignore[no-untyped-def]
        return super().face(dataclasses.replace(s, params={"color": [10, 200, 10]}))


def test_process_wide_caches_do_not_mix_asset_providers() -> None:
    tl = _timeline(_close(ANNA, "ANNA"))
    shot = tl.shots[0]
    one = Compositor(tl, FlatAssets()).frame(shot, 0)
    two = Compositor(tl, _OtherAssets()).frame(shot, 0)
    again = Compositor(tl, FlatAssets()).frame(shot, 0)
    assert np.abs(one.astype(int) - two).mean() > 1.0
    assert np.array_equal(one, again)


def test_mouth_and_blink_patches_compose_to_the_face_drawn_in_that_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pictures = pytest.importorskip("screenplay.pictures.engine")
    del pictures
    from screenplay.cache import Cache
    from screenplay.render.assets import PicturesAssetProvider
    from screenplay.render.stage import _Sprite

    monkeypatch.setenv("SCREENPLAY_CACHE_DIR", str(tmp_path / "cache"))
    assets = PicturesAssetProvider(Cache(tmp_path / "cache"))
    face = AssetSpec("face", "portrait", {"seed": 7})
    tl = _timeline(_close(face, "ANNA"))
    comp = Compositor(tl, assets)
    sprite = _Sprite(comp, Figure("ANNA", face, 0.5, MID_Y), 400, (1.0, 0.95, 0.9))
    composed = 0
    for viseme in ("a", "o", "mbp", "e"):
        for eyes in (0.0, 0.5):
            pieces = sprite.patch(viseme, eyes)
            composed += len(pieces) == 2
            # the resting face with the patches laid in, against the face drawn in that state
            got = sprite._grade(sprite.rest_bust).copy()
            for piece, x, y in pieces:
                x, y = x - sprite.bust.x, y - sprite.bust.y
                got[y : y + piece.shape[0], x : x + piece.shape[1]] = piece
            want = sprite._grade(sprite._bust(viseme, eyes))
            assert np.array_equal(got, want), (viseme, eyes)
    assert composed >= 4  # the shortcut is taken for separate mouth and eye boxes


def test_a_rendered_segment_frees_its_frames_without_the_garbage_collector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shot renderer points back at its compositor; render_segment must break that
    cycle itself (Compositor.close), or each segment's frame memos lingered in a worker
    until a full GC pass — a 2-hour film's workers grew to gigabytes."""
    import gc
    import weakref

    import screenplay.render.segments as segments

    made: list[weakref.ref[Compositor]] = []

    class Watched(Compositor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            made.append(weakref.ref(self))

    monkeypatch.setattr("screenplay.render.compositor.Compositor", Watched)
    tl = _timeline(_close(ANNA, "ANNA"), frames=12)
    assets = FlatAssets()
    tasks = segments.plan_segments(tl, assets, tmp_path, quality="preview", burn=False)
    gc.disable()
    try:
        segments.render_segment(tasks[0], assets)
        assert made, "render_segment made no compositor"
        assert all(ref() is None for ref in made), "the compositor outlived its segment"
    finally:
        gc.enable()
