"""Procedural portraits: a parametric, cel-shaded head-and-shoulders illustration.

The style is flat colour with one hard-edged shadow tone (light from the upper
left), soft cheek colour, and a few confident line accents (lash line, lid
crease, nostrils, lip line) — the look of an illustrated animatic rather
than a cartoon smiley.

A portrait is resolved in two steps:

1. :func:`resolve_look` turns constructor parameters (most of them ``"auto"``)
   and a seed into a :class:`Look`: concrete colours and continuous
   proportions.  Every ``auto`` value is drawn from its own random stream
   (seeded by ``seed`` and the parameter's name), so fixing one parameter does
   not reshuffle the others.
2. :func:`render` paints a Look at any resolution, with a mouth shape
   (viseme) and an eye openness, optionally only inside a region of interest.

Design units: the frame height is 1.0, x = 0 is the centre line, y grows
downward; the head centre sits at y = 0.40 and the bust reaches the bottom.
Morphing interpolates two Looks (:func:`lerp_look`).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, fields, replace
from typing import Any, cast

import numpy as np

from screenplay.pictures import schema
from screenplay.pictures.draw import Canvas, Colour, colour, ellipse, mirror, mix, shade, smooth
from screenplay.pictures.errors import BAD_PICTURE_PARAM, BackendError

#: Bumped whenever drawing changes pixels (part of every cache key).
STYLE_VERSION = 4

SKIN_TONES: dict[str, Colour] = {
    "porcelain": (0.98, 0.87, 0.80),
    "fair": (0.96, 0.82, 0.71),
    "light": (0.92, 0.76, 0.63),
    "medium": (0.85, 0.66, 0.51),
    "olive": (0.78, 0.62, 0.45),
    "tan": (0.74, 0.54, 0.38),
    "brown": (0.58, 0.39, 0.26),
    "dark": (0.42, 0.27, 0.18),
    "deep": (0.31, 0.20, 0.14),
}
HAIR_TONES: dict[str, Colour] = {
    "black": (0.10, 0.09, 0.09),
    "dark-brown": (0.22, 0.15, 0.11),
    "brown": (0.40, 0.26, 0.16),
    "auburn": (0.52, 0.24, 0.13),
    "red": (0.72, 0.33, 0.14),
    "blonde": (0.86, 0.71, 0.45),
    "platinum": (0.92, 0.88, 0.78),
    "grey": (0.62, 0.62, 0.62),
    "white": (0.90, 0.90, 0.88),
}
EYE_TONES: dict[str, Colour] = {
    "brown": (0.40, 0.24, 0.12),
    "dark": (0.18, 0.12, 0.08),
    "hazel": (0.52, 0.42, 0.20),
    "green": (0.30, 0.48, 0.30),
    "blue": (0.30, 0.50, 0.72),
    "grey": (0.50, 0.56, 0.60),
}
CLOTHING_TONES: tuple[str, ...] = (
    "navy",
    "charcoal",
    "burgundy",
    "olive",
    "denim",
    "rust",
    "cream",
    "teal",
    "mustard",
    "sage",
    "brown",
    "lavender",
    "white",
    "black",
)
BACKDROPS: tuple[str, ...] = ("sage", "sky", "beige", "lavender", "pink", "tan", "teal")

#: Mouth geometry per viseme: width factor, gap (design units), roundness,
#: lip thickness factor, (upper teeth, lower teeth, tongue), lower-lip tuck.
MOUTHS: dict[str, tuple[float, float, float, float, tuple[bool, bool, bool], float]] = {
    "rest": (1.00, 0.000, 0.0, 1.00, (False, False, False), 0.0),
    "mbp": (0.94, 0.000, 0.0, 0.70, (False, False, False), 0.0),
    "a": (0.98, 0.046, 0.3, 0.90, (True, False, True), 0.0),
    "e": (1.16, 0.020, 0.0, 0.85, (True, True, False), 0.0),
    "o": (0.62, 0.036, 1.0, 1.10, (False, False, True), 0.0),
    "fv": (1.00, 0.010, 0.0, 0.95, (True, False, False), 1.0),
}

HEAD_Y = 0.40


@dataclass(frozen=True)
class Look:
    """Everything that decides a portrait's pixels (continuous where possible)."""

    skin: Colour
    hair: Colour
    eyes: Colour
    clothes: Colour
    backdrop: Colour
    lips: Colour
    fem: float  # 0 masculine … 1 feminine
    age: float
    face_w: float  # half width at the cheekbones
    jaw_w: float  # half width at the jaw corner
    chin_y: float  # chin below the head centre
    top_y: float  # crown above the head centre
    eye_size: float
    eye_gap: float
    brow_weight: float
    nose_len: float
    mouth_w: float
    lip_full: float
    tilt: float  # canthal tilt
    smile: float  # −1 sad … 1 smile
    brow_raise: float
    hair_style: str
    clothing: str
    beard: str
    glasses: str
    background: str

    def cache_key(self) -> Any:
        return [STYLE_VERSION, [getattr(self, f.name) for f in fields(self)]]


def _stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(name.encode())])


def _pick(
    params: dict[str, Any],
    seed: int,
    name: str,
    choices: tuple[str, ...],
    weights: list[float] | None = None,
) -> str:
    param = schema.PORTRAIT.param(name)
    value = params.get(name, param.default if param is not None else schema.AUTO)
    if value is None or value == schema.AUTO:
        p = None if weights is None else np.asarray(weights, float) / sum(weights)
        return str(_stream(seed, name).choice(list(choices), p=p))
    if value not in choices:
        raise BackendError(
            BAD_PICTURE_PARAM,
            f"portrait {name}={value!r} is not one of the choices",
            f"Use one of: {', '.join(choices)}.",
        )
    return str(value)


