"""Procedural sets: interiors in one-point perspective and layered exteriors.

A set is drawn from its parameters and the scene heading: ``INT.``/``EXT.``
picks room or exterior (when the constructor is left to the heading), place
words pick furniture or the kind of landscape (KITCHEN → a table, FOREST →
trees), and the time of day grades the light (DAY neutral, DUSK warm and low,
DAWN pink and cool, NIGHT blue with lamps and lit windows).  The style
matches the portraits: flat colour planes, one shadow tone, soft light
pools, aerial perspective for depth, and a gentle vignette.

Design units: the frame height is 1.0, x = 0 is the centre, y grows
downward; the frame spans x ∈ [−aspect/2, aspect/2].  Everything is drawn
from the seed and the parameters, so the same inputs give the same pixels at
any resolution.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from screenplay.backends.protocols import SceneInfo
from screenplay.pictures import schema
from screenplay.pictures.draw import Canvas, Colour, colour, ellipse, mix, shade, smooth
from screenplay.pictures.errors import BAD_PICTURE_PARAM, BackendError
from screenplay.pictures.schema import location_words as _words
from screenplay.pictures.schema import place_for

STYLE_VERSION = 4

PALETTES: dict[str, dict[str, Colour]] = {
    # wall, floor, ceiling, trim, accent
    "bare": {
        "wall": (0.80, 0.78, 0.74),
        "floor": (0.55, 0.45, 0.36),
        "ceiling": (0.86, 0.85, 0.82),
        "trim": (0.92, 0.91, 0.88),
        "accent": (0.40, 0.36, 0.32),
    },
    "warm": {
        "wall": (0.84, 0.68, 0.50),
        "floor": (0.46, 0.30, 0.20),
        "ceiling": (0.90, 0.82, 0.70),
        "trim": (0.95, 0.90, 0.82),
        "accent": (0.62, 0.26, 0.18),
    },
    "cool": {
        "wall": (0.62, 0.70, 0.74),
        "floor": (0.40, 0.42, 0.46),
        "ceiling": (0.84, 0.87, 0.88),
        "trim": (0.90, 0.92, 0.93),
        "accent": (0.20, 0.30, 0.42),
    },
    "pastel": {
        "wall": (0.88, 0.76, 0.78),
        "floor": (0.70, 0.62, 0.55),
        "ceiling": (0.94, 0.90, 0.88),
        "trim": (0.97, 0.95, 0.93),
        "accent": (0.50, 0.62, 0.66),
    },
    "dark": {
        "wall": (0.30, 0.30, 0.34),
        "floor": (0.20, 0.16, 0.14),
        "ceiling": (0.36, 0.36, 0.38),
        "trim": (0.45, 0.44, 0.44),
        "accent": (0.60, 0.20, 0.18),
    },
    "green": {
        "wall": (0.58, 0.66, 0.54),
        "floor": (0.45, 0.36, 0.26),
        "ceiling": (0.86, 0.87, 0.80),
        "trim": (0.93, 0.92, 0.86),
        "accent": (0.70, 0.50, 0.24),
    },
}

#: Time of day → (tint multiplied into everything, sky top, sky horizon, window-light strength).
LIGHTING: dict[str, tuple[Colour, Colour, Colour, float]] = {
    "day": ((1.00, 1.00, 0.98), (0.36, 0.58, 0.85), (0.78, 0.87, 0.94), 0.35),
    "dusk": ((0.92, 0.72, 0.60), (0.24, 0.22, 0.45), (0.98, 0.58, 0.34), 0.30),
    "dawn": ((0.90, 0.82, 0.86), (0.48, 0.56, 0.76), (0.98, 0.80, 0.72), 0.25),
    "night": ((0.36, 0.42, 0.62), (0.03, 0.05, 0.13), (0.10, 0.15, 0.30), 0.10),
}

_FURNITURE_WORDS = {
    "KITCHEN": "table",
    "DINING": "table",
    "CAFE": "table",
    "CAFÉ": "table",
    "RESTAURANT": "table",
    "BAR": "table",
    "DINER": "table",
    "BEDROOM": "bed",
    "HOSPITAL": "bed",
    "WARD": "bed",
    "OFFICE": "desk",
    "STUDY": "shelves",
    "LIBRARY": "shelves",
    "SHOP": "shelves",
    "STORE": "shelves",
    "LIVING": "sofa",
    "LOUNGE": "sofa",
    "APARTMENT": "sofa",
    "FLAT": "sofa",
    "WAITING": "chair",
    "CLASSROOM": "desk",
    "STUDIO": "chair",
    "EMPTY": "none",
    "HALLWAY": "none",
    "CORRIDOR": "none",
}
_PALETTE_WORDS = {
    "KITCHEN": "warm",
    "CAFE": "warm",
    "BAR": "dark",
    "OFFICE": "cool",
    "HOSPITAL": "cool",
    "BEDROOM": "pastel",
    "EMPTY": "bare",
    "CELL": "dark",
    "CELLAR": "dark",
    "BASEMENT": "dark",
    "LIBRARY": "green",
    "STUDY": "green",
}


def light_for(time: str) -> str:
    t = time.upper()
    for word, light in (
        ("NIGHT", "night"),
        ("EVENING", "dusk"),
        ("DUSK", "dusk"),
        ("SUNSET", "dusk"),
        ("TWILIGHT", "dusk"),
        ("DAWN", "dawn"),
        ("SUNRISE", "dawn"),
        ("MORNING", "dawn"),
    ):
        if word in t:
            return light
    return "day"


@dataclass(frozen=True)
class SetLook:
    """A set resolved to concrete choices (what the pixels depend on)."""

    kind: str  # "room" or an exterior place
    seed: int
    light: str
    palette: str
    window: str = "none"
    door: bool = False
    furniture: str = "none"
    lamp: bool = False
    wall: Colour | None = None

    def cache_key(self) -> Any:
        return [
            STYLE_VERSION,
            self.kind,
            self.seed,
            self.light,
            self.palette,
            self.window,
            self.door,
            self.furniture,
            self.lamp,
            list(self.wall) if self.wall else None,
        ]


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(name.encode())])


def _choice(params: dict[str, Any], name: str, choices: tuple[str, ...], fallback: str) -> str:
    v = params.get(name, schema.AUTO)
    if v in (None, schema.AUTO):
        return fallback
    if v not in choices:
        raise BackendError(
            BAD_PICTURE_PARAM,
            f"{name}={v!r} is not one of the choices",
            f"Use one of: {', '.join(choices)}.",
        )
    return str(v)


def resolve_set(constructor: str, params: dict[str, Any], scene: SceneInfo) -> SetLook:
    """Decide a set's look from its constructor, parameters and scene heading."""
    seed = int(params.get("seed") or zlib.crc32(scene.location.encode()) % 10_000)
    words = _words(scene.location)
    light = _choice(params, "light", schema.LIGHTS, light_for(scene.time))
    if constructor == "exterior":
        auto_place = place_for(scene.location) or str(
            _rng(seed, "place").choice(["street", "field", "forest", "park"])
        )
        place = _choice(params, "place", schema.PLACES, auto_place)
        palette = _choice(params, "palette", schema.PALETTES, "bare")
        return SetLook(kind=place, seed=seed, light=light, palette=palette)
    if constructor != "room":
        raise BackendError(
            BAD_PICTURE_PARAM,
            f"unknown set constructor '{constructor}'",
            "Use room(...), exterior(...) or a picture file.",
        )
    auto_palette = next((_PALETTE_WORDS[w] for w in words if w in _PALETTE_WORDS), None)
    if auto_palette is None:
        auto_palette = str(_rng(seed, "palette").choice(list(schema.PALETTES[:4]) + ["green"]))
    palette = _choice(params, "palette", schema.PALETTES, auto_palette)
    window = _choice(
        params,
        "window",
        schema.WINDOWS,
        str(_rng(seed, "window").choice(["left", "right", "center", "left", "right"])),
    )
    door_p = params.get("door")
    door = bool(_rng(seed, "door").random() < 0.5) if door_p is None else bool(door_p)
    # The head noun is last in English: a HOSPITAL CORRIDOR is a corridor.
    auto_furn = next((_FURNITURE_WORDS[w] for w in reversed(words) if w in _FURNITURE_WORDS), None)
    if auto_furn is None:
        auto_furn = str(_rng(seed, "furniture").choice(["none", "chair", "table", "sofa"]))
    furniture = _choice(params, "furniture", schema.FURNITURE, auto_furn)
    lamp_p = params.get("lamp")
    lamp = (light == "night") if lamp_p is None else bool(lamp_p)
    wc = params.get("wall_color", schema.AUTO)
    wall = None if wc in (None, "", schema.AUTO) else colour(str(wc))
    return SetLook(
        kind="room",
        seed=seed,
        light=light,
        palette=palette,
        window=window,
        door=door,
        furniture=furniture,
        lamp=lamp,
        wall=wall,
    )


