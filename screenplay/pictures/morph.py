"""Face morphs (``MORPH TO:``), in the spirit of the Artbreeder transitions of *The Empty Room*.

:func:`morph_frames` picks the best method the two faces allow:

* two procedural portraits → **parameter interpolation**: every continuous
  feature (proportions, colours, age) is interpolated and the face is
  repainted, so the in-between frames are real faces, not double exposures;
  discrete features (hair style, clothing…) cross-fade between two repaints;
* any other pair of faces with landmarks (photo↔photo, photo↔portrait) →
  the classic **face morph**: corresponding points (the 478-point MediaPipe
  mesh of a photo; a procedural portrait's own known landmarks, numbered as
  mesh points — :func:`screenplay.pictures.portrait.landmarks`) are paired
  index for index, the shape is interpolated, both RGBA frames are warped
  piecewise-affinely onto it (Delaunay triangles, plus the frame border so
  the background stays put) and cross-dissolved.  The cut-outs' silhouettes
  are paired too (rays from the face to the edge of each alpha mask, over
  the hair and along the shoulders), so one head of hair *becomes* the other
  instead of fading through it; alpha is warped and mixed with the colour,
  so the masks blend over the set instead of two rectangles;
* a face without landmarks (a photo with no detectable face) →
  **optical-flow morph**: OpenCV DIS flow in both directions, each image
  pushed along its flow by t, then blended.

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
    from screenplay.pictures.photo import mesh_map

    mx, my = mesh_map(dst, src, 0, 0, width, height, step=2)
    return cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def face_points(face: Any, width: int, height: int) -> dict[int, np.ndarray] | None:
    """Mesh index → frame pixel position for ``face`` at this size, or None if unknown."""
    from screenplay.pictures import portrait
    from screenplay.pictures.engine import PortraitFace
    from screenplay.pictures.photo import PhotoFace

    if isinstance(face, PortraitFace):
        return {k: np.asarray(v) for k, v in portrait.landmarks(face.look, width, height).items()}
    if isinstance(face, PhotoFace):
        lm = face.frame_landmarks(width, height)
        if lm is None:
            return None
        return {i: lm[i] for i in range(min(468, len(lm)))}
    return None


#: Directions (degrees, y down) of the rays that find the silhouette: over the head
#: (the hair) and out along the shoulders.
_SILHOUETTE_RAYS = (-170, -150, -130, -110, -90, -70, -50, -30, -10, 10, 170, 25, 155)


def silhouette_points(alpha: np.ndarray, centre: np.ndarray) -> dict[int, np.ndarray]:
    """Where rays from ``centre`` leave the cut-out (alpha ≥ 128), by ray angle.

    A ray that reaches the frame's edge still inside (a body cut by the
    frame, an opaque backdrop) has no silhouette point and is left out.
    """
    h, w = alpha.shape
    out: dict[int, np.ndarray] = {}
    steps = np.arange(0, float(np.hypot(w, h)), 1.0)
    for deg in _SILHOUETTE_RAYS:
        d = np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))])
        pts = centre[None, :] + steps[:, None] * d[None, :]
        xi, yi = np.round(pts[:, 0]).astype(int), np.round(pts[:, 1]).astype(int)
        in_frame = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        n = len(steps) if in_frame.all() else int(np.argmin(in_frame))
        if n < 2:
            continue
        solid = alpha[yi[:n], xi[:n]] >= 128
        gone = np.flatnonzero(~solid)
        if not solid[0] or gone.size == 0:
            continue  # starts outside, or still inside at the frame's edge
        out[deg] = pts[max(0, int(gone[0]) - 1)]
    return out


def correspondence(a: Any, b: Any, width: int, height: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Paired points (n, 2) of ``a`` and ``b``.

    The mesh indices both faces know, the silhouettes of both cut-outs (hair
    and shoulders, paired by ray direction from the face), and the frame
    border (pinned, so the set behind stays still).
    """
    pa, pb = face_points(a, width, height), face_points(b, width, height)
    if pa is None or pb is None:
        return None
    common = sorted(set(pa) & set(pb))
    if len(common) < 12:
        return None
    la = [np.array([pa[i] for i in common])]
    lb = [np.array([pb[i] for i in common])]
    anchor = [i for i in (33, 263, 152) if i in pa and i in pb]
    if len(anchor) == 3:
        fa, fb = _rgba(a.frame(width, height)), _rgba(b.frame(width, height))
        sa = silhouette_points(fa[:, :, 3], np.mean([pa[i] for i in anchor], axis=0))
        sb = silhouette_points(fb[:, :, 3], np.mean([pb[i] for i in anchor], axis=0))
        both = sorted(set(sa) & set(sb))
        if both:
            la.append(np.array([sa[k] for k in both]))
            lb.append(np.array([sb[k] for k in both]))
    border = _border_points(width, height)
    return np.vstack([*la, border]), np.vstack([*lb, border])


def _premultiply(img: np.ndarray) -> np.ndarray:
    a = img[:, :, 3:4].astype(np.float32) / 255.0
    return np.dstack([img[:, :, :3].astype(np.float32) * a, img[:, :, 3:4].astype(np.float32)])


def _landmark_morph(
    a: Any, b: Any, la: np.ndarray, lb: np.ndarray, width: int, height: int
) -> Callable[[float], np.ndarray]:
    fa, fb = _rgba(a.frame(width, height)), _rgba(b.frame(width, height))
    # warp premultiplied colour, so transparent pixels carry no colour into the blend
    pa, pb = _premultiply(fa), _premultiply(fb)

    def at(t: float) -> np.ndarray:
        if t <= 0.0:
            return fa.copy()
        if t >= 1.0:
            return fb.copy()
        k = _ease(t)
        mid = la + (lb - la) * k
        wa = _warp_to(pa, la, mid, width, height)
        wb = _warp_to(pb, lb, mid, width, height)
        out = wa * (1.0 - k) + wb * k
        alpha = out[:, :, 3:4]
        rgb = out[:, :, :3] / np.maximum(alpha / 255.0, 1e-3)
        return np.clip(np.dstack([rgb, alpha]) + 0.5, 0, 255).astype(np.uint8)

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
    from screenplay.pictures.engine import PortraitFace

    if isinstance(a, PortraitFace) and isinstance(b, PortraitFace):
        return "parameters"
    if correspondence(a, b, width, height) is not None:
        return "landmarks"
    return "flow"


def morph_frames(a: Face, b: Face, width: int, height: int) -> Callable[[float], np.ndarray]:
    """A function t ∈ [0, 1] → RGBA uint8 frame morphing face ``a`` into face ``b``."""
    method = morph_method(a, b, width, height)
    if method == "parameters":
        return _portrait_morph(a, b, width, height)
    if method == "landmarks":
        pair = correspondence(a, b, width, height)
        assert pair is not None
        return _landmark_morph(a, b, pair[0], pair[1], width, height)
    return _flow_morph(a.frame(width, height), b.frame(width, height))