def resolve_look(params: dict[str, Any]) -> Look:
    """Turn portrait parameters (with ``auto`` values) into a concrete :class:`Look`."""
    seed = int(params.get("seed") or 0)
    jitter = _stream(seed, "jitter").uniform(-1.0, 1.0, size=12)

    pres = _pick(params, seed, "presentation", schema.PRESENTATIONS, [0.45, 0.45, 0.10])
    fem = {"feminine": 1.0, "masculine": 0.0, "androgynous": 0.5}[pres]
    age_raw = params.get("age")
    age = float(age_raw) if age_raw is not None else float(_stream(seed, "age").integers(20, 70))
    if not 5 <= age <= 95:
        raise BackendError(
            BAD_PICTURE_PARAM,
            f"portrait age={age:g} is out of range",
            "Ages from 5 to 95 are drawn.",
        )
    skin_name = _pick(params, seed, "skin", schema.SKINS)
    hair_weights: list[float] = (
        [1, 1, 3, 3, 3, 4, 6, 4, 3, 2]
        if fem > 0.7
        else [3, 5, 7, 6, 3, 1, 1, 0.5, 0.5, 1.5]
        if fem < 0.3
        else [1, 2, 3, 3, 3, 3, 3, 2, 2, 2]
    )
    hair_style = _pick(params, seed, "hair", schema.HAIR_STYLES, hair_weights)
    hc_auto = params.get("hair_color", schema.AUTO) in (None, schema.AUTO)
    hair_name = _pick(
        params, seed, "hair_color", schema.HAIR_COLOURS, [4, 5, 4, 2, 1, 2, 0.5, 0.1, 0.1]
    )
    hair = HAIR_TONES[hair_name]
    if hc_auto and age > 45:  # greying with age, only when the writer left it open
        hair = mix(hair, HAIR_TONES["grey"], min(1.0, (age - 45) / 30))
    eye_name = _pick(params, seed, "eye_color", schema.EYE_COLOURS)
    shape = _pick(params, seed, "face_shape", schema.FACE_SHAPES)
    beard_default = "none" if fem >= 0.5 else None
    if params.get("beard", schema.AUTO) in (None, schema.AUTO) and beard_default:
        beard = beard_default
    else:
        beard = _pick(params, seed, "beard", schema.BEARDS, [5, 2, 1.5, 1.5])
    glasses = _pick(params, seed, "glasses", schema.GLASSES, [6, 1, 1])
    expression = _pick(params, seed, "expression", schema.EXPRESSIONS, [6, 2, 2, 1])
    cloth_weights = [3, 3, 3, 2, 1, 2.5 * fem, 1]
    clothing = _pick(params, seed, "clothing", schema.CLOTHING, cloth_weights)
    cc = params.get("clothing_color", schema.AUTO)
    if cc in (None, "", schema.AUTO):
        cc = str(_stream(seed, "clothing_color").choice(list(CLOTHING_TONES)))
    background = _pick(params, seed, "background", schema.FACE_BACKGROUNDS, [1, 0, 0])
    bc = params.get("background_color", schema.AUTO)
    if bc in (None, "", schema.AUTO):
        bc = str(_stream(seed, "background_color").choice(list(BACKDROPS)))

    child = float(np.clip((16 - age) / 11, 0, 1))
    shape_w = {"oval": 0.0, "round": 0.010, "square": 0.006, "long": -0.010, "heart": 0.004}[shape]
    shape_jaw = {"oval": 0.0, "round": 0.008, "square": 0.022, "long": -0.004, "heart": -0.020}[
        shape
    ]
    shape_chin = {"oval": 0.0, "round": -0.012, "square": -0.004, "long": 0.022, "heart": 0.006}[
        shape
    ]
    skin = SKIN_TONES[skin_name]
    lips = mix(shade(skin, 0.78), (0.72, 0.32, 0.34), 0.35 + 0.35 * fem)
    smile = {"neutral": 0.15, "smile": 1.0, "serious": -0.1, "sad": -0.8}[expression]
    brow_raise = {"neutral": 0.0, "smile": 0.3, "serious": -0.6, "sad": 0.8}[expression]
    return Look(
        skin=skin,
        hair=hair,
        eyes=EYE_TONES[eye_name],
        clothes=colour(str(cc)),
        backdrop=colour(str(bc)),
        lips=lips,
        fem=fem,
        age=age,
        face_w=0.128 - 0.006 * fem + shape_w + 0.004 * jitter[0] + 0.004 * child,
        jaw_w=0.095 - 0.012 * fem + shape_jaw + 0.005 * jitter[1] + 0.004 * child,
        chin_y=0.190 - 0.006 * fem + shape_chin + 0.006 * jitter[2] - 0.02 * child,
        top_y=0.200 + 0.004 * jitter[3],
        eye_size=1.0 + 0.10 * fem + 0.09 * jitter[4] + 0.25 * child,
        eye_gap=0.052 + 0.004 * jitter[5],
        brow_weight=1.0 - 0.35 * fem + 0.15 * jitter[6],
        nose_len=1.0 + 0.10 * jitter[7] - 0.1 * fem - 0.2 * child,
        mouth_w=0.036 + 0.004 * jitter[8] - 0.002 * fem,
        lip_full=1.0 + 0.35 * fem + 0.15 * jitter[9],
        tilt=0.004 * jitter[10] + 0.002 * fem,
        smile=smile + 0.1 * jitter[11],
        brow_raise=brow_raise,
        hair_style=hair_style,
        clothing=clothing,
        beard=beard,
        glasses=glasses,
        background=background,
    )


def lerp_look(a: Look, b: Look, t: float) -> Look:
    """Interpolate every continuous field; discrete fields come from ``a`` (caller blends)."""
    out: dict[str, Any] = {}
    for f in fields(Look):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if isinstance(va, float):
            out[f.name] = va + (vb - va) * t
        elif isinstance(va, tuple):
            out[f.name] = mix(va, vb, t)
        else:
            out[f.name] = va
    return Look(**out)


def with_discrete(look: Look, other: Look) -> Look:
    """``look`` with the discrete features (hair style, clothing…) of ``other``."""
    return replace(
        look,
        hair_style=other.hair_style,
        clothing=other.clothing,
        beard=other.beard,
        glasses=other.glasses,
        background=other.background,
    )


# --------------------------------------------------------------------------
# Layout: where a portrait sits in a frame, and the regions that animate
# --------------------------------------------------------------------------


def layout(width: int, height: int) -> tuple[float, tuple[float, float]]:
    """Scale (px per design unit) and origin: a close-up, head centre at 44% of the height."""
    scale = min(height * 1.3, width / 0.9)
    return scale, (width / 2.0, height * 0.44 - HEAD_Y * scale)