# --------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------


def _rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], dtype=np.float64)


def _grade(c: Colour, look: SetLook) -> Colour:
    tint = LIGHTING[look.light][0]
    return (c[0] * tint[0], c[1] * tint[1], c[2] * tint[2])


def _sky(
    cv: Canvas,
    look: SetLook,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
    horizon: float,
    clip: np.ndarray | None = None,
) -> None:
    _, top, bottom, _ = LIGHTING[look.light]
    field = np.array(cv.vertical_gradient(top, bottom, y0, horizon), np.float32)
    got = cv.mask(_rect(x0, y0, x1, y1))
    if got is None:
        return
    cv.paint(got[0], got[1], field, clip=clip)
    rng = _rng(look.seed, "sky")
    if look.light == "night":
        for _ in range(40):
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y0 + (horizon - y0) * 0.8)
            r = rng.uniform(0.0006, 0.0016)
            cv.fill(
                ellipse(x, y, r, r, n=8), (1.0, 0.97, 0.9), opacity=rng.uniform(0.4, 0.9), clip=clip
            )
        mx = x0 + (x1 - x0) * rng.uniform(0.6, 0.85)
        my = y0 + (horizon - y0) * 0.25
        cv.fill(ellipse(mx, my, 0.04, 0.04), (0.9, 0.9, 0.8), opacity=0.25, clip=clip, blur=0.03)
        cv.fill(ellipse(mx, my, 0.022, 0.022), (0.96, 0.95, 0.88), clip=clip)
    else:
        sun_x = x0 + (x1 - x0) * (
            0.25 if look.light == "dawn" else 0.72 if look.light == "dusk" else 0.6
        )
        sun_y = horizon - (0.05 if look.light in ("dusk", "dawn") else 0.32)
        glow = (1.0, 0.75, 0.45) if look.light in ("dusk", "dawn") else (1.0, 0.98, 0.9)
        cv.fill(ellipse(sun_x, sun_y, 0.12, 0.12), glow, opacity=0.35, clip=clip, blur=0.06)
        cv.fill(ellipse(sun_x, sun_y, 0.035, 0.035), shade(glow, 1.3), opacity=0.9, clip=clip)
        for _ in range(4):  # flat, soft-edged clouds
            cx, cy = rng.uniform(x0, x1), rng.uniform(y0 + 0.02, y0 + (horizon - y0) * 0.6)
            w = rng.uniform(0.08, 0.18)
            cloud = [
                ellipse(cx + dx * w, cy + dy * w * 0.4, w * s, w * s * 0.45)
                for dx, dy, s in ((0, 0, 0.6), (0.5, 0.15, 0.45), (-0.5, 0.15, 0.45))
            ]
            ccol = mix((1.0, 1.0, 1.0), bottom, 0.3)
            cv.fill(cloud, ccol, opacity=0.75, clip=clip, blur=0.004)


