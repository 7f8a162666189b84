"""A small anti-aliased vector painter on numpy, used by portraits and sets.

Why not pycairo or skia-python: neither is installed by default, and the
portraits need exactly three operations — fill a smooth polygon, stroke a
polyline, blur a soft shape — plus *clipping to another shape* (cel shadows
that stay inside the face).  OpenCV draws anti-aliased polygons with subpixel
vertices (``LINE_AA`` with ``shift=4``, i.e. 1/16 px) into a coverage mask;
numpy blends that mask into a premultiplied float32 RGBA canvas with an
opacity and an optional clip mask.  Measurements are in docs/pictures.md.

Shapes are given in *design units* and mapped to pixels by ``scale`` and
``origin``; a canvas may cover only a region of interest (ROI) of the full
frame, which is how talking faces re-render just the mouth and eye regions.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from screenplay.pictures.errors import UNKNOWN_COLOUR, BackendError

Colour = tuple[float, float, float]
_SHIFT = 4
_ONE = float(1 << _SHIFT)

NAMED_COLOURS: dict[str, Colour] = {
    "white": (0.96, 0.95, 0.93),
    "ivory": (0.98, 0.96, 0.88),
    "cream": (0.95, 0.91, 0.80),
    "beige": (0.84, 0.76, 0.62),
    "black": (0.09, 0.09, 0.10),
    "charcoal": (0.22, 0.23, 0.25),
    "grey": (0.55, 0.56, 0.58),
    "gray": (0.55, 0.56, 0.58),
    "silver": (0.75, 0.76, 0.78),
    "navy": (0.13, 0.18, 0.33),
    "blue": (0.22, 0.38, 0.66),
    "sky": (0.55, 0.72, 0.88),
    "teal": (0.12, 0.45, 0.47),
    "green": (0.24, 0.46, 0.30),
    "olive": (0.42, 0.43, 0.24),
    "sage": (0.60, 0.67, 0.55),
    "yellow": (0.93, 0.80, 0.30),
    "mustard": (0.80, 0.62, 0.18),
    "orange": (0.88, 0.50, 0.20),
    "red": (0.72, 0.16, 0.16),
    "burgundy": (0.45, 0.10, 0.16),
    "pink": (0.90, 0.62, 0.68),
    "purple": (0.42, 0.26, 0.52),
    "lavender": (0.70, 0.64, 0.82),
    "brown": (0.42, 0.28, 0.18),
    "tan": (0.72, 0.56, 0.38),
    "rust": (0.66, 0.32, 0.16),
    "denim": (0.30, 0.40, 0.55),
}


def colour(value: str) -> Colour:
    """A colour from a name in :data:`NAMED_COLOURS` or ``#rrggbb``."""
    v = value.strip().lower()
    if v in NAMED_COLOURS:
        return NAMED_COLOURS[v]
    if v.startswith("#") and len(v) == 7:
        try:
            return (int(v[1:3], 16) / 255, int(v[3:5], 16) / 255, int(v[5:7], 16) / 255)
        except ValueError:
            pass
    import difflib

    close = difflib.get_close_matches(v, list(NAMED_COLOURS), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise BackendError(
        UNKNOWN_COLOUR,
        f"unknown colour '{value}'",
        f"Use a name ({', '.join(sorted(NAMED_COLOURS))}) or '#rrggbb'.{hint}",
    )


def mix(a: Colour, b: Colour, t: float) -> Colour:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def shade(c: Colour, k: float) -> Colour:
    """Darken (k < 1) or lighten (k > 1) keeping the hue; lightening mixes toward white."""
    if k <= 1.0:
        return (c[0] * k, c[1] * k, c[2] * k)
    return mix(c, (1.0, 1.0, 1.0), min(1.0, k - 1.0))


def smooth(
    points: Sequence[tuple[float, float]] | np.ndarray, closed: bool = True, samples: int = 10
) -> np.ndarray:
    """A centripetal-free (uniform) Catmull-Rom curve through ``points``."""
    p = np.asarray(points, dtype=np.float64)
    n = len(p)
    if n < 3:
        return p
    if closed:
        idx = np.arange(n)
        p0, p1, p2, p3 = p[(idx - 1) % n], p[idx], p[(idx + 1) % n], p[(idx + 2) % n]
    else:
        ext = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
        p0, p1, p2, p3 = ext[:-3], ext[1:-2], ext[2:-1], ext[3:]
    t = np.linspace(0.0, 1.0, samples, endpoint=False)[:, None, None]
    t2, t3 = t * t, t * t * t
    seg = 0.5 * (
        2 * p1
        + (-p0 + p2) * t
        + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
        + (-p0 + 3 * p1 - 3 * p2 + p3) * t3
    )  # (samples, segments, 2)
    out = seg.transpose(1, 0, 2).reshape(-1, 2)
    if not closed:
        out = np.vstack([out, p[-1]])
    return out


def ellipse(
    cx: float, cy: float, rx: float, ry: float, rot: float = 0.0, n: int = 72
) -> np.ndarray:
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x, y = rx * np.cos(a), ry * np.sin(a)
    c, s = np.cos(rot), np.sin(rot)
    return np.stack([cx + x * c - y * s, cy + x * s + y * c], axis=1)


def mirror(points: np.ndarray) -> np.ndarray:
    """Mirror a shape across x = 0 (faces are drawn symmetric about the centre line)."""
    out = np.array(points, dtype=np.float64)
    out[:, 0] = -out[:, 0]
    return out


def _soften(cov: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur; wide ones as three box blurs (O(1) per pixel, visually the same).

    A true Gaussian costs O(sigma) per pixel, and the soft light pools of a
    set (sigma ~ 90 px at 720p) made it the slowest step of a set render.
    """
    if sigma <= 6.0:
        return cv2.GaussianBlur(cov, (0, 0), sigma)
    width = int(np.sqrt(12.0 * sigma * sigma / 3.0 + 1.0)) | 1  # three passes, odd width
    for _ in range(3):
        cov = cv2.blur(cov, (width, width))
    return cov


class Canvas:
    """A premultiplied float32 RGBA canvas covering ``roi`` of a ``width``×``height`` frame."""

    def __init__(
        self,
        width: int,
        height: int,
        scale: float,
        origin: tuple[float, float],
        roi: tuple[int, int, int, int] | None = None,
    ) -> None:
        self.width, self.height = width, height
        x0, y0, x1, y1 = roi if roi is not None else (0, 0, width, height)
        self.x0, self.y0 = x0, y0
        self.w, self.h = x1 - x0, y1 - y0
        self.scale = scale
        self.origin = (origin[0] - x0, origin[1] - y0)
        self.px = np.zeros((self.h, self.w, 4), np.float32)

    # -- geometry ----------------------------------------------------------
    def to_px(self, pts: np.ndarray) -> np.ndarray:
        p = np.asarray(pts, dtype=np.float64)
        return np.stack(
            [p[:, 0] * self.scale + self.origin[0], p[:, 1] * self.scale + self.origin[1]], axis=1
        )

    def length(self, d: float) -> float:
        return d * self.scale

    def _bbox(
        self, px: np.ndarray, pad: float, margin: int = 0
    ) -> tuple[int, int, int, int] | None:
        """Bounding box of ``px`` grown by ``pad``, clipped to the canvas grown by ``margin``."""
        x0 = max(int(np.floor(px[:, 0].min() - pad)), -margin)
        y0 = max(int(np.floor(px[:, 1].min() - pad)), -margin)
        x1 = min(int(np.ceil(px[:, 0].max() + pad)) + 1, self.w + margin)
        y1 = min(int(np.ceil(px[:, 1].max() + pad)) + 1, self.h + margin)
        if x1 <= max(x0, 0) or y1 <= max(y0, 0) or x0 >= self.w or y0 >= self.h:
            return None
        return x0, y0, x1, y1

    # -- masks ---------------------------------------------------------------
    def mask(
        self,
        shapes: np.ndarray | Sequence[np.ndarray],
        *,
        stroke: float = 0.0,
        closed: bool = True,
        blur: float = 0.0,
    ) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
        """Coverage (0…1) of ``shapes`` inside their bounding box, or None if off-canvas.

        ``stroke`` > 0 strokes the outline with that width (design units)
        instead of filling it; ``blur`` softens it (design units, Gaussian sigma).
        """
        if isinstance(shapes, np.ndarray):
            shapes = [shapes]
        pxs = [self.to_px(s) for s in shapes if len(s)]
        if not pxs:
            return None
        width_px = self.length(stroke)
        sigma = self.length(blur)
        pad = width_px + 3 * sigma + 2
        # a blurred shape needs its surroundings beyond the canvas edge, or a canvas
        # covering only a region (talking-face patches) would blur differently
        # (and OpenCV anti-aliases polygon edges that cross the image border differently)
        margin = int(np.ceil(3 * sigma)) + 2 if sigma > 0.3 else 2
        box = self._bbox(np.vstack(pxs), pad, margin)
        if box is None:
            return None
        x0, y0, x1, y1 = box
        m = np.zeros((y1 - y0, x1 - x0), np.uint8)
        ints = [np.round((p - (x0, y0)) * _ONE).astype(np.int32) for p in pxs]
        gain = 1.0
        if stroke > 0:
            thick = max(1, int(round(width_px)))
            if width_px < 1.0:  # hairlines fade rather than vanish or fatten
                gain = max(width_px, 0.15)
            cv2.polylines(m, ints, closed, 255, thick, cv2.LINE_AA, _SHIFT)
        else:
            # one polygon at a time: fillPoly with several contours XORs their overlaps
            for poly in ints:
                cv2.fillPoly(m, [poly], 255, cv2.LINE_AA, _SHIFT)
        cov = m.astype(np.float32) * (gain / 255.0)
        if sigma > 0.3:
            cov = _soften(cov, sigma)
        if margin:
            cx0, cy0 = max(x0, 0), max(y0, 0)
            cx1, cy1 = min(x1, self.w), min(y1, self.h)
            cov = cov[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
            box = (cx0, cy0, cx1, cy1)
        return box, cov

    def full_mask(self, shapes: np.ndarray | Sequence[np.ndarray], **kw: float) -> np.ndarray:
        """Coverage of ``shapes`` over the whole canvas (used as a clip)."""
        out = np.zeros((self.h, self.w), np.float32)
        got = self.mask(shapes, **kw)  # type: ignore[arg-type]
        if got is not None:
            (x0, y0, x1, y1), cov = got
            out[y0:y1, x0:x1] = cov
        return out

    # -- painting ------------------------------------------------------------
    def paint(
        self,
        box: tuple[int, int, int, int],
        cov: np.ndarray,
        col: Colour | np.ndarray,
        opacity: float = 1.0,
        clip: np.ndarray | None = None,
    ) -> None:
        x0, y0, x1, y1 = box
        a = cov if opacity == 1.0 else cov * opacity
        if clip is not None:
            a = a * clip[y0:y1, x0:x1]
        a3 = a[:, :, None]
        region = self.px[y0:y1, x0:x1]
        region *= 1.0 - a3
        c = np.asarray(col, dtype=np.float32)
        if c.ndim == 1:
            region[:, :, :3] += a3 * c[:3]
        else:
            region[:, :, :3] += a3 * c[y0:y1, x0:x1]
        region[:, :, 3] += a

    def fill(
        self,
        shapes: np.ndarray | Sequence[np.ndarray],
        col: Colour,
        opacity: float = 1.0,
        clip: np.ndarray | None = None,
        blur: float = 0.0,
    ) -> None:
        got = self.mask(shapes, blur=blur)
        if got is not None:
            self.paint(got[0], got[1], col, opacity, clip)

    def stroke(
        self,
        pts: np.ndarray,
        col: Colour,
        width: float,
        opacity: float = 1.0,
        closed: bool = False,
        clip: np.ndarray | None = None,
        blur: float = 0.0,
    ) -> None:
        got = self.mask([pts], stroke=width, closed=closed, blur=blur)
        if got is not None:
            self.paint(got[0], got[1], col, opacity, clip)

    def paint_mask(self, cov: np.ndarray, col: Colour | np.ndarray, opacity: float = 1.0) -> None:
        """Blend a full-canvas coverage mask."""
        self.paint((0, 0, self.w, self.h), cov, col, opacity)

    def vertical_gradient(
        self, top: Colour, bottom: Colour, y_top: float, y_bottom: float
    ) -> np.ndarray:
        """An (h, w, 3) colour field varying with design-unit y (for skies, walls, backdrops)."""
        ys = (np.arange(self.h, dtype=np.float32) - self.origin[1]) / self.scale
        t = np.clip((ys - y_top) / max(y_bottom - y_top, 1e-6), 0, 1)[:, None, None]
        a = np.asarray(top, np.float32)
        b = np.asarray(bottom, np.float32)
        col = a + (b - a) * t
        return np.broadcast_to(col, (self.h, self.w, 3))

    def radial(self, cx: float, cy: float, r: float) -> np.ndarray:
        """Distance from a design-unit point divided by ``r`` over the canvas, (h, w)."""
        xs = (np.arange(self.w, dtype=np.float32) - self.origin[0]) / self.scale
        ys = (np.arange(self.h, dtype=np.float32) - self.origin[1]) / self.scale
        return np.sqrt((xs[None, :] - cx) ** 2 + (ys[:, None] - cy) ** 2) / r

    # -- output --------------------------------------------------------------
    def rgba8(self) -> np.ndarray:
        """Straight-alpha RGBA uint8 (un-premultiplied)."""
        a = self.px[:, :, 3:4]
        rgb = np.where(a > 1e-4, self.px[:, :, :3] / np.maximum(a, 1e-4), 0.0)
        out = np.empty((self.h, self.w, 4), np.uint8)
        out[:, :, :3] = np.clip(rgb * 255.0 + 0.5, 0, 255)
        out[:, :, 3] = np.clip(a[:, :, 0] * 255.0 + 0.5, 0, 255)
        return out

    def rgb8(self) -> np.ndarray:
        """Opaque RGB uint8 (composited over black, for sets which cover the frame)."""
        rgb: np.ndarray = np.clip(self.px[:, :, :3] * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return rgb
