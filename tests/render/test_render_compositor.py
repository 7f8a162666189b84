"""The compositor: pictures, performers, transitions, cards and caching of still layers."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from render_doubles import FlatAssets, FlatFace
from render_films import ANNA, BEN, ROOM, SCENE, small_film, span, visemes_for

from screenplay.backends.protocols import Timed
from screenplay.render.compositor import Compositor, held_picture
from screenplay.timeline import (
    Camera,
    CardPicture,
    SetPicture,
    Shot,
    SpeakerPicture,
    Timeline,
    Transition,
)


def film_of(*shots: Shot, width: int = 128, height: int = 72) -> Timeline:
    return Timeline(fps=Fraction(24), width=width, height=height, frames=shots[-1].end, shots=shots)


def shot(picture: object, frames: int, start: int = 0, **kw: object) -> Shot:
    return Shot("s", start, frames, picture, span(1), **kw)  # type: ignore[arg-type]


class CountingAssets(FlatAssets):
    """Counts how often faces and sets are drawn (to prove layers are cached)."""

    def __init__(self) -> None:
        self.face_frames = 0
        self.set_frames = 0

    def face(self, spec):  # type: ignore[no-untyped-def]
        outer = self
        base = super().face(spec)

        class Counted(FlatFace):
            def frame(self, width, height, viseme="rest", eyes=1.0):  # type: ignore[no-untyped-def]
                outer.face_frames += 1
                return base.frame(width, height, viseme, eyes)

        return Counted(base.color)

    def set(self, spec, scene):  # type: ignore[no-untyped-def]
        outer = self
        base = super().set(spec, scene)

        class Counted:
            credit = "counted"

            def frame(self, width, height):  # type: ignore[no-untyped-def]
                outer.set_frames += 1
                return base.frame(width, height)

        return Counted()


def test_every_shot_of_the_small_film_renders_rgb() -> None:
    tl = small_film()
    comp = Compositor(tl, FlatAssets(), burn_subtitles=True)
    for s in tl.shots:
        for i in (0, s.frames // 2, s.frames - 1):
            f = comp.frame(s, i)
            assert f.shape == (72, 128, 3) and f.dtype == np.uint8
    with pytest.raises(IndexError):
        comp.frame(tl.shots[0], tl.shots[0].frames)


def test_still_set_is_drawn_once_and_frames_share_a_key() -> None:
    assets = CountingAssets()
    s = shot(SetPicture(ROOM, SCENE), 48)
    comp = Compositor(film_of(s, width=1280, height=720), assets)
    frames = [comp.frame(s, i) for i in range(48)]
    assert assets.set_frames == 1
    assert len({comp.frame_key(s, i) for i in range(48)}) == 1
    assert all(f is frames[0] for f in frames)


def test_camera_move_changes_every_frame_smoothly() -> None:
    cam = Camera(zoom_start=1.0, zoom_end=1.5, pan_end=(0.1, 0.0))
    s = shot(SetPicture(ROOM, SCENE, cam), 12)
    comp = Compositor(film_of(s), FlatAssets())
    frames = [comp.frame(s, i).astype(int) for i in range(12)]
    diffs = [np.abs(b - a).mean() for a, b in zip(frames, frames[1:], strict=False)]
    assert all(d > 0 for d in diffs)
    # Eased: the move starts and ends gently.
    assert diffs[0] < max(diffs) and diffs[-1] < max(diffs)
    assert len({comp.frame_key(s, i) for i in range(12)}) == 12


def test_talking_face_lip_syncs_and_blinks_from_cached_layers() -> None:
    assets = CountingAssets()
    vis = (Timed(0.5, 1.0, "a"), Timed(1.0, 1.5, "mbp"), Timed(1.5, 2.0, "o"))
    pic = SpeakerPicture(ROOM, SCENE, ANNA, vis, blink_seed=5)
    s = shot(pic, 24 * 20)  # 20 s: several blinks
    comp = Compositor(film_of(s, width=256, height=144), assets)
    x, y, fw, fh = comp.closeup_box()
    mouth = (
        slice(y + int(fh * 0.45 + fh / 6 - fh * 0.12), y + int(fh * 0.45 + fh / 6 + fh * 0.12)),
        slice(x + fw // 3, x + 2 * fw // 3),
    )
    rest, open_a = comp.frame(s, 6), comp.frame(s, 18)  # 0.25 s rest, 0.75 s "a"
    assert np.abs(rest[mouth].astype(int) - open_a[mouth]).sum() > 500
    # Blinks: eye openness goes to 0 somewhere, and back.
    from screenplay.render.motion import animation

    _, eyes_at, _ = animation()
    closed = [i for i in range(s.frames) if eyes_at(5, i / 24) < 0.2]
    assert closed, "no blink in 20 s"
    ey = y + int(fh * 0.45) - fh // 10
    eyes = (slice(ey - 3, ey + 3), slice(x + fw // 4, x + 3 * fw // 4))
    assert np.abs(comp.frame(s, closed[0])[eyes].astype(int) - comp.frame(s, 2)[eyes]).sum() > 200
    # 480 frames, but faces are drawn only once per (viseme, eye openness) state.
    keys = {comp.frame_key(s, i) for i in range(s.frames)}
    assert len(keys) < 40
    assert assets.face_frames <= len(keys)
    assert assets.set_frames == 1


def test_dissolve_starts_from_the_held_previous_picture() -> None:
    prev = SetPicture(ROOM, SCENE, Camera(zoom_start=1.0, zoom_end=1.4))
    a = shot(prev, 10)
    b = shot(
        CardPicture("centered", ("LATER",)),
        20,
        start=10,
        transition=Transition("dissolve", 8, prev),
    )
    comp = Compositor(film_of(a, b), FlatAssets())
    held = comp.frame(a, 9).astype(int)  # previous shot's last frame
    card = comp.frame(b, 19).astype(int)
    first, last = comp.frame(b, 0).astype(int), comp.frame(b, 7).astype(int)
    assert np.abs(first - held).mean() < np.abs(first - card).mean()
    assert np.abs(last - card).mean() < np.abs(last - held).mean()
    np.testing.assert_array_equal(comp.frame(b, 8), comp.frame(b, 19))


def test_fades() -> None:
    room = SetPicture(ROOM, SCENE)
    fade_in = shot(room, 12, transition=Transition("fade_in", 6), fade_out=4)
    comp = Compositor(film_of(fade_in), FlatAssets())
    assert comp.frame(fade_in, 0).max() == 0  # from black
    assert comp.frame(fade_in, 3).mean() < comp.frame(fade_in, 6).mean()
    assert comp.frame(fade_in, 11).max() == 0  # ends on black
    card = CardPicture("title", ("Title",))
    through = shot(card, 20, transition=Transition("fade_black", 10, room))
    comp = Compositor(film_of(through), FlatAssets())
    means = [comp.frame(through, i).mean() for i in range(10)]
    assert min(means) == means[4] or min(means) == means[5]  # darkest in the middle
    assert min(means) < 0.2 * means[0]


def test_morph_transition_and_morph_picture_use_the_provider() -> None:
    calls: list[tuple[str, str]] = []

    class Recording(FlatAssets):
        def morph(self, a, b, w, h):  # type: ignore[no-untyped-def]
            calls.append((a.label, b.label))
            return super().morph(a, b, w, h)

    a_pic = SpeakerPicture(ROOM, SCENE, ANNA)
    b_pic = SpeakerPicture(ROOM, SCENE, BEN)
    s = shot(b_pic, 12, transition=Transition("morph", 6, a_pic))
    comp = Compositor(film_of(s), Recording())
    frames = [comp.frame(s, i) for i in range(12)]
    assert calls == [("anna", "ben")]
    x, y, fw, fh = comp.closeup_box()
    cheek = (y + fh // 2, x + fw // 2 - fw // 4)
    tones = [int(f[cheek][0]) for f in frames[:7]]
    assert tones[0] > tones[3] > tones[6]  # anna (lighter) turns into ben


def test_split_screen_shows_both_faces() -> None:
    tl = small_film()
    split = next(s for s in tl.shots if s.picture.kind == "split")
    comp = Compositor(tl, FlatAssets())
    f = comp.frame(split, split.frames - 1).astype(int)
    (lx, ly, lw, lh), (rx, ry, rw, rh) = comp.split_boxes()
    assert lx + lw <= 64 <= rx
    left = f[ly + lh // 2, lx + lw // 2 - lw // 4]
    right = f[ry + rh // 2, rx + rw // 2 - rw // 4]
    assert abs(left[0] - 220) < 12 and abs(right[0] - 150) < 12  # anna's and ben's skin


def test_cards_have_text_and_long_credits_roll() -> None:
    comp = Compositor(film_of(shot(CardPicture("black"), 1)), FlatAssets())
    title = shot(CardPicture("title", ("A Title", "by", "Someone")), 10)
    f = comp.frame(title, 0)
    assert (f > 150).any() and f[:5].max() < 20  # light text on a dark card
    names = tuple(f"ROLE {n}\tName {n}" for n in range(40))
    roll = shot(CardPicture("credits", ("CAST", *names)), 48)
    a, b = comp.frame(roll, 0), comp.frame(roll, 47)
    assert comp.card(roll.picture).rolling  # type: ignore[arg-type]
    assert np.abs(a.astype(int) - b).sum() > 0
    short = shot(CardPicture("credits", ("CAST", "ANNA\tme")), 10)
    assert not comp.card(short.picture).rolling  # type: ignore[arg-type]
    assert comp.frame_key(short, 0) == comp.frame_key(short, 9)


def test_held_picture_drops_visemes() -> None:
    pic = SpeakerPicture(ROOM, SCENE, ANNA, visemes_for(["a", "b"], Fraction(24)), blink_seed=3)
    held = held_picture(pic)
    assert held == dataclasses.replace(pic, visemes=(), blink_seed=0)


def test_burned_subtitles_only_while_active() -> None:
    tl = small_film()
    comp = Compositor(tl, FlatAssets(), burn_subtitles=True)
    plain = Compositor(tl, FlatAssets())
    sub = tl.subtitles[0]
    s = next(s for s in tl.shots if s.start <= sub.start < s.end)
    inside, outside = sub.start - s.start, sub.start - s.start - 1
    assert np.abs(comp.frame(s, inside).astype(int) - plain.frame(s, inside)).sum() > 0
    np.testing.assert_array_equal(comp.frame(s, outside), plain.frame(s, outside))


def test_retimed_camera_move_uses_optical_flow_inbetweens() -> None:
    cam = Camera(zoom_start=1.0, zoom_end=1.3)
    s = shot(SetPicture(ROOM, SCENE, cam), 13, retime_from=4)
    direct = shot(SetPicture(ROOM, SCENE, cam), 13)
    comp = Compositor(film_of(s), FlatAssets())
    # Source frames land on output frames 0, 4, 8, 12 exactly.
    for k, j in enumerate((0, 4, 8, 12)):
        src = comp.camera_view(ROOM, SCENE, cam, k / 3, soft=False)
        np.testing.assert_array_equal(comp.frame(s, j), src)
    # In-betweens are new pictures, close to the directly rendered move.
    mid = comp.frame(s, 2).astype(int)
    assert np.abs(mid - comp.frame(s, 0)).sum() > 0 and np.abs(mid - comp.frame(s, 4)).sum() > 0
    assert np.abs(mid - comp.frame(direct, 2)).mean() < 6
