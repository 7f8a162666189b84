"""Locate the data that ships with screenplay: the Lark grammar and the stdlib.

In a wheel, ``grammar/`` and ``stdlib/`` are installed as
``screenplay/_data/grammar`` and ``screenplay/_data/stdlib`` (see
``pyproject.toml``); in a source checkout or an editable install they sit at
the repository root beside the package.  Every caller goes through this module
so the two layouts never leak into the rest of the code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the directory of packaged data ``name`` (``"grammar"`` or ``"stdlib"``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"screenplay is installed without its {name}/ directory")


def grammar_path(filename: str) -> Path:
    """A grammar file: ``fountain.lark`` (document structure) or ``production.lark``."""
    return data_dir("grammar") / filename


def stdlib_dir() -> Path:
    return data_dir("stdlib")
