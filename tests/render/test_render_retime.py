"""Optical-flow retiming: in-betweens move pixels instead of cross-fading them."""

from __future__ import annotations

import numpy as np
import pytest

from screenplay.render.retime import Retimer, retime

TEXTURE = (np.random.default_rng(1).random((24, 24, 3)) * 200 + 55).astype(np.uint8)


def background() -> np.ndarray:
    im = np.full((72, 128, 3), 30, np.uint8)
    im[..., 1] = np.linspace(20, 80, 128)[None, :].astype(np.uint8)
    return im


def scene(x: int) -> np.ndarray:
    """A textured square at column ``x`` over a smooth background (128×72)."""
    im = background()
    im[24:48, x : x + 24] = TEXTURE
    return im


def test_inbetween_lands_at_the_intermediate_position() -> None:
    src = [scene(20), scene(36)]
    frames = list(retime(src, 3))
    assert len(frames) == 3
    np.testing.assert_array_equal(frames[0], src[0])
    np.testing.assert_array_equal(frames[2], src[1])
    mid = frames[1].astype(int)
    truth = scene(28).astype(int)
    crossfade = (src[0].astype(int) + src[1].astype(int)) / 2
    err_flow = np.abs(mid - truth).mean()
    err_fade = np.abs(crossfade - truth).mean()
    assert err_flow < 1.0, err_flow
    assert err_flow < err_fade / 5
    # Not a double exposure: where the square was at the start (and no longer
    # is at the half-way point) the background shows, not a faded square.
    ghost = np.abs(mid[24:48, 20:27] - truth[24:48, 20:27]).mean()
    assert ghost < 4.0, ghost
    # And the square's texture is intact at its new place.
    assert np.abs(mid[26:46, 30:50] - truth[26:46, 30:50]).mean() < 2.0


def test_stretch_positions_and_random_access() -> None:
    src = [scene(10 + 8 * k) for k in range(4)]
    r = Retimer(src, 10)
    assert [r.position(j)[0] for j in (0, 9)] == [0, 3]
    assert r.position(3) == (1, 0.0)  # 3·3/9 = 1 exactly: a source frame
    # Random access equals sequential iteration.
    seq = list(r)
    np.testing.assert_array_equal(Retimer(src, 10).frame(5), seq[5])

    # Output motion is monotonic: the square's centroid moves right every frame.
    def centroid(im: np.ndarray) -> float:
        diff = np.abs(im.astype(int) - background().astype(int)).sum(axis=2)
        cols = diff[24:48].sum(axis=0)
        return float((cols * np.arange(128)).sum() / cols.sum())

    xs = [centroid(f) for f in seq]
    assert all(b > a for a, b in zip(xs, xs[1:], strict=False)), xs


def test_degenerate_inputs() -> None:
    one = [scene(5)]
    assert len(list(retime(one, 4))) == 4
    with pytest.raises(ValueError):
        Retimer([], 3)
    with pytest.raises(IndexError):
        Retimer(one, 2).frame(2)
