"""Compile a film given as text, in-process (the front end without the CLI)."""

from __future__ import annotations

from pathlib import Path

from screenplay.api import compile_source
from screenplay.diagnostics import Diagnostics
from screenplay.film import Film
from screenplay.syntax.source import Source


def front(text: str, path: Path | None = None) -> tuple[Film, Diagnostics]:
    """Parse, resolve and check ``text`` as if it were the file ``path``."""
    diags = Diagnostics()
    source = Source(str(path or "film.film"), text)
    film = compile_source(source, path, diags)
    return film, diags


def codes(diags: Diagnostics) -> list[str]:
    return [d.code for d in diags.items]
