"""Front-end checks of the staging directives (called by the check pass).

``[[shot close NOBODY]]``, ``[[enter NOBODY]]``, ``[[exit …]]`` and
``[[place …]]`` must name a character of the film; an unknown name is error
SP0900 with a "did you mean".
"""

from __future__ import annotations

from typing import Any

from screenplay.diagnostics import Diagnostics
from screenplay.diagnostics.core import suggestion
from screenplay.directives import SPECS
from screenplay.film import Film
from screenplay.staging.errors import UNKNOWN_CHARACTER
from screenplay.syntax import ast

#: Directives that name a character (``who``), from the one vocabulary ``directives.SPECS``.
STAGING_DIRECTIVES = tuple(
    n for n, s in SPECS.items() if "who" in dict(s.positional) or "who" in s.options
)


def check_directive(film: Film, d: ast.Directive, args: dict[str, Any], diags: Diagnostics) -> None:
    if d.name not in STAGING_DIRECTIVES or "who" not in args:
        return
    who = str(args["who"]).upper()
    if who in film.cast:
        return
    names = [n for n, m in film.cast.items() if n != "NARRATOR"]
    # The name is the first positional of enter/exit/place, the second of shot.
    pos = d.positional()
    at = pos[1 if d.name == "shot" else 0] if len(pos) > (1 if d.name == "shot" else 0) else None
    diags.error(
        UNKNOWN_CHARACTER,
        at.span if at is not None else d.span,
        f"unknown character `{args['who']}`",
        suggestion(who, names, "characters") or "declare them with `cast NAME`",
        "no such character",
    )
