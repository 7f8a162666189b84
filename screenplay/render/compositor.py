"""The compositor: every frame of every shot, as an RGB array.

A shot's frame is built in layers, each cached at the level where it stops
changing, because a film is mostly still pictures and talking faces:

* **motion layer** – what moves with the shot's clock: the set under its
  camera move (Ken Burns), a face morph, rolling credits.  Without a camera
  move it is rendered once per shot.  With ``Shot.retime_from`` it is made
  from that many source frames stretched by optical flow
  (:mod:`screenplay.render.retime`);
* **performers** – faces composited as close-ups over the (softened) set,
  lip-synced from the shot's visemes and blinking; a face image is rendered
  once per (mouth shape, eye openness) and reused;
* **transition** – dissolve / morph / fade from black / through black from the
  previous shot's picture *held on its last frame*, and the fade out at the
  end of the shot;
* **burned-in subtitles** (optional).

:meth:`Compositor.frame_key` names the state of a frame (for example
``("a", 1.0)`` for a talking face with an open-mouth vowel and open eyes):
frames with equal keys are identical, which lets the encoder convert and
cache each distinct frame once.  Frame *pixels* depend only on the shot's
content and its position inside the shot, never on where the shot sits in
the film, so a shot renders the same wherever an edit moves it.
"""

from __future__ import annotations

import dataclasses
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from screenplay.backends.protocols import AssetSpec, SceneInfo
from screenplay.pictures.camera import moves
from screenplay.render.layers import cover, darken, mix, over
from screenplay.timeline import (
    Camera,
    CardPicture,
    MorphPicture,
    Picture,
    SetPicture,
    Shot,
    SpeakerPicture,
    SplitPicture,
    StagePicture,
    Subtitle,
    Timeline,
)

if TYPE_CHECKING:
    import numpy as np

    from screenplay.render.assets import AssetProvider
    from screenplay.render.stage import MorphStage, StageRenderer

#: Bump whenever a change alters a segment's pixels or bytes (compositor,
#: staged pictures in render/stage.py, bodies in pictures/figure.py, or encoder
#: settings): it is part of every segment key.
RENDERER_VERSION = 8

#: Eye openness is quantized to eighths: invisible in motion, and it bounds the
#: number of distinct face images per shot.
_EYE_STEPS = 8

_CARD_BG = (11, 11, 13)
_CARD_FG = (238, 234, 226)
_CARD_DIM = (178, 174, 168)

#: Budget for cached composed frames per compositor (bytes).
_FRAME_MEMO_BYTES = 160 * 1024 * 1024

_STILL = Camera()

#: Set images kept for the life of the process (a render worker's later segments
#: of the same scene reuse them): key → (asset provider, image).
_SET_MEMO = 6
_SETS: OrderedDict[tuple[Any, ...], tuple[Any, np.ndarray]] = OrderedDict()


def held_picture(picture: Picture) -> Picture:
    """The form of ``picture`` a transition holds on: its last frame, at rest.

    A dissolve or morph starts from the previous shot's picture frozen on
    its end state (camera at the end of its move, mouth at rest, eyes open,
    morph finished).  Visemes do not matter for that frame, so they are
    dropped: the next shot's cache key then does not change when only the
    previous line's words (and so its visemes) change.
    """
    if isinstance(picture, SpeakerPicture):
        return dataclasses.replace(picture, visemes=(), blink_seed=0)
    if isinstance(picture, SplitPicture):
        return dataclasses.replace(picture, left_visemes=(), right_visemes=(), blink_seed=0)
    if isinstance(picture, StagePicture):
        from screenplay.render.stage import held_stage

        return held_stage(picture)
    return picture


