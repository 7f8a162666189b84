"""The contracts between the compiler core and every asset engine.

The front end never sees an engine; it sees *constructors*.  In a ``.film``
file every production value that names an engine or generator is a call::

    voice: piper(model="en_US-joe-medium", rate=0.95)
    face:  portrait(seed=7, age=45, hair="grey")
    image: room(seed=3, window="left")
    music: drone(key="D minor", tempo=0.9)

or a file path (``"faces/woman.png"``) or a preset name from ``stdlib/``
(``voice: carlos``, ``voice: carlos(rate=1.1)``).  The resolve pass flattens
all of these into an :class:`AssetSpec`: a constructor name plus plain-Python
parameters.  Each engine package publishes its constructors (name, kind,
typed parameters, documentation) in a *cheap* module that imports nothing
heavy; the check pass validates arguments against those schemas and the bind
pass hands the spec to the engine.

Media conventions shared by every engine:

* audio: ``numpy.float32`` arrays, mono shape ``(n,)`` or stereo ``(n, 2)``,
  at :data:`PROJECT_RATE` (48 kHz), nominal range −1…1;
* images: ``numpy.uint8`` arrays, ``(h, w, 3)`` RGB or ``(h, w, 4)`` RGBA;
* time: seconds as float inside engines, whole frames in the timeline IR.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from screenplay.diagnostics.codes import FILE_NOT_FOUND
from screenplay.syntax.heading import SceneInfo as SceneInfo  # re-exported: engines name it here

if TYPE_CHECKING:
    import numpy as np

    from screenplay.cache import Cache

PROJECT_RATE = 48_000

AssetKind = Literal["voice", "face", "set", "music"]

#: Mouth shapes shared by the voice engines (which produce viseme timings) and
#: the face renderers (which draw them).
VISEMES: tuple[str, ...] = ("rest", "mbp", "a", "e", "o", "fv")


# --------------------------------------------------------------------------
# Schemas: what the front end knows about constructors
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One typed parameter of a constructor.

    ``type`` is one of ``"str"``, ``"int"``, ``"float"``, ``"bool"``,
    ``"duration"`` (seconds; the source may write ``2s``, ``500ms``),
    ``"path"`` (a file relative to the film), ``"model"`` (a model folder relative to
    the film, or an id looked up by :mod:`screenplay.backends.weights`; the spec
    also gets ``<name>_files``, the digest of the model's files), or ``"choice"``
    (one of ``choices``).  ``min``/``max`` bound numbers.
    """

    name: str
    type: str
    default: Any = None
    doc: str = ""
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Constructor:
    """A named way to make an asset, e.g. ``piper`` (voice) or ``room`` (set)."""

    name: str
    kind: AssetKind
    params: tuple[Param, ...]
    doc: str = ""
    #: Module that implements it, imported only when the asset is built.
    module: str = ""

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None


# --------------------------------------------------------------------------
# Specs: what the front end hands to engines
# --------------------------------------------------------------------------


class FrozenParams(dict):  # type: ignore[type-arg]
    """A read-only, hashable, picklable dict of constructor parameters."""

    def _readonly(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("asset parameters are read-only; build a new spec instead")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted((k, repr(v)) for k, v in self.items())))

    def __reduce__(self) -> Any:
        return (FrozenParams, (dict(self),))


@dataclass(frozen=True)
class AssetSpec:
    """A fully resolved request for one asset.

    ``constructor`` is the engine/generator name (``"piper"``, ``"portrait"``,
    ``"room"``, ``"drone"``) or ``"file"`` for a user file, in which case
    ``params["path"]`` is an absolute :class:`~pathlib.Path`.  ``params``
    holds validated plain values with defaults filled in.  ``preset`` names
    the stdlib preset it came from, if any (for credits).  ``seed`` is always
    set: explicit, or derived deterministically from the owner's name.
    """

    kind: AssetKind
    constructor: str
    params: Mapping[str, Any]
    label: str = ""
    preset: str | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)

    def cache_key(self) -> Any:
        return [self.kind, self.constructor, dict(self.params)]


