"""The Timeline IR: what the ``timing`` pass produces and the renderer consumes.

The timeline is pure data (frozen dataclasses, JSON-dumpable): no engine
objects, no arrays.  Assets are referenced by :class:`AssetSpec`, speech by
the cache key of its synthesized audio.  That makes every shot hashable by
*everything that affects its pixels*, which is what the segment cache keys on.

Time is whole frames at a :class:`fractions.Fraction` frame rate.  The video
track is a list of :class:`Shot` s that tile the film exactly (each starts where
the previous one ends).  Audio clips are placed on buses at frame positions
(audio is sample-accurate inside a clip; frame positions convert to samples
exactly with :meth:`Timeline.frame_to_sample`).  Every shot, clip, subtitle and
chapter keeps the :class:`Span` of the source line it came from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from screenplay.backends.protocols import PROJECT_RATE, AssetSpec, SceneInfo, Timed
from screenplay.syntax.emphasis import StyledRun
from screenplay.syntax.source import Span

# --------------------------------------------------------------------------
# Pictures: what a shot shows
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Camera:
    """Slow move on a still (Ken Burns): zoom and pan from start to end of the shot.

    ``zoom`` 1.0 shows the whole image; ``pan`` is the centre offset in
    fractions of the frame (−0.5…0.5).
    """

    zoom_start: float = 1.0
    zoom_end: float = 1.0
    pan_start: tuple[float, float] = (0.0, 0.0)
    pan_end: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class CardPicture:
    """Text on a plain background: title card, centered text, end credits, black."""

    style: Literal["title", "centered", "credits", "black"]
    lines: tuple[str, ...] = ()
    kind: str = "card"


@dataclass(frozen=True)
class SetPicture:
    """The scene's set, optionally with a camera move."""

    set: AssetSpec
    scene: SceneInfo
    camera: Camera = Camera()
    kind: str = "set"


@dataclass(frozen=True)
class SpeakerPicture:
    """A speaking face on the scene's set (close-up), lip-synced and blinking.

    ``visemes`` are relative to the shot's first frame, in seconds.
    ``blink_seed`` makes the blink pattern deterministic per line.
    """

    set: AssetSpec
    scene: SceneInfo
    face: AssetSpec
    visemes: tuple[Timed, ...] = ()
    blink_seed: int = 0
    camera: Camera = Camera()
    kind: str = "speaker"


@dataclass(frozen=True)
class SplitPicture:
    """Dual dialogue: two faces side by side, each with its own visemes."""

    set: AssetSpec
    scene: SceneInfo
    left: AssetSpec
    right: AssetSpec
    left_visemes: tuple[Timed, ...] = ()
    right_visemes: tuple[Timed, ...] = ()
    blink_seed: int = 0
    kind: str = "split"


@dataclass(frozen=True)
class MorphPicture:
    """A face that turns into another over the whole shot (``MORPH TO:``)."""

    set: AssetSpec
    scene: SceneInfo
    source: AssetSpec
    target: AssetSpec
    kind: str = "morph"


@dataclass(frozen=True)
class Figure:
    """A character standing in the set (see :mod:`screenplay.staging`).

    ``x``/``y`` are the foot position on the stage in fractions of the wide
    frame (the set as the establishing shot shows it); the figure's height
    follows from ``y`` by perspective (:func:`screenplay.staging.blocking.figure_height`).
    ``move`` animates an entrance from (or an exit to) ``edge_x`` over the shot.
    ``role`` is ``"stand"`` or ``"shoulder"`` (the listener's back of head and
    shoulder in the foreground of an over-the-shoulder shot).
    """

    name: str
    face: AssetSpec
    x: float
    y: float
    visemes: tuple[Timed, ...] = ()
    blink_seed: int = 0
    move: Literal["", "enter", "exit"] = ""
    edge_x: float = 0.0
    role: Literal["stand", "shoulder"] = "stand"
    pose: Literal["stand", "sit"] = "stand"


@dataclass(frozen=True)
class StagePicture:
    """Characters standing in the scene's set, framed by the shot planner.

    ``camera`` is the framing as a window on the stage (zoom and pan, the same
    convention as a Ken Burns move on the set); it spans the whole shot.
    ``framing`` is one of :data:`FRAMINGS`; ``focus`` the character the shot
    is on (empty for wide/two/group), which decides the depth of field.
    """

    set: AssetSpec
    scene: SceneInfo
    framing: str
    figures: tuple[Figure, ...] = ()
    camera: Camera = Camera()
    focus: str = ""
    kind: str = "stage"


Picture = CardPicture | SetPicture | SpeakerPicture | SplitPicture | MorphPicture | StagePicture