def _vignette(cv: Canvas, strength: float = 0.28) -> None:
    r = cv.radial(0.0, 0.5, 1.05)
    cov = np.clip(r - 0.55, 0, 1) ** 1.5 * strength
    cv.paint_mask(cov.astype(np.float32), (0.0, 0.0, 0.0))


# --------------------------------------------------------------------------
# Interiors
# --------------------------------------------------------------------------


def _room(cv: Canvas, look: SetLook, aspect: float) -> None:
    pal = dict(PALETTES[look.palette])
    if look.wall is not None:
        pal["wall"] = look.wall
    g = {k: _grade(v, look) for k, v in pal.items()}
    ax = aspect / 2 + 0.02  # a little beyond the frame edge
    bw, top, bottom = aspect * 0.31, 0.14, 0.70  # back wall
    vp = (0.0, 0.42)  # vanishing point (eye height)
    # planes: ceiling, floor, side walls, back wall
    cv.fill(np.array([(-ax, -0.02), (ax, -0.02), (bw, top), (-bw, top)]), g["ceiling"])
    floor = np.array([(-bw, bottom), (bw, bottom), (ax * 1.6, 1.02), (-ax * 1.6, 1.02)])
    cv.fill(floor, g["floor"])
    fclip = cv.full_mask(floor)
    # floorboards converge on the vanishing point
    for k in np.linspace(-1.0, 1.0, 15):
        x_far = k * bw
        x_near = vp[0] + (x_far - vp[0]) * (1.02 - vp[1]) / (bottom - vp[1])
        cv.stroke(
            np.array([(x_far, bottom), (x_near, 1.02)]),
            shade(g["floor"], 0.8),
            0.002,
            opacity=0.6,
            clip=fclip,
        )
    side = shade(g["wall"], 0.84)
    cv.fill(
        np.array([(-ax, -0.02), (-bw, top), (-bw, bottom), (-ax * 1.6, 1.02), (-ax, 1.02)]), side
    )
    cv.fill(
        np.array([(ax, -0.02), (bw, top), (bw, bottom), (ax * 1.6, 1.02), (ax, 1.02)]),
        shade(g["wall"], 0.74),
    )
    wall = _rect(-bw, top, bw, bottom)
    cv.fill(wall, g["wall"])
    wclip = cv.full_mask(wall)
    # skirting boards on the three walls and a cornice line
    cv.fill(_rect(-bw, bottom - 0.022, bw, bottom), g["trim"])
    for s in (-1, 1):
        cv.fill(
            np.array(
                [
                    (s * bw, bottom - 0.022),
                    (s * bw, bottom),
                    (s * ax * 1.6, 1.02),
                    (s * ax * 1.6, 1.02 - 0.07),
                ]
            ),
            shade(g["trim"], 0.85),
        )
    cv.stroke(np.array([(-bw, top), (bw, top)]), shade(g["ceiling"], 0.8), 0.003)
    for s in (-1, 1):
        cv.stroke(
            np.array([(s * bw, top), (s * bw, bottom)]), shade(g["wall"], 0.7), 0.002, opacity=0.5
        )
        cv.stroke(
            np.array([(s * bw, top), (s * ax, -0.02)]),
            shade(g["ceiling"], 0.75),
            0.002,
            opacity=0.6,
        )
    strength = LIGHTING[look.light][3]
    # window on the back wall, with the sky in it and its light on the floor
    if look.window != "none":
        wx = {"left": -bw * 0.5, "center": 0.0, "right": bw * 0.5}[look.window]
        ww, wy0, wy1 = 0.13, top + 0.08, top + 0.38
        pane = _rect(wx - ww, wy0, wx + ww, wy1)
        _sky(cv, look, wx - ww, wx + ww, wy0, wy1, wy1 + 0.05, clip=cv.full_mask(pane))
        # a hint of the outside: a distant ridge of trees in the lower pane
        ridge = np.array(
            [
                (wx - ww, wy1 - 0.05),
                (wx - ww * 0.3, wy1 - 0.08),
                (wx + ww * 0.4, wy1 - 0.06),
                (wx + ww, wy1 - 0.09),
                (wx + ww, wy1),
                (wx - ww, wy1),
            ]
        )
        cv.fill(
            np.vstack([smooth(ridge[:4], closed=False), ridge[4:]]),
            mix(LIGHTING[look.light][2], (0.2, 0.3, 0.25), 0.55),
            opacity=0.9,
            clip=cv.full_mask(pane),
        )
        frame_col = g["trim"]
        cv.stroke(pane, frame_col, 0.012, closed=True)
        cv.stroke(np.array([(wx, wy0), (wx, wy1)]), frame_col, 0.008)
        cv.stroke(
            np.array([(wx - ww, (wy0 + wy1) / 2), (wx + ww, (wy0 + wy1) / 2)]), frame_col, 0.008
        )
        cv.fill(
            _rect(wx - ww - 0.02, wy1 + 0.004, wx + ww + 0.02, wy1 + 0.018), shade(g["trim"], 0.9)
        )
        light_col = (1.0, 0.92, 0.75) if look.light != "night" else (0.6, 0.7, 1.0)
        # light pool on the floor: the window projected down and toward the viewer
        pool = np.array(
            [
                (wx - ww, bottom + 0.01),
                (wx + ww, bottom + 0.01),
                (wx + ww * 2.2 + 0.12, bottom + 0.24),
                (wx - ww * 2.2 + 0.12, bottom + 0.24),
            ]
        )
        cv.fill(pool, light_col, opacity=strength, clip=fclip, blur=0.01)
        cv.fill(
            ellipse(wx, (wy0 + wy1) / 2, ww * 2.4, 0.3),
            light_col,
            opacity=strength * 0.5,
            clip=wclip,
            blur=0.08,
        )
    if look.door:
        dx = {"left": bw * 0.55, "right": -bw * 0.55, "center": -bw * 0.62, "none": bw * 0.5}[
            look.window
        ]
        door = _rect(dx - 0.075, bottom - 0.40, dx + 0.075, bottom)
        cv.fill(door + (0.008, 0.0), shade(g["wall"], 0.7), opacity=0.6)
        cv.fill(door, shade(g["accent"], 1.1))
        cv.stroke(door, shade(g["trim"], 0.95), 0.012, closed=True)
        for y0 in (bottom - 0.37, bottom - 0.18):
            cv.stroke(
                _rect(dx - 0.05, y0, dx + 0.05, y0 + 0.15),
                shade(g["accent"], 0.8),
                0.003,
                closed=True,
                opacity=0.8,
            )
        cv.fill(ellipse(dx - 0.055, bottom - 0.19, 0.007, 0.007), (0.85, 0.72, 0.35))
    _furniture(cv, look, g, bottom)
    if look.lamp:
        cv.stroke(np.array([(0.0, -0.02), (0.0, 0.16)]), (0.1, 0.1, 0.1), 0.003)
        shade_pts = np.array([(-0.05, 0.2), (0.05, 0.2), (0.025, 0.155), (-0.025, 0.155)])
        glow = (1.0, 0.82, 0.52)
        cv.fill(ellipse(0.0, 0.33, 0.9, 0.55), glow, opacity=0.22, blur=0.12)
        cv.fill(ellipse(0.0, 0.21, 0.1, 0.04), glow, opacity=0.8, blur=0.02)
        cv.fill(shade_pts, shade(g["accent"], 0.9))
    _vignette(cv)


