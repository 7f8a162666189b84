"""Blink schedule and viseme lookup."""

from __future__ import annotations

import numpy as np

from screenplay.backends.protocols import Timed
from screenplay.pictures.animation import (
    ANTICIPATION,
    apply_pose,
    blink_starts,
    dominant,
    emphases,
    eyes_at,
    head_pose,
    index_visemes,
    mouth_of,
    mouth_weights,
    viseme_at,
)


def test_blinks_are_deterministic_and_natural() -> None:
    starts = blink_starts(7, 120.0)
    assert starts == blink_starts(7, 120.0)
    gaps = np.diff(starts)
    long_gaps = gaps[gaps >= 1.0]
    assert (long_gaps >= 3.0).all() and (long_gaps <= 6.0).all()
    assert len(gaps[gaps < 1.0]) <= len(gaps) * 0.3  # occasional double blinks only
    assert 18 <= len(starts) <= 45  # one every 3–6 s over two minutes
    assert blink_starts(8, 120.0) != starts


def test_blink_shape() -> None:
    s = blink_starts(3, 10.0)[0]
    assert eyes_at(3, s - 0.01) == 1.0
    assert eyes_at(3, s + 0.06) < 0.05  # closed at 40 % of 150 ms
    assert 0.0 < eyes_at(3, s + 0.1) < 1.0  # reopening
    assert eyes_at(3, s + 0.16) == 1.0
    # sampled at 24 fps over a minute, eyes are mostly open
    values = np.array([eyes_at(3, i / 24) for i in range(24 * 60)])
    assert 0.9 < (values == 1.0).mean() < 0.99
    assert (values < 0.5).sum() >= 10
    assert eyes_at(3, -1.0) == 1.0


def test_viseme_at() -> None:
    vs = [
        Timed(0.0, 0.1, "mbp"),
        Timed(0.1, 0.25, "a"),
        Timed(0.3, 0.4, "o"),
        Timed(0.4, 0.5, "xx"),
    ]
    lead = ANTICIPATION  # the mouth shows each shape slightly before its sound
    assert mouth_of(viseme_at(vs, 0.02)) == "mbp"
    assert mouth_of(viseme_at(vs, 0.15)) == "a"  # well inside an interval: that shape alone
    assert mouth_of(viseme_at(vs, 0.1 - lead)) == "mbp:0.50,a:0.50"  # on a boundary: half of each
    assert (
        mouth_of(viseme_at(vs, 0.275 - lead)) == "rest:0.75,a:0.25"
    )  # a short gap is co-articulated
    assert mouth_of(viseme_at(vs, 0.47)) == "rest"  # unknown label
    assert viseme_at(vs, 9.0) == "rest" and viseme_at([], 0.0) == "rest"
    shuffled = [vs[2], vs[0], vs[3], vs[1]]
    indexed = index_visemes(shuffled)
    for t in np.linspace(-0.1, 0.6, 71):
        assert (
            viseme_at(shuffled, float(t)) == viseme_at(vs, float(t)) == viseme_at(indexed, float(t))
        )


def test_coarticulation_blends_over_about_two_frames() -> None:
    """At 24 fps a change of shape takes 2–3 frames, and the weights move monotonically."""
    vs = index_visemes([Timed(0.0, 0.5, "mbp"), Timed(0.5, 1.0, "a")])
    tokens = [viseme_at(vs, i / 24) for i in range(22)]
    blends = [t for t in tokens if ":" in t]
    assert 1 <= len(blends) <= 3
    weights = [mouth_weights(t).get("a", 0.0) for t in tokens]
    assert weights == sorted(weights) and weights[0] == 0.0 and weights[-1] == 1.0
    assert mouth_weights("a:0.75,o:0.25") == {"a": 0.75, "o": 0.25}
    assert mouth_weights("bogus") == {"rest": 1.0} and dominant("e:0.75,a:0.25") == "e"


def test_head_nods_on_emphasis_and_rests_in_silence() -> None:
    # two phrases: "mbp a(long) e" … pause … "o(long)"
    vs = index_visemes(
        [
            Timed(0.5, 0.6, "mbp"),
            Timed(0.6, 0.85, "a"),
            Timed(0.85, 1.0, "e"),
            Timed(1.6, 1.9, "o"),
        ]
    )
    assert emphases(vs) == [0.6, 1.6]  # the first vowel of each phrase
    poses = [head_pose(viseme_at(vs, i / 24)) for i in range(60)]
    assert all(p == 0 for p in poses[:14])  # silence before the line: no motion
    first = poses[14:24]
    assert max(first) == 2 and min(first) >= 0  # dips fully, tilted to one side…
    second = poses[38:48]
    assert min(second) == -2 and max(second) <= 0  # …and to the other side next time
    assert poses[-1] == 0
    # the pose moves the face down a few pixels, about the base of the neck
    img = np.zeros((200, 160, 4), np.uint8)
    img[60:80, 70:90] = 255
    moved = apply_pose(img, "a|n2")
    ys = np.nonzero(moved[:, :, 3] > 127)[0]
    assert 1 <= ys.mean() - 69.5 <= 4
    assert np.array_equal(apply_pose(img, "a"), img)


def test_the_renderer_blinks_and_lip_syncs_with_this_module() -> None:
    """One blink schedule: the compositor's animation functions are these."""
    from screenplay.pictures import animation as pa
    from screenplay.render.motion import animation

    viseme_at, eyes_at, identity = animation()
    assert viseme_at is pa.viseme_at and eyes_at is pa.eyes_at
    assert identity == f"screenplay.pictures.animation:{pa.VERSION}"
