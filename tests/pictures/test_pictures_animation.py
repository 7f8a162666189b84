"""Blink schedule and viseme lookup."""

from __future__ import annotations

import numpy as np

from screenplay.backends.protocols import Timed
from screenplay.pictures.animation import blink_starts, eyes_at, index_visemes, viseme_at


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
    assert viseme_at(vs, 0.05) == "mbp"
    assert viseme_at(vs, 0.1) == "a"
    assert viseme_at(vs, 0.27) == "rest"  # a gap
    assert viseme_at(vs, 0.45) == "rest"  # unknown label
    assert viseme_at(vs, 9.0) == "rest" and viseme_at([], 0.0) == "rest"
    shuffled = [vs[2], vs[0], vs[3], vs[1]]
    indexed = index_visemes(shuffled)
    for t in np.linspace(-0.1, 0.6, 71):
        assert (
            viseme_at(shuffled, float(t)) == viseme_at(vs, float(t)) == viseme_at(indexed, float(t))
        )
