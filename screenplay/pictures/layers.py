"""A talking face at one size: a base frame plus mouth and eye patches.

Both kinds of face (procedural portraits in :mod:`screenplay.pictures.engine`
and photographs in :mod:`screenplay.pictures.photo`) pre-render their mouth
shapes and eyelid levels as small patches over one base frame; a video frame
is the base with the current mouth and eyes pasted in.
"""

from __future__ import annotations

import numpy as np

Box = tuple[int, int, int, int]


class FaceLayers:
    """A base frame plus patches for the mouth and eye regions at one size."""

    def __init__(
        self, base: np.ndarray, mouth_box: Box = (0, 0, 0, 0), eye_box: Box = (0, 0, 0, 0)
    ) -> None:
        self.base = base
        self.mouth_box = mouth_box
        self.eye_box = eye_box
        self.mouths: dict[str, np.ndarray] = {}
        self.eyes: dict[int, np.ndarray] = {}

    def compose(self, viseme: str, eye_level: int) -> np.ndarray:
        out = self.base.copy()
        m = self.mouths.get(viseme)
        if m is not None:
            x0, y0, x1, y1 = self.mouth_box
            out[y0:y1, x0:x1] = m
        e = self.eyes.get(eye_level)
        if e is not None:
            x0, y0, x1, y1 = self.eye_box
            out[y0:y1, x0:x1] = e
        return out
