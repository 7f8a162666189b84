"""Rendering a staged picture: characters standing in the set, seen through the shot's framing.

The framing is a window on the stage (:class:`~screenplay.timeline.Camera`,
the same convention as a Ken Burns move: zoom and pan of the wide frame).
Each frame is the set seen through that window (out of focus and a little
darker in singles, close-ups and over-the-shoulder shots: depth of field),
a soft contact shadow under every figure, the figures from back to front —
each a face on a body (:mod:`screenplay.pictures.figure`) scaled by its
depth, graded by the set's light, lip-synced when it speaks, blinking and
breathing always — and, over the shoulder, the listener's back of head in
the foreground.

Figures are drawn at the pixel size the framing needs (a close-up renders
the face large, never an upscaled thumbnail).  Frames are named by
:meth:`StageRenderer.key` — the camera position only when the camera or a
figure moves, otherwise the mouths, eyes and breaths — so identical frames
are composed and encoded once.
"""

from __future__ import annotations

import dataclasses
import math
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import numpy as np

from screenplay.pictures.camera import ease, moves, window_centre
from screenplay.render.layers import over
from screenplay.timeline import Camera, Figure, StagePicture

if TYPE_CHECKING:
    from screenplay.render.compositor import Compositor

_EYE_STEPS = 8
#: Framings whose background falls out of focus.
_SOFT = ("single", "close", "ots")
#: Share of an entrance/exit spent walking.
_WALK = 0.75
#: Sprites kept for the life of the process (a render worker renders many shots
#: of the same people at the same few framing sizes: a figure and its talking
#: patches are drawn once per worker, not once per segment).
_SPRITE_MEMO = 12
#: Composed plates (set, shadows, figures at rest) kept for the process.
_PLATE_MEMO = 16
_PLATES: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
#: key → (the asset provider, a _Sprite or a back view)
_SPRITES: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()


def grade_lut(tint: Any) -> np.ndarray | None:
    """A 4-channel lookup table multiplying RGB by ``tint`` (alpha unchanged), or None.

    Exactly ``uint8(clip(float32(v) * float32(tint)))`` per channel, as the float
    multiply it replaces, but one table lookup per pixel (``cv2.LUT``).
    """
    if tint is None or tuple(tint) == (1.0, 1.0, 1.0):
        return None
    v = np.arange(256, dtype=np.float32)[:, None]
    rgb = np.clip(v * np.asarray(tint, np.float32)[None, :], 0, 255).astype(np.uint8)
    return np.ascontiguousarray(
        np.concatenate([rgb, np.arange(256, dtype=np.uint8)[:, None]], axis=1).reshape(1, 256, 4)
    )


def sprite(comp: Compositor, fig: Figure, height_px: int, tint: Any) -> _Sprite:
    """The figure's sprite at ``height_px``, shared by every shot this process renders."""
    key = (repr(fig.face), fig.pose, height_px, None if tint is None else tuple(tint))
    found = _SPRITES.get(key)
    if found is not None and found[0] is comp.assets:
        _SPRITES.move_to_end(key)
        shared: _Sprite = found[1]
        return shared
    made = _Sprite(comp, fig, height_px, tint)
    _SPRITES[key] = (comp.assets, made)
    while len(_SPRITES) > _SPRITE_MEMO:
        _SPRITES.popitem(last=False)
    return made


def held_stage(p: StagePicture) -> StagePicture:
    """The picture at its end, at rest: who left is gone, who came is on their mark."""
    cam = p.camera
    return dataclasses.replace(
        p,
        camera=Camera(cam.zoom_end, cam.zoom_end, cam.pan_end, cam.pan_end),
        figures=tuple(
            dataclasses.replace(f, visemes=(), blink_seed=0, move="")
            for f in p.figures
            if f.move != "exit"
        ),
    )


def window(camera: Camera, t: float) -> tuple[float, float, float]:
    """(zoom, left, top) of the visible part of the stage at progress ``t``."""
    zoom, cx, cy, half = window_centre(camera, t)
    return zoom, cx - half, cy - half


