"""The pictures backend: turns face and set specs into drawable objects.

``backend()`` returns a :class:`PictureBackend` (the protocol in
:mod:`screenplay.backends.protocols`).  Faces are built for speed when they
talk: the first ``frame()`` at a given size paints a base layer plus one
small patch per viseme (mouth region) and per eye level (eye region), and
every later frame is a copy of the base with two patches pasted in — well
above 100 frames per second at 1280×720 on one core (docs/pictures.md).
Layers of procedural portraits are also kept in the on-disk cache
(namespace ``faces``); procedural sets in namespace ``sets``; landmarks of a
photo in ``faces`` keyed by the file's content.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from screenplay.backends.protocols import VISEMES, AssetSpec, SceneInfo
from screenplay.cache import Cache, digest
from screenplay.pictures import portrait, sets
from screenplay.pictures.errors import BAD_PICTURE_PARAM, BackendError, BackendWarning

#: Identifies everything that decides pictures' pixels; the renderer keys its
#: segment cache on it, so bumping a drawing style re-renders affected shots.
ENGINE_VERSION = f"2.p{portrait.STYLE_VERSION}.s{sets.STYLE_VERSION}"
#: Eye openness is quantised to this many steps (a 150 ms blink is 3–4 frames at 24 fps).
EYE_LEVELS = 8

Box = tuple[int, int, int, int]


def _eye_index(eyes: float) -> int:
    return int(round(float(np.clip(eyes, 0.0, 1.0)) * EYE_LEVELS))


class _Layers:
    """A base frame plus patches for the mouth and eye regions at one size."""

    def __init__(self, base: np.ndarray, mouth_box: Box, eye_box: Box) -> None:
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


class PortraitFace:
    """A procedural portrait (see :mod:`.portrait`)."""

    def __init__(self, look: portrait.Look, credit: str, cache: Cache | None = None) -> None:
        self.look = look
        self.credit = credit
        self._cache = cache
        self._layers: dict[tuple[int, int], _Layers] = {}

    def _build(self, width: int, height: int) -> _Layers:
        boxes = portrait.regions(self.look, width, height)
        key = digest("portrait-layers", ENGINE_VERSION, self.look.cache_key(), width, height)
        if self._cache is not None:
            got = self._cache.get_arrays("faces", key)
            if got is not None:
                layers = _Layers(got["base"], boxes["mouth"], boxes["eyes"])
                layers.mouths = {v: got[f"mouth_{v}"] for v in VISEMES}
                layers.eyes = {i: got[f"eyes_{i}"] for i in range(EYE_LEVELS + 1)}
                return layers
        base = portrait.render(self.look, width, height).rgba8()
        layers = _Layers(base, boxes["mouth"], boxes["eyes"])
        for v in VISEMES:
            layers.mouths[v] = portrait.render(
                self.look, width, height, viseme=v, roi=boxes["mouth"]
            ).rgba8()
        for i in range(EYE_LEVELS + 1):
            layers.eyes[i] = portrait.render(
                self.look, width, height, eyes=i / EYE_LEVELS, roi=boxes["eyes"]
            ).rgba8()
        if self._cache is not None:
            arrays = {"base": base}
            arrays.update({f"mouth_{v}": p for v, p in layers.mouths.items()})
            arrays.update({f"eyes_{i}": p for i, p in layers.eyes.items()})
            self._cache.put_arrays("faces", key, **arrays)
        return layers

    def frame(self, width: int, height: int, viseme: str = "rest", eyes: float = 1.0) -> np.ndarray:
        layers = self._layers.get((width, height))
        if layers is None:
            layers = self._layers[(width, height)] = self._build(width, height)
        return layers.compose(viseme if viseme in layers.mouths else "rest", _eye_index(eyes))

    def render_exact(
        self, width: int, height: int, viseme: str = "rest", eyes: float = 1.0
    ) -> np.ndarray:
        """A full repaint (no layer cache); used by morphs and tests."""
        return portrait.render(self.look, width, height, viseme, eyes).rgba8()


class PhotoFace:
    """The writer's photo; talks and blinks by mesh warping when a face is found."""

    def __init__(self, image: np.ndarray, landmarks: np.ndarray | None, credit: str) -> None:
        self.image = image
        self.landmarks = landmarks
        self.credit = credit
        self._layers: dict[tuple[int, int], _Layers] = {}
        self._frame_lm: dict[tuple[int, int], np.ndarray | None] = {}

    def _fit(self, width: int, height: int) -> tuple[np.ndarray, np.ndarray | None]:
        from screenplay.pictures.photo import cover_fit, fit_image

        h, w = self.image.shape[:2]
        focus: tuple[float, float] | None = None
        zoom = 1.0
        if self.landmarks is not None:
            fx, fy = self.landmarks[[33, 263, 13, 152]].mean(axis=0)  # eyes, mouth, chin
            focus = (float(fx), float(fy))
            face_h = float(self.landmarks[:, 1].max() - self.landmarks[:, 1].min())
            # frame the face like the procedural close-ups: about half the frame height
            zoom = max(1.0, (0.5 * height) / (face_h * max(width / w, height / h)))
            zoom = min(zoom, 3.0)
        s, tx, ty = cover_fit((w, h), width, height, focus, zoom)
        img = fit_image(self.image, width, height, s, tx, ty)
        if img.shape[2] == 3:
            img = np.dstack([img, np.full(img.shape[:2], 255, np.uint8)])
        lm = None if self.landmarks is None else self.landmarks * s + (tx, ty)
        return np.ascontiguousarray(img), lm

    def frame_landmarks(self, width: int, height: int) -> np.ndarray | None:
        if (width, height) not in self._frame_lm:
            self._layers_for(width, height)
        return self._frame_lm[(width, height)]

    def _layers_for(self, width: int, height: int) -> _Layers:
        layers = self._layers.get((width, height))
        if layers is not None:
            return layers
        base, lm = self._fit(width, height)
        self._frame_lm[(width, height)] = lm
        if lm is None:
            layers = _Layers(base, (0, 0, 0, 0), (0, 0, 0, 0))
        else:
            layers = _Layers(base, *self._boxes(lm, width, height))
        self._layers[(width, height)] = layers
        return layers

    @staticmethod
    def _boxes(lm: np.ndarray, width: int, height: int) -> tuple[Box, Box]:
        from screenplay.pictures.photo import CHIN, EYE_RING, LIPS_OUTER

        mw = float(np.linalg.norm(lm[291] - lm[61]))
        mouth_pts = lm[LIPS_OUTER + CHIN]
        eye_pts = lm[EYE_RING[0] + EYE_RING[1]]
        ew = float(np.linalg.norm(lm[133] - lm[33]))

        def clamp(x0: float, y0: float, x1: float, y1: float) -> Box:
            return (
                max(int(x0), 0),
                max(int(y0), 0),
                min(int(np.ceil(x1)), width),
                min(int(np.ceil(y1)), height),
            )

        ebox = clamp(
            eye_pts[:, 0].min() - ew * 0.5,
            eye_pts[:, 1].min() - ew * 0.6,
            eye_pts[:, 0].max() + ew * 0.5,
            eye_pts[:, 1].max() + ew * 0.6,
        )
        mbox = clamp(
            mouth_pts[:, 0].min() - mw * 0.4,
            lm[2, 1],
            mouth_pts[:, 0].max() + mw * 0.4,
            mouth_pts[:, 1].max() + mw * 0.6,
        )
        if ebox[3] > mbox[1]:
            mid = (ebox[3] + mbox[1]) // 2
            ebox, mbox = (ebox[0], ebox[1], ebox[2], mid), (mbox[0], mid, mbox[2], mbox[3])
        return mbox, ebox

    def _mouth_patch(self, layers: _Layers, lm: np.ndarray, viseme: str) -> np.ndarray:
        import cv2

        from screenplay.pictures.photo import mouth_points, warp_region

        x0, y0, x1, y1 = layers.mouth_box
        if viseme in ("rest", "mbp") or x1 <= x0 or y1 <= y0:
            return layers.base[y0:y1, x0:x1].copy()
        src, dst, gap = mouth_points(lm, viseme)
        patch = warp_region(layers.base, src, dst, layers.mouth_box).copy()
        if len(gap) == 0:
            return patch
        poly = np.round((gap - (x0, y0)) * 16).astype(np.int32)
        mask = np.zeros(patch.shape[:2], np.uint8)
        cv2.fillPoly(mask, [poly], 255, cv2.LINE_AA, 4)
        m = cv2.GaussianBlur(mask, (0, 0), 0.8).astype(np.float32)[:, :, None] / 255.0
        # a dark mouth interior, a little lighter toward the bottom (tongue)
        ys = np.linspace(0, 1, patch.shape[0], dtype=np.float32)[:, None, None]
        interior = np.array([40, 12, 16, 255], np.float32) + ys * np.array(
            [50, 14, 14, 0], np.float32
        )
        m = m * 0.94
        out = patch.astype(np.float32) * (1 - m) + interior * m
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)

    def _eye_patch(self, layers: _Layers, lm: np.ndarray, level: int) -> np.ndarray:
        from screenplay.pictures.photo import eye_points, warp_region

        x0, y0, x1, y1 = layers.eye_box
        if level >= EYE_LEVELS or x1 <= x0 or y1 <= y0:
            return layers.base[y0:y1, x0:x1].copy()
        src, dst = eye_points(lm, level / EYE_LEVELS)
        return warp_region(layers.base, src, dst, layers.eye_box).copy()

    def frame(self, width: int, height: int, viseme: str = "rest", eyes: float = 1.0) -> np.ndarray:
        layers = self._layers_for(width, height)
        lm = self._frame_lm[(width, height)]
        if lm is None:
            return layers.base.copy()
        v = viseme if viseme in VISEMES else "rest"
        if v not in layers.mouths:
            layers.mouths[v] = self._mouth_patch(layers, lm, v)
        level = _eye_index(eyes)
        if level not in layers.eyes:
            layers.eyes[level] = self._eye_patch(layers, lm, level)
        return layers.compose(v, level)


