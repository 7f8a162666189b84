"""Face morphs (``MORPH TO:``), in the spirit of the Artbreeder transitions of *The Empty Room*.

:func:`morph_frames` picks the best method the two faces allow:

* two procedural portraits → **parameter interpolation**: every continuous
  feature (proportions, colours, age) is interpolated and the face is
  repainted, so the in-between frames are real faces, not double exposures;
  discrete features (hair style, clothing…) cross-fade between two repaints;
* two photos with landmarks → **Delaunay landmark warp + cross-dissolve**:
  both images are warped piecewise-linearly onto the interpolated landmark
  shape and blended;
* anything else → **optical-flow morph**: OpenCV DIS flow in both directions,
  each image pushed along its flow by t, then blended.

The returned callable maps t ∈ [0, 1] to an RGBA uint8 frame; t = 0 is the
first face, t = 1 the second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from screenplay.backends.protocols import Face


def _ease(t: float) -> float:
    t = float(np.clip(t, 0.0, 1.0))
    return t * t * (3 - 2 * t)


def _blend(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    return cv2.addWeighted(a, 1.0 - t, b, t, 0.0)


def _rgba(img: np.ndarray) -> np.ndarray:
    if img.shape[2] == 4:
        return img
    return np.dstack([img, np.full(img.shape[:2], 255, np.uint8)])


def _portrait_morph(a: Any, b: Any, width: int, height: int) -> Callable[[float], np.ndarray]:
    from screenplay.pictures import portrait

    def at(t: float) -> np.ndarray:
        if t <= 0.0:
            return np.asarray(a.frame(width, height))
        if t >= 1.0:
            return np.asarray(b.frame(width, height))
        k = _ease(t)
        mid = portrait.lerp_look(a.look, b.look, k)
        first = portrait.render(mid, width, height).rgba8()
        if portrait.with_discrete(mid, b.look) == mid:
            return first
        second = portrait.render(portrait.with_discrete(mid, b.look), width, height).rgba8()
        return _blend(first, second, k)

    return at


def _border_points(width: int, height: int, n: int = 6) -> np.ndarray:
    ts = np.linspace(0.0, 1.0, n)
    w, h = width - 1, height - 1
    pts = [(t * w, 0) for t in ts] + [(t * w, h) for t in ts]
    pts += [(0, t * h) for t in ts[1:-1]] + [(w, t * h) for t in ts[1:-1]]
    return np.array(pts, dtype=np.float64)


def _warp_to(
    img: np.ndarray, src: np.ndarray, dst: np.ndarray, width: int, height: int
) -> np.ndarray:
    """Piecewise-affine warp (Delaunay on ``dst``) moving ``src`` points onto ``dst``."""
    from screenplay.pictures.photo import piecewise_linear

    step = 4  # the map is piecewise linear: evaluate on a coarse grid, upsample
    gx, gy = np.meshgrid(
        np.arange(0, width + step, step, dtype=np.float64),
        np.arange(0, height + step, step, dtype=np.float64),
    )
    m = piecewise_linear(dst, src, gx, gy)
    bad = np.isnan(m[..., 0])
    m[bad, 0], m[bad, 1] = gx[bad], gy[bad]
    mx = cv2.resize(
        m[..., 0].astype(np.float32), None, fx=step, fy=step, interpolation=cv2.INTER_LINEAR
    )
    my = cv2.resize(
        m[..., 1].astype(np.float32), None, fx=step, fy=step, interpolation=cv2.INTER_LINEAR
    )
    return cv2.remap(
        img,
        mx[:height, :width],
        my[:height, :width],
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _landmark_morph(
    a: Any, b: Any, la: np.ndarray, lb: np.ndarray, width: int, height: int
) -> Callable[[float], np.ndarray]:
    fa, fb = _rgba(a.frame(width, height)), _rgba(b.frame(width, height))
    border = _border_points(width, height)
    pa = np.vstack([la[:468], border])
    pb = np.vstack([lb[:468], border])

    def at(t: float) -> np.ndarray:
        if t <= 0.0:
            return fa.copy()
        if t >= 1.0:
            return fb.copy()
        k = _ease(t)
        mid = pa + (pb - pa) * k
        wa = _warp_to(fa, pa, mid, width, height)
        wb = _warp_to(fb, pb, mid, width, height)
        return _blend(wa, wb, k)

    return at


def _flow_morph(fa: np.ndarray, fb: np.ndarray) -> Callable[[float], np.ndarray]:
    fa, fb = _rgba(fa), _rgba(fb)
    h, w = fa.shape[:2]
    ga = cv2.cvtColor(fa[:, :, :3], cv2.COLOR_RGB2GRAY)
    gb = cv2.cvtColor(fb[:, :, :3], cv2.COLOR_RGB2GRAY)
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)  # type: ignore[attr-defined]
    f_ab = dis.calc(ga, gb, None)  # where each pixel of A goes in B
    f_ba = dis.calc(gb, ga, None)
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))

    def at(t: float) -> np.ndarray:
        if t <= 0.0:
            return fa.copy()
        if t >= 1.0:
            return fb.copy()
        k = _ease(t)
        wa = cv2.remap(fa, *_inverse(f_ab, k), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        wb = cv2.remap(
            fb, *_inverse(f_ba, 1 - k), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        return _blend(wa, wb, k)

    def _inverse(flow: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
        """Sampling maps for pushing an image by ``k`` × ``flow``.

        The flow is anchored at the *source* pixels, but a backward warp needs
        it at the *target* pixels: solve ``q = p - k·flow(q)`` by fixed-point
        iteration (a few steps converge for smooth flow), so a moving object
        arrives whole instead of leaving a ghost where it started.
        """
        qx, qy = gx - k * flow[..., 0], gy - k * flow[..., 1]
        for _ in range(3):
            # both flow components in one remap of the 2-channel field
            at_q = cv2.remap(flow, qx, qy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            qx, qy = gx - k * at_q[..., 0], gy - k * at_q[..., 1]
        return qx, qy

    return at


def morph_method(a: Face, b: Face, width: int, height: int) -> str:
    """Which method :func:`morph_frames` uses: "parameters", "landmarks" or "flow"."""
    from screenplay.pictures.engine import PhotoFace, PortraitFace

    if isinstance(a, PortraitFace) and isinstance(b, PortraitFace):
        return "parameters"
    if isinstance(a, PhotoFace) and isinstance(b, PhotoFace):
        if (
            a.frame_landmarks(width, height) is not None
            and b.frame_landmarks(width, height) is not None
        ):
            return "landmarks"
    return "flow"


def morph_frames(a: Face, b: Face, width: int, height: int) -> Callable[[float], np.ndarray]:
    """A function t ∈ [0, 1] → RGBA uint8 frame morphing face ``a`` into face ``b``."""
    method = morph_method(a, b, width, height)
    if method == "parameters":
        return _portrait_morph(a, b, width, height)
    if method == "landmarks":
        la = a.frame_landmarks(width, height)  # type: ignore[attr-defined]
        lb = b.frame_landmarks(width, height)  # type: ignore[attr-defined]
        return _landmark_morph(a, b, la, lb, width, height)
    return _flow_morph(a.frame(width, height), b.frame(width, height))