class _Sprite:
    """One figure at one pixel size: the body with the face at rest, and talking patches."""

    def __init__(self, comp: Compositor, fig: Figure, height_px: int, tint: Any) -> None:
        from screenplay.pictures.figure import bust_size, figure

        # No reference to ``comp`` is kept: sprites outlive the segment's compositor
        # (see _SPRITES), and holding it would pin its frame memo for the worker's life.
        self.tint = tint
        self.lut = grade_lut(tint)
        spec = _no_background(fig.face)
        self.face = comp.assets.face(spec)
        self.height_px = height_px
        self.bw, self.bh = bust_size(height_px)
        rest = self._bust("rest", 1.0)
        self.rest_bust = rest
        dress = str(spec.get("clothing", "")) == "dress"
        self.image, self.bust = figure(rest, height_px, dress=dress, seated=fig.pose == "sit")
        self.image = self._grade(self.image)
        self._patches: dict[tuple[str, float], tuple[tuple[np.ndarray, int, int], ...]] = {}
        self._boxes: dict[tuple[str, float], tuple[int, int, int, int] | None] = {}
        self._drawn: dict[tuple[str, float], np.ndarray] = {}  # drawn, not yet cut

    def _bust(self, viseme: str, eyes: float) -> np.ndarray:
        img = self.face.frame(self.bw, self.bh, viseme, eyes)
        if img.ndim == 3 and img.shape[2] == 3:
            img = np.concatenate([img, np.full(img.shape[:2] + (1,), 255, np.uint8)], axis=2)
        return img

    def _grade(self, img: np.ndarray) -> np.ndarray:
        if self.lut is None:
            return img
        import cv2

        out: np.ndarray = cv2.LUT(np.ascontiguousarray(img), self.lut)
        return out

    def patch(self, viseme: str, eyes: float) -> tuple[tuple[np.ndarray, int, int], ...]:
        """The parts of the face that differ from rest, and where they go in the sprite.

        A mouth shape with half-closed eyes is the mouth patch of the shape (eyes
        open) plus the eye patch of the blink (mouth at rest) when the two do not
        touch: a talking figure costs one face drawing per mouth shape and one per
        eye opening, not one per combination of the two.
        """
        key = (viseme, eyes)
        found = self._patches.get(key)
        if found is not None:
            return found
        found = ()
        if viseme != "rest" and eyes != 1.0:
            mouth, lids = self._box(viseme, 1.0), self._box("rest", eyes)
            if mouth is None or lids is None or _apart(mouth, lids):
                found = self.patch(viseme, 1.0) + self.patch("rest", eyes)
                self._patches[key] = found
                return found
        box = self._box(viseme, eyes)
        if box is not None:
            x0, y0, x1, y1 = box
            img = self._drawn[key]
            piece = self._grade(np.ascontiguousarray(img[y0:y1, x0:x1]))
            found = ((piece, self.bust.x + x0, self.bust.y + y0),)
        self._drawn.pop(key, None)
        self._patches[key] = found
        return found

    def _box(self, viseme: str, eyes: float) -> tuple[int, int, int, int] | None:
        """(x0, y0, x1, y1) in the bust where the face in this state differs from rest."""
        key = (viseme, eyes)
        if key in self._boxes:
            return self._boxes[key]
        box = None
        if key != ("rest", 1.0):
            img = self._bust(viseme, eyes)
            a = np.ascontiguousarray(img).view(np.uint32)[..., 0]
            b = np.ascontiguousarray(self.rest_bust).view(np.uint32)[..., 0]
            diff = a != b
            rows, cols = np.flatnonzero(diff.any(axis=1)), np.flatnonzero(diff.any(axis=0))
            if rows.size:
                box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
                self._drawn[key] = img
        self._boxes[key] = box
        return box


