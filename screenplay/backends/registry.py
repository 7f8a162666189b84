"""Find the constructors every engine publishes, without importing the engines.

Built-in engine packages each have a cheap ``schema`` module listing their
:class:`~screenplay.backends.protocols.Constructor` objects in
``CONSTRUCTORS``.  Third-party packages add more through the entry-point group
``screenplay.backends``: each entry point names such a schema module.

A constructor's ``module`` is the implementation; it is imported only when a
build needs that asset, and must expose ``backend() -> <Kind>Backend``.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from screenplay.backends.protocols import AssetKind, Constructor

BUILTIN_SCHEMAS: tuple[str, ...] = (
    "screenplay.voices.schema",
    "screenplay.pictures.schema",
    "screenplay.music.schema",
)

ENTRY_POINT_GROUP = "screenplay.backends"


def _schema_modules() -> list[str]:
    mods = list(BUILTIN_SCHEMAS)
    try:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            mods.append(ep.value.split(":")[0])
    except Exception:  # broken third-party metadata must not break the compiler
        pass
    return mods


@cache
def all_constructors() -> dict[tuple[str, str], Constructor]:
    found: dict[tuple[str, str], Constructor] = {}
    for mod_name in _schema_modules():
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        for ctor in getattr(mod, "CONSTRUCTORS", ()):
            found.setdefault((ctor.kind, ctor.name), ctor)
    return found


def constructors(kind: AssetKind) -> dict[str, Constructor]:
    return {name: c for (k, name), c in all_constructors().items() if k == kind}


def lookup(kind: AssetKind, name: str) -> Constructor | None:
    return all_constructors().get((kind, name))


@cache
def _backend(module: str) -> Any:
    return importlib.import_module(module).backend()


def backend_for(ctor: Constructor) -> Any:
    """The engine that implements ``ctor`` (imported on first use)."""
    return _backend(ctor.module)


def backend_of(kind: AssetKind, constructor: str) -> Any | None:
    """The engine for a spec's constructor, or None when none is installed.

    The one dispatch a pass makes per spec (look-up and engine together; the
    engine itself is made once per module, by :func:`backend_for`).
    """
    ctor = lookup(kind, constructor)
    return None if ctor is None else backend_for(ctor)
