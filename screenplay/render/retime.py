"""Optical-flow retiming: stretch N frames of motion over more frames without stutter.

When a moving clip (a camera move, a morph, rolling credits) must last
longer than the frames it was made with, repeating frames stutters and
cross-fading them ghosts.  Like an editor's "time interpolation: optical
flow", :class:`Retimer` estimates dense motion between neighbouring source
frames with OpenCV's DIS optical flow and *moves* pixels to the in-between
time:

1. flows ``F`` (k → k+1) and ``B`` (k+1 → k) on grey images (DIS, cached per pair);
2. for output time ``a`` ∈ (0, 1) between k and k+1, each output pixel ``x``
   is traced back to where it came from in frame k — the point ``p`` with
   ``p + a·F(p) = x``, solved by fixed-point iteration (sampling ``F`` at the
   current estimate, not at ``x``, is what keeps a moving object whole) —
   and likewise to frame k+1 with ``B`` and ``1 − a``;
3. both neighbours are warped there with ``cv2.remap`` and blended by
   temporal distance, down-weighting pixels whose forward/backward flows
   disagree (they are occluded in the other frame).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

#: Fixed-point iterations when inverting the flow at the in-between time.
_ITERATIONS = 3


class Retimer:
    """Random access to the ``n_out`` frames of ``frames`` stretched by optical flow.

    Output frame ``j`` sits at source position ``j·(N−1)/(n_out−1)``, so the
    first and last output frames are the first and last source frames.
    ``frames`` may be any sequence (e.g. one that renders on access); at most
    two neighbours and one pair of flows are held at a time.  ``preset`` is a
    DIS preset name (``ultrafast``, ``fast``, ``medium``) or ``auto``.
    """

    def __init__(self, frames: Sequence[np.ndarray], n_out: int, *, preset: str = "auto") -> None:
        if len(frames) < 1 or n_out < 1:
            raise ValueError("retime needs at least one source frame and one output frame")
        self.frames = frames
        self.n_out = n_out
        self.preset = preset
        self._pair: tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._dis: Any = None

    def __len__(self) -> int:
        return self.n_out

    def __iter__(self) -> Iterator[np.ndarray]:
        for j in range(self.n_out):
            yield self.frame(j)

    def position(self, j: int) -> tuple[int, float]:
        """(source index k, fraction a) of output frame ``j``."""
        n = len(self.frames)
        if self.n_out == 1 or n == 1:
            return 0, 0.0
        p = j * (n - 1) / (self.n_out - 1)
        k = min(int(math.floor(p + 1e-9)), n - 1)
        a = p - k
        return k, (0.0 if a < 1e-6 else a)

    def frame(self, j: int) -> np.ndarray:
        if not 0 <= j < self.n_out:
            raise IndexError(j)
        k, a = self.position(j)
        if a == 0.0 or k + 1 >= len(self.frames):
            return np.array(self.frames[k], copy=True)
        _, f0, f1, fwd, bwd = self._flows(k)
        return _interpolate(f0, f1, fwd, bwd, a)

    def _flows(self, k: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if self._pair is not None and self._pair[0] == k:
            return self._pair
        import cv2

        f0 = np.ascontiguousarray(self.frames[k])
        f1 = np.ascontiguousarray(self.frames[k + 1])
        if self._dis is None:
            # Small frames can afford DIS "medium" (it resolves motions that are
            # large relative to the frame); at 720p "fast" is accurate and 3× cheaper.
            name = self.preset
            if name == "auto":
                name = "medium" if f0.shape[0] * f0.shape[1] <= 640 * 360 else "fast"
            preset = {
                "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
                "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
                "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
            }[name]
            self._dis = _cv(cv2).DISOpticalFlow_create(preset)
        g0 = cv2.cvtColor(f0, cv2.COLOR_RGB2GRAY)
        g1 = cv2.cvtColor(f1, cv2.COLOR_RGB2GRAY)
        dis = self._dis
        fwd = dis.calc(g0, g1, None)
        bwd = dis.calc(g1, g0, None)
        self._pair = (k, f0, f1, fwd, bwd)
        return self._pair


def retime(frames: Sequence[np.ndarray], n_out: int) -> Iterator[np.ndarray]:
    """Yield ``n_out`` frames spanning ``frames``, in-betweens made by DIS optical flow."""
    yield from Retimer(frames, n_out)


def _cv(module: Any) -> Any:
    # OpenCV's type stubs reject a None second map (which cv2.remap accepts
    # with a two-channel first map) and miss DISOpticalFlow_create.
    return module


_SUM2 = np.array([[1 / 1.5**2, 1 / 1.5**2]], dtype=np.float32)
_GRIDS: dict[tuple[int, int], np.ndarray] = {}


def _grid(h: int, w: int) -> np.ndarray:
    """Pixel coordinates ``(h, w, 2)`` float32 (x, y), cached per size."""

    found = _GRIDS.get((h, w))
    if found is None:
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        found = _GRIDS[(h, w)] = np.dstack([gx, gy])
    return found


def _sample(field: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``field`` (h, w, C) sampled bilinearly at the (x, y) points ``where`` (h, w, 2)."""
    import cv2

    out: np.ndarray = _cv(cv2).remap(
        field, where, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return out


def _trace(flow: np.ndarray, a: float, grid: np.ndarray) -> np.ndarray:
    """Points ``p`` with ``p + a·flow(p) = x`` for every pixel ``x`` (fixed-point iteration)."""
    import cv2

    p: np.ndarray = cv2.scaleAdd(flow, -a, grid)
    for _ in range(_ITERATIONS - 1):
        p = cv2.scaleAdd(_sample(flow, p), -a, grid)
    return p


def _confidence(flow: np.ndarray, other: np.ndarray, p: np.ndarray, weight: float) -> np.ndarray:
    """``weight`` scaled down where the flow at ``p`` is not undone by the opposite flow."""
    import cv2

    f = _sample(flow, p)
    back = _sample(other, cv2.add(p, f))
    s = cv2.add(f, back)
    # |s|² / 1.5² + 1 as one channel, in OpenCV (a numpy reduction over the last axis is slow).
    denom = cv2.transform(cv2.multiply(s, s), _SUM2, None)
    denom = _cv(cv2).add(denom, 1.0)
    out: np.ndarray = cv2.divide(weight, denom)
    return out


def _interpolate(
    f0: np.ndarray, f1: np.ndarray, fwd: np.ndarray, bwd: np.ndarray, a: float
) -> np.ndarray:
    import cv2

    h, w = f0.shape[:2]
    grid = _grid(h, w)
    p = _trace(fwd, a, grid)
    q = _trace(bwd, 1.0 - a, grid)
    warped0 = _cv(cv2).remap(f0, p, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    warped1 = _cv(cv2).remap(f1, q, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # Forward/backward consistency at the traced points: a pixel of frame k
    # whose motion is not undone by the backward flow is hidden in frame k+1
    # (and vice versa), so it should not pull the blend towards itself.
    w0 = _confidence(fwd, bwd, p, 1.0 - a)
    w1 = _confidence(bwd, fwd, q, a)
    out: np.ndarray = cv2.blendLinear(warped0, warped1, w0, w1)
    return out
