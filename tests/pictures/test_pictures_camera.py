"""Ken Burns camera: identity at rest, exact zoom, smooth subpixel motion, no borders."""

from __future__ import annotations

import cv2
import numpy as np

from screenplay.pictures.camera import apply_camera
from screenplay.timeline import Camera


def pattern(w: int = 320, h: int = 180) -> np.ndarray:
    rng = np.random.default_rng(1)
    img = cv2.GaussianBlur(rng.uniform(0, 255, (h, w, 3)).astype(np.float32), (0, 0), 3)
    return np.clip((img - img.mean()) * 4 + 128, 0, 255).astype(np.uint8)


def test_static_camera_is_identity() -> None:
    img = pattern()
    out = apply_camera(img, Camera(), 0.5, 320, 180)
    assert np.abs(out.astype(int) - img.astype(int)).max() <= 1


def test_zoom_two_shows_the_centre_half() -> None:
    img = pattern()
    out = apply_camera(img, Camera(zoom_start=1.0, zoom_end=2.0), 1.0, 320, 180)
    expected = cv2.resize(img[45:135, 80:240], (320, 180), interpolation=cv2.INTER_LINEAR)
    assert np.abs(out.astype(np.float32) - expected.astype(np.float32)).mean() < 3.0


def test_push_in_is_smooth_subpixel_motion() -> None:
    """Track a feature across 48 frames: its position changes smoothly, no steps."""
    img = np.zeros((720, 1280, 3), np.float32)
    cv2.circle(img, (900, 300), 40, (255, 255, 255), -1, cv2.LINE_AA)
    # a soft blob: its centroid is measured to a hundredth of a pixel
    img = cv2.GaussianBlur(img, (0, 0), 12).astype(np.uint8)
    cam = Camera(zoom_start=1.0, zoom_end=1.15, pan_start=(0.0, 0.0), pan_end=(0.05, 0.0))
    xs = []
    for i in range(48):
        out = apply_camera(img, cam, i / 47, 640, 360)[:, :, 0].astype(np.float64)
        xs.append((out.sum(axis=0) * np.arange(640)).sum() / out.sum())
    steps = np.diff(xs)
    assert (np.abs(steps[1:-1]) > 0.01).all()  # moves every frame, by fractions of a pixel
    assert np.abs(np.diff(steps)).max() < 0.15  # no jitter: velocity changes gently
    assert np.abs(steps).max() < 3.0


def test_pan_never_shows_a_border() -> None:
    img = np.full((180, 320, 3), 200, np.uint8)
    for pan in ((-0.5, -0.5), (0.5, 0.5), (2.0, -2.0)):
        out = apply_camera(
            img, Camera(zoom_start=1.2, zoom_end=1.2, pan_start=pan, pan_end=pan), 0.3, 320, 180
        )
        assert out.min() == 200


def test_other_aspect_and_rgba_and_big_downscale() -> None:
    img = np.dstack([pattern(400, 400), np.full((400, 400), 255, np.uint8)])
    out = apply_camera(img, Camera(zoom_start=1.1, zoom_end=1.0), 0.0, 160, 90)
    assert out.shape == (90, 160, 4)
    big = pattern(3200, 1800)
    small = apply_camera(big, Camera(), 0.0, 160, 90)
    ref = cv2.resize(big, (160, 90), interpolation=cv2.INTER_AREA)
    assert np.abs(small.astype(np.float32) - ref.astype(np.float32)).mean() < 6.0


def test_pan_is_in_fractions_of_the_picture_like_the_films() -> None:
    """One camera path: a pan of +0.1 at zoom 2 centres the view at 60 % of the picture."""
    img = np.zeros((360, 640, 3), np.uint8)
    cv2.circle(img, (384, 180), 6, (255, 255, 255), -1)  # x = 0.6 of the width
    cam = Camera(zoom_start=2.0, zoom_end=2.0, pan_start=(0.1, 0.0), pan_end=(0.1, 0.0))
    out = apply_camera(img, cam, 0.5, 320, 180)[:, :, 0].astype(np.float64)
    x = (out.sum(axis=0) * np.arange(320)).sum() / out.sum()
    assert abs(x - 160) < 1.0


def test_the_renderer_uses_this_camera_path() -> None:
    from screenplay.pictures import camera
    from screenplay.render import layers, stage

    assert stage.window_centre is camera.window_centre
    assert layers.ease is camera.ease and layers.cover is camera.cover