class ProceduralSet:
    def __init__(self, look: sets.SetLook, credit: str, cache: Cache | None = None) -> None:
        self.look = look
        self.credit = credit
        self._cache = cache
        self._frames: dict[tuple[int, int], np.ndarray] = {}

    def frame(self, width: int, height: int) -> np.ndarray:
        img = self._frames.get((width, height))
        if img is None:
            key = digest("set", ENGINE_VERSION, self.look.cache_key(), width, height)
            got = self._cache.get_arrays("sets", key) if self._cache is not None else None
            if got is not None:
                img = got["rgb"]
            else:
                img = sets.render(self.look, width, height)
                if self._cache is not None:
                    self._cache.put_arrays("sets", key, rgb=img)
            self._frames[(width, height)] = img
        return img.copy()


class FileSet:
    def __init__(self, image: np.ndarray, credit: str) -> None:
        self.image = image
        self.credit = credit
        self._frames: dict[tuple[int, int], np.ndarray] = {}

    def frame(self, width: int, height: int) -> np.ndarray:
        img = self._frames.get((width, height))
        if img is None:
            from screenplay.pictures.photo import cover_fit, fit_image

            h, w = self.image.shape[:2]
            s, tx, ty = cover_fit((w, h), width, height)
            rgb = self.image[:, :, :3] if self.image.shape[2] == 4 else self.image
            img = self._frames[(width, height)] = fit_image(
                np.ascontiguousarray(rgb), width, height, s, tx, ty
            )
        return img.copy()