def regions(look: Look, width: int, height: int) -> dict[str, tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1) that change with the viseme ("mouth") and the eyes."""
    scale, (ox, oy) = layout(width, height)

    def box(cx: float, cy: float, hw: float, hh: float) -> tuple[int, int, int, int]:
        x0 = int(np.floor(ox + (cx - hw) * scale))
        x1 = int(np.ceil(ox + (cx + hw) * scale))
        y0 = int(np.floor(oy + (cy - hh) * scale))
        y1 = int(np.ceil(oy + (cy + hh) * scale))
        return max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)

    my = HEAD_Y + 0.118
    eye_y = HEAD_Y + 0.005
    mouth = box(0.0, my + 0.02, look.mouth_w * 1.35 + 0.012, 0.05)
    eyes = box(0.0, eye_y, look.eye_gap + 0.036 * look.eye_size + 0.012, 0.026)
    if eyes[3] > mouth[1]:  # never overlap (tiny frames): split the difference
        mid = (eyes[3] + mouth[1]) // 2
        eyes = (eyes[0], eyes[1], eyes[2], mid)
        mouth = (mouth[0], mid, mouth[2], mouth[3])
    return {"mouth": mouth, "eyes": eyes}


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


def _face_outline(lk: Look) -> np.ndarray:
    cy = HEAD_Y
    fw, jw = lk.face_w, lk.jaw_w
    half = [
        (0.0, cy - lk.top_y),
        (fw * 0.62, cy - lk.top_y * 0.93),
        (fw * 0.93, cy - lk.top_y * 0.62),
        (fw, cy - 0.02),
        (fw * 0.96, cy + 0.06),
        (jw + 0.012, cy + 0.115),
        (jw * 0.55 + 0.012, cy + lk.chin_y - 0.022),
        (0.022, cy + lk.chin_y - 0.002),
    ]
    right = np.array(half)
    left = mirror(right[1:][::-1])
    pts = np.vstack([right, [(0.0, cy + lk.chin_y)], left])
    return smooth(pts, closed=True, samples=10)


def _backdrop(cv: Canvas, lk: Look) -> None:
    if lk.background == "none":
        return
    full = np.array([[-5.0, -1.0], [5.0, -1.0], [5.0, 2.0], [-5.0, 2.0]])
    if lk.background == "soft":
        r = np.clip(cv.radial(0.0, HEAD_Y - 0.05, 0.9), 0, 1)[:, :, None]
        inner = np.asarray(shade(lk.backdrop, 1.25), np.float32)
        outer = np.asarray(shade(lk.backdrop, 0.85), np.float32)
        field = inner + (outer - inner) * r
    else:
        field = np.asarray(cv.vertical_gradient((0.36, 0.38, 0.42), (0.16, 0.17, 0.20), 0.0, 1.0))
        vign = np.clip(cv.radial(0.0, HEAD_Y, 1.1), 0, 1)[:, :, None]
        field = field * (1.0 - 0.35 * vign)
    got = cv.mask(full)
    if got is not None:
        cv.paint(got[0], got[1], field.astype(np.float32))


def _hair_back(cv: Canvas, lk: Look) -> None:
    cy, fw = HEAD_Y, lk.face_w
    col = lk.hair
    dark = shade(col, 0.78)
    style = lk.hair_style
    if style == "long":
        pts = [
            (0.0, cy - lk.top_y - 0.03),
            (fw + 0.05, cy - lk.top_y + 0.03),
            (fw + 0.06, cy + 0.05),
            (fw + 0.08, cy + 0.22),
            (fw + 0.10, cy + 0.38),
            (0.0, cy + 0.36),
        ]
        half = np.array(pts)
        shape = smooth(np.vstack([half, mirror(half[1:-1][::-1])]), closed=True)
        cv.fill(shape, dark)
    elif style == "bob":
        half = np.array(
            [
                (0.0, cy - lk.top_y - 0.035),
                (fw + 0.045, cy - lk.top_y + 0.03),
                (fw + 0.05, cy + 0.05),
                (fw + 0.04, cy + 0.15),
                (fw - 0.01, cy + 0.165),
                (0.0, cy + 0.10),
            ]
        )
        shape = smooth(np.vstack([half, mirror(half[1:-1][::-1])]), closed=True)
        cv.fill(shape, dark)
    elif style == "afro":
        n = 36
        ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
        r = 0.245 + 0.014 * np.cos(ang * 9)
        ring = np.stack([np.cos(ang) * r * 1.05, cy - 0.05 + np.sin(ang) * r * 0.95], axis=1)
        afro = smooth(ring, closed=True)
        cv.fill(afro, col)
        cv.paint_mask(cv.full_mask(afro) * (1.0 - cv.full_mask(afro + (-0.05, -0.02))), dark, 0.6)
    elif style == "bun":
        cv.fill(ellipse(0.0, cy - lk.top_y - 0.035, 0.065, 0.05), dark)
        cv.fill(ellipse(-0.015, cy - lk.top_y - 0.05, 0.03, 0.018), shade(col, 1.15), opacity=0.5)
    elif style == "ponytail":
        tail = smooth(
            np.array(
                [
                    (fw - 0.02, cy - 0.06),
                    (fw + 0.06, cy + 0.04),
                    (fw + 0.07, cy + 0.20),
                    (fw + 0.035, cy + 0.26),
                    (fw + 0.02, cy + 0.12),
                    (fw - 0.04, cy),
                ]
            ),
            closed=True,
        )
        cv.fill(tail, dark)


def _body(cv: Canvas, lk: Look) -> None:
    cy = HEAD_Y
    skin = lk.skin
    neck_w = 0.045 - 0.007 * lk.fem
    neck = smooth(
        np.array(
            [
                (-neck_w, cy + 0.08),
                (neck_w, cy + 0.08),
                (neck_w + 0.004, cy + 0.28),
                (-neck_w - 0.004, cy + 0.28),
            ]
        ),
        closed=True,
        samples=4,
    )
    cv.fill(neck, shade(skin, 0.93))
    neck_clip = cv.full_mask(neck)
    # the jaw casts a hard shadow on the neck (cel shading)
    jaw_shadow = _face_outline(lk) + (0.006, 0.032)
    cv.fill(jaw_shadow, shade(skin, 0.70), opacity=0.55, clip=neck_clip)

    cloth = lk.clothes
    sw = 0.33 - 0.035 * lk.fem
    shoulder_y = cy + 0.30
    body_half = np.array(
        [
            (0.0, cy + 0.27),
            (neck_w + 0.02, cy + 0.265),
            (0.16, cy + 0.285),
            (sw - 0.03, shoulder_y + 0.02),
            (sw + 0.03, shoulder_y + 0.12),
            (sw + 0.07, 1.2),
        ]
    )
    body = smooth(
        np.vstack([body_half, [(0.0, 1.25)], mirror(body_half[1:][::-1])]), closed=True, samples=8
    )
    kind = lk.clothing
    if kind == "dress":
        # bare shoulders first, then a dress with a scooped neckline and straps
        cv.fill(body, skin)
        cv.paint_mask(
            cv.full_mask(body) * (1.0 - cv.full_mask(body + (-0.04, 0.0))), shade(skin, 0.82), 0.6
        )
        dress_half = np.array(
            [
                (0.0, cy + 0.43),
                (0.07, cy + 0.40),
                (0.12, cy + 0.33),
                (0.17, cy + 0.31),
                (0.24, cy + 0.34),
                (sw + 0.05, 1.2),
            ]
        )
        dress = smooth(
            np.vstack([dress_half, [(0.0, 1.25)], mirror(dress_half[1:][::-1])]),
            closed=True,
            samples=8,
        )
        cv.fill(dress, cloth)
        dclip = cv.full_mask(dress)
        cv.paint_mask(dclip * (1.0 - cv.full_mask(dress + (-0.05, 0.0))), shade(cloth, 0.82), 0.7)
        for side in (-1, 1):  # soft fold lines
            fold = smooth(
                np.array([(side * 0.06, cy + 0.47), (side * 0.08, cy + 0.56), (side * 0.07, 1.05)]),
                closed=False,
            )
            cv.stroke(fold, shade(cloth, 0.78), 0.004, opacity=0.5, clip=dclip)
        cv.stroke(smooth(dress_half[:4], closed=False), shade(cloth, 0.7), 0.003, opacity=0.6)
        cv.stroke(
            mirror(smooth(dress_half[:4], closed=False)), shade(cloth, 0.7), 0.003, opacity=0.6
        )
        return
    cv.fill(body, cloth)
    bclip = cv.full_mask(body)
    # form shadow on the far (right) side and under the chin
    cv.paint_mask(bclip * (1.0 - cv.full_mask(body + (-0.05, 0.0))), shade(cloth, 0.78), 0.8)
    cv.fill(
        ellipse(0.0, cy + 0.27, 0.07, 0.025), shade(cloth, 0.7), opacity=0.45, clip=bclip, blur=0.01
    )
    dark = shade(cloth, 0.62)
    if kind in ("tshirt", "sweater"):
        neckline = smooth(
            np.array(
                [(-neck_w - 0.012, cy + 0.265), (0.0, cy + 0.33), (neck_w + 0.012, cy + 0.265)]
            ),
            closed=False,
        )
        opening = np.vstack([neckline, [(neck_w, cy + 0.24), (-neck_w, cy + 0.24)]])
        cv.fill(opening, shade(skin, 0.9))
        cv.fill(neckline + (0.004, 0.02), shade(skin, 0.7), opacity=0.4, clip=cv.full_mask(opening))
        band = 0.013 if kind == "sweater" else 0.006
        cv.stroke(neckline, shade(cloth, 0.85), band)
        if kind == "sweater":
            for x in np.linspace(-neck_w, neck_w, 9):
                cv.stroke(
                    np.array(
                        [
                            (x, cy + 0.275 + 0.04 * (1 - (x / neck_w) ** 2) * 0.9),
                            (x * 1.1, cy + 0.29 + 0.045 * (1 - (x / neck_w) ** 2)),
                        ]
                    ),
                    dark,
                    0.0025,
                    opacity=0.4,
                )
        return
    # collared garments: a V opening showing shirt or skin
    v_depth = {"shirt": 0.36, "jacket": 0.45, "suit": 0.47, "coat": 0.40}[kind]
    v_open = np.array(
        [(-neck_w - 0.01, cy + 0.26), (neck_w + 0.01, cy + 0.26), (0.0, cy + v_depth)]
    )
    if kind == "shirt":
        cv.fill(v_open, shade(skin, 0.9))
        cv.fill(v_open + (0.0, 0.03), shade(skin, 0.7), opacity=0.35, clip=cv.full_mask(v_open))
        for side in (-1, 1):
            wing = np.array(
                [
                    (side * (neck_w - 0.004), cy + 0.235),
                    (side * (neck_w + 0.045), cy + 0.29),
                    (side * 0.012, cy + 0.335),
                ]
            )
            cv.fill(wing, shade(cloth, 1.12))
            cv.stroke(np.vstack([wing, wing[:1]]), dark, 0.002, opacity=0.5)
        cv.stroke(np.array([(0.0, cy + v_depth), (0.0, 1.05)]), dark, 0.002, opacity=0.5)
        for y in (cy + 0.42, cy + 0.50):
            cv.fill(ellipse(0.006, y, 0.0045, 0.0045, n=16), dark, opacity=0.6)
        return
    shirt = colour("white") if kind != "coat" else shade(cloth, 0.5)
    wide_v = np.array(
        [(-neck_w - 0.02, cy + 0.25), (neck_w + 0.02, cy + 0.25), (0.0, cy + v_depth)]
    )
    cv.fill(wide_v, shirt)
    vclip = cv.full_mask(wide_v)
    cv.fill(wide_v + (0.02, 0.0), shade(shirt, 0.85), opacity=0.6, clip=vclip)
    if kind == "suit":
        tie = np.array(
            [
                (-0.012, cy + 0.275),
                (0.012, cy + 0.275),
                (0.018, cy + 0.45),
                (0.0, cy + 0.48),
                (-0.018, cy + 0.45),
            ]
        )
        cv.fill(tie, shade(cloth, 0.55) if kind == "suit" else dark)
        cv.fill(
            np.array(
                [
                    (-0.014, cy + 0.262),
                    (0.014, cy + 0.262),
                    (0.010, cy + 0.285),
                    (-0.010, cy + 0.285),
                ]
            ),
            shade(cloth, 0.5),
        )
    for side in (-1, 1):  # lapels
        lapel = np.array(
            [
                (side * (neck_w + 0.02), cy + 0.245),
                (side * (neck_w + 0.07), cy + 0.31),
                (side * 0.045, cy + 0.35),
                (side * 0.0, cy + v_depth + 0.01),
                (side * 0.012, cy + v_depth - 0.01),
                (side * (neck_w + 0.004), cy + 0.27),
            ]
        )
        cv.fill(lapel, shade(cloth, 0.88 if side < 0 else 0.72))
        cv.stroke(np.vstack([lapel, lapel[:1]]), dark, 0.002, opacity=0.6)


def _ears(cv: Canvas, lk: Look) -> None:
    for side in (-1, 1):
        ear = ellipse(side * (lk.face_w - 0.002), HEAD_Y + 0.025, 0.020, 0.036, rot=side * 0.15)
        cv.fill(ear, shade(lk.skin, 0.95 if side < 0 else 0.82))
        cv.fill(
            ellipse(side * (lk.face_w + 0.004), HEAD_Y + 0.025, 0.009, 0.02),
            shade(lk.skin, 0.72),
            opacity=0.5,
        )


def _eyes(cv: Canvas, lk: Look, openness: float) -> None:
    cy = HEAD_Y + 0.005
    ew = 0.025 * lk.eye_size
    eh = 0.0115 * lk.eye_size
    line = shade(lk.hair, 0.5) if lk.hair[0] < 0.5 else (0.16, 0.11, 0.09)
    line = mix(line, (0.12, 0.08, 0.07), 0.6)
    t = np.linspace(0, 1, 24)
    for side in (-1, 1):
        cx = side * lk.eye_gap
        # an almond: the upper curve peaks toward the inner third, the outer corner lifts by `tilt`
        xs = -ew + 2 * ew * t
        lift = (t if side > 0 else 1 - t) * lk.tilt
        upper = np.stack([cx + xs, cy - eh * np.sin(np.pi * t) ** 0.8 * 1.05 - lift], axis=1)
        lower = np.stack([cx + xs, cy + eh * 0.75 * np.sin(np.pi * t) ** 1.1 - lift * 0.5], axis=1)
        o = float(np.clip(openness, 0.0, 1.0))
        lid = lower + (upper - lower) * o
        # crease above the lid and a soft socket shadow: fixed, independent of blinking
        crease = upper + (0.0, -eh * 0.55)
        cv.stroke(crease[3:-2], shade(lk.skin, 0.68), 0.0022, opacity=0.55)
        cv.fill(np.vstack([upper, crease[::-1]]), shade(lk.skin, 0.8), opacity=0.25, blur=0.002)
        if o > 0.02:
            opening = np.vstack([lid, lower[::-1]])
            clip = cv.full_mask(opening)
            cv.fill(opening, (0.95, 0.93, 0.90), clip=None)
            ir = eh * 1.02
            ix, iy = cx + side * ew * 0.04, cy - eh * 0.05
            cv.fill(ellipse(ix, iy, ir, ir, n=40), lk.eyes, clip=clip)
            cv.fill(
                ellipse(ix, iy, ir, ir, n=40),
                shade(lk.eyes, 0.55),
                clip=clip,
                opacity=0.9,
                blur=0.0,
            )
            cv.fill(ellipse(ix, iy + ir * 0.1, ir * 0.78, ir * 0.78, n=40), lk.eyes, clip=clip)
            cv.fill(ellipse(ix, iy, ir * 0.45, ir * 0.45, n=32), (0.06, 0.05, 0.05), clip=clip)
            cv.fill(
                ellipse(ix - ir * 0.35, iy - ir * 0.4, ir * 0.2, ir * 0.2, n=16),
                (1, 1, 1),
                clip=clip,
                opacity=0.9,
            )
            # the upper lid's shadow on the eyeball
            cv.fill(lid + (0.0, eh * 0.35), (0.3, 0.22, 0.2), opacity=0.25, clip=clip, blur=0.002)
        lash_w = (0.0034 + 0.0018 * lk.fem) * (0.7 + 0.3 * o)
        cv.stroke(lid, line, lash_w)
        if lk.fem > 0.5 and o > 0.3:  # a small flick at the outer corner
            end = lid[-1] if side > 0 else lid[0]
            cv.stroke(np.array([end, end + (side * 0.006, -0.004 - lk.tilt)]), line, 0.0025)
        cv.stroke(lower[4:-3], shade(lk.skin, 0.7), 0.0018, opacity=0.6)
        if lk.age > 40:  # bags under the eyes
            bag = lower[5:-4] + (0.0, eh * 0.9)
            cv.stroke(bag, shade(lk.skin, 0.7), 0.0018, opacity=min(0.5, (lk.age - 40) / 40))


def _brows(cv: Canvas, lk: Look) -> None:
    cy = HEAD_Y - 0.030 - 0.002 * lk.eye_size
    col = shade(lk.hair, 0.8) if lk.hair_style != "bald" else shade(lk.hair, 0.6)
    if sum(lk.hair) > 2.3:  # very light hair: brows read slightly darker
        col = shade(col, 0.75)
    w = lk.brow_weight
    for side in (-1, 1):
        inner = side * (lk.eye_gap - 0.022)
        outer = side * (lk.eye_gap + 0.032)
        raise_inner = 0.006 * lk.brow_raise
        arch = np.array(
            [
                (inner, cy + 0.002 - raise_inner),
                (side * (lk.eye_gap + 0.004), cy - 0.008 - 0.003 * lk.fem),
                (outer, cy + 0.001),
            ]
        )
        top = smooth(arch, closed=False, samples=8)
        thick = np.linspace(0.0085, 0.0025, len(top))[:, None] * w
        bottom = top + np.hstack([np.zeros_like(thick), thick])
        cv.fill(np.vstack([top, bottom[::-1]]), col)


def _nose(cv: Canvas, lk: Look) -> None:
    cy = HEAD_Y
    ny = cy + 0.068 * lk.nose_len
    dark = shade(lk.skin, 0.66)
    # a shadow plane down the far side of the bridge, then the nose base
    plane = smooth(
        np.array(
            [
                (0.010, cy + 0.005),
                (0.016, ny - 0.02),
                (0.022, ny),
                (0.008, ny + 0.006),
                (0.006, ny - 0.02),
            ]
        ),
        closed=True,
        samples=6,
    )
    cv.fill(plane, shade(lk.skin, 0.8), opacity=0.45)
    base = smooth(
        np.array(
            [
                (-0.019, ny - 0.004),
                (-0.012, ny + 0.006),
                (0.0, ny + 0.008),
                (0.012, ny + 0.006),
                (0.019, ny - 0.004),
            ]
        ),
        closed=False,
    )
    cv.stroke(base, dark, 0.0028, opacity=0.8)
    for side in (-1, 1):
        cv.fill(ellipse(side * 0.009, ny + 0.002, 0.004, 0.0022), shade(lk.skin, 0.5), opacity=0.7)
    cv.fill(
        ellipse(-0.004, ny - 0.012, 0.006, 0.008), shade(lk.skin, 1.12), opacity=0.5, blur=0.003
    )


def mouth_shape(
    token: str,
) -> tuple[float, float, float, float, tuple[bool, bool, bool], float]:
    """The mouth geometry of a viseme or a co-articulated blend (``"a:0.75,o:0.25"``).

    Continuous parts (width, gap, roundness, thickness, tuck) mix by weight;
    teeth and tongue show when the visemes that show them weigh at least half.
    """
    if token in MOUTHS:
        return MOUTHS[token]
    from screenplay.pictures.animation import mouth_weights

    weights = mouth_weights(token)
    num = [sum(w * cast(float, MOUTHS[v][i]) for v, w in weights.items()) for i in (0, 1, 2, 3, 5)]
    shows = tuple(sum(w for v, w in weights.items() if MOUTHS[v][4][i]) >= 0.5 for i in range(3))
    return num[0], num[1], num[2], num[3], (shows[0], shows[1], shows[2]), num[4]


def _mouth(cv: Canvas, lk: Look, viseme: str) -> None:
    wf, gap, rnd, thick, (top_teeth, low_teeth, tongue), tuck = mouth_shape(viseme)
    cx, my = 0.0, HEAD_Y + 0.118
    w = lk.mouth_w * wf
    corner = -0.004 * lk.smile * (1 - rnd)  # corners lift with a smile
    n = 25
    t = np.linspace(-1, 1, n)
    # inner edges: a curve that becomes an ellipse as roundness grows
    prof = (1 - np.abs(t) ** (2.2 - 0.2 * rnd)) ** (0.6 + 0.4 * (1 - rnd))
    upper_in = np.stack([cx + w * t, my + corner * np.abs(t) ** 2 - gap * 0.30 * prof], axis=1)
    lower_in = np.stack([cx + w * t, my + corner * np.abs(t) ** 2 + gap * 0.70 * prof], axis=1)
    lip_u = 0.0095 * lk.lip_full * thick
    lip_l = 0.0135 * lk.lip_full * thick
    bow = np.abs(np.abs(t) - 0.28)  # cupid's bow
    upper_out = upper_in - np.stack(
        [np.zeros(n), lip_u * (1 - t**2) ** 0.5 * (0.75 + 0.5 * np.clip(bow, 0, 0.5))], 1
    )
    lower_out = lower_in + np.stack([np.zeros(n), lip_l * (1 - t**2) ** 0.6], 1)
    if tuck > 0:  # F/V: the lower lip rolls up under the upper teeth
        lower_in = lower_in + (0.0, -gap * 0.7 * tuck)
        lower_out = lower_out + (0.0, -0.003 * tuck)
    lip_col = lk.lips
    if gap > 0.0005:
        opening = np.vstack([upper_in, lower_in[::-1]])
        clip = cv.full_mask(opening)
        cv.fill(opening, (0.24, 0.07, 0.08))
        if tongue:
            cv.fill(
                ellipse(cx, my + gap * 0.75, w * 0.55, gap * 0.35), (0.70, 0.32, 0.33), clip=clip
            )
        if top_teeth:
            teeth = np.vstack([upper_in, (upper_in + (0.0, min(0.011, gap * 0.6)))[::-1]])
            cv.fill(teeth, (0.96, 0.94, 0.90), clip=clip)
        if low_teeth:
            teeth = np.vstack([lower_in + (0.0, -min(0.008, gap * 0.4)), lower_in[::-1]])
            cv.fill(teeth, (0.90, 0.88, 0.84), clip=clip)
    cv.fill(np.vstack([upper_out, upper_in[::-1]]), shade(lip_col, 0.85))
    cv.fill(np.vstack([lower_in, lower_out[::-1]]), lip_col)
    # highlight on the lower lip and a shadow under it
    mid = n // 2
    cv.fill(
        ellipse(cx - 0.004, (lower_in[mid, 1] + lower_out[mid, 1]) / 2, w * 0.3, lip_l * 0.22),
        shade(lip_col, 1.3),
        opacity=0.45,
        blur=0.0015,
    )
    cv.fill(
        ellipse(cx, lower_out[mid, 1] + 0.007, w * 0.45, 0.004),
        shade(lk.skin, 0.75),
        opacity=0.35,
        blur=0.003,
    )
    cv.stroke(upper_in if gap <= 0.0005 else upper_in, shade(lip_col, 0.45), 0.0026, opacity=0.9)
    if gap > 0.0005:
        cv.stroke(lower_in, shade(lip_col, 0.5), 0.0016, opacity=0.5)
    for side in (0, -1):  # corners
        p = upper_in[side]
        cv.fill(ellipse(p[0], p[1], 0.0025, 0.0025, n=12), shade(lk.skin, 0.6), opacity=0.5)


def _age_lines(cv: Canvas, lk: Look, face_clip: np.ndarray) -> None:
    k = float(np.clip((lk.age - 36) / 36, 0, 1))
    if k <= 0:
        return
    col = shade(lk.skin, 0.62)
    cy = HEAD_Y
    for side in (-1, 1):  # nasolabial folds
        fold = smooth(
            np.array(
                [(side * 0.030, cy + 0.074), (side * 0.043, cy + 0.100), (side * 0.050, cy + 0.13)]
            ),
            closed=False,
        )
        cv.stroke(fold, col, 0.0024, opacity=0.15 + 0.45 * k, clip=face_clip, blur=0.001)
        crow = [
            np.array(
                [
                    (side * (lk.eye_gap + 0.032), cy + 0.0 + d),
                    (side * (lk.eye_gap + 0.044), cy - 0.004 + 2 * d),
                ]
            )
            for d in (-0.004, 0.004)
        ]
        for c in crow:
            cv.stroke(c, col, 0.0016, opacity=0.5 * k, clip=face_clip)
    if k > 0.3:
        for i, y in enumerate((cy - 0.085, cy - 0.1)):
            line = smooth(
                np.array([(-0.05 + 0.01 * i, y), (0.0, y - 0.004), (0.05 - 0.01 * i, y)]),
                closed=False,
            )
            cv.stroke(line, col, 0.0016, opacity=0.45 * (k - 0.3), clip=face_clip)


def _beard(cv: Canvas, lk: Look, face_clip: np.ndarray, part: str) -> None:
    if lk.beard == "none":
        return
    cy, my = HEAD_Y, HEAD_Y + 0.118
    col = shade(lk.hair, 0.9)
    if part == "under" and lk.beard in ("stubble", "full"):
        outline = _face_outline(lk)
        jaw = outline[outline[:, 1] > cy + 0.045]  # right jaw → chin → left jaw
        jaw = jaw + (0.0, 0.006 if lk.beard == "full" else 0.0)
        upper = np.array(
            [
                (-lk.face_w * 0.9, cy + 0.04),
                (-0.072, cy + 0.085),
                (-0.05, my - 0.012),
                (-0.03, my + 0.022),
                (0.0, my + 0.026),
                (0.03, my + 0.022),
                (0.05, my - 0.012),
                (0.072, cy + 0.085),
                (lk.face_w * 0.9, cy + 0.04),
            ]
        )
        region = np.vstack([jaw, upper])
        if lk.beard == "stubble":
            cv.fill(region, col, opacity=0.2, clip=face_clip, blur=0.008)
        else:
            cv.fill(region, col, opacity=0.97)
            bmask = cv.full_mask(region)
            cv.paint_mask(bmask * (1.0 - cv.full_mask(region + (-0.03, 0.0))), shade(col, 0.7), 0.6)
            cv.fill(
                region + (-0.004, -0.012), shade(col, 1.2), opacity=0.25, clip=bmask, blur=0.004
            )
    if part == "over" and lk.beard in ("mustache", "full"):
        w = lk.mouth_w + 0.012
        stache = smooth(
            np.array(
                [
                    (-w, my + 0.004),
                    (-w * 0.6, my - 0.016),
                    (0.0, my - 0.022),
                    (w * 0.6, my - 0.016),
                    (w, my + 0.004),
                    (w * 0.5, my - 0.007),
                    (0.0, my - 0.009),
                    (-w * 0.5, my - 0.007),
                ]
            ),
            closed=True,
            samples=6,
        )
        cv.fill(stache, col)
        cv.fill(stache + (0.0, -0.006), shade(col, 1.2), opacity=0.3, clip=cv.full_mask(stache))


def _hair_front(cv: Canvas, lk: Look, face_clip: np.ndarray) -> None:
    style = lk.hair_style
    cy, fw, top = HEAD_Y, lk.face_w, lk.top_y
    col = lk.hair
    dark, light = shade(col, 0.72), shade(col, 1.25)
    if style == "bald":
        if lk.age > 45:  # a horseshoe of short hair above the ears
            for side in (-1, 1):
                patch = smooth(
                    np.array(
                        [
                            (side * (fw + 0.006), cy - 0.075),
                            (side * (fw + 0.01), cy - 0.01),
                            (side * (fw - 0.012), cy - 0.015),
                            (side * (fw - 0.01), cy - 0.07),
                        ]
                    ),
                    closed=True,
                    samples=6,
                )
                cv.fill(patch, col, opacity=0.85)
        cv.fill(
            ellipse(-0.04, cy - top * 0.78, 0.04, 0.02, rot=-0.4),
            (1, 1, 1),
            opacity=0.18,
            clip=face_clip,
            blur=0.006,
        )
        return
    vol = {
        "buzz": 0.006,
        "short": 0.022,
        "side-part": 0.03,
        "curly": 0.04,
        "bob": 0.03,
        "long": 0.028,
        "ponytail": 0.012,
        "bun": 0.012,
        "afro": 0.02,
    }[style]
    # the crown: the top of the face outline pushed outward by the hair's volume
    outline = _face_outline(lk)
    crown = outline[outline[:, 1] < cy - 0.01].copy()
    crown = crown[np.argsort(np.arctan2(crown[:, 1] - cy, crown[:, 0]))]  # left → top → right
    centre = np.array([0.0, cy + 0.02])
    d = crown - centre
    # volume sits on top of the head; the sides stay close to it (no helmet)
    lift = np.clip((cy - crown[:, 1]) / top, 0.0, 1.0) ** 1.5
    side_k = 0.3 if style in ("short", "side-part", "buzz", "curly") else 0.75
    crown = (
        crown
        + d
        / np.linalg.norm(d, axis=1, keepdims=True)
        * (vol * (side_k + (1 - side_k) * lift))[:, None]
    )
    if style == "curly":
        ang = np.linspace(0, 1, len(crown))
        bumps = 0.008 * np.abs(np.sin(ang * np.pi * 9))
        crown = crown + d / np.linalg.norm(d, axis=1, keepdims=True) * bumps[:, None]
    hl = cy - top * 0.55  # hairline height at the temples
    if style in ("short", "buzz", "ponytail", "bun", "afro", "curly"):
        dip = {
            "short": 0.0,
            "buzz": 0.01,
            "ponytail": -0.01,
            "bun": -0.01,
            "afro": 0.0,
            "curly": 0.012,
        }[style]
        # temples recede a little (an M-shaped hairline) and sideburns reach the ears
        recess = 0.02 + 0.02 * (1 - lk.fem) if style in ("short", "buzz") else 0.0
        line = [
            (fw + 0.004, cy + 0.01 if style != "ponytail" else cy - 0.04),
            (fw - 0.012, cy - 0.045),
            (fw * 0.62, hl - 0.02 + dip - recess),
            (fw * 0.25, hl - 0.03 + dip - recess * 0.3),
            (0.0, hl - 0.03 + dip),
            (-fw * 0.25, hl - 0.03 + dip - recess * 0.3),
            (-fw * 0.62, hl - 0.02 + dip - recess),
            (-fw + 0.012, cy - 0.045),
            (-fw - 0.004, cy + 0.01 if style != "ponytail" else cy - 0.04),
        ]
    elif style == "side-part":
        line = [
            (fw + 0.004, cy + 0.0),
            (fw - 0.012, cy - 0.05),
            (fw * 0.45, hl - 0.035),
            (-fw * 0.1, hl - 0.015),
            (-fw * 0.65, hl + 0.005),
            (-fw - 0.004, cy - 0.03),
            (-fw - 0.006, cy + 0.01),
        ]
    elif style == "bob":
        line = [
            (fw + 0.02, cy + 0.14),
            (fw - 0.008, cy + 0.02),
            (fw * 0.7, hl + 0.035),
            (0.0, hl + 0.045),
            (-fw * 0.7, hl + 0.035),
            (-fw + 0.008, cy + 0.02),
            (-fw - 0.02, cy + 0.14),
        ]
    else:  # long: centre part, curtains down the sides of the face
        line = [
            (fw + 0.03, cy + 0.30),
            (fw + 0.004, cy + 0.14),
            (fw - 0.01, cy - 0.02),
            (fw * 0.45, hl - 0.005),
            (0.0, hl - 0.035),
            (-fw * 0.45, hl - 0.005),
            (-fw + 0.01, cy - 0.02),
            (-fw - 0.004, cy + 0.14),
            (-fw - 0.03, cy + 0.30),
        ]
    inner = smooth(np.array(line), closed=False, samples=8)  # right → left
    # close the shape: crown runs left → right, the hairline runs back right → left
    shape = np.vstack([inner[-1:] + (-0.01, 0), crown, inner[:1] + (0.01, 0), inner])
    shape = smooth(shape[:: max(1, len(shape) // 60)], closed=True, samples=4)
    opacity = 0.75 if style == "buzz" else 1.0
    # the hair casts a hard shadow on the forehead
    cv.fill(shape + (0.006, 0.012), shade(lk.skin, 0.7), opacity=0.45, clip=face_clip)
    cv.fill(shape, col, opacity=opacity)
    hclip = cv.full_mask(shape)
    cv.fill(shape + (0.03, 0.012), dark, opacity=0.55 * opacity, clip=hclip)
    # sheen: a light arc on the lit side
    sheen = smooth(
        np.array(
            [
                (-fw * 0.75, cy - top * 0.55),
                (-fw * 0.45, cy - top * 0.88),
                (-fw * 0.05, cy - top - vol * 0.6),
            ]
        ),
        closed=False,
    )
    cv.stroke(
        sheen, light, 0.010 if style != "buzz" else 0.004, opacity=0.35, clip=hclip, blur=0.002
    )
    if style in ("side-part", "long", "bob", "short"):  # a few strands for texture
        rng = np.random.default_rng(len(line) + int(fw * 1e4))
        for _ in range(7):
            x0 = rng.uniform(-fw * 0.8, fw * 0.8)
            strand = smooth(
                np.array(
                    [
                        (x0, cy - top - vol * 0.5),
                        (x0 * 1.15 + 0.01, hl - 0.04),
                        (x0 * 1.3 + 0.015, hl + 0.0),
                    ]
                ),
                closed=False,
            )
            cv.stroke(strand, dark, 0.0018, opacity=0.5, clip=hclip)
    if style == "side-part":
        cv.stroke(
            np.array([(fw * 0.35, cy - top - vol * 0.7), (fw * 0.3, hl - 0.05)]),
            shade(col, 0.55),
            0.003,
            opacity=0.7,
            clip=hclip,
        )
    if style == "long":
        cv.stroke(
            np.array([(0.0, cy - top - vol), (0.0, hl - 0.03)]),
            shade(col, 0.55),
            0.003,
            opacity=0.7,
            clip=hclip,
        )


def _glasses(cv: Canvas, lk: Look) -> None:
    if lk.glasses == "none":
        return
    cy = HEAD_Y + 0.004
    frame_col = (0.12, 0.10, 0.10)
    r = 0.030 * max(1.0, lk.eye_size * 0.95)
    for side in (-1, 1):
        cx = side * lk.eye_gap
        if lk.glasses == "round":
            rim = ellipse(cx, cy, r, r * 0.92)
        else:
            rim = smooth(
                np.array(
                    [
                        (cx - r * 1.1, cy - r * 0.7),
                        (cx + r * 1.1, cy - r * 0.75),
                        (cx + r, cy + r * 0.7),
                        (cx - r, cy + r * 0.72),
                    ]
                ),
                closed=True,
                samples=5,
            )
        cv.fill(rim, (0.8, 0.88, 0.95), opacity=0.12)
        cv.stroke(rim, frame_col, 0.0045, closed=True)
        cv.stroke(
            np.array([(cx - r * 0.5, cy - r * 0.3), (cx - r * 0.1, cy - r * 0.7)]),
            (1, 1, 1),
            0.004,
            opacity=0.35,
        )
        cv.stroke(
            np.array(
                [(side * (lk.eye_gap + r), cy - 0.006), (side * (lk.face_w + 0.002), cy - 0.01)]
            ),
            frame_col,
            0.004,
        )
    bridge = smooth(
        np.array([(-lk.eye_gap + r, cy - 0.004), (0.0, cy - 0.010), (lk.eye_gap - r, cy - 0.004)]),
        closed=False,
    )
    cv.stroke(bridge, frame_col, 0.004)


def render(
    lk: Look,
    width: int,
    height: int,
    viseme: str = "rest",
    eyes: float = 1.0,
    roi: tuple[int, int, int, int] | None = None,
) -> Canvas:
    """Paint ``lk`` into a canvas covering ``roi`` (default: the whole frame)."""
    scale, origin = layout(width, height)
    cv = Canvas(width, height, scale, origin, roi)
    _backdrop(cv, lk)
    _hair_back(cv, lk)
    _body(cv, lk)
    _ears(cv, lk)
    outline = _face_outline(lk)
    cv.fill(outline, lk.skin)
    face_clip = cv.full_mask(outline)
    # cel shadow on the far side: the crescent left when the face shifts toward the light
    shadow = face_clip * (1.0 - cv.full_mask(outline + (-0.028, -0.012)))
    cv.paint_mask(shadow, shade(lk.skin, 0.80), opacity=0.75)
    for side in (-1, 1):  # cheeks
        cv.fill(
            ellipse(side * 0.07, HEAD_Y + 0.07, 0.028, 0.02),
            (0.88, 0.42, 0.42),
            opacity=0.10 + 0.12 * lk.fem,
            clip=face_clip,
            blur=0.012,
        )
    cv.stroke(outline, shade(lk.skin, 0.62), 0.0022, closed=True, opacity=0.55)
    _age_lines(cv, lk, face_clip)
    _beard(cv, lk, face_clip, "under")
    _nose(cv, lk)
    _eyes(cv, lk, eyes)
    _brows(cv, lk)
    _mouth(cv, lk, viseme)
    _beard(cv, lk, face_clip, "over")
    _hair_front(cv, lk, face_clip)
    _glasses(cv, lk)
    return cv


def landmarks(lk: Look, width: int, height: int) -> dict[int, tuple[float, float]]:
    """Where this portrait's features are, as MediaPipe face-mesh indices → frame pixels.

    The portrait is drawn from known geometry, so its landmarks are exact
    (no detector): eye corners, lids and irises, brows, nose, mouth and the
    face outline from the same numbers :func:`render` uses.  The indices are
    those of the 478-point mesh (lower indices on the picture's left), so a
    morph can pair them with a photo's detected mesh point for point.
    """
    scale, (ox, oy) = layout(width, height)
    cy = HEAD_Y
    ey = cy + 0.005
    ew, eh = 0.025 * lk.eye_size, 0.0115 * lk.eye_size
    by = cy - 0.030 - 0.002 * lk.eye_size
    ny = cy + 0.068 * lk.nose_len
    my = cy + 0.118
    fw, jw, top, chin = lk.face_w, lk.jaw_w, lk.top_y, lk.chin_y
    # (index on the picture's left, index on its right, x of the right one, y)
    pairs: list[tuple[int, int, float, float]] = [
        (33, 263, lk.eye_gap + ew, ey),  # outer eye corners
        (133, 362, lk.eye_gap - ew, ey),  # inner eye corners
        (159, 386, lk.eye_gap, ey - eh * 1.05),  # upper lids
        (145, 374, lk.eye_gap, ey + eh * 0.75),  # lower lids
        (468, 473, lk.eye_gap, ey),  # irises
        (107, 336, lk.eye_gap - 0.022, by + 0.002),  # brows: inner, peak, outer
        (105, 334, lk.eye_gap + 0.004, by - 0.008 - 0.003 * lk.fem),
        (70, 300, lk.eye_gap + 0.032, by + 0.001),
        (98, 327, 0.019, ny - 0.004),  # nostril wings
        (61, 291, lk.mouth_w, my),  # mouth corners
        # face outline, forehead to chin (the mesh's forehead ends at the hairline,
        # well below the crown of the drawn head)
        (234, 454, fw * 0.93, cy),
        (54, 284, fw * 0.80, cy - top * 0.40),
        (103, 332, fw * 0.55, cy - top * 0.52),
        (93, 323, fw * 0.96, cy + 0.06),
        (172, 397, jw + 0.012, cy + 0.115),
        (150, 379, jw * 0.55 + 0.012, cy + chin - 0.022),
        (148, 377, 0.022, cy + chin - 0.002),
    ]
    centre: list[tuple[int, float]] = [
        (10, cy - top * 0.58),
        (1, ny - 0.004),  # nose tip
        (2, ny + 0.008),  # under the nose
        (0, my - 0.0095 * lk.lip_full - 0.002),  # top of the upper lip
        (13, my - 0.001),
        (14, my + 0.001),
        (17, my + 0.0135 * lk.lip_full + 0.001),  # bottom of the lower lip
        (152, cy + chin),
    ]
    out: dict[int, tuple[float, float]] = {}
    for left, right, x, y in pairs:
        out[left] = (ox - x * scale, oy + y * scale)
        out[right] = (ox + x * scale, oy + y * scale)
    for i, y in centre:
        out[i] = (ox, oy + y * scale)
    return out
