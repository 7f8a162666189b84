"""Camera moves on still images (Ken Burns): a slow push-in, pull-out or pan.

The move is one affine transform per frame, interpolated with an ease-in-out
curve and applied by ``cv2.warpAffine`` with bilinear sampling, so the
image glides by fractions of a pixel instead of stepping a whole pixel every
few frames (the jitter of crop-and-resize implementations).  The visible
window is clamped to stay inside the image, so no border ever shows.
"""

from __future__ import annotations

import cv2
import numpy as np

from screenplay.timeline import Camera


def _ease(t: float) -> float:
    t = float(np.clip(t, 0.0, 1.0))
    return t * t * (3.0 - 2.0 * t)


def camera_matrix(
    image_size: tuple[int, int], camera: Camera, t: float, width: int, height: int
) -> np.ndarray:
    """The 2×3 matrix mapping image to output coordinates at time ``t`` ∈ [0, 1].

    Coordinates are continuous with pixel *edges* at integers (the image
    spans [0, iw]); :func:`apply_camera` converts to OpenCV's pixel-centre
    convention.
    """
    iw, ih = image_size
    k = _ease(t)
    zoom = max(1.0, camera.zoom_start + (camera.zoom_end - camera.zoom_start) * k)
    px = camera.pan_start[0] + (camera.pan_end[0] - camera.pan_start[0]) * k
    py = camera.pan_start[1] + (camera.pan_end[1] - camera.pan_start[1]) * k
    s = max(width / iw, height / ih) * zoom  # cover the frame, then zoom in
    # centre of the view in image pixels; pan is in fractions of the output frame
    cx = iw / 2 + px * width / s
    cy = ih / 2 + py * height / s
    half_w, half_h = width / (2 * s), height / (2 * s)
    cx = float(np.clip(cx, half_w, iw - half_w))
    cy = float(np.clip(cy, half_h, ih - half_h))
    return np.array([[s, 0.0, width / 2 - cx * s], [0.0, s, height / 2 - cy * s]], dtype=np.float64)


def apply_camera(
    image: np.ndarray, camera: Camera, t: float, width: int, height: int
) -> np.ndarray:
    """``image`` through ``camera`` at shot progress ``t`` in [0, 1], sized ``width``×``height``."""
    ih, iw = image.shape[:2]
    m = camera_matrix((iw, ih), camera, t, width, height)
    src = image
    # A downscale would alias under bilinear sampling: shrink with area averaging first.
    # The shrink factor is the smallest scale of the whole shot (not this frame's), so
    # every frame samples the same pre-shrunk image and the motion stays smooth.
    s_min = max(width / iw, height / ih) * max(1.0, min(camera.zoom_start, camera.zoom_end))
    m = m.copy()
    if s_min < 0.9:
        pw, ph = max(1, round(iw * s_min)), max(1, round(ih * s_min))
        src = cv2.resize(image, (pw, ph), interpolation=cv2.INTER_AREA)
        m[0, 0] /= pw / iw
        m[1, 1] /= ph / ih
    # edges-at-integers → OpenCV's centres-at-integers: out + ½ = s·(in + ½) + t
    m[0, 2] += 0.5 * m[0, 0] - 0.5
    m[1, 2] += 0.5 * m[1, 1] - 0.5
    return cv2.warpAffine(
        src, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