def _path(spec: AssetSpec) -> Path:
    raw = spec.get("path")
    if not raw:
        raise BackendError(
            BAD_PICTURE_PARAM, "file(...) needs a path", 'Write e.g. face: "faces/woman.png".'
        )
    return Path(raw)


def _photo_landmarks(path: Path, image: np.ndarray, cache: Cache | None) -> np.ndarray | None:
    from screenplay.pictures.photo import find_landmarks

    key = digest("landmarks", ENGINE_VERSION, path)
    if cache is not None:
        got = cache.get_json("faces", key)
        if got is not None:
            if got.get("none"):
                warnings.warn(
                    f"SP0504: no face found in {path.name}; it is shown as a still",
                    BackendWarning,
                    stacklevel=3,
                )
                return None
            return np.asarray(got["points"], dtype=np.float64)
    lm = find_landmarks(image, path.name)
    if cache is not None:
        cache.put_json("faces", key, {"none": True} if lm is None else {"points": lm.tolist()})
    return lm


class PictureEngine:
    """The built-in pictures backend (procedural portraits and sets, user files)."""

    def face(self, spec: AssetSpec, cache: Cache) -> PortraitFace | PhotoFace:
        if spec.constructor == "portrait":
            params = dict(spec.params)
            look = portrait.resolve_look(params)
            return PortraitFace(
                look, f"procedural portrait (seed {int(params.get('seed') or 0)})", cache
            )
        if spec.constructor == "file":
            from screenplay.pictures.photo import load_image

            path = _path(spec)
            image = load_image(path)
            lm = _photo_landmarks(path, image, cache)
            return PhotoFace(image, lm, f"photo: {path.name}")
        raise BackendError(
            BAD_PICTURE_PARAM,
            f"unknown face constructor '{spec.constructor}'",
            'Use portrait(...) or a picture file ("faces/name.png").',
        )

    def set(self, spec: AssetSpec, scene: SceneInfo, cache: Cache) -> ProceduralSet | FileSet:
        if spec.constructor == "file":
            from screenplay.pictures.photo import load_image

            path = _path(spec)
            return FileSet(load_image(path), f"picture: {path.name}")
        look = sets.resolve_set(spec.constructor, dict(spec.params), scene)
        what = "room" if look.kind == "room" else look.kind
        return ProceduralSet(look, f"procedural {what} (seed {look.seed}, {look.light})", cache)


