"""Test doubles for the renderer: pictures made of flat colours and simple shapes.

They implement :class:`screenplay.render.assets.AssetProvider` without the
pictures package, deterministically and fast, and they pickle (segment
workers are separate processes).  Faces draw their mouth from the viseme and
their eyes from the openness, so lip-sync and blinking are visible in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from screenplay.backends.protocols import AssetSpec, SceneInfo

MOUTH_OPEN = {"rest": 0.0, "mbp": 0.0, "fv": 0.15, "e": 0.35, "o": 0.6, "a": 0.9}


def spec(kind: str, color: tuple[int, int, int], label: str = "") -> AssetSpec:
    return AssetSpec(kind, "flat", {"color": list(color)}, label=label)  # type: ignore[arg-type]


@dataclass
class FlatFace:
    color: tuple[int, int, int]
    credit: str = "flat face"

    def frame(self, width: int, height: int, viseme: str = "rest", eyes: float = 1.0) -> np.ndarray:
        img = np.zeros((height, width, 4), np.uint8)
        c = (*self.color, 255)
        cx, cy = width // 2, int(height * 0.45)
        cv2.ellipse(img, (cx, cy), (int(width * 0.36), int(height * 0.4)), 0, 0, 360, c, -1)
        ew, eh = max(1, width // 14), max(1, round(height * 0.05 * eyes))
        for ex in (cx - width // 7, cx + width // 7):
            cv2.rectangle(
                img,
                (ex - ew, cy - height // 10 - eh),
                (ex + ew, cy - height // 10 + eh),
                (20, 20, 30, 255),
                -1,
            )
        mh = max(1, round(height * 0.12 * MOUTH_OPEN.get(viseme, 0.3)))
        cv2.rectangle(
            img,
            (cx - width // 8, cy + height // 6 - mh),
            (cx + width // 8, cy + height // 6 + mh),
            (90, 10, 20, 255),
            -1,
        )
        return img


@dataclass
class FlatSet:
    color: tuple[int, int, int]
    credit: str = "flat set"

    def frame(self, width: int, height: int) -> np.ndarray:
        img = np.empty((height, width, 3), np.uint8)
        ramp = np.linspace(0.6, 1.0, height)[:, None, None]
        img[...] = (np.array(self.color)[None, None, :] * ramp).astype(np.uint8)
        # A window and a door: structure for camera moves and optical flow.
        cv2.rectangle(
            img, (width // 8, height // 6), (width // 3, height // 2), (230, 230, 200), -1
        )
        cv2.rectangle(
            img, (int(width * 0.65), height // 3), (int(width * 0.8), height - 1), (60, 40, 30), -1
        )
        return img


class FlatAssets:
    """Faces and sets from the spec's ``color``; morphs are cross-fades of the two faces."""

    identity = "flat-test-assets:1"

    def face(self, spec: AssetSpec) -> FlatFace:
        return FlatFace(tuple(spec.params["color"]))  # type: ignore[arg-type]

    def set(self, spec: AssetSpec, scene: SceneInfo) -> FlatSet:
        return FlatSet(tuple(spec.params["color"]))  # type: ignore[arg-type]

    def morph(self, a: AssetSpec, b: AssetSpec, w: int, h: int) -> Callable[[float], np.ndarray]:
        fa, fb = self.face(a).frame(w, h), self.face(b).frame(w, h)

        def at(t: float) -> np.ndarray:
            return (fa.astype(np.float32) * (1 - t) + fb.astype(np.float32) * t + 0.5).astype(
                np.uint8
            )

        return at


class BrokenFaceAssets(FlatAssets):
    """Like FlatAssets, but a face labelled "broken" is a user error (as a missing file is)."""

    def face(self, spec: AssetSpec) -> FlatFace:
        from screenplay.backends.protocols import BackendError

        if spec.label == "broken":
            raise BackendError("SP0500", "image file not found: broken.png", "check the path")
        return super().face(spec)
