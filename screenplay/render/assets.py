"""Where the compositor gets its pictures: faces, sets and morphs, by spec.

The compositor never talks to an engine.  It asks an :class:`AssetProvider`
for the :class:`~screenplay.backends.protocols.Face` or
:class:`~screenplay.backends.protocols.SetImage` of an
:class:`~screenplay.backends.protocols.AssetSpec`, and for a morph between
two faces.  :class:`PicturesAssetProvider` is the real one, on top of
:mod:`screenplay.pictures`; tests use small doubles with flat colours.

Providers are handed to segment workers (separate processes), so they must
pickle.  :class:`PicturesAssetProvider` pickles only its cache location and
rebuilds its memo of Face/SetImage objects in each worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from screenplay.backends.protocols import AssetSpec, Face, SceneInfo, SetImage
from screenplay.cache import digest

if TYPE_CHECKING:
    import numpy as np

    from screenplay.cache import Cache


@runtime_checkable
class AssetProvider(Protocol):
    """Pictures by spec, for the compositor."""

    def face(self, spec: AssetSpec) -> Face: ...

    def set(self, spec: AssetSpec, scene: SceneInfo) -> SetImage: ...

    def morph(self, a: AssetSpec, b: AssetSpec, w: int, h: int) -> Callable[[float], np.ndarray]:
        """``t ↦`` RGBA ``(h, w, 4)`` portrait turning from face ``a`` (t=0) into ``b`` (t=1).

        ``t`` is linear progress; the provider chooses the easing.
        """
        ...


def provider_identity(assets: AssetProvider) -> Any:
    """What identifies a provider's pictures in a cache key.

    A provider may define ``identity`` (e.g. an engine version); otherwise
    its class name is used.  The specs themselves are keyed separately.
    """
    ident = getattr(assets, "identity", None)
    return ident if ident is not None else f"{type(assets).__module__}.{type(assets).__qualname__}"


class PicturesAssetProvider:
    """The real provider: :mod:`screenplay.pictures` engines, memoized per spec.

    ``screenplay.pictures`` is imported on first use, so constructing a
    provider is cheap and works before any picture is needed.
    """

    #: Faces and sets kept alive per process.  Each grows with the frame sizes and
    #: mouth/eye states drawn from it, and a feature has dozens: unbounded, a
    #: worker held them all (1.7 GB at preview for 30 pages).  Segments are
    #: rendered roughly in film order, so a scene's few faces and set stay in.
    MEMO_FACES = 8
    MEMO_SETS = 4

    def __init__(self, cache: Cache) -> None:
        from collections import OrderedDict

        self.cache = cache
        self._faces: OrderedDict[str, Face] = OrderedDict()
        self._sets: OrderedDict[str, SetImage] = OrderedDict()

    @property
    def identity(self) -> Any:
        # The pictures engines key their own caches by version; their version
        # (when published) makes re-rendered segments follow engine upgrades.
        try:
            from screenplay.pictures import engine
        except ImportError:
            return "screenplay.pictures:unavailable"
        return ["screenplay.pictures", str(getattr(engine, "ENGINE_VERSION", ""))]

    def __getstate__(self) -> dict[str, Any]:
        return {"cache": self.cache}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["cache"])  # type: ignore[misc]

    def face(self, spec: AssetSpec) -> Face:
        key = digest(spec)
        found = self._faces.get(key)
        if found is None:
            from screenplay.pictures.engine import backend

            found = self._faces[key] = backend().face(spec, self.cache)
            while len(self._faces) > self.MEMO_FACES:
                self._faces.popitem(last=False)
        self._faces.move_to_end(key)
        return found

    def tint(self, scene: SceneInfo, set_spec: AssetSpec | None) -> tuple[float, float, float]:
        """RGB grade for faces shown on this set (its time-of-day light)."""
        from screenplay.pictures.engine import light_tint

        return light_tint(scene, set_spec)

    def set(self, spec: AssetSpec, scene: SceneInfo) -> SetImage:
        key = digest(spec, scene)
        found = self._sets.get(key)
        if found is None:
            from screenplay.pictures.engine import backend

            found = self._sets[key] = backend().set(spec, scene, self.cache)
            while len(self._sets) > self.MEMO_SETS:
                self._sets.popitem(last=False)
        self._sets.move_to_end(key)
        return found

    def morph(self, a: AssetSpec, b: AssetSpec, w: int, h: int) -> Callable[[float], np.ndarray]:
        from screenplay.pictures.morph import morph_frames

        return morph_frames(self.face(a), self.face(b), w, h)
