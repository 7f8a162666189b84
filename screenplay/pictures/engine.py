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

import numpy as np

from screenplay.backends.protocols import VISEMES, AssetSpec, SceneInfo
from screenplay.cache import Cache, digest
from screenplay.pictures import photo, portrait, sets
from screenplay.pictures.errors import BAD_PICTURE_PARAM, BackendError, BackendWarning
from screenplay.pictures.layers import FaceLayers
from screenplay.pictures.photo import PhotoFace

#: Identifies everything that decides pictures' pixels; the renderer keys its
#: segment cache on it, so bumping a drawing style re-renders affected shots.
ENGINE_VERSION = f"3.p{portrait.STYLE_VERSION}.s{sets.STYLE_VERSION}.f{photo.STYLE_VERSION}"
#: Eye openness is quantised to this many steps (a 150 ms blink is 3–4 frames at 24 fps).
EYE_LEVELS = 8

Box = tuple[int, int, int, int]


def _eye_index(eyes: float) -> int:
    return int(round(float(np.clip(eyes, 0.0, 1.0)) * EYE_LEVELS))


class PortraitFace:
    """A procedural portrait (see :mod:`.portrait`)."""

    def __init__(self, look: portrait.Look, credit: str, cache: Cache | None = None) -> None:
        self.look = look
        self.credit = credit
        self._cache = cache
        self._layers: dict[tuple[int, int], FaceLayers] = {}

    def _build(self, width: int, height: int) -> FaceLayers:
        boxes = portrait.regions(self.look, width, height)
        key = digest("portrait-layers", ENGINE_VERSION, self.look.cache_key(), width, height)
        if self._cache is not None:
            got = self._cache.get_arrays("faces", key)
            if got is not None:
                layers = FaceLayers(got["base"], boxes["mouth"], boxes["eyes"])
                layers.mouths = {v: got[f"mouth_{v}"] for v in VISEMES}
                layers.eyes = {i: got[f"eyes_{i}"] for i in range(EYE_LEVELS + 1)}
                return layers
        base = portrait.render(self.look, width, height).rgba8()
        layers = FaceLayers(base, boxes["mouth"], boxes["eyes"])
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
        from screenplay.pictures.animation import apply_pose, mouth_of

        layers = self._layers.get((width, height))
        if layers is None:
            layers = self._layers[(width, height)] = self._build(width, height)
        mouth = mouth_of(viseme)
        if mouth not in layers.mouths:  # a co-articulated blend: painted once, then reused
            layers.mouths[mouth] = portrait.render(
                self.look, width, height, viseme=mouth, roi=layers.mouth_box
            ).rgba8()
        return apply_pose(layers.compose(mouth, _eye_index(eyes)), viseme)

    def render_exact(
        self, width: int, height: int, viseme: str = "rest", eyes: float = 1.0
    ) -> np.ndarray:
        """A full repaint (no layer cache); used by morphs and tests."""
        return portrait.render(self.look, width, height, viseme, eyes).rgba8()


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


def _photo_face(path: Path, cache: Cache | None) -> PhotoFace:
    """Load and prepare a face photo (landmarks, cut-out, grade), cached by content.

    The key holds the file's bytes (``digest`` hashes a Path by content), the
    preparation version and this engine's version, so editing the picture or
    the code re-prepares it and nothing else does.  A photo with no face is
    cached as such and warns again on every build; errors (two faces, a face
    too small) are not cached.
    """
    from screenplay.pictures.errors import NO_FACE_FOUND
    from screenplay.pictures.photo import PREP_VERSION, load_image, prepare

    if not path.is_file() or path.stat().st_size == 0:
        load_image(path)  # raises the missing/empty-file diagnostic
    key = digest("photo-face", ENGINE_VERSION, PREP_VERSION, path)
    credit = f"photo: {path.name}"
    if cache is not None:
        got = cache.get_arrays("faces", key)
        if got is not None:
            if got["landmarks"].size == 0:
                warnings.warn(
                    BackendWarning(
                        NO_FACE_FOUND,
                        f"no face found in {path.name}; it is shown as a still "
                        "(no lip-sync or blinks)",
                    ),
                    stacklevel=3,
                )
                return PhotoFace(got["image"], None, credit)
            return PhotoFace(got["image"], np.asarray(got["landmarks"], np.float64), credit)
    image, lm, _method = prepare(load_image(path), path.name)
    if cache is not None:
        cache.put_arrays(
            "faces", key, image=image, landmarks=np.zeros((0, 2)) if lm is None else lm
        )
    return PhotoFace(image, lm, credit)


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
            return _photo_face(_path(spec), cache)
        if spec.constructor == "diffusion":  # generated, then animated like a photo
            from screenplay.pictures.diffusion import backend as diffusion

            return diffusion().face(spec, cache)
        raise BackendError(
            BAD_PICTURE_PARAM,
            f"unknown face constructor '{spec.constructor}'",
            'Use portrait(...) or a picture file ("faces/name.png").',
        )

    def set(self, spec: AssetSpec, scene: SceneInfo, cache: Cache) -> ProceduralSet | FileSet:
        if spec.constructor == "diffusion":
            from screenplay.pictures.diffusion import backend as diffusion

            return diffusion().set(spec, scene, cache)
        if spec.constructor == "file":
            from screenplay.pictures.photo import load_image

            path = _path(spec)
            return FileSet(load_image(path), f"picture: {path.name}")
        look = sets.resolve_set(spec.constructor, dict(spec.params), scene)
        what = "room" if look.kind == "room" else look.kind
        return ProceduralSet(look, f"procedural {what} (seed {look.seed}, {look.light})", cache)


def light_tint(scene: SceneInfo, spec: AssetSpec | None = None) -> tuple[float, float, float]:
    """The RGB multiplier a set's light applies, for grading a face composited over it.

    Procedural sets tint everything by their time of day (warm at dusk, blue
    at night); multiplying a face's RGB by the same tint keeps a close-up
    from looking pasted on.  ``light=`` in a room/exterior spec wins over the
    heading; picture files and generated (diffusion) sets are not graded (1, 1, 1).
    """
    if spec is not None and spec.constructor in ("file", "diffusion"):  # pictures carry their light
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