def _apart(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Boxes (x0, y0, x1, y1) at least a pixel apart (so drawing one never touches the other)."""
    return a[2] + 1 < b[0] or b[2] + 1 < a[0] or a[3] + 1 < b[1] or b[3] + 1 < a[1]


class StageRenderer:
    """Frames of one :class:`StagePicture` over ``frames`` frames.

    The stage is composed once on a *canvas*: the part of the set the shot's
    camera ever sees, at the pixel density of its closest point (so sprites
    are drawn at their final size and never resampled per frame), with the
    shadows and every still figure at rest — one canvas per combination of
    breaths (a figure rises by a pixel or two).  A frame is that canvas with
    the mouths and eyes that differ from rest pasted in, the walking figures
    drawn at their place, and — only when the camera moves — one affine warp
    to the frame.
    """

    def __init__(self, comp: Compositor, picture: StagePicture, frames: int, held: bool) -> None:
        self.comp = comp
        self.p = held_stage(picture) if held else picture
        self.frames = frames
        self.held = held
        self.moving_camera = moves(self.p.camera)
        self.moving_figures = any(f.move for f in self.p.figures)
        self.moving = self.moving_camera or self.moving_figures
        self.soft = self.p.framing in _SOFT
        tint_of = getattr(comp.assets, "tint", None)
        self.tint = tint_of(self.p.scene, self.p.set) if tint_of is not None else None
        cam = self.p.camera
        self.zoom_ref = max(cam.zoom_start, cam.zoom_end)
        # The canvas: the union of the windows at the start and the end of the move.
        z0, l0, t0 = window(cam, 0.0)
        z1, l1, t1 = window(cam, 1.0)
        self.u0, self.v0 = min(l0, l1), min(t0, t1)
        u1 = max(l0 + 1 / z0, l1 + 1 / z1)
        v1 = max(t0 + 1 / z0, t1 + 1 / z1)
        w, h = comp.width, comp.height
        self.cw = max(w, round((u1 - self.u0) * self.zoom_ref * w))
        self.ch = max(h, round((v1 - self.v0) * self.zoom_ref * h))
        self._sprites: dict[int, _Sprite] = {}
        self._backs: dict[int, np.ndarray] = {}
        self._bg: np.ndarray | None = None
        self._plates: dict[tuple[int, ...], tuple[np.ndarray, list[Any]]] = {}
        # What decides a plate's pixels (not the mouths, blinks or timing).
        self._layout = repr(
            (
                self.p.set,
                self.p.scene,
                self.p.framing,
                self.p.camera,
                self.p.focus,
                tuple(
                    (f.name, f.face, f.x, f.y, f.move, f.edge_x, f.role, f.pose)
                    for f in self.p.figures
                ),
                comp.width,
                comp.height,
            )
        )
        # Back to front: farther feet (smaller y) first, the shoulder always last.
        self.order = sorted(
            range(len(self.p.figures)), key=lambda n: self._depth(self.p.figures[n])
        )

    @staticmethod
    def _depth(f: Figure) -> tuple[int, float]:
        return (1 if f.role == "shoulder" else 0, f.y)

    # -- timing --------------------------------------------------------------------
    def progress(self, i: int) -> float:
        if self.held or self.frames <= 1:
            return 1.0
        return i / (self.frames - 1)

    def state(self, i: int) -> tuple[Any, ...]:
        if self.held:
            return tuple(("rest", 1.0, 0) for _ in self.p.figures)
        t = i / float(self.comp.fps)
        out = []
        for f in self.p.figures:
            if f.role == "shoulder":
                out.append(("rest", 1.0, 0))
                continue
            v = self.comp.viseme_at(f.visemes, t) if f.visemes else "rest"
            e = round(self.comp.eyes_at(f.blink_seed, t) * _EYE_STEPS) / _EYE_STEPS
            out.append((v, e, self._breath(f, t)))
        return tuple(out)

    @staticmethod
    def _breath(f: Figure, t: float) -> int:
        # A slow rise and fall of a pixel: the figure is alive, not pasted.
        period = 3.4 + (f.blink_seed % 7) * 0.17
        phase = (f.blink_seed % 13) / 13 * 2 * math.pi
        return round(0.5 - 0.5 * math.cos(2 * math.pi * t / period + phase))

    def key(self, i: int) -> Hashable:
        return (i if self.moving else None, self.state(i))

    # -- geometry ----------------------------------------------------------------------
    def _to_canvas(self, u: float, v: float) -> tuple[float, float]:
        k = self.zoom_ref
        return (u - self.u0) * k * self.comp.width, (v - self.v0) * k * self.comp.height

    def _height_px(self, f: Figure) -> int:
        from screenplay.staging.blocking import figure_height

        return max(8, round(figure_height(f.y) * self.zoom_ref * self.comp.height))

    def _x(self, f: Figure, t: float) -> float:
        if f.move == "enter" and not self.held:
            return f.edge_x + (f.x - f.edge_x) * ease(min(1.0, t / _WALK))
        if f.move == "exit" and not self.held:
            return f.x + (f.edge_x - f.x) * ease(max(0.0, (t - (1 - _WALK)) / _WALK))
        return f.x

    def _sprite(self, n: int) -> _Sprite:
        s = self._sprites.get(n)
        if s is None:
            f = self.p.figures[n]
            s = self._sprites[n] = sprite(self.comp, f, self._height_px(f), self.tint)
        return s

    # -- layers --------------------------------------------------------------------------
    def _background(self) -> np.ndarray:
        """The set on the canvas (soft in singles, close-ups and over-the-shoulder shots)."""
        if self._bg is not None:
            return self._bg
        import cv2

        comp = self.comp
        w, h = comp.width, comp.height
        scale = min(2.0, max(1.0, self.zoom_ref))
        src = comp.set_image(self.p.set, self.p.scene, scale, self.soft)
        sh, sw = src.shape[:2]
        k = self.zoom_ref
        # canvas pixel (x, y) ← stage (u0 + x/(k w), v0 + y/(k h)) ← source (u sw, v sh)
        sx, sy = sw / (k * w), sh / (k * h)
        m = np.array(
            [
                [sx, 0.0, self.u0 * sw + 0.5 * sx - 0.5],
                [0.0, sy, self.v0 * sh + 0.5 * sy - 0.5],
            ]
        )
        bg = cv2.warpAffine(
            src,
            m,
            (self.cw, self.ch),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REFLECT,
        )
        for n in self.order:
            f = self.p.figures[n]
            if f.role == "stand" and not (f.move and not self.held):
                self._shadow(bg, f, f.x)
        self._bg = bg
        return bg

    def _shadow(self, out: np.ndarray, f: Figure, x: float) -> None:
        from screenplay.pictures.figure import contact_shadow

        fh = self._height_px(f)
        sw, sh = max(4, round(fh * (0.36 if f.pose == "sit" else 0.26))), max(2, round(fh * 0.035))
        cx, cy = self._to_canvas(x, f.y)
        if cy - sh > out.shape[0] or cx + sw < 0 or cx - sw > out.shape[1]:
            return
        shadow = contact_shadow(sw, sh)
        over(out, shadow, round(cx - shadow.shape[1] / 2), round(cy - shadow.shape[0] / 2))

    def _place(self, n: int, x: float, lift: int) -> tuple[int, int]:
        """Top-left of figure ``n``'s sprite on the canvas with its feet at ``x``."""
        f = self.p.figures[n]
        img = self._sprite(n).image
        cx, cy = self._to_canvas(x, f.y)
        return round(cx - img.shape[1] / 2), round(cy - img.shape[0]) - lift

    def _plate(self, breaths: tuple[int, ...]) -> tuple[np.ndarray, list[Any]]:
        """The canvas with every still figure at rest (for one combination of breaths)."""
        found = self._plates.get(breaths)
        if found is not None:
            return found
        # Shots that repeat a framing (the over-the-shoulders of a conversation) show
        # the same plate: kept for the process, keyed by what decides its pixels.
        shared_key = (self._layout, breaths, self.held)
        shared = _PLATES.get(shared_key)
        if shared is not None and shared[0] is self.comp.assets:
            _PLATES.move_to_end(shared_key)
            plate: tuple[np.ndarray, list[Any]] = shared[1]
            self._plates[breaths] = plate
            return plate
        out = self._background().copy()
        boxes: list[Any] = [None] * len(self.p.figures)
        for n in self.order:
            f = self.p.figures[n]
            if f.role == "shoulder":
                boxes[n] = self._draw_shoulder(out, n, f)
                continue
            if f.move and not self.held:
                continue
            if not self._in_canvas(n, f.x):
                continue
            img = self._sprite(n).image
            x0, y0 = self._place(n, f.x, breaths[n])
            over(out, img, x0, y0)
            boxes[n] = (x0, y0, x0 + img.shape[1], y0 + img.shape[0])
        if len(self._plates) > 8:
            self._plates.clear()
        out.flags.writeable = False
        self._plates[breaths] = (out, boxes)
        _PLATES[shared_key] = (self.comp.assets, (out, boxes))
        while len(_PLATES) > _PLATE_MEMO:
            _PLATES.popitem(last=False)
        return out, boxes

    def _in_canvas(self, n: int, x: float) -> bool:
        f = self.p.figures[n]
        fh = self._height_px(f)
        cx, cy = self._to_canvas(x, f.y)
        return not (cy - fh > self.ch or cx + fh * 0.3 < 0 or cx - fh * 0.3 > self.cw)

    # -- frames ---------------------------------------------------------------------------
    def render(self, i: int) -> np.ndarray:
        t = self.progress(i)
        state = self.state(i)
        breaths = tuple(s[2] for s in state)
        plate, boxes = self._plate(breaths)
        out = plate.copy()
        walk_t = t if not self.held else 1.0
        for pos, n in enumerate(self.order):
            f = self.p.figures[n]
            if f.role == "shoulder":
                continue
            viseme, eyes, breath = state[n]
            moving = bool(f.move) and not self.held
            if moving:
                x = self._x(f, walk_t)
                if not self._in_canvas(n, x):
                    continue
                self._shadow(out, f, x)
                fh = self._height_px(f)
                bob = round(abs(math.sin(walk_t * 14)) * fh * 0.008) if 0 < walk_t < 1 else 0
                x0, y0 = self._place(n, x, breath + bob)
                img = self._sprite(n).image
                over(out, img, x0, y0)
                # figures in front of a walker are drawn again over it
                for m in self.order[pos + 1 :]:
                    if boxes[m] is not None and self.p.figures[m].role == "stand":
                        mx0, my0 = self._place(m, self.p.figures[m].x, breaths[m])
                        over(out, self._sprite(m).image, mx0, my0)
            elif boxes[n] is None:
                continue
            else:
                x0, y0 = boxes[n][0], boxes[n][1]
            for piece, px, py in self._sprite(n).patch(viseme, eyes):
                over(out, piece, x0 + px, y0 + py)
        for n in self.order:  # the foreground shoulder stays in front of everything
            if self.p.figures[n].role == "shoulder" and self.moving_figures:
                self._draw_shoulder(out, n, self.p.figures[n])
        return self._view(out, t)

    def _view(self, canvas: np.ndarray, t: float) -> np.ndarray:
        """The frame: the canvas seen through the camera at ``t``."""
        import cv2

        w, h = self.comp.width, self.comp.height
        zoom, left, top = window(self.p.camera, t)
        if canvas.shape[:2] == (h, w) and not self.moving_camera:
            return canvas
        k = zoom / self.zoom_ref
        # frame pixel ← canvas pixel: x_f = x_c·k + (u0 − left)·zoom·w
        m = np.array(
            [
                [k, 0.0, (self.u0 - left) * zoom * w + 0.5 * k - 0.5],
                [0.0, k, (self.v0 - top) * zoom * h + 0.5 * k - 0.5],
            ]
        )
        # OpenCV warps 4-channel images with its vector path, ~2.5x faster than
        # 3-channel ones: the two conversions cost less than they save.
        rgba = cv2.cvtColor(canvas, cv2.COLOR_RGB2RGBA)
        warped = cv2.warpAffine(
            rgba, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        out: np.ndarray = cv2.cvtColor(warped, cv2.COLOR_RGBA2RGB)
        return out

    def _draw_shoulder(self, out: np.ndarray, n: int, f: Figure) -> tuple[int, int, int, int]:
        """The listener from behind, large and soft, on their side of the frame."""
        from screenplay.pictures.figure import back_view

        w, h = self.comp.width, self.comp.height
        img = self._backs.get(n)
        if img is None:
            fig = dataclasses.replace(f, pose="stand")
            key = ("back", repr(fig.face), h, None if self.tint is None else tuple(self.tint))
            found = _SPRITES.get(key)
            if found is not None and found[0] is self.comp.assets:
                img = found[1]
            else:
                spr = sprite(self.comp, fig, max(64, round(h * 1.4)), self.tint)
                bw, bh = round(h * 0.62), round(h * 0.8)
                img = spr._grade(back_view(spr.rest_bust, bw, bh))
                _SPRITES[key] = (self.comp.assets, img)
            self._backs[n] = img
        speaker_left = any(
            g.role == "stand" and g.x < f.x for g in self.p.figures if g.name == self.p.focus
        )
        # The listener stands on their own side of the speaker (180-degree rule); the
        # shoulder is placed in frame coordinates (the canvas of a still shot is the frame).
        x0 = w - round(img.shape[1] * 0.62) if speaker_left else -round(img.shape[1] * 0.38)
        y0 = h - round(img.shape[0] * 0.92)
        over(out, img, x0, y0)
        return (x0, y0, x0 + img.shape[1], y0 + img.shape[0])


class MorphStage:
    """``MORPH TO``: one character becoming another, staged as a close-up.

    Shot like every other close-up (:func:`screenplay.staging.planner.camera_for`
    on a figure at the centre mark): the set soft behind, the figure on its body,
    graded by the set's light.  The face is morphed by the asset provider at
    ``keys`` evenly spaced times (each one a real in-between face on its body) and
    the frames between two of them are a cross-fade of their pictures, which
    costs a blend instead of a repaint or an optical-flow pass per frame.
    """

    def __init__(
        self, comp: Compositor, picture: Any, frames: int, keys: int | None, held: bool
    ) -> None:
        from screenplay.staging.blocking import MID_Y, Mark
        from screenplay.staging.planner import camera_for
        from screenplay.timeline import Figure, StagePicture

        self.comp = comp
        self.p = picture
        self.frames = frames
        self.held = held
        self.keys = max(2, min(frames, keys or frames))
        mark = Mark("MORPH", 0.5, MID_Y)
        camera = camera_for("close", {"MORPH": mark}, "MORPH")
        self.figure = Figure("MORPH", picture.source, mark.x, mark.y)
        self.empty = StageRenderer(
            comp, StagePicture(picture.set, picture.scene, "close", (), camera), 1, True
        )
        self.moving = not held and frames > 1
        self._keyframes: dict[int, np.ndarray] = {}

    def progress(self, i: int) -> float:
        if self.held or self.frames <= 1:
            return 1.0
        return i / (self.frames - 1)

    def key(self, i: int) -> Hashable:
        return ("morph", i if self.moving else None)

    def _keyframe(self, k: int) -> np.ndarray:
        found = self._keyframes.get(k)
        if found is not None:
            return found
        from screenplay.pictures.figure import figure
        from screenplay.staging.blocking import figure_height

        st = self.empty
        comp, p = self.comp, self.p
        height_px = max(8, round(figure_height(self.figure.y) * st.zoom_ref * comp.height))
        from screenplay.pictures.figure import bust_size

        bw, bh = bust_size(height_px)
        if not hasattr(self, "_morph"):
            self._morph = comp.assets.morph(
                _no_background(p.source), _no_background(p.target), bw, bh
            )
        t = k / (self.keys - 1)
        bust = self._morph(t)
        if bust.shape[2] == 3:
            bust = np.concatenate([bust, np.full(bust.shape[:2] + (1,), 255, np.uint8)], axis=2)
        spec = p.source if t < 0.5 else p.target
        dress = str(spec.get("clothing", "")) == "dress"
        img, _ = figure(np.ascontiguousarray(bust), height_px, dress=dress)
        lut = grade_lut(st.tint)
        if lut is not None:
            import cv2

            img = cv2.LUT(img, lut)
        out = st.render(0).copy()
        cx, cy = st._to_canvas(self.figure.x, self.figure.y)
        over(out, img, round(cx - img.shape[1] / 2), round(cy - img.shape[0]))
        self._keyframes[k] = out
        return out

    def render(self, i: int) -> np.ndarray:
        pos = self.progress(i) * (self.keys - 1)
        k = min(self.keys - 2, int(math.floor(pos)))
        frac = pos - k
        if frac <= 1e-6:
            return self._keyframe(k)
        if frac >= 1 - 1e-6:
            return self._keyframe(k + 1)
        from screenplay.render.layers import mix

        return mix(self._keyframe(k), self._keyframe(k + 1), frac)


def _no_background(spec: Any) -> Any:
    """A portrait spec drawn without its painted backdrop (a cut-out for a body)."""
    if spec.constructor == "portrait" and spec.get("background") != "none":
        return dataclasses.replace(spec, params={**dict(spec.params), "background": "none"})
    return spec


def over_rgba(dst: np.ndarray, src: np.ndarray, x: int, y: int) -> None:
    """Copy an opaque-ish RGBA patch into an RGBA sprite (face patches are fully drawn)."""
    h, w = dst.shape[:2]
    sh, sw = src.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + sw), min(h, y + sh)
    if x0 >= x1 or y0 >= y1:
        return
    piece = src[y0 - y : y1 - y, x0 - x : x1 - x]
    region = dst[y0:y1, x0:x1]
    a = piece[..., 3:4].astype(np.uint16)
    region[..., :3] = (
        (piece[..., :3].astype(np.uint16) * a + region[..., :3].astype(np.uint16) * (255 - a))
        // 255
    ).astype(np.uint8)