#: What a shot shows, from far to near (``split`` is dual dialogue side by side,
#: ``card`` a title, centered text or the credits).
FRAMINGS = ("wide", "group", "two", "single", "close", "ots", "insert", "split", "card")


@dataclass(frozen=True)
class OnScreen:
    """A character visible in a shot and the screen side they hold (180-degree rule)."""

    name: str
    side: Literal["left", "center", "right"]


# --------------------------------------------------------------------------
# Transitions
# --------------------------------------------------------------------------

TransitionKind = Literal["cut", "dissolve", "fade_in", "fade_out", "fade_black", "smash", "morph"]


@dataclass(frozen=True)
class Transition:
    """How a shot begins.

    * ``cut``/``smash``: none (smash also hard-cuts the audio tail);
    * ``dissolve``/``morph``: the first ``frames`` frames blend from
      ``previous`` (the outgoing shot's picture, held on its last frame) into
      this shot;
    * ``fade_in``: from black; ``fade_black``: through black from ``previous``;
    * ``fade_out`` is expressed on the outgoing shot (:attr:`Shot.fade_out`).
    """

    kind: TransitionKind = "cut"
    frames: int = 0
    previous: Picture | None = None


# --------------------------------------------------------------------------
# The tracks
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    id: str  # stable, e.g. "s03-l042" (scene 3, source line 42)
    start: int  # first frame
    frames: int  # length in frames (>= 1)
    picture: Picture
    span: Span
    transition: Transition = Transition()
    fade_out: int = 0  # frames of fade to black at the end
    #: Optical-flow retiming: play ``source_frames`` frames of motion stretched
    #: over ``frames`` (None: no retiming).
    retime_from: int | None = None
    #: One of :data:`FRAMINGS`, and who is visible (name and screen side).
    framing: str = "wide"
    on_screen: tuple[OnScreen, ...] = ()

    @property
    def end(self) -> int:
        return self.start + self.frames


Bus = Literal["dialogue", "narration", "music", "fx"]


@dataclass(frozen=True)
class AudioClip:
    """A synthesized line placed on a bus; ``audio_key`` is its cache key (namespace ``voices``)."""

    bus: Bus
    start_sample: int
    samples: int
    audio_key: str
    span: Span
    gain_db: float = 0.0
    pan: float = 0.0  # −1 left … 1 right (dual dialogue, O.S. placement)
    speaker: str = ""

    @property
    def end_sample(self) -> int:
        return self.start_sample + self.samples


@dataclass(frozen=True)
class MusicClip:
    """A music cue playing from ``start_sample`` for ``samples``, with fades."""

    cue: str
    spec: AssetSpec
    start_sample: int
    samples: int
    span: Span
    fade_in: float = 0.0  # seconds
    fade_out: float = 0.0
    gain_db: float = 0.0
    duck: bool = True

    @property
    def end_sample(self) -> int:
        return self.start_sample + self.samples


@dataclass(frozen=True)
class Subtitle:
    start: int  # frame
    end: int  # frame (exclusive)
    runs: tuple[StyledRun, ...]
    span: Span
    speaker: str = ""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Chapter:
    start: int  # frame
    title: str
    span: Span


@dataclass(frozen=True)
class Timeline:
    fps: Fraction
    width: int
    height: int
    frames: int
    shots: tuple[Shot, ...]
    audio: tuple[AudioClip, ...] = ()
    music: tuple[MusicClip, ...] = ()
    subtitles: tuple[Subtitle, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    title: str = ""
    sample_rate: int = PROJECT_RATE
    metadata: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def duration(self) -> Fraction:
        return self.frames / self.fps

    @property
    def samples(self) -> int:
        return self.frame_to_sample(self.frames)

    def frame_to_sample(self, frame: int) -> int:
        return int(Fraction(frame) / self.fps * self.sample_rate)

    def seconds_to_frames(self, seconds: float) -> int:
        """Round a duration in seconds up to whole frames (never cut audio short)."""
        exact = Fraction(seconds).limit_denominator(10**6) * self.fps
        whole = int(exact)
        return whole if whole == exact else whole + 1


def to_json(value: Any) -> Any:
    """Plain JSON form of any IR object (dataclasses, Fractions, tuples, specs)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            out[f.name] = to_json(getattr(value, f.name))
        return out
    if isinstance(value, Fraction):
        return (
            f"{value.numerator}/{value.denominator}" if value.denominator != 1 else value.numerator
        )
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if hasattr(value, "__fspath__"):
        return str(value)
    if hasattr(value, "items"):  # Mapping (e.g. MappingProxyType in AssetSpec)
        return {str(k): to_json(v) for k, v in value.items()}
    return value