class BackendError(Exception):
    """A user-facing failure inside an engine (missing engine, unreadable file…).

    The bind pass turns it into a diagnostic pointing at the declaration that
    asked for the asset.  ``code`` is a diagnostic code from
    :mod:`screenplay.diagnostics.codes`.
    """

    def __init__(self, code: str, message: str, help: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.help = help

    def __reduce__(self) -> Any:
        # Keep code and help across process boundaries (render workers).
        return (BackendError, (self.code, self.message, self.help))


class BackendWarning(Warning):
    """A degraded-but-working result (e.g. no face found → still image).

    Raised through :func:`warnings.warn` as an instance, so it carries its
    diagnostic ``code`` (and ``help``) to whoever turns it into a diagnostic
    (:func:`caught_backend_warnings`); nobody parses codes out of text.
    """

    def __init__(self, code: str, message: str, help: str = "") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.help = help

    def __reduce__(self) -> Any:
        return (BackendWarning, (self.code, self.message, self.help))


def caught_backend_warnings(caught: Iterable[warnings.WarningMessage]) -> list[BackendWarning]:
    """The :class:`BackendWarning` s among warnings recorded by ``catch_warnings(record=True)``."""
    return [w.message for w in caught if isinstance(w.message, BackendWarning)]


# --------------------------------------------------------------------------
# Voices
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """How a line is spoken, derived from its parenthetical and its cue extension."""

    volume_db: float = 0.0
    rate: float = 1.0
    pitch_semitones: float = 0.0
    whisper: bool = False
    shout: bool = False
    laugh: bool = False
    pause_before: float = 0.0
    #: "on" (on screen), "vo" (voice-over) or "os" (off screen)
    placement: str = "on"
    #: Words to stress (from emphasis marks), in order of appearance.
    emphasis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timed:
    """A labelled interval in seconds (a word, a phoneme or a viseme)."""

    start: float
    end: float
    label: str


@dataclass
class Speech:
    """One synthesized line: audio at PROJECT_RATE plus its timings."""

    audio: np.ndarray  # float32 mono (n,)
    words: list[Timed] = field(default_factory=list)
    visemes: list[Timed] = field(default_factory=list)
    #: The cache key (namespace ``voices``) the backend stored this line under, so the
    #: bind pass and the mixer find it without hashing the line again ("" if uncached).
    key: str = ""

    @property
    def duration(self) -> float:
        return len(self.audio) / PROJECT_RATE


@runtime_checkable
class VoiceBackend(Protocol):
    """Speaks text with a voice.  ``speak`` must be deterministic and cached: the
    :class:`Speech` it returns names its cache key (``Speech.key``)."""

    def speak(self, spec: AssetSpec, text: str, delivery: Delivery, cache: Cache) -> Speech: ...


# --------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------


@runtime_checkable
class Face(Protocol):
    """A character's look, able to talk and blink."""

    credit: str

    def frame(self, width: int, height: int, viseme: str = "rest", eyes: float = 1.0) -> np.ndarray:
        """An RGBA uint8 portrait; ``eyes`` is 1 open … 0 closed."""
        ...


@runtime_checkable
class SetImage(Protocol):
    """A scene's place."""

    credit: str

    def frame(self, width: int, height: int) -> np.ndarray:
        """An RGB uint8 image of the set."""
        ...


@runtime_checkable
class PictureBackend(Protocol):
    def face(self, spec: AssetSpec, cache: Cache) -> Face: ...

    def set(self, spec: AssetSpec, heading: SceneInfo, cache: Cache) -> SetImage: ...


# --------------------------------------------------------------------------
# Music
# --------------------------------------------------------------------------


@runtime_checkable
class MusicBackend(Protocol):
    def render(self, spec: AssetSpec, duration: float, cache: Cache) -> np.ndarray:
        """Stereo float32 ``(n, 2)`` at PROJECT_RATE, exactly ``duration`` long."""
        ...

    def probe(self, spec: AssetSpec) -> None:
        """Raise the :class:`BackendError` a render would, cheaply and without rendering.

        The bind pass probes every cue a film starts, so a missing file or
        synthesizer is a diagnostic before any frame is drawn.
        """
        ...


# --------------------------------------------------------------------------
# Dialogue model
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str
    max_new_tokens: int
    seed: int
    temperature: float = 0.8
    top_p: float = 0.95
    stop: Sequence[str] = ()


@runtime_checkable
class DialogueModel(Protocol):
    """A causal language model that continues a screenplay."""

    #: Identity that goes into the lock: model id/path and a revision or file hash.
    identity: str

    def generate(self, request: GenerationRequest) -> str: ...


# --------------------------------------------------------------------------
# User paths: the one place a path written in a film becomes a file
# --------------------------------------------------------------------------

#: Whether files outside the film's project may be read (``--allow-outside-assets``).
#: A user path outside the film's project (explained with the render codes, SP08xx).
OUTSIDE_PROJECT = "SP0809"

_OUTSIDE_ALLOWED: ContextVar[bool] = ContextVar("screenplay_outside_assets", default=False)


@contextmanager
def outside_assets(allowed: bool) -> Iterator[None]:
    """Within the block, paths outside the project are allowed (or refused)."""
    token = _OUTSIDE_ALLOWED.set(bool(allowed))
    try:
        yield
    finally:
        _OUTSIDE_ALLOWED.reset(token)


class UserPathError(ValueError):
    """A path written in a film that cannot be used; ``code`` is a diagnostic code."""

    def __init__(self, code: str, message: str, help: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.help = code, message, help


def project_root(base_dir: Path) -> Path:
    """The film's project: the git work tree that holds ``base_dir``, else ``base_dir`` itself."""
    base = Path(os.path.realpath(base_dir))
    for folder in (base, *base.parents):
        if (folder / ".git").exists():
            return folder
    return base


def resolve_user_path(base_dir: Path, raw: str, *, allow_outside: bool | None = None) -> Path:
    """A path written in a film (``face: "faces/anna.png"``), as an absolute, resolved Path.

    Relative paths are relative to the film's folder (``base_dir``).  The result
    must lie inside the film's project (:func:`project_root`) after symbolic
    links and ``..`` are resolved, unless ``allow_outside`` (default: the
    ``--allow-outside-assets`` setting, see :func:`outside_assets`): a film
    someone else wrote must not be able to copy your files into its output.
    Raises :class:`UserPathError` (SP0304 for a path the system cannot take,
    SP0809 for one outside the project); never OSError.
    """
    if allow_outside is None:
        allow_outside = _OUTSIDE_ALLOWED.get()
    if not raw or "\0" in raw:
        raise UserPathError(
            FILE_NOT_FOUND.code, "not a usable file path", "write a path such as faces/anna.png"
        )
    try:
        p = Path(raw).expanduser() if raw.startswith("~") else Path(raw)
        p = p if p.is_absolute() else Path(base_dir) / p
        resolved = Path(os.path.realpath(p))
    except (OSError, ValueError, RuntimeError) as e:
        raise UserPathError(FILE_NOT_FOUND.code, f"not a usable file path: {e}") from None
    if len(os.fsencode(str(resolved))) >= 4096 or any(
        len(os.fsencode(part)) > 255 for part in resolved.parts
    ):
        raise UserPathError(FILE_NOT_FOUND.code, "the file path is too long", "use a shorter path")
    if not allow_outside:
        root = project_root(base_dir)
        if resolved != root and root not in resolved.parents:
            raise UserPathError(
                OUTSIDE_PROJECT,
                f"{raw} is outside the film's project ({root})",
                "copy the file into the film's folder, or build with `--allow-outside-assets` "
                "if you trust this film",
            )
    return resolved
