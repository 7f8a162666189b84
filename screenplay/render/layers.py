"""Small, fast image operations the compositor is built from.

Everything works on ``uint8`` numpy arrays (RGB ``(h, w, 3)``, RGBA
``(h, w, 4)``) with integer arithmetic where possible: a 720p film is
composited at hundreds of frames per second only because layers are cached
and these operations touch as few pixels as they can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The camera path (and the cover-crop it scales with) has one owner: pictures.camera.
from screenplay.pictures.camera import cover as cover
from screenplay.pictures.camera import ease as ease

if TYPE_CHECKING:
    import numpy as np


def over(dst: np.ndarray, rgba: np.ndarray, x: int, y: int) -> None:
    """Alpha-composite ``rgba`` onto ``dst`` (RGB, modified in place) with its top-left at (x, y).

    Parts outside ``dst`` are clipped; only the bounding box is touched.
    """
    import numpy as np

    h, w = dst.shape[:2]
    sh, sw = rgba.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(w, x + sw), min(h, y + sh)
    if x0 >= x1 or y0 >= y1:
        return
    src = rgba[y0 - y : y1 - y, x0 - x : x1 - x]
    alpha = src[..., 3:4].astype(np.uint16)
    region = dst[y0:y1, x0:x1]
    mixed = src[..., :3].astype(np.uint16) * alpha + region.astype(np.uint16) * (255 - alpha)
    # Exact round(mixed / 255) for mixed <= 255*255, without a division.
    mixed += 128
    mixed += mixed >> 8
    region[...] = (mixed >> 8).astype(np.uint8)


def mix(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """``a`` blended into ``b`` by ``t`` (0 → a, 1 → b), as a new RGB array."""
    import cv2

    if t <= 0.0:
        return a.copy()
    if t >= 1.0:
        return b.copy()
    out: np.ndarray = cv2.addWeighted(a, 1.0 - t, b, t, 0.0)
    return out


def darken(a: np.ndarray, level: float) -> np.ndarray:
    """``a`` scaled towards black: ``level`` 1 keeps it, 0 is black."""
    import cv2
    import numpy as np

    if level >= 1.0:
        return a.copy()
    if level <= 0.0:
        return np.zeros_like(a)
    out: np.ndarray = cv2.convertScaleAbs(a, alpha=level)
    return out