def auto_set_spec(scene: SceneInfo, seed: int | None = None) -> AssetSpec:
    """The spec of an undeclared set: a room for INT., an exterior for EXT./outdoor words."""
    outdoor = scene.interior is False or (
        scene.interior is None and sets.place_for(scene.location) is not None
    )
    params: dict[str, Any] = {"seed": seed} if seed is not None else {}
    return AssetSpec("set", "exterior" if outdoor else "room", params, label=scene.location)


def light_tint(scene: SceneInfo, spec: AssetSpec | None = None) -> tuple[float, float, float]:
    """The RGB multiplier a set's light applies, for grading a face composited over it.

    Procedural sets tint everything by their time of day (warm at dusk, blue
    at night); multiplying a face's RGB by the same tint keeps a close-up
    from looking pasted on.  ``light=`` in a room/exterior spec wins over the
    heading; picture files are not graded (1, 1, 1).
    """
    if spec is not None and spec.constructor == "file":
        return (1.0, 1.0, 1.0)
    light = spec.get("light", "auto") if spec is not None else "auto"
    if light in (None, "auto"):
        light = sets.light_for(scene.time)
    tint = sets.LIGHTING.get(str(light), sets.LIGHTING["day"])[0]
    # faces are lit by the room as well as the window: grade them halfway
    return (0.5 + 0.5 * tint[0], 0.5 + 0.5 * tint[1], 0.5 + 0.5 * tint[2])


_BACKEND = PictureEngine()


def backend() -> PictureEngine:
    return _BACKEND
