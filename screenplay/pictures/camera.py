"""Camera moves on still images (Ken Burns): the one camera path of the project.

A :class:`~screenplay.timeline.Camera` is a window on a picture: ``zoom``
(1 = the whole frame) and ``pan`` (the window's centre offset from the
middle, in fractions of the picture), each moving from start to end with a
cosine ease.  :func:`window_centre` is that path; the compositor's sets, the
stage renderer's framings and :func:`apply_camera` (tests, docs, tools) all
use it, so a move looks the same wherever it is drawn.

The picture is first scaled to cover the frame at the move's largest zoom
(at most 2×), then sampled through one affine transform per frame with
bilinear interpolation, so the image glides by fractions of a pixel instead
of stepping a whole pixel every few frames.  The window is clamped inside the
picture, so no border ever shows.
"""

from __future__ import annotations

import math

import numpy as np

from screenplay.timeline import Camera

#: The set is drawn at most this many times the frame size for a push-in.
MAX_SCALE = 2.0


def ease(t: float) -> float:
    """Cosine ease-in-out on 0…1: camera moves and morphs start and stop gently."""
    t = min(1.0, max(0.0, t))
    return 0.5 - 0.5 * math.cos(math.pi * t)


def moves(camera: Camera) -> bool:
    return camera.zoom_start != camera.zoom_end or camera.pan_start != camera.pan_end


def window_centre(camera: Camera, t: float) -> tuple[float, float, float, float]:
    """(zoom, centre x, centre y, half width) of the visible window at progress ``t``.

    Normalized image coordinates, the window kept inside the image: the one
    camera path for stages, sets and :func:`apply_camera`.
    """
    e = ease(t)
    zoom = max(1.0, camera.zoom_start + (camera.zoom_end - camera.zoom_start) * e)
    px = camera.pan_start[0] + (camera.pan_end[0] - camera.pan_start[0]) * e
    py = camera.pan_start[1] + (camera.pan_end[1] - camera.pan_start[1]) * e
    half = 0.5 / zoom
    cx = min(1.0 - half, max(half, 0.5 + px))
    cy = min(1.0 - half, max(half, 0.5 + py))
    return zoom, cx, cy, half


def source_scale(camera: Camera) -> float:
    """How many times the frame size the picture is drawn for ``camera``'s move."""
    return min(MAX_SCALE, max(1.0, camera.zoom_start, camera.zoom_end))


def view_matrix(
    source_size: tuple[int, int], camera: Camera, t: float, width: int, height: int
) -> np.ndarray:
    """The inverse 2×3 map (output pixel → source pixel) of ``camera`` at ``t``.

    For ``cv2.warpAffine(..., flags=INTER_LINEAR | WARP_INVERSE_MAP)`` on a
    source of ``source_size`` = (w, h); output pixel centre ``x + 0.5`` maps
    to source ``(cx - half) * sw + (x + 0.5) * sx - 0.5``.
    """
    zoom, cx, cy, half = window_centre(camera, t)
    sw, sh = source_size
    sx = sw / (zoom * width)
    sy = sh / (zoom * height)
    return np.array(
        [
            [sx, 0.0, (cx - half) * sw + 0.5 * sx - 0.5],
            [0.0, sy, (cy - half) * sh + 0.5 * sy - 0.5],
        ],
        dtype=np.float64,
    )


def cover(image: np.ndarray, w: int, h: int) -> np.ndarray:
    """Scale and centre-crop ``image`` to exactly ``w``×``h`` (no letterboxing)."""
    import cv2

    ih, iw = image.shape[:2]
    if (iw, ih) == (w, h):
        return image
    scale = max(w / iw, h / ih)
    nw, nh = max(w, math.ceil(iw * scale)), max(h, math.ceil(ih * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, (nw, nh), interpolation=interp)
    x0, y0 = (nw - w) // 2, (nh - h) // 2
    out: np.ndarray = resized[y0 : y0 + h, x0 : x0 + w]
    return out


def warp_view(source: np.ndarray, camera: Camera, t: float, width: int, height: int) -> np.ndarray:
    """``source`` (already drawn at :func:`source_scale`) seen through ``camera`` at ``t``."""
    import cv2

    if not moves(camera) and camera.zoom_start == 1.0 and camera.pan_start == (0.0, 0.0):
        sh, sw = source.shape[:2]
        return source if (sw, sh) == (width, height) else cover(source, width, height)
    sh, sw = source.shape[:2]
    m = view_matrix((sw, sh), camera, t, width, height)
    out: np.ndarray = cv2.warpAffine(
        source,
        m,
        (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REFLECT,
    )
    return out


def apply_camera(
    image: np.ndarray, camera: Camera, t: float, width: int, height: int
) -> np.ndarray:
    """``image`` through ``camera`` at shot progress ``t`` in [0, 1], sized ``width``×``height``."""
    scale = source_scale(camera)
    source = cover(image, math.ceil(width * scale), math.ceil(height * scale))
    return warp_view(np.ascontiguousarray(source), camera, t, width, height)
