"""Bodies for faces: a character as a standing figure in the set.

A face (procedural portrait or photo cut-out, any RGBA bust whose clothes
reach its bottom edge) is put on a procedural body drawn in the same flat,
cel-shaded style as the portraits: the torso continues the clothes of the
bust, arms hang at the sides with hands, legs (trousers, or a dress over
bare legs) stand on two shoes.  Colours are read from the bust itself, so
photo faces get bodies that match their clothes.

Proportions are in figure heights from the top of the head (as in
:mod:`screenplay.staging.blocking`): the chin at 0.135, the bust's bottom
edge at about 0.29, the waist at 0.45, the hem of a dress at 0.78, the
soles at 1.0.  :func:`back_view` draws the back of a head and a shoulder,
the foreground of an over-the-shoulder shot.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: The bust's frame height per figure height: puts the chin at 0.135 (measured
#: on the portraits: hair top to chin is 0.36 of the frame height).
BUST_H = 0.375
BUST_ASPECT = 0.8


@dataclass
class Bust:
    """A face frame placed on a figure: where it goes and what it looks like."""

    width: int
    height: int
    x: int  # offset of the bust frame inside the figure sprite
    y: int


def bust_size(figure_h: int) -> tuple[int, int]:
    """Width and height to request from ``Face.frame`` for a figure ``figure_h`` pixels tall."""
    bh = max(8, round(figure_h * BUST_H))
    return max(6, round(bh * BUST_ASPECT)), bh


def _top_row(alpha: np.ndarray) -> int:
    rows = np.flatnonzero(alpha.max(axis=1) > 40)
    return int(rows[0]) if rows.size else 0


def _colour(rgba: np.ndarray, rows: slice) -> np.ndarray:
    part = rgba[rows]
    a = part[..., 3] > 200
    if not a.any():
        return np.array([70, 70, 76], np.float32)
    mean: np.ndarray = part[..., :3][a].astype(np.float32).mean(axis=0)
    return mean


def figure(
    bust_rgba: np.ndarray, figure_h: int, dress: bool = False, seated: bool = False
) -> tuple[np.ndarray, Bust]:
    """A standing figure ``figure_h`` px tall under ``bust_rgba`` (the face at rest).

    ``seated``: sitting on the floor, knees up, hands on the knees; the sprite is
    then :data:`SEATED` of ``figure_h`` tall.  Returns the RGBA sprite (feet or
    seat on its bottom row) and where the bust sits in it, so talking frames of
    the face can be pasted at the same place.
    """
    bh, bw = bust_rgba.shape[:2]
    alpha = bust_rgba[..., 3]
    top = _top_row(alpha)  # hair top: the top of the figure
    width = max(bw, round(figure_h * 0.42))
    x0 = (width - bw) // 2
    canvas = np.zeros((figure_h + 2, width, 4), np.uint8)
    by = -top  # bust frame's y inside the sprite
    last = min(bh - 1, figure_h - by - 1)
    cols = np.flatnonzero(alpha[last] > 128) if last >= 0 else np.array([])
    cloth = _colour(bust_rgba, slice(max(0, last - max(2, bh // 12)), last + 1))
    skin = _skin(bust_rgba)
    h = figure_h
    cx = width / 2
    bottom_y = by + last
    if cols.size:
        half = (cols[-1] - cols[0]) / 2
        cx = x0 + (cols[0] + cols[-1]) / 2
    else:
        half = h * 0.13
    waist_y, hip_y = (h * 0.44, h * 0.5) if seated else (h * 0.47, h * 0.53)
    arm_w = half * 0.26
    # Sleeves continue the bust's own sleeves (the colour at its outer edges); a dress
    # leaves the arms bare.
    if cols.size and not dress:
        edge = max(1, (cols[-1] - cols[0]) // 10)
        row = bust_rgba[last, :, :3].astype(np.float32)
        dark = (
            row[cols[0] : cols[0] + edge].mean(0) + row[cols[-1] - edge + 1 : cols[-1] + 1].mean(0)
        ) / 2
    else:
        dark = np.clip(skin * 0.95 if dress else cloth * 0.78, 0, 255)
    # Torso: the bust's clothes narrowing to the waist.
    torso = np.array(
        [
            (cx - half + arm_w * 0.9, bottom_y - 2),
            (cx + half - arm_w * 0.9, bottom_y - 2),
            (cx + half * 0.62, waist_y),
            (cx + half * 0.66, hip_y),
            (cx - half * 0.66, hip_y),
            (cx - half * 0.62, waist_y),
        ]
    )
    _poly(canvas, torso, cloth)
    _continue_clothes(canvas, bust_rgba, x0, by, last)
    if seated:
        return _seated(canvas, bust_rgba, x0, by, bw, bh, cx, half, hip_y, cloth, skin, dark, dress)
    # Arms over the torso's edges, hanging slightly away from the body.
    for side in (-1, 1):
        sx = cx + side * (half - arm_w * 0.5)
        arm = np.array(
            [
                (sx - arm_w * 0.55, bottom_y - 2),
                (sx + arm_w * 0.55, bottom_y - 2),
                (sx + side * arm_w * 0.25 + arm_w * 0.45, h * 0.50),
                (sx + side * arm_w * 0.25 - arm_w * 0.45, h * 0.50),
            ]
        )
        _poly(canvas, arm, dark)
        _ellipse(canvas, (sx + side * arm_w * 0.25, h * 0.515), (arm_w * 0.42, arm_w * 0.55), skin)
    leg_w = half * 0.27
    foot_y = h * 0.985
    if dress:
        hem_y = h * 0.78
        skirt = np.array(
            [
                (cx - half * 0.66, hip_y - 1),
                (cx + half * 0.66, hip_y - 1),
                (cx + half * 0.86, hem_y),
                (cx - half * 0.86, hem_y),
            ]
        )
        legs_colour = np.clip(skin * 0.92, 0, 255)
        leg_top = hem_y - 2
    else:
        legs_colour = np.clip(cloth * 0.55 + np.array([18, 18, 22]), 0, 255)
        leg_top = hip_y - 2
    for side in (-1, 1):
        lx = cx + side * half * 0.3
        leg = np.array(
            [
                (lx - leg_w * 0.55, leg_top),
                (lx + leg_w * 0.55, leg_top),
                (lx + leg_w * 0.38, foot_y - leg_w * 0.3),
                (lx - leg_w * 0.38, foot_y - leg_w * 0.3),
            ]
        )
        _poly(canvas, leg, legs_colour)
        shoe = (lx + side * leg_w * 0.12, foot_y - leg_w * 0.12)
        _ellipse(canvas, shoe, (leg_w * 0.62, leg_w * 0.3), np.array([34, 30, 30], np.float32))
    if dress:
        _poly(canvas, skirt, cloth)
    if not dress:
        # A belt line reads as a waist in the flat style.
        y = int(hip_y - h * 0.012)
        cv2.line(
            canvas,
            (int(cx - half * 0.64), y),
            (int(cx + half * 0.64), y),
            (*[int(v) for v in np.clip(cloth * 0.5, 0, 255)], 255),
            max(1, round(h * 0.006)),
            cv2.LINE_AA,
        )
    # Cel shading of the legs: the side away from the light a little darker (the
    # torso carries the bust's own shading down).
    shade = np.ones((1, width, 1), np.float32)
    shade[:, int(cx + half * 0.25) :] = 0.88
    below = canvas[int(hip_y) :]
    below[..., :3] = (below[..., :3].astype(np.float32) * shade).astype(np.uint8)
    bust = Bust(bw, bh, x0, by)
    paste_bust(canvas, bust_rgba, bust)
    return canvas[:figure_h], bust


#: A person sitting on the floor, head to floor, in standing heights.
SEATED = 0.55


def _seated(
    canvas: np.ndarray,
    bust_rgba: np.ndarray,
    x0: int,
    by: int,
    bw: int,
    bh: int,
    cx: float,
    half: float,
    hip_y: float,
    cloth: np.ndarray,
    skin: np.ndarray,
    sleeve: np.ndarray,
    dress: bool,
) -> tuple[np.ndarray, Bust]:
    """Legs folded in front (knees up), hands resting on the knees, seat on the floor."""
    h = round(canvas.shape[0] - 2)
    floor = SEATED * h
    knee_y = h * 0.39
    leg_w = half * 0.34
    legs_colour = (
        np.clip(skin * 0.92, 0, 255) if dress else np.clip(cloth * 0.55 + [18, 18, 22], 0, 255)
    )
    shoes = np.array([34, 30, 30], np.float32)
    for side in (-1, 1):
        kx = cx + side * half * 0.38
        fx = cx + side * half * 0.52
        shin = np.array(
            [
                (kx - leg_w * 0.5, knee_y),
                (kx + leg_w * 0.5, knee_y),
                (fx + leg_w * 0.4, floor - leg_w * 0.3),
                (fx - leg_w * 0.4, floor - leg_w * 0.3),
            ]
        )
        _poly(canvas, shin, legs_colour * 0.9)
        _ellipse(
            canvas,
            (fx + side * leg_w * 0.1, floor - leg_w * 0.2),
            (leg_w * 0.6, leg_w * 0.28),
            shoes,
        )
        # the thigh comes towards us: its top is the knee, a rounded shape over the hips
        _ellipse(
            canvas,
            (kx, (knee_y + hip_y) / 2),
            (leg_w * 0.62, (hip_y - knee_y) / 2 + leg_w * 0.4),
            legs_colour,
        )
    if dress:
        # The dress drapes over the raised knees and falls towards the floor (its
        # top follows the knees: a polygon from the hips to the knees would have no
        # height when the knees are up, and drew a 1-pixel line across the figure).
        hem = floor - leg_w * 0.9
        top = knee_y - leg_w * 0.25
        skirt = np.array(
            [
                (cx - half * 0.62, top),
                (cx + half * 0.62, top),
                (cx + half * 0.98, hem),
                (cx - half * 0.98, hem),
            ]
        )
        _poly(canvas, skirt, cloth * 0.96)
        for side in (-1, 1):  # the cloth rounds over each knee
            _ellipse(
                canvas,
                (cx + side * half * 0.38, top + leg_w * 0.3),
                (leg_w * 0.7, leg_w * 0.45),
                cloth,
            )
    arm_w = half * 0.26
    for side in (-1, 1):
        sx = cx + side * (half - arm_w * 0.5)
        hx = cx + side * half * 0.38
        arm = np.array(
            [
                (sx - arm_w * 0.55, by + bh - 3),
                (sx + arm_w * 0.55, by + bh - 3),
                (hx + arm_w * 0.45, knee_y),
                (hx - arm_w * 0.45, knee_y),
            ]
        )
        _poly(canvas, arm, sleeve)
        _ellipse(canvas, (hx, knee_y + arm_w * 0.2), (arm_w * 0.5, arm_w * 0.45), skin)
    bust = Bust(bw, bh, x0, by)
    paste_bust(canvas, bust_rgba, bust)
    return canvas[: round(floor)], bust


def _continue_clothes(
    canvas: np.ndarray, bust_rgba: np.ndarray, x0: int, by: int, last: int
) -> None:
    """Carry the bust's bottom row (its clothes and their shading) down the torso, so the
    seam between the drawn bust and the body does not show."""
    if last < 0 or bust_rgba[..., 3].min() == 255:
        return  # an opaque picture (a photo without a cut-out): flat clothes read better
    row = bust_rgba[last, :, :3].astype(np.float32)
    ok = bust_rgba[last, :, 3] > 200
    if not ok.any():
        return
    y0 = by + last + 1
    h, w = canvas.shape[:2]
    x1 = min(w, x0 + bust_rgba.shape[1])
    region = canvas[y0:h, x0:x1]
    torso = region[..., 3] > 0
    # only where the torso is and the bust row had clothes above it
    cols = ok[: x1 - x0]
    mask = torso & cols[None, :]
    if not mask.any():
        return
    fade = np.linspace(1.0, 0.92, region.shape[0], dtype=np.float32)[:, None, None]
    ext = np.broadcast_to(row[None, : x1 - x0], region[..., :3].shape) * fade
    region[..., :3] = np.where(mask[..., None], ext, region[..., :3]).astype(np.uint8)


def paste_bust(canvas: np.ndarray, bust_rgba: np.ndarray, b: Bust) -> None:
    """Alpha-composite the bust onto the body (RGBA over RGBA)."""
    h, w = canvas.shape[:2]
    y0, x0 = max(0, b.y), max(0, b.x)
    y1, x1 = min(h, b.y + b.height), min(w, b.x + b.width)
    if y0 >= y1 or x0 >= x1:
        return
    src = bust_rgba[y0 - b.y : y1 - b.y, x0 - b.x : x1 - b.x].astype(np.float32)
    dst = canvas[y0:y1, x0:x1].astype(np.float32)
    a = src[..., 3:4] / 255.0
    out_a = a + dst[..., 3:4] / 255.0 * (1 - a)
    rgb = src[..., :3] * a + dst[..., :3] * (dst[..., 3:4] / 255.0) * (1 - a)
    rgb = np.where(out_a > 0, rgb / np.maximum(out_a, 1e-6), 0)
    canvas[y0:y1, x0:x1, :3] = np.clip(rgb, 0, 255).astype(np.uint8)
    canvas[y0:y1, x0:x1, 3:4] = np.clip(out_a * 255, 0, 255).astype(np.uint8)


def back_view(bust_rgba: np.ndarray, width: int, height: int) -> np.ndarray:
    """The back of the head and the shoulders, ``width``×``height``, soft (out of focus).

    Drawn from the character's own bust, so it reads as *that* person from
    behind: the silhouette is the bust's outline mirrored (a head is the same
    shape from both sides; long hair stays long), the skull is covered by the
    hair colour, the nape and bare shoulders keep the skin, the clothes are the
    bust's clothes without their front details.  The listener stands against
    the light between the camera and the speaker, so the figure is darker than
    its front, with a faint rim of light along its edge; the camera focuses on
    the speaker, so it is blurred.  The shoulders fade out towards the sides of
    the sprite instead of ending on a straight cut.
    """
    bh, bw = bust_rgba.shape[:2]
    alpha = bust_rgba[..., 3]
    top = _top_row(alpha)
    hair = _colour(bust_rgba, slice(top + 2, top + max(4, bh // 14)))
    cloth = _colour(bust_rgba, slice(bh - max(3, bh // 12), bh))
    skin = _skin(bust_rgba)
    rgb = bust_rgba[..., :3].astype(np.float32)
    # Which of hair / skin / clothes each pixel of the bust is closest to.
    refs = np.stack([hair, skin, cloth])
    dist = ((rgb[:, :, None, :] - refs[None, None]) ** 2).sum(axis=3)
    kind = dist.argmin(axis=2)
    rows = np.arange(bh)[:, None]
    # Proportions of the bust frame (BUST_H of the figure): chin and shoulder line.
    chin = top + (0.135 / BUST_H) * bh
    shoulder = chin + (0.06 / BUST_H) * bh
    head = rows < chin
    neck = (rows >= chin) & (rows < shoulder)
    out = np.empty((bh, bw, 3), np.float32)
    out[...] = cloth
    is_hair = kind == 0
    is_skin = kind == 1
    # Long hair falls over the nape: in the neck rows, hair spans between its outer strands.
    for r in range(max(0, int(chin)), min(bh, int(shoulder) + 1)):
        cols = np.flatnonzero(is_hair[r] & (alpha[r] > 128))
        if cols.size >= 2 and cols[-1] - cols[0] > bw * 0.15:
            is_hair[r, cols[0] : cols[-1] + 1] = True
    out[head | is_hair] = hair
    # The nape is skin; below the shoulder line the back of the clothes has no
    # collar, buttons or neckline, only the cloth (and bare arms of a dress).
    out[neck & is_skin & ~is_hair] = skin * 0.8
    # The crown catches the light; the hair darkens towards the nape.
    shade = 1.08 - 0.25 * np.clip((rows - top) / max(1.0, chin - top), 0.0, 1.0)
    out *= np.where(head | is_hair, shade, 1.0)[..., None]
    back = np.dstack([np.clip(out * 0.62, 0, 255).astype(np.uint8), alpha])
    back = np.ascontiguousarray(back[:, ::-1])  # seen from behind: mirrored
    # Scale: the bust's width fills most of the sprite; the clothes continue down.
    k = (width * 0.78) / bw
    sw, sh = max(2, round(bw * k)), max(2, round(bh * k))
    scaled = cv2.resize(back, (sw, sh), interpolation=cv2.INTER_AREA)
    canvas = np.zeros((height, width, 4), np.uint8)
    x0, y0 = (width - sw) // 2, round(height * 0.08) - round(top * k)
    pad_l, pad_r = x0, width - sw - x0
    pad_b = max(0, height - (y0 + sh))
    # Shoulders and body go on beyond the bust's frame: extend its edge pixels.
    big = cv2.copyMakeBorder(scaled, 0, pad_b, pad_l, pad_r, cv2.BORDER_REPLICATE)
    ys0, ys1 = max(0, y0), min(height, y0 + big.shape[0])
    canvas[ys0:ys1] = big[ys0 - y0 : ys1 - y0, :width]
    # A faint rim of light where the silhouette meets the bright background.
    a = canvas[..., 3].astype(np.float32) / 255.0
    inner = cv2.erode(a, np.ones((5, 5), np.uint8), iterations=max(1, height // 240))
    rim = np.clip(a - inner, 0.0, 1.0)[..., None]
    lit = canvas[..., :3].astype(np.float32) * (1 + 0.35 * rim)
    canvas[..., :3] = np.clip(lit, 0, 255).astype(np.uint8)
    # Fade the shoulders out at the sprite's sides.
    ramp = np.clip(np.minimum(np.arange(width), np.arange(width)[::-1]) / (width * 0.14), 0, 1)
    canvas[..., 3] = (canvas[..., 3].astype(np.float32) * ramp[None, :]).astype(np.uint8)
    sigma = max(1.0, height / 70)
    blurred: np.ndarray = cv2.GaussianBlur(canvas, (0, 0), sigma)
    return blurred


def contact_shadow(width: int, height: int) -> np.ndarray:
    """A soft dark ellipse (RGBA) to ground a figure's feet on the floor."""
    w, h = max(4, width), max(2, height)
    pad = max(2, h // 2)
    canvas = np.zeros((h + 2 * pad, w + 2 * pad, 4), np.uint8)
    cv2.ellipse(
        canvas,
        (w // 2 + pad, h // 2 + pad),
        (w // 2, h // 2),
        0,
        0,
        360,
        (8, 6, 6, 150),
        -1,
        cv2.LINE_AA,
    )
    return cv2.GaussianBlur(canvas, (0, 0), max(1.0, h / 3))


def _skin(bust_rgba: np.ndarray) -> np.ndarray:
    """The skin colour: the centre of the face (between the eyes and the mouth)."""
    h, w = bust_rgba.shape[:2]
    top = _top_row(bust_rgba[..., 3])
    y = int(top + (h - top) * 0.33)
    patch = bust_rgba[max(0, y - 2) : y + 3, w // 2 - w // 20 : w // 2 + w // 20 + 1]
    a = patch[..., 3] > 200
    if not a.any():
        return np.array([200, 160, 130], np.float32)
    mean: np.ndarray = patch[..., :3][a].astype(np.float32).mean(axis=0)
    return mean


def _poly(canvas: np.ndarray, pts: np.ndarray, colour: np.ndarray) -> None:
    c = (*[int(v) for v in colour], 255)
    cv2.fillPoly(canvas, [np.round(pts * 4).astype(np.int32)], c, cv2.LINE_AA, shift=2)


def _ellipse(
    canvas: np.ndarray, centre: tuple[float, float], axes: tuple[float, float], colour: np.ndarray
) -> None:
    c = (*[int(v) for v in colour], 255)
    cv2.ellipse(
        canvas,
        (round(centre[0] * 4), round(centre[1] * 4)),
        (max(1, round(axes[0] * 4)), max(1, round(axes[1] * 4))),
        0,
        0,
        360,
        c,
        -1,
        cv2.LINE_AA,
        shift=2,
    )