class Compositor:
    """Renders frames of the shots of ``timeline`` with pictures from ``assets``.

    ``burn_subtitles`` draws the timeline's subtitles into the picture.
    """

    def __init__(
        self, timeline: Timeline, assets: AssetProvider, *, burn_subtitles: bool = False
    ) -> None:
        from screenplay.render.motion import animation
        from screenplay.render.subtitles import SubtitleBurner, cues

        self.timeline = timeline
        self.assets = assets
        self.width = timeline.width
        self.height = timeline.height
        self.fps = timeline.fps
        self.viseme_at, self.eyes_at, self.animation_identity = animation()
        self.burner = SubtitleBurner(self.width, self.height) if burn_subtitles else None
        self.cues = cues(timeline) if burn_subtitles else []
        self._shots: OrderedDict[int, tuple[Shot, _ShotRenderer]] = OrderedDict()
        self._sets: dict[tuple[Any, ...], np.ndarray] = {}
        self._cards: dict[CardPicture, _Card] = {}
        frame_bytes = self.width * self.height * 3
        self._memo_size = max(4, _FRAME_MEMO_BYTES // frame_bytes)

    # -- public ---------------------------------------------------------------
    def close(self) -> None:
        """Drop the shot renderers and their frame memos now.

        Each renderer points back at this compositor, so without this the pair
        is a reference cycle that only the garbage collector's rare full pass
        frees — with up to ~250 MB of frames in it.  A worker rendering a long
        film then grew by one segment's memos per segment until such a pass.
        """
        self._shots.clear()
        self._sets.clear()
        self._cards.clear()

    def frame(self, shot: Shot, i: int) -> np.ndarray:
        """Frame ``i`` (0-based, within the shot) as RGB uint8 ``(height, width, 3)``.

        The array is cached and shared (read-only); copy it to draw on it.
        """
        return self._renderer(shot).frame(i)

    def frame_key(self, shot: Shot, i: int) -> Hashable:
        """A key such that frames of ``shot`` with equal keys are identical."""
        return self._renderer(shot).key(i)

    # -- geometry shared by the pictures --------------------------------------
    def closeup_box(self) -> tuple[int, int, int, int]:
        """(x, y, w, h) of a close-up face: 90 % of the frame height, on the bottom edge."""
        fh = max(8, round(self.height * 0.9))
        fw = min(self.width, max(6, round(fh * 0.8)))
        return (self.width - fw) // 2, self.height - fh, fw, fh

    def split_boxes(self) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
        """(x, y, w, h) of the two faces of a split screen, each centred in its half."""
        half = self.width // 2
        fh = max(8, round(self.height * 0.8))
        fw = max(6, min(round(fh * 0.8), round(half * 0.92)))
        fh = min(fh, round(fw / 0.8))
        y = self.height - fh
        return ((half - fw) // 2, y, fw, fh), (half + (self.width - half - fw) // 2, y, fw, fh)

    # -- cached layers --------------------------------------------------------
    def set_image(self, spec: AssetSpec, scene: SceneInfo, scale: float, soft: bool) -> np.ndarray:
        """The set at ``scale`` × the frame size; ``soft`` is the blurred close-up background."""
        key = (spec.constructor, repr(sorted(spec.params.items())), scene, round(scale, 4), soft)
        found = self._sets.get(key)
        if found is not None:
            return found
        # Shared by the segments this process renders (a scene's shots use the same
        # few scales): drawn, resized and blurred once per worker, not per segment.
        wide_key = (key, self.width, self.height)
        shared = _SETS.get(wide_key)
        if shared is not None and shared[0] is self.assets:
            _SETS.move_to_end(wide_key)
            self._sets[key] = shared[1]
            return shared[1]
        import cv2
        import numpy as np

        w, h = math.ceil(self.width * scale), math.ceil(self.height * scale)
        img = np.ascontiguousarray(self.assets.set(spec, scene).frame(w, h)[..., :3])
        img = cover(img, w, h)
        if soft:
            # A close-up: the set falls out of focus and a little into shadow so
            # the face reads first.
            sigma = max(0.8, self.height / 200 * scale)
            img = cv2.GaussianBlur(img, (0, 0), sigma)
            img = cv2.convertScaleAbs(img, alpha=0.82)
        img = np.ascontiguousarray(img)
        img.flags.writeable = False
        self._sets[key] = img
        _SETS[wide_key] = (self.assets, img)
        while len(_SETS) > _SET_MEMO:
            _SETS.popitem(last=False)
        return img

    def camera_view(
        self, spec: AssetSpec, scene: SceneInfo, camera: Camera, t: float, soft: bool
    ) -> np.ndarray:
        """The set seen through ``camera`` at progress ``t`` (0…1, eased)."""
        from screenplay.pictures.camera import source_scale, warp_view

        src = self.set_image(spec, scene, source_scale(camera), soft)
        return warp_view(src, camera, t, self.width, self.height)

    def card(self, picture: CardPicture) -> _Card:
        found = self._cards.get(picture)
        if found is None:
            found = self._cards[picture] = _Card(self, picture)
        return found

    # -- internals -------------------------------------------------------------
    def _renderer(self, shot: Shot) -> _ShotRenderer:
        entry = self._shots.get(id(shot))
        if entry is not None and entry[0] is shot:
            self._shots.move_to_end(id(shot))
            return entry[1]
        renderer = _ShotRenderer(self, shot)
        self._shots[id(shot)] = (shot, renderer)
        while len(self._shots) > 3:
            self._shots.popitem(last=False)
        return renderer

    def active_cues(self, frame: int) -> tuple[int, ...]:
        return tuple(n for n, c in enumerate(self.cues) if c.start <= frame < c.end)


# --------------------------------------------------------------------------
# Cards
# --------------------------------------------------------------------------


class _Card:
    """A text card: the text block is typeset once; rolling credits move it."""

    def __init__(self, comp: Compositor, picture: CardPicture) -> None:
        import numpy as np

        self.comp = comp
        self.picture = picture
        w, h = comp.width, comp.height
        self.background = np.empty((h, w, 3), np.uint8)
        self.background[...] = (0, 0, 0) if picture.style == "black" else _CARD_BG
        self.block = None if picture.style == "black" else self._typeset()
        bh = 0 if self.block is None else self.block.shape[0]
        # Credits taller than the frame roll upwards from the bottom at a steady speed.
        self.rolling = picture.style == "credits" and bh > h * 0.9
        self._still: np.ndarray | None = None

    def _typeset(self) -> np.ndarray:
        import numpy as np

        from screenplay.render.text import render_lines, wrap_runs
        from screenplay.syntax.emphasis import styled_runs

        comp, p = self.comp, self.picture
        w, h = comp.width, comp.height
        rows: list[tuple[np.ndarray, int]] = []  # (rgba, x)
        gap_rows: list[int] = []
        max_w = w * 0.8

        def block(text: str, family: Any, size: int, color: tuple[int, int, int]) -> np.ndarray:
            lines = wrap_runs(styled_runs(text), family, size, max_w)
            return render_lines(lines, family, size, color=color, line_height=1.25)

        if p.style == "title":
            title_size = max(12, round(h * 0.085))
            small = max(8, round(h * 0.036))
            for n, line in enumerate(p.lines):
                if n == 0:
                    img = block(line, "serif", title_size, _CARD_FG)
                    rows.append((img, (w - img.shape[1]) // 2))
                    gap_rows.append(max(2, round(h * 0.05)))
                else:
                    img = block(line, "sans", small, _CARD_DIM)
                    rows.append((img, (w - img.shape[1]) // 2))
                    gap_rows.append(0)
        elif p.style == "centered":
            size = max(10, round(h * 0.06))
            for line in p.lines:
                img = block(line, "serif", size, _CARD_FG)
                rows.append((img, (w - img.shape[1]) // 2))
                gap_rows.append(0)
        else:  # credits: "ROLE\tNAME" rows in two columns, other rows centred
            size = max(8, round(h * 0.04))
            gutter = max(4, round(w * 0.03))
            col_w = w * 0.42
            for line in p.lines:
                if "\t" in line:
                    left, right = line.split("\t", 1)
                    li = render_lines(
                        wrap_runs(styled_runs(left), "sans", size, col_w),
                        "sans",
                        size,
                        color=_CARD_DIM,
                        align="right",
                    )
                    ri = render_lines(
                        wrap_runs(styled_runs(right), "sans", size, col_w),
                        "sans",
                        size,
                        color=_CARD_FG,
                        align="left",
                    )
                    rh = max(li.shape[0], ri.shape[0])
                    row = np.zeros((rh, w, 4), np.uint8)
                    pad = max(2, round(size * 0.26))
                    lx = max(0, w // 2 - gutter // 2 - li.shape[1] + pad)
                    rx = min(w - 1, w // 2 + gutter // 2 - pad)
                    _paste(row, li, lx, 0)
                    _paste(row, ri, rx, 0)
                    rows.append((row, 0))
                elif line.strip():
                    img = block(line, "sans", size, _CARD_FG)
                    rows.append((img, (w - img.shape[1]) // 2))
                else:
                    rows.append((np.zeros((max(1, round(size * 0.9)), 1, 4), np.uint8), 0))
                gap_rows.append(0)
        total = sum(r[0].shape[0] for r in rows) + sum(gap_rows)
        canvas = np.zeros((max(1, total), w, 4), np.uint8)
        y = 0
        for (img, x), gap in zip(rows, gap_rows, strict=True):
            _paste(canvas, img, x, y)
            y += img.shape[0] + gap
        return canvas

    def frame(self, t: float) -> np.ndarray:
        """The card at progress ``t`` (only rolling credits depend on it)."""
        h = self.comp.height
        if self.block is None:
            return self.background
        if not self.rolling:
            if self._still is None:
                self._still = self.background.copy()
                over(self._still, self.block, 0, (h - self.block.shape[0]) // 2)
            return self._still
        bh = self.block.shape[0]
        y0, y1 = h * 0.12, h * 0.88 - bh
        out = self.background.copy()
        over(out, self.block, 0, round(y0 + (y1 - y0) * t))
        return out


def _paste(dst: np.ndarray, src: np.ndarray, x: int, y: int) -> None:
    """Copy RGBA ``src`` into RGBA ``dst`` at (x, y), clipped, keeping the larger alpha."""
    import numpy as np

    h, w = dst.shape[:2]
    sh, sw = src.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + sw), min(h, y + sh)
    if x0 >= x1 or y0 >= y1:
        return
    region = dst[y0:y1, x0:x1]
    piece = src[y0 - y : y1 - y, x0 - x : x1 - x]
    take = piece[..., 3:4] > region[..., 3:4]
    np.copyto(region, piece, where=take)


# --------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------


class _LazyFrames(Sequence["np.ndarray"]):
    """Source frames of a retimed motion layer, rendered when first needed (2 kept)."""

    def __init__(self, render: Callable[[float], np.ndarray], count: int) -> None:
        self.render = render
        self.n = count
        self._memo: OrderedDict[int, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(self.n))]
        if not 0 <= k < self.n:
            raise IndexError(k)
        found = self._memo.get(k)
        if found is None:
            t = k / (self.n - 1) if self.n > 1 else 1.0
            found = self._memo[k] = self.render(t)
            while len(self._memo) > 2:
                self._memo.popitem(last=False)
        return found


@dataclass
class _Performer:
    face: AssetSpec
    visemes: tuple[Any, ...]
    box: tuple[int, int, int, int]
    seed: int


class _PictureRenderer:
    """One picture over ``frames`` frames (``held``: frozen on its end state)."""

    def __init__(
        self,
        comp: Compositor,
        picture: Picture,
        frames: int,
        retime_from: int | None = None,
        held: bool = False,
    ) -> None:
        self.comp = comp
        self.picture = picture
        self.frames = frames
        self.held = held
        self.performers: list[_Performer] = []
        self._faces: dict[tuple[Any, ...], np.ndarray] = {}
        self._boxes: dict[tuple[Any, ...], tuple[int, int, int, int] | None] = {}
        self._at_rest: np.ndarray | None = None
        p = picture
        self.stage: StageRenderer | MorphStage | None = None
        if isinstance(p, StagePicture):
            from screenplay.render.stage import StageRenderer

            self.stage = StageRenderer(comp, p, frames, held)
        elif isinstance(p, MorphPicture):
            from screenplay.render.stage import MorphStage

            self.stage = MorphStage(comp, p, frames, retime_from, held)
        if isinstance(p, SpeakerPicture):
            self.performers = [_Performer(p.face, p.visemes, comp.closeup_box(), p.blink_seed)]
        elif isinstance(p, SplitPicture):
            lb, rb = comp.split_boxes()
            self.performers = [
                _Performer(p.left, p.left_visemes, lb, p.blink_seed),
                _Performer(p.right, p.right_visemes, rb, p.blink_seed + 7919),
            ]
        # Does the motion layer change with time?
        if held:
            self.moving = False
        elif self.stage is not None:
            self.moving = self.stage.moving
        elif isinstance(p, CardPicture):
            self.moving = comp.card(p).rolling
        elif isinstance(p, SetPicture | SpeakerPicture):
            self.moving = moves(p.camera)
        else:
            self.moving = isinstance(p, MorphPicture)
        self._static: np.ndarray | None = None
        self.retimer = None
        # Faces are graded by the set's light (warm at dusk, blue at night), so a
        # close-up does not look pasted on; providers without `tint` leave them as drawn.
        tint_of = getattr(comp.assets, "tint", None)
        scene = getattr(p, "scene", None)
        self.tint = None
        if tint_of is not None and scene is not None:
            self.tint = tint_of(scene, getattr(p, "set", None))
        if (
            self.stage is None
            and self.moving
            and retime_from is not None
            and 1 <= retime_from < frames
        ):
            from screenplay.render.retime import Retimer

            self.retimer = Retimer(_LazyFrames(self.motion, retime_from), frames)

    def progress(self, i: int) -> float:
        if self.held or self.frames <= 1:
            return 1.0
        return i / (self.frames - 1)

    # -- the motion layer --------------------------------------------------------
    def motion(self, t: float) -> np.ndarray:
        """The part of the picture that moves with the shot's clock, at progress ``t``."""
        comp, p = self.comp, self.picture
        if isinstance(p, CardPicture):
            return comp.card(p).frame(t)
        if isinstance(p, SetPicture):
            return comp.camera_view(p.set, p.scene, p.camera, t, soft=False)
        if isinstance(p, SpeakerPicture):
            return comp.camera_view(p.set, p.scene, p.camera, t, soft=True)
        if isinstance(p, SplitPicture):
            return self._split_background()
        # Staged pictures and morphs (render.stage) draw themselves in motion_at.
        raise AssertionError(f"no motion layer for {type(p).__name__}")

    def _split_background(self) -> np.ndarray:
        if self._static is None:
            p = self.picture
            assert isinstance(p, SplitPicture)
            bg = self.comp.camera_view(p.set, p.scene, _STILL, 0.0, soft=True).copy()
            # A dark seam between the halves.
            w = self.comp.width
            seam = max(1, w // 240)
            bg[:, w // 2 - seam // 2 : w // 2 - seam // 2 + seam] = (8, 8, 10)
            self._static = bg
        return self._static

    def motion_at(self, i: int) -> np.ndarray:
        if self.stage is not None:
            return self.stage.render(i)
        if self.retimer is not None:
            return self.retimer.frame(i)
        if not self.moving:
            if self._static is None:
                self._static = self.motion(self.progress(i))
            return self._static
        return self.motion(self.progress(i))

    # -- performers ----------------------------------------------------------------
    def performer_state(self, i: int) -> tuple[tuple[str, float], ...]:
        if self.held:
            return tuple(("rest", 1.0) for _ in self.performers)
        t = i / self.comp.fps
        out = []
        for perf in self.performers:
            viseme = self.comp.viseme_at(perf.visemes, float(t))
            eyes = self.comp.eyes_at(perf.seed, float(t))
            out.append((viseme, round(eyes * _EYE_STEPS) / _EYE_STEPS))
        return tuple(out)

    def face_image(self, n: int, viseme: str, eyes: float) -> np.ndarray:
        key = (n, viseme, eyes)
        found = self._faces.get(key)
        if found is None:
            perf = self.performers[n]
            _, _, fw, fh = perf.box
            found = _rgba(self.comp.assets.face(perf.face).frame(fw, fh, viseme, eyes))
            if self.tint is not None and self.tint != (1.0, 1.0, 1.0):
                import numpy as np

                graded = found.copy()
                graded[..., :3] = np.clip(
                    found[..., :3].astype(np.float32) * np.asarray(self.tint, np.float32), 0, 255
                ).astype(np.uint8)
                found = graded
            self._faces[key] = found
        return found

    def key(self, i: int) -> Hashable:
        if self.stage is not None:
            return self.stage.key(i)
        motion = i if (self.moving or self.retimer is not None) else None
        return (motion, self.performer_state(i))

    def render(self, i: int) -> np.ndarray:
        if self.stage is not None:
            return self.stage.render(i)
        base = self.motion_at(i)
        if not self.performers:
            return base
        state = self.performer_state(i)
        if self.moving or self.retimer is not None:
            out = base.copy()
            for n, (viseme, eyes) in enumerate(state):
                x, y, _, _ = self.performers[n].box
                over(out, self.face_image(n, viseme, eyes), x, y)
            return out
        # Still background: composite the faces at rest once, then redraw only
        # the part of each face that differs from rest (mouth, eyes) over the
        # background.  A new mouth shape costs a few thousand pixels, not a frame.
        if self._at_rest is None:
            rest = base.copy()
            for n in range(len(self.performers)):
                x, y, _, _ = self.performers[n].box
                over(rest, self.face_image(n, "rest", 1.0), x, y)
            self._at_rest = rest
        out = self._at_rest.copy()
        for n, (viseme, eyes) in enumerate(state):
            box = self._changed_box(n, viseme, eyes)
            if box is None:
                continue
            x, y, _, _ = self.performers[n].box
            x0, y0, x1, y1 = box
            h, w = out.shape[:2]
            # Clip to the frame (faces may hang over an edge).
            cx0, cy0 = max(x0, -x), max(y0, -y)
            cx1, cy1 = min(x1, w - x), min(y1, h - y)
            if cx0 >= cx1 or cy0 >= cy1:
                continue
            region = (slice(y + cy0, y + cy1), slice(x + cx0, x + cx1))
            out[region] = base[region]
            over(out, self.face_image(n, viseme, eyes)[cy0:cy1, cx0:cx1], x + cx0, y + cy0)
        return out

    def _changed_box(self, n: int, viseme: str, eyes: float) -> tuple[int, int, int, int] | None:
        """Bounding box (x0, y0, x1, y1) where face ``n`` in this state differs from rest."""
        import numpy as np

        key = (n, viseme, eyes)
        if key in self._boxes:
            return self._boxes[key]
        img, rest = self.face_image(n, viseme, eyes), self.face_image(n, "rest", 1.0)
        box: tuple[int, int, int, int] | None = None
        if img.shape != rest.shape:
            box = (0, 0, img.shape[1], img.shape[0])
        else:
            # Compare whole RGBA pixels as 32-bit words: one comparison per pixel.
            a = np.ascontiguousarray(img).view(np.uint32)[..., 0]
            b = np.ascontiguousarray(rest).view(np.uint32)[..., 0]
            diff = a != b
            rows, cols = np.flatnonzero(diff.any(axis=1)), np.flatnonzero(diff.any(axis=0))
            if rows.size:
                box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
        self._boxes[key] = box
        return box

    def face_spec(self, start: bool) -> AssetSpec | None:
        """The face this picture shows at its start (or end), for morph transitions."""
        p = self.picture
        if isinstance(p, SpeakerPicture):
            return p.face
        if isinstance(p, MorphPicture):
            return p.source if start else p.target
        return None

    def background(self, i: int) -> np.ndarray:
        """The picture without its faces (morph transitions draw their own face)."""
        p = self.picture
        if isinstance(p, MorphPicture):
            return self.comp.camera_view(p.set, p.scene, _STILL, 0.0, soft=True)
        return self.motion_at(i)


def _rgba(img: np.ndarray) -> np.ndarray:
    import numpy as np

    if img.ndim == 3 and img.shape[2] == 4:
        return img
    alpha = np.full(img.shape[:2] + (1,), 255, np.uint8)
    return np.concatenate([img[..., :3], alpha], axis=2)


# --------------------------------------------------------------------------
# Shots: a picture plus its transitions and subtitles
# --------------------------------------------------------------------------


class _ShotRenderer:
    def __init__(self, comp: Compositor, shot: Shot) -> None:
        self.comp = comp
        self.shot = shot
        self.main = _PictureRenderer(comp, shot.picture, shot.frames, shot.retime_from)
        tr = shot.transition
        self.trans_frames = min(tr.frames, shot.frames) if tr.kind != "cut" else 0
        self.kind = tr.kind
        if tr.kind in ("smash",):
            self.trans_frames = 0
        self.previous: np.ndarray | None = None
        self.morph_fn: Callable[[float], np.ndarray] | None = None
        self.prev_renderer: _PictureRenderer | None = None
        if self.trans_frames and tr.kind in ("dissolve", "morph", "fade_black"):
            if tr.previous is None:
                # Nothing to come from: a dissolve from nothing is a fade from black.
                self.kind = "fade_in"
            else:
                self.prev_renderer = _PictureRenderer(comp, held_picture(tr.previous), 1, held=True)
        if self.kind == "morph" and self.prev_renderer is not None:
            a = self.prev_renderer.face_spec(start=False)
            b = self.main.face_spec(start=True)
            if a is None or b is None:
                self.kind = "dissolve"  # MORPH TO between shots without faces
            else:
                _, _, fw, fh = comp.closeup_box()
                self.morph_fn = comp.assets.morph(a, b, fw, fh)
        self.fade_out = min(shot.fade_out, shot.frames)
        self._memo: OrderedDict[Hashable, np.ndarray] = OrderedDict()

    def _transition_t(self, i: int) -> float | None:
        if i >= self.trans_frames:
            return None
        n = self.trans_frames
        if self.kind == "fade_in":
            return i / n  # starts on black
        return (i + 1) / (n + 1)

    def _fade_level(self, i: int) -> float:
        start = self.shot.frames - self.fade_out
        if self.fade_out <= 0 or i < start:
            return 1.0
        return 1.0 - (i - start + 1) / self.fade_out  # ends on black

    def key(self, i: int) -> Hashable:
        if not 0 <= i < self.shot.frames:
            raise IndexError(f"frame {i} outside shot {self.shot.id} ({self.shot.frames} frames)")
        t = self._transition_t(i)
        cues = self.comp.active_cues(self.shot.start + i) if self.comp.burner else ()
        return (self.main.key(i), t, self._fade_level(i), cues)

    def frame(self, i: int) -> np.ndarray:
        key = self.key(i)
        found = self._memo.get(key)
        if found is not None:
            self._memo.move_to_end(key)
            return found
        out = self._compose(i, key)
        # Frames are shared (memo, still layers): make accidental writes fail loudly.
        out.flags.writeable = False
        self._memo[key] = out
        while len(self._memo) > self.comp._memo_size:
            self._memo.popitem(last=False)
        return out

    def _held(self) -> np.ndarray:
        if self.previous is None:
            assert self.prev_renderer is not None
            self.previous = self.prev_renderer.render(0)
        return self.previous

    def _compose(self, i: int, key: Any) -> np.ndarray:
        t = key[1]
        if t is not None and self.kind == "morph" and self.morph_fn is not None:
            assert self.prev_renderer is not None
            bg = mix(self.prev_renderer.background(0), self.main.background(i), t)
            x, y, _, _ = self.comp.closeup_box()
            over(bg, _rgba(self.morph_fn(t)), x, y)
            out = bg
        else:
            out = self.main.render(i)
            if t is not None:
                if self.kind == "dissolve":
                    out = mix(self._held(), out, t)
                elif self.kind == "fade_black":
                    out = darken(self._held(), 1 - 2 * t) if t < 0.5 else darken(out, 2 * t - 1)
                elif self.kind == "fade_in":
                    out = darken(out, t)
        level = key[2]
        if level < 1.0:
            out = darken(out, level)
        if key[3]:
            assert self.comp.burner is not None
            out = self.comp.burner.burn(out, [self.comp.cues[n] for n in key[3]])
        return out


def shot_subtitles(timeline: Timeline, shot: Shot) -> tuple[Subtitle, ...]:
    """The subtitles overlapping ``shot``, clipped to it and made relative to its first frame."""
    out = []
    for s in timeline.subtitles:
        a, b = max(s.start, shot.start), min(s.end, shot.end)
        if a < b and s.text.strip():
            out.append(dataclasses.replace(s, start=a - shot.start, end=b - shot.start))
    return tuple(out)