def _furniture(cv: Canvas, look: SetLook, g: dict[str, Colour], bottom: float) -> None:
    kind = look.furniture
    if kind == "none":
        return
    acc, wood = g["accent"], shade(g["floor"], 0.8)
    x = {"left": 0.32, "right": -0.32, "center": 0.35, "none": 0.0}[look.window]
    shadow = (0.0, 0.0, 0.0)
    base = bottom + 0.14
    if kind == "table":
        cv.fill(ellipse(x, base + 0.05, 0.26, 0.04), shadow, opacity=0.25, blur=0.015)
        cv.fill(
            np.array(
                [
                    (x - 0.24, base - 0.12),
                    (x + 0.24, base - 0.12),
                    (x + 0.28, base - 0.07),
                    (x - 0.28, base - 0.07),
                ]
            ),
            shade(wood, 1.15),
        )
        cv.fill(_rect(x - 0.28, base - 0.07, x + 0.28, base - 0.05), shade(wood, 0.8))
        for lx in (x - 0.25, x + 0.23):
            cv.fill(_rect(lx, base - 0.05, lx + 0.02, base + 0.06), shade(wood, 0.7))
    elif kind == "chair":
        cv.fill(ellipse(x, base + 0.06, 0.1, 0.02), shadow, opacity=0.25, blur=0.01)
        cv.fill(_rect(x - 0.07, base - 0.25, x + 0.07, base - 0.05), shade(wood, 0.9))
        cv.fill(_rect(x - 0.09, base - 0.06, x + 0.09, base - 0.035), shade(wood, 1.1))
        for lx in (x - 0.085, x + 0.07):
            cv.fill(_rect(lx, base - 0.035, lx + 0.015, base + 0.06), shade(wood, 0.7))
    elif kind in ("sofa", "bed"):
        w = 0.34 if kind == "sofa" else 0.40
        body = acc if kind == "sofa" else (0.92, 0.9, 0.86)
        body = _grade(body, look) if kind == "bed" else body
        cv.fill(ellipse(x, base + 0.05, w + 0.04, 0.03), shadow, opacity=0.3, blur=0.015)
        cv.fill(_rect(x - w, base - 0.20, x + w, base - 0.08), shade(acc, 0.85))  # back / headboard
        cv.fill(smooth(_rect(x - w - 0.02, base - 0.1, x + w + 0.02, base + 0.04), samples=3), body)
        cv.fill(_rect(x - w - 0.02, base - 0.02, x + w + 0.02, base + 0.04), shade(body, 0.8))
        if kind == "bed":
            cv.fill(
                smooth(_rect(x - w + 0.03, base - 0.15, x - w + 0.18, base - 0.08), samples=3),
                shade(body, 1.1),
            )
    elif kind == "desk":
        cv.fill(ellipse(x, base + 0.05, 0.25, 0.03), shadow, opacity=0.25, blur=0.015)
        cv.fill(_rect(x - 0.25, base - 0.12, x + 0.25, base - 0.09), shade(wood, 1.1))
        cv.fill(_rect(x + 0.08, base - 0.09, x + 0.24, base + 0.06), shade(wood, 0.85))
        cv.fill(_rect(x - 0.24, base - 0.09, x - 0.22, base + 0.06), shade(wood, 0.7))
        cv.fill(_rect(x - 0.12, base - 0.24, x + 0.02, base - 0.14), (0.12, 0.12, 0.14))
        cv.fill(_rect(x - 0.11, base - 0.23, x + 0.01, base - 0.15), _grade((0.4, 0.55, 0.7), look))
        cv.fill(_rect(x - 0.055, base - 0.14, x - 0.035, base - 0.12), (0.12, 0.12, 0.14))
    elif kind == "shelves":
        sx = x if x else 0.35
        cv.fill(_rect(sx - 0.16, bottom - 0.42, sx + 0.16, bottom + 0.01), shade(wood, 0.75))
        rng = _rng(look.seed, "books")
        for i in range(4):
            y1 = bottom - 0.42 + 0.105 * (i + 1)
            cv.fill(_rect(sx - 0.15, y1 - 0.01, sx + 0.15, y1), shade(wood, 1.1))
            bx = sx - 0.14
            while bx < sx + 0.13:
                bw = rng.uniform(0.012, 0.025)
                h = rng.uniform(0.06, 0.085)
                cr, cg, cb = (float(v) for v in rng.uniform(0.2, 0.8, 3))
                c = _grade((cr, cg, cb), look)
                cv.fill(_rect(bx, y1 - 0.01 - h, bx + bw, y1 - 0.01), c)
                bx += bw + 0.002


