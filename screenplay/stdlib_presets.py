"""The presets of screenplay's stdlib, by kind, parsed by the real front end.

Used where no film is in scope (``screenplay say PRESET``, ``screenplay
voices``) and for auto-casting a plain Fountain file that imports nothing.
"""

from __future__ import annotations

from functools import cache

from screenplay.backends.protocols import AssetSpec
from screenplay.diagnostics import Diagnostics

#: Which stdlib module holds the presets of each kind.
MODULE_OF_KIND = {"voice": "voices", "face": "faces", "set": "rooms", "music": "music"}


@cache
def _load(kind: str) -> tuple[tuple[str, AssetSpec], ...]:
    from screenplay.film import Film
    from screenplay.passes.resolve import _Resolver, find_module
    from screenplay.resources import stdlib_dir
    from screenplay.syntax import ast
    from screenplay.syntax.source import Source, Span

    module = MODULE_OF_KIND[kind]
    if find_module(module, stdlib_dir()) is None:
        return ()
    src = Source("<stdlib>", "")
    film = Film(None, src, ast.Script("<stdlib>", None, ()))
    r = _Resolver(film, Diagnostics())
    span = Span("<stdlib>", 1, 1, 1, 1)
    r.use(ast.Use(span, (ast.ModuleRef(span, module),)), stdlib_dir())
    return tuple(r.presets.get(kind, {}).items())  # type: ignore[call-overload]


def load_presets(kind: str) -> dict[str, AssetSpec]:
    """``{"carlos": AssetSpec(...), …}`` for kind ``voice``, ``face``, ``set`` or ``music``."""
    return dict(_load(kind))
