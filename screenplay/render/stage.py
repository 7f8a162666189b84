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
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import numpy as np

from screenplay.render.layers import ease, over
from screenplay.timeline import Camera, Figure, StagePicture

if TYPE_CHECKING:
    from screenplay.render.compositor import Compositor

_EYE_STEPS = 8
#: Framings whose background falls out of focus.
_SOFT = ("single", "close", "ots")
#: Share of an entrance/exit spent walking.
_WALK = 0.75


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


def _moves(c: Camera) -> bool:
    return c.zoom_start != c.zoom_end or c.pan_start != c.pan_end


def window(camera: Camera, t: float) -> tuple[float, float, float]:
    """(zoom, left, top) of the visible part of the stage at progress ``t``."""
    e = ease(t)
    zoom = max(1.0, camera.zoom_start + (camera.zoom_end - camera.zoom_start) * e)
    px = camera.pan_start[0] + (camera.pan_end[0] - camera.pan_start[0]) * e
    py = camera.pan_start[1] + (camera.pan_end[1] - camera.pan_start[1]) * e
    half = 0.5 / zoom
    cx = min(1.0 - half, max(half, 0.5 + px))
    cy = min(1.0 - half, max(half, 0.5 + py))
    return zoom, cx - half, cy - half


class _Sprite:
    """One figure at one pixel size: the body with the face at rest, and talking patches."""

    def __init__(self, comp: Compositor, fig: Figure, height_px: int, tint: Any) -> None:
        from screenplay.pictures.figure import bust_size, figure

        self.comp = comp
        self.tint = tint
        spec = fig.face
        if spec.constructor == "portrait" and spec.get("background") != "none":
            spec = dataclasses.replace(spec, params={**dict(spec.params), "background": "none"})
        self.face = comp.assets.face(spec)
        self.bw, self.bh = bust_size(height_px)
        rest = self._bust("rest", 1.0)
        self.rest_bust = rest
        dress = str(spec.get("clothing", "")) == "dress"
        self.image, self.bust = figure(rest, height_px, dress=dress)
        self.image = self._grade(self.image)
        self._patches: dict[tuple[str, float], tuple[np.ndarray, int, int] | None] = {}

    def _bust(self, viseme: str, eyes: float) -> np.ndarray:
        img = self.face.frame(self.bw, self.bh, viseme, eyes)
        if img.ndim == 3 and img.shape[2] == 3:
            img = np.concatenate([img, np.full(img.shape[:2] + (1,), 255, np.uint8)], axis=2)
        return img

    def _grade(self, img: np.ndarray) -> np.ndarray:
        if self.tint is None or tuple(self.tint) == (1.0, 1.0, 1.0):
            return img
        out = img.copy()
        out[..., :3] = np.clip(
            img[..., :3].astype(np.float32) * np.asarray(self.tint, np.float32), 0, 255
        ).astype(np.uint8)
        return out

    def patch(self, viseme: str, eyes: float) -> tuple[np.ndarray, int, int] | None:
        """The part of the face that differs from rest, and where it goes in the sprite."""
        key = (viseme, eyes)
        if key in self._patches:
            return self._patches[key]
        found = None
        if key != ("rest", 1.0):
            img = self._bust(viseme, eyes)
            a = np.ascontiguousarray(img).view(np.uint32)[..., 0]
            b = np.ascontiguousarray(self.rest_bust).view(np.uint32)[..., 0]
            diff = a != b
            rows, cols = np.flatnonzero(diff.any(axis=1)), np.flatnonzero(diff.any(axis=0))
            if rows.size:
                y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
                piece = self._grade(np.ascontiguousarray(img[y0:y1, x0:x1]))
                found = (piece, self.bust.x + x0, self.bust.y + y0)
        self._patches[key] = found
        return found