# --------------------------------------------------------------------------
# Exteriors
# --------------------------------------------------------------------------


def _ridge(
    rng: np.random.Generator, x0: float, x1: float, y: float, amp: float, n: int, jag: float = 0.0
) -> np.ndarray:
    xs = np.linspace(x0, x1, n)
    ys = y - amp * (0.5 + 0.5 * np.sin(xs * rng.uniform(2, 5) + rng.uniform(0, 6)))
    ys = ys - amp * 0.6 * rng.uniform(-1, 1, n) * (jag if jag else 0.4)
    top = np.stack([xs, ys], axis=1)
    top = smooth(top, closed=False, samples=4) if not jag else top
    return np.vstack([top, [(x1, 1.05), (x0, 1.05)]])


def _exterior(cv: Canvas, look: SetLook, aspect: float) -> None:
    rng = _rng(look.seed, look.kind)
    ax = aspect / 2 + 0.02
    horizon = {"street": 0.55, "city": 0.62, "beach": 0.55, "mountains": 0.6}.get(look.kind, 0.58)
    _sky(cv, look, -ax, ax, -0.02, 1.02, horizon)
    sky_h = LIGHTING[look.light][2]
    night = look.light == "night"

    def layer_col(base: Colour, depth: float) -> Colour:
        # aerial perspective: far layers dissolve into the horizon colour
        return mix(_grade(base, look), sky_h, depth * (0.35 if night else 0.6))

    kind = look.kind
    if kind in ("forest", "park", "garden", "field", "mountains", "desert"):
        far = {"mountains": (0.35, 0.40, 0.48), "desert": (0.78, 0.58, 0.38)}.get(
            kind, (0.30, 0.42, 0.34)
        )
        cv.fill(
            _ridge(
                rng,
                -ax,
                ax,
                horizon - 0.02,
                0.12 if kind == "mountains" else 0.05,
                30,
                jag=0.8 if kind == "mountains" else 0.0,
            ),
            layer_col(far, 0.8),
        )
        if kind == "mountains":
            peaks = _ridge(rng, -ax, ax, horizon + 0.02, 0.22, 14, jag=1.0)
            cv.fill(peaks, layer_col((0.30, 0.33, 0.40), 0.5))
            snow_line = cv.full_mask(_rect(-ax, -0.1, ax, horizon - 0.2))
            cv.fill(peaks, (0.95, 0.96, 0.98), opacity=0.7, clip=snow_line)
        ground = {
            "desert": (0.85, 0.66, 0.42),
            "field": (0.55, 0.62, 0.30),
            "mountains": (0.34, 0.45, 0.30),
        }.get(kind, (0.30, 0.46, 0.26))
        cv.fill(_ridge(rng, -ax, ax, horizon + 0.06, 0.04, 20), layer_col(ground, 0.35))
        cv.fill(_ridge(rng, -ax, ax, horizon + 0.2, 0.05, 20), layer_col(shade(ground, 0.85), 0.0))
        if kind in ("forest", "park", "garden"):
            rows = 3 if kind == "forest" else 1
            for row in range(rows):
                depth = 1.0 - row / max(rows - 1, 1) if rows > 1 else 0.3
                y = horizon + 0.02 + row * 0.09
                count = (18 if kind == "forest" else 6) - row * 3
                for _ in range(count):
                    x = rng.uniform(-ax, ax)
                    h = rng.uniform(0.18, 0.32) * (1 + row * 0.5)
                    col = layer_col((0.16, 0.32, 0.20), depth)
                    if kind == "forest" and rng.random() < 0.7:  # pines
                        tri = np.array([(x, y - h), (x + h * 0.22, y), (x - h * 0.22, y)])
                        cv.fill(tri, col)
                        cv.fill(
                            np.array([(x, y - h), (x + h * 0.22, y), (x + h * 0.02, y)]),
                            shade(col, 0.8),
                            opacity=0.6,
                        )
                    else:
                        cv.fill(
                            _rect(x - 0.006, y - h * 0.4, x + 0.006, y),
                            layer_col((0.3, 0.22, 0.15), depth),
                        )
                        cv.fill(ellipse(x, y - h * 0.6, h * 0.28, h * 0.3), col)
                        cv.fill(
                            ellipse(x + h * 0.08, y - h * 0.55, h * 0.2, h * 0.24),
                            shade(col, 0.8),
                            opacity=0.6,
                        )
        if kind == "park":
            path = np.array(
                [(-0.05, horizon + 0.06), (0.05, horizon + 0.06), (0.5, 1.05), (-0.4, 1.05)]
            )
            cv.fill(path, layer_col((0.75, 0.68, 0.55), 0.1))
            bench_x = 0.45
            cv.fill(
                _rect(bench_x - 0.12, 0.78, bench_x + 0.12, 0.80),
                layer_col((0.35, 0.24, 0.16), 0.0),
            )
            cv.fill(
                _rect(bench_x - 0.12, 0.72, bench_x + 0.12, 0.74),
                layer_col((0.35, 0.24, 0.16), 0.0),
            )
            for lx in (bench_x - 0.11, bench_x + 0.1):
                cv.fill(_rect(lx, 0.80, lx + 0.01, 0.85), (0.1, 0.1, 0.1))
        if kind == "field":
            x = rng.uniform(0.2, 0.5) * (1 if rng.random() < 0.5 else -1)
            cv.fill(
                _rect(x - 0.008, horizon - 0.08, x + 0.008, horizon + 0.05),
                layer_col((0.25, 0.18, 0.12), 0.2),
            )
            cv.fill(ellipse(x, horizon - 0.12, 0.09, 0.07), layer_col((0.2, 0.35, 0.2), 0.2))
    elif kind == "beach":
        sea = layer_col((0.18, 0.38, 0.52), 0.2)
        cv.fill(_rect(-ax, horizon, ax, 0.78), sea)
        for i in range(7):
            y = horizon + 0.02 + i * 0.03
            xs = rng.uniform(-ax, ax * 0.6)
            cv.stroke(
                np.array([(xs, y), (xs + rng.uniform(0.1, 0.3), y)]),
                shade(sea, 1.25),
                0.003,
                opacity=0.5,
            )
        sand = np.array([(-ax, 0.80), (0.0, 0.76), (ax, 0.79), (ax, 1.05), (-ax, 1.05)])
        cv.fill(
            np.vstack([smooth(sand[:3], closed=False), sand[3:]]),
            layer_col((0.86, 0.76, 0.58), 0.0),
        )
        cv.stroke(smooth(sand[:3], closed=False) + (0, -0.006), (1, 1, 1), 0.005, opacity=0.6)
    else:  # street / city: buildings
        ground_y = horizon + (0.0 if kind == "city" else 0.06)
        for layer, depth in ((0, 0.8), (1, 0.35), (2, 0.0)):
            if kind == "street" and layer == 0:
                continue
            x = -ax
            base_y = ground_y - (0.02 * (2 - layer) if kind == "city" else 0.0)
            while x < ax:
                w = rng.uniform(0.08, 0.2) * (1 + 0.3 * layer)
                h = rng.uniform(0.15, 0.45) * (1 + 0.4 * layer) * (1.3 if kind == "city" else 0.9)
                if kind == "street" and layer == 2 and abs(x + w / 2) < 0.25:
                    x += w * 0.6  # leave the street open in the middle
                    continue
                br, bg, bb = (float(v) for v in rng.uniform(0.3, 0.6, 3) * (1.0, 0.92, 0.85))
                bcol = layer_col((br, bg, bb), depth)
                cv.fill(_rect(x, base_y - h, x + w, base_y), bcol)
                cv.fill(
                    _rect(x + w * 0.75, base_y - h, x + w, base_y), shade(bcol, 0.8), opacity=0.7
                )
                win = (1.0, 0.85, 0.5) if night else shade(bcol, 0.7)
                for wy in np.arange(base_y - h + 0.03, base_y - 0.04, 0.05 * (1 + 0.3 * layer)):
                    for wx in np.arange(x + 0.015, x + w - 0.02, 0.035 * (1 + 0.3 * layer)):
                        if rng.random() < (0.45 if night else 0.8):
                            cv.fill(
                                _rect(
                                    wx,
                                    wy,
                                    wx + 0.015 * (1 + 0.3 * layer),
                                    wy + 0.022 * (1 + 0.3 * layer),
                                ),
                                win,
                                opacity=0.9 if night else 0.6,
                            )
                x += w + rng.uniform(0.0, 0.02)
        road = layer_col((0.25, 0.25, 0.27), 0.0)
        cv.fill(_rect(-ax, ground_y, ax, 1.05), layer_col((0.55, 0.54, 0.52), 0.0))
        if kind == "street":
            cv.fill(
                np.array([(-0.06, ground_y), (0.06, ground_y), (0.9, 1.05), (-0.9, 1.05)]), road
            )
            for i in range(5):
                t0, t1 = i / 5, i / 5 + 0.08
                y0, y1 = (
                    ground_y + (1.05 - ground_y) * t0**1.6,
                    ground_y + (1.05 - ground_y) * t1**1.6,
                )
                w0, w1 = 0.002 + 0.012 * t0**1.6, 0.002 + 0.012 * t1**1.6
                cv.fill(
                    np.array([(-w0, y0), (w0, y0), (w1, y1), (-w1, y1)]),
                    (0.9, 0.88, 0.8),
                    opacity=0.8,
                )
            for s in (-1, 1):  # street lamps
                lx = s * 0.55
                cv.fill(
                    _rect(lx - 0.004, ground_y - 0.3, lx + 0.004, ground_y + 0.12),
                    (0.12, 0.12, 0.13),
                )
                cv.fill(ellipse(lx, ground_y - 0.3, 0.018, 0.01), (0.12, 0.12, 0.13))
                if night or look.light == "dusk":
                    cv.fill(
                        ellipse(lx, ground_y - 0.29, 0.12, 0.12),
                        (1.0, 0.85, 0.55),
                        opacity=0.35,
                        blur=0.05,
                    )
                    cv.fill(ellipse(lx, ground_y - 0.292, 0.012, 0.006), (1.0, 0.95, 0.8))
    _vignette(cv)


def render(look: SetLook, width: int, height: int) -> np.ndarray:
    """The set as an RGB uint8 image of ``width``×``height``."""
    cv = Canvas(width, height, float(height), (width / 2.0, 0.0))
    aspect = width / height
    # an opaque base so nothing shows through between planes
    cv.fill(_rect(-aspect, -0.1, aspect, 1.1), _grade((0.5, 0.5, 0.5), look))
    if look.kind == "room":
        _room(cv, look, aspect)
    else:
        _exterior(cv, look, aspect)
    return cv.rgb8()
