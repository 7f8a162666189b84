"""``screenplay dump FILE --format json|timeline``: the compiler's view of a film, as JSON.

The JSON shows the film *as it will be built*: holes whose text is in the
lock (``[[generate …]]``, ``...`` lines) appear as the elements they become,
each marked ``"generated": true`` with the ``hole_line`` it fills.  A hole
with no locked text stays a hole (and is listed under ``"unfilled"``);
dump never runs a model.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from screenplay.api import load_film
from screenplay.commands import _args
from screenplay.commands._common import report
from screenplay.film import Film
from screenplay.syntax import ast
from screenplay.syntax.ast import flatten
from screenplay.timeline import to_json

NAME = "dump"
HELP = "print the parsed and resolved film (or its timeline) as JSON"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=_args.input_path, metavar="FILE")
    p.add_argument("--format", choices=("json", "timeline"), default="json")
    _args.allow_outside_assets(p)


def _elements(film: Film, fills: dict[tuple[int, int], int]) -> list[dict[str, Any]]:
    """``flatten`` element by element, marking what the lock filled in.

    ``fills`` maps the (line, col) of each filled ``...`` line to its hole's
    line; a spliced ``[[generate]]`` element comes from a source of its own
    (``FILE:LINE (generated)``), which names the hole's line.
    """
    script = film.script
    out: list[dict[str, Any]] = []
    if script.title_page:
        out += flatten(ast.Script(script.file, script.title_page, ()))
    for el in script.body:
        items = flatten(ast.Script(script.file, None, (el,)))
        src = el.span.file
        if src != film.source.name and src.endswith(" (generated)"):
            hole_line = int(src[: -len(" (generated)")].rsplit(":", 1)[1])
            for d in items:
                # Its own line numbers count within the generated text.
                d.update(generated=True, hole_line=hole_line, line=hole_line)
        else:
            for d in items:
                key = (d["line"], d["col"])
                if d["kind"] == "dialogue" and key in fills:
                    d.update(generated=True, hole_line=fills[key])
        out += items
    return out


def film_json(film: Film, fills: dict[tuple[int, int], int] | None = None) -> dict[str, Any]:
    def spec(s: Any) -> Any:
        return to_json(s) if s is not None else None

    return {
        "file": film.source.name,
        "title": film.title,
        "settings": to_json(film.settings),
        "elements": _elements(film, fills or {}),
        "cast": {
            n: {
                "label": m.label,
                "declared": m.declared,
                "speaks": m.speaks,
                "face": spec(m.face),
                "voice": spec(m.voice),
            }
            for n, m in film.cast.items()
        },
        "sets": {
            n: {"declared": s.declared, "scene": to_json(s.scene), "image": spec(s.spec)}
            for n, s in film.sets.items()
        },
        "cues": {
            n: {"music": spec(c.spec), "volume_db": c.volume_db, "duck": c.duck}
            for n, c in film.cues.items()
        },
    }


def _with_locked_text(film: Film) -> tuple[Film, dict[tuple[int, int], int], list[int]]:
    """The film with every locked hole filled (never loading a model)."""
    from screenplay.diagnostics import Diagnostics
    from screenplay.passes.fill import fill, find_holes

    holes = find_holes(film)
    if not holes:
        return film, {}, []
    out = fill(film, Diagnostics(), locked=True, save_lock=False)
    fills = {(h.span.line, h.span.col): h.span.line for h, _ in out.filled if h.mode == "line_for"}
    done = {(h.span.line, h.span.col) for h, _ in out.filled}
    return out.film, fills, [h.span.line for h in holes if (h.span.line, h.span.col) not in done]


def run(args: argparse.Namespace) -> int:
    film, diags = load_film(args.file)
    if film is None or any(d.severity.value == "error" for d in diags):
        report(diags, film)
        return 1
    if args.format == "json":
        film, fills, unfilled = _with_locked_text(film)
        data = film_json(film, fills)
        if unfilled:
            data["unfilled"] = unfilled
    else:
        from screenplay.build import plan_timeline

        timeline, tdiags = plan_timeline(film)
        if timeline is None:
            report(tdiags, film)
            return 1
        data = to_json(timeline)
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
    return 0