class StageRenderer:
    """Frames of one :class:`StagePicture` over ``frames`` frames."""

    def __init__(self, comp: Compositor, picture: StagePicture, frames: int, held: bool) -> None:
        self.comp = comp
        self.p = held_stage(picture) if held else picture
        self.frames = frames
        self.held = held
        self.moving_camera = _moves(self.p.camera)
        self.moving_figures = any(f.move for f in self.p.figures)
        self.moving = self.moving_camera or self.moving_figures
        self.soft = self.p.framing in _SOFT
        tint_of = getattr(comp.assets, "tint", None)
        self.tint = tint_of(self.p.scene, self.p.set) if tint_of is not None else None
        self.zoom_ref = max(self.p.camera.zoom_start, self.p.camera.zoom_end)
        self._sprites: dict[int, _Sprite] = {}
        self._backs: dict[int, np.ndarray] = {}
        self._bg: np.ndarray | None = None
        # Back to front: farther feet (smaller y) first, the shoulder always last.
        order = sorted(range(len(self.p.figures)), key=lambda n: self._depth(self.p.figures[n]))
        self.order = order

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
                out.append(("rest", 1.0, self._breath(f, t)))
                continue
            v = self.comp.viseme_at(f.visemes, t) if f.visemes else "rest"
            e = round(self.comp.eyes_at(f.blink_seed, t) * _EYE_STEPS) / _EYE_STEPS
            out.append((v, e, self._breath(f, t)))
        return tuple(out)

    def _breath(self, f: Figure, t: float) -> int:
        # A slow rise and fall of a pixel or two: the figure is alive, not pasted.
        period = 3.4 + (f.blink_seed % 7) * 0.17
        phase = (f.blink_seed % 13) / 13 * 2 * math.pi
        return round(1.0 * (0.5 - 0.5 * math.cos(2 * math.pi * t / period + phase)))

    def key(self, i: int) -> Hashable:
        return (i if self.moving else None, self.state(i))

    # -- drawing --------------------------------------------------------------------
    def _sprite(self, n: int, height_px: int) -> _Sprite:
        s = self._sprites.get(n)
        if s is None:
            s = self._sprites[n] = _Sprite(self.comp, self.p.figures[n], height_px, self.tint)
        return s

    def background(self, t: float) -> np.ndarray:
        if not self.moving_camera and self._bg is not None:
            return self._bg
        bg = self.comp.camera_view(self.p.set, self.p.scene, self.p.camera, t, soft=self.soft)
        if not self.moving_camera:
            bg = bg.copy()
            zoom, left, top = window(self.p.camera, t)
            if not self.moving_figures:
                for n in self.order:
                    f = self.p.figures[n]
                    if f.role == "stand":
                        self._shadow(bg, f, f.x, zoom, left, top)
            bg.flags.writeable = False
            self._bg = bg
        return bg

    def _shadow(
        self, out: np.ndarray, f: Figure, x: float, zoom: float, left: float, top: float
    ) -> None:
        from screenplay.pictures.figure import contact_shadow
        from screenplay.staging.blocking import figure_height

        w, h = self.comp.width, self.comp.height
        fh = figure_height(f.y) * zoom * h
        sw, sh = max(4, round(fh * 0.26)), max(2, round(fh * 0.035))
        sx = (x - left) * zoom * w
        sy = (f.y - top) * zoom * h
        if sy - sh > h or sx + sw < 0 or sx - sw > w:
            return
        shadow = contact_shadow(sw, sh)
        over(out, shadow, round(sx - shadow.shape[1] / 2), round(sy - shadow.shape[0] / 2))

    def _x(self, f: Figure, t: float) -> float:
        if f.move == "enter" and not self.held:
            return f.edge_x + (f.x - f.edge_x) * ease(min(1.0, t / _WALK))
        if f.move == "exit" and not self.held:
            return f.x + (f.edge_x - f.x) * ease(max(0.0, (t - (1 - _WALK)) / _WALK))
        return f.x

    def render(self, i: int) -> np.ndarray:
        import cv2

        from screenplay.staging.blocking import figure_height

        t = self.progress(i)
        zoom, left, top = window(self.p.camera, t)
        w, h = self.comp.width, self.comp.height
        out = self.background(t).copy()
        state = self.state(i)
        for n in self.order:
            f = self.p.figures[n]
            viseme, eyes, breath = state[n]
            if f.role == "shoulder":
                self._draw_shoulder(out, n, f)
                continue
            x = self._x(f, t)
            fh_ref = max(8, round(figure_height(f.y) * self.zoom_ref * h))
            fh = figure_height(f.y) * zoom * h
            sx = (x - left) * zoom * w
            sy = (f.y - top) * zoom * h
            if sy - fh > h or sx + fh * 0.3 < 0 or sx - fh * 0.3 > w:
                continue
            if self.moving_figures and f.move:
                self._shadow(out, f, x, zoom, left, top)
            elif self.moving_camera:
                self._shadow(out, f, x, zoom, left, top)
            sprite = self._sprite(n, fh_ref)
            img = sprite.image
            patch = sprite.patch(viseme, eyes)
            scale = fh / fh_ref
            walking = f.move and 0 < t < 1 and not self.held
            bob = round(abs(math.sin(t * 14)) * fh * 0.008) if walking else 0
            if abs(scale - 1.0) > 0.002:
                img = img.copy()
                if patch is not None:
                    over_rgba(img, *patch)
                img = cv2.resize(
                    img,
                    (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale))),
                    interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                )
                patch = None
            x0 = round(sx - img.shape[1] / 2)
            y0 = round(sy - img.shape[0]) - breath - bob
            over(out, img, x0, y0)
            if patch is not None:
                piece, px, py = patch
                over(out, piece, x0 + px, y0 + py)
        return out

    def _draw_shoulder(self, out: np.ndarray, n: int, f: Figure) -> None:
        """The listener from behind, large and soft, on their side of the frame."""
        from screenplay.pictures.figure import back_view

        w, h = self.comp.width, self.comp.height
        img = self._backs.get(n)
        if img is None:
            sprite = self._sprite(n, max(64, round(h * 1.4)))
            bw, bh = round(h * 0.62), round(h * 0.8)
            img = self._backs[n] = sprite._grade(back_view(sprite.rest_bust, bw, bh))
        speaker_left = any(
            g.role == "stand" and g.x < f.x for g in self.p.figures if g.name == self.p.focus
        )
        # The listener stands on their own side of the speaker (180-degree rule).
        x0 = w - round(img.shape[1] * 0.62) if speaker_left else -round(img.shape[1] * 0.38)
        over(out, img, x0, h - round(img.shape[0] * 0.92))


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
